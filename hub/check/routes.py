"""`/check` (public, no sign-in): the page, its script and style, ZXing from the project's own npm
install, and `GET /check/label/{code}.svg`, a QR label encoding the page's URL for one code.

The page asks /graphql (`verifyCylinder` and `publicTrace` in one request), so every check is
rate-limited there like every public call; the label route has the same per-address limit.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.check import labels
from hub.check.text import TEXT
from hub.config import Settings
from hub.errors import BadUserInput
from hub.pages import common
from hub.ratelimit import RateLimiter
from hub.resolvers.public import normalized_code
from hub.sharedstore import WindowStore

PATH = labels.CHECK_PATH
TIP_PATH = "/tip"  # the whistleblowers' page, linked once it exists
HERE = Path(__file__).resolve().parent
ASSETS = common.assets(
    ("check.js", HERE / "static" / "check.js", "text/javascript"),
    ("check.css", HERE / "static" / "check.css", "text/css"),
    common.ZXING,
    common.SCAN_JS,
)


def _has_route(request: Request, path: str) -> bool:
    return any(getattr(r, "path", None) == path for r in request.app.routes)


async def page(request: Request) -> Response:
    lang = common.pick_language(request)
    t = TEXT[lang]
    return common.page(
        html_lang=t["html_lang"],
        title=t["title"],
        stylesheet=f"{PATH}/static/check.css",
        header=f"{common.switch(PATH, lang, t['switch'])}<h1>{escape(t['heading'])}</h1>",
        config={
            "lang": lang,
            "text": t,
            "tip": TIP_PATH if _has_route(request, TIP_PATH) else None,
        },
        scripts=[
            f"{PATH}/static/{n}" for n in ("zxing-browser.min.js", "hub.js", "scan.js", "check.js")
        ],
    )


async def asset(request: Request) -> Response:
    return common.asset_response(ASSETS, request.path_params["name"])


class LabelRoute:
    """`GET /check/label/{code}.svg`: no lookup (a label for an unknown code checks as not
    registered); refused when the value cannot be a code; limited per client address."""

    def __init__(self, settings: Settings) -> None:
        # Counted apart from /graphql's (its own namespace), in Redis when replicas share one.
        store = WindowStore(settings.hub_redis_url, namespace="hub-labels")
        self.limiter = RateLimiter(
            settings.hub_rate_limit_per_min, settings.hub_rate_limit_burst, store
        )
        self.base = settings.hub_issuer

    async def handle(self, request: Request) -> Response:
        host = request.client.host if request.client else "unknown"
        wait = await self.limiter.retry_after("ip:" + host)
        if wait:
            body = {"error": f"rate limit reached: retry after {wait} s", "code": "LIMIT_EXCEEDED"}
            return JSONResponse(body, status_code=429, headers={"Retry-After": str(wait)})
        try:
            code = normalized_code(request.path_params["code"], "code")
        except BadUserInput as exc:
            return JSONResponse({"error": exc.message, "code": "BAD_USER_INPUT"}, status_code=400)
        return Response(
            labels.label_svg(self.base, code),
            media_type="image/svg+xml",
            headers={
                "Cache-Control": "public, max-age=86400",
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            },
        )


def check_routes(settings: Settings) -> list[Route]:
    return [
        Route(PATH, page, methods=["GET"]),
        Route(PATH + "/static/{name}", asset, methods=["GET"]),
        Route(PATH + "/label/{code}.svg", LabelRoute(settings).handle, methods=["GET"]),
    ]
