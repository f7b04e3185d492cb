"""The committed OpenAPI document passes Spectral's OpenAPI rules and the OWASP API Security Top 10 2023 ruleset
(tools/.spectral.yaml) with no errors. Warnings are reported in the run's summary, not failed: they are advice
(`string-restricted` asks free text for a pattern, which plain-language case notes cannot have)."""

from __future__ import annotations

import json
import subprocess
from collections import Counter

import pytest

from tests.contract.conftest import COMMITTED_DOCUMENT, SCHEMATHESIS_SUMMARY
from tests.node_tools import TOOLS, tool

ERROR, WARNING = 0, 1


def test_document_has_no_spectral_errors(request: pytest.FixtureRequest) -> None:
    run = subprocess.run(
        [
            tool("spectral"),
            "lint",
            "--ruleset",
            TOOLS / ".spectral.yaml",
            "--format",
            "json",
            "--quiet",
            COMMITTED_DOCUMENT,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # Exit 1 means findings at error severity; anything else non-zero is Spectral itself failing.
    assert run.returncode in (0, 1), run.stderr
    findings = json.loads(run.stdout or "[]")
    errors = [
        f"{f['code']} at {'/'.join(map(str, f['path']))}: {f['message']}" for f in findings if f["severity"] == ERROR
    ]
    warnings = Counter(f["code"] for f in findings if f["severity"] == WARNING)
    request.config.stash.setdefault(SCHEMATHESIS_SUMMARY, []).append(
        "spectral warnings: " + (", ".join(f"{code} {n}" for code, n in sorted(warnings.items())) or "none")
    )
    assert not errors, f"{len(errors)} Spectral errors, first ones:\n" + "\n".join(errors[:30])
    assert run.returncode == 0, run.stderr
