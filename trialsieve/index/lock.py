"""One writer at a time per index folder: an OS file lock (``flock``) on ``DIR/.lock``.

Two writers at once would both take the next generation number, and one would delete the
other's half-built files, so the second waits for the first. Readers take no lock: a write
publishes by renaming the manifest, so a reader always sees one whole generation. The OS drops
the lock when its holder exits, even by a crash or ``kill -9``, so no stale lock is ever left.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from trialsieve.index.store import StoreError

LOCK = ".lock"
DEFAULT_WAIT = 60.0  # seconds a writer waits for another to finish before giving up
POLL = 0.1


class IndexBusy(StoreError):
    """Another writer held the index for longer than we would wait."""


@contextmanager
def writing(directory: Path, wait: float = DEFAULT_WAIT) -> Iterator[None]:
    """Hold the index's write lock, waiting up to ``wait`` seconds for it; ``directory`` must exist."""
    try:
        import fcntl
    except ImportError as error:  # not a POSIX system
        raise StoreError("this system has no fcntl file locks, which writing an index needs; use Linux") from error
    try:
        handle = (directory / LOCK).open("a")
    except OSError as error:
        raise StoreError(f"cannot write to {directory}: {error.strerror or error}") from error
    with handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(
                        f"{directory} is busy: another trialsieve process is writing to it "
                        f"(waited {wait:g} s); try again when it is done, or pass a longer --wait"
                    ) from None
                time.sleep(POLL)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
