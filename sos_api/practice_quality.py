"""Practice quality: case audits, group supervision and the family survey (domain 2.24, 4.1, 4.2).

A case audit is written by quality staff (auditors and practice leads, who read every case of the council) about
one case, graded against the council's Signs of Safety-aligned standards in three columns. It is restricted by
default (4.2) and read by quality staff and the case's own team (its manager and workers, the audited
practitioner's team). A together_with audit is done with the practitioner present (the schema's rule). Another
member of quality staff moderates it, once: the moderator is the caller (from the token), never the audit's
auditor nor whoever recorded it (`moderator-is-auditor`, 403); a moderated audit is read-only.

Group supervision discusses one case with fixed roles; the record is restricted, kept with the case, and read by
the case's team and quality staff. Decisions are recorded only with an accountable manager present (the schema).

A family survey response is the family's or child's own answers about the help they had. A parent, family
member, network member or child answers as themselves (the token says who, and in which role); a worker may
record a paper form naming the member of the case who answered. Responses are append-only (no edits), restricted,
and read by team managers and quality staff only: a parent never reads the child's answers, nor the worker the
family's verdict on them.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    Case,
    CaseAudit,
    CaseAuditCreate,
    CaseAuditModeration,
    FamilySurveyResponse,
    FamilySurveyResponseCreate,
    FieldError,
    GroupSupervision,
    GroupSupervisionCreate,
    SurveyRespondentRole,
    Visibility,
)

from . import problems
from .auth.policy import AUDITORS, CASE_WORKERS, CASE_WRITERS, CHILD, COUNCIL_WIDE, FAMILY, MANAGERS, Access, signed_by
from .auth.roles import Role
from .context import Actor
from .db.records import Columns, StoredRecord, columns_of
from .resources.members import not_children, not_of_case
from .resources.registry import Action, Create, Listing, Names, Record, Replace, Resource, register, resource
from .resources.service import error, fields_of, load, new_meta, next_meta, now, refuse, require_existing, today

AUDIT_KIND, GROUP_KIND, SURVEY_KIND = "case_audit", "group_supervision", "family_survey_response"
RESTRICTED = Visibility.restricted.value
# The role a family caller answers the survey in is the role they hold (domain 4.1: their own views).
ANSWERS_AS = {
    Role.parent_carer: SurveyRespondentRole.parent_carer,
    Role.family_member: SurveyRespondentRole.family_member,
    Role.network_member: SurveyRespondentRole.network_member,
    Role.child: SurveyRespondentRole.child,
}


def case_of(stored: StoredRecord) -> Case:
    return msgspec.json.decode(stored.doc, type=Case)


def same_case(named: UUID | None, case_id: UUID) -> list[FieldError]:
    """A record created under a case names that case in its body too, or none."""
    if named is None or named == case_id:
        return []
    return [error("/case_id", "not_this_case", f"case_id {named} is not the case in the path ({case_id})")]


def not_later_than_today(on: dt.date, pointer: str) -> list[FieldError]:
    return [error(pointer, "in_the_future", f"{on.isoformat()} is in the future")] if on > today() else []


# --- case audits ----------------------------------------------------------------------------------------------


def decode_audit(stored: StoredRecord) -> CaseAudit:
    return msgspec.json.decode(stored.doc, type=CaseAudit)


def audit_columns(audit: CaseAudit) -> Columns:
    return columns_of(audit, child_ids=tuple(audit.child_ids), status="moderated" if audit.moderated_by_user else None)


async def checked_audit(conn: AsyncConnection, actor: Actor, case_stored: StoredRecord, body: CaseAuditCreate) -> None:
    """The case in the body is the path's, the children are the case's, the auditor and practitioner are people
    the council has recorded, and the audit has been held."""
    case = case_of(case_stored)
    errors = same_case(body.case_id, case.id)
    errors += await not_children(conn, actor, case, body.child_ids, "/child_ids/{i}")
    errors += not_later_than_today(body.held_on, "/held_on")
    refuse(errors, "The audit cannot be recorded:")
    people = [("/auditor", body.auditor)] + ([("/practitioner", body.practitioner)] if body.practitioner else [])
    await require_existing(conn, actor, "person", people)


async def new_audit(
    conn: AsyncConnection, actor: Actor, case: StoredRecord | None, body: CaseAuditCreate, audit_id: UUID
) -> CaseAudit:
    assert case is not None
    await checked_audit(conn, actor, case, body)
    return CaseAudit(**fields_of(body), id=audit_id, meta=new_meta(actor, now(), case.id, case.la_code))


async def next_audit(conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: CaseAuditCreate) -> CaseAudit:
    old = decode_audit(stored)
    if old.moderated_by_user is not None:
        raise problems.ReadOnly("This audit has been moderated: it is read-only.")
    await checked_audit(conn, actor, await load(conn, actor, resource("case"), stored.case_id), body)
    return CaseAudit(**fields_of(body), id=old.id, meta=next_meta(old.meta, actor, now()))


async def moderate(conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: CaseAuditModeration) -> CaseAudit:
    """Once, by someone other than the auditor: neither the person named as auditor nor the user who recorded the
    audit moderates it (the moderator is the token's caller)."""
    audit = decode_audit(stored)
    if audit.moderated_by_user is not None:
        raise problems.Conflict(f"This audit was moderated on {audit.moderated_on} by {audit.moderated_by_user}.")
    me = signed_by(actor.principal)
    if (me is not None and me == audit.auditor) or actor.name == audit.meta.created_by:
        raise problems.ModeratorIsAuditor("An audit is moderated by someone other than its auditor.")
    changed = body.grade is not None and body.grade != audit.grade
    return msgspec.structs.replace(
        audit,
        grade=body.grade if changed else audit.grade,
        grade_before_moderation=audit.grade if changed else None,
        moderated_by=me,
        moderated_by_user=actor.name,
        moderated_on=today(),
        moderation_note=body.note,
        meta=next_meta(audit.meta, actor, now()),
    )


AUDIT_CHECKS = (
    "Refused with 422 naming each failing field when case_id is not the path's case, a child is not a child of "
    "the case, held_on is in the future, or the auditor or practitioner is not a person the council has recorded. "
)

CASE_AUDITS = register(
    Resource(
        Names(AUDIT_KIND, "CaseAudit", "/v1/case-audits", "audit_id", "practice quality", scope="case-audits"),
        Record(CaseAudit, CaseAuditCreate, audit_columns, parent="case", default_visibility=RESTRICTED),
        # Domain 4.1, 4.2: quality staff write and read audits; the case's team (its manager, the audited
        # practitioner's team) reads them; never the family, partners, chairs or the council's record system.
        Access(read=AUDITORS | CASE_WORKERS, correct=AUDITORS),
        listing=Listing("listCaseAudits", "The case's audits, newest first", newest_first=True),
        create=Create(
            "createCaseAudit",
            "Record an audit of the case against the council's practice standards (quality staff)",
            new_audit,
            AUDITORS,
            problems=(422,),
            description=AUDIT_CHECKS,
        ),
        replace=Replace(
            "replaceCaseAudit",
            "Edit an audit before it is moderated (If-Match; every version kept)",
            next_audit,
            AUDITORS,
            problems=(409, 422),
            description=AUDIT_CHECKS + "`read-only` (409) once moderated.",
        ),
        actions=(
            Action(
                "moderateCaseAudit",
                "Moderate an audit, once, as someone other than its auditor (If-Match; the moderator is the caller)",
                "moderation",
                moderate,
                AUDITORS,
                body=CaseAuditModeration,
                problems=(403, 404, 409),
                description=(
                    "Refused with `moderator-is-auditor` (403) when the caller is the audit's auditor or recorded it, "
                    "and with 409 when it has already been moderated. A grade that differs from the auditor's "
                    "replaces it; the auditor's stays in grade_before_moderation."
                ),
            ),
        ),
    )
)


# --- group supervision ----------------------------------------------------------------------------------------


async def checked_group(
    conn: AsyncConnection, actor: Actor, case_stored: StoredRecord, body: GroupSupervisionCreate
) -> None:
    """The case in the body is the path's, the map and judgements discussed are the case's, and the people in the
    room are people the council has recorded."""
    case_id = case_stored.id
    errors = same_case(body.case_id, case_id) + not_later_than_today(body.held_on, "/held_on")
    if body.map_id is not None:
        errors += await not_of_case(conn, actor, "assessment_map", case_id, [("/map_id", body.map_id)])
    judgements = [(f"/judgement_ids/{i}", j) for i, j in enumerate(body.judgement_ids)]
    errors += await not_of_case(conn, actor, "scaling_judgement", case_id, judgements)
    refuse(errors, "The group supervision cannot be recorded:")
    people = [("/facilitator", body.facilitator), ("/case_presenter", body.case_presenter)]
    people += [("/advisor", body.advisor)] if body.advisor else []
    people += [(f"/participants/{i}", p) for i, p in enumerate(body.participants)]
    await require_existing(conn, actor, "person", people)


async def new_group(
    conn: AsyncConnection, actor: Actor, case: StoredRecord | None, body: GroupSupervisionCreate, group_id: UUID
) -> GroupSupervision:
    assert case is not None
    await checked_group(conn, actor, case, body)
    return GroupSupervision(**fields_of(body), id=group_id, meta=new_meta(actor, now(), case.id, case.la_code))


async def next_group(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: GroupSupervisionCreate
) -> GroupSupervision:
    old = msgspec.json.decode(stored.doc, type=GroupSupervision)
    await checked_group(conn, actor, await load(conn, actor, resource("case"), stored.case_id), body)
    return GroupSupervision(**fields_of(body), id=old.id, meta=next_meta(old.meta, actor, now()))


GROUP_CHECKS = (
    "Refused with 422 naming each failing field when case_id is not the path's case, held_on is in the future, "
    "the map or a judgement is not the case's, or a person named is not one the council has recorded. "
)
# The case's team and quality staff; practice leads facilitate.
GROUP_WRITERS = CASE_WORKERS | COUNCIL_WIDE

GROUP_SUPERVISIONS = register(
    Resource(
        Names(GROUP_KIND, "GroupSupervision", "/v1/group-supervisions", "group_supervision_id", "practice quality"),
        Record(GroupSupervision, GroupSupervisionCreate, parent="case", default_visibility=RESTRICTED),
        # Domain 4.2: restricted; the case's team and quality staff, never the family or partner agencies.
        Access(read=GROUP_WRITERS, correct=GROUP_WRITERS),
        listing=Listing("listCaseGroupSupervisions", "The case's group supervisions, newest first", newest_first=True),
        create=Create(
            "createGroupSupervision",
            "Record a group supervision discussion of the case",
            new_group,
            GROUP_WRITERS,
            problems=(422,),
            description=GROUP_CHECKS,
        ),
        replace=Replace(
            "replaceGroupSupervision",
            "Edit a group supervision record (If-Match; every version kept)",
            next_group,
            GROUP_WRITERS,
            problems=(422,),
            description=GROUP_CHECKS,
        ),
    )
)


# --- the family survey --------------------------------------------------------------------------------------------


def respondent(actor: Actor, case: Case, body: FamilySurveyResponseCreate) -> UUID | None:
    """Who answered. The family and the child answer as themselves, in their own role (403 otherwise); a worker
    recording a paper form names a member of the case, or nobody."""
    if actor.role in FAMILY or actor.role in CHILD:
        me = actor.principal.person_id
        if me is None or body.respondent_id not in (None, me) or body.respondent_role is not ANSWERS_AS[actor.role]:
            raise problems.Forbidden("You may answer the survey only as yourself.")
        return me
    members = {m.person_id for m in case.members}
    if body.respondent_id is not None and body.respondent_id not in members:
        detail = f"{body.respondent_id} is not a member of this case"
        refuse([error("/respondent_id", "not_a_member_of_case", detail)], "The response cannot be recorded:")
    return body.respondent_id


async def new_response(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord | None, body: FamilySurveyResponseCreate, new: UUID
) -> FamilySurveyResponse:
    """A response under a case names that case (an anonymous response is not kept with a case)."""
    assert stored is not None
    case = case_of(stored)
    errors = same_case(body.case_id, case.id) + not_later_than_today(body.submitted_on, "/submitted_on")
    if body.anonymous_token is not None:
        errors.append(error("/anonymous_token", "not_with_a_case", "a response kept with a case is not anonymous"))
    refuse(errors, "The survey response cannot be recorded:")
    fields = fields_of(body) | {"case_id": case.id, "respondent_id": respondent(actor, case, body)}
    return FamilySurveyResponse(**fields, id=new, meta=new_meta(actor, now(), stored.id, stored.la_code))


SURVEY_RESPONSES = register(
    Resource(
        Names(
            SURVEY_KIND,
            "FamilySurveyResponse",
            "/v1/family-survey-responses",
            "survey_response_id",
            "practice quality",
        ),
        Record(FamilySurveyResponse, FamilySurveyResponseCreate, parent="case", default_visibility=RESTRICTED),
        # Team managers and quality staff read the answers; the family never read each other's (nor the child's).
        Access(read=MANAGERS | COUNCIL_WIDE, correct=MANAGERS),
        listing=Listing("listCaseFamilySurveyResponses", "The case's family survey responses, oldest first"),
        create=Create(
            "recordFamilySurveyResponse",
            "Record a family member's or child's answers to the family survey (append-only)",
            new_response,
            FAMILY | CHILD | CASE_WRITERS,
            problems=(403, 422),
            description=(
                "A parent, family member, network member or child answers as themselves: respondent_role is the "
                "caller's own role and respondent_id, if sent, is the caller (403 otherwise). A worker recording a "
                "paper form names a member of the case, or nobody. Refused with 422 when case_id is not the path's "
                "case, an anonymous_token is sent, or submitted_on is in the future. Responses are never edited."
            ),
        ),
    )
)
ROUTES: list[object] = []
