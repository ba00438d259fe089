"""One function run in a child process that is killed at a time limit (``work.in_child`` uses it).

A module of its own, importing nothing heavy, because the child imports the module its entry point
lives in: from ``work.py`` that would be Gradio, seconds of every upload.
"""

from __future__ import annotations

import multiprocessing
import resource

MEMORY = 1_500_000_000  # bytes of address space the child may use

# A fork server is a clean, single-threaded process started once: forking it is fast and safe, unlike
# forking the app with its threads. It has the patient readers imported already.
_processes = multiprocessing.get_context("forkserver")
_processes.set_forkserver_preload(["trialsieve.app.child", "trialsieve.match.records"])


class Overran(Exception):
    """The child was still running at the time limit, and was killed."""


def call(limit: float, fn, *args):
    """``fn(*args)`` in a child process, or ``Overran`` after ``limit`` seconds; ``fn``, its arguments,
    its result and any exception it raises must pickle. A child that dies (out of memory, say) raises
    ``MemoryError``."""
    receive, send = _processes.Pipe(duplex=False)
    child = _processes.Process(target=_run, args=(send, fn, args), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(limit):
            raise Overran(limit)
        ok, value = receive.recv()
    except EOFError:  # the child died without a word
        raise MemoryError("the child process died") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    if ok:
        return value
    raise value


def _run(send, fn, args) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    try:
        result = (True, fn(*args))
    except Exception as error:  # handed to the parent, which raises it
        result = (False, error)
    try:
        send.send(result)
    except Exception as error:  # an exception that does not pickle
        send.send((False, RuntimeError(str(error))))
