"""The world's webhook subscription: the council's integration client subscribes to its people's events, and one
delivery is owed to it (as a worker's scan owes it, after a person is written), so every webhook operation has a
record to name.

Webhook subscriptions belong to the organisation that made them, not to the family: the council's own system and
administrator reach the world's (insiders or not, they are the same council); the insider partner system holds no
`system/webhooks` scope, so it is refused (403) before its organisation is looked at.
"""

from __future__ import annotations

from typing import Any

import msgspec
import sqlalchemy as sa
from litestar.testing import AsyncTestClient

from sos_api.auth.policy import subscriber_scope
from sos_api.auth.roles import Role
from sos_api.db.engine import Database
from sos_api.db.tables import outbox
from sos_api.webhooks import queries
from sos_api.webhooks.queries import S
from tests.api.conftest import COUNCIL_A, TokenFactory
from tests.api.world import World

# Nothing listens there, and no worker runs in the matrix: only the subscription's records matter.
URL = "http://127.0.0.1:9/world"
OPERATIONS = {
    "createWebhookSubscription",
    "listWebhookSubscriptions",
    "getWebhookSubscription",
    "replaceWebhookSubscription",
    "rotateWebhookSecret",
    "listWebhookDeliveries",
    "redeliverWebhook",
}


def subscription_body(world: World, caller: Any = None) -> dict[str, Any]:
    return {"url": URL, "event_types": ["person.*"]}


BODIES: dict[str, Any] = {"WebhookSubscriptionCreate": subscription_body}
SPARE_MAKERS: dict[str, Any] = {}
ON_SPARE: dict[str, str] = {}
USES_UP: set[str] = set()


def ids(world: World) -> dict[str, str]:
    return {}


def expect(operation_id: str, role: Role, inside: bool) -> set[int] | None:
    if operation_id in OPERATIONS and role is Role.partner_system:
        return {403}
    return None


async def extend(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> World:
    system = auth("integration_client", COUNCIL_A, sub="world-sync", scp="system/*.cruds")
    made = await client.post("/v1/webhook-subscriptions", json=subscription_body(world), headers=system)
    assert made.status_code == 201, made.text
    subscription = str(made.json()["id"])
    person = await client.post("/v1/people", json={"given_names": "Wes", "family_name": "Hook"}, headers=auth())
    assert person.status_code == 201, person.text
    # Owe it the person's change, as a worker's scan would, without waiting for the feed's horizon (the change has
    # committed; the horizon is the whole server's, and other databases' transactions can hold it back). The pool is
    # one of its own, as a worker's would be: the app's belongs to the test client's event loop.
    db = Database(client.app.state.db.engine.url.render_as_string(hide_password=False), pool_size=1)
    try:
        async with db.begin_system() as conn:
            sub = (await conn.execute(sa.select(S.id, S.owner, S.event_types).where(S.id == subscription))).one()
            seq = await conn.scalar(sa.select(outbox.c.seq).where(outbox.c.record_id == person.json()["id"]))
            scope = subscriber_scope(Role.integration_client, COUNCIL_A)
            assert await queries.owe_events(conn, sub, scope, [seq]) == 1
    finally:
        await db.dispose()
    items = (await client.get(f"/v1/webhook-subscriptions/{subscription}/deliveries", headers=system)).json()["items"]
    made_ids = {"subscription_id": subscription, "delivery_id": str(items[0]["id"])}
    return msgspec.structs.replace(world, more=world.more | made_ids)
