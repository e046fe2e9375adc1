"""Reads that may go to a read replica: a report wraps its queries in :func:`replica_reads`.

The router of ``config.routers`` sends those reads to the ``replica`` database when one is configured
(``DATABASE_REPLICA_URL``) and the default connection is not inside a transaction (a transaction reads its own
writes); without a replica they run on the default database as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within the block, reads may be served by the read replica (they may lag the primary by a moment)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_reads_wanted() -> bool:
    return _replica_reads.get()
