"""Benchmark the running API on PostgreSQL against a same-stack ceiling, reported as ratios within one run.

    .venv/bin/python -m bench.run [--database-url URL] [--seconds 5] [--concurrency 16] [--rounds 2]

Without --database-url a fresh database `sos_bench_<random>` is created on --server-url's server, migrated, and
dropped at the end. Two servers run as subprocesses, one worker each, with the same uvicorn options:
`sos-api serve` (ours) and `bench.ceiling` (a bare Litestar + asyncpg app with GET /ping and GET /doc/{id}).
Scenarios are interleaved (every round runs each once, in a rotated order) so drift on a noisy machine lands
on all of them alike. Absolute numbers here mean little; the ratios within the run are the result.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "latest.json"
# Where the fresh database is created: SOS_BENCH_SERVER_URL (a PostgreSQL server), or an embedded server of our own.
DEFAULT_SERVER_URL = os.environ.get("SOS_BENCH_SERVER_URL", "").strip() or "embedded"
ORG, OTHER_ORG = "la:845", "la:846"
CLK_TCK = os.sysconf("SC_CLK_TCK")
UUID_RE = r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
ERROR_LIMIT = 0.01  # a scenario with more failed requests than this is reported as failing, not as a speed


# --- the database ------------------------------------------------------------------------------------------


def url_for(server_url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def admin_sql(server_url: str, sql: str) -> None:
    """One statement outside a transaction (CREATE/DROP DATABASE) on the server's maintenance database."""
    from sqlalchemy.ext.asyncio import create_async_engine

    from sos_api.db.embedded import async_url

    async def run() -> None:
        engine = create_async_engine(async_url(server_url), isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                await conn.exec_driver_sql(sql)
        finally:
            await engine.dispose()

    asyncio.run(run())


def database_is_local(url: str) -> bool:
    """Whether the database's processes are on this machine (so their CPU can be read from /proc)."""
    from sqlalchemy.engine import make_url

    return make_url(url).host in (None, "", "127.0.0.1", "localhost", "::1")


# --- processes -----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def start_server(name: str, cmd: list[str], env: dict[str, str], port: int, log_dir: Path) -> Server:
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        # Its own session: a Ctrl-C reaches only us, and we stop the server ourselves (by its pid).
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return Server(name, proc, f"http://127.0.0.1:{port}", log_path)


def stop_server(server: Server) -> None:
    if server.proc.poll() is None:
        server.proc.terminate()
        try:
            server.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(timeout=15)


async def wait_ready(server: Server, path: str, within: float = 90.0) -> None:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(base_url=server.base_url, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if server.proc.poll() is not None:
                raise RuntimeError(f"{server.name} exited with {server.proc.returncode}:\n{server.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(path)).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{server.name} did not answer {path} within {within:.0f} s:\n{server.log_tail()}")


# --- CPU accounting (from /proc: what each side spent per request, independent of the client's speed) -------


def proc_cpu_seconds(pid: int) -> float | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime (all threads)


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident set (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


CLIENT_NAMES = {"raw": "raw asyncio HTTP/1.1", "wrk": "wrk (1 thread)"}


def is_postgres(pid: int) -> bool:
    try:
        return b"postgres" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def machine_busy_seconds() -> float:
    """CPU seconds spent by every process on the machine (all cores), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return (sum(values[:8]) - idle) / CLK_TCK


class Meter:
    """CPU seconds of one server process, of the database backends serving the benchmark's database, of this
    client process, and of the whole machine (the rest is somebody else's load); and audit rows written."""

    def __init__(self, database_url: str, *, local: bool) -> None:
        self.database_url = database_url
        self.local = local  # False: the database runs elsewhere, its CPU is not measured
        self.conn: Any = None

    async def open(self) -> None:
        import asyncpg

        from bench.ceiling import asyncpg_dsn

        self.conn = await asyncpg.connect(asyncpg_dsn(self.database_url))

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.close()

    async def _backends(self) -> dict[int, float]:
        if not self.local:
            return {}
        pids = await self.conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        out: dict[int, float] = {}
        for row in pids:
            pid = int(row["pid"])
            cpu = proc_cpu_seconds(pid) if is_postgres(pid) else None
            if cpu is not None:
                out[pid] = cpu
        return out

    async def snapshot(self, server_pid: int) -> dict[str, Any]:
        return {
            "server": proc_cpu_seconds(server_pid) or 0.0,
            "db": await self._backends(),
            "client": time.process_time(),
            "machine": machine_busy_seconds(),
            "audit_seq": int(await self.conn.fetchval("SELECT coalesce(max(seq), 0) FROM access_events")),
        }

    @staticmethod
    def spent(before: dict[str, Any], after: dict[str, Any]) -> dict[str, float | None]:
        db: float | None = None
        if after["db"] or before["db"]:
            # Backends opened during the phase count from zero; any closed during it are lost (rare: pooled).
            db = sum(cpu - before["db"].get(pid, 0.0) for pid, cpu in after["db"].items())
        server = after["server"] - before["server"]
        client = after["client"] - before["client"]
        machine = after["machine"] - before["machine"]
        return {
            "server": server,
            "db": db,
            "client": client,
            "machine": machine,
            "other": max(0.0, machine - server - client - (db or 0.0)),
        }


# --- scenarios ---------------------------------------------------------------------------------------------


Body = dict[str, Any] | None


@dataclass
class Scenario:
    key: str
    label: str
    target: str  # "ceiling" or "ours"
    method: str
    path: str
    expected: int
    authorised: bool = True
    body: Callable[[int], Body] | None = None  # worker index -> request body (writes)
    # For wrk: Lua defining `body(n)`, the n-th request's body in one wrk run (writes only); `{base}` is replaced
    # by the run's starting offset (Judgements.wrk_base), so consecutive runs never repeat a body.
    wrk_body: str | None = None


@dataclass
class Measurement:
    ok: int = 0
    refused: int = 0  # writes refused by a business rule (BR-02): should stay 0
    failed: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    cpu: dict[str, float | None] = field(default_factory=dict)
    audit_rows: int = 0  # access_events rows written during the measurement

    def add(self, other: Measurement) -> None:
        self.ok += other.ok
        self.refused += other.refused
        self.failed += other.failed
        self.elapsed += other.elapsed
        self.latencies.extend(other.latencies)
        self.errors.update(other.errors)
        self.audit_rows += other.audit_rows
        for name, value in other.cpu.items():
            mine = self.cpu.get(name)
            self.cpu[name] = None if value is None else (mine or 0.0) + value

    @property
    def total(self) -> int:
        return self.ok + self.refused + self.failed

    @property
    def error_rate(self) -> float:
        return (self.failed + self.refused) / self.total if self.total else 1.0

    @property
    def usable(self) -> bool:
        return self.ok > 0 and self.error_rate <= ERROR_LIMIT

    @property
    def rps(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    def add_quantiles(self, micros: list[float]) -> None:
        """wrk's latency distribution as 1,000 quantiles (0.05%, 0.15%... 99.95%, in microseconds), each standing
        for a thousandth of the requests: percentiles of these, and of several runs' together, are within 0.1%."""
        self.latencies.extend(us / 1_000_000 for us in micros)

    def cpu_ms_per_request(self, name: str) -> float | None:
        value = self.cpu.get(name)
        return None if value is None or not self.total else value / self.total * 1000

    def summary(self) -> dict[str, Any]:
        return {
            "requests_ok": self.ok,
            "refused": self.refused,
            "failed": self.failed,
            "error_rate": round(self.error_rate, 5),
            "seconds": round(self.elapsed, 3),
            "requests_per_second": round(self.rps, 1),
            "p50_ms": round(self.percentile(0.50) * 1000, 3),
            "p95_ms": round(self.percentile(0.95) * 1000, 3),
            "p99_ms": round(self.percentile(0.99) * 1000, 3),
            "cpu_ms_per_request": {
                name: None if (v := self.cpu_ms_per_request(name)) is None else round(v, 4)
                for name in ("server", "db", "client")
            },
            "cores_busy": {
                name: None if value is None or not self.elapsed else round(value / self.elapsed, 3)
                for name, value in self.cpu.items()
            },
            "audit_rows_per_request": round(self.audit_rows / self.total, 2) if self.total else None,
            "errors": dict(self.errors.most_common(10)),
        }


def describe_failure(method: str, path: str, body: Body, status: int | str, text: str) -> str:
    sent = "" if body is None else " " + json.dumps(body, separators=(",", ":"))[:300]
    return f"{status} {method} {path}{sent} -> {text[:500]}"


class TransportError(Exception):
    """A request that got no HTTP response (refused, reset, timed out, unparsable)."""


class Transport:
    """Sends one worker's request and returns (status, body). One per scenario and server."""

    async def send(
        self, worker: int, method: str, path: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, bytes]:
        raise NotImplementedError

    async def aclose(self) -> None:
        raise NotImplementedError


class HttpxTransport(Transport):
    """httpx.AsyncClient with a pool of `concurrency` keep-alive connections."""

    def __init__(self, base_url: str, concurrency: int) -> None:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        self.client = httpx.AsyncClient(base_url=base_url, limits=limits, timeout=httpx.Timeout(30.0))

    async def send(
        self, worker: int, method: str, path: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, bytes]:
        try:
            response = await self.client.request(method, path, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc
        return response.status_code, response.content

    async def aclose(self) -> None:
        await self.client.aclose()


class RawTransport(Transport):
    """A minimal HTTP/1.1 client: one keep-alive connection per worker, Content-Length or chunked bodies.

    It spends a fraction of httpx's CPU per request, so on a small machine the servers rather than the client set
    the pace (httpx alone can fill a core at ~1,500 req/s, which flattens every fast scenario to the same number).
    """

    def __init__(self, base_url: str, concurrency: int) -> None:
        parsed = httpx.URL(base_url)
        self.host, self.port = parsed.host, parsed.port or 80
        self.host_header = f"{self.host}:{self.port}"
        self.conns: list[tuple[asyncio.StreamReader, asyncio.StreamWriter] | None] = [None] * concurrency

    async def send(
        self, worker: int, method: str, path: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, bytes]:
        conn = self.conns[worker]
        try:
            if conn is None:
                conn = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), 30)
                self.conns[worker] = conn
            reader, writer = conn
            lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host_header}"]
            lines += [f"{name}: {value}" for name, value in headers.items()]
            if body is not None:
                lines.append(f"Content-Length: {len(body)}")
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b""))
            status, content, keep = await asyncio.wait_for(self._response(reader), 30)
        except (
            OSError,
            TimeoutError,
            EOFError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            ValueError,
        ) as exc:
            self._drop(worker)
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc
        if not keep:
            self._drop(worker)
        return status, content

    @staticmethod
    async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        status_line, *header_lines = head[:-4].split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        fields: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        keep = fields.get("connection", "").lower() != "close"
        if "content-length" in fields:
            return status, await reader.readexactly(int(fields["content-length"])), keep
        if fields.get("transfer-encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await reader.readexactly(size + 2)
                if size == 0:
                    while chunk != b"\r\n":  # trailers
                        chunk = await reader.readuntil(b"\r\n")
                    return status, b"".join(chunks), keep
                chunks.append(chunk[:-2])
        if status in (204, 304) or 100 <= status < 200:
            return status, b"", keep
        return status, await reader.read(), False

    def _drop(self, worker: int) -> None:
        conn, self.conns[worker] = self.conns[worker], None
        if conn is not None:
            conn[1].close()

    async def aclose(self) -> None:
        for worker in range(len(self.conns)):
            self._drop(worker)


TRANSPORTS: dict[str, Callable[[str, int], Transport]] = {"raw": RawTransport, "httpx": HttpxTransport}


async def drive(
    transport: Transport, scenario: Scenario, headers: dict[str, str], seconds: float, concurrency: int
) -> Measurement:
    """`concurrency` workers send the scenario's request back to back for `seconds`."""
    m = Measurement()
    stop = time.perf_counter() + seconds
    json_headers = headers | {"Content-Type": "application/json"}

    async def worker(index: int) -> None:
        while time.perf_counter() < stop:
            body = scenario.body(index) if scenario.body else None
            payload = None if body is None else json.dumps(body, separators=(",", ":")).encode()
            started = time.perf_counter()
            try:
                status, content = await transport.send(
                    index, scenario.method, scenario.path, headers if payload is None else json_headers, payload
                )
            except TransportError as exc:
                m.failed += 1
                m.errors[describe_failure(scenario.method, scenario.path, body, "no response", str(exc))] += 1
                continue
            took = time.perf_counter() - started
            if status == scenario.expected:
                m.ok += 1
                m.latencies.append(took)
                continue
            text = content.decode(errors="replace")
            if status == 409 and '"BR-02"' in text:
                m.refused += 1
                m.errors[describe_failure(scenario.method, scenario.path, None, 409, "BR-02 duplicate")] += 1
            else:
                m.failed += 1
                m.errors[describe_failure(scenario.method, scenario.path, body, status, text)] += 1

    began = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    m.elapsed = time.perf_counter() - began
    return m


# --- wrk: the load generator in C (make bench) -------------------------------------------------------------

WRK_SCRIPT = """
local expected = {expected}
local method = "{method}"
local headers = {headers}
-- Globals, not locals: done() reads them from each thread's state with thread:get().
counter = 0
failures, nfailures = "", 0
{body}
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function request()
  counter = counter + 1
  local payload = nil
  if body ~= nil then payload = body(counter) end
  return wrk.format(method, nil, headers, payload)
end
function response(status, hdrs, text)
  if status ~= expected and nfailures < 5 then
    nfailures = nfailures + 1
    failures = failures .. status .. " " .. string.gsub(string.sub(text or "", 1, 300), "\\n", " ") .. "\\n"
  end
end
local function quote(s)
  s = string.gsub(s, "%c", " ")
  return '"' .. string.gsub(string.gsub(s, '\\\\', '\\\\\\\\'), '"', '\\\\"') .. '"'
end
function done(summary, latency, requests)
  local f = io.open("{out}", "w")
  local hist = {{}}
  if summary.requests > 0 then
    for i = 0, 999 do table.insert(hist, string.format("%.1f", latency:percentile((i + 0.5) / 10))) end
  end
  local fails, sent = {{}}, 0
  for _, t in ipairs(threads) do
    sent = sent + (t:get("counter") or 0)
    for text in string.gmatch(t:get("failures") or "", "[^\\n]+") do table.insert(fails, quote(text)) end
  end
  local e = summary.errors
  f:write("{{\\"requests\\":" .. summary.requests .. ",\\"duration_us\\":" .. summary.duration ..
    ",\\"sent\\":" .. sent ..
    ",\\"connect\\":" .. e.connect .. ",\\"read\\":" .. e.read .. ",\\"write\\":" .. e.write ..
    ",\\"status\\":" .. e.status .. ",\\"timeout\\":" .. e.timeout ..
    ",\\"failures\\":[" .. table.concat(fails, ",") .. "]" ..
    ",\\"hist\\":[" .. table.concat(hist, ",") .. "]}}")
  f:close()
end
"""


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string literal for the ASCII we send


def wrk_script(scenario: Scenario, headers: dict[str, str], out: Path, base: int) -> str:
    all_headers = dict(headers)
    if scenario.wrk_body is not None:
        all_headers["Content-Type"] = "application/json"
    lua_headers = "{" + ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in all_headers.items()) + "}"
    body = scenario.wrk_body.replace("{base}", str(base)) if scenario.wrk_body else "local body = nil"
    return WRK_SCRIPT.format(
        expected=scenario.expected, method=scenario.method, headers=lua_headers, body=body, out=out
    )


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is not installed: `make bench` installs it (apt-get install wrk), or use --client raw")
    return found


async def drive_wrk(
    base_url: str, scenario: Scenario, headers: dict[str, str], seconds: float, concurrency: int, state: WrkState
) -> Measurement:
    """One wrk run (one thread: the client must not take the servers' cores) of `concurrency` connections."""
    with tempfile.TemporaryDirectory(prefix="sos-wrk-") as scratch:
        script, out = Path(scratch) / "s.lua", Path(scratch) / "out.json"
        script.write_text(wrk_script(scenario, headers, out, state.base))
        cmd = [
            wrk_binary(),
            "-t1",
            f"-c{concurrency}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base_url + scenario.path,
        ]
        proc = await asyncio.create_subprocess_exec(
            *cmd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        printed, _ = await proc.communicate()
        if proc.returncode != 0 or not out.exists():
            raise RuntimeError(f"wrk failed ({proc.returncode}): {printed.decode(errors='replace')[-2000:]}")
        result = json.loads(out.read_text())
    m = Measurement()
    failed = result["status"] + result["connect"] + result["read"] + result["write"] + result["timeout"]
    m.failed = failed
    m.ok = max(0, result["requests"] - result["status"])
    m.elapsed = result["duration_us"] / 1_000_000
    m.add_quantiles(result["hist"])
    for text in result["failures"]:
        m.errors[describe_failure(scenario.method, scenario.path, None, "wrk", text)] += 1
    if result["connect"] or result["read"] or result["write"] or result["timeout"]:
        m.errors[
            f"socket errors: {result['connect']} connect, {result['read']} read, {result['write']} write, "
            f"{result['timeout']} timeout"
        ] += 1
    state.advance(int(result["sent"]))
    return m


@dataclass
class WrkState:
    """Where the next wrk run's generated bodies start (so no two runs send the same judgement)."""

    people: int = 1
    base: int = 1

    def advance(self, sent: int) -> None:
        self.base += sent // max(1, self.people) + 1


class Judgements:
    """Valid judgement bodies under load: each worker speaks for its own person and moves one day back per
    judgement, so no two judgements share a person and a day (BR-02 never refuses)."""

    def __init__(self, people: list[str]) -> None:
        self.people = people
        self.days_back = [1] * len(people)  # from yesterday: never "in the future" in London
        self.today = dt.datetime.now(dt.UTC).date()

    def body(self, worker: int) -> Body:
        back = self.days_back[worker]
        self.days_back[worker] = back + 1
        return {
            "value": back % 11,
            "perspective": {
                "perspective_role": "parent_carer",
                "perspective_person_id": self.people[worker],
                "own_words": True,
            },
            "reason": "Benchmark judgement.",
            "given_on": (self.today - dt.timedelta(days=back)).isoformat(),
        }

    def wrk_body(self) -> str:
        """The same bodies for wrk: the n-th request speaks for person n mod P, one day further back per round of
        people, from the run's base offset on (never a day the raw client's sanity check used)."""
        people = "{" + ", ".join(f'"{p}"' for p in self.people) + "}"
        return (
            f"local people = {people}\n"
            "function body(n)\n"
            "  local i = (n - 1) % #people\n"
            "  local back = {base} + math.floor((n - 1) / #people)\n"
            '  local day = os.date("!%Y-%m-%d", os.time() - back * 86400)\n'
            '  return \'{"value":\' .. (back % 11) .. \',"perspective":{"perspective_role":"parent_carer",\''
            ' .. \'"perspective_person_id":"\' .. people[i + 1] .. \'","own_words":true},\''
            ' .. \'"reason":"Benchmark judgement.","given_on":"\' .. day .. \'"}\'\n'
            "end\n"
        )


# --- seeding ---------------------------------------------------------------------------------------------


@dataclass
class Seed:
    case_id: str
    map_id: str
    danger_id: str  # drinking: its series is read
    school_danger_id: str
    write_question_id: str  # the school danger's scale: judgements are written there
    writer_people: list[str]
    map_body: dict[str, Any]  # the demo's current map as a client sends it: each createMap appends a draft
    extra_cases: int
    seconds: float


def parse_demo(summary: str) -> dict[str, str]:
    patterns = {
        "case": rf"^\s*case\s+{UUID_RE}",
        "map": rf"^\s*current map\s+{UUID_RE}",
        "danger": rf"^\s*danger\s+{UUID_RE} \(drinking\)",
        "school_danger": rf"^\s*danger\s+{UUID_RE} \(school attendance\)",
    }
    found: dict[str, str] = {}
    for name, pattern in patterns.items():
        match = re.search(pattern, summary, re.MULTILINE)
        if match is None:
            raise RuntimeError(f"cannot find the {name} id in the demo summary:\n{summary}")
        found[name] = match.group(1)
    return found


async def expect(response: httpx.Response, status: int) -> dict[str, Any]:
    if response.status_code != status:
        request = response.request
        raise RuntimeError(f"seeding: {request.method} {request.url.path}: {response.status_code} {response.text}")
    body: dict[str, Any] = response.json()
    return body


async def post_once(client: httpx.AsyncClient, path: str, headers: dict[str, str], body: Body) -> dict[str, Any]:
    """A seeding POST (201), sent again under the same Idempotency-Key when the connection drops (a keep-alive
    connection the server closed as it was reused: httpx.ReadError), so a dropped connection neither stops the run
    nor writes twice; while the first attempt is still running, its key answers 409, and we wait for it."""
    keyed = headers | {"Idempotency-Key": f'"bench-seed-{uuid.uuid4()}"'}
    for attempt in range(50):
        try:
            response = await client.post(path, headers=keyed, json=body)
        except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError):
            if attempt >= 4:
                raise
            continue
        if response.status_code != 409:
            return await expect(response, 201)
        await asyncio.sleep(0.1)
    raise RuntimeError(f"seeding: POST {path} stayed in flight")


async def seed_through_api(
    ours: Server, tokens: dict[str, str], demo: dict[str, str], extra_cases: int, concurrency: int
) -> Seed:
    """Extra cases (so tables are not trivially small: another council's, other teams' and our team's), one
    person per load worker for the judgements, and the write target's question id."""
    from sos_api.demo import DEMO_TEAM
    from sos_schema import AssessmentMapCreate

    started = time.perf_counter()
    worker = {"Authorization": f"Bearer {tokens['worker']}"}
    other_council = {"Authorization": f"Bearer {tokens['other_council']}"}
    today = dt.date.today()
    next_index = iter(range(extra_cases))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=ours.base_url, limits=limits, timeout=60.0) as client:

        async def make_case(i: int) -> None:
            # One in four in another council (row-level security hides them), one in four in our team,
            # the rest in other teams of our council (scope hides them).
            headers = other_council if i % 4 == 0 else worker
            team = DEMO_TEAM if i % 4 == 1 else f"Bench team {i % 7}"
            born = (today - dt.timedelta(days=400 + i % 5000)).isoformat()
            child = await post_once(
                client,
                "/v1/people",
                headers,
                {"given_names": f"Child{i}", "family_name": "Bench", "date_of_birth": born},
            )
            case = {
                "family_label": f"Bench family {i}",
                "opened_on": (today - dt.timedelta(days=i % 700)).isoformat(),
                "team": team,
                "members": [{"person_id": child["id"], "role": "child"}],
            }
            await post_once(client, "/v1/cases", headers, case)

        async def seeder() -> None:
            for i in next_index:
                await make_case(i)

        await asyncio.gather(*(seeder() for _ in range(concurrency)))

        writer_people = []
        for w in range(concurrency):
            body = {"given_names": f"Carer{w}", "family_name": "Bench", "sex": "female"}
            writer_people.append(str((await post_once(client, "/v1/people", worker, body))["id"]))

        school = await expect(await client.get(f"/v1/danger-statements/{demo['school_danger']}", headers=worker), 200)
        question_id = school["safety_goal"]["scale_question_id"]
        if not question_id:
            raise RuntimeError("the demo's school danger has no scaling question")
        current = await expect(await client.get(f"/v1/cases/{demo['case']}/maps/current", headers=worker), 200)
        # Not made in the meeting (a revision's rule too): only what a client sends for a new draft.
        map_body = {name: current[name] for name in AssessmentMapCreate.__struct_fields__ if name in current}
        map_body["meeting_id"] = None
    return Seed(
        case_id=demo["case"],
        map_id=demo["map"],
        danger_id=demo["danger"],
        school_danger_id=demo["school_danger"],
        write_question_id=str(question_id),
        writer_people=writer_people,
        map_body=map_body,
        extra_cases=extra_cases,
        seconds=time.perf_counter() - started,
    )


