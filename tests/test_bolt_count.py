"""The bench's round-trip relay (bench/bolt_count.py), against a small echo server: a turn of the
conversation counts once, each relay counts only its own connections, and it closes cleanly."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from bench.bolt_count import BoltCounter


@pytest.fixture
def echo() -> Iterator[int]:
    server = socket.create_server(("127.0.0.1", 0))
    port = int(server.getsockname()[1])

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                while data := conn.recv(65536):
                    conn.sendall(data)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield port
    server.close()


def _turns(port: int, messages: list[bytes]) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        for message in messages:
            sock.sendall(message)
            got = b""
            while len(got) < len(message):
                got += sock.recv(65536)
            assert got == message


def test_each_relay_counts_the_turns_of_its_own_connections_only(echo: int) -> None:
    with BoltCounter("127.0.0.1", echo) as one, BoltCounter("127.0.0.1", echo) as other:
        _turns(one.port, [b"BEGIN", b"RUN PULL", b"COMMIT"])
        _turns(other.port, [b"RUN PULL"])
        assert (one.turns, other.turns) == (3, 1)
    # Leaving the block closed every socket and the relay's loop (the suite turns a
    # ResourceWarning into an error).
