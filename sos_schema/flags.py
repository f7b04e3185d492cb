"""The flag lookup (interop R17, R18): is this child on a plan, and whom to call. CP-IS parity: the plan type, its
dates and the responsible council's contact routes, nothing else about the child.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

from msgspec import Meta

from ._base import FEW, Code, Instant, LaCode, Output, ShortText, UserRef

__all__ = ["Flag", "FlagAccess", "FlagAccessList", "FlagList", "FlagPlanType", "ResponsibleCouncil"]

Phone = Annotated[
    str, Meta(pattern=r"^\+?[0-9][0-9 ()\-]{5,24}$", description="A telephone number.", examples=["0113 496 0000"])
]


class FlagPlanType(enum.StrEnum):
    """The plan a flag reports (CP-IS plan types): a child protection plan, being looked after, or a child in need
    plan. `unborn_child_protection` is a child protection plan for a child not yet born."""

    child_protection = "child_protection"
    unborn_child_protection = "unborn_child_protection"
    looked_after = "looked_after"
    child_in_need = "child_in_need"


class ResponsibleCouncil(Output, kw_only=True):
    """The council responsible for the plan and how to reach it, in and out of office hours (from the server's
    configuration, SOS_COUNCILS_FILE)."""

    code: LaCode
    name: ShortText
    office_hours_phone: Phone | None = None
    out_of_hours_phone: Phone | None = None


class Flag(Output, kw_only=True):
    """One plan a child is on, or was on within the last 12 months."""

    plan_type: FlagPlanType
    start: dt.date
    end: Annotated[dt.date | None, Meta(description="Empty while the plan is current.")] = None
    responsible_la: ResponsibleCouncil


class FlagList(Output, kw_only=True):
    """Every flag on the subject, possibly none: an empty list says only that no council here holds a current or
    recent plan for that identifier."""

    items: Annotated[list[Flag], Meta(max_length=100)]


class FlagAccess(Output, kw_only=True):
    """One lookup of a child's flags: who looked, from which organisation, when, and whether it was unscheduled
    care (an emergency department, 111, out of hours)."""

    at: Instant
    user: UserRef
    role: Code
    organisation: Annotated[str, Meta(max_length=60, examples=["ods:RX1"])]
    client_app: ShortText | None = None
    unscheduled: bool
    purpose: Code


class FlagAccessList(Output, kw_only=True):
    """The latest flag lookups of one child, newest first (at most 25, as CP-IS keeps)."""

    items: Annotated[list[FlagAccess], Meta(max_length=FEW + 5)]