def scenarios(seed: Seed, judgements: Judgements) -> list[Scenario]:
    return [
        Scenario("ping", "ceiling GET /ping", "ceiling", "GET", "/ping", 200, authorised=False),
        Scenario("health", "ours GET /health", "ours", "GET", "/health", 200, authorised=False),
        Scenario("doc", "ceiling GET /doc/{case}", "ceiling", "GET", f"/doc/{seed.case_id}", 200),
        Scenario("getCase", "ours GET /v1/cases/{id}", "ours", "GET", f"/v1/cases/{seed.case_id}", 200),
        Scenario(
            "getCurrentMap",
            "ours GET /v1/cases/{id}/maps/current",
            "ours",
            "GET",
            f"/v1/cases/{seed.case_id}/maps/current",
            200,
        ),
        Scenario(
            "getDangerScalingSeries",
            "ours GET /v1/danger-statements/{id}/scaling-series",
            "ours",
            "GET",
            f"/v1/danger-statements/{seed.danger_id}/scaling-series",
            200,
        ),
        Scenario("listCases", "ours GET /v1/cases?limit=50", "ours", "GET", "/v1/cases?limit=50", 200),
        Scenario(
            "ceilingWrite",
            "ceiling POST /docs",
            "ceiling",
            "POST",
            "/docs",
            201,
            body=ceiling_body,
            wrk_body=CEILING_WRK_BODY,
        ),
        Scenario(
            "recordJudgement",
            "ours POST /v1/scaling-questions/{id}/judgements",
            "ours",
            "POST",
            f"/v1/scaling-questions/{seed.write_question_id}/judgements",
            201,
            body=judgements.body,
            wrk_body=judgements.wrk_body(),
        ),
        Scenario(
            "createMap",
            "ours POST /v1/cases/{id}/maps (a new map version)",
            "ours",
            "POST",
            f"/v1/cases/{seed.case_id}/maps",
            201,
            body=lambda _: seed.map_body,
            wrk_body=f"local map = [==[{json.dumps(seed.map_body)}]==]\nfunction body(n)\n  return map\nend\n",
        ),
    ]


