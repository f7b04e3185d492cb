"""`POST /v1/batch` (interop R13): up to 100 requests in one call, each answered under the caller's `ref`.

Nothing here re-implements a route. Each operation is dispatched through the app itself, as an in-process ASGI
request carrying the batch's Authorization, X-Request-ID and X-Purpose-Of-Use and the operation's own headers, so
it is authenticated, authorised, validated, rate limited and audited exactly as if it had been sent alone.

Transactions:
- `atomic: false` without an Idempotency-Key: each operation commits (or is refused) on its own, like separate
  requests; a failure leaves the others stored.
- `atomic: true`: one transaction (`Database.begin_request`) that every operation's own `begin` joins. The first
  failure stops the batch and rolls everything back: that operation keeps its status and problem, every other
  says 424 `batch-not-applied`, and the batch answers 200 with `applied: false`.
- With an `Idempotency-Key` (sos_api/idempotency.py) the batch runs in the key's transaction and its response is
  stored with its writes: a retry gets the same results, each record's replay recorded as a read. An atomic batch
  that was not applied stores nothing, so its key may be sent again.
Inside a transaction each operation runs in a savepoint, so one refused (its statement failed, or it raised after
writing) is undone alone, and an operation's own Idempotency-Key joins the batch's transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote
from uuid import UUID

import msgspec
from litestar import Request, Response
from litestar.types import Message
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import BatchOperation, BatchRequest, BatchResponse, BatchResult, Problem

from . import idempotency, problems
from .audit import record as audit
from .auth.policy import Rule, register_rules
from .auth.roles import Role
from .context import Actor
from .db import idempotency as stored_keys
from .db.engine import enter_tenant
from .db.records import select_unscoped
from .http import ETAG_RE, JSON, api_route, db_of, encode, json_response, read_body

OPERATION = "submitBatch"
# Anyone signed in may send a batch: it grants nothing, each operation needs its own role and scope. An
# integration client also needs system/batch.c, so a client's batches are a decision of whoever configures it.
register_rules({OPERATION: Rule(frozenset(Role), "batch", "c")})

# The scope key marking an operation of a batch: a batch inside a batch is refused.
IN_BATCH = "sos_batch_operation"
# The batch's headers every operation carries, as the same caller under the same request id.
CARRIED = (b"authorization", b"x-purpose-of-use", b"user-agent")


class _Identified(msgspec.Struct):
    id: UUID | None = None


class _Rollback(Exception):
    """Leaves an atomic batch's transaction without committing: an operation failed."""

    def __init__(self, results: list[BatchResult]) -> None:
        super().__init__("atomic batch not applied")
        self.results = results


class _Written(msgspec.Struct, frozen=True):
    """What the idempotency key records a batch as (its response names every record)."""

    id: UUID
    version: int
    response: bytes


DESCRIPTION = (
    "Interop R13. 1 to 100 operations, each `{ref, method, path, headers?, body?}`: `path` is a `/v1/...` path "
    "with its query, `headers` may carry the operation's `If-Match`, `If-None-Exist` and `Idempotency-Key`. Each "
    "operation is run exactly as if sent alone, with this request's token, request id and purpose of use: the same "
    "roles, scopes, validation, audit and answers; each counts against the caller's rate limit. Integration "
    "clients need `system/batch.c` besides each operation's own scope. The response is 200 whenever the batch "
    "itself was readable, with one result per `ref` (never by position): the operation's `status`, and its "
    "record's `id`, `version`, `etag`, `location` and `body`, or its `problem`. `atomic: false` (the default) runs "
    "each operation on its own: some may fail while others are stored. `atomic: true` stores all or nothing: the "
    "first failure stops the batch, nothing is stored, that operation keeps its problem and every other says 424 "
    "`batch-not-applied` (`applied: false`). A batch inside a batch is 422 `nested-batch` for that operation. Refs "
    "must be unique (422); more than 100 operations is 422."
)


@api_route(
    "POST",
    "/v1/batch",
    operation_id=OPERATION,
    tag="sync",
    summary="Run up to 100 operations in one call, each answered by its ref",
    description=DESCRIPTION,
    body=BatchRequest,
    returns=BatchResponse,
    idempotent=True,
)
async def submit_batch(request: Request[Any, Any, Any], actor: Actor) -> Response[bytes]:
    if request.scope.get(IN_BATCH):
        raise problems.NestedBatch("Send the operations of a batch directly, not as another batch.")
    batch: BatchRequest = await read_body(request, BatchRequest)
    keyed = bool(request.headers.getall(idempotency.HEADER, []))
    if not batch.atomic and not keyed:
        results = [await _dispatch(request, operation) for operation in batch.operations]
        return _respond(batch, results, applied=True)

    async def write() -> _Written:
        async with db_of(request).begin_request(actor.scope) as conn:
            results = await _run_in(conn, request, actor, batch)
        return _Written(uuid.uuid4(), 1, encode(BatchResponse(atomic=batch.atomic, applied=True, results=results)))

    def respond(written: _Written) -> Response[bytes]:
        return json_response(written.response)

    try:
        return await idempotency.once(request, actor, "batch", write, respond, audit_replay=_audit_replay)
    except _Rollback as refused:
        return _respond(batch, refused.results, applied=False)


