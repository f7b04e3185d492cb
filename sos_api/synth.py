"""`sos-api synth --cases N --seed S`: load N synthetic families for benchmarks and index work, fast.

Exactly the rows the API writes, because the first family is written by the API itself: the demo family
(sos_api/demo.py: eight people, a case, relationships, two danger statements in two versions each with their
scales, a wellbeing scale, judgements over several dates, a map in two versions) goes through the app in-process,
with all its validation, rules, history, case access grants, outbox and access events. Every row that wrote
(records, record_versions, case_access, person_identifiers, outbox, access_events) is read back with COPY and
becomes a template; the other N-1 families are that template with, per family, fresh ids for every UUID in it,
its dates moved back by up to four years (keeping their order), other names, a council and a team drawn from the
seed, streamed back with COPY in batches. Nothing is parsed per family: each template line is split once at the
places that change, and a family is those pieces joined with its own values.

Run as the tables' owner (COPY bypasses nothing the API relies on: the append-only triggers refuse only UPDATE
and DELETE, and row-level security is for the app's role). The same seed on the same template gives the same
names, councils and teams; ids are fresh per run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import random
import re
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import msgspec

from .settings import Settings

# Tables the API writes for a family, parents first (foreign keys), and the columns copied: all but the
# identity sequence numbers and the outbox's writing transaction, which the database fills in.
TABLES: dict[str, tuple[str, ...]] = {
    "records": (
        "id",
        "la_code",
        "kind",
        "case_id",
        "parent_id",
        "version",
        "status",
        "visibility",
        "shared_with_agencies",
        "child_ids",
        "audience",
        "chain_no",
        "doc",
        "created_at",
        "updated_at",
        "entered_in_error",
    ),
    "record_versions": ("record_id", "version", "la_code", "doc", "recorded_at", "recorded_by"),
    "case_access": ("case_id", "la_code", "source_id", "grant"),
    "person_identifiers": ("person_id", "la_code", "system", "issuer", "value"),
    "outbox": ("la_code", "kind", "record_id", "version", "op", "changed_at", "actor", "source_system"),
    "access_events": (
        "id",
        "at",
        "la_code",
        "actor",
        "role",
        "organisation",
        "client_app",
        "action",
        "object_type",
        "object_id",
        "object_version",
        "case_id",
        "child_ids",
        "purpose",
        "break_glass_reason",
        "request_id",
        "source_ip",
        "outcome",
    ),
}

TEMPLATE_COUNCIL = "845"
COUNCILS = ("845", "845", "846", "847")  # half the families in the demo's council, the rest in two others
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


class Families:
    """Per family: new ids (random, so runs never collide), and names, council, team and dates from the seed."""

    def __init__(self, template: Template, seed: int) -> None:
        self.t = template
        self.rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
        # Fresh ids every run (never colliding with an earlier load); the seed decides only what a reader notices.
        self.ids = random.Random()  # noqa: S311
        self.date_ordinals = {d: dt.date.fromisoformat(d).toordinal() for d in template.dates}

    def values(self) -> tuple[dict[Slot, str], str, str]:
        rng, t = self.rng, self.t
        shift = rng.randrange(MAX_SHIFT_DAYS)
        council = rng.choice(COUNCILS)
        team = rng.choice(TEAMS)
        surname = rng.choice(FAMILY_NAMES)
        values: dict[Slot, str] = {}
        getbits = self.ids.getrandbits
        for u in t.uuids:
            values[Slot("uuid", u)] = str(uuid.UUID(int=getbits(128), version=4))
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


def _load_template_family(settings: Settings, app_url: str) -> None:
    from .demo import load_demo

    with tempfile.TemporaryDirectory(prefix="sos-synth-") as scratch:
        # The API writes the first family, with a throwaway local issuer of its own.
        demo_settings = msgspec.structs.replace(
            settings, data_dir=Path(scratch), local_issuer=True, database_url=app_url
        )
        load_demo(demo_settings, app_url)


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

    @property
    def rate(self) -> float:
        return self.cases / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        rows = ", ".join(f"{table} {n:,}" for table, n in self.rows.items() if n)
        return (
            f"loaded {self.cases:,} synthetic cases in {self.seconds:.1f} s ({self.rate:,.0f} cases/s): {rows}\n"
            f"template family's case: {self.template_case_id}"
        )


async def _clone(owner_url: str, template: Template, families: Families, count: int, batch: int, done: Any) -> None:
    """Copy `count` families in transactions of `batch`, adding each batch to the shared counter `done`."""
    import asyncpg

    conn = await asyncpg.connect(asyncpg_dsn(owner_url))
    try:
        copied = 0
        while copied < count:
            size = min(batch, count - copied)
            chunks: dict[str, list[str]] = {table: [] for table in TABLES}
            for _ in range(size):
                values, _, _ = families.values()
                for table, text in template.family(values).items():
                    chunks[table].append(text)
            async with conn.transaction():
                # Nothing here needs to survive a crash before the load finishes: it is run again instead.
                await conn.execute("SET LOCAL synchronous_commit = off")
                for table in TABLES:
                    await _copy_in(conn, table, "".join(chunks[table]))
            copied += size
            with done.get_lock():
                done.value += size
    finally:
        await conn.close()


def _clone_job(owner_url: str, template: Template, seed: int, count: int, batch: int, done: Any) -> None:
    """One worker process: its own connection and its own stream of families (seed, job)."""
    asyncio.run(_clone(owner_url, template, Families(template, seed), count, batch, done))


def _clone_all(
    owner_url: str, template: Template, seed: int, count: int, batch: int, jobs: int, progress: Progress
) -> None:
    """Generate and copy in `jobs` processes (one PostgreSQL backend each), so generating one batch overlaps
    with PostgreSQL parsing and indexing another."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # never fork a process holding event loops and connections
    done = context.Value("q", 1)
    if jobs == 1:  # in this process: no start-up cost (small loads, tests)
        asyncio.run(_clone(owner_url, template, Families(template, seed * 1000), count, batch, done))
        progress.update(int(done.value))
        return
    shares = [count // jobs + (1 if j < count % jobs else 0) for j in range(jobs)]
    workers = [
        context.Process(target=_clone_job, args=(owner_url, template, seed * 1000 + j, share, batch, done))
        for j, share in enumerate(shares)
        if share
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
    """Load `cases` families into the migrated database at owner_url (the first one through the API at app_url)."""
    import asyncpg

    if cases < 1:
        raise SynthFailed("--cases must be at least 1")
    out = out or sys.stderr
    started = time.perf_counter()

    async def marks() -> tuple[int, int]:
        conn = await asyncpg.connect(asyncpg_dsn(owner_url))
        try:
            o = await conn.fetchval("SELECT coalesce(max(seq), 0) FROM outbox")
            e = await conn.fetchval("SELECT coalesce(max(seq), 0) FROM access_events")
            return int(o), int(e)
        finally:
            await conn.close()

    outbox_after, events_after = asyncio.run(marks())
    _load_template_family(settings, app_url)

    async def template_rows() -> tuple[dict[str, str], list[str], set[str], str, str]:
        conn = await asyncpg.connect(asyncpg_dsn(owner_url))
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
            raise SynthFailed("the template family has no case")
        given = {w for p in people for w in (p["given"] or "").split()}
        family = {p["family"] for p in people if p["family"]}
        return copies, sorted(given | family), family, str(case["team"]), str(case["id"])

    copies, names, family_names, team, case_id = asyncio.run(template_rows())
    template = make_template(copies, names, family_names, team, case_id)
    progress = Progress(cases, out)
    progress.update(1)
    if cases > 1:
        _clone_all(owner_url, template, seed, cases - 1, batch, max(1, jobs), progress)
    progress.finish()
    rows = {table: n * cases for table, n in template.rows.items()}
    return SynthResult(cases=cases, seconds=time.perf_counter() - started, rows=rows, template_case_id=case_id)
