"""A team's due and overdue work (GET /v1/teams/{team}/due-work): every statutory timescale its open cases still
have to meet, soonest first, for a team manager's dashboard (domain 3.5; issue 11).

Each kind says which deadlines a record of it still has (the registry's `due` hook, from the record as its own
reads show it), so the list and the record never disagree about a date. It reads through the same scoped queries
as every endpoint, and every record behind an item is recorded as read (BR-25).
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Response
from litestar.params import Parameter

from sos_schema import DueWork, DueWorkList

from . import problems
from .audit import record as audit
from .auth.policy import COUNCIL_WIDE, MANAGERS, Rule, register_rules
from .auth.roles import Role
from .context import Actor
from .db import records as q
from .db.engine import Database
from .db.records import StoredRecord
from .db.tables import records
from .http import api_route, db_of, json_response
from .resources.registry import all_resources, resource
from .resources.service import today

OPERATION = "listTeamDueWork"
register_rules({OPERATION: Rule(MANAGERS | COUNCIL_WIDE, "cases", "r")})
Team = Annotated[str, Parameter(min_length=1, max_length=200, description="The team's name, as cases are allocated.")]


def may_see_team(actor: Actor, team: str) -> None:
    """A team manager sees the teams their token names; practice leads and auditors see every team."""
    if actor.role is Role.team_manager and team not in actor.principal.teams:
        raise problems.Forbidden("A team manager sees the due work of their own teams.")


async def team_due_work(db: Database, actor: Actor, team: str, overdue_only: bool) -> bytes:
    may_see_team(actor, team)
    async with db.begin(actor.scope) as conn:
        cases = await q.select_where(
            conn, actor.scope, resource("case"), records.c.status == "open", records.c.doc["team"].astext == team
        )
        case_ids = [c.id for c in cases]
        items: list[DueWork] = []
        behind: list[StoredRecord] = []
        for res in all_resources():
            if res.due is None or not case_ids:
                continue
            found = await q.select_where(conn, actor.scope, res, records.c.case_id.in_(case_ids))
            if found and res.present is not None:
                found = await res.present(conn, actor, found)
            for stored in found:
                owed = [item for item in res.due(res.decode(stored)) if item.overdue or not overdue_only]
                items += owed
                behind += [stored] if owed else []
        await audit.record_rows(conn, actor, "read", behind)
    items.sort(key=lambda item: (item.due_by, str(item.record_id), item.what))
    return msgspec.json.encode(DueWorkList(team=team, as_of=today(), items=items))


@api_route(
    "GET",
    "/v1/teams/{team:str}/due-work",
    operation_id=OPERATION,
    tag="statutory",
    summary="A team's due and overdue statutory work, soonest first (a manager's dashboard)",
    returns=DueWorkList,
    description=(
        "Every timescale of domain 3.5 the team's open cases still have to meet: referral decisions, initial and "
        "review conferences, first core groups, care and placement plans, plan reviews and pathway plan reviews, "
        "each with its due date, working days remaining (negative once passed) and whether it is overdue. A team "
        "manager sees their own teams (the token's `teams`); practice leads and auditors see any team."
    ),
)
async def list_team_due_work(
    request: Request[Any, Any, Any],
    actor: Actor,
    team: Team,
    overdue_only: Annotated[bool, Parameter(description="Only what is already overdue.")] = False,
) -> Response[bytes]:
    return json_response(await team_due_work(db_of(request), actor, team, overdue_only))


ROUTES = [list_team_due_work]
