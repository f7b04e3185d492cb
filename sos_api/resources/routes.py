"""The routes of every registered kind, made from its declaration: read, versions, one version, the list under
its parent, marking it entered in error, its create and replace, and its actions.

Handlers are generated with real signatures (path parameter names, `limit`, `cursor`), so Litestar parses
and documents them exactly as it would hand-written ones.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Annotated, Any, Protocol
from uuid import UUID

from litestar import Request, Response
from litestar.openapi.spec import Example
from litestar.params import HeaderParameter, Parameter

from sos_schema import EnteredInErrorCreate

from .. import idempotency
from ..context import Actor
from ..http import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
    VersionNumber,
    api_route,
    cursors_of,
    db_of,
    expected_version,
    json_response,
    page_of,
    read_body,
)
from . import ownership, service, sync
from .registry import REGISTRY, WHOLE, Action, Resource, resource
from .tombstones import GONE_DOC

KW = inspect.Parameter.KEYWORD_ONLY
Handler = Callable[..., Awaitable[Response[bytes]]]


def _route(*args: Any, **kwargs: Any) -> Callable[[Handler], Handler]:
    """`api_route`, typed for the handlers made here."""
    decorate: Callable[[Handler], Handler] = api_route(*args, **kwargs)
    return decorate


def _handler(name: str, params: list[tuple[str, Any, Any]], run: Handler) -> Handler:
    """`run(**kwargs)` under a signature naming each parameter, as Litestar reads it."""

    async def handler(**kwargs: Any) -> Response[bytes]:
        return await run(**kwargs)

    parameters = [
        inspect.Parameter("request", KW, annotation=Request[Any, Any, Any]),
        inspect.Parameter("actor", KW, annotation=Actor),
        *(inspect.Parameter(n, KW, annotation=a, default=d) for n, a, d in params),
    ]
    handler.__signature__ = inspect.Signature(parameters, return_annotation=Response[bytes])  # type: ignore[attr-defined]
    handler.__annotations__ = {p.name: p.annotation for p in parameters} | {"return": Response[bytes]}
    handler.__name__ = handler.__qualname__ = name
    return handler


NONE = inspect.Parameter.empty
KEPT_IN_ERROR = (
    "The record stays, with the mark as its newest version. It disappears from normal reads and lists; auditors "
    "still see it."
)
PAGE = [("limit", Limit, DEFAULT_LIMIT), ("cursor", Cursor, None)]
Params = list[tuple[str, Any, Any]]


class Found(Protocol):
    """What a read hands back: the stored document and its version."""

    @property
    def doc(self) -> bytes: ...

    @property
    def version(self) -> int: ...


Find = Callable[..., Awaitable[Found]]


def _declare(
    res: Resource, method: str, path: str, operation_id: str, params: Params, run: Handler, **doc: Any
) -> Handler:
    """One route of a kind: its OpenAPI declaration (http.api_route) over a generated handler."""
    handler = _handler(operation_id, params, run)
    # Every write made here runs through `_once`, so it takes an Idempotency-Key.
    idempotent = method in {"POST", "PUT"}
    return _route(method, path, operation_id=operation_id, tag=res.names.tag, idempotent=idempotent, **doc)(handler)


def _item(res: Resource) -> Params:
    return [(res.names.id_param, UUID, NONE)]


def read_route(
    res: Resource,
    path: str,
    operation_id: str,
    summary: str,
    params: Params,
    find: Find,
    *,
    gone: bool = False,
    description: str | None = None,
) -> Handler:
    """A read of one record of a kind, found by `find(db, actor, **path values)`: its document and ETag, 404 when
    the caller cannot see it (with `gone`, 410 for a tombstone). For the standard read and for an area's own ways
    to find a record."""
    problems_ = (404, 410) if gone else (404,)

    async def run(request: Request[Any, Any, Any], actor: Actor, **values: Any) -> Response[bytes]:
        stored = await find(db_of(request), actor, **values)
        return json_response(stored.doc, version=stored.version)

    return _declare(
        res,
        "GET",
        path,
        operation_id,
        params,
        run,
        summary=summary,
        returns=res.record.stored,
        etag=True,
        problems_=problems_,
        description=description,
    )


def _get(res: Resource) -> Handler:
    async def find(db: Any, actor: Actor, **ids: UUID) -> Found:
        return await service.read_one(db, actor, res, ids[res.names.id_param])

    summary = f"Read {res.a_title}"
    return read_route(
        res, res.item_path, f"get{res.names.noun}", summary, _item(res), find, gone=True, description=GONE_DOC
    )


def _versions(res: Resource) -> Handler:
    async def run(
        request: Request[Any, Any, Any], actor: Actor, limit: int, cursor: str | None, **ids: UUID
    ) -> Response[bytes]:
        cursors, record_id = cursors_of(request), ids[res.names.id_param]
        return json_response(
            await service.read_versions(db_of(request), actor, cursors, res, record_id, cursor=cursor, limit=limit)
        )

    summary = f"Every saved version of {res.a_title}, oldest first"
    page = page_of(res.record.stored)
    path = f"{res.item_path}/versions"
    return _declare(
        res,
        "GET",
        path,
        f"list{res.names.noun}Versions",
        _item(res) + PAGE,
        run,
        summary=summary,
        returns=page,
        paged=True,
        problems_=(404,),
    )


def _version(res: Resource) -> Handler:
    async def run(request: Request[Any, Any, Any], actor: Actor, version: int, **ids: UUID) -> Response[bytes]:
        return json_response(await service.read_version(db_of(request), actor, res, ids[res.names.id_param], version))

    params = [*_item(res), ("version", VersionNumber, NONE)]
    path, summary = f"{res.item_path}/versions/{{version:int}}", f"One saved version of {res.a_title}"
    return _declare(
        res,
        "GET",
        path,
        f"get{res.names.noun}Version",
        params,
        run,
        summary=summary,
        returns=res.record.stored,
        problems_=(404,),
    )


def _entered_in_error(res: Resource) -> Handler:
    """BR-23, the same for every kind: an action whose service is the registry's own."""

    async def mark(db: Any, actor: Actor, record_id: UUID, expected: int, body: Any) -> service.Written:
        return await service.mark_entered_in_error(db, actor, res, record_id, expected, body)

    summary = f"Mark {res.a_title} entered in error, with the reason (If-Match; never deleted, BR-23)"
    action = Action(
        f"mark{res.names.noun}EnteredInError",
        summary,
        "entered-in-error",
        None,
        res.access.correct,
        run=mark,
        body=EnteredInErrorCreate,
    )
    return _action(res, replace(action, description=KEPT_IN_ERROR))


