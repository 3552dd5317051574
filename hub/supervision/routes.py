"""`/supervision`: the page, its script and style, and Apache ECharts from the project's own npm
install (hub/pages/common.py); nothing from a CDN.

Like the explorer, the page signs people in with the authorization-code flow and PKCE through the
client registered with the redirect URI `<issuer>/supervision` (`hub demo credentials` registers
one), and asks `supervision(...)` with the person's token: the API decides what each of the five
departments sees (docs/supervision.md).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.oauth.routes import AUTHORIZE_PATH, TOKEN_PATH
from hub.pages import common
from hub.supervision.text import DISTRICTS, TEXT

PATH = "/supervision"
HERE = Path(__file__).resolve().parent
ASSETS = common.assets(
    ("supervision.js", HERE / "static" / "supervision.js", "text/javascript"),
    ("supervision.css", HERE / "static" / "supervision.css", "text/css"),
    (
        "echarts.min.js",
        common.NODE_MODULES / "echarts" / "dist" / "echarts.min.js",
        "text/javascript",
    ),
)


async def page(request: Request) -> Response:
    lang = common.pick_language(request)
    client, uri = await common.sign_in_client(request, PATH)
    t = TEXT[lang]
    names = {code: pair[0 if lang == "zh" else 1] for code, pair in DISTRICTS.items()}
    return common.page(
        html_lang=t["html_lang"],
        title=t["title"],
        stylesheet=f"{PATH}/static/supervision.css",
        header=f"{common.switch(PATH, lang, t['switch'])}<h1>{escape(t['heading'])}</h1>"
        '<div id="account"></div>',
        config={
            "lang": lang,
            "text": t,
            "districts": names,
            "clientId": client.client_id if client else None,
            "scope": "graph:read",
            "redirectUri": uri,
            "authorize": AUTHORIZE_PATH,
            "token": TOKEN_PATH,
        },
        scripts=[f"{PATH}/static/{n}" for n in ("echarts.min.js", "hub.js", "supervision.js")],
    )


async def asset(request: Request) -> Response:
    return common.asset_response(ASSETS, request.path_params["name"])


def supervision_routes() -> list[Route]:
    return [
        Route(PATH, page, methods=["GET"]),
        Route(PATH + "/static/{name}", asset, methods=["GET"]),
    ]
