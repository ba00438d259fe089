"""Heavy requests (checks, matches, uploaded files) run bounded and timed, so one cannot stall the rest.

Gradio runs each handler in a thread. A slow request (a huge paste, a hostile upload) would hold its
thread for as long as it likes, and code that keeps the GIL (YAML, pydantic) would slow every other
user's request with it. So:

- ``run`` hands a request to a pool of ``POOL_SIZE`` threads and waits at most ``TIME_LIMIT`` seconds,
  then answers that the request took too long (a thread cannot be stopped, but the pool bounds how
  many such requests run at once);
- ``in_child`` runs one function in a child process, capped in memory, and kills it at the time
  limit: this is how uploaded files are parsed, since a parser given a hostile file may never return.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import gradio as gr

from trialsieve.app import child

POOL_SIZE = 4  # heavy requests handled at once; more wait their turn, within their time limit
TIME_LIMIT = 60.0  # seconds one heavy request may take, waiting for the pool included

_pool = ThreadPoolExecutor(POOL_SIZE, thread_name_prefix="trialsieve-work")


class TookTooLong(gr.Error):
    """A request stopped at the time limit; the message says so in plain words, and the console gets one
    line, not a traceback of a request that was handled."""

    def __init__(self, limit: float) -> None:
        super().__init__(
            f"The request took too long (over {limit:g} s) and was stopped. "
            "Try a smaller record or file, or fewer trials.",
            print_exception=False,
        )
        logging.getLogger("trialsieve.app").warning("refused: a request ran over %g s and was stopped", limit)


def run(fn, *args):
    """``fn(*args)`` in the bounded pool, or ``TookTooLong`` after ``TIME_LIMIT`` seconds."""
    limit = TIME_LIMIT
    future = _pool.submit(fn, *args)
    try:
        return future.result(timeout=limit)
    except FutureTimeout:
        future.cancel()  # still waiting for the pool: it never starts
        raise TookTooLong(limit) from None


def in_child(fn, *args):
    """``fn(*args)`` in a child process (``child.py``), killed after ``TIME_LIMIT`` seconds."""
    limit = TIME_LIMIT
    try:
        return child.call(limit, fn, *args)
    except child.Overran:
        raise TookTooLong(limit) from None
