"""The one way erdq starts worker processes.

Workers are started by a fork server, not by forking the caller: a process that already
runs threads (a web server, DuckDB, a Spark gateway, a test runner that used either) can
deadlock a forked child on a lock some other thread held at the moment of the fork. The
fork server is itself single-threaded and preloads erdq, so a new worker costs
milliseconds, not a fresh interpreter's import time. Where there is no fork server
(Windows, macOS builds without it), workers are spawned.
"""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.context import BaseContext

_PRELOAD = ["erdq.parallel", "erdq.marc_parallel"]


def worker_context() -> BaseContext:
    """The multiprocessing context every pool in erdq is made from."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def default_jobs() -> int:
    """Worker processes a large file is split over: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
