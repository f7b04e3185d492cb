"""The case: the container of a family's work, and the record every other kind's access hangs from."""

from __future__ import annotations

from sos_schema import Case, CaseClose, CaseCreate

from ..auth.policy import CASE_WRITERS, MANAGERS, PROFESSIONALS, SHARED_WORK_READERS, SYNC_CLIENTS, Access, Reach
from ..resources.registry import Action, Create, Listing, Names, Record, Replace, Resource, SourceKeyed, register
from . import service

CASES = register(
    Resource(
        Names(service.KIND, "Case", "/v1/cases", "case_id", "cases"),
        Record(Case, CaseCreate, service.columns_for, reach=Reach.case, holds_addresses=True),
        Access(read=SHARED_WORK_READERS, history=PROFESSIONALS),
        listing=Listing("listCases", "List cases"),
        create=Create("createCase", "Open a case for a family", service.new_case, CASE_WRITERS),
        replace=Replace("replaceCase", "Replace a case's details (If-Match required)", service.next_case, CASE_WRITERS),
        after=service.grant_access,
        present=service.with_current_level,
        shown=(service.current_level, service.at_level),
        # The family, its members and the allocation are the council's record (interop R11): its system owns all.
        sync=SourceKeyed(("case", "family"), aliases="the CMS case number (case), `fami_family_id` (family)"),
        actions=(
            Action(
                "closeCase",
                "Close a case with its reason, once every child's episode has ended (If-Match required)",
                "close",
                service.closed_case,
                MANAGERS | SYNC_CLIENTS,
                body=CaseClose,
            ),
        ),
    )
)
