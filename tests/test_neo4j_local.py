"""The local Neo4j manager: start, status, start again, stop, on an instance of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.neo4j_local import LocalNeo4j, new_password


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LocalNeo4j:
    monkeypatch.setenv("NEO4J_BOLT_PORT", "37687")
    monkeypatch.setenv("NEO4J_HTTP_PORT", "37474")
    monkeypatch.setenv("NEO4J_HEAP", "256m")
    monkeypatch.setenv("NEO4J_PAGECACHE", "64m")
    return LocalNeo4j("scratch", tmp_path)


@pytest.mark.neo4j  # starts a Neo4j server of its own
def test_start_status_restart_and_stop(scratch: LocalNeo4j) -> None:
    try:
        started = scratch.start(timeout_s=120)
        assert "started on bolt://127.0.0.1:37687" in started
        pid = scratch.pid()
        assert pid is not None
        assert "running" in scratch.status()
        assert len(scratch.password() or "") >= 24

        again = scratch.start()
        assert "already running" in again
        assert scratch.pid() == pid
    finally:
        stopped = scratch.stop()
    assert stopped.endswith("stopped")
    assert scratch.pid() is None
    assert not scratch.bolt_answers()
    assert "stopped" in scratch.status()
    assert scratch.stop().endswith("is not running")


def test_a_generated_password_is_strong_and_never_reads_as_an_option() -> None:
    passwords = [new_password() for _ in range(1000)]
    assert not any(p.startswith("-") for p in passwords)
    assert len(set(passwords)) == 1000
    assert all(len(p) == 48 for p in passwords)
