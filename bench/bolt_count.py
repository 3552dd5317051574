"""Bolt round trips per request: a counting TCP relay between the systems and Neo4j.

While the bench counts, the systems reach Neo4j through this relay (a `bolt://` URI to its port,
so no routing table sends them around it). A round trip is a turn of the conversation: the client
sends after the server has answered (or first on a new connection) and then waits for the server.
Messages a driver pipelines (RUN and PULL, BEGIN and RUN) travel in one turn and count once. The
relay adds latency, so the systems are timed without it, in a separate launch.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass


@dataclass
class _Turns:
    turns: int = 0


class BoltCounter:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.counted = _Turns()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="bolt-counter", daemon=True)
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self._relays: set[asyncio.Task[None]] = set()

    @property
    def turns(self) -> int:
        return self.counted.turns

    def __enter__(self) -> BoltCounter:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
                await self._server.wait_closed()
            for writer in list(self._open):
                writer.close()
            for task in list(self._relays):
                task.cancel()
            await asyncio.gather(*self._relays, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()  # every socket it served is closed: nothing is left to warn about

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def start() -> None:
            self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
            self.port = self._server.sockets[0].getsockname()[1]
            self._ready.set()

        self._loop.run_until_complete(start())
        self._loop.run_forever()

    async def _relay(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._relays.add(task)
        self._open.add(client_w)
        try:
            server_r, server_w = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_w.close()
            self._open.discard(client_w)
            self._relays.discard(task)
            return
        self._open.add(server_w)
        # "client" when the client spoke last, "server" when the server did.
        state = {"last": "server"}

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter, side: str) -> None:
            try:
                while data := await src.read(65536):
                    if side == "client" and state["last"] == "server":
                        self.counted.turns += 1
                    state["last"] = side
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                dst.close()

        try:
            await asyncio.gather(
                pump(client_r, server_w, "client"),
                pump(server_r, client_w, "server"),
                return_exceptions=True,
            )
        finally:
            for writer in (client_w, server_w):
                writer.close()
                self._open.discard(writer)
            self._relays.discard(task)
