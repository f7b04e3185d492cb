"""A real headless browser for the tests that check what a person would see: Debian's Chromium, installed by
`make browser` (part of `make test`), driven from the command line so no browser download or driver is needed.

`--dump-dom` prints the document after its scripts have run (within a virtual-time budget), which is what a
reader would see rendered; `--screenshot` writes a PNG of the page."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

# Without the background-networking flags Chromium tries Google's hosts at every start, and this closed network
# refuses them; as root it needs --no-sandbox.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def chromium() -> str:
    """The browser's path; a clear failure (never a skip) when `make browser` has not installed it."""
    found = os.environ.get("SOS_TEST_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RuntimeError("no Chromium: run `make browser` (Debian's chromium package)")
    return found


def _run(url: str, *extra: str, timeout: float) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="sos-chromium-") as profile:
        return subprocess.run(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, url],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )


def rendered_dom(url: str, *, budget_ms: int = 5_000, timeout: float = 60, height: int | None = None) -> str:
    """The page's DOM as serialised HTML once its scripts have run. `height` makes the window that tall, for pages
    that only render what is in view (Swagger UI's operation list)."""
    window = (f"--window-size=1280,{height}",) if height else ()
    return _run(url, *window, f"--virtual-time-budget={budget_ms}", "--dump-dom", timeout=timeout).stdout


def screenshot(url: str, png: Path, *, width: int = 1280, height: int = 900, timeout: float = 60) -> Path:
    """A PNG of the page as rendered, for a person to look at."""
    _run(url, f"--screenshot={png}", f"--window-size={width},{height}", "--virtual-time-budget=3000", timeout=timeout)
    return png