def _parent_path(res: Resource) -> tuple[str, Params]:
    """Where a kind's records are listed and created: under its parent, or the collection itself."""
    if res.record.parent is None:
        return res.names.path, []
    parent = resource(res.record.parent)
    return f"{parent.item_path}/{res.segment}", [(parent.names.id_param, UUID, NONE)]


def _parent_id(res: Resource, ids: dict[str, UUID]) -> UUID | None:
    return ids[resource(res.record.parent).names.id_param] if res.record.parent else None


def _listing(res: Resource) -> Handler:
    listing = res.listing
    assert listing is not None
    path, params = _parent_path(res)

    async def run(
        request: Request[Any, Any, Any], actor: Actor, limit: int, cursor: str | None, **ids: UUID
    ) -> Response[bytes]:
        parent_id, cursors = _parent_id(res, ids), cursors_of(request)
        return json_response(await service.read_listing(db_of(request), actor, cursors, res, parent_id, cursor, limit))

    doc = {"summary": listing.summary, "returns": page_of(res.record.stored), "paged": True}
    return _declare(
        res, "GET", path, listing.operation_id, params + PAGE, run, **doc, problems_=(404,) if res.record.parent else ()
    )


def _create(res: Resource) -> Handler:
    spec, body_type = res.create, res.record.accepts
    assert spec is not None
    path, params = _parent_path(res)

    async def run(
        request: Request[Any, Any, Any], actor: Actor, if_none_exist: str | None = None, **ids: UUID
    ) -> Response[bytes]:
        async def write() -> service.Written:
            body = await read_body(request, body_type)
            parent_id = _parent_id(res, ids)
            return await service.create(db_of(request), actor, res, parent_id, body, if_none_exist=if_none_exist)

        return await _once(request, actor, res, write, created=True)

    doc = {"summary": spec.summary, "description": spec.description, "body": body_type, "returns": res.record.stored}
    problems = (404, *spec.problems) if res.record.parent else spec.problems
    conditional: dict[str, Any] = {}
    if spec.if_none_exist is not None:
        header = HeaderParameter(name="If-None-Exist", max_length=300, description=spec.if_none_exist_doc)
        params = [*params, ("if_none_exist", Annotated[str | None, header], None)]
        conditional = {"alternate": 200}
    return _declare(
        res,
        "POST",
        path,
        spec.operation_id,
        params,
        run,
        **doc,
        **conditional,
        status=201,
        location=True,
        etag=True,
        problems_=problems,
    )


