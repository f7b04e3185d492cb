"""A valid request body for every write, keyed by the requestBody schema name in openapi/openapi.json.

Bodies start from the valid examples in tests/schema/examples (one list per sos_schema module) and get the
ids of one World (tests/api/world.py) patched in: the examples name people, cases and dangers by placeholder
ids such as `CHILD` or `DANGER`, and `from_example` swaps each for the world's record of that name, so a body
names children of the world's case, people that exist and dangers of the case. An allowed write then answers
about access and state, never with a 422 about its body.

Adding a body for a new operation is one entry in BODIES:

    "RelationshipCreate": lambda world, caller: from_example("RelationshipCreate", world),
    "ReferralCreate": lambda world, caller: from_example("ReferralCreate", world),

`body_for` refuses a schema with no entry, so a new write route cannot reach the access matrix without one.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import itertools
import json
import pkgutil
import re
from collections.abc import Callable, Iterator
from functools import cache
from types import ModuleType
from typing import Any, NamedTuple

import tests.schema.examples as examples_pkg
from sos_api.auth.roles import Role
from sos_api.resources.service import today
from sos_schema.export import public_types
from tests.api.world import TEAM, World
from tests.api.worlds import modules

PLACEHOLDER = re.compile(r"^0b0c0d0e-0000-4000-8000-[0-9a-f]{12}$")


class Caller(NamedTuple):
    """Who sends the body: a judgement is recorded in the caller's own voice (domain 4.1)."""

    role: Role
    person_id: str | None = None


BodyBuilder = Callable[[World, Caller], dict[str, Any]]


class NoBody(LookupError):
    """A write whose body type has no builder in BODIES."""


# --- the examples --------------------------------------------------------------------------------------


@cache
def _modules() -> tuple[ModuleType, ...]:
    return tuple(
        importlib.import_module(f"{examples_pkg.__name__}.{info.name}")
        for info in pkgutil.iter_modules(examples_pkg.__path__)
    )


def _examples(name: str) -> list[tuple[ModuleType, dict[str, Any]]]:
    tp = public_types()[name]
    return [(module, payload) for module in _modules() for t, payload in module.VALID if t is tp]


def world_ids(world: World) -> dict[str, str]:
    """The world's records by the names the examples give their placeholder ids."""
    f = world.family
    return {
        "CASE": f.case_id,
        "CHILD": f.child,
        "SIBLING": f.sibling,
        "MUM": f.mum,
        "DAD": f.dad,
        "WORKER": f.worker,
        "CHAIR": world.chair,
        "IRO": world.iro,
        "DANGER": world.danger_id,
        "QUESTION": world.question_id,
        "MAP": world.map_id,
        "INVOLVEMENT": world.involvement_id,
    } | {name: value for module in modules() for name, value in module.ids(world).items()}


