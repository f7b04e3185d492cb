"""The OpenAPI 3.1 document: paths and parameters from Litestar, bodies, responses and component schemas from
msgspec (conventions pitfall 2: Litestar's own generator drops `additionalProperties: false` and union
discriminators), every problem response documented from the route declarations in http.py."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import msgspec
from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from sos_schema import Problem, PurposeOfUse
from sos_schema.export import public_types

from .auth.policy import OPERATIONS
from .auth.roles import Role
from .correlation import MAX_REQUEST_ID, REQUEST_ID_PATTERN
from .docs import DocumentJson, SwaggerPage, docs_router
from .http import INT4_MAX, INT4_MIN
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
        "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": INT4_MAX},
    },
    REMAINING: {
        "description": "Requests this caller has left in the current window.",
        "required": True,
        "schema": {"type": "integer", "format": "int32", "minimum": 0, "maximum": INT4_MAX},
    },
    RESET: {
        "description": "Seconds until the window ends and the quota is whole again.",
        "required": True,
        "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": INT4_MAX},
    },
}
RETRY_AFTER_HEADER: dict[str, Any] = {
    "description": "Seconds to wait before trying again.",
    "required": True,
    "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": INT4_MAX},
}
# A refusal after the token was verified (403, 404, 422...) carries the quota too; a 401 never does, since no
# caller was counted.
QUOTA_HEADERS_ON_REFUSALS: dict[str, Any] = {
    name: dict(header, required=False, description=header["description"] + " Absent on a 401.")
    for name, header in QUOTA_HEADERS.items()
}
# Headers and parameters repeated on (nearly) every operation live once in components and are referenced.
HEADER_COMPONENTS: dict[str, dict[str, Any]] = {
    **QUOTA_HEADERS,
    **{f"{name}-OnRefusal": header for name, header in QUOTA_HEADERS_ON_REFUSALS.items()},
    RETRY_AFTER: RETRY_AFTER_HEADER,
}
ETAG_HEADER: dict[str, Any] = {
    "description": 'Version of the record, e.g. W/"3".',
    "schema": {"type": "string", "maxLength": 13, "pattern": '^W/"[0-9]{1,9}"$'},
}
LOCATION_HEADER: dict[str, Any] = {
    "description": "Where the new record can be read.",
    "schema": {"type": "string", "format": "uri-reference", "maxLength": 2048},
}
# Correlation (interop R28) on every operation, purpose of use (R24) on every one that records who read what. The
# server refuses an X-Request-ID it cannot keep (app.RequestIdMiddleware) and an unknown purpose (context.purpose_of).
REQUEST_ID_PARAMETER: dict[str, Any] = {
    "name": "X-Request-ID",
    "in": "header",
    "required": False,
    "description": "Your id for this request, echoed back in `X-Request-ID`, kept in the audit trail and named in "
    "problem `instance`. The server makes one (a UUID) when you send none.",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_REQUEST_ID, "pattern": REQUEST_ID_PATTERN},
}
PURPOSE_PARAMETER: dict[str, Any] = {
    "name": "X-Purpose-Of-Use",
    "in": "header",
    "required": False,
    "description": "Why you need this: recorded in the audit trail. Without it, the usual purpose of your role for "
    "this operation (`purposes_of_use` in /.well-known/api-configuration lists them).",
    "schema": {"type": "string", "enum": [p.value for p in PurposeOfUse]},
}
# One line for each tag an operation carries: `make openapi` fails on a tag missing here.
TAGS: dict[str, str] = {
    "alerts": "Alerts raised on a case or a child for the people working with them.",
    "audit": "Who read or changed a child's records, when and why (access history, audit events).",
    "cases": "Cases: the family, the children, who is allocated, and the case summary.",
    "child-voice": "The child's own words, views and wishes, recorded as they said them.",
    "contributions": "Information sent in by partner agencies and their systems, triaged by the council.",
    "danger-statements": "Danger statements and the safety goals that answer them.",
    "flags": "Minimal-disclosure lookups: is this child known to children's social care.",
    "front door": "Referrals and contacts at the front door (MASH), and the decisions on them.",
    "maps": "Assessment maps: what is working well, what we are worried about, what needs to happen.",
    "measures": "The scorecard: meaningful measures computed from the records, over time, with their charts.",
    "network": "The safety network: the people who will keep the children safe, and their meetings.",
    "people": "People: children, family members and professionals, found or upserted by identifier.",
    "practice quality": "Supervision, group supervision and the quality of practice.",
    "safety plans": "Safety plans, their rules and the check-ins against them.",
    "scaling": "0-10 scaling questions and the judgements made on them over time.",
    "service": "The service itself: health, readiness, keys and how to call it. No token needed.",
    "statutory": "Statutory work: strategy discussions, conferences, plans, episodes, court work, timescales.",
    "sync": "The change feed integrators read to keep a copy of the council's records up to date.",
    "webhooks": "Subscriptions that push signed notices of changes to an integrator's endpoint.",
    "words and pictures": "Words and pictures explanations and the child's own safety plans.",
}
SECURITY_SCHEME: dict[str, Any] = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT",
    "description": "A JWT from a trusted issuer (`issuers` in /.well-known/api-configuration), checked as RFC8725 "
    "advises: the algorithm must be one pinned for that issuer (RS256, PS256 or ES256, never `none` or HMAC), and "
    "the signature, issuer, audience and expiry are verified on every call.",
}
# Length bounds that a string's format already implies, written out for clients and linters that read only
# maxLength. Date-times are RFC 3339 with at most a few fractional digits in practice; 64 leaves room.
FORMAT_LENGTHS = {"uuid": 36, "date": 10, "date-time": 64}
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
        # /docs (Swagger UI) and /docs/openapi.json, both serving this module's document (sos_api/docs.py).
        openapi_router=docs_router(),
        render_plugins=[SwaggerPage(), DocumentJson()],
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
                # X-Purpose-Of-Use is read where the caller becomes an Actor (context.provide_actor), which is
                # what every handler touching records takes; one that takes none would ignore the header.
                takes_actor = "actor" in inspect.signature(handler.fn).parameters
                found[str(handler.operation_id)] = {**api, "purpose": takes_actor}
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
        "headers": dict(sorted(HEADER_COMPONENTS.items())),
        "parameters": {"PurposeOfUse": PURPOSE_PARAMETER, "RequestId": REQUEST_ID_PARAMETER},
        "securitySchemes": {"bearer": SECURITY_SCHEME},
    }
    used = {tag for item in doc.get("paths", {}).values() for op in item.values() for tag in op.get("tags", [])}
    undescribed = sorted(used - TAGS.keys())
    if undescribed:
        raise ValueError(f"tags without a line in openapi.TAGS: {undescribed}")
    doc["tags"] = [{"name": tag, "description": TAGS[tag]} for tag in sorted(used)]
    doc["servers"] = [
        {
            "url": "/",
            "description": "The deployment serving this document (production, staging or local alike).",
            "x-internal": False,
        }
    ]
    doc["openapi"] = "3.1.0"
    _bound(doc)
    return doc


def _bound(node: Any) -> None:
    """Give every string a maxLength its format or pattern already implies, and every integer its format."""
    if isinstance(node, dict):
        kinds = node.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if "string" in kinds and not node.keys() & {"maxLength", "enum", "const"}:
            length = FORMAT_LENGTHS.get(node.get("format", "")) or _pattern_length(node.get("pattern"))
            if length is not None:
                node["maxLength"] = length
        if "integer" in kinds:
            for bound in ("minimum", "maximum"):
                if isinstance(node.get(bound), float) and node[bound].is_integer():
                    node[bound] = int(node[bound])  # Litestar writes ge=1 as 1.0
            if "format" not in node:
                low, high = node.get("minimum"), node.get("maximum")
                int32 = low is not None and high is not None and low >= INT4_MIN and high <= INT4_MAX
                node["format"] = "int32" if int32 else "int64"
        for value in node.values():
            _bound(value)
    elif isinstance(node, list):
        for value in node:
            _bound(value)


def _pattern_length(pattern: str | None) -> int | None:
    """The longest string a pattern anchored at both ends can match, when it has a limit."""
    if not pattern or not pattern.startswith("^") or not pattern.endswith("$"):
        return None
    parsed = re._parser.parse(pattern)  # type: ignore[attr-defined]
    # `^a|b$` parses as one alternation whose sides are each anchored at one end only.
    at, begin, end = re._constants.AT, re._constants.AT_BEGINNING, re._constants.AT_END  # type: ignore[attr-defined]
    if len(parsed) < 2 or parsed[0] != (at, begin) or parsed[-1] != (at, end):
        return None
    longest = parsed.getwidth()[1]
    return int(longest) if longest < re._constants.MAXREPEAT else None  # type: ignore[attr-defined]


def _rewrite_operation(operation: dict[str, Any], api: dict[str, Any], names: dict[Any, str]) -> None:
    if api.get("body") is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(_name_of(api["body"], names))}},
        }
    else:
        operation.pop("requestBody", None)
    params = [_plain(p) for p in operation.get("parameters", [])]
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
    params.append({"$ref": "#/components/parameters/RequestId"})
    if api.get("purpose"):
        params.append({"$ref": "#/components/parameters/PurposeOfUse"})
    operation["parameters"] = params
    operation["description"] = _describe(operation, api)
    success: dict[str, Any] = {"description": "Success"}
    status = int(api.get("status", 200))
    if api.get("returns") is not None:
        success["content"] = {"application/json": {"schema": _ref(_name_of(api["returns"], names))}}
    elif api.get("text"):
        success["content"] = {"text/plain": {"schema": {"type": "string"}}}
    for media_type in api.get("media", ()):
        success.setdefault("content", {})[media_type] = {"schema": {"type": "string"}}
    limited = not api.get("public")
    responses: dict[str, Any] = {}
    for code in sorted({status, api.get("alternate") or status}):
        answer = dict(success, description="Created" if code == 201 else "Success")
        headers: dict[str, Any] = {}
        if api.get("etag"):
            headers["ETag"] = ETAG_HEADER
        # Only a response that made something says where it is (an upsert's 200 made nothing).
        if api.get("location") and (code == 201 or not api.get("alternate")):
            headers["Location"] = LOCATION_HEADER
        if api.get("idempotent"):
            headers[REPLAYED_HEADER] = {
                "description": "`true` when this is the stored response to an earlier request with the same "
                "Idempotency-Key; nothing was written this time.",
                "schema": {"type": "string", "enum": ["true"]},
            }
        if limited:
            headers.update(_header_refs(QUOTA_HEADERS))
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
            responses["429"]["headers"] = _header_refs({**QUOTA_HEADERS, RETRY_AFTER: RETRY_AFTER_HEADER})
        elif limited and 400 <= problem_status < 500 and problem_status != 401:
            responses[str(problem_status)]["headers"] = _header_refs(QUOTA_HEADERS_ON_REFUSALS, "-OnRefusal")
    operation["responses"] = dict(sorted(responses.items()))
    if api.get("public"):
        operation["security"] = []
    else:
        operation["security"] = [{"bearer": []}]


def _header_refs(headers: dict[str, Any], suffix: str = "") -> dict[str, Any]:
    return {name: {"$ref": f"#/components/headers/{name}{suffix}"} for name in sorted(headers)}


def _plain(parameter: dict[str, Any]) -> dict[str, Any]:
    """Litestar writes an optional parameter as `oneOf: [{type: X}, {type: null}]` with its constraints beside
    the oneOf, where generators and linters miss them; a query string or header is never null, so it is just X."""
    schema = parameter.get("schema", {})
    options = schema.get("oneOf")
    if not isinstance(options, list):
        return parameter
    kept = [o for o in options if o != {"type": "null"}]
    if len(kept) != 1 or len(options) != 2 or parameter.get("required"):
        return parameter
    plain = {key: value for key, value in schema.items() if key != "oneOf"}
    return dict(parameter, schema={**kept[0], **plain})


def _describe(operation: dict[str, Any], api: dict[str, Any]) -> str:
    """The operation's description with who may call it, from the access policy the server enforces."""
    written = operation.get("description") or f"{operation.get('summary', '')}."
    if api.get("public"):
        return f"{written}\n\nPublic: no token needed, and never rate limited."
    rule = OPERATIONS.get(str(operation.get("operationId")))
    if rule is None:
        return written
    roles = ", ".join(f"`{role.value}`" for role in sorted(rule.roles))
    text = f"{written}\n\nWho may call it: {roles}."
    scoped = sorted((rule.roles & {Role.integration_client}) | rule.scoped)
    if scoped:
        who = ", ".join(f"`{role.value}`" for role in scoped)
        text += (
            f" {who} also {'needs' if len(scoped) == 1 else 'need'} the scope `system/{rule.resource}.{rule.access}`."
        )
    if api.get("purpose"):
        text += f" Purpose of use recorded unless X-Purpose-Of-Use says otherwise: `{rule.purpose}`."
    return text


def render(app: Litestar) -> bytes:
    return msgspec.json.format(msgspec.json.encode(build_document(app), order="sorted"), indent=2) + b"\n"


def write(app: Litestar, path: Path = DEFAULT_OUTPUT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render(app))
    return path
