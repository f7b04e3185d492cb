"""Batches (interop R13): up to 100 requests in one call, each named by the caller's `ref`.

Each operation is an ordinary API request (method, a `/v1/...` path with its query, a few headers and a JSON body),
run exactly as if it had been sent alone: the same authorisation, validation, audit and answer. The results come
back per `ref`, never by position. `atomic: true` stores all of them or none: when one fails, nothing is stored and
every result says so.
"""

from __future__ import annotations

import enum
from typing import Annotated, Any
from uuid import UUID

import msgspec
from msgspec import Meta

from ._base import INT4_MAX, Input, Output
from .problem import Problem

__all__ = [
    "BatchHeaders",
    "BatchMethod",
    "BatchOperation",
    "BatchRequest",
    "BatchResponse",
    "BatchResult",
]

MAX_OPERATIONS = 100

BatchRef = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:\-]*$",
        description="The caller's name for this operation, unique in the batch; its result carries it back.",
        examples=["person-1001"],
    ),
]
BatchPath = Annotated[
    str,
    Meta(
        min_length=5,
        max_length=2000,
        pattern=r"^/v1/[!$-;=?-Z_a-z~]*$",
        description="The operation's path under `/v1/`, with its query string (percent-encoded, no host), e.g. "
        "`/v1/people?identifier=la_person_id%7C1001`.",
        examples=["/v1/people?identifier=la_person_id%7C1001"],
    ),
]
HeaderValue = Annotated[str, Meta(min_length=1, max_length=300, pattern=r"^[ -~]+$")]


class BatchMethod(enum.StrEnum):
    get = "GET"
    post = "POST"
    put = "PUT"


class BatchHeaders(Input, kw_only=True):
    """The request headers an operation may carry of its own; the batch's Authorization, X-Request-ID and
    X-Purpose-Of-Use apply to every operation."""

    if_match: Annotated[HeaderValue, Meta(description='The ETag the update is based on, e.g. W/"3".')] | None = (
        msgspec.field(default=None, name="If-Match")
    )
    if_none_exist: Annotated[HeaderValue, Meta(description="`identifier=system|value`: create only if new.")] | None = (
        msgspec.field(default=None, name="If-None-Exist")
    )
    idempotency_key: Annotated[HeaderValue, Meta(description="Makes this operation safe to retry (R12).")] | None = (
        msgspec.field(default=None, name="Idempotency-Key")
    )


class BatchOperation(Input, kw_only=True):
    """One request of a batch."""

    ref: BatchRef
    method: BatchMethod
    path: BatchPath
    headers: BatchHeaders | None = None
    body: Annotated[
        dict[str, Any] | None,
        Meta(description="The JSON body the operation takes on its own (absent for a GET or a body-less action)."),
    ] = None

    def __post_init__(self) -> None:
        if self.method is BatchMethod.get and self.body is not None:
            raise ValueError("A GET operation takes no body")


class BatchRequest(Input, kw_only=True):
    """1 to 100 operations. `atomic: false` (the default) runs each on its own, one failing leaves the others
    stored; `atomic: true` stores every one or none."""

    operations: Annotated[list[BatchOperation], Meta(min_length=1, max_length=MAX_OPERATIONS)]
    atomic: bool = False

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for operation in self.operations:
            if operation.ref in seen:
                raise ValueError(f"Each ref must be unique in the batch: {operation.ref!r} is sent twice")
            seen.add(operation.ref)


class BatchResult(Output, kw_only=True, omit_defaults=True):
    """What one operation got: its status, and the record's id, version, ETag, Location and body as it would have
    had them alone, or its problem. In an atomic batch that stored nothing, the operations that did not fail say
    424 `batch-not-applied`."""

    ref: BatchRef
    status: Annotated[int, Meta(ge=100, le=599, examples=[201])]
    id: UUID | None = None
    version: Annotated[int, Meta(ge=1, le=INT4_MAX)] | None = None
    etag: Annotated[str, Meta(max_length=20, examples=['W/"1"'])] | None = None
    location: Annotated[str, Meta(max_length=2000)] | None = None
    replayed: Annotated[bool, Meta(description="The stored answer to an earlier request with its key.")] = False
    body: Annotated[Any, Meta(description="The operation's JSON answer, when it succeeded.")] = None
    problem: Problem | None = None


class BatchResponse(Output, kw_only=True):
    """Every operation's result, each named by its `ref`. `applied` is false only for an atomic batch that stored
    nothing."""

    atomic: bool
    applied: bool
    results: Annotated[list[BatchResult], Meta(max_length=MAX_OPERATIONS)]
