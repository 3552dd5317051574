"""A project-managed local Redis (Debian's `redis-server`): the shared store of rate limits and
throttles for `make run`, `make test` and the scale-out test, like the local Neo4j.

Each instance has its own port and folder under the state directory; it binds the loopback
address only and keeps nothing on disk (the counts it holds are minutes long).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

INSTANCE_PORTS = {"dev": 6390, "test": 26379}


class RedisError(RuntimeError):
    """A local Redis could not be started or stopped; the message says what to do."""


@dataclass(frozen=True)
class LocalRedis:
    instance: str
    state_root: Path
    port_override: int | None = None

    @property
    def home(self) -> Path:
        return self.state_root / "redis" / self.instance

    @property
    def port(self) -> int:
        if self.port_override is not None:
            return self.port_override
        return int(os.environ.get("HUB_REDIS_PORT", INSTANCE_PORTS.get(self.instance, 26379)))

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid_file(self) -> Path:
        return self.home / "redis.pid"

    @property
    def log_file(self) -> Path:
        return self.home / "redis.log"

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, ProcessLookupError):
            return None
        return pid

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self, timeout_s: float = 10.0) -> str:
        if self.pid() is not None and self.answers():
            return f"Redis ({self.instance}) already running on {self.url}"
        server = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(server).exists():
            raise RedisError("redis-server is not installed; `make server-deps` installs it")
        self.home.mkdir(parents=True, exist_ok=True)
        cmd = [
            server, "--port", str(self.port), "--bind", "127.0.0.1", "--protected-mode", "yes",
            "--dir", str(self.home), "--save", "", "--appendonly", "no",
            "--daemonize", "yes", "--pidfile", str(self.pid_file), "--logfile", str(self.log_file),
        ]  # fmt: skip
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RedisError(f"redis-server did not start: {result.stdout}{result.stderr}")
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.answers():
                return f"Redis ({self.instance}) started on {self.url} (pid {self.pid()})"
            time.sleep(0.1)
        raise RedisError(
            f"Redis ({self.instance}) did not answer on {self.url}; see {self.log_file}"
        )

    def stop(self, timeout_s: float = 10.0) -> str:
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return f"Redis ({self.instance}) is not running"
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and self.pid() is not None:
            time.sleep(0.05)
        if self.pid() is not None:
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return f"Redis ({self.instance}) stopped"

    def status(self) -> str:
        state = "running" if self.pid() is not None and self.answers() else "stopped"
        return f"Redis ({self.instance}): {state} on {self.url}"
