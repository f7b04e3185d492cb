"""Safe retries (interop R12, IETF draft-ietf-httpapi-idempotency-key-header): `Idempotency-Key` on every POST and PUT.

A key belongs to one caller (issuer, subject and organisation of the token): another caller's same key is another
key. The request runs in one transaction with its key (`Database.begin_request`): the key is claimed first (an
advisory lock, so a duplicate sent while the first is still running gets 409 at once rather than waiting), the write
runs, and its response is stored before the one commit. A crash therefore leaves either the write and its key or
neither. A retry of the same method, path and body (SHA-256 fingerprint) gets the stored status, body, Location and
ETag with `Idempotency-Replayed: true`, recorded in the access log as a read of the record (only ever to the caller
who wrote it, and after the route's role check; the write's own rules are not run again); the same key with
another request is 422. A refused request (any 4xx) writes nothing and stores nothing: its key stays free, so the
client may correct the request and send it again with the same key. Keys are kept SOS_IDEMPOTENCY_KEY_HOURS (24)
and then pruned (`prune_expired`, `sos-api prune-idempotency-keys`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar
from uuid import UUID

from litestar import Request, Response
from sqlalchemy.ext.asyncio import AsyncConnection

from . import problems
from .audit import record as audit
from .context import Actor
from .db import idempotency as q
from .db.engine import Database
from .db.records import select_unscoped
from .http import JSON, db_of

HEADER = "Idempotency-Key"
REPLAYED = "Idempotency-Replayed"
MAX_KEY_LENGTH = 255
# RFC 8941 sf-string (printable ASCII, `"` and `\` escaped), or the same characters bare (no quotes, backslashes or
# spaces), as many clients send a UUID. Either way the key is what lies between the quotes.
_CHAR = r"[ !#-\[\]-~]|\\[\"\\]"
_BARE = r"[!#-\[\]-~]"
PATTERN = f'^(?:"(?:{_CHAR}){{1,{MAX_KEY_LENGTH}}}"|{_BARE}{{1,{MAX_KEY_LENGTH}}})$'
_KEY = re.compile(PATTERN)
_ESCAPE = re.compile(r"\\([\"\\])")
DESCRIPTION = (
    "Makes the write safe to retry (interop R12): a string of at most 255 printable ASCII characters, unique per "
    'request (a UUID), sent as an RFC 8941 string (`"…"`) or bare. A retry with the same key, method, path and body '
    "within `limits.idempotency_key_hours` (/.well-known/api-configuration; 24 by default) gets the first response "
    "again, with `Idempotency-Replayed: true`, and writes nothing; the same key with a different request is 422 "
    "`idempotency-key-reused`; while the first is still running, 409 `idempotency-key-in-flight`. A refused request "
    "stores nothing, so its key may be used again."
)


class Answer(Protocol):
    """What a write hands back: the record it wrote and its version."""

    @property
    def id(self) -> UUID: ...

    @property
    def version(self) -> int: ...


A = TypeVar("A", bound=Answer)


def parse_key(values: list[str]) -> str:
    """The key from the header's values: exactly one, well formed, else 400."""
    if len(values) != 1:
        raise problems.BadRequest(f"Send one {HEADER} header, not {len(values)}.")
    match = _KEY.fullmatch(values[0])
    if match is None:
        raise problems.BadRequest(
            f'{HEADER} must be 1 to {MAX_KEY_LENGTH} printable ASCII characters, e.g. "8e03978e-40d5-43e8-bc93-'
            '6894a57f9324" (quoted) or the same without quotes.'
        )
    value = match.group(0)
    return _ESCAPE.sub(r"\1", value[1:-1]) if value.startswith('"') else value


def fingerprint(method: str, target: str, body: bytes) -> str:
    """SHA-256 of what makes two requests the same request: method, path with query, and the body as sent."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), target.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def caller_of(actor: Actor) -> str:
    """Whose keys these are: the token's issuer, subject and organisation (a client's keys, or a person's)."""
    who = actor.principal
    return hashlib.sha256("\n".join((who.issuer, who.subject, who.organisation)).encode()).hexdigest()


def _target(request: Request[Any, Any, Any]) -> str:
    query = request.scope.get("query_string", b"").decode("latin-1")
    return request.url.path + (f"?{query}" if query else "")


def _replay(stored: q.StoredResponse) -> Response[bytes]:
    headers = {REPLAYED: "true"}
    if stored.etag is not None:
        headers["ETag"] = stored.etag
    if stored.location is not None:
        headers["Location"] = stored.location
    return Response(content=stored.body, status_code=stored.status, media_type=JSON, headers=headers)


async def once(
    request: Request[Any, Any, Any],
    actor: Actor,
    kind: str,
    write: Callable[[], Awaitable[A]],
    respond: Callable[[A], Response[bytes]],
    audit_replay: Callable[[AsyncConnection, Actor, q.StoredResponse], Awaitable[None]] | None = None,
) -> Response[bytes]:
    """Run `write` and answer with `respond`, at most once per Idempotency-Key (without one, simply run it).
    A replay is recorded as a read of the record written (`audit_replay` for a response naming several, a
    batch's)."""
    values = request.headers.getall(HEADER, [])
    if not values:
        return respond(await write())
    key = parse_key(values)
    signature = fingerprint(request.method, _target(request), await request.body())
    caller, at = caller_of(actor), dt.datetime.now(dt.UTC)
    hours = request.app.state.settings.idempotency_key_hours
    async with db_of(request).begin_request(actor.scope) as conn:
        if not await q.try_claim(conn, caller, key):
            raise problems.IdempotencyKeyInFlight(
                f"A request with this {HEADER} is still running. Retry shortly to get its response."
            )
        stored = await q.select_response(conn, caller, key)
        if stored is not None and stored.expires_at <= at:
            await q.delete_response(conn, caller, key)
            stored = None
        if stored is not None:
            if stored.fingerprint != signature:
                raise problems.IdempotencyKeyReused(
                    f"This {HEADER} was first used for a different request (method, path or body). "
                    "Use a new key for a new request."
                )
            await (audit_replay or _audit_replay)(conn, actor, stored)
            return _replay(stored)
        answer = await write()
        response = respond(answer)
        assert isinstance(response.content, bytes)
        assert response.status_code is not None
        kept = q.StoredResponse(
            fingerprint=signature,
            status=response.status_code,
            body=response.content,
            location=response.headers.get("Location"),
            etag=response.headers.get("ETag"),
            object_type=kind,
            object_id=answer.id,
            object_version=answer.version,
            expires_at=at + dt.timedelta(hours=hours),
        )
        await q.insert_response(conn, caller, key, actor.principal.la_code, kept, at)
    return response


async def _audit_replay(conn: AsyncConnection, actor: Actor, stored: q.StoredResponse) -> None:
    written = await select_unscoped(conn, [stored.object_id])
    await audit.record(
        conn,
        actor,
        "read",
        object_type=written.kind if written else stored.object_type,
        object_id=stored.object_id,
        object_version=stored.object_version,
        case_id=written.case_id if written else None,
        child_ids=written.child_ids if written else (),
        la_code=written.la_code if written else None,
    )


async def prune_expired(db: Database) -> int:
    """Delete every expired key, outside any tenant (the server's own bookkeeping); how many went. For the worker or
    `sos-api prune-idempotency-keys`."""
    async with db.begin_system() as conn:
        return await q.delete_expired(conn)
