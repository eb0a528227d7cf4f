"""Server-wide slots for the clinician preview's costly work, one holder at a time.

A slot is an exclusive `flock` on a small empty file made before gunicorn forks, so every
worker (and every thread of `make run`) competes for the same lock. The kernel releases a
`flock` when its holder's file is closed, and closes it when the holder dies however it dies
(SIGKILL, the OOM killer): a dead holder can never keep the slot (attack report F6, where a
shared semaphore stayed taken until gunicorn restarted).

Each `take()` opens the file afresh: two opens are two locks, even within one process. A child
forked while a slot is held (the "What changed" comparison runs in one) closes its inherited
copy at once, so only the holder itself keeps the slot.
"""

from __future__ import annotations

import atexit
import fcntl
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

POLL_SECONDS = 0.01
_held: set[int] = set()  # this process's open slot files, closed in forked children


def _forget_in_child() -> None:
    for fd in list(_held):
        os.close(fd)  # a close, not LOCK_UN: the parent's copy keeps the lock
    _held.clear()


os.register_at_fork(after_in_child=_forget_in_child)


class Held:
    """A taken slot; `release()` (or leaving the `with` block) gives it back."""

    def __init__(self, fd: int):
        self.fd: int | None = fd

    def release(self) -> None:
        if self.fd is not None:
            _held.discard(self.fd)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> Held:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class Slot:
    """One holder at a time across every process forked from the one that made it."""

    def __init__(self, name: str):
        fd, path = tempfile.mkstemp(prefix=f"questionnaire-{name}-slot-")
        os.close(fd)
        self.path = Path(path)
        maker = os.getpid()

        def remove() -> None:  # by the process that made it, not by a forked worker
            if os.getpid() == maker:
                self.path.unlink(missing_ok=True)

        atexit.register(remove)

    def take(self, wait: float = 0.0) -> Held | None:
        """The slot, waiting at most `wait` seconds for it; None if someone else kept it."""
        deadline = time.monotonic() + wait
        fd = os.open(self.path, os.O_RDWR | os.O_CLOEXEC)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return None
                time.sleep(POLL_SECONDS)
                continue
            _held.add(fd)
            return Held(fd)


@dataclass(frozen=True)
class PreviewSlots:
    """Try answers (milliseconds) and "What changed" uploads (up to 5 s) have a slot each, so
    a try never waits behind an upload (attack report F5)."""

    tries: Slot
    compare: Slot
