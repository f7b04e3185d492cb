"""Every error is an RFC 9457 `application/problem+json` body with a stable `type` (interop R26).

One exception class per problem type; the handlers below turn them, Litestar's own HTTP errors, msgspec
validation errors and anything unexpected into the one `Problem` shape, and never leak internal text.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections.abc import Sequence
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException

from sos_schema import FieldError, Problem

from .correlation import usable as usable_request_id

log = logging.getLogger(__name__)

PROBLEM_BASE = "https://sos-casework.org.uk/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"

# Status code -> (slug, title) for problems raised by the framework rather than by our services.
GENERIC: dict[int, tuple[str, str]] = {
    400: ("bad-request", "The request could not be read"),
    401: ("unauthenticated", "Authentication required"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict with the current state"),
    410: ("gone", "Gone"),
    412: ("version-conflict", "The record has changed since you read it"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation-failed", "The request body is not valid"),
    424: ("failed-dependency", "Failed dependency"),
    428: ("precondition-required", "If-Match is required"),
    429: ("rate-limited", "Too many requests"),
    500: ("internal-error", "Internal error"),
    503: ("unavailable", "Service unavailable"),
}


class ProblemError(Exception):
    """Base of every problem a service raises. A subclass names its status, and its slug and title where they
    differ from the status's generic ones (GENERIC)."""

    status = 500
    slug = "internal-error"
    title = "Internal error"

    def __init_subclass__(cls, *, status: int = 500, slug: str | None = None, title: str | None = None) -> None:
        generic_slug, generic_title = GENERIC[status]
        cls.status, cls.slug, cls.title = status, slug or generic_slug, title or generic_title

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: list[FieldError] | None = None,
        current_version: int | None = None,
        rule: str | None = None,
        headers: dict[str, str] | None = None,
        gone: Gone | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = errors or []
        self.current_version = current_version
        self.rule = rule
        self.headers = headers or {}
        self.gone = gone


class Gone(msgspec.Struct, frozen=True, kw_only=True):
    """What a 410 for a record says (interop R6): when it left normal reads, why, and for a merge the survivor."""

    deleted_at: dt.datetime
    reason: str
    merged_into: uuid.UUID | None = None


class Unauthenticated(ProblemError, status=401):
    def __init__(self, detail: str | None = None, *, token_sent: bool = True) -> None:
        # Deliberately vague: the reason a token failed is logged, never told to the caller. RFC 6750 3.1: no
        # error code when no token was sent at all.
        challenge = 'Bearer realm="sos-api"' + (', error="invalid_token"' if token_sent else "")
        super().__init__(detail, headers={"WWW-Authenticate": challenge})


# The problem types services raise, one line each (interop R26: clients branch on the slug).
class BadRequest(ProblemError, status=400): ...


class Forbidden(ProblemError, status=403): ...


class NotFound(ProblemError, status=404): ...


class Conflict(ProblemError, status=409): ...


class Duplicate(ProblemError, status=409, slug="duplicate", title="Already recorded"): ...


class ReadOnly(ProblemError, status=409, slug="read-only", title="This version is read-only"): ...


class VersionConflict(ProblemError, status=412): ...


class UnsupportedMediaType(ProblemError, status=415): ...


class ValidationFailed(ProblemError, status=422): ...


class RuleBroken(ProblemError, status=422, slug="rule-broken", title="A business rule is not met"): ...


class PreconditionRequired(ProblemError, status=428): ...


# Safe retries (interop R12, sos_api/idempotency.py).
class IdempotencyKeyReused(
    ProblemError, status=422, slug="idempotency-key-reused", title="This Idempotency-Key was used for another request"
): ...  # the same key with a different method, path or body: a new request needs a new key


class IdempotencyKeyInFlight(
    ProblemError, status=409, slug="idempotency-key-in-flight", title="A request with this Idempotency-Key is running"
): ...  # the first is still being written: retry shortly and get its response


class AmbiguousIdentifier(
    ProblemError, status=412, slug="ambiguous-identifier", title="More than one person holds this identifier"
): ...  # interop R2: an upsert by identifier never picks one of several, and names none of them


