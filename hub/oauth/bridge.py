"""What the grants and endpoints use of the authorization server (hub/oauth/oauth_server.py):
its token checks, its clock, and the bridge from authlib's worker thread to the graph on the
event loop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from hub.clock import Clock
from hub.graph.driver import Work
from hub.oauth.status import StatusCache
from hub.oauth.tokens import TokenVerifier

T = TypeVar("T")


class ServerBridge(Protocol):
    verifier: TokenVerifier
    status: StatusCache

    @property
    def clock(self) -> Clock: ...

    def read(self, work: Work[..., T], *args: Any) -> T: ...
    def write(self, work: Work[..., T], *args: Any) -> T: ...
    def on_loop(self, func: Callable[..., object], *args: Any) -> None: ...
