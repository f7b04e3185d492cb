"""(being built: issue 10)"""

from __future__ import annotations

ROUTES: list[object] = []