def _replace(res: Resource) -> Handler:
    spec, body_type = res.replace, res.record.accepts
    assert spec is not None

    async def run(request: Request[Any, Any, Any], actor: Actor, **ids: UUID) -> Response[bytes]:
        async def write() -> service.Written:
            expected = expected_version(request)
            body = await read_body(request, body_type)
            record_id = ids[res.names.id_param]
            return await service.change(
                db_of(request), actor, res, record_id, expected, body, spec.build, guard_fields=True
            )

        return await _once(request, actor, res, write)

    description = " ".join(filter(None, (spec.description, NOT_AUTHORITATIVE)))
    doc = {"summary": spec.summary, "description": description, "body": body_type, "returns": res.record.stored}
    return _declare(
        res,
        "PUT",
        res.item_path,
        spec.operation_id,
        _item(res),
        run,
        **doc,
        etag=True,
        if_match=True,
        problems_=(404, 409, *spec.problems),
    )


SourceSystem = Annotated[
    str,
    Parameter(
        max_length=200,
        pattern=r"^https://[!-~]+$",
        description="Your council system's URI for this kind, naming your council: "
        "`https://sos-casework.org.uk/id/la/{la_code}/{system}`.",
        examples=[Example(value="https://sos-casework.org.uk/id/la/845/cp-plan")],
    ),
]
SourceId = Annotated[
    str,
    Parameter(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:\-/]*$",
        description="The record's key in that system (letters, digits and . _ : - /).",
        examples=[Example(value="CPPL-123")],
    ),
]
OptionalIfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        max_length=20,
        description='The ETag you read of the record holding the key, e.g. W/"3": required when one does (428 '
        "without it, 412 when stale), refused when none does (412).",
    ),
]
NOT_AUTHORITATIVE = (
    "A council's own system (an integration client) changes only the fields its council lets it own (interop R11): "
    "any other field it changes is refused with 409 `not-authoritative` naming each one."
)


