"""Which state of an embedded store something was read from: a token in a file beside the
store that every write renews, by any process (the store's writes go through `writing()`).

A cache of the store (the corpus index's snapshot, `factbot.index.snapshot`) is keyed on the
token it was read at and is current while the file still holds it. While a write is under way
the token ends in WRITING, and stays so if the write is killed: nothing is trusted until a
write finishes. A store on a server has no such file (`Generation(None, None)`): every read
says None, so callers ask the server itself.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from filelock import FileLock, Timeout

WRITING = "-writing"  # the suffix of a token whose write has not finished


def current(token: str | None) -> bool:
    """Whether a cache read at `token` can be trusted at all (known, and no write unfinished)."""
    return token is not None and not token.endswith(WRITING)


class Generation:
    def __init__(self, path: Path | None, lock: FileLock | None) -> None:
        """`path`: the token's file; `lock`: the store's write lock (the same object: it is
        re-entrant, so a write in progress in this process can read and renew)."""
        self.path, self.lock = path, lock
        self._depth = 0  # `writing()` blocks entered in this process

    def read(self) -> str | None:
        """The token: None for a server or a store no write has stamped yet."""
        if self.path is None:
            return None
        try:
            return self.path.read_text(encoding="ascii").strip() or None
        except OSError:
            return None

    def renew(self, *, writing: bool) -> None:
        if self.path is None:
            return
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(uuid.uuid4().hex + (WRITING if writing else ""), encoding="ascii")
        os.replace(tmp, self.path)  # atomic: a reader sees the old token or the new, never half

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Around a write (the caller holds the lock): marked while it runs, renewed when it
        finishes, left marked when it fails or is killed."""
        outermost = not self._depth
        if outermost:
            self.renew(writing=True)
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
        if outermost:
            self.renew(writing=False)  # not reached when the write raised

    def written(self) -> None:
        """Called by every write: one outside `writing()` (no lock held) leaves the token marked,
        so no cache is trusted until a locked write renews it."""
        if not self._depth:
            self.renew(writing=True)

    def stamp(self) -> str | None:
        """The token, first written if no write ever did (a store from before generations),
        when no other process is writing; None if it cannot be known."""
        token = self.read()
        if token is not None or self.lock is None:
            return token
        def stamp_once() -> str | None:
            if self.read() is None:
                self.renew(writing=False)
            return self.read()
        return self._locked(stamp_once, None)

    def if_unchanged(self, token: str, action: Callable[[], None]) -> bool:
        """Run `action` under the write lock if the token is still `token` (no write since, none
        under way): how a cache of the store is saved. False if it did not run."""
        def run() -> bool:
            if self.read() != token:
                return False
            action()
            return True
        return bool(self._locked(run, False))

    def _locked(self, fn: Callable, busy):
        """`fn()` holding the write lock, or `busy` when another process holds it."""
        if self.lock is None:
            return busy
        try:
            self.lock.acquire(timeout=0)
        except Timeout:
            return busy
        try:
            return fn()
        finally:
            self.lock.release()
