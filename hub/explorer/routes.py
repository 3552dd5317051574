"""`/explorer`: the page, its script and style, and Cytoscape.js from the project's own npm
install (hub/explorer/node_modules, made by `npm ci` in the Makefile); nothing from a CDN.

The page is a public client of the hub's own authorization server: it signs people in with the
authorization-code flow and PKCE through the sign-in client registered with the redirect URI
`<issuer>/explorer` (`hub demo credentials` registers one; `hub clients add --redirect-uri` makes
others), and calls /graphql with the person's token.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

from hub.auth import pages, policy, registry
from hub.auth.models import OAuthClient
from hub.auth.routes import AUTHORIZE_PATH, TOKEN_PATH
from hub.auth.service import OAuth
from hub.explorer.text import TEXT
from hub.graph.mapping import TYPES

PATH = "/explorer"
HERE = Path(__file__).resolve().parent
ASSETS = {
    "explorer.js": (HERE / "static" / "explorer.js", "text/javascript"),
    "explorer.css": (HERE / "static" / "explorer.css", "text/css"),
    "cytoscape.min.js": (
        HERE / "node_modules" / "cytoscape" / "dist" / "cytoscape.min.js",
        "text/javascript",
    ),
}
HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}


def redirect_uri(issuer: str) -> str:
    return issuer.rstrip("/") + PATH


def _sign_in_client(clients: list[OAuthClient], uri: str) -> OAuthClient | None:
    return next((c for c in clients if c.enabled and uri in c.redirect_uris), None)


def _config(lang: str, client: OAuthClient | None, uri: str) -> dict[str, object]:
    return {
        "lang": lang,
        "text": TEXT[lang],
        "clientId": client.client_id if client else None,
        "scope": "graph:read investigate",
        "redirectUri": uri,
        "authorize": AUTHORIZE_PATH,
        "token": TOKEN_PATH,
        # What each role reads and each type's scalar fields, so the page asks only for what the
        # caller may read (the API refuses the rest by name).
        "readable": {r.value: sorted(t) for r, t in policy.TYPE_READERS.items()},
        "fields": {t: ["id", *m.properties] for t, m in TYPES.items()},
    }


def _switch(request: Request, lang: str) -> str:
    other = "en" if lang == "zh" else "zh"
    return f'<a class="switch" href="{PATH}?lang={other}">{TEXT[lang]["switch"]}</a>'


async def page(request: Request) -> Response:
    oauth: OAuth = request.app.state.oauth
    lang = pages.pick_language(request)
    uri = redirect_uri(oauth.settings.hub_issuer)
    clients = await oauth.graph.read(registry.list_clients)
    config = json.dumps(_config(lang, _sign_in_client(clients, uri), uri), ensure_ascii=False)
    t = TEXT[lang]
    html = (
        f'<!doctype html><html lang="{t["html_lang"]}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(t['title'])}</title>"
        f'<link rel="stylesheet" href="{PATH}/static/explorer.css"></head><body>'
        f"<header>{_switch(request, lang)}<h1>{escape(t['heading'])}</h1>"
        '<div id="account"></div></header><main id="app"></main>'
        # JSON in a non-executed script element; `</` cannot close it early.
        + '<script type="application/json" id="config">'
        + config.replace("</", "<\\/")
        + "</script>"
        f'<script src="{PATH}/static/cytoscape.min.js"></script>'
        f'<script src="{PATH}/static/explorer.js"></script></body></html>'
    )
    return HTMLResponse(html, headers=HEADERS)


async def asset(request: Request) -> Response:
    found = ASSETS.get(request.path_params["name"])
    if found is None or not found[0].is_file():
        return Response("not found", status_code=404, media_type="text/plain")
    return FileResponse(found[0], media_type=found[1], headers={"Cache-Control": "no-cache"})


def explorer_routes() -> list[Route]:
    return [
        Route(PATH, page, methods=["GET"]),
        Route(PATH + "/static/{name}", asset, methods=["GET"]),
    ]
