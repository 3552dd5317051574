# ruff: noqa: RUF001  (Chinese text uses full-width punctuation on purpose)
"""The console's words, in Simplified Chinese (default) and English."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "html_lang": "zh-CN",
        "title": "接口控制台 · 福州安全追溯数据枢纽",
        "heading": "接口控制台",
        "switch": "English",
        "sign_in": "登录",
        "sign_out": "退出",
        "signed_in_as": "当前身份：",
        "signed_out": "未登录：登录后以您本人的角色运行查询（查看接口结构也需要登录）。",
        "no_client": "尚未为控制台登记登录客户端（运行 hub demo credentials）。",
        "error": "出错：",
    },
    "en": {
        "html_lang": "en",
        "title": "Console · Fuzhou safety traceability hub",
        "heading": "Console",
        "switch": "中文",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "signed_in_as": "Signed in as: ",
        "signed_out": "Not signed in: sign in to run queries as your own role (the schema too "
        "needs a token).",
        "no_client": "No sign-in client is registered for the console (run hub demo credentials).",
        "error": "Error: ",
    },
}
