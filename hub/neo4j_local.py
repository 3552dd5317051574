"""A project-managed Neo4j Community server: fetched with Maven, started from its jars.

Maven Central serves Neo4j 5.26 as jars (`org.neo4j:neo4j`) but not as the unix tarball, so there is
no `bin/neo4j` launcher here. We start `org.neo4j.server.CommunityEntryPoint` ourselves with the JVM
options that launcher would pass (its default `server.jvm.additional`), and set the initial password
with `org.neo4j.cli.AdminTool`, the class behind `neo4j-admin`.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from string import Template

from hub.config import PROJECT_ROOT

NEO4J_VERSION = "5.26.30"
POM = PROJECT_ROOT / "deploy" / "neo4j" / "pom.xml"
CONF_TEMPLATE = PROJECT_ROOT / "deploy" / "neo4j" / "neo4j.conf.template"
DIST_DIR = PROJECT_ROOT / ".neo4j" / NEO4J_VERSION

# What the official launcher adds to every server JVM (Neo4j 5.26 default server.jvm.additional).
JVM_OPTIONS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+AlwaysPreTouch",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
]

# Each instance has its own ports and folder, so `make test` can run beside `make run`.
# "perf" is `make bench`'s own server for side-by-side measurements (bench/run.py).
INSTANCE_PORTS = {
    "dev": (7687, 7474),
    "test": (17687, 17474),
    "bench": (27687, 27474),
    "perf": (57687, 57474),
}
DEFAULT_MEMORY = {
    "dev": ("2g", "2g"),
    "test": ("1g", "512m"),
    "bench": ("4g", "6g"),
    "perf": ("2g", "1g"),
}


class Neo4jError(RuntimeError):
    """A local server could not be fetched, started or stopped; the message says what to do."""


@dataclass(frozen=True)
class LocalNeo4j:
    instance: str
    state_root: Path

    @property
    def home(self) -> Path:
        return self.state_root / "neo4j" / self.instance

    @property
    def conf_dir(self) -> Path:
        return self.home / "conf"

    @property
    def log_file(self) -> Path:
        return self.home / "logs" / "neo4j.log"

    @property
    def console_log(self) -> Path:
        return self.home / "logs" / "console.log"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "neo4j.pid"

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    @property
    def ports(self) -> tuple[int, int]:
        bolt, http = INSTANCE_PORTS.get(self.instance, (7687, 7474))
        return int(os.environ.get("NEO4J_BOLT_PORT", bolt)), int(
            os.environ.get("NEO4J_HTTP_PORT", http)
        )

    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.ports[0]}"

    def password(self) -> str | None:
        return self.password_file.read_text().strip() if self.password_file.exists() else None

    # --- fetch -----------------------------------------------------------------------------

    @property
    def lib_dir(self) -> Path:
        return DIST_DIR / "lib"

    def is_fetched(self) -> bool:
        return (self.lib_dir / f"neo4j-{NEO4J_VERSION}.jar").exists()

    def fetch(self) -> None:
        if self.is_fetched():
            return
        if shutil.which("mvn") is None:
            raise Neo4jError("Maven (mvn) is needed to fetch Neo4j; install it and Java 17")
        print(f"Fetching Neo4j Community {NEO4J_VERSION} with Maven into {DIST_DIR} ...")  # noqa: T201
        cmd = ["mvn", "-q", "-B", "-f", str(POM), "package", f"-Dneo4j.version={NEO4J_VERSION}"]
        if subprocess.run(cmd, check=False).returncode != 0 or not self.is_fetched():
            raise Neo4jError(f"Maven could not fetch Neo4j {NEO4J_VERSION}; see the output above")

    # --- life cycle ------------------------------------------------------------------------

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        return pid

    def bolt_answers(self) -> bool:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            return sock.connect_ex(("127.0.0.1", self.ports[0])) == 0

    def start(self, timeout_s: float = 120.0) -> str:
        """Start the server and wait for Bolt; a no-op when it already runs."""
        if self.pid() is not None and self.bolt_answers():
            return f"Neo4j ({self.instance}) already running on {self.bolt_uri}"
        if self.bolt_answers():
            raise Neo4jError(
                f"port {self.ports[0]} is taken by another process; stop it or set NEO4J_BOLT_PORT"
            )
        self.fetch()
        self._write_config()
        if self.password() is None:
            self._set_initial_password()
        self.console_log.parent.mkdir(parents=True, exist_ok=True)
        log_offset = self.log_file.stat().st_size if self.log_file.exists() else 0
        heap = self._memory()[0]
        cmd = [
            _java(),
            f"-Xms{heap}",
            f"-Xmx{heap}",
            *JVM_OPTIONS,
            "-cp",
            # The server's jars first: a plugin that bundles an older copy of a library the
            # server also ships (APOC 5.26.5 and commons-lang3) must not shadow it.
            f"{self.lib_dir}/*:{self.home / 'plugins'}/*",
            "org.neo4j.server.CommunityEntryPoint",
            f"--home-dir={self.home}",
            f"--config-dir={self.conf_dir}",
        ]
        # A detached server (its own session), not a Popen child: it outlives this command.
        out = os.open(self.console_log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            pid = os.posix_spawn(
                cmd[0], cmd, os.environ,
                file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_DUP2, out, 1),
                    (os.POSIX_SPAWN_DUP2, out, 2),
                ],
                setsid=True,
            )  # fmt: skip
        finally:
            os.close(out)
        self.pid_file.parent.mkdir(parents=True, exist_ok=True)
        self.pid_file.write_text(str(pid))
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not _alive(pid):
                raise Neo4jError(
                    f"Neo4j ({self.instance}) exited while starting; "
                    f"see {self.log_file} and {self.console_log}"
                )
            if self.bolt_answers() and self._log_says_started(log_offset):
                return f"Neo4j ({self.instance}) started on {self.bolt_uri} (pid {pid})"
            time.sleep(0.25)
        raise Neo4jError(
            f"Neo4j ({self.instance}) did not answer on {self.bolt_uri} within {timeout_s:.0f} s; "
            f"see {self.log_file}"
        )

    def stop(self, timeout_s: float = 60.0) -> str:
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return f"Neo4j ({self.instance}) is not running"
        os.kill(pid, signal.SIGTERM)  # the server shuts down cleanly on SIGTERM
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.2)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
            self.pid_file.unlink(missing_ok=True)
            return f"Neo4j ({self.instance}) did not stop within {timeout_s:.0f} s and was killed"
        self.pid_file.unlink(missing_ok=True)
        return f"Neo4j ({self.instance}) stopped"

    def status(self) -> str:
        pid = self.pid()
        http = self.ports[1]
        state = f"running (pid {pid})" if pid is not None and self.bolt_answers() else "stopped"
        return "\n".join(
            [
                f"Neo4j {NEO4J_VERSION} ({self.instance}): {state}",
                f"  bolt:  {self.bolt_uri}",
                f"  http:  http://127.0.0.1:{http}",
                f"  home:  {self.home}",
                f"  logs:  {self.log_file}",
                f"  fetched: {'yes' if self.is_fetched() else 'no'} ({DIST_DIR})",
            ]
        )

    def prepare(self) -> None:
        """Fetch, configure and set the initial password of a new instance without starting it
        (a restore loads a dump into it before its first start)."""
        self.fetch()
        self._write_config()
        if self.password() is None:
            self._set_initial_password()

    def wipe(self) -> None:
        """Remove the instance's data (it must be stopped); used for throwaway test servers."""
        if self.pid() is not None:
            raise Neo4jError(f"stop Neo4j ({self.instance}) before wiping it")
        shutil.rmtree(self.home, ignore_errors=True)

    # --- helpers ---------------------------------------------------------------------------

    def _memory(self) -> tuple[str, str]:
        heap, pagecache = DEFAULT_MEMORY.get(self.instance, ("1g", "1g"))
        return os.environ.get("NEO4J_HEAP", heap), os.environ.get("NEO4J_PAGECACHE", pagecache)

    def _write_config(self) -> None:
        bolt, http = self.ports
        heap, pagecache = self._memory()
        for sub in ("conf", "data", "logs", "run", "import", "plugins"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        text = Template(CONF_TEMPLATE.read_text()).substitute(
            bolt_port=bolt, http_port=http, state_dir=self.home, heap=heap,
            pagecache=pagecache, tx_memory=os.environ.get("NEO4J_TX_MEMORY", "1g"),
        )  # fmt: skip
        (self.conf_dir / "neo4j.conf").write_text(text)

    def _set_initial_password(self) -> None:
        password = new_password()
        result = self.admin("dbms", "set-initial-password", password)
        if result.returncode != 0:
            raise Neo4jError(f"could not set the initial Neo4j password:\n{result.stdout}")
        self.password_file.write_text(password + "\n")
        self.password_file.chmod(0o600)

    def admin(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run `neo4j-admin` (AdminTool) against this instance's home and configuration."""
        env = {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.conf_dir)}
        cmd = [_java(), *JVM_OPTIONS, "-cp", f"{self.lib_dir}/*", "org.neo4j.cli.AdminTool", *args]
        return subprocess.run(
            cmd, env=env, cwd=self.home, capture_output=False, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, check=False,
        )  # fmt: skip

    def _log_says_started(self, offset: int) -> bool:
        """Whether this run (the log past `offset`) has reached "Started."."""
        try:
            with self.log_file.open("rb") as log:
                log.seek(offset)
                return b"Started." in log.read()
        except FileNotFoundError:
            return False


def new_password() -> str:
    """192 random bits in hex: url-safe base64 may start with '-', which the admin tool then
    reads as an option and refuses."""
    return secrets.token_hex(24)


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not java:
        raise Neo4jError("Java 17 is needed to run Neo4j; install it or set JAVA_HOME")
    return java


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child we started may linger as a zombie until reaped.
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return waited == 0
