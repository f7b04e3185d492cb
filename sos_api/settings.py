"""Settings: one frozen Struct read from `SOS_*` environment variables.

Each variable is decoded with msgspec against the type of its field, constraints included, so a value that cannot
be used stops start-up with a message naming the variable (`SOS_PORT: expected an integer from 1 to 65535, got
'80000'`) instead of being read as a default or surfacing later as a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlparse

import msgspec

# Asymmetric algorithms only: never HS*, never `none` (conventions, pitfall 12).
Algorithm = Literal["RS256", "PS256", "ES256"]
Port = Annotated[int, msgspec.Meta(ge=1, le=65535)]
PoolSize = Annotated[int, msgspec.Meta(ge=1)]
BodyBytes = Annotated[int, msgspec.Meta(ge=1)]
# Interop R20: clock skew of at most a minute.
LeewaySeconds = Annotated[int, msgspec.Meta(ge=0, le=60)]
# At least a minute, so cache expiry cannot fetch more often than the unknown-kid cooldown (auth/tokens.py) allows.
JwksCacheSeconds = Annotated[int, msgspec.Meta(ge=60, le=86_400)]
ScaleNumber = Annotated[int, msgspec.Meta(ge=0, le=10)]
# Interop R5: the changes feed is kept at least 35 days (the database refuses to prune anything younger).
RetentionDays = Annotated[int, msgspec.Meta(ge=35, le=3650)]
# Interop R12: long enough for a client's retries overnight, short enough that copies of records do not linger.
KeyHours = Annotated[int, msgspec.Meta(ge=1, le=168)]
# Interop R29: a window from a second to an hour; quotas and the worker count at least 1.
WindowSeconds = Annotated[int, msgspec.Meta(ge=1, le=3600)]
Requests = Annotated[int, msgspec.Meta(ge=1)]
Workers = Annotated[int, msgspec.Meta(ge=1, le=10_000)]
GraceSeconds = Annotated[int, msgspec.Meta(ge=1, le=3600)]
# Interop R11: a field of a record as a JSON Pointer (`/plan/review_schedule`), or "" for the whole record.
OwnedPointer = Annotated[str, msgspec.Meta(max_length=200, pattern=r"^(/[a-z_]+)*$")]

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})
ISSUERS_FILE = "SOS_ISSUERS_FILE"
COUNCILS_FILE = "SOS_COUNCILS_FILE"
FILES = {"issuers": ISSUERS_FILE, "councils": COUNCILS_FILE}


class SettingsError(ValueError):
    """A `SOS_*` variable that cannot be used; the message names the variable and never echoes a secret."""


class IssuerConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A token issuer we trust (interop R20): where its keys are, what audience it must name, whom it speaks for."""

    issuer: Annotated[str, msgspec.Meta(min_length=1)]
    audience: Annotated[str, msgspec.Meta(min_length=1)]
    jwks_url: str | None = None
    jwks_file: str | None = None
    # Organisations this issuer may speak for, as "la:845", "ods:RX1", "police:01". A token naming any
    # other organisation is refused, so one council's tenant can never mint tokens for another.
    organisations: tuple[str, ...] = ()
    algorithms: tuple[Algorithm, ...] = ("RS256", "PS256", "ES256")


