"""Child servers die with the process that started them.

The benchmarks and the scale-out test start hubs, peers and balancers as child processes. If the
parent is killed (a `timeout`, a SIGKILL, a crashed runner) they would live on, holding ports and
a Neo4j's connections. Linux's parent-death signal ends them with it.
"""

from __future__ import annotations

import ctypes
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """For `subprocess.Popen(preexec_fn=...)`: SIGTERM this child when its parent exits."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
