"""HTTP plumbing shared by every route: the route declaration, strict JSON bodies, ETag/If-Match, cursors.

Routes declare their body and response types here (`api_route`), so the OpenAPI document (openapi.py) is
built from the same declarations the handlers use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, route
from litestar.enums import HttpMethod
from litestar.params import Parameter

from sos_schema import FieldError

from . import problems
from .auth.policy import guard

JSON = "application/json"
ETAG_RE = re.compile(r'^\s*(?:W/)?"(\d{1,9})"\s*$')
MAX_LIMIT = 500
DEFAULT_LIMIT = 50
MAX_CURSOR = 500
INT4_MIN, INT4_MAX = -(2**31), 2**31 - 1

# Version numbers in paths are PostgreSQL int4: outside that range is a 400 here rather than a DataError (500) in
# the query. Zero and negatives stay in range on purpose: they are well-formed numbers that match no version (404).
# Above MAX_LIMIT a page size is reduced to it (interop R27); the int4 bound only refuses absurd numbers.
Limit = Annotated[int, Parameter(ge=1, le=INT4_MAX, description="Page size (at most 500; larger values are reduced).")]
Cursor = Annotated[str | None, Parameter(max_length=MAX_CURSOR, description="`next_cursor` from the previous page.")]
VersionNumber = Annotated[int, Parameter(ge=INT4_MIN, le=INT4_MAX, description="A version number (1 is the first).")]


_pages: dict[Any, type[msgspec.Struct]] = {}


def page_of(item_type: type[Any]) -> type[msgspec.Struct]:
    """The list envelope for one item type, named `<Item>Page` in the OpenAPI document (interop R27):
    `items`, and `next_cursor` to pass back as `cursor` (null on the last page)."""
    page = _pages.get(item_type)
    if page is None:
        page = _pages[item_type] = msgspec.defstruct(
            f"{item_type.__name__}Page",
            [
                ("items", Annotated[list[item_type], msgspec.Meta(max_length=MAX_LIMIT)]),  # type: ignore[valid-type]
                ("next_cursor", Annotated[str, msgspec.Meta(max_length=MAX_CURSOR)] | None),
            ],
            kw_only=True,
        )
    return page


def api_route(
    method: str,
    path: str,
    *,
    operation_id: str,
    tag: str,
    summary: str,
    body: Any = None,
    returns: Any = None,
    status: int = 200,
    problems_: Sequence[int] = (),
    paged: bool = False,
    etag: bool = False,
    if_match: bool = False,
    public: bool = False,
    location: bool = False,
    text: bool = False,
    idempotent: bool = False,
    description: str | None = None,
    alternate: int | None = None,
    media: Sequence[str] = (),
) -> Callable[[Callable[..., Any]], Any]:
    """Declare a route: its operationId, what it takes and returns, and every problem status it can send.

    `text` documents a text/plain response (the Prometheus metrics); `alternate` a second success status with the
    same body (an upsert's 200 or 201); `media` the other content types a success may take (a CSV export, an SVG
    chart, a printable page), documented as text. `idempotent` says the handler honours `Idempotency-Key`
    (sos_api/idempotency.py), which adds 409 (in flight) and 422 (key reused). Every route needing a token is rate
    limited (429, sos_api/rate_limit.py); public ones never are."""
    statuses = set(problems_) | {400, 500}
    if idempotent:
        statuses |= {409, 422}
    if not public:
        statuses |= {401, 403, 429}
    if body is not None:
        statuses |= {413, 415, 422}
    if if_match:
        statuses |= {412, 428}
    return route(
        path,
        http_method=[HttpMethod(method)],
        operation_id=operation_id,
        tags=[tag],
        summary=summary,
        description=description,
        status_code=status,
        guards=None if public else [guard],
        exclude_from_auth=public,
        opt={
            "api": {
                "body": body,
                "returns": returns,
                "status": status,
                "problems": sorted(statuses),
                "paged": paged,
                "etag": etag,
                "if_match": if_match,
                "location": location,
                "public": public,
                "text": text,
                "idempotent": idempotent,
                "alternate": alternate,
                "media": tuple(media),
            }
        },
    )


def service_route(path: str, operation_id: str, summary: str, **declared: Any) -> Callable[[Callable[..., Any]], Any]:
    """A public GET about the service itself (health, readiness, keys, discovery): no token, no child's data."""
    return api_route("GET", path, operation_id=operation_id, tag="service", summary=summary, public=True, **declared)


# --- bodies --------------------------------------------------------------------------------------

_decoders: dict[Any, msgspec.json.Decoder[Any]] = {}

NOT_JSON = "The body is not well-formed JSON."
TOO_DEEP = "The body is nested too deeply to read."


