"""The error body every endpoint returns: RFC 9457 problem details (`application/problem+json`).

Every error, whatever its status, is one `Problem` (interop R26). `type` is a stable URI naming the kind of
problem (`https://{domain}/problems/{slug}`, e.g. `.../problems/version-conflict`); clients branch on it,
never on `title` or `detail`, which are for people. `instance` is the request id, so a report can be traced in
the logs and the audit trail. Validation failures (422) list each bad field in `errors`, with a JSON Pointer
into the request body; a broken business rule names it in `rule` (e.g. `BR-07`); a stale write (412) carries
the record's `current_version`.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from msgspec import Meta

from ._base import INT4_MAX, MANY, Instant, Output, ShortText, Text

__all__ = ["FieldError", "Problem"]

JsonPointer = Annotated[
    str,
    Meta(
        max_length=500,
        pattern=r"^(/([^~/]|~[01])*)*$",
        description='RFC 6901 JSON Pointer into the request body; "" is the whole body.',
        examples=["/value", "/rules/0/responsible"],
    ),
]
UriString = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=500,
        pattern=r"^[A-Za-z][A-Za-z0-9+.\-]*:\S*$",
        description="An absolute URI.",
        examples=["https://sos-casework.org.uk/problems/version-conflict", "about:blank"],
    ),
]
UriReference = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=500,
        pattern=r"^\S+$",
        description="A URI reference identifying this occurrence; here the request id.",
        examples=["urn:uuid:0b0c0d0e-0000-4000-8000-0000000000aa"],
    ),
]


class FieldError(Output, kw_only=True):
    """One invalid field in a request body."""

    pointer: JsonPointer
    code: Annotated[ShortText, Meta(description="Stable machine code of the failure.", examples=["out_of_range"])]
    detail: Annotated[Text, Meta(description="What is wrong, in plain English.")]


class Problem(Output, kw_only=True, omit_defaults=True):
    """An RFC 9457 problem details body, sent as `application/problem+json` with every error status.

    Members: `type` (stable URI of the problem kind; `about:blank` when the status says it all), `title`
    (short summary of the kind), `status` (the HTTP status), `detail` (this occurrence, for people) and
    `instance` (the request id). Extensions: `errors` (field errors, 422), `current_version` (412 on a stale
    If-Match) and `rule` (the business rule broken, e.g. `BR-17`). A member without a value is left out rather
    than sent as null or `[]`; an absent member means its default (RFC 9457 3.1: an absent `type` is
    `about:blank`).
    """

    type: UriString = "about:blank"
    title: ShortText
    status: Annotated[int, Meta(ge=400, le=599, examples=[422])]
    detail: Text | None = None
    instance: UriReference | None = None
    errors: Annotated[list[FieldError], Meta(max_length=MANY)] = []
    current_version: Annotated[
        Annotated[int, Meta(ge=1, le=INT4_MAX)] | None,
        Meta(description="The record's current version, on 412 version conflicts (send it as If-Match)."),
    ] = None
    rule: Annotated[
        Annotated[str, Meta(pattern=r"^BR-[0-9]{2,3}$")] | None,
        Meta(description="The business rule the request broke.", examples=["BR-07"]),
    ] = None
    deleted_at: Annotated[
        Instant | None, Meta(description="On 410 for a record: when it left normal reads (interop R6).")
    ] = None
    reason: Annotated[
        Annotated[str, Meta(pattern=r"^[a-z][a-z-]{0,39}$")] | None,
        Meta(description="On 410 for a record: why it is gone (`entered-in-error`, `merged`).", examples=["merged"]),
    ] = None
    merged_into: Annotated[
        UUID | None, Meta(description="On 410 for a person merged into another (interop R4): the survivor.")
    ] = None
