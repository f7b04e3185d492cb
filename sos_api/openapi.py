"""The OpenAPI 3.1 document: paths and parameters from Litestar, bodies, responses and component schemas from
msgspec (conventions pitfall 2: Litestar's own generator drops `additionalProperties: false` and union
discriminators), every problem response documented from the route declarations in http.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from sos_schema import Problem
from sos_schema.export import public_types

from .idempotency import DESCRIPTION as IDEMPOTENCY_DESCRIPTION
from .idempotency import HEADER as IDEMPOTENCY_HEADER
from .idempotency import PATTERN as IDEMPOTENCY_PATTERN
from .idempotency import REPLAYED as REPLAYED_HEADER
from .problems import GENERIC, PROBLEM_MEDIA_TYPE
from .rate_limit import LIMIT, REMAINING, RESET, RETRY_AFTER

TITLE = "Signs of Safety casework API"
VERSION = "1.0.0"
DESCRIPTION = """\
Hold and share Signs of Safety child-protection casework: cases, people, assessment maps (three columns),
danger statements with safety goals, and 0-10 scaling judgements over time.

* Every `/v1` call needs `Authorization: Bearer <JWT>` (RS256/PS256/ES256 from a trusted issuer).
* Errors are RFC 9457 `application/problem+json`; validation errors list each bad field as a JSON Pointer.
* Versioned records return `ETag: W/"<version>"`; updates need `If-Match` (428 without it, 412 when stale).
* Lists use cursor pagination: `limit` (default 50, at most 500) and the opaque `cursor` from `next_cursor`.
* Send `X-Request-ID` to correlate; `X-Purpose-Of-Use` to declare why you are reading (audited).
* Send `Idempotency-Key` on a POST or PUT to make it safe to retry: a retry gets the first response again
  (`Idempotency-Replayed: true`) for 24 hours; the same key with another request is 422, while the first still
  runs 409.
