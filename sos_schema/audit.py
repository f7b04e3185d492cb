"""Access events: the append-only record of who read, searched, exported or changed a child's record.

Covers domain 2.25 and interop R24. The server writes one event for every read or write that touches a
child, denied attempts included (BR-25). No role, administrators included, may edit or delete an event;
events are kept at least as long as the record they refer to.
"""

from __future__ import annotations

import enum
from typing import Annotated
from uuid import UUID

from msgspec import Meta

from ._base import (
    INT4_MAX,
    MANY,
    SOME,
    Code,
    Instant,
    OrganisationCode,
    Output,
    PersonRef,
    ShortText,
    Text,
    UserRef,
    require,
)

__all__ = [
    "AccessAction",
    "AccessEvent",
    "AccessEventPage",
    "AccessOutcome",
    "PurposeOfUse",
]


class AccessAction(enum.StrEnum):
    """What the caller did. `denied` records an attempt the policy refused (domain 4.3)."""

    read = "read"
    search_result = "search_result"
    create = "create"
    update = "update"
    export = "export"
    print = "print"
    share = "share"
    break_glass = "break_glass"
    denied = "denied"


class PurposeOfUse(enum.StrEnum):
    """Why the caller says they needed the record (the `X-Purpose-Of-Use` header, interop R24)."""

    direct_work = "direct_work"
    supervision = "supervision"
    audit = "audit"
    conference = "conference"
    integration_sync = "integration_sync"
    subject_access_request = "subject_access_request"
    legal = "legal"
    data_quality = "data_quality"


class AccessOutcome(enum.StrEnum):
    """How the request ended."""

    allowed = "allowed"
    denied = "denied"
    error = "error"


ObjectType = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=64,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="Kind of record touched, in snake_case.",
        examples=["assessment_map", "contribution", "pathway_plan"],
    ),
]
SourceIp = Annotated[
    str,
    Meta(
        min_length=2,
        max_length=45,
        pattern=r"^[0-9A-Fa-f:.]+$",
        description="IPv4 or IPv6 address the request came from.",
        examples=["203.0.113.7"],
    ),
]


class AccessEvent(Output, kw_only=True):
    """One access to a child's record (domain 2.25, BR-25). Append-only: never edited by any role.

    `object_version` and `case_id` are null when they could not be resolved (a denied request for
    something the caller may not know exists, a search with no hits). `break_glass_reason` is present
    exactly when the action is `break_glass`; a `denied` action always has the outcome `denied`.
    Exportable as a FHIR AuditEvent (Basic Audit Log Patterns).
    """

    id: UUID
    at: Instant
    user: Annotated[UserRef, Meta(description="The user, or the client acting without a user.")]
    role: Annotated[Code, Meta(description="The role the caller acted in.", examples=["social_worker"])]
    organisation: Annotated[OrganisationCode, Meta(description="The caller's organisation.")]
    client_app: Annotated[
        ShortText | None,
        Meta(description="The integration client that made the call for a user or a system."),
    ] = None
    action: AccessAction
    object_type: ObjectType
    object_id: Annotated[UUID | None, Meta(description="Null for a refused list or search.")]
    object_version: Annotated[int, Meta(ge=1, le=INT4_MAX)] | None
    child_ids: Annotated[list[PersonRef], Meta(max_length=SOME, description="Resolved by the server.")]
    case_id: UUID | None
    purpose: PurposeOfUse
    break_glass_reason: Text | None = None
    request_id: Annotated[ShortText, Meta(description="The request (or correlation) id, echoed in responses.")]
    source_ip: SourceIp
    outcome: AccessOutcome

    def __post_init__(self) -> None:
        if self.action is AccessAction.break_glass:
            require(self.break_glass_reason is not None, "break_glass_reason is required when action is break_glass")
        else:
            require(self.break_glass_reason is None, "break_glass_reason is only recorded when action is break_glass")
        if self.action is AccessAction.denied:
            require(self.outcome is AccessOutcome.denied, "a denied action has the outcome denied")


Cursor = Annotated[
    str,
    Meta(min_length=1, max_length=1000, description="Opaque, signed cursor for the next page (interop R27)."),
]


class AccessEventPage(Output, kw_only=True):
    """One page of access events, newest first. `next_cursor` is null on the last page."""

    items: Annotated[list[AccessEvent], Meta(max_length=MANY)]
    next_cursor: Cursor | None = None
