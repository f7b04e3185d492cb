"""Logging as one JSON object per line on stderr, for the app's own records and the server's alike.

    {"time":"2026-12-01T18:00:00.123Z","level":"INFO","logger":"sos_api.app","message":"..."}

A request line (sos_api/request_log.py) carries its fields at the top level instead of a message:

    {"time":"...","level":"INFO","logger":"sos_api.request","method":"GET","route":"/v1/people/{person_id}",...}

What goes in is the caller's business: messages name records by id and never quote a person's details (pitfall 18),
and exceptions are logged with their traceback, which names code, not data. `configure_logging()` is called where
a process starts (`sos-api`, `sos_api.asgi`), never on import of the app, so tests keep pytest's own capture.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

import msgspec

# Servers log through these; their own handlers print plain text, so they are cleared and their records go to ours.
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "granian", "_granian", "granian.access")

_encode = msgspec.json.Encoder().encode


class JsonFormatter(logging.Formatter):
    """One JSON object per record; a record with `json_fields` (a JSON object, encoded) has them spliced in."""

    def format(self, record: logging.LogRecord) -> str:
        seconds = int(record.created)
        stamp = f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(seconds))}.{int(record.msecs):03d}Z"
        head: dict[str, Any] = {"time": stamp, "level": record.levelname, "logger": record.name}
        fields: bytes | None = getattr(record, "json_fields", None)
        if fields is not None:
            return (_encode(head)[:-1] + b"," + fields[1:]).decode()
        head["message"] = record.getMessage()
        if record.exc_info:
            head["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            head["stack"] = self.formatStack(record.stack_info)
        return _encode(head).decode()


def configure_logging(level: int = logging.INFO) -> None:
    """Send every record (the app's, the server's, libraries') to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in SERVER_LOGGERS:
        server = logging.getLogger(name)
        server.handlers.clear()
        server.propagate = True
    # The ASGI server's access log prints the raw path and query string (identifiers): it stays off; the app logs
    # one line per request itself.
    logging.getLogger("uvicorn.access").disabled = True
    logging.getLogger("granian.access").disabled = True
