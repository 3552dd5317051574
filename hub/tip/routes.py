"""`/tip` (public, no sign-in): submit a tip and keep the claim code; later, with the code, see
the status, answer market regulation's questions and claim an approved reward.

The page sends no token, even where the browser holds one for another page, and stores nothing:
the claim code is shown once for the person to copy. Its script checks a code's check symbol
before any request and warns when the text holds an identity or phone number.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.pages import common
from hub.tip.text import TEXT

PATH = "/tip"
HERE = Path(__file__).resolve().parent
ASSETS = common.assets(
    ("tip.js", HERE / "static" / "tip.js", "text/javascript"),
    ("tip.css", HERE / "static" / "tip.css", "text/css"),
)


async def page(request: Request) -> Response:
    lang = common.pick_language(request)
    t = TEXT[lang]
    return common.page(
        html_lang=t["html_lang"],
        title=t["title"],
        stylesheet=f"{PATH}/static/tip.css",
        header=f"{common.switch(PATH, lang, t['switch'])}<h1>{escape(t['heading'])}</h1>",
        config={"lang": lang, "text": t},
        scripts=[f"{PATH}/static/hub.js", f"{PATH}/static/tip.js"],
    )


async def asset(request: Request) -> Response:
    return common.asset_response(ASSETS, request.path_params["name"])


def tip_routes() -> list[Route]:
    return [
        Route(PATH, page, methods=["GET"]),
        Route(PATH + "/static/{name}", asset, methods=["GET"]),
    ]
