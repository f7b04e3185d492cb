"""The OpenAPI document: the committed openapi/openapi.json is what the code generates, and it keeps the promises
every client relies on (operation ids, tags, problem+json responses, resolvable $refs, a valid OpenAPI 3.1
document, an access rule for every operation).

The structural checks run on the committed document and on a freshly generated one, so a route added without
`make openapi` is still checked before anyone commits the regenerated file.

Which problem statuses an operation lists (400/500 always, 401/403 unless public, 413/415/422 with a body,
412/428 with If-Match) is not checked here: http.api_route adds them from the same flags that add the body, the
If-Match parameter and the security requirement, so a check of the document against itself could never fail.
What can go wrong is a route declared without api_route (it would document none of them), checked below against
the app's handlers; whether the statuses are the ones actually sent is the contract suite's job (schemathesis).
"""

from __future__ import annotations

import difflib
import json
import re
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar

from sos_api.app import create_app
from sos_api.auth.policy import OPERATIONS, PUBLIC_OPERATIONS
from sos_api.openapi import render
from sos_api.settings import Settings
from tests.contract.conftest import COMMITTED_DOCUMENT, load_committed_document

PROBLEM = "application/problem+json"
PROBLEM_REF = "#/components/schemas/Problem"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
LOWER_CAMEL = re.compile(r"^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*$")

# Known gaps, pinned as strict xfails: (check, operationId) -> what is wrong. Delete an entry once it is fixed.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


@cache
def generated_app() -> Litestar:
    """The app as `sos-api openapi` (cli.cmd_openapi) builds it: neutral settings, scratch data dir."""
    with tempfile.TemporaryDirectory() as scratch:
        return create_app(Settings(data_dir=Path(scratch), local_issuer=True))


@cache
def generated_bytes() -> bytes:
    """The document exactly as `sos-api openapi` writes it."""
    return render(generated_app())


DOCUMENTS: dict[str, dict[str, Any]] = {
    "committed": load_committed_document(),
    "generated": json.loads(generated_bytes()),
}


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def operation_params(check: str) -> list[Any]:
    """One parameter per (document, operation), with KNOWN_BUGS for this check marked as strict xfails."""
    params = []
    for doc_name, document in DOCUMENTS.items():
        for path, method, operation in operations(document):
            operation_id = str(operation.get("operationId"))
            bug = KNOWN_BUGS.get((check, operation_id))
            marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
            params.append(pytest.param(operation, id=f"{doc_name}-{operation_id}-{method.upper()} {path}", marks=marks))
    return params


def problem_statuses(operation: dict[str, Any]) -> set[str]:
    return {status for status in operation.get("responses", {}) if status[:1] in {"4", "5"}}


def is_public(operation: dict[str, Any]) -> bool:
    return operation.get("security") == []


# --- drift -----------------------------------------------------------------------------------------


def test_committed_document_is_what_the_code_generates() -> None:
    committed, generated = COMMITTED_DOCUMENT.read_bytes(), generated_bytes()
    if committed == generated:
        return
    old, new = DOCUMENTS["committed"], DOCUMENTS["generated"]
    old_ops = {f"{m.upper()} {p}" for p, m, _ in operations(old)}
    new_ops = {f"{m.upper()} {p}" for p, m, _ in operations(new)}
    diff = list(
        difflib.unified_diff(
            committed.decode().splitlines(), generated.decode().splitlines(), "committed", "generated", lineterm="", n=1
        )
    )
    pytest.fail(
        "openapi/openapi.json is not what the code generates: run `make openapi` and commit the result.\n"
        f"operations only in the code: {sorted(new_ops - old_ops)}\n"
        f"operations only in the committed file: {sorted(old_ops - new_ops)}\n"
        f"first lines of the diff ({len(diff)} lines):\n" + "\n".join(diff[:20]),
        pytrace=False,
    )


# --- the whole document --------------------------------------------------------------------------