async def _run_in(
    conn: AsyncConnection, request: Request[Any, Any, Any], actor: Actor, batch: BatchRequest
) -> list[BatchResult]:
    """Every operation in the open transaction, each in a savepoint; an atomic batch stops at the first failure."""
    results: list[BatchResult] = []
    for index, operation in enumerate(batch.operations):
        savepoint = await conn.begin_nested()
        result = await _dispatch(request, operation)
        if result.status < 400:
            await savepoint.commit()
            # A contribution or a flag lookup lets its own transaction reach the councils it names: not the next
            # operation's.
            await enter_tenant(conn, actor.scope)
            results.append(result)
            continue
        await savepoint.rollback()
        if not batch.atomic:
            results.append(result)
            continue
        detail = f"Nothing in this atomic batch was stored: operation {operation.ref!r} failed ({result.status})."
        not_applied = [_not_applied(op.ref, detail) for op in batch.operations]
        not_applied[index] = result
        raise _Rollback(not_applied)
    return results


def _not_applied(ref: str, detail: str) -> BatchResult:
    problem = Problem(
        type=problems.problem_type(problems.BatchNotApplied.slug),
        title=problems.BatchNotApplied.title,
        status=problems.BatchNotApplied.status,
        detail=detail,
    )
    return BatchResult(ref=ref, status=problems.BatchNotApplied.status, problem=problem)


def _respond(batch: BatchRequest, results: list[BatchResult], *, applied: bool) -> Response[bytes]:
    return json_response(encode(BatchResponse(atomic=batch.atomic, applied=applied, results=results)))


async def _dispatch(request: Request[Any, Any, Any], operation: BatchOperation) -> BatchResult:
    """Run one operation through the app as its own request, and read its answer."""
    path, _, query = operation.path.partition("?")
    body = b"" if operation.body is None else encode(operation.body)
    headers = [(name, value) for name, value in request.scope["headers"] if name in CARRIED]
    headers.append((b"host", request.headers.get("host", "localhost").encode("latin-1")))
    headers.append((b"x-request-id", str(request.state.request_id).encode("latin-1")))
    if operation.body is not None:
        headers += [(b"content-type", JSON.encode()), (b"content-length", str(len(body)).encode())]
    sent = operation.headers
    if sent is not None:
        for name, value in (
            (b"if-match", sent.if_match),
            (b"if-none-exist", sent.if_none_exist),
            (b"idempotency-key", sent.idempotency_key),
        ):
            if value is not None:
                headers.append((name, value.encode("latin-1")))
    parent = request.scope
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": parent.get("asgi", {"version": "3.0"}),
        "http_version": parent.get("http_version", "1.1"),
        "method": operation.method.value,
        "scheme": parent.get("scheme", "http"),
        "server": parent.get("server"),
        "client": parent.get("client"),
        "root_path": parent.get("root_path", ""),
        "path": unquote(path),
        "raw_path": path.encode("latin-1"),
        "query_string": query.encode("latin-1"),
        "headers": headers,
        "state": {},
        "extensions": {},
        IN_BATCH: True,
    }
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> Message:
        return pending.pop() if pending else {"type": "http.disconnect"}  # type: ignore[return-value]

    answer: dict[str, Any] = {"status": 500, "headers": [], "body": b""}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            answer["headers"] = message.get("headers", [])
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    app: Callable[..., Awaitable[None]] = request.app
    await app(scope, receive, send)
    return _result(operation.ref, answer["status"], answer["headers"], answer["body"])


def _result(ref: str, status: int, raw_headers: list[tuple[bytes, bytes]], body: bytes) -> BatchResult:
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in raw_headers}
    if status >= 400:
        try:
            problem = msgspec.json.decode(body, type=Problem)
        except msgspec.MsgspecError:
            slug, title = problems.GENERIC.get(status, problems.GENERIC[500 if status >= 500 else 400])
            problem = Problem(type=problems.problem_type(slug), title=title, status=status)
        return BatchResult(ref=ref, status=status, problem=problem)
    etag = headers.get("etag")
    version = ETAG_RE.match(etag) if etag else None
    try:
        record_id = msgspec.json.decode(body, type=_Identified).id if body else None
    except msgspec.MsgspecError:  # a list or another shape without an id
        record_id = None
    return BatchResult(
        ref=ref,
        status=status,
        id=record_id,
        version=int(version.group(1)) if version else None,
        etag=etag,
        location=headers.get("location"),
        replayed=headers.get(idempotency.REPLAYED.lower()) == "true",
        body=msgspec.Raw(body) if body else None,
    )


async def _audit_replay(conn: AsyncConnection, actor: Actor, stored: stored_keys.StoredResponse) -> None:
    """A replayed batch hands back every record it wrote again: each is recorded as read, as a replay of the
    operation alone would be."""
    answer = msgspec.json.decode(stored.body, type=BatchResponse)
    for result in answer.results:
        if result.id is None:
            continue
        written = await select_unscoped(conn, [result.id])
        if written is None:
            continue
        await audit.record(
            conn,
            actor,
            "read",
            object_type=written.kind,
            object_id=written.id,
            object_version=result.version,
            case_id=written.case_id,
            child_ids=written.child_ids,
            la_code=written.la_code,
        )


ROUTES = [submit_batch]
