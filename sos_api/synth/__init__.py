"""`sos-api synth --cases N --seed S`: load N synthetic families for benchmarks and index work, fast.

Exactly the rows the API writes, because one family of each kind (families.py: a referral closed after
assessment, a child in need case, the demo family made a child protection case, a looked-after child) is written
by the API itself, in-process, with all its validation, rules, history, case access grants, outbox and access
events. Every row each wrote (records, record_versions, case_access, person_identifiers, outbox, access_events) is
read back with COPY and becomes that kind's template; the other families are drawn from the seed in the kinds'
published shares (families.KINDS) and are their template with, per family, fresh (time-ordered) ids for every
UUID in it, its dates moved back by up to four years (keeping their order), other names, a council and a team
drawn from the seed, streamed back with COPY in batches. Nothing is parsed per family: each template line is split
once at the places that change, and a family is those pieces joined with its own values.

Run as the tables' owner (COPY bypasses nothing the API relies on: the append-only triggers refuse only UPDATE
and DELETE, and row-level security is for the app's role). The same seed gives the same kinds, names, councils
and teams; ids are fresh per run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
import random
import re
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import msgspec

from ..db import tables
from ..settings import Settings

# Tables the API writes for a family, parents first (foreign keys), and the columns copied: every column as the
# schema declares it, but the identity sequence numbers and the outbox's writing transaction, which the database
# fills in.
FILLED_BY_THE_DATABASE = frozenset({"seq", "txid"})
TABLES: dict[str, tuple[str, ...]] = {
    table.name: tuple(c.name for c in table.c if c.name not in FILLED_BY_THE_DATABASE)
    for table in (
        tables.records,
        tables.record_versions,
        tables.case_access,
        tables.person_identifiers,
        tables.outbox,
        tables.access_events,
    )
}

TEMPLATE_COUNCIL = "845"
COUNCILS = ("845", "846", "847")  # the demo's council and two others; more for larger loads (Placement)
# Real teams hold a few hundred cases, so a larger load has more teams (and more councils), not fuller ones: a team's
# reads (its case list, its grants checked on every read) cost the same at a million cases as at ten thousand.
CASES_PER_TEAM = 300
CASES_PER_COUNCIL = 20_000  # a large English council's open and recently closed cases
TEAMS = (
    "Central assessment team",
    "North locality team",
    "South locality team",
    "East locality team",
    "West locality team",
    "Children in need team",
    "Child protection team",
    "Family support team",
)
FAMILY_NAMES = (
    "Khan", "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
    "Roberts", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood",
    "Harris", "Lewis", "Martin", "Jackson", "Clarke", "Clark", "Turner", "Hill", "Scott", "Cooper", "Morris",
    "Ward", "Moore", "King", "Watson", "Baker", "Harrison", "Morgan", "Patel", "Young", "Allen", "Mitchell",
    "James", "Anderson", "Phillips", "Lee", "Bell", "Parker", "Davis", "Begum", "Ali", "Hussain", "Ahmed",
    "Nowak", "Kowalski", "Okafor", "Mensah", "Adeyemi", "Osei", "Singh", "Kaur", "Murphy", "Kelly", "Byrne",
)  # fmt: skip
GIVEN_NAMES = (
    "Amira", "Yusuf", "Sara", "Imran", "Fatima", "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily",
    "Freya", "Grace", "Sophia", "Noah", "Oliver", "George", "Leo", "Arthur", "Muhammad", "Harry", "Oscar",
    "Archie", "Henry", "Jack", "Charlie", "Theo", "Jacob", "Ella", "Ruby", "Chloe", "Zara", "Aisha", "Maryam",
    "Daniel", "Samuel", "Joseph", "Adam", "Ibrahim", "Kacper", "Zofia", "Chidi", "Ama", "Kwame", "Priya",
    "Arjun", "Siobhan", "Niamh", "Ciaran", "Rhys", "Cerys", "Dylan", "Megan", "Tom", "Emma", "Kate", "John",
)  # fmt: skip
MAX_SHIFT_DAYS = 4 * 365

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
DATE = r"(?<![0-9])[0-9]{4}-[0-9]{2}-[0-9]{2}(?![0-9])"
COUNCIL = rf"(?<![0-9A-Za-z]){TEMPLATE_COUNCIL}(?![0-9A-Za-z])"


class SynthFailed(RuntimeError):
    pass


# --- the template: one family's rows, split at the places that change ----------------------------------------


@dataclass(frozen=True)
class Slot:
    kind: str  # "uuid", "date", "council", "name"
    value: str  # the template's value (its uuid, date, or name)


@dataclass
class Template:
    """Each table's COPY text, split into literal pieces and the slots between them."""

    pieces: dict[str, list[str]]
    slots: dict[str, list[Slot]]
    uuids: list[str]
    dates: list[str]
    names: list[str]  # given names and family names in the template, longest first
    family_names: set[str]
    team: str
    rows: dict[str, int]
    case_id: str

    def family(self, values: dict[Slot, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for table, pieces in self.pieces.items():
            slots = self.slots[table]
            parts = [pieces[0]]
            for slot, piece in zip(slots, pieces[1:], strict=True):
                parts.append(values[slot])
                parts.append(piece)
            out[table] = "".join(parts)
        return out


def split(
    text: str, pattern: re.Pattern[str], classify: Callable[[re.Match[str]], Slot]
) -> tuple[list[str], list[Slot]]:
    pieces, slots, at = [], [], 0
    for match in pattern.finditer(text):
        pieces.append(text[at : match.start()])
        slots.append(classify(match))
        at = match.end()
    pieces.append(text[at:])
    return pieces, slots


def make_template(
    copies: dict[str, str], names: list[str], family_names: set[str], team: str, case_id: str
) -> Template:
    # A team is several words; names are single words (the demo's): both whole-word, longest first.
    words = sorted({*names, team}, key=len, reverse=True)
    alternatives = [f"(?P<uuid>{UUID})", f"(?P<date>{DATE})", f"(?P<council>{COUNCIL})"]
    alternatives.append("(?P<name>" + "|".join(rf"\b{re.escape(w)}\b" for w in words) + ")")
    pattern = re.compile("|".join(alternatives))

    def classify(match: re.Match[str]) -> Slot:
        kind = match.lastgroup or ""
        return Slot(kind, match.group())

    pieces: dict[str, list[str]] = {}
    slots: dict[str, list[Slot]] = {}
    for table, text in copies.items():
        pieces[table], slots[table] = split(text, pattern, classify)
    every = [s for table_slots in slots.values() for s in table_slots]
    return Template(
        pieces=pieces,
        slots=slots,
        uuids=sorted({s.value for s in every if s.kind == "uuid"}),
        dates=sorted({s.value for s in every if s.kind == "date"}),
        names=words,
        family_names=family_names,
        team=team,
        rows={table: text.count("\n") for table, text in copies.items()},
        case_id=case_id,
    )


# --- one family's values -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """The councils and teams families are spread over, sized by the whole load: about CASES_PER_COUNCIL cases a
    council and CASES_PER_TEAM a team. The first councils and teams keep their names at every size (the demo's
    council and team among them), further ones are numbered."""

    councils: tuple[str, ...]
    teams: tuple[str, ...]

    @classmethod
    def for_cases(cls, cases: int) -> Placement:
        extra = max(0, -(-cases // CASES_PER_COUNCIL) - len(COUNCILS))
        # Three-digit codes like the DfE's, from 300 up: none is a council the demo or the tests name.
        councils = COUNCILS + tuple(str(300 + n) for n in range(extra))
        per_council = -(-cases // len(councils))
        count = max(len(TEAMS), -(-per_council // CASES_PER_TEAM))
        numbered = (f"{TEAMS[n % len(TEAMS)]} {n // len(TEAMS) + 1}" for n in range(len(TEAMS), count))
        return cls(councils, (*TEAMS, *numbered))

    def draw(self, rng: random.Random) -> tuple[str, str]:
        return rng.choice(self.councils), rng.choice(self.teams)


def time_ordered_uuid(unix_ms: int, random_bits: int) -> uuid.UUID:
    """A UUIDv7 (RFC 9562: 48 bits of Unix milliseconds, the version, 74 random bits, the variant).

    Synthetic families get these, not the API's random v4 ids, so each batch's index entries land at the right
    edge of every id index instead of on random pages all over it. With random ids a load slowed from 560 to 84
    cases/s as the indexes outgrew memory (about 550,000 cases on this machine); reads by id cost the same either
    way, since a lookup descends the same depth of tree."""
    high, low = random_bits >> 62, random_bits & ((1 << 62) - 1)
    return uuid.UUID(int=(unix_ms << 80) | (0x7 << 76) | (high << 64) | (0b10 << 62) | low)


class Families:
    """Per family: new ids (time-ordered, random below the millisecond, so runs never collide), and names,
    council, team and dates from the seed."""

    def __init__(self, template: Template, seed: int, placement: Placement) -> None:
        self.t = template
        self.placement = placement
        self.rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
        # Fresh ids every run (never colliding with an earlier load); the seed decides only what a reader notices.
        self.ids = random.Random()  # noqa: S311
        self.date_ordinals = {d: dt.date.fromisoformat(d).toordinal() for d in template.dates}

    def values(self) -> tuple[dict[Slot, str], str, str]:
        rng, t = self.rng, self.t
        shift = rng.randrange(MAX_SHIFT_DAYS)
        council, team = self.placement.draw(rng)
        surname = rng.choice(FAMILY_NAMES)
        values: dict[Slot, str] = {}
        getbits, now_ms = self.ids.getrandbits, time.time_ns() // 1_000_000
        for u in t.uuids:
            values[Slot("uuid", u)] = str(time_ordered_uuid(now_ms, getbits(74)))
        for d, ordinal in self.date_ordinals.items():
            values[Slot("date", d)] = dt.date.fromordinal(ordinal - shift).isoformat()
        values[Slot("council", TEMPLATE_COUNCIL)] = council
        for name in t.names:
            if name == t.team:
                chosen = team
            elif name in t.family_names:
                chosen = surname
            else:
                chosen = rng.choice(GIVEN_NAMES)
            values[Slot("name", name)] = chosen
        return values, council, team


# --- the database ------------------------------------------------------------------------------------------


def asyncpg_dsn(url: str) -> str:
    for prefix in ("postgresql+asyncpg://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix) :]
    return url


async def _copy_out(conn: Any, table: str, where: str, *args: Any) -> str:
    columns = ", ".join(f'"{c}"' for c in TABLES[table])
    buffer = io.BytesIO()
    query = f"SELECT {columns} FROM {table} WHERE {where} ORDER BY 1, 2"  # noqa: S608 (our constants only)
    await conn.copy_from_query(query, *args, output=buffer)
    return buffer.getvalue().decode()


async def read_template(conn: Any, outbox_after: int, events_after: int) -> dict[str, str]:
    """The rows one family's writes made: every record the outbox names since `outbox_after`, and theirs."""
    ids = [
        r["record_id"] for r in await conn.fetch("SELECT DISTINCT record_id FROM outbox WHERE seq > $1", outbox_after)
    ]
    return {
        "records": await _copy_out(conn, "records", "id = ANY($1::uuid[])", ids),
        "record_versions": await _copy_out(conn, "record_versions", "record_id = ANY($1::uuid[])", ids),
        "case_access": await _copy_out(conn, "case_access", "case_id = ANY($1::uuid[])", ids),
        "person_identifiers": await _copy_out(conn, "person_identifiers", "person_id = ANY($1::uuid[])", ids),
        "outbox": await _copy_out(conn, "outbox", "seq > $1", outbox_after),
        "access_events": await _copy_out(conn, "access_events", "seq > $1", events_after),
    }


async def _copy_in(conn: Any, table: str, text: str) -> None:
    if text:
        await conn.copy_to_table(table, source=io.BytesIO(text.encode()), columns=list(TABLES[table]), format="text")


def _owner(owner_url: str) -> Any:
    import asyncpg

    return asyncpg.connect(asyncpg_dsn(owner_url))


async def _marks(owner_url: str) -> tuple[int, int]:
    conn = await _owner(owner_url)
    try:
        o = await conn.fetchval("SELECT coalesce(max(seq), 0) FROM outbox")
        e = await conn.fetchval("SELECT coalesce(max(seq), 0) FROM access_events")
        return int(o), int(e)
    finally:
        await conn.close()


async def _read_family(owner_url: str, marks: tuple[int, int]) -> Template:
    """The rows written since `marks` (one family's), as a template."""
    outbox_after, events_after = marks
    conn = await _owner(owner_url)
    try:
        copies = await read_template(conn, outbox_after, events_after)
        people = await conn.fetch(
            "SELECT doc->>'given_names' AS given, doc->>'family_name' AS family FROM records "
            "WHERE kind = 'person' AND id IN (SELECT record_id FROM outbox WHERE seq > $1)",
            outbox_after,
        )
        case = await conn.fetchrow(
            "SELECT id::text AS id, doc->>'team' AS team FROM records "
            "WHERE kind = 'case' AND id IN (SELECT record_id FROM outbox WHERE seq > $1)",
            outbox_after,
        )
    finally:
        await conn.close()
    if case is None:
        raise SynthFailed("a template family has no case")
    given = {w for p in people for w in (p["given"] or "").split()}
    family = {p["family"] for p in people if p["family"]}
    return make_template(copies, sorted(given | family), family, str(case["team"]), str(case["id"]))


def _write_templates(settings: Settings, owner_url: str, app_url: str) -> list[Template]:
    """One family of each kind (families.KINDS, in order), written through the API in-process."""
    from litestar.testing import TestClient

    from ..app import create_app
    from ..demo import DemoFailed, load_demo
    from . import families

    templates: list[Template] = []
    with tempfile.TemporaryDirectory(prefix="sos-synth-") as scratch:
        # A throwaway local issuer of its own for the tokens.
        app_settings = msgspec.structs.replace(
            settings, data_dir=Path(scratch), local_issuer=True, database_url=app_url
        )
        try:
            for kind in families.KINDS:
                marks = asyncio.run(_marks(owner_url))
                if kind.build is None:
                    load_demo(app_settings, app_url)
                with TestClient(create_app(app_settings, database_url=app_url)) as client:
                    # The app's start-up configured logging at INFO: a line per request would bury the progress bar.
                    for name in ("sos_api.request", "httpx"):
                        logging.getLogger(name).setLevel(logging.WARNING)
                    w = families.writer(app_settings, client, dt.date.today())
                    if kind.build is None:
                        demo_case = asyncio.run(_read_family(owner_url, marks)).case_id
                        families.child_protection(w, demo_case)
                    else:
                        kind.build(w)
                templates.append(asyncio.run(_read_family(owner_url, marks)))
        except DemoFailed as exc:
            raise SynthFailed(f"writing a template family: {exc}") from exc
    return templates


class Progress:
    """A progress bar with the rate on a terminal; a line every ~10% otherwise."""

    def __init__(self, total: int, out: TextIO) -> None:
        self.total, self.out = total, out
        self.tty = out.isatty()
        self.started = time.perf_counter()
        self.last_reported = -1

    def update(self, done: int) -> None:
        elapsed = max(time.perf_counter() - self.started, 1e-6)
        rate = done / elapsed
        left = (self.total - done) / rate if rate else 0.0
        if self.tty:
            width = 30
            filled = int(width * done / self.total) if self.total else width
            bar = "#" * filled + "-" * (width - filled)
            self.out.write(
                f"\rsynth [{bar}] {done:,}/{self.total:,} cases  {rate:,.0f} cases/s  {left / 60:5.1f} min left "
            )
            self.out.flush()
            return
        decile = done * 10 // self.total if self.total else 10
        if decile != self.last_reported:
            self.last_reported = decile
            print(f"synth: {done:,}/{self.total:,} cases, {rate:,.0f} cases/s", file=self.out, flush=True)

    def finish(self) -> None:
        if self.tty:
            self.out.write("\n")
            self.out.flush()


@dataclass
class SynthResult:
    cases: int
    seconds: float
    rows: dict[str, int]
    template_case_id: str
    kinds: dict[str, int]

    @property
    def rate(self) -> float:
        return self.cases / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        rows = ", ".join(f"{table} {n:,}" for table, n in self.rows.items() if n)
        kinds = ", ".join(f"{kind} {n:,}" for kind, n in self.kinds.items())
        return (
            f"loaded {self.cases:,} synthetic cases in {self.seconds:.1f} s ({self.rate:,.0f} cases/s): {kinds}\n"
            f"rows: {rows}\n"
            f"template family's case: {self.template_case_id}"
        )


async def _clone(
    owner_url: str, templates: list[Template], placement: Placement, seed: int, kinds: bytes, batch: int, done: Any
) -> None:
    """Copy one family of kind `kinds[i]` (an index into templates) for each i, in transactions of `batch`,
    adding each batch to the shared counter `done`."""
    conn = await _owner(owner_url)
    makers = [Families(t, seed * 10 + n, placement) for n, t in enumerate(templates)]
    try:
        for at in range(0, len(kinds), batch):
            chunks: dict[str, list[str]] = {table: [] for table in TABLES}
            for kind in kinds[at : at + batch]:
                values, _, _ = makers[kind].values()
                for table, text in templates[kind].family(values).items():
                    chunks[table].append(text)
            async with conn.transaction():
                # Nothing here needs to survive a crash before the load finishes: it is run again instead.
                await conn.execute("SET LOCAL synchronous_commit = off")
                for table in TABLES:
                    await _copy_in(conn, table, "".join(chunks[table]))
            with done.get_lock():
                done.value += len(kinds[at : at + batch])
    finally:
        await conn.close()


def _clone_job(
    owner_url: str, templates: list[Template], placement: Placement, seed: int, kinds: bytes, batch: int, done: Any
) -> None:
    """One worker process: its own connection and its own stream of families (seed, job)."""
    asyncio.run(_clone(owner_url, templates, placement, seed, kinds, batch, done))


def _clone_all(
    owner_url: str,
    templates: list[Template],
    placement: Placement,
    seed: int,
    kinds: bytes,
    batch: int,
    jobs: int,
    progress: Progress,
) -> None:
    """Generate and copy in `jobs` processes (one PostgreSQL backend each), so generating one batch overlaps
    with PostgreSQL parsing and indexing another."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # never fork a process holding event loops and connections
    done = context.Value("q", len(templates))
    if jobs == 1:  # in this process: no start-up cost (small loads, tests)
        asyncio.run(_clone(owner_url, templates, placement, seed * 1000, kinds, batch, done))
        progress.update(int(done.value))
        return
    size = -(-len(kinds) // jobs)
    workers = [
        context.Process(
            target=_clone_job,
            args=(owner_url, templates, placement, seed * 1000 + j, kinds[j * size : (j + 1) * size], batch, done),
        )
        for j in range(jobs)
        if kinds[j * size : (j + 1) * size]
    ]
    for w in workers:
        w.start()
    try:
        while any(w.is_alive() for w in workers):
            time.sleep(0.5)
            progress.update(int(done.value))
    finally:
        for w in workers:
            w.join()
    failed = [w.exitcode for w in workers if w.exitcode != 0]
    if failed:
        raise SynthFailed(f"{len(failed)} loader process(es) failed (exit codes {failed}); see the errors above")
    progress.update(int(done.value))


async def _analyse(owner_url: str) -> None:
    """Planner statistics for what was loaded. Autovacuum gets there in time, but never analyses a partitioned
    table's parent (measure_facts), and without them the live scorecard on 3,000 cases took 20.7 s, not 2.5 s."""
    conn = await _owner(owner_url)
    try:
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def choose_kinds(cases: int, seed: int) -> bytes:
    """Each case's kind (an index into families.KINDS) from the seed: the templates first, one of each kind
    (the demo family's first), then the rest drawn in the kinds' shares."""
    from .families import KINDS

    rng = random.Random(seed)  # noqa: S311 (synthetic data)
    rest = rng.choices(range(len(KINDS)), weights=[k.share for k in KINDS], k=cases - len(KINDS))
    return bytes([*range(len(KINDS)), *rest])


def synthesise(
    settings: Settings,
    owner_url: str,
    app_url: str,
    *,
    cases: int,
    seed: int,
    batch: int = 200,
    jobs: int = 2,
    out: TextIO | None = None,
) -> SynthResult:
    """Load `cases` families into the migrated database at owner_url (one of each kind through the API at
    app_url, the demo family's first), in the shares of families.KINDS."""
    from .families import KINDS

    if cases < len(KINDS):
        raise SynthFailed(f"--cases must be at least {len(KINDS)} (one family of each kind)")
    out = out or sys.stderr
    started = time.perf_counter()
    kinds = choose_kinds(cases, seed)
    templates = _write_templates(settings, owner_url, app_url)
    progress = Progress(cases, out)
    progress.update(len(templates))
    if cases > len(templates):
        placement = Placement.for_cases(cases)
        _clone_all(owner_url, templates, placement, seed, kinds[len(templates) :], batch, max(1, jobs), progress)
    progress.finish()
    asyncio.run(_analyse(owner_url))
    per_kind = Counter(kinds)
    rows: Counter[str] = Counter()
    for n, template in enumerate(templates):
        for table, count in template.rows.items():
            rows[table] += count * per_kind[n]
    return SynthResult(
        cases=cases,
        seconds=time.perf_counter() - started,
        rows=dict(rows),
        template_case_id=templates[0].case_id,
        kinds={kind.name: per_kind[n] for n, kind in enumerate(KINDS)},
    )