# Interop R29 (sos_api/rate_limit.py): carries Retry-After and the RateLimit headers.
class RateLimited(ProblemError, status=429): ...


# Signs of Safety rules with a problem type of their own (domain 3.7), so a client can tell the family which.
class DangerNotCovered(
    ProblemError, status=422, slug="danger-not-covered", title="An active danger statement has no safety rule"
): ...  # BR-07, naming each danger left uncovered


class PlanNotReady(
    ProblemError, status=422, slug="plan-not-ready", title="The safety plan is not ready to be agreed"
): ...  # BR-07: responsible people, review date, what happens if the plan is not followed, agreements


class TrialPeriod(
    ProblemError, status=422, slug="trial-period", title="The safety plan's trial period rules are not met"
): ...  # BR-08: when a trial starts and ends, and its check-ins


class ChecksNotClear(
    ProblemError, status=422, slug="checks-not-clear", title="Checks are not clear for this network role"
): ...  # BR-10


class PresentedFrozen(
    ProblemError, status=409, slug="presented-frozen", title="The version presented to the child is frozen"
): ...  # BR-12


class EpisodesOpen(
    ProblemError, status=409, slug="episodes-open", title="A child on the case still has an open episode"
): ...  # domain 3.1: a case closes only when every child's episode has ended


class ReferralDecided(
    ProblemError, status=409, slug="referral-decided", title="The referral has already been decided"
): ...  # BR-19: one manager's decision per referral


class ReferralIncomplete(
    ProblemError, status=422, slug="referral-incomplete", title="The referral lacks answers needed for a decision"
): ...  # domain 2.6: the four front-door questions are answered before a manager decides (BR-19)


# --- strategy discussions and s47 enquiries (sos_api/strategy.py) ---


class StrategyIncomplete(
    ProblemError, status=422, slug="strategy-incomplete", title="The strategy discussion is not ready to be finalised"
): ...  # domain 2.16: outcome, immediate protection, the three flags and whether the family was told


class S47NotUnderWay(
    ProblemError, status=409, slug="s47-not-under-way", title="No section 47 enquiry is under way"
): ...  # domain 2.16, 3.6: an s47 outcome is recorded once, for an enquiry the discussion started


# --- conferences and core groups (sos_api/conferences.py) ---


class ChairDecides(
    ProblemError, status=422, slug="chair-decides", title="Only the conference chair records the decision"
): ...  # BR-14: creates and edits never carry the decision, category, dissent, outline plan or core group


class NotTheChair(
    ProblemError, status=403, slug="not-the-chair", title="You are not this conference's chair"
): ...  # BR-14: the chair named on the conference, as themselves


class LateReasonRequired(
    ProblemError, status=422, slug="late-reason-required", title="A conference held late needs a recorded reason"
): ...  # BR-13: breaches of the timescale are allowed with a reason


class MinutesIncomplete(
    ProblemError, status=422, slug="minutes-incomplete", title="The minutes cannot move on yet"
): ...  # domain 2.17: what circulated and agreed minutes need


class NoRcpcDecision(
    ProblemError, status=409, slug="no-rcpc-decision", title="No review conference decision ends the plan"
): ...  # domain 3.2: step down from child protection only through an RCPC decision


# --- statutory plans (sos_api/plans.py) ---
class StatutoryPlanNotReady(
    ProblemError, status=422, slug="statutory-plan-not-ready", title="The statutory plan is not ready to be agreed"
): ...  # domain 2.18: actions, a review schedule and a named lead before a plan is agreed


class EarlyHelpConsent(
    ProblemError, status=422, slug="early-help-consent", title="Early help needs consent covering information sharing"
): ...  # BR-18


class NoConferenceDecision(
    ProblemError, status=422, slug="no-conference-decision", title="No conference decided this child protection plan"
): ...  # BR-14: a CP plan follows a conference decision, in its category


class CarePlanNotReady(
    ProblemError, status=422, slug="care-plan-not-ready", title="The care plan is not ready to be agreed"
): ...  # BR-16: the placement plan, and the child looked after


class PlacementPlanUnsigned(
    ProblemError, status=422, slug="placement-plan-unsigned", title="The carer has not signed the placement plan"
): ...  # BR-15, reg 9(3)


