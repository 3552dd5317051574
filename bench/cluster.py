"""Replicas behind a real balancer: hub processes, HAProxy (Debian's) terminating TLS with a
certificate made here, and a bounded W8-like mix through it.

Shared by the scale-out test (which asserts behaviours) and `make scale-demo` (which measures
one replica, two replicas and one replica with two workers side by side).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bench.children import die_with_parent

HAPROXY = "/usr/sbin/haproxy"

W1 = """query W1($code: String!) { cylinder(code: $code) {
  code status model nextInspection owner { uscc name } location { householdId district street }
  fillings(first: 3) { edges { node { eventId time quantityKg station { name } } } }
  deliveries(first: 3) { edges { node { eventId time vehicle { plate } } } } } }"""
LIST = "{ cylinders(first: 10) { totalCount edges { node { code status } } } }"
FILLINGS = (
    "mutation($items: [FillingInput!]!) { recordFillings(items: $items) "
    "{ written failed results { ok id errors { field code message } } } }"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- TLS -------------------------------------------------------------------------------------


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A throwaway CA and a server certificate for 127.0.0.1 / localhost it signed; returns
    (the CA's PEM for clients, the server's certificate and key in one PEM for HAProxy)."""
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hub test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    alt = x509.SubjectAlternativeName(
        [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    )
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(alt, critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, bundle = folder / "ca.pem", folder / "server.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    bundle.write_bytes(server.public_bytes(serialization.Encoding.PEM) + key_pem)
    bundle.chmod(0o600)
    return ca_file, bundle


# --- processes -------------------------------------------------------------------------------


@dataclass
class Process:
    """A child in its own session, so that a kill reaches its workers too."""

    name: str
    popen: subprocess.Popen[bytes]

    def kill(self) -> None:
        """SIGKILL: the replica dies mid-request, as a crashed pod would."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def stop(self, timeout_s: float = 20.0) -> int:
        """SIGTERM, as Kubernetes or systemd stops it; SIGKILL past the timeout."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.kill()
        return int(self.popen.returncode or 0)


def _spawn(name: str, cmd: list[str], env: dict[str, str], log: Path) -> Process:
    with log.open("ab") as out:
        popen = subprocess.Popen(
            cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=die_with_parent,
        )  # fmt: skip
    return Process(name, popen)


def start_hub(port: int, env: dict[str, str], log: Path, workers: int = 1) -> Process:
    cmd = [sys.executable, "-m", "hub.cli", "serve", "--port", str(port), "--workers", str(workers)]
    return _spawn(f"hub:{port}", cmd, {**os.environ, **env}, log)


def haproxy_config(port: int, bundle: Path, backends: dict[str, int]) -> str:
    """TLS (and HTTP/2) at the front; round robin over the hubs, each health-checked on
    /readyz every 300 ms; a request whose connection is refused goes to another replica."""
    servers = "\n".join(
        f"  server {name} 127.0.0.1:{p} check inter 500ms fall 2 rise 1"
        for name, p in backends.items()
    )
    return f"""global
  maxconn 512
defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  timeout check 2s
  retries 3
  option redispatch 1
  retry-on conn-failure
frontend hubs_tls
  bind 127.0.0.1:{port} ssl crt {bundle} alpn h2,http/1.1
  default_backend hubs
backend hubs
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  http-response set-header X-Served-By %s
{servers}
"""


def start_haproxy(folder: Path, port: int, bundle: Path, backends: dict[str, int]) -> Process:
    config = folder / "haproxy.cfg"
    config.write_text(haproxy_config(port, bundle, backends))
    check = subprocess.run([HAPROXY, "-c", "-q", "-f", str(config)], check=False)
    if check.returncode != 0:
        raise RuntimeError(f"HAProxy refused {config}")
    return _spawn("haproxy", [HAPROXY, "-db", "-f", str(config)], dict(os.environ),
                  folder / "haproxy.log")  # fmt: skip


NGINX = "/usr/sbin/nginx"


def start_nginx(folder: Path, server_conf: str) -> Process:
    """Debian's nginx in the foreground with `server_conf` (deploy/nginx/hub.conf with local
    ports and paths) as its `http {}` content; `nginx -t` first."""
    (folder / "hub.conf").write_text(server_conf)
    temp = "".join(f"{k}_temp_path {folder}/{k};"
                   for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))  # fmt: skip
    (folder / "nginx.conf").write_text(
        f"daemon off; user root; worker_processes 1; pid {folder}/nginx.pid;"
        f"error_log {folder}/error.log; events {{}} http {{ access_log off; {temp}"
        f"include {folder}/hub.conf; }}"
    )
    command = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    if checked.returncode != 0:
        raise RuntimeError(f"nginx refused the configuration: {checked.stderr}")
    return _spawn("nginx", command, dict(os.environ), folder / "nginx.log")


async def wait_ready(url: str, seconds: float = 60.0, verify: Any = True) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=url, verify=verify, timeout=2.0) as http:
        while time.monotonic() < deadline:
            try:
                if (await http.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} was not ready within {seconds:.0f} s")


