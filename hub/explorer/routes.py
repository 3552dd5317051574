"""`/explorer`: the page, its script and style, and Cytoscape.js from the project's own npm
install (hub/pages/common.py); nothing from a CDN.

The page is a public client of the hub's own authorization server: it signs people in with the
authorization-code flow and PKCE through the sign-in client registered with the redirect URI
`<issuer>/explorer` (`hub demo credentials` registers one; `hub clients add --redirect-uri` makes
others), and calls /graphql with the person's token.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.access import policy
from hub.explorer import labels
from hub.explorer.text import TEXT
from hub.graph import investigation_repo
from hub.graph.mapping import TYPES
from hub.oauth.models import OAuthClient
from hub.oauth.routes import AUTHORIZE_PATH, TOKEN_PATH
from hub.pages import common

PATH = "/explorer"
HERE = Path(__file__).resolve().parent
ASSETS = common.assets(
    ("explorer.js", HERE / "static" / "explorer.js", "text/javascript"),
    ("explorer.css", HERE / "static" / "explorer.css", "text/css"),
    ("slicer.js", HERE / "static" / "slicer.js", "text/javascript"),
    ("views.js", HERE / "static" / "views.js", "text/javascript"),
    (
        "cytoscape.min.js",
        common.NODE_MODULES / "cytoscape" / "dist" / "cytoscape.min.js",
        "text/javascript",
    ),
    # fcose, the layout that keeps placed nodes still, and the two modules it is built on.
    ("layout-base.js", common.NODE_MODULES / "layout-base" / "layout-base.js", "text/javascript"),
    ("cose-base.js", common.NODE_MODULES / "cose-base" / "cose-base.js", "text/javascript"),
    (
        "cytoscape-fcose.js",
        common.NODE_MODULES / "cytoscape-fcose" / "cytoscape-fcose.js",
        "text/javascript",
    ),
)
SCRIPTS = (
    "cytoscape.min.js", "layout-base.js", "cose-base.js", "cytoscape-fcose.js", "hub.js",
    "slicer.js", "views.js", "explorer.js",
)  # fmt: skip


def redirect_uri(issuer: str) -> str:
    return common.redirect_uri(issuer, PATH)


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
        "relationships": list(investigation_repo.REL_TYPES),
        "labels": labels.for_language(lang),
    }


async def page(request: Request) -> Response:
    lang = common.pick_language(request)
    client, uri = await common.sign_in_client(request, PATH)
    t = TEXT[lang]
    return common.page(
        html_lang=t["html_lang"],
        title=t["title"],
        stylesheet=f"{PATH}/static/explorer.css",
        header=f"{common.switch(PATH, lang, t['switch'])}<h1>{escape(t['heading'])}</h1>"
        '<div id="account"></div>',
        config=_config(lang, client, uri),
        scripts=[f"{PATH}/static/{n}" for n in SCRIPTS],
    )


async def asset(request: Request) -> Response:
    return common.asset_response(ASSETS, request.path_params["name"])


def explorer_routes() -> list[Route]:
    return [
        Route(PATH, page, methods=["GET"]),
        Route(PATH + "/static/{name}", asset, methods=["GET"]),
    ]
