"""ASGI entry point for production servers (uvicorn/granian): `uvicorn sos_api.asgi:app`.

Run `sos-api migrate` before starting workers: migrations never run inside a worker.
"""

from .app import create_app
from .settings import Settings

app = create_app(Settings.from_env())