# --- the mix ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    started: float
    ended: float
    status: int | None  # None: the request failed at the transport (reset, refused)
    served_by: str | None
    kind: str
    detail: str = ""  # what went wrong, for a failing test's message

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class Mix:
    """85 % cylinder reads (W1), 10 % lists, 5 % one-filling writes at the station, each as a
    caller of its own (the per-client limit is tested apart)."""

    codes: list[str]
    station: str
    filler: str
    write_codes: list[str]
    new_event_id: Callable[[], str]
    time_text: Callable[[], str]
    sent: int = 0
    event_ids: list[str] = field(default_factory=list)

    def next(self) -> tuple[str, dict[str, str], dict[str, Any]]:
        i = self.sent
        self.sent += 1
        slot = i % 20
        if slot == 0 and self.write_codes:
            return "write", self._writer(i), {"query": FILLINGS, "variables": {"items": [
                self._filling(i)]}}  # fmt: skip
        reader = {"X-Hub-Principal": f"role=market; sub=mix-{i}"}
        if slot in (1, 2):
            return "list", reader, {"query": LIST}
        return "read", reader, {"query": W1, "variables": {"code": self.codes[i % len(self.codes)]}}

    def _writer(self, i: int) -> dict[str, str]:
        claims = f"role=enterprise; enterprise={self.station}; sub=mix-w-{i % 7}"
        return {"X-Hub-Principal": claims + "; scopes=graph:read graph:write"}

    def _filling(self, i: int) -> dict[str, Any]:
        event_id = self.new_event_id()
        self.event_ids.append(event_id)
        code = self.write_codes[i % len(self.write_codes)]
        return {"eventId": event_id, "cylinder": code, "time": self.time_text(),
                "quantityKg": 14.9, "filler": self.filler}  # fmt: skip


async def run_mix(
    http: httpx.AsyncClient,
    mix: Mix,
    seconds: float,
    concurrency: int,
    at: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """`concurrency` callers in a closed loop for `seconds`; `at(outcome)` is told of each
    finished request (the test kills a replica from there)."""
    outcomes: list[Outcome] = []
    begin = time.monotonic()

    async def caller() -> None:
        while time.monotonic() - begin < seconds:
            kind, headers, body = mix.next()
            started = time.monotonic() - begin
            status: int | None
            try:
                response = await http.post("/graphql", json=body, headers=headers)
                status = response.status_code
                answer = response.json() if status == 200 else {}
                if answer.get("errors") or (kind == "write" and not _written(answer)):
                    status = 299  # an answer with errors counts as a failure too
                    detail = json.dumps(answer)[:300]
                served = response.headers.get("x-served-by")
                detail = response.text[:300] if status != 200 else ""
            except httpx.TransportError as exc:
                status, served, detail = None, None, type(exc).__name__
            ended = time.monotonic() - begin
            outcomes.append(Outcome(started, ended, status, served, kind, detail))
            if at is not None:
                at(outcomes[-1])

    await asyncio.gather(*(caller() for _ in range(concurrency)))
    return outcomes


def _written(answer: dict[str, Any]) -> bool:
    data = answer.get("data") or {}
    return bool(data.get("recordFillings", {}).get("written") == 1)


@contextmanager
def processes() -> Iterator[list[Process]]:
    """Everything started inside is stopped on the way out, whatever happened."""
    started: list[Process] = []
    with ExitStack() as stack:
        stack.callback(lambda: [p.stop(5.0) for p in reversed(started)])
        yield started
