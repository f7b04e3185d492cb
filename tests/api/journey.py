"""The cast of a journey test: the people who act, a token for each, and the calls they make over HTTP only."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.api.conftest import COUNCIL_A, TokenFactory
from tests.api.test_dangers import if_match

JSON = dict[str, Any]


class Journey:
    """People registered along the way (`ids`, by a name the test chooses), and a token for each person who acts:
    council practitioners belong to `team`."""

    def __init__(self, client: AsyncTestClient[Any], auth: TokenFactory, team: str) -> None:
        self.client, self.auth, self.team = client, auth, team
        self.ids: dict[str, str] = {}

    def token(self, role: str, who: str) -> dict[str, str]:
        claims: dict[str, Any] = {"person_id": self.ids[who]}
        if role in {"social_worker", "team_manager"}:
            claims["teams"] = [self.team]
        return self.auth(role, COUNCIL_A, sub=f"{role}-{who}", **claims)

    @property
    def worker(self) -> dict[str, str]:
        return self.token("social_worker", "worker")

    @property
    def manager(self) -> dict[str, str]:
        return self.token("team_manager", "manager")

    async def ok(self, method: str, url: str, headers: dict[str, str], body: Any = None, expect: int = 200) -> Any:
        response = await self.client.request(method, url, json=body, headers=headers)
        assert response.status_code == expect, f"{method} {url}: {response.text}"
        return response.json() if response.content else None

    async def act(self, url: str, verb: str, headers: dict[str, str], body: Any = None, expect: int = 200) -> Any:
        """An If-Match action on the record at `url`, read first by the worker."""
        current = await self.ok("GET", url, self.worker)
        return await self.ok("POST", f"{url}/{verb}", headers | if_match(current["meta"]["version"]), body, expect)

    async def put(self, url: str, headers: dict[str, str], body: Any, expect: int = 200) -> Any:
        current = await self.ok("GET", url, self.worker)
        return await self.ok("PUT", url, headers | if_match(current["meta"]["version"]), body, expect)


def problem_type(body: JSON) -> str:
    return str(body["type"]).rsplit("/", 1)[-1]
