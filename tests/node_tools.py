"""The Node tools the contract tests run (tools/package.json, pinned by tools/package-lock.json and installed by
`make node`, part of `make test`): their paths, with a clear failure (never a skip) when they are not installed."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools"
NODE_MODULES = TOOLS / "node_modules"


def tool(name: str) -> Path:
    """An installed command from tools/node_modules/.bin."""
    path = NODE_MODULES / ".bin" / name
    if not path.exists():
        raise RuntimeError(f"no {name} in tools/node_modules: run `make node` (npm ci in tools/)")
    return path
