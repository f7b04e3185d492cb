"""Standard Webhooks v1 signatures (interop 6.6, R30), with the standard library's hmac.

The signed content is `{webhook-id}.{webhook-timestamp}.{body}`; the signature is `v1,` and the base64 of its
HMAC-SHA256 under the secret (the base64 after `whsec_`). Several signatures, space-separated, let a receiver keep
working through a rotation: during the overlap both the new and the previous secret sign. Receivers should refuse a
timestamp more than TOLERANCE_SECONDS from their clock (replay protection).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence

PREFIX = "whsec_"
SECRET_BYTES = 32
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256 of "{msg_id}.{timestamp}.{body}">`."""
    mac = hmac.new(_key(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def headers(signing: Sequence[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers, signed by every secret given (the newest first)."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(s, msg_id, timestamp, body) for s in signing),
    }


def verify(secret: str, received: Mapping[str, str], body: bytes, *, now: int) -> bool:
    """What a receiver does: the timestamp is within the tolerance and one of the `v1` signatures matches (compared
    in constant time). For our tests, and as a reference for integrators."""
    try:
        msg_id, timestamp = received["webhook-id"], int(received["webhook-timestamp"])
        offered = received["webhook-signature"].split(" ")
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = sign(secret, msg_id, timestamp, body)
    return any(hmac.compare_digest(expected, s) for s in offered if s.startswith("v1,"))
