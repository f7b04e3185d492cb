"""What several kinds' declarations say alike, said once: the presets their registry entries name."""

from __future__ import annotations

from .registry import WHOLE

# Interop R11: a kind kept by the council's own system (its case management system), which owns all of it.
KEPT_IN_CMS = WHOLE
