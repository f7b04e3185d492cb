"""Settings: one frozen Struct read from `SOS_*` environment variables."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec


class IssuerConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A token issuer we trust (interop R20): where its keys are, what audience it must name, whom it speaks for."""

    issuer: str
    audience: str
    jwks_url: str | None = None
    jwks_file: str | None = None
    # Organisations this issuer may speak for, as "la:845", "ods:RX1", "police:01". A token naming any
    # other organisation is refused, so one council's tenant can never mint tokens for another.
    organisations: tuple[str, ...] = ()
    algorithms: tuple[str, ...] = ("RS256", "PS256", "ES256")


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    # SOS_DATABASE_URL: PostgreSQL URL (postgresql://...). Empty: start an embedded server in SOS_DATA_DIR.
    database_url: str | None = None
    # SOS_DATA_DIR: where the embedded database and the local signing key live.
    data_dir: Path = Path(".sos-data")
    # SOS_HOST / SOS_PORT: where `sos-api serve` listens.
    host: str = "127.0.0.1"
    port: int = 8000
    # SOS_ISSUERS_FILE: JSON list of IssuerConfig for production token issuers.
    issuers: tuple[IssuerConfig, ...] = ()
    # SOS_LOCAL_ISSUER: trust the signing key kept in SOS_DATA_DIR (on by default with the embedded database).
    local_issuer: bool = False
    # SOS_AUDIENCE: the audience the local issuer puts in tokens.
    audience: str = "sos-api"
    # SOS_MAX_BODY_BYTES: requests with larger bodies get 413.
    max_body_bytes: int = 1_048_576
    # SOS_PRODUCTION: production tenants refuse test-range NHS numbers (BR-22).
    production: bool = False
    # SOS_POOL_SIZE: database connections per worker.
    pool_size: int = 10
    # SOS_JWT_LEEWAY_SECONDS: clock skew allowed on exp/nbf/iat (interop R20: at most 60).
    jwt_leeway_seconds: int = 30

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
        e = dict(os.environ if env is None else env)

        def flag(name: str) -> bool:
            return e.get(name, "").strip().lower() in {"1", "true", "yes", "on"}

        issuers: tuple[IssuerConfig, ...] = ()
        if e.get("SOS_ISSUERS_FILE"):
            raw = Path(e["SOS_ISSUERS_FILE"]).read_bytes()
            issuers = tuple(msgspec.json.decode(raw, type=list[IssuerConfig]))
        defaults = cls()
        return cls(
            database_url=e.get("SOS_DATABASE_URL") or None,
            data_dir=Path(e.get("SOS_DATA_DIR") or defaults.data_dir),
            host=e.get("SOS_HOST") or defaults.host,
            port=int(e.get("SOS_PORT") or defaults.port),
            issuers=issuers,
            local_issuer=flag("SOS_LOCAL_ISSUER"),
            audience=e.get("SOS_AUDIENCE") or defaults.audience,
            max_body_bytes=int(e.get("SOS_MAX_BODY_BYTES") or defaults.max_body_bytes),
            production=flag("SOS_PRODUCTION"),
            pool_size=int(e.get("SOS_POOL_SIZE") or defaults.pool_size),
            jwt_leeway_seconds=min(int(e.get("SOS_JWT_LEEWAY_SECONDS") or defaults.jwt_leeway_seconds), 60),
        )
