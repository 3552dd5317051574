"""The throughput load: Debian's `wrk` (C, one thread, `concurrency` connections) for one slice.

wrk is the load generator for the closed loop because it costs the machine far less per request
than any server it measures (bench/run.py reports both sides' CPU per request: the client's from
the child's rusage, the server's from /proc). A Lua script cycles through the workload's requests
(body and bearer token each), puts a fresh number in place of `@@N@@` (a write's event ids), and
counts an answer holding `"errors":` as an error, like a non-2xx one.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import tempfile
from typing import Any
from urllib.parse import urlsplit

WRK = "wrk"

_SCRIPT = """
local requests = {REQUESTS}
local n = 0
local bad = 0
request = function()
  n = n + 1
  local r = requests[(n - 1) % #requests + 1]
  local body = string.gsub(r[2], "@@N@@", tostring(n))
  return wrk.format("POST", PATH, r[1], body)
end
response = function(status, headers, body)
  if status ~= 200 or string.find(body, '"errors":', 1, true) then bad = bad + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "duration_us": %d, "errors": %d, '
    .. '"non2xx": %d, "socket": %d, "p50_us": %d}\\n',
    summary.requests, summary.duration, bad, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50)))
end
"""


def available() -> bool:
    return shutil.which(WRK) is not None


def _lua(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal for these bodies


def script(url: str, requests: list[dict[str, Any]]) -> str:
    rows = []
    for r in requests:
        headers = {"Content-Type": "application/json", **r["headers"]}
        lua_headers = "{" + ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in headers.items()) + "}"
        rows.append("{" + lua_headers + ", " + _lua(json.dumps(r["body"])) + "}")
    path = urlsplit(url).path or "/"
    return _SCRIPT.replace("{REQUESTS}", "{" + ",\n".join(rows) + "}").replace("PATH", _lua(path))


def run(
    url: str, requests: list[dict[str, Any]], concurrency: int, seconds: float
) -> dict[str, Any]:
    """One closed-loop slice: completed answers per second, errors, and the client's CPU."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script(url, requests))
    parts = urlsplit(url)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        out = subprocess.run(
            [
                WRK,
                "-t1",
                f"-c{concurrency}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "60s",
                "-s",
                f.name,
                f"{parts.scheme}://{parts.netloc}",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(f.name)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next(x for x in reversed(out.stdout.splitlines()) if x.startswith("{"))
    r = json.loads(line)
    seconds_run = r["duration_us"] / 1e6
    errors = r["errors"] + r["socket"]
    ok = max(0, r["requests"] - errors)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "mode": "closed",
        "completed": ok,
        "errors": errors,
        "seconds": seconds_run,
        "throughput": ok / seconds_run if seconds_run else 0.0,
        "client_cpu_s": cpu,
        "client": "wrk",
    }
