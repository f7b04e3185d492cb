"""The world's child's voice record (consent `all`, so every insider of the family may read it) and the alert it
raised (the child marked a worry unsafe), with bodies and spares for their writes."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.testing import AsyncTestClient

from sos_api.auth.roles import Role
from tests.api.conftest import TokenFactory
from tests.api.world import World, insider


def voice_body(world: World, caller: Any = None, *, unsafe: bool = False) -> dict[str, Any]:
    """Three Houses the whole family may read; with `unsafe`, a worry the child says makes them feel unsafe."""
    worry: dict[str, Any] = {"text": "Dad shouts when he has beer", "written_by": "child", "order": 0}
    tool = {
        "tool": "three_houses",
        "child_id": world.family.child,
        "completed_on": "2026-11-10",
        "worker": world.family.worker,
        "child_consent_to_share": {"level": "all"},
        "good_things": [{"text": "I like it when Dad reads to me", "written_by": "worker", "order": 0}],
        "worries": [worry | {"makes_me_unsafe": True} if unsafe else worry],
        "dreams": [],
    }
    return {"tool": tool}


async def made(client: AsyncTestClient[Any], auth: TokenFactory, world: World, *, unsafe: bool) -> dict[str, str]:
    """A new voice record made by the world's team manager, and (when it raised one) the case's newest alert."""
    manager = insider(auth, world, Role.team_manager)
    case = world.family.case_id
    voice = await client.post(f"/v1/cases/{case}/child-voice", json=voice_body(world, unsafe=unsafe), headers=manager)
    assert voice.status_code == 201, voice.text
    ids = {"voice_id": str(voice.json()["id"])}
    if unsafe:
        alerts = await client.get(f"/v1/cases/{case}/alerts", headers=manager)
        assert alerts.status_code == 200, alerts.text
        ids["alert_id"] = str(alerts.json()["items"][0]["id"])
    return ids


async def spare_voice(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    return (await made(client, auth, world, unsafe=False))["voice_id"]


async def spare_alert(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    return (await made(client, auth, world, unsafe=True))["alert_id"]


BODIES: dict[str, Any] = {
    "ChildVoiceCreate": voice_body,
    "ChildVoiceNote": lambda world, caller: {"note": "Ada drew the puppy first and talked about it a lot."},
    # The child's own consent (the child's token is the world's child): kept at `all`, so every reader stays in.
    "ConsentToShare": lambda world, caller: {"level": "all"},
    "ChildVoiceConsentOverride": lambda world, caller: {
        "with_whom": [world.family.dad],
        "reason": "Sam must know what Ada said to keep to the safety plan.",
    },
    "AlertAcknowledge": lambda world, caller: {"note": "Visited Ada at school the same afternoon."},
}
SPARE_MAKERS: dict[str, Any] = {"voice_id": spare_voice, "alert_id": spare_alert}
# An alert is acknowledged once.
ON_SPARE: dict[str, str] = {"acknowledgeAlert": "alert_id"}
USES_UP: set[str] = {"acknowledgeAlert"}


def ids(world: World) -> dict[str, str]:
    return {}


async def extend(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> World:
    return msgspec.structs.replace(world, more=world.more | await made(client, auth, world, unsafe=True))