class PathwayPlanIncomplete(
    ProblemError, status=422, slug="pathway-plan-incomplete", title="The pathway plan is not complete"
): ...  # BR-17: all ten statutory need areas, the young person's own date of birth


class NoConferenceDecisionToEnd(
    ProblemError,
    status=422,
    slug="no-conference-decision-to-end",
    title="No review conference decided to end this child protection plan",
): ...  # domain 3.4: a CP plan ends on an RCPC decision


class StillLookedAfter(
    ProblemError, status=422, slug="still-looked-after", title="The child is still looked after"
): ...  # domain 3.4: a care plan ends when the child stops being looked after


class PathwaySupportContinues(
    ProblemError, status=422, slug="pathway-support-continues", title="The young person is still owed support"
): ...  # domain 3.4, BR-17: pathway plans end at 21 (or 25), or when the young person declines support


# --- court work and practice quality (sos_api/court.py, sos_api/practice_quality.py) ---


class FgdmNotOffered(
    ProblemError,
    status=422,
    slug="fgdm-not-offered",
    title="Family group decision-making was not offered before the application",
): ...  # CA 1989 s31ZA (domain 3.5): the offer, or why it was not in the child's best interests


class ModeratorIsAuditor(
    ProblemError,
    status=403,
    slug="moderator-is-auditor",
    title="An audit is moderated by someone other than its auditor",
): ...  # domain 2.24: moderation is a second auditor's check


# The changes feed (interop R5).
class CursorExpired(
    ProblemError, status=410, slug="cursor-expired", title="Changes after this cursor are no longer kept"
): ...  # older than SOS_CHANGES_RETENTION_DAYS: resynchronise, then follow the feed from a new cursor


class UnknownChangeType(ProblemError, status=400, slug="unknown-type", title="Not a kind of record the feed knows"): ...


# Sync by source key, ownership, tombstones and merges (interop R3, R4, R6, R11).
class NotAuthoritative(
    ProblemError, status=409, slug="not-authoritative", title="Your system does not own these fields"
): ...  # R11: a council system writing a practitioner-owned kind or field; `errors` names each field


class SourceNotYours(
    ProblemError, status=403, slug="source-not-yours", title="The source system is not one of your council's"
): ...  # R3: a source key names its council (`.../id/la/845/...`); no council writes another's keys


class RecordGone(ProblemError, status=410, slug="gone", title="The record is gone"): ...  # R6: `deleted_at`, `reason`


class MergeRefused(ProblemError, status=409, slug="merge-refused", title="These people cannot be merged"): ...


# Contributions and the flag lookup (interop R14, R15, R17, R18).
class CouncilRequired(
    ProblemError, status=422, slug="council-required", title="Name the council to receive the contribution"
): ...  # an agency names the council (la_code); only a council's own practitioner may leave it out


class NotYourCouncil(
    ProblemError, status=403, slug="not-your-council", title="A council practitioner contributes to their own council"
): ...


class ContributionOutOfOrder(
    ProblemError, status=409, slug="contribution-out-of-order", title="A contribution moves on one step at a time"
): ...  # R15: received or matched -> triaged -> accepted, declined or redirected, each once


class InvalidSubject(
    ProblemError, status=400, slug="invalid-subject", title="The subject is not a readable system|value identifier"
): ...


class InvalidUnscheduledFlag(
    ProblemError, status=400, slug="invalid-unscheduled-access", title="X-Unscheduled-Access is true or false"
): ...


class NotTheSupervisor(
    ProblemError, status=403, slug="not-the-supervisor", title="You are not this supervision's supervisor"
): ...  # domain 2.24: a supervisor records supervision as themselves (the token says who)


# Webhooks (interop R30, R31).
class TargetNotAllowed(
    ProblemError, status=422, slug="target-not-allowed", title="Events cannot be sent to this address"
): ...  # not https, or a host resolving to a private, loopback or link-local address (SSRF)


class SubscriptionDisabled(
    ProblemError, status=409, slug="subscription-disabled", title="The webhook subscription is disabled"
): ...  # enable it again (PUT with enabled: true) before asking for a redelivery


