"""Servers the benchmarks and the scale-out test start end with their parent, even a killed one."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _orphan(guarded: bool) -> int:
    """A parent starts `sleep 60` (guarded or not) and is SIGKILLed: the child's pid."""
    preexec = ", preexec_fn=die_with_parent" if guarded else ""
    script = (
        "import subprocess, time\n"
        "from bench.children import die_with_parent\n"
        f"child = subprocess.Popen(['sleep', '60']{preexec})\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    ) as parent:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        parent.kill()
    return child


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has ended; only its reaping is left


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_a_guarded_child_ends_when_its_parent_is_killed() -> None:
    assert _gone_within(_orphan(guarded=True), 10)


def test_an_unguarded_child_outlives_its_killed_parent() -> None:
    """The control: without the guard the child lives on (and is ended here)."""
    child = _orphan(guarded=False)
    try:
        assert not _gone_within(child, 1)
    finally:
        os.kill(child, 9)