def ceiling_body(worker: int) -> Body:
    return {"value": worker % 11, "reason": "Benchmark judgement.", "given_on": "2026-01-01"}


CEILING_WRK_BODY = """
function body(n)
  return '{"value":' .. (n % 11) .. ',"reason":"Benchmark judgement.","given_on":"2026-01-01"}'
end
"""


SCENARIO_KEYS = (
    "ping",
    "health",
    "doc",
    "getCase",
    "getCurrentMap",
    "getDangerScalingSeries",
    "listCases",
    "ceilingWrite",
    "recordJudgement",
    "createMap",
)


def only_keys(only: str | None) -> set[str]:
    return {k.strip() for k in only.split(",") if k.strip()} if only else set(SCENARIO_KEYS)


def selected(plan: list[Scenario], only: str | None) -> list[Scenario]:
    keys = only_keys(only)
    return [s for s in plan if s.key in keys]


# --- the run ---------------------------------------------------------------------------------------------


async def sanity_check(servers: dict[str, Server], plan: list[Scenario], headers: dict[str, str]) -> dict[str, Any]:
    """One request per scenario before timing anything: the right status, and what the response looks like."""
    seen: dict[str, Any] = {}
    for s in plan:
        async with httpx.AsyncClient(base_url=servers[s.target].base_url, timeout=30.0) as client:
            body = s.body(0) if s.body else None
            r = await client.request(s.method, s.path, json=body, headers=headers if s.authorised else {})
        if r.status_code != s.expected:
            raise RuntimeError(
                f"sanity check failed: {describe_failure(s.method, s.path, body, r.status_code, r.text)}"
            )
        info: dict[str, Any] = {"status": r.status_code, "bytes": len(r.content)}
        parsed = r.json()
        if isinstance(parsed, dict) and isinstance(parsed.get("items"), list):
            info["items"] = len(parsed["items"])
        if isinstance(parsed, dict) and isinstance(parsed.get("points"), list):
            info["points"] = len(parsed["points"])
        seen[s.key] = info
    if seen.get("listCases", {}).get("items") != 50 and "listCases" in seen:
        print(f"note: GET /v1/cases?limit=50 returned {seen['listCases'].get('items')} items", flush=True)
    return seen


