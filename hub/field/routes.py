"""`/field`: the page, its script and style, and ZXing from the project's own npm install
(hub/pages/common.py). The page signs people in through the client registered with the redirect
URI `<issuer>/field` (`hub demo credentials` registers one) and calls /graphql with the person's
token: `cylinder` and `traceCylinder` to read, `recordInspections` and `setCylinderStatus` to
write. Only the market role may use it (the API enforces that; the page says so)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.field.text import TEXT
from hub.oauth.routes import AUTHORIZE_PATH, TOKEN_PATH
from hub.pages import common

PATH = "/field"
HERE = Path(__file__).resolve().parent
ASSETS = common.assets(
    ("field.js", HERE / "static" / "field.js", "text/javascript"),
    ("field.css", HERE / "static" / "field.css", "text/css"),
    common.ZXING,
    common.SCAN_JS,
)
SCRIPTS = ("zxing-browser.min.js", "hub.js", "scan.js", "field.js")


async def page(request: Request) -> Response:
    lang = common.pick_language(request)
    client, uri = await common.sign_in_client(request, PATH)
    t = TEXT[lang]
    return common.page(
        html_lang=t["html_lang"],
        title=t["title"],
        stylesheet=f"{PATH}/static/field.css",
        header=f"{common.switch(PATH, lang, t['switch'])}<h1>{escape(t['heading'])}</h1>"
        '<div id="account"></div>',
        config={
            "lang": lang,
            "text": t,
            "clientId": client.client_id if client else None,
            "scope": "graph:read graph:write",
            "redirectUri": uri,
            "authorize": AUTHORIZE_PATH,
            "token": TOKEN_PATH,
        },
        scripts=[f"{PATH}/static/{n}" for n in SCRIPTS],
    )


async def asset(request: Request) -> Response:
    return common.asset_response(ASSETS, request.path_params["name"])


def field_routes() -> list[Route]:
    return [
        Route(PATH, page, methods=["GET"]),
        Route(PATH + "/static/{name}", asset, methods=["GET"]),
    ]
