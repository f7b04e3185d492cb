"""ASGI entry point for production servers (uvicorn/granian): `uvicorn sos_api.asgi:app --no-access-log
--timeout-graceful-shutdown 20` (deploy/).

Run `sos-api migrate` before starting workers: migrations never run inside a worker. Logging is JSON lines on
stderr (sos_api/logs.py), the server's own records included.
"""

from .app import create_app
from .logs import configure_logging
from .settings import Settings

configure_logging()
app = create_app(Settings.from_env())
