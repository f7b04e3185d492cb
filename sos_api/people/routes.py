"""People routes beyond the standard ones (resources/routes.py): finding and upserting people by identifier, and
the identifier system registry (interop R1, R2)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response
from litestar.params import HeaderParameter, Parameter

from sos_schema import IDENTIFIER_SYSTEMS, IdentifierSystemList, Person, PersonCreate

from .. import idempotency
from ..context import Actor
from ..http import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
    api_route,
    cursors_of,
    db_of,
    encode,
    expected_version,
    json_response,
    page_of,
    read_body,
)
from ..resources import ownership
from ..resources.registry import resource
from ..resources.service import Written
from . import service

IDENTIFIER_HELP = (
    "`system|value` (send | as %7C): the system's URI or its alias (`GET /v1/identifier-systems`), e.g. "
    "`https://fhir.nhs.uk/Id/nhs-number|9434765919` or `nhs_number|9434765919`. A council's own person id sent "
    "by alias is your council's."
)
# PostgreSQL text cannot hold NUL: refuse it here (400) rather than in the query (500).
NO_NUL = r"^[^\x00]*$"
IdentifierFilter = Annotated[
    str | None,
    Parameter(max_length=200, pattern=NO_NUL, description=f"Find people by identifier: {IDENTIFIER_HELP}"),
]
IdentifierKey = Annotated[
    str, Parameter(max_length=200, pattern=NO_NUL, description=f"The identifier to upsert by: {IDENTIFIER_HELP}")
]
IssuerFilter = Annotated[
    str | None,
    Parameter(
        max_length=200,
        pattern=NO_NUL,
        description="For systems issued per force or court (police_crime_ref...): the issuer the identifier is from.",
    ),
]

OptionalIfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        max_length=20,
        description='The ETag you read of the person holding the identifier, e.g. W/"3": required when someone '
        "does (428 without it, 412 when stale), refused when no one does (412).",
    ),
]


@api_route(
    "GET",
    "/v1/people",
    operation_id="listPeople",
    tag="people",
    summary="List or find people",
    returns=page_of(Person),
    paged=True,
)
async def list_people(
    request: Request[Any, Any, Any],
    actor: Actor,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    identifier: IdentifierFilter = None,
    issuer: IssuerFilter = None,
) -> Response[bytes]:
    body = await service.list_people(
        db_of(request), actor, cursors_of(request), identifier, issuer=issuer, cursor=cursor, limit=limit
    )
    return json_response(body)


UPSERT = (
    "Interop R2 (FHIR conditional update). No person in your council holds the identifier: the body is recorded "
    "as a new person (201, Location; send no If-Match). Exactly one does: the body replaces their record, with "
    "If-Match as for `replacePerson` (428 without it, 412 when stale). Several do: 412 `ambiguous-identifier`, "
    "naming none of them. The body's identifiers must include the one in the query (422)."
)


@api_route(
    "PUT",
    "/v1/people",
    operation_id="upsertPersonByIdentifier",
    tag="people",
    summary="Create or update the person holding an identifier",
    description=UPSERT,
    body=PersonCreate,
    returns=Person,
    alternate=201,
    location=True,
    etag=True,
    problems_=(404, 412, 428),
    idempotent=True,
)
async def upsert_person(
    request: Request[Any, Any, Any],
    actor: Actor,
    identifier: IdentifierKey,
    issuer: IssuerFilter = None,
    if_match: OptionalIfMatch = None,
) -> Response[bytes]:
    async def write() -> Written:
        expected = expected_version(request) if if_match is not None else None
        body = await read_body(request, PersonCreate)
        return await service.upsert_person(db_of(request), actor, identifier, issuer, expected, body)

    def respond(written: Written) -> Response[bytes]:
        if written.created:
            location = f"/v1/people/{written.id}"
            return json_response(written.doc, status=201, version=written.version, location=location)
        return json_response(written.doc, version=written.version)

    # Interop R11: a council that keeps people in its practitioners' hands refuses its systems' upserts.
    ownership.check_kind(actor, resource(service.KIND))
    # A nightly sync that lost the answer retries with its Idempotency-Key (interop R12) and gets it again.
    return await idempotency.once(request, actor, "person", write, respond)


REGISTRY = encode(IdentifierSystemList(items=list(IDENTIFIER_SYSTEMS)))


@api_route(
    "GET",
    "/v1/identifier-systems",
    operation_id="listIdentifierSystems",
    tag="people",
    summary="The identifier systems a person's identifiers may use",
    returns=IdentifierSystemList,
    description="Interop R1: each system's URI, the alias accepted for it on input, its format and whether it is "
    "unique only within its issuer. Any signed-in caller may read it: it holds no one's data.",
)
async def list_identifier_systems() -> Response[bytes]:
    return json_response(REGISTRY)


ROUTES = [list_people, upsert_person, list_identifier_systems]