@pytest.mark.parametrize("document", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_openapi_version_is_3_1_0(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"


@pytest.mark.parametrize("document", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_operation_ids_are_unique_and_lower_camel(document: dict[str, Any]) -> None:
    ids = [operation.get("operationId") for _, _, operation in operations(document)]
    assert ids, "the document has no operations"
    assert all(isinstance(i, str) and LOWER_CAMEL.match(i) for i in ids), [
        i for i in ids if not LOWER_CAMEL.match(str(i))
    ]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, duplicates


@pytest.mark.parametrize("document", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_every_ref_resolves(document: dict[str, Any]) -> None:
    unresolved = []

    def resolve(ref: str) -> bool:
        if not ref.startswith("#/"):
            return False  # the document is self-contained: no external references
        node: Any = document
        for token in ref[2:].split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return False
        return True

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not resolve(ref):
                unresolved.append(f"{where}: {ref}")
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")

    walk(document, "#")
    assert not unresolved, unresolved


@pytest.mark.parametrize("document", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_document_validates_with_openapi_spec_validator(document: dict[str, Any]) -> None:
    # A test dependency (pyproject `test` extra), imported here so the rest of the module runs without it; not
    # importorskip, which would turn a missing install into a quiet skip.
    from openapi_spec_validator import OpenAPIV31SpecValidator, validate

    validate(document, cls=OpenAPIV31SpecValidator)


# --- every operation -------------------------------------------------------------------------------


def test_every_operation_is_declared_with_api_route() -> None:
    """Problem statuses, body and If-Match documentation come from http.api_route: an operation of the app made
    with a bare Litestar decorator would be documented without them (and with JSON errors, not problem+json)."""
    declared = {
        str(handler.operation_id)
        for route in generated_app().routes
        for handler in getattr(route, "route_handlers", [])
        if handler.opt.get("api") is not None
    }
    documented = {str(operation.get("operationId")) for _, _, operation in operations(DOCUMENTS["generated"])}
    assert declared, "no route handler carries an api_route declaration"
    assert not documented - declared, f"documented, but not declared with api_route: {sorted(documented - declared)}"


@pytest.mark.parametrize("operation", operation_params("tags"))
def test_operation_has_tags(operation: dict[str, Any]) -> None:
    tags = operation.get("tags")
    assert isinstance(tags, list), tags
    assert tags, "no tags"
    assert all(isinstance(t, str) and t for t in tags), tags


@pytest.mark.parametrize("operation", operation_params("security"))
def test_operation_is_public_or_needs_a_bearer_token(operation: dict[str, Any]) -> None:
    assert operation.get("security") in ([], [{"bearer": []}]), operation.get("security")


@pytest.mark.parametrize("operation", operation_params("problem+json"))
def test_every_problem_response_is_a_problem_json_problem(operation: dict[str, Any]) -> None:
    wrong = {
        status: response.get("content")
        for status, response in operation["responses"].items()
        if status in problem_statuses(operation)
        and response.get("content") != {PROBLEM: {"schema": {"$ref": PROBLEM_REF}}}
    }
    assert not wrong, wrong


@pytest.mark.parametrize("operation", operation_params("policy"))
def test_operation_has_an_access_rule(operation: dict[str, Any]) -> None:
    """auth/policy.py decides every operation: a role rule, or listed as public (and then documented so)."""
    operation_id = operation.get("operationId")
    assert operation_id in OPERATIONS or operation_id in PUBLIC_OPERATIONS, operation_id
    assert is_public(operation) == (operation_id in PUBLIC_OPERATIONS), (operation_id, operation.get("security"))


QUOTA_HEADERS = {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}


@pytest.mark.parametrize("operation", operation_params("rate-limit"))
def test_rate_limit_is_documented(operation: dict[str, Any]) -> None:
    """Interop R29: every operation needing a token documents its 429 with Retry-After, and the quota headers on
    its success; the public service routes are never limited and say nothing of it."""
    responses = operation["responses"]
    if is_public(operation):
        assert "429" not in responses
        return
    assert "429" in responses, "no 429 rate-limited response"
    assert set(responses["429"].get("headers", {})) == QUOTA_HEADERS | {"Retry-After"}
    for status, response in responses.items():
        if status.startswith("2"):
            assert set(response.get("headers", {})) >= QUOTA_HEADERS, status
