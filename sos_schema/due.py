"""Due and overdue work: the statutory timescales of a team's cases in one list, for a manager's dashboard
(domain 3.5; issue 11).

Worked out when it is read, from the same dates each record shows on its own reads (a referral's
`decision_due_by`, a conference's `due_by`, a placement plan's `due_by`...): one item per timescale still to be met.
A working day is Monday to Friday except the England and Wales bank holidays.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated
from uuid import UUID

from msgspec import Meta

from ._base import FEW, DayCount, Output, PersonRef, ShortText

__all__ = ["DueWork", "DueWorkKind", "DueWorkList"]


class DueWorkKind(enum.StrEnum):
    """Which timescale an item is (domain 3.5). `care_proceedings`: proceedings finished within 26 weeks of the
    application (Children Act 1989 s32(1)(a)); `looked_after_review`: a care plan's review (CPPCR 2010 reg 33)."""

    referral_decision = "referral_decision"
    initial_conference = "initial_conference"
    first_core_group = "first_core_group"
    review_conference = "review_conference"
    care_plan = "care_plan"
    placement_plan = "placement_plan"
    plan_review = "plan_review"
    pathway_plan_review = "pathway_plan_review"
    looked_after_review = "looked_after_review"
    care_proceedings = "care_proceedings"


class DueWork(Output, kw_only=True):
    """One timescale still to be met, and the record it belongs to."""

    what: DueWorkKind
    kind: Annotated[ShortText, Meta(description="The kind of record it belongs to, e.g. `referral`.")]
    record_id: UUID
    case_id: Annotated[UUID | None, Meta(description="Empty for a referral still in the front-door pool.")] = None
    child_ids: Annotated[list[PersonRef], Meta(max_length=FEW)] = []
    due_by: dt.date
    working_days_remaining: Annotated[
        DayCount, Meta(description="Working days from today to the due date; negative once it has passed.")
    ]
    overdue: bool


class DueWorkList(Output, kw_only=True):
    """A team's due and overdue work, soonest first."""

    team: ShortText
    as_of: Annotated[dt.date, Meta(description="Today in England, the day the list was worked out for.")]
    items: list[DueWork]
