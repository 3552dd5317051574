# ruff: noqa: RUF001  (Chinese text uses full-width punctuation on purpose)
"""The sign-in page and the code page, in Simplified Chinese by default and English on request
(`?lang=en`, or `Accept-Language` preferring English). Every value shown is HTML-escaped."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "html_lang": "zh-CN",
        "title": "登录 · 福州安全追溯数据枢纽",
        "heading": "登录数据枢纽",
        "asks": "「{client}」请求以您的身份访问，权限：{scopes}",
        "username": "用户名",
        "password": "密码",
        "submit": "登录并授权",
        "bad_login": "用户名或密码不正确。",
        "throttled": "失败次数过多，请 {seconds} 秒后再试。",
        "error_title": "无法登录",
        "switch": "English",
        "code_title": "授权码",
        "code_help": "请将下面的授权码和您的 code_verifier 一起提交到 /oauth/token"
        "（五分钟内有效，仅可使用一次）。",
        "state": "state",
        "denied": "授权未完成：{error}",
    },
    "en": {
        "html_lang": "en",
        "title": "Sign in · Fuzhou safety traceability hub",
        "heading": "Sign in to the hub",
        "asks": "“{client}” asks to act on your behalf with: {scopes}",
        "username": "Username",
        "password": "Password",
        "submit": "Sign in and allow",
        "bad_login": "Wrong username or password.",
        "throttled": "Too many failed attempts; try again in {seconds} seconds.",
        "error_title": "Cannot sign in",
        "switch": "中文",
        "code_title": "Authorization code",
        "code_help": "Send this code with your code_verifier to /oauth/token "
        "(valid five minutes, once).",
        "state": "state",
        "denied": "The authorization did not complete: {error}",
    },
}

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}

_STYLE = (
    "body{font-family:system-ui,'PingFang SC','Microsoft YaHei',sans-serif;max-width:26rem;"
    "margin:4rem auto;padding:0 1rem;color:#1f2933}label{display:block;margin:.8rem 0 .2rem}"
    "input{width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1rem;padding:.6rem;"
    "width:100%}.error{color:#b00020}.switch{float:right;font-size:.9rem}code{word-break:break-all}"
)


def pick_language(request: Request) -> str:
    chosen = request.query_params.get("lang")
    if chosen in TEXT:
        return chosen
    best, best_q = "zh", 0.0
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, q = part.strip().partition(";q=")
        lang = tag.strip().lower()[:2]
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        if lang in TEXT and weight > best_q:
            best, best_q = lang, weight
    return best


def _switch_link(request: Request, lang: str) -> str:
    other = "en" if lang == "zh" else "zh"
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    href = request.url.path + "?" + urlencode([*params, ("lang", other)])
    return f'<a class="switch" href="{escape(href)}">{TEXT[lang]["switch"]}</a>'


def _page(lang: str, title: str, body: str, status: int) -> HTMLResponse:
    t = TEXT[lang]
    html = (
        f'<!doctype html><html lang="{t["html_lang"]}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def sign_in_page(
    request: Request,
    lang: str,
    client_name: str,
    scopes: str,
    error: str | None = None,
    status: int = 200,
    username: str = "",
) -> HTMLResponse:
    t = TEXT[lang]
    action = request.url.path + ("?" + request.url.query if request.url.query else "")
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    body = (
        f"{_switch_link(request, lang)}<h1>{t['heading']}</h1>"
        f"<p>{escape(t['asks'].format(client=client_name, scopes=scopes or '-'))}</p>{message}"
        f'<form method="post" action="{escape(action)}">'
        f'<label for="username">{t["username"]}</label>'
        f'<input id="username" name="username" autocomplete="username" required '
        f'value="{escape(username)}">'
        f'<label for="password">{t["password"]}</label>'
        f'<input id="password" name="password" type="password" '
        f'autocomplete="current-password" required>'
        f'<button type="submit">{t["submit"]}</button></form>'
    )
    return _page(lang, t["title"], body, status)


def error_page(request: Request, lang: str, description: str, status: int = 400) -> HTMLResponse:
    t = TEXT[lang]
    body = (
        f"{_switch_link(request, lang)}<h1>{t['error_title']}</h1>"
        f'<p class="error">{escape(description)}</p>'
    )
    return _page(lang, t["error_title"], body, status)


def code_page(request: Request, lang: str) -> HTMLResponse:
    """Where the demo sign-in client lands: shows the code, for a person finishing the flow with
    curl. A real client (the explorer) redeems the code itself."""
    t = TEXT[lang]
    params = request.query_params
    if "code" not in params:
        error = params.get("error_description") or params.get("error") or "-"
        return error_page(request, lang, t["denied"].format(error=error))
    state = params.get("state")
    body = (
        f"{_switch_link(request, lang)}<h1>{t['code_title']}</h1><p>{t['code_help']}</p>"
        f"<p><code id='code'>{escape(params['code'])}</code></p>"
        + (f"<p>{t['state']}: <code>{escape(state)}</code></p>" if state else "")
    )
    return _page(lang, t["code_title"], body, 200)
