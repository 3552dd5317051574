"""`/console`: GraphiQL, its React, and their styles from the project's own npm install
(hub/pages/package-lock.json pins them; nothing from a CDN), with a sign-in button.

The console is a public client of the hub's own authorization server, like the explorer: it
signs a person in with the authorization-code flow and PKCE through the sign-in client
registered with the redirect URI `<issuer>/console` (`hub demo credentials` registers one), and
GraphiQL sends the person's token with every request, so a developer explores the schema and
runs queries as their own role. Without a token it can do nothing: introspection needs one too.
`HUB_GRAPHIQL=false` turns it off; a browser's `GET /graphql` is sent here while it is on.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from hub.console.text import TEXT
from hub.oauth.routes import AUTHORIZE_PATH, TOKEN_PATH
from hub.pages import common

PATH = "/console"
HERE = Path(__file__).resolve().parent
NPM = common.NODE_MODULES
ASSETS = common.assets(
    ("console.js", HERE / "static" / "console.js", "text/javascript"),
    ("console.css", HERE / "static" / "console.css", "text/css"),
    ("graphiql.min.css", NPM / "graphiql" / "graphiql.min.css", "text/css"),
    ("graphiql.min.js", NPM / "graphiql" / "graphiql.min.js", "text/javascript"),
    ("react.min.js", NPM / "react" / "umd" / "react.production.min.js", "text/javascript"),
    (
        "react-dom.min.js",
        NPM / "react-dom" / "umd" / "react-dom.production.min.js",
        "text/javascript",
    ),
)
SCRIPTS = ("react.min.js", "react-dom.min.js", "graphiql.min.js", "hub.js", "console.js")


async def page(request: Request) -> Response:
    lang = common.pick_language(request)
    client, uri = await common.sign_in_client(request, PATH)
    t = TEXT[lang]
    return common.page(
        html_lang=t["html_lang"],
        title=t["title"],
        stylesheet=f"{PATH}/static/console.css",
        header=f"{common.switch(PATH, lang, t['switch'])}<h1>{escape(t['heading'])}</h1>"
        '<div id="account"></div>',
        config={
            "lang": lang,
            "text": t,
            "clientId": client.client_id if client else None,
            "scope": "graph:read investigate",
            "redirectUri": uri,
            "authorize": AUTHORIZE_PATH,
            "token": TOKEN_PATH,
        },
        scripts=[f"{PATH}/static/{n}" for n in SCRIPTS],
        main='<main id="app"><div id="graphiql"></div></main>',
    )


async def asset(request: Request) -> Response:
    return common.asset_response(ASSETS, request.path_params["name"])


class BrowserToConsole:
    """In front of /graphql: a browser's GET (it asks for HTML) goes to the console; every
    other request goes on to `app`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            accept = Request(scope).headers.get("accept", "")
            if "text/html" in accept:
                await RedirectResponse(PATH, status_code=303)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def console_routes() -> list[Route]:
    return [
        Route(PATH, page, methods=["GET"]),
        Route(PATH + "/static/{name}", asset, methods=["GET"]),
    ]