def _walk(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def placeholders_in(body: Any) -> list[str]:
    return [s for s in _walk(body) if PLACEHOLDER.match(s)]


def from_example(name: str, world: World, index: int = 0, **ids: str) -> dict[str, Any]:
    """Example `index` of the public type `name`, its placeholder ids swapped for the world's records.

    `ids` adds or overrides names (e.g. NAN=world.family.dad). A placeholder the world has no record for
    raises, so a body never names something that does not exist."""
    found = _examples(name)
    if len(found) <= index:
        raise NoBody(f"tests/schema/examples has no example {index} of {name}")
    module, payload = found[index]
    names = world_ids(world) | ids
    swap = {
        value: names[const]
        for const, value in vars(module).items()
        if isinstance(value, str) and PLACEHOLDER.match(value) and const in names
    }
    text = json.dumps(payload)
    for placeholder, real in swap.items():
        text = text.replace(f'"{placeholder}"', json.dumps(real))
    body: dict[str, Any] = json.loads(text)
    left = placeholders_in(body)
    if left:
        named = {v: k for k, v in vars(module).items() if isinstance(v, str) and v in left}
        raise NoBody(f"the {name} example names ids the world has no record for: {named or left}")
    return body


# --- builders ------------------------------------------------------------------------------------------


def case_body(world: World, caller: Caller) -> dict[str, Any]:
    """The world's whole family, kept allocated to its worker and team: a replace that dropped a member or the
    allocation would change who the insiders are for every later call."""
    f = world.family
    members = [
        {"person_id": f.child, "role": "child"},
        {"person_id": f.sibling, "role": "child"},
        {"person_id": f.mum, "role": "parent"},
        {"person_id": f.dad, "role": "parent"},
    ]
    return from_example("CaseCreate", world) | {"members": members, "allocated_worker": f.worker, "team": TEAM}


# The perspective a caller's own judgement is recorded under (domain 2.1), by role.
PERSPECTIVE = {
    Role.team_manager: "manager",
    Role.partner_practitioner: "agency",
    Role.partner_system: "agency",
    **{
        r: r.value
        for r in (
            Role.social_worker,
            Role.early_help_worker,
            Role.personal_adviser,
            Role.conference_chair,
            Role.iro,
            Role.parent_carer,
            Role.family_member,
            Role.network_member,
            Role.child,
        )
    },
}
VOICES = frozenset({"child", "parent_carer", "family_member", "network_member"})
# BR-02 allows one judgement per person per scale per day: each body is given on a day of its own.
_DAYS_BACK = itertools.count(1)


def judgement_body(world: World, caller: Caller) -> dict[str, Any]:
    """The caller's own number, as themselves, on a day nobody has used yet."""
    role = PERSPECTIVE.get(caller.role, "social_worker")
    perspective: dict[str, Any] = {
        "perspective_role": role,
        "perspective_person_id": caller.person_id or world.family.worker,
        "own_words": role in VOICES,
    }
    if role == "agency":
        perspective["agency_type"] = "health_visitor"
    given_on = today() - dt.timedelta(days=next(_DAYS_BACK))
    return from_example("ScalingJudgementCreate", world) | {
        "perspective": perspective,
        "given_on": given_on.isoformat(),
    }


def finalise_body(world: World, caller: Caller) -> dict[str, Any]:
    """A note only: sign-off (approved_by) is the finaliser's own, from the token, never named in a body."""
    body = from_example("MapFinalise", world, index=1, MANAGER=world.family.worker)
    body.pop("approved_by", None)
    return body


BODIES: dict[str, BodyBuilder] = {
    "CaseCreate": case_body,
    "CaseClose": lambda world, caller: from_example("CaseClose", world),
    "CaseInvolvementCreate": lambda world, caller: from_example("CaseInvolvementCreate", world),
    "CaseInvolvementEnd": lambda world, caller: from_example("CaseInvolvementEnd", world),
    "PersonCreate": lambda world, caller: from_example("PersonCreate", world),
    "AssessmentMapCreate": lambda world, caller: from_example("AssessmentMapCreate", world),
    "MapFinalise": finalise_body,
    "DangerStatementCreate": lambda world, caller: from_example("DangerStatementCreate", world),
    "ScalingQuestionCreate": lambda world, caller: from_example("ScalingQuestionCreate", world),
    "ScalingJudgementCreate": judgement_body,
    "RelationshipCreate": lambda world, caller: from_example("RelationshipCreate", world),
    "EnteredInErrorCreate": lambda world, caller: {"reason": "Recorded on the wrong family's case."},
    # A spare person (the matrix's) merged into the chair's record: someone on none of the spare's cases.
    "PersonMerge": lambda world, caller: {"into": world.chair, "reason": "Recorded twice."},
}


def all_bodies() -> dict[str, BodyBuilder]:
    """BODIES and the practice-tool areas' own (tests/api/worlds)."""
    return BODIES | {name: build for module in modules() for name, build in module.BODIES.items()}


def body_for(schema: str, world: World, caller: Caller) -> dict[str, Any]:
    """A fresh valid body of `schema` (the requestBody schema name) for this world and caller."""
    try:
        build = all_bodies()[schema]
    except KeyError:
        raise NoBody(f"no body builder for {schema}: add one to BODIES in tests/api/bodies.py") from None
    return copy.deepcopy(build(world, caller))


def request_schema(operation: dict[str, Any]) -> str | None:
    """The schema name of an OpenAPI operation's JSON request body, or None when it takes no body."""
    body = operation.get("requestBody")
    if body is None:
        return None
    schema = body["content"]["application/json"]["schema"]
    ref = schema.get("$ref")
    if ref is None:
        raise NoBody(f"{operation['operationId']}: request body is not a named schema: {schema}")
    return str(ref.rsplit("/", 1)[-1])