def _sync(res: Resource) -> Handler:
    """Interop R3: `PUT` where the kind is created, by a council system's key."""
    spec, body_type = res.sync, res.record.accepts
    assert spec is not None
    assert res.create is not None
    path, params = _parent_path(res)

    async def run(
        request: Request[Any, Any, Any],
        actor: Actor,
        source: str,
        source_id: str,
        if_match: str | None = None,
        **ids: UUID,
    ) -> Response[bytes]:
        async def write() -> service.Written:
            key = sync.source_key(actor, res, source, source_id)
            expected = expected_version(request) if if_match is not None else None
            body = await read_body(request, body_type)
            return await sync.upsert(db_of(request), actor, res, _parent_id(res, ids), key, expected, body)

        return await _once(request, actor, res, write, created=True)

    systems = ", ".join(f"`{slug}`" for slug in spec.systems)
    aliases = f" The key is the council system's own primary key: {spec.aliases}." if spec.aliases else ""
    if res.record.parent is not None:
        parent = resource(res.record.parent).names.title
        aliases += f" The {parent} is named in the path, as for the create; a key held under another {parent} is 409."
    owned = (
        "the whole record"
        if spec.owns == WHOLE
        else ", ".join(f"`{p}`" for p in spec.owns) + "; the rest is its practitioners'"
    )
    description = (
        f"Interop R3: upsert by your council system's key. `source` is one of your council's systems for this kind "
        f"(`https://sos-casework.org.uk/id/la/{{la_code}}/{{system}}`, system one of {systems}; another council's "
        f"is 403 `source-not-yours`).{aliases} No record holds the key: the body is recorded as a new one carrying "
        "it in `meta.source` (201, Location; send no If-Match). One does: the body replaces it, with If-Match as "
        "for its own PUT (428 without, 412 when stale). Interop R11: by default the council's system owns "
        f"{owned} (SOS_COUNCILS_FILE `owns` overrides per council); changing any other field is 409 "
        "`not-authoritative`. A key held by a record marked entered in error is 410. The changes feed names the "
        "system as the change's `source_system`."
    )
    params = [
        *params,
        ("source", SourceSystem, NONE),
        ("source_id", SourceId, NONE),
        ("if_match", OptionalIfMatch, None),
    ]
    problems = (404, 409, 410, 412, 428, *res.create.problems)
    return _declare(
        res,
        "PUT",
        path,
        res.sync_operation_id,
        params,
        run,
        summary=f"Create or update {res.a_title} by your council system's key",
        description=description,
        body=body_type,
        returns=res.record.stored,
        alternate=201,
        location=True,
        etag=True,
        problems_=tuple(sorted(set(problems))),
    )


def _action(res: Resource, action: Action) -> Handler:
    async def run(request: Request[Any, Any, Any], actor: Actor, **ids: UUID) -> Response[bytes]:
        async def write() -> service.Written:
            expected = expected_version(request) if action.if_match else None
            body = await read_body(request, action.body) if action.body is not None else None
            record_id = ids[res.names.id_param]
            if action.change is not None:
                return await service.change(db_of(request), actor, res, record_id, expected or 0, body, action.change)
            assert action.run is not None
            written: service.Written = await action.run(db_of(request), actor, record_id, expected, body)
            return written

        return await _once(request, actor, res, write, created=action.creates)

    doc = {
        "summary": action.summary,
        "description": action.description,
        "body": action.body,
        "returns": res.record.stored,
    }
    created = {"status": 201, "location": True} if action.creates else {}
    path = f"{res.item_path}/{action.segment}"
    return _declare(
        res,
        "POST",
        path,
        action.operation_id,
        _item(res),
        run,
        **doc,
        **created,
        etag=True,
        if_match=action.if_match,
        problems_=action.problems,
    )


async def _once(
    request: Request[Any, Any, Any],
    actor: Actor,
    res: Resource,
    write: Callable[[], Awaitable[service.Written]],
    *,
    created: bool = False,
) -> Response[bytes]:
    """A write, run at most once per Idempotency-Key (interop R12), answered with what it saved."""

    def respond(written: Any) -> Response[bytes]:
        # A conditional create (If-None-Exist) that found the record made nothing: 200, not 201.
        return _written(res, written, created=created and written.created)

    # Interop R11: a council's system writes only the kinds its council lets it own.
    ownership.check_kind(actor, res)
    return await idempotency.once(request, actor, res.kind, write, respond)


def _written(res: Resource, written: service.Written, *, created: bool = False) -> Response[bytes]:
    """A saved record: its document and ETag, and for a new one 201 with where to read it."""
    if not created:
        return json_response(written.doc, version=written.version)
    return json_response(written.doc, status=201, version=written.version, location=f"{res.names.path}/{written.id}")


STANDARD = {"get": _get, "versions": _versions, "version": _version, "entered_in_error": _entered_in_error}


def standard_routes(res: Resource) -> list[Handler]:
    """Every standard route a kind's declaration asks for."""
    routes = [STANDARD[name](res) for name in res.standard]
    if res.listing is not None:
        routes.append(_listing(res))
    if res.create is not None:
        routes.append(_create(res))
    if res.replace is not None:
        routes.append(_replace(res))
    if res.sync is not None:
        routes.append(_sync(res))
    return routes + [_action(res, action) for action in res.actions]


def all_standard_routes() -> list[Handler]:
    return [route for res in REGISTRY.values() for route in standard_routes(res)]
