"""What a bearer token opened, kept for a few seconds in this process, for reads only.

Every API request checks its token: one statement that reads the user and the roles they hold
(``services.token_user``). On PostgreSQL that round trip is most of what ``GET /api/v1/me``
costs (docs/benchmarks.md). A client reading page after page sends the same token many times a
second, so a read (GET, HEAD, OPTIONS) may use what the same token opened at most
``API_TOKEN_CACHE_SECONDS`` ago in this process. The rules that keep this safe:

- **Writes never use it.** POST, PUT, PATCH and DELETE read the token, the account and the roles
  from the database every time: a revoked token, a deactivated account or a revoked role changes
  nothing from the moment it is committed.
- **A read may lag by the window, no more.** Revoking in another process (another worker, the
  back office on another machine) reaches this one within ``API_TOKEN_CACHE_SECONDS``; a change
  committed in this process (a token, an account, a role, a place's or a department's name)
  empties the cache at once.
- **Nothing outlives the token**: an entry ends at the token's own expiry if that comes first.
- **What is kept is values, not objects**: each request gets a new ``User`` built from the
  stored columns, so nothing one request memoises on its user reaches the next.
- **Bounded**: at most ``API_TOKEN_CACHE_SIZE`` tokens; the oldest entries go first. The key is
  the token's hash, never the token.

``API_TOKEN_CACHE_SECONDS = 0`` turns it off (the test settings do, except in the tests of this
module)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Entry:
    until: float  # _now() at which it ends
    field_names: tuple[str, ...]
    values: tuple[Any, ...]
    grants: tuple[tuple[Any, ...], ...]


_entries: OrderedDict[str, Entry] = OrderedDict()
_lock = threading.Lock()


def _now() -> float:
    """The clock of the entries (monotonic: a change of the wall clock does not stretch them)."""
    return time.monotonic()


def seconds() -> float:
    return float(getattr(settings, "API_TOKEN_CACHE_SECONDS", 0))


def get(key_hash: str) -> Entry | None:
    if seconds() <= 0:
        return None
    now = _now()
    with _lock:
        entry = _entries.get(key_hash)
        if entry is None:
            return None
        if entry.until <= now:
            del _entries[key_hash]
            return None
        return entry


def put(key_hash: str, entry: Entry) -> None:
    if seconds() <= 0:
        return
    size = int(getattr(settings, "API_TOKEN_CACHE_SIZE", 10_000))
    with _lock:
        _entries[key_hash] = entry
        _entries.move_to_end(key_hash)
        while len(_entries) > size:
            _entries.popitem(last=False)


def clear() -> None:
    with _lock:
        _entries.clear()


def size() -> int:
    return len(_entries)


def forget_on_change(**_kwargs: Any) -> None:
    """A signal receiver: a token, an account, a role or a place's name changed. Empty the cache
    now and again when the transaction commits (a read that ran in between saw the old rows)."""
    if seconds() <= 0:
        return
    clear()
    transaction.on_commit(clear)


def until_for(token_expires_at_epoch: float) -> float:
    """The entry's end on the monotonic clock: the window, or the token's expiry if sooner."""
    window = seconds()
    left = token_expires_at_epoch - time.time()
    return _now() + max(0.0, min(window, left))
