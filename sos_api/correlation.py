"""Request ids (interop R28): what an `X-Request-ID` (or `X-Correlation-ID`) may be for the server to keep it.

Visible ASCII and no spaces, so it can sit in a problem's `instance` (`urn:request:<id>`, no whitespace) and in
logs as sent; at most 200 characters. An X-Request-ID that is not is refused (400): the header is documented with
this pattern (openapi.REQUEST_ID_PARAMETER), so the caller learns its correlation broke instead of it being
silently replaced."""

from __future__ import annotations

import re

MAX_REQUEST_ID = 200
REQUEST_ID_PATTERN = f"^[!-~]{{1,{MAX_REQUEST_ID}}}$"
RULE = f"X-Request-ID must be 1 to {MAX_REQUEST_ID} visible ASCII characters, without spaces."
_REQUEST_ID = re.compile(REQUEST_ID_PATTERN)


def usable(value: str) -> bool:
    return _REQUEST_ID.fullmatch(value) is not None
