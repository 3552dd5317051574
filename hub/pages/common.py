"""What the hub's pages share: their security headers, the browser assets from the project's own
npm install (hub/pages/node_modules, made by `npm ci` in the Makefile, pinned by
hub/pages/package-lock.json; nothing from a CDN), the page shell with its JSON config element, and
the sign-in client a page finds by its redirect URI.

A signed-in page is a public client of the hub's own authorization server: it signs people in with
the authorization-code flow and PKCE (static/hub.js) through the client registered with the
redirect URI `<issuer><page path>` (`hub demo credentials` registers one per page).
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from hub.oauth import registry
from hub.oauth.models import OAuthClient
from hub.oauth.pages import pick_language
from hub.oauth.service import OAuth

__all__ = ["pick_language"]

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
STATIC = HERE / "static"
HUB_JS = ("hub.js", STATIC / "hub.js", "text/javascript")
SCAN_JS = ("scan.js", STATIC / "scan.js", "text/javascript")
ZXING = (
    "zxing-browser.min.js",
    NODE_MODULES / "@zxing" / "browser" / "umd" / "zxing-browser.min.js",
    "text/javascript",
)

HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self' data:; "
    "media-src 'self' blob:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}

Assets = dict[str, tuple[Path, str]]


def assets(*entries: tuple[str, Path, str]) -> Assets:
    """A page's assets by the name it serves them under: hub.js and the given ones."""
    return {name: (path, media) for name, path, media in (HUB_JS, *entries)}


def asset_response(table: Assets, name: str) -> Response:
    found = table.get(name)
    if found is None or not found[0].is_file():
        return Response("not found", status_code=404, media_type="text/plain")
    return FileResponse(found[0], media_type=found[1], headers={"Cache-Control": "no-cache"})


def redirect_uri(issuer: str, path: str) -> str:
    return issuer.rstrip("/") + path


async def sign_in_client(request: Request, path: str) -> tuple[OAuthClient | None, str]:
    """The enabled client registered with this page's redirect URI (or None), and that URI."""
    oauth: OAuth = request.app.state.oauth
    uri = redirect_uri(oauth.settings.hub_issuer, path)
    clients = await oauth.graph.read(registry.list_clients)
    return next((c for c in clients if c.enabled and uri in c.redirect_uris), None), uri


def switch(path: str, lang: str, label: str) -> str:
    other = "en" if lang == "zh" else "zh"
    return f'<a class="switch" href="{path}?lang={other}">{escape(label)}</a>'


def page(
    *,
    html_lang: str,
    title: str,
    stylesheet: str,
    header: str,
    config: dict[str, Any],
    scripts: list[str],
    main: str = '<main id="app"></main>',
) -> HTMLResponse:
    """The shell of a page: its header, an empty main its script fills, and its config as JSON
    in a non-executed script element (`</` cannot close it early)."""
    data = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    html = (
        f'<!doctype html><html lang="{html_lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<title>{escape(title)}</title><link rel="stylesheet" href="{stylesheet}"></head>'
        f"<body><header>{header}</header>{main}"
        f'<script type="application/json" id="config">{data}</script>'
        + "".join(f'<script src="{src}"></script>' for src in scripts)
        + "</body></html>"
    )
    return HTMLResponse(html, headers=HEADERS)
