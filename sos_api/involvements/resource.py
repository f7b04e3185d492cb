"""The case involvement: an agency, a conference chair or an IRO brought into a case, which lets them see it."""

from __future__ import annotations

from sos_schema import CaseInvolvement, CaseInvolvementCreate, CaseInvolvementEnd

from ..auth.policy import CASE_WRITERS, PROFESSIONALS, Access
from ..resources.presets import KEPT_IN_CMS
from ..resources.registry import Action, Create, Listing, Names, Record, Resource, register
from . import service

INVOLVEMENTS = register(
    Resource(
        Names(
            service.KIND, "CaseInvolvement", "/v1/involvements", "involvement_id", "cases", scope="case-involvements"
        ),
        # Professional records: the family sees who works with them through the case, not here.
        Record(CaseInvolvement, CaseInvolvementCreate, parent="case", default_visibility="professionals_only"),
        Access(read=PROFESSIONALS),
        system_owns=KEPT_IN_CMS,
        listing=Listing("listCaseInvolvements", "Who is involved in a case, past and present, oldest first"),
        create=Create(
            "createCaseInvolvement",
            "Involve an agency, a conference chair or an IRO in a case (gives them access to it)",
            service.new_involvement,
            CASE_WRITERS,
        ),
        after=service.grant_access,
        actions=(
            Action(
                "endCaseInvolvement",
                "End an involvement: its access to the case stops now (If-Match required)",
                "end",
                service.ended,
                CASE_WRITERS,
                body=CaseInvolvementEnd,
            ),
        ),
    )
)