async def read_body(request: Request[Any, Any, Any], tp: type[Any] | Any) -> Any:
    """Decode the body strictly as `tp` ("7" is not 7; unknown fields refused). Never half-accepts."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != JSON and not (content_type.startswith("application/") and content_type.endswith("+json")):
        raise problems.UnsupportedMediaType("Send the body as application/json.")
    raw = await request.body()
    decoder = _decoders.get(tp)
    if decoder is None:
        decoder = _decoders[tp] = msgspec.json.Decoder(tp)
    # msgspec parses recursively and raises RecursionError on very deep nesting (10,000 "[" is enough), in the
    # typed decode or in the untyped ones below; that is the client's body, so 400, never 500 (pitfall 17).
    try:
        value = decoder.decode(raw)
    except msgspec.ValidationError:
        # msgspec validates while it parses, so a wrong type early in a body that is cut short later shows up
        # as a validation error; malformed JSON is a 400 whatever else is wrong with it.
        _require_json(raw)
        raise
    except msgspec.DecodeError as exc:
        raise problems.BadRequest(NOT_JSON) from exc
    except RecursionError as exc:
        raise problems.BadRequest(TOO_DEEP) from exc
    # PostgreSQL text cannot hold NUL. A raw NUL byte is already malformed JSON, so only the escape can carry one;
    # the bytes check keeps the normal case free, and the walk finds the field (an escaped backslash followed by
    # "u0000" decodes to no NUL, so it is not reported).
    if b"\\u0000" in raw:
        at = _nul_pointer(_require_json(raw))
        if at is not None:
            detail = "Text may not contain the NUL character (\\u0000)."
            raise problems.ValidationFailed(detail, errors=[FieldError(pointer=at, code="invalid", detail=detail)])
    return value


def _require_json(raw: bytes) -> Any:
    """The body decoded without a type; 400 when it is not well-formed JSON or too deep to parse."""
    try:
        return msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        raise problems.BadRequest(NOT_JSON) from exc
    except RecursionError as exc:
        raise problems.BadRequest(TOO_DEEP) from exc


def _nul_pointer(value: Any) -> str | None:
    """The JSON Pointer of the first string (value or key) holding a NUL character, or None.

    Walks in document order with an explicit stack rather than recursion, so no depth of nesting can exhaust
    Python's recursion limit (pitfall 17).
    """
    if isinstance(value, str):
        return "" if "\x00" in value else None
    if not isinstance(value, (dict, list)):
        return None
    path: list[str | int] = []  # the keys leading to the container on top of the stack
    stack: list[Iterator[tuple[str | int, Any]]] = [_members(value)]
    while stack:
        for key, item in stack[-1]:
            if isinstance(key, str) and "\x00" in key:
                return problems.pointer_of((*path, key))
            if isinstance(item, str):
                if "\x00" in item:
                    return problems.pointer_of((*path, key))
            elif isinstance(item, (dict, list)):
                path.append(key)
                stack.append(_members(item))
                break
        else:
            stack.pop()
            if path:
                path.pop()
    return None


def _members(container: dict[str, Any] | list[Any]) -> Iterator[tuple[str | int, Any]]:
    return iter(container.items()) if isinstance(container, dict) else enumerate(container)


def json_response(
    content: bytes, *, status: int = 200, version: int | None = None, location: str | None = None
) -> Response[bytes]:
    headers: dict[str, str] = {}
    if version is not None:
        headers["ETag"] = etag(version)
    if location is not None:
        headers["Location"] = location
    return Response(content=content, status_code=status, media_type=JSON, headers=headers)


def encode(value: Any) -> bytes:
    return msgspec.json.encode(value)


# --- ETag / If-Match (interop R10, BR-24) --------------------------------------------------------


def etag(version: int) -> str:
    return f'W/"{version}"'


def expected_version(request: Request[Any, Any, Any]) -> int:
    """The version the client last saw, from If-Match: 428 when missing, 400 when unreadable."""
    value = request.headers.get("if-match")
    if value is None:
        raise problems.PreconditionRequired('Send If-Match with the ETag you read, e.g. If-Match: W/"3".')
    match = ETAG_RE.match(value)
    if match is None:
        raise problems.BadRequest('If-Match must be an ETag such as W/"3".')
    return int(match.group(1))


# --- cursors (interop R27: opaque, signed, bound to the filter set) -------------------------------


class Cursors:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _sign(self, body: bytes, binding: str) -> str:
        return hmac.new(self._secret, body + b"|" + binding.encode(), hashlib.sha256).hexdigest()[:32]

    def make(self, key: Sequence[Any], binding: str) -> str:
        body = base64.urlsafe_b64encode(msgspec.json.encode(list(key))).rstrip(b"=")
        return f"{body.decode()}.{self._sign(body, binding)}"

    def read(self, cursor: str | None, binding: str) -> list[Any] | None:
        """The key inside a cursor made for the same filters; 400 for anything else."""
        if cursor is None:
            return None
        # Cursors we issue are ASCII; compare_digest refuses non-ASCII str (TypeError), so such a cursor is forged.
        if not cursor.isascii():
            raise problems.BadRequest("The cursor is not valid for this list. Start again without a cursor.")
        body, _, signature = cursor.partition(".")
        if not body or not hmac.compare_digest(signature, self._sign(body.encode(), binding)):
            raise problems.BadRequest("The cursor is not valid for this list. Start again without a cursor.")
        try:
            key = msgspec.json.decode(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)), type=list[Any])
        except (ValueError, msgspec.DecodeError) as exc:
            raise problems.BadRequest("The cursor is not valid for this list.") from exc
        return key


def clamp_limit(limit: int) -> int:
    """Limits above the maximum are coerced down (interop R27); below 1 is refused by the parameter itself."""
    return min(limit, MAX_LIMIT)


def page_body(items: Sequence[bytes], next_cursor: str | None) -> bytes:
    """A Page document assembled from stored JSON without decoding it."""
    return b'{"items":[' + b",".join(items) + b'],"next_cursor":' + msgspec.json.encode(next_cursor) + b"}"


def db_of(request: Request[Any, Any, Any]) -> Any:
    """The worker's Database (created in the lifespan)."""
    return request.app.state.db


def cursors_of(request: Request[Any, Any, Any]) -> Cursors:
    return request.app.state.cursors  # type: ignore[no-any-return]
