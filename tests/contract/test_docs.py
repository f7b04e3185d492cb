"""`/docs`: the interactive reference (Swagger UI) and `/docs/openapi.json`, open without a token, serving the
committed document, rendered by a real headless browser on a closed network (the script comes from the API)."""

from __future__ import annotations

import json

import httpx

from sos_api.docs import ASSETS
from tests.browser import rendered_dom
from tests.contract.conftest import COMMITTED_DOCUMENT, LiveServer, load_committed_document
from tests.node_tools import NODE_MODULES


def test_the_document_and_the_page_need_no_token(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.base_url) as http:
        document = http.get("/docs/openapi.json")
        page = http.get("/docs")
        script = http.get("/docs/assets/swagger-ui-bundle.js")
        guarded = http.get("/v1/cases")
    assert document.status_code == 200, document.text[:300]
    assert document.content == COMMITTED_DOCUMENT.read_bytes()
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert script.status_code == 200
    assert guarded.status_code == 401  # the pages are open; the API is not


def test_swagger_ui_renders_the_operations(live_server: LiveServer) -> None:
    document = load_committed_document()
    operation_ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    # Swagger UI renders only the operations in view: a window 100 pixels per operation holds them all (each row is
    # about 50, with the tag headings and the schema list below).
    dom = rendered_dom(f"{live_server.base_url}/docs", budget_ms=8_000, height=100 * len(operation_ids))
    assert document["info"]["title"] in dom
    # displayOperationId is on: every operation shows its id once the document is loaded and laid out.
    missing = [operation_id for operation_id in operation_ids if operation_id not in dom]
    assert not missing, f"{len(missing)} of {len(operation_ids)} operations not rendered, e.g. {missing[:5]}"
    assert "/v1/cases/{case_id}" in dom.replace("\u200b", "")  # paths are split with zero-width spaces


def test_the_served_swagger_ui_is_the_pinned_release() -> None:
    """sos_api/static/swagger-ui is a copy of the swagger-ui-dist release tools/package-lock.json pins."""
    lock = json.loads((NODE_MODULES.parent / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/swagger-ui-dist"]["version"]
    installed = NODE_MODULES / "swagger-ui-dist"
    assert json.loads((installed / "package.json").read_text())["version"] == pinned, "run `make node`"
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE"):
        assert (ASSETS / name).read_bytes() == (installed / name).read_bytes(), (
            f"sos_api/static/swagger-ui/{name} differs from swagger-ui-dist {pinned}: copy it again"
        )
