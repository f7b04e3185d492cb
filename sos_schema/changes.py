"""The changes feed (interop R5, R6): what changed in a council's records, in the order the changes committed.

Thin on purpose: an item names the record and its version, never its content; a client fetches what it needs with
`GET /v1/<kind>/{id}` (or `.../versions/{n}`). Nothing is ever hard-deleted (BR-23): a record marked entered in
error appears as `op: delete` with `reason: entered-in-error`, and ending a plan or a case is an update.
"""

from __future__ import annotations

import enum
from typing import Annotated
from uuid import UUID

from msgspec import Meta

from ._base import INT4_MAX, Instant, Output, ShortText, UserRef

__all__ = ["Change", "ChangeOp", "ChangePage", "ChangeReason"]


class ChangeOp(enum.StrEnum):
    """`upsert`: a new record or a new version of one; `delete`: the record left normal reads (a tombstone);
    `merge`: a person merged into another (interop R4): the record is a tombstone, `merged_into` names the survivor;
    `accessed`: not a change to the record but an event about it (type `flag_access`: the child's flags were looked
    up from unscheduled care, interop R18; `id` is the child)."""

    upsert = "upsert"
    delete = "delete"
    merge = "merge"
    accessed = "accessed"


class ChangeReason(enum.StrEnum):
    """Why a record left normal reads (interop R6): entered in error, or merged into another. Nothing is erased."""

    entered_in_error = "entered-in-error"
    merged = "merged"


class Change(Output, kw_only=True):
    """One accepted change to a record. `position` orders the feed; pass the page's `next_cursor` to continue."""

    position: Annotated[
        str,
        Meta(
            min_length=3,
            max_length=50,
            pattern=r"^[0-9]+\.[0-9]+$",
            description="Where the change stands in commit order (the writing transaction, then the change).",
            examples=["7741.1203"],
        ),
    ]
    type: Annotated[
        str,
        Meta(
            min_length=1,
            max_length=40,
            pattern=r"^[a-z][a-z_]*$",
            description="The kind of record, as `types=` names it.",
            examples=["case", "assessment_map", "statutory_plan"],
        ),
    ]
    id: UUID
    version: Annotated[int, Meta(ge=1, le=INT4_MAX, description="The version this change made.")]
    op: ChangeOp
    changed_at: Instant
    actor: Annotated[UserRef, Meta(description="The user or client who made the change.")]
    source_system: Annotated[
        ShortText | None,
        Meta(
            description="A change written by source key (interop R3): the council system's URI; otherwise the client "
            "application the change came through, when the token named one."
        ),
    ] = None
    case_id: Annotated[UUID | None, Meta(description="The case the record belongs to (a case: itself), if any.")] = None
    reason: Annotated[ChangeReason | None, Meta(description="Why, for a delete or a merge.")] = None
    merged_into: Annotated[UUID | None, Meta(description="For a merge: the record that survives.")] = None
    href: (
        Annotated[
            str,
            Meta(
                max_length=200,
                pattern=r"^/v1/[a-z0-9/-]+$",
                description="Where to read the version this change made (interop R9), as far as the caller may see it.",
                examples=["/v1/cases/0b0c0d0e-0000-4000-8000-0000000000c0/versions/3"],
            ),
        ]
        | None
    ) = None


class ChangePage(Output, kw_only=True):
    """One page of changes, oldest first. `next_cursor` is always present, even on an empty page: keep it and ask
    again later for what has changed since (a delta link)."""

    items: Annotated[list[Change], Meta(max_length=1000)]
    next_cursor: Annotated[str, Meta(min_length=1, max_length=1000, description="Opaque, signed; pass as `cursor`.")]
