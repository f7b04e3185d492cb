"""The CLI a new user meets first: `sos-api token` and `sos-api demo`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jwt
import pytest
from litestar.testing import AsyncTestClient

from sos_api import cli
from sos_api.app import create_app
from sos_api.demo import DEMO_TEAM, load_demo
from sos_api.settings import Settings


def test_token_carries_the_claims_asked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setenv("SOS_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SOS_DATABASE_URL", raising=False)
    person = "0b0c0d0e-0000-4000-8000-000000000001"
    argv = ["token", "--role", "social_worker", "--org", "la:846", "--team", "North", "--person-id", person]
    assert cli.main([*argv, "--scope", "system/cases.rs", "--ttl", "60"]) == 0
    claims = jwt.decode(capsys.readouterr().out.strip(), options={"verify_signature": False})
    assert (claims["roles"], claims["org"], claims["teams"], claims["person_id"]) == (
        ["social_worker"],
        "la:846",
        ["North"],
        person,
    )
    assert claims["scp"] == "system/cases.rs"
    assert claims["exp"] - claims["iat"] == 60
    assert cli.main(["token", "--role", "wizard"]) == 2


async def test_demo_loads_a_family_a_new_user_can_read(settings: Settings, database_url: str) -> None:
    import anyio

    summary = await anyio.to_thread.run_sync(lambda: load_demo(settings, database_url))
    case_id = re.search(r"case\s+(\S+)", summary)[1]  # type: ignore[index]
    danger_id = re.search(r"danger\s+(\S+) \(drinking\)", summary)[1]  # type: ignore[index]
    from sos_api.auth.tokens import mint_token

    token = mint_token(settings, roles=["social_worker"], organisation="la:845", extra={"teams": [DEMO_TEAM]})
    headers = {"Authorization": f"Bearer {token}"}
    async with AsyncTestClient(create_app(settings, database_url=database_url)) as client:
        current = await client.get(f"/v1/cases/{case_id}/maps/current", headers=headers)
        assert current.status_code == 200
        columns = {e["category"] for e in current.json()["entries"]}
        assert {"harm", "existing_safety", "next_step"} <= columns
        series = (await client.get(f"/v1/danger-statements/{danger_id}/scaling-series", headers=headers)).json()
        assert len({p["date"] for p in series["points"]}) >= 3
        assert len({p["perspective_role"] for p in series["points"]}) >= 2
        genogram = (await client.get(f"/v1/cases/{case_id}/relationships", headers=headers)).json()["items"]
        assert len(genogram) == 4
        assert {(r["pr_basis"], r["has_pr"]) for r in genogram} == {("birth_mother", True), ("married_father", True)}


def test_a_bad_setting_is_named_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOS_PORT", "0")
    assert cli.main(["migrate"]) == 2
    assert capsys.readouterr().err.startswith("sos-api: SOS_PORT:")
