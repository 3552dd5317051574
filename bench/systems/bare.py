"""The HTTP ceiling: a Starlette JSON endpoint that parses the request and answers a constant."""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

ANSWER = {"data": {"ok": True}}


async def endpoint(request: Request) -> JSONResponse:
    json.loads(await request.body())
    return JSONResponse(ANSWER)


app = Starlette(routes=[Route("/", endpoint, methods=["POST"])])
