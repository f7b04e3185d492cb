"""Printable pages (issue 14): a map and a child-centred safety plan as plain HTML, fetched with a token and then
rendered by a real headless Chromium (tests/browser.py) from a file copy, so what is checked is what a person
would see printed. One family for the module; two browser runs in all (each costs about a second)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.api.conftest import COUNCIL_B, TokenFactory
from tests.api.test_dangers import Family, make_danger, make_family, make_person
from tests.api.test_maps import make_map
from tests.browser import rendered_dom

JSON = dict[str, Any]
TAGS = re.compile(r"<[^>]+>")
HEAD = re.compile(r"<head>.*</head>", re.S)


def text_of(dom: str) -> str:
    """The page's words as a reader sees them (the body's text, spaces collapsed), and its title first."""
    title = re.search(r"<title>(.*?)</title>", dom, re.S)
    body = TAGS.sub(" ", HEAD.sub(" ", dom))
    return html.unescape(" ".join(f"{title.group(1) if title else ''} {body}".split()))


async def html_seen_by_browser(client: AsyncTestClient[Any], url: str, headers: dict[str, str], tmp: Path) -> str:
    response = await client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "<script" not in response.text  # printable: nothing runs, nothing is fetched
    page = tmp / "page.html"
    page.write_bytes(response.content)
    return text_of(rendered_dom(page.as_uri()))


@pytest.fixture(scope="module")
async def family(module_client: AsyncTestClient[Any], auth: TokenFactory) -> tuple[Family, str, str]:
    """A family with a map (one danger, entries from mum and the worker) and a child-centred plan for Ada."""
    client = module_client
    f = await make_family(client, auth)
    nan = await make_person(client, auth, "Nan")
    danger = await make_danger(client, auth, f, text="We are worried Ada gets hurt when grown-ups <fight>.")
    the_map = await make_map(client, auth, f, [danger["id"]], analysis="Things are getting better & calmer.")
    plan = {
        "child_ids": [f.child],
        "kind": "family_safety_plan",
        "danger_ids": [danger["id"]],
        "rules": [
            {
                "text": "Grace takes the children to her sister's whenever Sam has been drinking.",
                "danger_id": danger["id"],
                "responsible": [f.mum],
            }
        ],
    }
    made = await client.post(f"/v1/cases/{f.case_id}/safety-plans", json=plan, headers=auth())
    assert made.status_code == 201, made.text
    child_plan = {
        "source_plan_id": made.json()["id"],
        "source_plan_version": made.json()["meta"]["version"],
        "child_id": f.child,
        "format": "words_and_pictures",
        "pages": [
            {"number": 1, "text": "Mum and Dad love Ada very much.", "alt_text": "Mum and Dad hugging Ada"},
            {"number": 2, "text": "When Dad drinks, Mum and Ada go to Auntie's.", "alt_text": "A blue front door"},
        ],
        "who_looks_after_me": "Mum looks after me.",
        "what_grown_ups_will_do": "Nan will come if Dad has had beer.",
        "what_i_can_do_if_not_safe": "I can go next door to Nan's.",
        "my_safe_people": [nan, f.mum],
    }
    url = f"/v1/cases/{f.case_id}/child-safety-plans"
    child = await client.post(url, json=child_plan, headers=auth())
    assert child.status_code == 201, child.text
    return f, the_map["id"], child.json()["id"]


class TestPrintableMap:
    async def test_the_map_reads_as_words_in_a_browser(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory, family: Any, tmp_path: Path
    ) -> None:
        _, map_id, _ = family
        seen = await html_seen_by_browser(module_client, f"/v1/maps/{map_id}/printable", auth(), tmp_path)
        assert "Our safety map" in seen
        assert "About Ada Okafor" in seen
        # Escaped, so a record's text is never markup.
        assert "We are worried Ada gets hurt when grown-ups <fight>." in seen
        assert "What we want to see: Ada feels safe at home and adults sort out disagreements calmly." in seen
        for column in ("What we are worried about", "What is working well", "What needs to happen"):
            assert column in seen
        assert "Sam pushed Grace into a door while Ada watched. What has happened: Priya Okafor (social worker)" in seen
        assert "Safety already shown: Grace Okafor (parent carer)" in seen
        assert "Things are getting better & calmer." in seen

    async def test_only_those_who_may_read_the_map(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory, family: Any
    ) -> None:
        _, map_id, _ = family
        other = await module_client.get(f"/v1/maps/{map_id}/printable", headers=auth("social_worker", org=COUNCIL_B))
        assert other.status_code == 404
        partner = await module_client.get(
            f"/v1/maps/{map_id}/printable", headers=auth("partner_practitioner", org="ods:RX9")
        )
        assert partner.status_code == 404


class TestPrintableChildPlan:
    async def test_the_plan_reads_in_plain_words_in_a_browser(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory, family: Any, tmp_path: Path
    ) -> None:
        _, _, plan_id = family
        seen = await html_seen_by_browser(
            module_client, f"/v1/child-safety-plans/{plan_id}/printable", auth(), tmp_path
        )
        assert seen.startswith("Ada Okafor's safety plan Ada Okafor's safety plan")  # <title> then <h1>
        first, second = seen.index("Mum and Dad love Ada"), seen.index("When Dad drinks")
        assert first < second
        assert "Picture: Mum and Dad hugging Ada" in seen
        assert "What the grown-ups will do Nan will come if Dad has had beer." in seen
        assert "What I can do if I do not feel safe I can go next door to Nan's." in seen
        assert "My safe people Nan Okafor Grace Okafor" in seen

    async def test_another_council_does_not_find_it(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory, family: Any
    ) -> None:
        _, _, plan_id = family
        response = await module_client.get(
            f"/v1/child-safety-plans/{plan_id}/printable", headers=auth("social_worker", org=COUNCIL_B)
        )
        assert response.status_code == 404
