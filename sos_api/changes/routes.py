"""`GET /v1/changes`: the changes feed for a council's integration clients (interop R5, R6)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response
from litestar.params import Parameter

from sos_schema import ChangePage

from ..auth.policy import COUNCIL_WIDE, SYNC_CLIENTS, Rule, register_rules
from ..context import Actor
from ..http import Cursor, api_route, cursors_of, db_of, json_response
from . import service

OPERATION = "listChanges"
# A council's own systems (scope system/changes.r) and its council-wide readers; the items are thin (no content),
# but they name every record of the council, so no role limited to some cases reads them.
register_rules({OPERATION: Rule(SYNC_CLIENTS | COUNCIL_WIDE, "changes", "r", purpose="integration_sync")})

FeedLimit = Annotated[int, Parameter(ge=1, le=1000, description="Changes per page, 1 to 1000.")]
Types = Annotated[
    str | None,
    Parameter(
        max_length=2000,
        pattern=r"^[a-z_]{1,40}(,[a-z_]{1,40})*$",
        description="Only these kinds, comma-separated, e.g. `case,assessment_map,statutory_plan` (all when absent).",
    ),
]


@api_route(
    "GET",
    "/v1/changes",
    operation_id=OPERATION,
    tag="sync",
    summary="What changed in the council's records, in commit order (a delta feed)",
    returns=ChangePage,
    problems_=(410,),
    description=(
        "Thin items (ids and versions, no content) in the order the changes committed: a change that commits late "
        "is never skipped. Start without a cursor, follow `next_cursor` until a page comes back short, keep the "
        "last `next_cursor` and ask again later for what changed since (it is present on every page, even empty). "
        "A record marked entered in error is `op: delete` with `reason: entered-in-error`; ending a plan or a case "
        "is an update. Changes are kept `SOS_CHANGES_RETENTION_DAYS` (at least 35); a cursor older than that is "
        "410 `cursor-expired`: resynchronise and start again. `types=` names the kinds wanted (400 `unknown-type` "
        "for one the API does not have); a cursor only works with the `types=` it was made for."
    ),
)
async def list_changes(
    request: Request[Any, Any, Any],
    actor: Actor,
    types: Types = None,
    limit: FeedLimit = 100,
    cursor: Cursor = None,
) -> Response[bytes]:
    body = await service.changes_page(db_of(request), actor, cursors_of(request), types, cursor, limit)
    return json_response(body)


ROUTES = [list_changes]