# Batches (interop R13, sos_api/batch.py).
class NestedBatch(ProblemError, status=422, slug="nested-batch", title="A batch cannot contain a batch"): ...


class BatchNotApplied(ProblemError, status=424, slug="batch-not-applied", title="Not stored: the batch failed"): ...


def problem_type(slug: str) -> str:
    return PROBLEM_BASE + slug


def render(request: Request[Any, Any, Any], problem: ProblemError) -> Response[bytes]:
    """The one problem+json answer: every handler below turns what it caught into a ProblemError first."""
    request_id = getattr(request.state, "request_id", None)
    headers = dict(problem.headers)
    if request_id is None:
        # No route matched (404/405 before routing), so RequestIdMiddleware never ran: correlate here (R28).
        sent = request.headers.get("x-request-id") or request.headers.get("x-correlation-id") or ""
        request_id = sent if usable_request_id(sent) else str(uuid.uuid4())
        headers["X-Request-ID"] = request_id
    gone = problem.gone
    body = Problem(
        type=problem_type(problem.slug),
        title=problem.title,
        status=problem.status,
        detail=problem.detail,
        instance=f"urn:request:{request_id}" if request_id else None,
        errors=problem.errors,
        current_version=problem.current_version,
        rule=problem.rule,
        deleted_at=gone.deleted_at if gone else None,
        reason=gone.reason if gone else None,
        merged_into=gone.merged_into if gone else None,
    )
    return Response(
        content=msgspec.json.encode(body),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


_AT = re.compile(r"^(?P<message>.*?)(?: - at `(?P<path>\$[^`]*)`)?$", re.DOTALL)
_SEGMENT = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[\.\.\.\]")


def pointer_from_path(path: str | None) -> str:
    """Turn msgspec's `$.entries[0].text` into the JSON Pointer `/entries/0/text`."""
    if not path:
        return ""
    return pointer_of([name or index for name, index in _SEGMENT.findall(path[1:])])


def pointer_of(parts: Sequence[str | int]) -> str:
    """The JSON Pointer (RFC 6901) for a path of object keys and array indexes."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def field_error(error: msgspec.ValidationError) -> FieldError:
    match = _AT.match(str(error))
    assert match is not None
    message, path = match.group("message"), match.group("path")
    missing = re.match(r"Object missing required field `([^`]+)`", message)
    pointer = pointer_from_path(path)
    if missing:
        pointer += pointer_of([missing.group(1)])
        code = "required"
    elif message.startswith("Object contains unknown field"):
        code = "unknown_field"
        unknown = re.search(r"`([^`]+)`", message)
        pointer += pointer_of([unknown.group(1)]) if unknown else ""
    elif message.startswith(("Expected", "Invalid")):
        code = "invalid"
    else:
        code = "rule"
    return FieldError(pointer=pointer, code=code, detail=message[:2000] or "invalid value")


def handle_validation(request: Request[Any, Any, Any], exc: msgspec.ValidationError) -> Response[bytes]:
    error = field_error(exc)
    return render(request, ValidationFailed(error.detail, errors=[error]))


def handle_http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    status = exc.status_code
    if isinstance(exc, NotAuthorizedException):
        status = 401
    if isinstance(exc, ValidationException):
        # Litestar's own parameter parsing (path and query values): always the client's fault.
        status = 400
    slug, title = GENERIC.get(status, GENERIC[500] if status >= 500 else GENERIC[400])
    headers = dict(exc.headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="sos-api"')
    detail = exc.detail if status < 500 and isinstance(exc.detail, str) else None
    if status == 400 and isinstance(exc, ValidationException):
        detail = "A path or query parameter is not valid."
    problem = ProblemError(detail, headers=headers)
    problem.status, problem.slug, problem.title = status, slug, title
    return render(request, problem)


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    # The route template, not the path: path segments carry ids, and logs must not (conventions pitfall 18).
    route = request.scope.get("path_template") or "<unmatched>"
    log.exception("unhandled error on %s %s", request.method, route, exc_info=exc)
    return render(request, ProblemError("Something went wrong on our side. Quote the instance when reporting it."))


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ProblemError: render,
    msgspec.ValidationError: handle_validation,
    HTTPException: handle_http,
    Exception: handle_unexpected,
}