async def measure_all(
    args: argparse.Namespace,
    servers: dict[str, Server],
    plan: list[Scenario],
    token: str,
    meter: Meter,
    wrk_state: WrkState,
) -> tuple[dict[str, Measurement], list[dict[str, Measurement]]]:
    headers = {"Authorization": f"Bearer {token}"}
    total: dict[str, Measurement] = {s.key: Measurement() for s in plan}
    per_round: list[dict[str, Measurement]] = []
    for r in range(args.rounds):
        order = plan[r % len(plan) :] + plan[: r % len(plan)]  # rotate so no scenario always runs first
        this_round: dict[str, Measurement] = {}
        for s in order:
            server = servers[s.target]
            h = headers if s.authorised else {}
            if args.client == "wrk":
                if args.warmup > 0:
                    await drive_wrk(server.base_url, s, h, args.warmup, args.concurrency, wrk_state)
                before = await meter.snapshot(server.proc.pid)
                m = await drive_wrk(server.base_url, s, h, args.seconds, args.concurrency, wrk_state)
                after = await meter.snapshot(server.proc.pid)
                m.cpu = Meter.spent(before, after)
                m.audit_rows = after["audit_seq"] - before["audit_seq"]
                wrk_state.advance(0)
            else:
                # Fresh connections per scenario (uvicorn closes idle keep-alive connections after 5 s).
                transport = TRANSPORTS[args.client](server.base_url, args.concurrency)
                try:
                    if args.warmup > 0:
                        await drive(transport, s, h, args.warmup, args.concurrency)
                    before = await meter.snapshot(server.proc.pid)
                    m = await drive(transport, s, h, args.seconds, args.concurrency)
                    after = await meter.snapshot(server.proc.pid)
                    m.cpu = Meter.spent(before, after)
                    m.audit_rows = after["audit_seq"] - before["audit_seq"]
                finally:
                    await transport.aclose()
            if server.proc.poll() is not None:
                raise RuntimeError(f"{server.name} died during {s.label}:\n{server.log_tail()}")
            this_round[s.key] = m
            total[s.key].add(m)
            flag = "" if m.usable else f"  ERRORS {m.error_rate:.1%}"
            print(
                f"  round {r + 1}/{args.rounds}  {s.label:<52} {m.rps:8.1f} req/s  "
                f"p50 {m.percentile(0.5) * 1000:7.2f} ms{flag}",
                flush=True,
            )
        per_round.append(this_round)
    return total, per_round


