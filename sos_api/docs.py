"""The interactive reference at `/docs` (Swagger UI) and the OpenAPI document at `/docs/openapi.json`, both without
a token.

Both serve the document openapi.py builds (the one committed as openapi/openapi.json), not Litestar's own schema,
which lacks the problem responses, discriminators and closed objects. Swagger UI's script and stylesheet are
served from the package (sos_api/static/swagger-ui, copied from the swagger-ui-dist release pinned in
tools/package-lock.json; tests/contract/test_docs.py checks they match), so the page works on a closed network
and loads nothing from a CDN. The page only reads the document: "Try it out" sends the bearer token a person
types in, and every /v1 call needs one as ever."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from litestar import Litestar, Request, Router
from litestar.datastructures import CacheControlHeader
from litestar.enums import MediaType
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.static_files import create_static_files_router

PATH = "/docs"
DOCUMENT_PATH = f"{PATH}/openapi.json"
ASSETS_PATH = f"{PATH}/assets"
ASSETS = Path(__file__).resolve().parent / "static" / "swagger-ui"
# Authentication skips handlers whose opt carries this (AbstractAuthenticationMiddleware's exclude_from_auth_key).
PUBLIC = {"exclude_from_auth": True}

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({{
  url: "{document}",
  dom_id: "#swagger-ui",
  deepLinking: true,
  displayOperationId: true,
  docExpansion: "list",
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout"
}});
</script>
</body>
</html>
"""


def document(app: Litestar) -> bytes:
    """The OpenAPI document, built once per app on first use."""
    cached: bytes | None = app.state.get("openapi_document")
    if cached is None:
        from .openapi import render

        cached = app.state["openapi_document"] = render(app)
    return cached


class DocumentJson(OpenAPIRenderPlugin):
    """`/docs/openapi.json`: the document itself."""

    def __init__(self) -> None:
        super().__init__(path="/openapi.json", media_type=MediaType.JSON)

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return document(request.app)


class SwaggerPage(OpenAPIRenderPlugin):
    """`/docs`: Swagger UI reading `/docs/openapi.json`, its script and stylesheet served by the API."""

    def __init__(self) -> None:
        super().__init__(path="/", media_type=MediaType.HTML)

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = str(openapi_schema.get("info", {}).get("title", "API"))
        return PAGE.format(title=html.escape(title), assets=ASSETS_PATH, document=DOCUMENT_PATH).encode()


def docs_router() -> Router:
    """The router Litestar's OpenAPI plugin fills with the two pages above, open without a token."""
    return Router(PATH, route_handlers=[], include_in_schema=False, opt=PUBLIC)


def assets_router() -> Router:
    return create_static_files_router(
        path=ASSETS_PATH,
        directories=[ASSETS],
        name="docs-assets",
        opt=PUBLIC,
        cache_control=CacheControlHeader(max_age=86400, public=True),
    )