class CouncilContact(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """How partners reach a council about a child on a plan (interop R17, CP-IS parity): its name and its office
    hours and out-of-hours (emergency duty) numbers, as a flag lookup shows them."""

    code: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{3}$")]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    office_hours_phone: Annotated[str, msgspec.Meta(pattern=r"^\+?[0-9][0-9 ()\-]{5,24}$")] | None = None
    out_of_hours_phone: Annotated[str, msgspec.Meta(pattern=r"^\+?[0-9][0-9 ()\-]{5,24}$")] | None = None
    # Interop R11: per kind, the fields (JSON Pointers into the record, "" the whole record) this council's own
    # systems own, overriding the kind's default (sos_api/ownership.py); `[]` keeps the kind wholly its
    # practitioners'. Kinds not named keep their defaults.
    owns: dict[Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z_]{0,39}$")], tuple[OwnedPointer, ...]] = {}


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    # SOS_DATABASE_URL: PostgreSQL URL (postgresql://...). Empty: start an embedded server in SOS_DATA_DIR.
    database_url: str | None = None
    # SOS_DATA_DIR: where the embedded database and the local signing key live.
    data_dir: Path = Path(".sos-data")
    # SOS_HOST / SOS_PORT: where `sos-api serve` listens (port 1 to 65535).
    host: str = "127.0.0.1"
    port: Port = 8000
    # SOS_ISSUERS_FILE: path of a JSON list of IssuerConfig for production token issuers.
    issuers: tuple[IssuerConfig, ...] = ()
    # SOS_LOCAL_ISSUER: trust the signing key kept in SOS_DATA_DIR (on by default with the embedded database).
    # Booleans are spelled true/false, 1/0, yes/no or on/off (any case); anything else is refused.
    local_issuer: bool = False
    # SOS_AUDIENCE: the audience the local issuer puts in tokens.
    audience: str = "sos-api"
    # SOS_MAX_BODY_BYTES: requests with larger bodies get 413 (at least 1).
    max_body_bytes: BodyBytes = 1_048_576
    # SOS_PRODUCTION: production tenants refuse test-range NHS numbers (BR-22).
    production: bool = False
    # SOS_POOL_SIZE: database connections per worker (at least 1).
    pool_size: PoolSize = 10
    # SOS_DATABASE_STATEMENT_CACHE: keep prepared statements on each connection (asyncpg's and SQLAlchemy's caches).
    # Set it to false behind PgBouncer (or any pooler) in transaction mode, where the next transaction may run on
    # another server connection that never saw the statement.
    database_statement_cache: bool = True
    # SOS_SHUTDOWN_GRACE_SECONDS: on SIGTERM `sos-api serve` stops accepting and waits this long (1 to 3600) for the
    # requests in flight to finish; keep it below the orchestrator's grace period (Kubernetes: 30 s by default).
    shutdown_grace_seconds: GraceSeconds = 20
    # SOS_METRICS: answer GET /metrics (Prometheus, no token, no personal data; sos_api/metrics.py). false: 404.
    metrics: bool = True
    # SOS_JWT_LEEWAY_SECONDS: clock skew allowed on exp/nbf/iat (interop R20: 0 to 60).
    jwt_leeway_seconds: LeewaySeconds = 30
    # SOS_JWKS_CACHE_SECONDS: how long an issuer's fetched JWKS is used before it is fetched again (60 to 86400),
    # so a key the issuer withdraws (revoked) stops verifying within this time.
    jwks_cache_seconds: JwksCacheSeconds = 300
    # SOS_UNSAFE_SCALE_AT_OR_BELOW: a child's own safety number at or below this (0 to 10) raises an alert for the
    # worker, as a worry the child marks unsafe does.
    unsafe_scale_at_or_below: ScaleNumber = 3
    # SOS_CHANGES_RETENTION_DAYS: how long the changes feed keeps a change (35 to 3650 days); `sos-api prune-changes`
    # removes older ones, and a feed cursor from before what was removed is answered 410 cursor-expired.
    changes_retention_days: RetentionDays = 35
    # SOS_COUNCILS_FILE: path of a JSON list of CouncilContact (code, name, office_hours_phone,
    # out_of_hours_phone): the contact routes a flag lookup gives for each council's plans.
    councils: tuple[CouncilContact, ...] = ()
    # SOS_IDEMPOTENCY_KEY_HOURS: how long a write's Idempotency-Key and its response are kept for replay (1 to 168);
    # expired keys are pruned by `sos-api prune-idempotency-keys`.
    idempotency_key_hours: KeyHours = 24
    # SOS_RATE_LIMIT_WINDOW_SECONDS: the rate-limit window (1 to 3600), aligned to the clock (sos_api/rate_limit.py).
    rate_limit_window_seconds: WindowSeconds = 60
    # SOS_RATE_LIMIT_USER_REQUESTS: requests per window for each interactive caller (at least 1). A ceiling that
    # stops runaway scripts, not people: 2,000 a second for a minute, above what one worker serves one caller (a
    # load test, the contract suite), so only a loop on several replicas meets it. Lower it for a quota.
    rate_limit_user_requests: Requests = 120_000
    # SOS_RATE_LIMIT_CLIENT_REQUESTS: requests per window for each integration client or partner system (at least
    # the user allowance): nightly batches send ~100 records a request, so this is room for large councils.
    rate_limit_client_requests: Requests = 600_000
    # SOS_RATE_LIMIT_WORKERS: worker processes across all replicas (at least 1); each enforces its share.
    rate_limit_workers: Workers = 1

    # SOS_WEBHOOKS_ALLOW_PRIVATE: webhook targets may resolve to private, loopback or link-local addresses (tests
    # and closed networks only; otherwise refused, 422 target-not-allowed, and checked again at every delivery).
    webhooks_allow_private: bool = False
    # SOS_WEBHOOKS_ALLOW_HTTP: webhook targets may be plain http (tests only; https otherwise).
    webhooks_allow_http: bool = False
    # SOS_WEBHOOKS_WORKER: `sos-api serve` also runs the webhook delivery worker (otherwise run `sos-api worker`).
    webhooks_worker: bool = False

    def __post_init__(self) -> None:
        if self.rate_limit_client_requests < self.rate_limit_user_requests:
            raise SettingsError(
                "SOS_RATE_LIMIT_CLIENT_REQUESTS: must be at least SOS_RATE_LIMIT_USER_REQUESTS "
                f"({self.rate_limit_user_requests}), got {self.rate_limit_client_requests}"
            )

    @property
    def embedded(self) -> bool:
        return not self.database_url

    @property
    def trusts_local_issuer(self) -> bool:
        return self.local_issuer or self.embedded

    @property
    def local_issuer_name(self) -> str:
        return "urn:sos-api:local"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Settings from `SOS_*` variables (os.environ by default); unset or empty means the default.

        Raises SettingsError naming the first variable whose value cannot be used."""
        source = os.environ if env is None else env
        values: dict[str, Any] = {}
        for field in msgspec.structs.fields(cls):
            if field.name in FILES:
                continue
            name = env_name(field.name)
            raw = source.get(name, "").strip()
            if raw:
                values[field.name] = _decode(name, raw, field.type)
        issuers_file = source.get(ISSUERS_FILE, "").strip()
        if issuers_file:
            values["issuers"] = load_issuers(Path(issuers_file))
        councils_file = source.get(COUNCILS_FILE, "").strip()
        if councils_file:
            values["councils"] = load_councils(Path(councils_file))
        return cls(**values)

    def council(self, code: str) -> CouncilContact:
        """A council's contact routes; one not configured is named by its code, with no numbers to give."""
        for council in self.councils:
            if council.code == code:
                return council
        return CouncilContact(code=code, name=f"Local authority {code}")


def env_name(field: str) -> str:
    """The environment variable of a Settings field (`jwt_leeway_seconds` -> `SOS_JWT_LEEWAY_SECONDS`)."""
    return FILES.get(field, f"SOS_{field.upper()}")


def _decode(name: str, raw: str, tp: Any) -> Any:
    if tp is bool:
        word = raw.lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        raise SettingsError(f"{name}: expected a boolean (true/false/1/0/yes/no/on/off), got {raw!r}")
    if tp is Path:
        return Path(raw)
    try:
        return msgspec.convert(raw, type=tp, strict=False)
    except msgspec.ValidationError:
        # The value is echoed for numbers only: a string setting (a database URL) may carry a password.
        shown = f", got {raw!r}" if _is_number(tp) else ""
        raise SettingsError(f"{name}: expected {_describe(tp)}{shown}") from None


def _is_number(tp: Any) -> bool:
    return isinstance(msgspec.inspect.type_info(tp), msgspec.inspect.IntType | msgspec.inspect.FloatType)


def _describe(tp: Any) -> str:
    """`an integer from 1 to 65535`, `an integer of at least 1`: the field's type and constraints in words."""
    info = msgspec.inspect.type_info(tp)
    if isinstance(info, msgspec.inspect.IntType):
        low, high = info.ge, info.le
        if low is not None and high is not None:
            return f"an integer from {low} to {high}"
        if low is not None:
            return f"an integer of at least {low}"
        return "an integer"
    return "a string" if isinstance(info, msgspec.inspect.StrType) else str(tp)


def load_issuers(path: Path) -> tuple[IssuerConfig, ...]:
    """The issuers listed in SOS_ISSUERS_FILE; any problem with the file raises SettingsError naming it."""
    where = f"{ISSUERS_FILE} ({path})"
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SettingsError(f"{where}: cannot read the file: {exc.strerror or exc}") from None
    try:
        issuers = msgspec.json.decode(raw, type=tuple[IssuerConfig, ...])
    except msgspec.ValidationError as exc:
        # msgspec names the place, e.g. "Object missing required field `audience` - at `$[0]`".
        raise SettingsError(f"{where}: not a list of issuers: {exc}") from None
    except msgspec.DecodeError as exc:
        raise SettingsError(f"{where}: not valid JSON: {exc}") from None
    seen: set[str] = set()
    for index, config in enumerate(issuers):
        at = f"{where}: issuer {index} ({config.issuer})"
        if config.issuer in seen:
            raise SettingsError(f"{at}: listed twice")
        seen.add(config.issuer)
        if not config.jwks_url and not config.jwks_file:
            # Without keys no token from this issuer could ever verify: a silent outage, not a setting.
            raise SettingsError(f"{at}: needs jwks_url or jwks_file")
        if config.jwks_url and urlparse(config.jwks_url).scheme not in {"http", "https"}:
            raise SettingsError(f"{at}: jwks_url must be an http(s) URL")
        if not config.algorithms:
            raise SettingsError(f"{at}: algorithms must not be empty")
        if config.jwks_file:
            _check_jwks_file(Path(config.jwks_file), at)
    return issuers


def load_councils(path: Path) -> tuple[CouncilContact, ...]:
    """The council contacts listed in SOS_COUNCILS_FILE; any problem with the file raises SettingsError naming it."""
    where = f"{COUNCILS_FILE} ({path})"
    try:
        councils = msgspec.json.decode(path.read_bytes(), type=tuple[CouncilContact, ...])
    except OSError as exc:
        raise SettingsError(f"{where}: cannot read the file: {exc.strerror or exc}") from None
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise SettingsError(f"{where}: not a list of council contacts: {exc}") from None
    codes = [c.code for c in councils]
    if len(set(codes)) != len(codes):
        raise SettingsError(f"{where}: a council is listed twice")
    return councils


def _check_jwks_file(path: Path, at: str) -> None:
    """A jwks_file must hold a JSON object with a `keys` list (auth/tokens.py reads the keys at start-up)."""
    try:
        doc = msgspec.json.decode(path.read_bytes())
    except OSError as exc:
        raise SettingsError(f"{at}: cannot read jwks_file {path}: {exc.strerror or exc}") from None
    except msgspec.DecodeError as exc:
        raise SettingsError(f"{at}: jwks_file {path} is not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("keys"), list):
        raise SettingsError(f"{at}: jwks_file {path} is not a JWKS (an object with a `keys` list)")