# --- ratios and the report -------------------------------------------------------------------------------


OURS_VS_DOC = ("getCase", "getCurrentMap", "getDangerScalingSeries", "listCases")


def ratio(a: Measurement | None, b: Measurement | None) -> float | None:
    if a is None or b is None or not a.usable or not b.usable or not b.rps:
        return None
    return a.rps / b.rps


def cost_ratio(a: Measurement, b: Measurement, name: str) -> float | None:
    x, y = a.cpu_ms_per_request(name), b.cpu_ms_per_request(name)
    if x is None or y is None or not y or not a.usable or not b.usable:
        return None
    return x / y


def ratio_pairs() -> list[tuple[str, str, str]]:
    """(name, numerator, denominator) for throughput ratios."""
    pairs = [(f"{key} vs ceiling /doc", key, "doc") for key in OURS_VS_DOC]
    pairs += [
        ("health vs ceiling /ping", "health", "ping"),
        ("ceiling /doc vs ceiling /ping", "doc", "ping"),
        ("recordJudgement (write) vs ceiling write", "recordJudgement", "ceilingWrite"),
        ("recordJudgement (write) vs getCase (read)", "recordJudgement", "getCase"),
        ("createMap (write) vs ceiling write", "createMap", "ceilingWrite"),
    ]
    return pairs


