"""Logging as one JSON object per line on stderr, for the app's own records and the server's alike.

    {"time":"2026-12-01T18:00:00.123Z","level":"INFO","logger":"sos_api.app","message":"..."}

A request line (sos_api/request_log.py) carries its fields at the top level instead of a message:

    {"time":"...","level":"INFO","logger":"sos_api.request","method":"GET","route":"/v1/people/{person_id}",...}

Messages name records by id and never quote a person's details (pitfall 18). An exception is written as its type
(with the SQLSTATE of a database error) and its frames, for each exception in its chain, but never its message:
a database error's message quotes the row (`Key (value)=(943 476 5919) already exists`), and any other exception's
may quote input. The request id on the same request's line leads to the rest. `configure_logging()` is called
where a process starts (`sos-api`, `sos_api.asgi`), never on import of the app, so tests keep pytest's own capture.
"""

from __future__ import annotations

import logging
import sys
import time
import traceback
from types import TracebackType
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
        if record.exc_info and record.exc_info[1] is not None:
            head["exception"] = exception_without_messages(record.exc_info[1])
        if record.stack_info:
            head["stack"] = self.formatStack(record.stack_info)
        return _encode(head).decode()


def exception_without_messages(exc: BaseException) -> str:
    """`module.Type (SQLSTATE 23505)` and its frames, for the exception and each one it was raised from."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        code = getattr(current, "sqlstate", None) or getattr(getattr(current, "orig", None), "sqlstate", None)
        lines.append(f"{kind.__module__}.{kind.__qualname__}" + (f" (SQLSTATE {code})" if code else ""))
        tb: TracebackType | None = current.__traceback__
        lines.extend(f'  File "{f.filename}", line {f.lineno}, in {f.name}' for f in traceback.extract_tb(tb))
        current = current.__cause__ or current.__context__
    return "\n".join(lines)


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
