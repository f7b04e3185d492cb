"""Case involvements: who outside the allocated team works with a family, and so may see its case.

Partner agencies see only the cases they are involved in, and independent chairs and reviewing officers only
the cases they chair or review (domain 4.1). An involvement says who, why, and for how long; ending one keeps
it in the history (domain 3.6) and withdraws the access at once.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated
from uuid import UUID

from msgspec import Meta

from ._base import Input, OrganisationCode, PractitionerRef, RecordMeta, Text, check_order, require

__all__ = [
    "CaseInvolvement",
    "CaseInvolvementCreate",
    "CaseInvolvementEnd",
    "InvolvementKind",
    "InvolvementReason",
    "InvolvementStatus",
]

Organisation = OrganisationCode


class InvolvementKind(enum.StrEnum):
    """`agency`: an organisation working with the family; `conference_chair` and `iro`: a named independent
    practitioner who chairs the child protection conferences or reviews the looked-after child's plan."""

    agency = "agency"
    conference_chair = "conference_chair"
    iro = "iro"


class InvolvementReason(enum.StrEnum):
    invited_to_meeting = "invited_to_meeting"
    network_member = "network_member"
    contributed = "contributed"
    referrer = "referrer"
    statutory_role = "statutory_role"
    other = "other"


class InvolvementStatus(enum.StrEnum):
    active = "active"
    ended = "ended"


class CaseInvolvementCreate(Input, kw_only=True):
    """Involve an agency (by organisation) or an independent chair or IRO (by person) in a case."""

    kind: InvolvementKind
    organisation: Annotated[Organisation | None, Meta(description="Required for an agency.")] = None
    person_id: Annotated[
        PractitionerRef | None,
        Meta(description="The practitioner; required for a chair or IRO, optional for an agency."),
    ] = None
    reason: InvolvementReason
    note: Annotated[Text | None, Meta(description="Required when the reason is other.")] = None
    start_date: dt.date

    def __post_init__(self) -> None:
        require(
            self.kind is not InvolvementKind.agency or self.organisation is not None,
            "organisation is required for an agency involvement",
        )
        require(
            self.kind is InvolvementKind.agency or self.person_id is not None,
            "person_id is required for a conference_chair or iro involvement",
        )
        require(self.reason is not InvolvementReason.other or self.note is not None, "note is required for other")


class CaseInvolvement(CaseInvolvementCreate, kw_only=True, forbid_unknown_fields=False):
    id: UUID
    case_id: UUID
    status: InvolvementStatus
    end_date: dt.date | None = None
    end_note: Text | None = None
    meta: RecordMeta

    def __post_init__(self) -> None:
        super().__post_init__()
        require(
            (self.status is InvolvementStatus.ended) == (self.end_date is not None), "an ended involvement has end_date"
        )
        check_order(self.start_date, self.end_date, "involvement")


class CaseInvolvementEnd(Input, kw_only=True):
    """End an involvement: the agency or practitioner loses access to the case from now on."""

    end_date: dt.date
    note: Text | None = None