def compute_ratios(total: dict[str, Measurement], per_round: list[dict[str, Measurement]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, num, den in ratio_pairs():
        if num not in total or den not in total:
            continue
        rounds = [ratio(r.get(num), r.get(den)) for r in per_round]
        known = [x for x in rounds if x is not None]
        a, b = total[num], total[den]
        out[name] = {
            "throughput": None if (x := ratio(a, b)) is None else round(x, 3),
            "throughput_range_over_rounds": [round(min(known), 3), round(max(known), 3)] if known else None,
            "p50_latency": round(a.percentile(0.5) / b.percentile(0.5), 3) if a.usable and b.usable else None,
            "p99_latency": round(a.percentile(0.99) / b.percentile(0.99), 3) if a.usable and b.usable else None,
            "server_cpu_per_request": None if (c := cost_ratio(a, b, "server")) is None else round(c, 2),
            "db_cpu_per_request": None if (d := cost_ratio(a, b, "db")) is None else round(d, 2),
        }
    return out


def fmt(value: float | None, spec: str, suffix: str = "") -> str:
    if value is None:
        width = re.match(r"\d*", spec)
        return "-".rjust(int(width.group() or 0) + len(suffix) if width else 1)
    return f"{value:{spec}}{suffix}"


def print_report(
    plan: list[Scenario], total: dict[str, Measurement], ratios: dict[str, Any], meta: dict[str, Any]
) -> None:
    print()
    print(
        f"sos-api benchmark  {meta['date']}  nproc={meta['nproc']}  concurrency={meta['concurrency']}  "
        f"{meta['seconds']:g} s x {meta['rounds']} rounds per scenario  (warm-up {meta['warmup']:g} s)  "
        f"client: {meta['client']}"
    )
    print(f"database {meta['database']['name']} ({meta['database']['extra_cases']} extra cases seeded)")
    rss = ", ".join(f"{name} {fmt(mb, '.0f', ' MB')}" for name, mb in meta["peak_rss_mb"].items())
    print(f"server: {meta['server']} (SOS_SERVER), one worker each; peak RSS: {rss}")
    header = (
        f"{'scenario':<52} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
        f"{'srv cpu':>8} {'db cpu':>8} {'audit':>6} {'client':>7} {'other':>6}"
    )
    print()
    print(header)
    print(f"{'':<52} {'':>8} {'':>8} {'':>8} {'':>7} {'ms/req':>8} {'ms/req':>8} {'rows':>6} {'cores':>7} {'cores':>6}")
    print("-" * len(header))
    for s in plan:
        m = total[s.key]
        summary = m.summary()
        busy = summary["cores_busy"]
        speed = f"{m.rps:8.1f}" if m.usable else f"{'ERRORS':>8}"
        print(
            f"{s.label:<52} {speed} {m.percentile(0.5) * 1000:8.2f} {m.percentile(0.99) * 1000:8.2f} "
            f"{m.failed + m.refused:7d} {fmt(m.cpu_ms_per_request('server'), '8.3f')} "
            f"{fmt(m.cpu_ms_per_request('db'), '8.3f')} {fmt(summary['audit_rows_per_request'], '6.1f')} "
            f"{fmt(busy.get('client'), '7.2f')} {fmt(busy.get('other'), '6.2f')}"
        )
    print(
        "srv cpu: the server process's CPU per request; db cpu: the database backends' CPU per request; audit rows:\n"
        "access_events rows written per request; client/other: cores used by the load generator / by everything\n"
        "else on the machine while measuring (other load makes every number noisier: compare ratios, not speeds)."
    )
    print()
    print(
        f"{'ratio (ours / reference)':<44} {'throughput':>10} {'over rounds':>13} {'p50 latency':>12} "
        f"{'p99 latency':>12} {'srv cpu/req':>12} {'db cpu/req':>11}"
    )
    print("-" * 120)
    for name, r in ratios.items():
        if r["throughput"] is None:
            print(f"{name:<44} {'n/a: errors':>11}")
            continue
        rng = r["throughput_range_over_rounds"]
        spread = f"{rng[0]:.2f}..{rng[1]:.2f}" if rng and meta["rounds"] > 1 else "-"
        print(
            f"{name:<44} {r['throughput']:9.3f}x {spread:>13} {fmt(r['p50_latency'], '11.2f', 'x')} "
            f"{fmt(r['p99_latency'], '11.2f', 'x')} "
            f"{fmt(r['server_cpu_per_request'], '11.2f', 'x')} {fmt(r['db_cpu_per_request'], '10.2f', 'x')}"
        )
    print(
        "throughput: requests/s relative to the reference (higher is better); p50/p99 latency and cpu/req: how many\n"
        "times the reference's (lower is better)."
    )
    failing = [(s, total[s.key]) for s in plan if total[s.key].errors]
    if failing:
        print()
        print("errors:")
        for s, m in failing:
            print(f"  {s.label}: {m.failed} failed, {m.refused} refused of {m.total}")
            for text, count in m.errors.most_common(5):
                print(f"    {count} x {text}")


# --- main ------------------------------------------------------------------------------------------------


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def benchmark_database(args: argparse.Namespace, work: Path) -> Iterator[tuple[str, str, bool]]:
    """(url, name, created): the given database, or a fresh one dropped afterwards (on --server-url's server, or
    on an embedded server in the scratch directory, deleted afterwards)."""
    if args.database_url:
        from sqlalchemy.engine import make_url

        yield args.database_url, str(make_url(args.database_url).database), False
        return
    if args.server_url == "embedded":
        from sos_api.db.embedded import start_embedded

        print("starting an embedded PostgreSQL (set SOS_BENCH_SERVER_URL to use a server)", flush=True)
        args.server_url = start_embedded(work / "embedded", delete_at_exit=True)
    name = f"sos_bench_{uuid.uuid4().hex[:10]}"
    admin_sql(args.server_url, f'CREATE DATABASE "{name}"')
    try:
        yield url_for(args.server_url, name), name, True
    finally:
        try:
            admin_sql(args.server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            print(f"dropped database {name}", flush=True)
        except Exception as exc:  # report, never hide: the database would be left behind
            print(f"could not drop database {name}: {exc}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Workspace:
    """A benchmark's scratch directory (the server's data and logs, deleted afterwards) and its database."""

    work: Path
    data_dir: Path
    log_dir: Path
    url: str
    db_name: str
    created: bool


def open_workspace(stack: contextlib.ExitStack, args: argparse.Namespace, prefix: str) -> Workspace:
    """The scratch directory and the database (`benchmark_database`), migrated; both undone when `stack` closes."""
    from sos_api.db.migrate import upgrade

    work = Path(tempfile.mkdtemp(prefix=prefix))
    stack.callback(shutil.rmtree, work, ignore_errors=True)
    data_dir, log_dir = work / "data", work / "logs"
    data_dir.mkdir()
    log_dir.mkdir()
    url, db_name, created = stack.enter_context(benchmark_database(args, work))
    print(f"database {db_name} ({'created' if created else 'given'}); migrating", flush=True)
    upgrade(url)
    return Workspace(work, data_dir, log_dir, url, db_name, created)


def server_env(space: Workspace) -> dict[str, str]:
    """The environment every benchmarked server runs in: none of ours but SOS_SERVER (granian or uvicorn, so all
    are served alike), and the workspace's database, data directory and local issuer."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOS_") or k == "SOS_SERVER"}
    # As the owner: `serve` migrates first, which the app login may not; requests still run as the app's role (set
    # per transaction), under row-level security.
    return env | {"SOS_DATABASE_URL": space.url, "SOS_DATA_DIR": str(space.data_dir), "SOS_LOCAL_ISSUER": "true"}


def serve_ours(stack: contextlib.ExitStack, space: Workspace) -> Server:
    """`sos-api serve` on a free port, stopped when `stack` closes."""
    sos_api_bin = Path(sys.executable).parent / "sos-api"
    serve = [str(sos_api_bin)] if sos_api_bin.exists() else [sys.executable, "-m", "sos_api.cli"]
    port = free_port()
    server = start_server("ours", [*serve, "serve", "--port", str(port)], server_env(space), port, space.log_dir)
    stack.callback(stop_server, server)
    return server


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--database-url", help="use this (migrated or empty) database as is; default: a fresh one")
    p.add_argument(
        "--server-url",
        default=DEFAULT_SERVER_URL,
        help="where the fresh database is created: a postgresql:// URL, or 'embedded' (default: SOS_BENCH_SERVER_URL, "
        "else embedded)",
    )
    p.add_argument("--seconds", type=float, default=5.0, help="measured seconds per scenario per round")
    p.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds before each measurement")
    p.add_argument("--concurrency", type=int, default=16, help="simultaneous client workers (and connections)")
    p.add_argument("--rounds", type=int, default=2, help="interleaved rounds over all scenarios")
    p.add_argument("--extra-cases", type=int, default=1000, help="cases created through the API before timing")
    p.add_argument("--only", help="comma-separated scenario keys to run (default: all), e.g. getCase,doc")
    p.add_argument(
        "--client",
        choices=sorted([*TRANSPORTS, "wrk"]),
        default="raw",
        help="load generator: wrk (C, one thread; make bench), or a Python client (raw asyncio, httpx)",
    )
    p.add_argument("--output", type=Path, default=RESULTS, help="where the JSON results go")
    args = p.parse_args(argv)
    unknown = only_keys(args.only) - set(SCENARIO_KEYS)
    if unknown:
        p.error(f"unknown scenarios {sorted(unknown)}; known: {', '.join(SCENARIO_KEYS)}")
    return args


def quiet_http_logs() -> None:
    """The demo's in-process app configures logging at INFO; httpx would then log every request."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


def run(args: argparse.Namespace) -> int:
    from sos_api.auth.tokens import mint_token
    from sos_api.demo import DEMO_TEAM, load_demo
    from sos_api.serving import server_name
    from sos_api.settings import Settings

    with contextlib.ExitStack() as stack:
        space = open_workspace(stack, args, "sos-bench-")
        data_dir, url = space.data_dir, space.url

        settings = Settings(data_dir=data_dir, local_issuer=True, database_url=url)
        # Minted first: this creates the local signing key in data_dir that the server will trust.
        tokens = {
            "worker": mint_token(
                settings,
                roles=["social_worker"],
                organisation=ORG,
                subject="bench-worker",
                ttl_seconds=6 * 3600,
                extra={"teams": [DEMO_TEAM]},
            ),
            "other_council": mint_token(
                settings,
                roles=["social_worker"],
                organisation=OTHER_ORG,
                subject="bench-other",
                ttl_seconds=3600,
                extra={"teams": ["Bench team 0"]},
            ),
        }
        quiet_http_logs()
        demo = parse_demo(load_demo(settings, url, organisation=ORG))

        ours = serve_ours(stack, space)
        ceiling_port = free_port()
        ceiling_cmd = [sys.executable, "-m", "bench.ceiling", "--port", str(ceiling_port), "--database-url", url]
        ceiling_cmd += ["--data-dir", str(data_dir), "--issuer", settings.local_issuer_name]
        ceiling_cmd += ["--audience", settings.audience]
        ceiling = start_server("ceiling", ceiling_cmd, server_env(space), ceiling_port, space.log_dir)
        stack.callback(stop_server, ceiling)
        servers = {"ours": ours, "ceiling": ceiling}

        async def main_async() -> tuple[Seed, dict[str, Any], dict[str, Measurement], list[dict[str, Measurement]]]:
            await asyncio.gather(wait_ready(ours, "/health"), wait_ready(ceiling, "/ping"))
            print(f"servers up: ours {ours.base_url}, ceiling {ceiling.base_url}; seeding", flush=True)
            seed = await seed_through_api(ours, tokens, demo, args.extra_cases, args.concurrency)
            print(f"seeded {seed.extra_cases} extra cases in {seed.seconds:.1f} s", flush=True)
            plan = selected(scenarios(seed, Judgements(seed.writer_people)), args.only)
            seen = await sanity_check(servers, plan, {"Authorization": f"Bearer {tokens['worker']}"})
            meter = Meter(url, local=database_is_local(url))
            await meter.open()
            try:
                wrk_state = WrkState(people=len(seed.writer_people), base=10)
                total, per_round = await measure_all(args, servers, plan, tokens["worker"], meter, wrk_state)
            finally:
                await meter.close()
            return seed, seen, total, per_round

        quiet_http_logs()  # again: the demo's in-process app configured logging
        seed, seen, total, per_round = asyncio.run(main_async())
        peak_rss = {name: peak_rss_mb(server.proc.pid) for name, server in servers.items()}
        plan = selected(scenarios(seed, Judgements(seed.writer_people)), args.only)
        ratios = compute_ratios(total, per_round)
        meta: dict[str, Any] = {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "nproc": os.cpu_count(),
            "host": platform.node(),
            "python": platform.python_version(),
            "concurrency": args.concurrency,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "rounds": args.rounds,
            "client": CLIENT_NAMES.get(args.client, f"httpx {httpx.__version__}"),
            "server": server_name(),
            "peak_rss_mb": peak_rss,
            "database": {"name": space.db_name, "created": space.created, "extra_cases": seed.extra_cases},
            "seeding_seconds": round(seed.seconds, 2),
        }
        print_report(plan, total, ratios, meta)
        result = {
            **meta,
            "scenarios": {
                s.key: {
                    "label": s.label,
                    "target": s.target,
                    "expected_status": s.expected,
                    "response": seen.get(s.key),
                }
                | total[s.key].summary()
                | {"per_round_rps": [round(r[s.key].rps, 1) for r in per_round]}
                for s in plan
            },
            "ratios": ratios,
        }
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(result, indent=2) + "\n")
        print(f"\nwrote {args.output}", flush=True)
        print("stopping servers", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return run(args)
    except KeyboardInterrupt:
        print("interrupted: servers stopped, temporary database dropped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