* Each caller has a quota of requests per window (`limits` in `/.well-known/api-configuration`; integration
  clients get more). Responses carry `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds);
  over the quota the answer is 429 `rate-limited` with `Retry-After` (seconds).
"""
# The quota headers (sos_api/rate_limit.py) on every response of a rate-limited operation that the limiter lets
# through, and on its 429 with Retry-After.
QUOTA_HEADERS: dict[str, Any] = {
    LIMIT: {
        "description": "Requests allowed to this caller in the current window.",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    },
    REMAINING: {
        "description": "Requests this caller has left in the current window.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    },
    RESET: {
        "description": "Seconds until the window ends and the quota is whole again.",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    },
}
RETRY_AFTER_HEADER: dict[str, Any] = {
    "description": "Seconds to wait before trying again.",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}
HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE.parent / "openapi" / "openapi.json"


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title=TITLE,
        version=VERSION,
        description=DESCRIPTION,
        components=Components(
            security_schemes={
                "bearer": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT"),
            }
        ),
        path="/docs",
        create_examples=False,
    )


def _union_names() -> dict[Any, str]:
    """The tagged unions sos_schema exports (PlanCreate), by value."""
    return {tp: name for name, tp in public_types().items() if not isinstance(tp, type)}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _name_of(tp: Any, names: dict[Any, str]) -> str:
    return names[tp]


def _handlers(app: Litestar) -> dict[str, dict[str, Any]]:
    """operationId -> the `api` declaration of its route handler."""
    found: dict[str, dict[str, Any]] = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            api: dict[str, Any] | None = handler.opt.get("api")
            if api is not None and handler.operation_id:
                found[str(handler.operation_id)] = api
    return found


def build_document(app: Litestar) -> dict[str, Any]:
    """The complete document, deterministic so the committed copy can be compared byte for byte."""
    doc: dict[str, Any] = app.openapi_schema.to_schema()
    declared = _handlers(app)
    types: list[Any] = [Problem]
    for api in declared.values():
        for key in ("body", "returns"):
            if api.get(key) is not None and api[key] not in types:
                types.append(api[key])
    (refs, components) = msgspec.json.schema_components(types, ref_template="#/components/schemas/{name}")
    names = {}
    for tp, ref in zip(types, refs, strict=True):
        if "$ref" in ref:
            names[tp] = ref["$ref"].rsplit("/", 1)[1]
        else:
            # A tagged union body (PlanCreate): msgspec gives it inline; it becomes a component named as
            # sos_schema exports it, its discriminator kept.
            names[tp] = _union_names()[tp]
            components[names[tp]] = ref

    for path_item in doc.get("paths", {}).values():
        for method, operation in list(path_item.items()):
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            declaration = declared.get(operation.get("operationId", ""))
            if declaration is not None:
                _rewrite_operation(operation, declaration, names)

    doc["components"] = {
        "schemas": dict(sorted(components.items())),
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
    }
    doc["openapi"] = "3.1.0"
    return doc


def _rewrite_operation(operation: dict[str, Any], api: dict[str, Any], names: dict[Any, str]) -> None:
    if api.get("body") is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(_name_of(api["body"], names))}},
        }
    else:
        operation.pop("requestBody", None)
    params = operation.get("parameters", [])
    if api.get("if_match"):
        params = [p for p in params if p.get("name", "").lower() != "if-match"]
        params.append(
            {
                "name": "If-Match",
                "in": "header",
                "required": True,
                "description": 'The ETag you read, e.g. W/"3". Missing: 428. Stale: 412 with the current version.',
                "schema": {"type": "string", "pattern": '^(W/)?"[0-9]{1,9}"$'},
            }
        )
    if api.get("idempotent"):
        params.append(
            {
                "name": IDEMPOTENCY_HEADER,
                "in": "header",
                "required": False,
                "description": IDEMPOTENCY_DESCRIPTION,
                "schema": {"type": "string", "pattern": IDEMPOTENCY_PATTERN},
            }
        )
    if params:
        operation["parameters"] = params
    success: dict[str, Any] = {"description": "Success"}
    status = int(api.get("status", 200))
    if api.get("returns") is not None:
        success["content"] = {"application/json": {"schema": _ref(_name_of(api["returns"], names))}}
    elif api.get("raw"):
        success["content"] = {"application/json": {"schema": {"type": "object"}}}
    for media_type in api.get("media", ()):
        success.setdefault("content", {})[media_type] = {"schema": {"type": "string"}}
    limited = not api.get("public")
    responses: dict[str, Any] = {}
    for code in sorted({status, api.get("alternate") or status}):
        answer = dict(success, description="Created" if code == 201 else "Success")
        headers: dict[str, Any] = {}
        if api.get("etag"):
            headers["ETag"] = {"description": 'Version of the record, e.g. W/"3".', "schema": {"type": "string"}}
        # Only a response that made something says where it is (an upsert's 200 made nothing).
        if api.get("location") and (code == 201 or not api.get("alternate")):
            headers["Location"] = {"description": "Where the new record can be read.", "schema": {"type": "string"}}
        if api.get("idempotent"):
            headers[REPLAYED_HEADER] = {
                "description": "`true` when this is the stored response to an earlier request with the same "
                "Idempotency-Key; nothing was written this time.",
                "schema": {"type": "string", "enum": ["true"]},
            }
        if limited:
            headers.update(QUOTA_HEADERS)
        if headers:
            answer["headers"] = dict(sorted(headers.items()))
        responses[str(code)] = answer
    for problem_status in api.get("problems", []):
        _, title = GENERIC.get(problem_status, ("error", "Error"))
        responses[str(problem_status)] = {
            "description": title,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": _ref("Problem")}},
        }
        if problem_status == 429:
            responses["429"]["headers"] = dict(sorted({**QUOTA_HEADERS, RETRY_AFTER: RETRY_AFTER_HEADER}.items()))
    operation["responses"] = dict(sorted(responses.items()))
    if api.get("public"):
        operation["security"] = []
    else:
        operation["security"] = [{"bearer": []}]


def render(app: Litestar) -> bytes:
    return msgspec.json.format(msgspec.json.encode(build_document(app), order="sorted"), indent=2) + b"\n"


def write(app: Litestar, path: Path = DEFAULT_OUTPUT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render(app))
    return path
