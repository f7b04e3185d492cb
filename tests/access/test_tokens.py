"""Token verification: a JWT attack battery on every /v1 operation (all 401, none saying why), production
issuers with a JWKS URL (caching, one refresh on an unknown kid, rate limited), and the discovery document.

Fixtures live here rather than in a conftest: tests/api/conftest.py does not apply to this directory, so the
few we need are declared again below on top of `databases` and `data_dir` from tests/conftest.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from sos_api.app import create_app
from sos_api.auth import tokens
from sos_api.auth.roles import Role
from sos_api.auth.tokens import load_or_create_local_key, mint_token, public_jwk, scope_from_app_role
from sos_api.http import DEFAULT_LIMIT, MAX_LIMIT
from sos_api.settings import Algorithm, IssuerConfig, Settings
from tests.api.conftest import COUNCIL_A, COUNCIL_B
from tests.conftest import Databases

OPENAPI = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# What the caller is told: one text when no token was presented, one when a token was refused, whatever the reason.
NO_TOKEN_DETAIL = "A bearer token is required."
REFUSED_DETAIL = "The token was not accepted."
# The challenge must not say why either (RFC 6750 allows `error="invalid_token"`, nothing more specific).
GENERIC_CHALLENGES = frozenset({'Bearer realm="sos-api"', 'Bearer realm="sos-api", error="invalid_token"'})
# Words that would betray why a token was refused.
REASON_WORDS = re.compile(
    r"kid|expire|signature|issuer|audience|\balg|algorithm|role|organi[sz]ation|\borg\b|nbf|immature|hs256|none|jwks",
    re.IGNORECASE,
)


# --- the operations of the committed OpenAPI document --------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    operation_id: str
    path_params: dict[str, str] = field(default_factory=dict)  # name -> "uuid" | "integer" | "string"

    def url(self) -> str:
        path = self.template
        for name, kind in self.path_params.items():
            value = str(uuid.uuid4()) if kind == "uuid" else "1" if kind == "integer" else "x"
            path = path.replace("{" + name + "}", value)
        return path

    def request_kwargs(self, auth_headers: dict[str, str]) -> dict[str, Any]:
        headers = dict(auth_headers)
        kwargs: dict[str, Any] = {"method": self.method, "url": self.url(), "headers": headers}
        if self.method in WRITE_METHODS:
            headers["Content-Type"] = "application/json"
            headers["If-Match"] = 'W/"1"'
            kwargs["content"] = b"{}"
        return kwargs


def _param_kind(schema: dict[str, Any]) -> str:
    if schema.get("type") == "integer":
        return "integer"
    if schema.get("format") == "uuid":
        return "uuid"
    return "string"


def load_v1_operations() -> list[Operation]:
    document = json.loads(OPENAPI.read_text())
    out: list[Operation] = []
    for template, item in document["paths"].items():
        if not template.startswith("/v1"):
            continue
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            params = {
                p["name"]: _param_kind(p.get("schema", {}))
                for p in [*shared, *operation.get("parameters", [])]
                if p.get("in") == "path"
            }
            out.append(Operation(method.upper(), template, operation["operationId"], params))
    return out


def count_v1_operations_in_document() -> int:
    """Counted independently of load_v1_operations, so a mistake in one shows up in the other."""
    document = json.loads(OPENAPI.read_text())
    return sum(
        1 for path, item in document["paths"].items() if path.startswith("/v1") for m in item if m in HTTP_METHODS
    )


OPERATIONS = load_v1_operations()


# --- hand-made tokens ----------------------------------------------------------------------------


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hand_made_token(header: dict[str, Any], claims: dict[str, Any], sign: Callable[[bytes], bytes] | None) -> str:
    """A compact JWS built without PyJWT, which refuses to produce some of the forgeries we need."""
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    signature = sign(signing_input.encode()) if sign else b""
    return f"{signing_input}.{b64url(signature)}"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def public_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


class LocalForger:
    """Tokens for the local issuer: the real claims and key, with one thing wrong at a time."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.key = load_or_create_local_key(settings.data_dir)
        self.kid = str(public_jwk(self.key)["kid"])
        self.foreign_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def claims(self, **changes: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.settings.local_issuer_name,
            "aud": self.settings.audience,
            "sub": "attacker-1",
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "jti": uuid.uuid4().hex,
            "roles": ["social_worker"],
            "org": COUNCIL_A,
        }
        claims.update(changes)
        return {k: v for k, v in claims.items() if v is not None}

    def signed(self, key: Any = None, kid: str | None = None, **changes: Any) -> str:
        return jwt.encode(self.claims(**changes), key or self.key, algorithm="RS256", headers={"kid": kid or self.kid})


def attack_headers(forger: LocalForger) -> dict[str, dict[str, str]]:
    """Every attack, as the headers the attacker sends."""
    now = int(time.time())
    leeway = forger.settings.jwt_leeway_seconds
    pem = public_pem(forger.key)
    return {
        "no_authorization": {},
        "empty_bearer": {"Authorization": "Bearer "},
        "basic_scheme": {"Authorization": "Basic " + base64.b64encode(b"admin:admin").decode()},
        "malformed": bearer("not-a-jwt"),
        "alg_none": bearer(hand_made_token({"alg": "none", "typ": "JWT", "kid": forger.kid}, forger.claims(), None)),
        "hs256_with_public_key_pem": bearer(
            hand_made_token(
                {"alg": "HS256", "typ": "JWT", "kid": forger.kid},
                forger.claims(),
                lambda data: hmac.new(pem, data, hashlib.sha256).digest(),
            )
        ),
        "rs256_foreign_key_real_kid": bearer(forger.signed(key=forger.foreign_key)),
        "expired": bearer(forger.signed(iat=now - 7200, nbf=now - 7200, exp=now - leeway - 120)),
        "not_yet_valid": bearer(forger.signed(nbf=now + 600)),
        "wrong_issuer": bearer(forger.signed(iss="https://login.evil.example/v2.0")),
        "wrong_audience": bearer(forger.signed(aud="some-other-api")),
        "unknown_kid": bearer(forger.signed(kid="kid-nobody-published")),
        "missing_roles": bearer(forger.signed(roles=None)),
        "unknown_roles_only": bearer(forger.signed(roles=["wizard", "People.ReadWrite"])),
        "missing_org": bearer(forger.signed(org=None)),
    }


ATTACKS = (
    "no_authorization",
    "empty_bearer",
    "basic_scheme",
    "malformed",
    "alg_none",
    "hs256_with_public_key_pem",
    "rs256_foreign_key_real_kid",
    "expired",
    "not_yet_valid",
    "wrong_issuer",
    "wrong_audience",
    "unknown_kid",
    "missing_roles",
    "unknown_roles_only",
    "missing_org",
)
NO_TOKEN_ATTACKS = frozenset({"no_authorization", "empty_bearer", "basic_scheme"})


# --- fixtures: the app with the local issuer (one per module) -------------------------------------


@pytest.fixture(scope="module")
def local_settings(data_dir: Path) -> Settings:
    return Settings(database_url="postgresql://unused", data_dir=data_dir, local_issuer=True, max_body_bytes=262_144)


@pytest.fixture(scope="module")
def forger(local_settings: Settings) -> LocalForger:
    return LocalForger(local_settings)


@pytest.fixture(scope="module")
def attacks(forger: LocalForger) -> dict[str, dict[str, str]]:
    return attack_headers(forger)


@pytest.fixture(scope="module")
def local_app(local_settings: Settings, databases: Databases) -> Litestar:
    return create_app(local_settings, database_url=databases.fresh())


@pytest.fixture(scope="module")
async def local_client(local_app: Litestar) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(local_app) as client:
        yield client


# --- a. the battery ------------------------------------------------------------------------------


def test_battery_covers_every_v1_operation_of_the_document() -> None:
    assert OPERATIONS, "no /v1 operations found in openapi/openapi.json"
    assert len(OPERATIONS) == count_v1_operations_in_document()
    assert len({op.operation_id for op in OPERATIONS}) == len(OPERATIONS), "operationIds must be unique"


def test_document_lists_every_v1_route_of_the_app(local_app: Litestar) -> None:
    """So a route added to the app but not to the committed document cannot escape the battery."""
    served: set[tuple[str, str]] = set()
    for route in local_app.routes:
        if isinstance(route, HTTPRoute) and route.path.startswith("/v1"):
            template = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
            served.update((m, template) for m in route.methods if m not in {"OPTIONS", "HEAD"})
    assert served == {(op.method, op.template) for op in OPERATIONS}


def test_every_attack_is_in_the_battery(attacks: dict[str, dict[str, str]]) -> None:
    assert set(attacks) == set(ATTACKS)
    assert len(set(map(str, attacks.values()))) == len(ATTACKS), "two attacks send the same thing"


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.operation_id for op in OPERATIONS])
async def test_every_attack_is_refused(
    local_client: AsyncTestClient[Any], attacks: dict[str, dict[str, str]], operation: Operation
) -> None:
    """Every attack in the battery against one operation (one test per operation: the battery is operations times
    attacks, some 4,000 requests, and a test each cost more in pytest than in the request)."""
    for attack in ATTACKS:
        response = await local_client.request(**operation.request_kwargs(attacks[attack]))
        where = f"{operation.method} {operation.template} ({operation.operation_id}) with {attack}"
        assert response.status_code == 401, f"{where}: {response.status_code} {response.text}"
        assert response.headers["content-type"].startswith("application/problem+json"), where
        assert response.headers.get("www-authenticate", "").startswith("Bearer"), where
        body = response.json()
        assert body["status"] == 401, where
        assert body["type"].endswith("/unauthenticated"), where
        assert body["title"] == "Authentication required", where
        expected = NO_TOKEN_DETAIL if attack in NO_TOKEN_ATTACKS else REFUSED_DETAIL
        assert body["detail"] == expected, f"{where}: the detail must not depend on the reason: {body['detail']!r}"
        assert not REASON_WORDS.search(f"{body['title']} {body['detail']}"), where
        assert not body.get("errors"), where
        assert not body.get("rule"), where
        assert response.headers["www-authenticate"] in GENERIC_CHALLENGES, where


# --- b. the battery is not vacuous ---------------------------------------------------------------


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.operation_id for op in OPERATIONS])
async def test_valid_token_passes_authentication(
    local_client: AsyncTestClient[Any], local_settings: Settings, operation: Operation
) -> None:
    token = mint_token(local_settings, roles=["social_worker"], organisation=COUNCIL_A, subject="sw-battery")
    response = await local_client.request(**operation.request_kwargs(bearer(token)))
    where = f"{operation.method} {operation.template} ({operation.operation_id})"
    assert response.status_code != 401, f"{where}: a valid token was refused: {response.text}"
    assert response.status_code < 500, f"{where}: {response.status_code} {response.text}"


async def test_valid_token_lists_cases(local_client: AsyncTestClient[Any], local_settings: Settings) -> None:
    token = mint_token(local_settings, roles=["social_worker"], organisation=COUNCIL_A)
    response = await local_client.get("/v1/cases", headers=bearer(token))
    assert response.status_code == 200, response.text


async def test_token_within_leeway_is_accepted(local_client: AsyncTestClient[Any], forger: LocalForger) -> None:
    now = int(time.time())
    leeway = forger.settings.jwt_leeway_seconds
    token = forger.signed(iat=now - 600, nbf=now - 600, exp=now - leeway // 2)
    response = await local_client.get("/v1/cases", headers=bearer(token))
    assert response.status_code == 200, response.text


async def test_ps256_and_es256_are_refused_for_the_local_issuer(
    local_client: AsyncTestClient[Any], forger: LocalForger
) -> None:
    """The local issuer signs RS256 only; another algorithm with its kid is refused."""
    ps256 = jwt.encode(forger.claims(), forger.key, algorithm="PS256", headers={"kid": forger.kid})
    ec_key = ec.generate_private_key(ec.SECP256R1())
    es256 = jwt.encode(forger.claims(), ec_key, algorithm="ES256", headers={"kid": forger.kid})
    for token in (ps256, es256):
        response = await local_client.get("/v1/cases", headers=bearer(token))
        assert response.status_code == 401, response.text


async def test_non_list_scope_claim_is_refused_not_a_crash(
    local_client: AsyncTestClient[Any], forger: LocalForger
) -> None:
    response = await local_client.get("/v1/cases", headers=bearer(forger.signed(scp=5)))
    assert response.status_code == 401, response.text


# --- c. production issuers with a JWKS URL --------------------------------------------------------

ISSUER = "https://login.example/tenant-845/v2.0"
AUDIENCE = "api://sos"
# The key-set lifespan of these tests: not the default (300), so a test that sees it proves the setting is used.
JWKS_CACHE_SECONDS = 600


class JwksServer:
    """A JWKS endpoint on 127.0.0.1 in a thread: counts fetches; its key set (or raw reply) can be changed."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.raw: tuple[int, bytes] | None = None  # (status, body) served instead of the key set
        self.fetches = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with server._lock:
                    server.fetches += 1
                    status, body = server.raw or (200, json.dumps({"keys": server.keys}).encode())
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/jwks"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> JwksServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


class FakeTime:
    """Stands in for the `time` module inside sos_api.auth.tokens and the PyJWT modules that time its JWKS cache
    and refetch cooldown: real wall clock, a monotonic clock we can move forward (to let a minute pass) or start
    near zero (a freshly booted host)."""

    def __init__(self, monotonic_start: float | None = None) -> None:
        self.offset = 0.0 if monotonic_start is None else monotonic_start - time.monotonic()

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@dataclass
class IssuerKey:
    key: Any
    kid: str
    jwk: dict[str, Any]


def rsa_issuer_key(kid: str, alg: str | None = None) -> IssuerKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": kid, "use": "sig"})
    if alg:
        jwk["alg"] = alg
    return IssuerKey(key, kid, jwk)


def ec_issuer_key(kid: str) -> IssuerKey:
    key = ec.generate_private_key(ec.SECP256R1())
    jwk: dict[str, Any] = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": kid, "use": "sig"})
    return IssuerKey(key, kid, jwk)


@pytest.fixture(scope="module")
def rsa_key() -> IssuerKey:
    return rsa_issuer_key("rsa-2026-01")


@pytest.fixture(scope="module")
def rotated_key() -> IssuerKey:
    return rsa_issuer_key("rsa-2026-07")


@pytest.fixture(scope="module")
def ec_key() -> IssuerKey:
    return ec_issuer_key("ec-2026-01")


@pytest.fixture(scope="module")
def stranger_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def issuer_token(signer: IssuerKey, alg: str = "RS256", kid: str | None = None, key: Any = None, **changes: Any) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "entra-oid-845-1",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "roles": ["social_worker"],
        "org": COUNCIL_A,
        "azp": "casework-app",
    }
    claims.update(changes)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key or signer.key, algorithm=alg, headers={"kid": kid or signer.kid})


@pytest.fixture(scope="module")
def issuer_database_url(databases: Databases) -> str:
    return databases.fresh()


@pytest.fixture
def jwks(rsa_key: IssuerKey, ec_key: IssuerKey) -> Iterator[JwksServer]:
    with JwksServer() as server:
        server.keys = [rsa_key.jwk, ec_key.jwk]
        yield server


# Where the monotonic clock of the key cache is read: ours, PyJWKClient's cooldown, and the timestamp and expiry
# of its JWK Set cache. If PyJWT moves these, setattr fails loudly (the attributes must exist).
CLOCK_READERS = (tokens, jwt.jwks_client, jwt.jwk_set_cache, jwt.api_jwk)


def use_clock(monkeypatch: pytest.MonkeyPatch, fake: FakeTime) -> FakeTime:
    for module in CLOCK_READERS:
        monkeypatch.setattr(module, "time", fake)
    return fake


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    return use_clock(monkeypatch, FakeTime())


class MovableTime(FakeTime):
    """FakeTime whose wall clock can be moved too (only the verified-token cache reads it from here: PyJWT's own
    expiry check keeps the real clock)."""

    def __init__(self) -> None:
        super().__init__()
        self.wall_offset = 0.0

    def time(self) -> float:
        return time.time() + self.wall_offset


def counting_decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tokens fully verified (signature and claims) from now on."""
    decoded: list[str] = []
    real = jwt.decode

    def decode(token: str, *args: Any, **kwargs: Any) -> Any:
        decoded.append(token)
        return real(token, *args, **kwargs)

    monkeypatch.setattr(tokens.jwt, "decode", decode)
    return decoded


async def test_a_verified_token_is_taken_on_trust_by_its_exact_text_for_seconds_and_never_past_its_exp(
    local_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = MovableTime()
    use_clock(monkeypatch, clock)
    verifier = tokens.TokenVerifier(local_settings)
    token = mint_token(local_settings, roles=["social_worker"], organisation=COUNCIL_A, ttl_seconds=60)
    exp = jwt.decode(token, options={"verify_signature": False})["exp"]
    decoded = counting_decodes(monkeypatch)
    first = await verifier.verify(token)
    assert await verifier.verify(token) == first
    assert decoded == [token], "the same bytes again: not verified twice"
    other = mint_token(local_settings, roles=["social_worker"], organisation=COUNCIL_A, ttl_seconds=60)
    await verifier.verify(other)
    assert decoded == [token, other], "other bytes are verified"
    clock.advance(tokens.VERIFIED_TOKEN_SECONDS)
    await verifier.verify(token)
    assert decoded == [token, other, token], "past its few seconds an entry is verified afresh"
    clock.wall_offset = exp - time.time()
    await verifier.verify(token)
    assert decoded == [token, other, token, token], "at its exp a remembered token (within its seconds) is not "
    "taken on trust; PyJWT, on the real clock, then accepts it again"
    with pytest.raises(tokens.TokenRejected):
        await verifier.verify(token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
    assert len(verifier._verified) == 2, "a refused token is not remembered"


async def test_verified_tokens_are_remembered_up_to_a_bound(
    local_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tokens, "VERIFIED_TOKENS", 2)
    decoded = counting_decodes(monkeypatch)
    verifier = tokens.TokenVerifier(local_settings)
    minted = [mint_token(local_settings, roles=["social_worker"], organisation=COUNCIL_A) for _ in range(3)]
    for token in [*minted, minted[2], minted[0]]:
        await verifier.verify(token)
    assert decoded == [*minted, minted[0]], "the least recently used entry made room"
    assert len(verifier._verified) == 2


def issuer_settings(
    jwks: JwksServer,
    data_dir: Path,
    database_url: str,
    algorithms: tuple[Algorithm, ...] | None = None,
    jwks_cache_seconds: int = JWKS_CACHE_SECONDS,
) -> Settings:
    config = IssuerConfig(issuer=ISSUER, audience=AUDIENCE, jwks_url=jwks.url, organisations=(COUNCIL_A,))
    if algorithms is not None:
        config = IssuerConfig(
            issuer=ISSUER, audience=AUDIENCE, jwks_url=jwks.url, organisations=(COUNCIL_A,), algorithms=algorithms
        )
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        issuers=(config,),
        local_issuer=False,
        max_body_bytes=131_072,
        jwt_leeway_seconds=45,
        jwks_cache_seconds=jwks_cache_seconds,
    )


@pytest.fixture
def prod_settings(jwks: JwksServer, data_dir: Path, issuer_database_url: str) -> Settings:
    return issuer_settings(jwks, data_dir, issuer_database_url)


@pytest.fixture
async def prod_client(prod_settings: Settings, clock: FakeTime) -> AsyncIterator[AsyncTestClient[Any]]:
    app = create_app(prod_settings, database_url=prod_settings.database_url)
    async with AsyncTestClient(app) as client:
        yield client


async def list_cases(client: AsyncTestClient[Any], token: str) -> int:
    response = await client.get("/v1/cases", headers=bearer(token))
    assert response.status_code in {200, 401}, response.text
    return response.status_code


def test_issuer_settings_do_not_trust_the_local_issuer(prod_settings: Settings) -> None:
    assert not prod_settings.trusts_local_issuer


async def test_rs256_token_from_the_issuer_is_accepted(
    prod_client: AsyncTestClient[Any], jwks: JwksServer, rsa_key: IssuerKey
) -> None:
    response = await prod_client.get("/v1/cases", headers=bearer(issuer_token(rsa_key)))
    assert response.status_code == 200, response.text
    assert jwks.fetches == 1


async def test_es256_token_from_the_issuer_is_accepted(
    prod_client: AsyncTestClient[Any], jwks: JwksServer, ec_key: IssuerKey
) -> None:
    response = await prod_client.get("/v1/cases", headers=bearer(issuer_token(ec_key, alg="ES256")))
    assert response.status_code == 200, response.text
    assert jwks.fetches == 1


async def test_jwks_is_fetched_once_and_cached_for_its_lifespan(
    prod_client: AsyncTestClient[Any], jwks: JwksServer, rsa_key: IssuerKey, ec_key: IssuerKey, clock: FakeTime
) -> None:
    assert jwks.fetches == 0, "keys are fetched on first use, not at start-up"
    assert await list_cases(prod_client, issuer_token(rsa_key)) == 200
    assert jwks.fetches == 1
    clock.advance(JWKS_CACHE_SECONDS - 1)
    assert await list_cases(prod_client, issuer_token(rsa_key)) == 200
    assert await list_cases(prod_client, issuer_token(ec_key, alg="ES256")) == 200
    assert await list_cases(prod_client, issuer_token(rsa_key, sub="entra-oid-845-2")) == 200
    assert jwks.fetches == 1, "within the lifespan every known kid is served from the cache"
    clock.advance(2)
    assert await list_cases(prod_client, issuer_token(rsa_key)) == 200
    assert await list_cases(prod_client, issuer_token(ec_key, alg="ES256")) == 200
    assert jwks.fetches == 2, "past the lifespan the set is fetched again, once"


async def test_key_withdrawn_from_the_jwks_stops_verifying_once_the_lifespan_passes(
    jwks: JwksServer, data_dir: Path, issuer_database_url: str, rsa_key: IssuerKey, ec_key: IssuerKey, clock: FakeTime
) -> None:
    """A revoked key (removed from the issuer's set, nothing else) is refused within SOS_JWKS_CACHE_SECONDS."""
    settings = issuer_settings(jwks, data_dir, issuer_database_url, jwks_cache_seconds=120)
    async with AsyncTestClient(create_app(settings, database_url=issuer_database_url)) as client:
        assert await list_cases(client, issuer_token(rsa_key)) == 200
        jwks.keys = [ec_key.jwk]  # the issuer revokes the RSA key
        clock.advance(100)
        assert await list_cases(client, issuer_token(rsa_key)) == 200, "still within the cache lifespan"
        assert jwks.fetches == 1
        clock.advance(21)
        assert await list_cases(client, issuer_token(rsa_key)) == 401, "the withdrawn key outlived the lifespan"
        assert jwks.fetches == 2
        assert await list_cases(client, issuer_token(rsa_key)) == 401
        assert await list_cases(client, issuer_token(ec_key, alg="ES256")) == 200, "the keys still published work"
        assert jwks.fetches == 2, "its kid is now unknown, and unknown kids wait for the cooldown"


async def test_an_issuer_that_is_down_is_not_asked_on_every_request(
    prod_client: AsyncTestClient[Any],
    jwks: JwksServer,
    rsa_key: IssuerKey,
    stranger_key: rsa.RSAPrivateKey,
    clock: FakeTime,
) -> None:
    """PyJWKClient's cooldown starts only after a successful fetch: failures are spaced out by our wrapper."""
    jwks.raw = (503, b'{"error":"down"}')
    for n in range(5):
        token = issuer_token(rsa_key, kid=f"kid-{n}", key=stranger_key) if n % 2 else issuer_token(rsa_key)
        assert await list_cases(prod_client, token) == 401
    assert jwks.fetches == 1, "five tokens while the issuer is down: one fetch"
    clock.advance(tokens.JWKS_RETRY_AFTER_FAILURE_SECONDS + 1)
    assert await list_cases(prod_client, issuer_token(rsa_key)) == 401
    assert jwks.fetches == 2, "tried again once the retry delay passed"
    jwks.raw = None  # the issuer is back
    assert await list_cases(prod_client, issuer_token(rsa_key)) == 401, "not asked again within the delay"
    assert jwks.fetches == 2
    clock.advance(tokens.JWKS_RETRY_AFTER_FAILURE_SECONDS + 1)
    assert await list_cases(prod_client, issuer_token(rsa_key)) == 200, "recovered after the delay"
    assert jwks.fetches == 3


async def test_key_rotation_refreshes_once_on_the_new_kid(
    prod_client: AsyncTestClient[Any], jwks: JwksServer, rsa_key: IssuerKey, rotated_key: IssuerKey, clock: FakeTime
) -> None:
    assert await list_cases(prod_client, issuer_token(rsa_key)) == 200
    assert jwks.fetches == 1
    clock.advance(6 * 3600)  # the issuer rotates its key some hours later
    jwks.keys = [rotated_key.jwk]
    assert await list_cases(prod_client, issuer_token(rotated_key)) == 200
    assert jwks.fetches == 2, "the first token with the new kid triggers exactly one refetch"
    assert await list_cases(prod_client, issuer_token(rotated_key)) == 200
    assert jwks.fetches == 2
    # The retired key is gone from the issuer's set, so its tokens now fail (without another fetch).
    assert await list_cases(prod_client, issuer_token(rsa_key)) == 401
    assert jwks.fetches == 2


async def test_rotation_seen_first_as_an_unknown_kid_is_fetched_once(
    prod_client: AsyncTestClient[Any], jwks: JwksServer, rotated_key: IssuerKey
) -> None:
    """A fresh process whose very first token carries the issuer's newest kid: one fetch, accepted."""
    jwks.keys = [rotated_key.jwk]
    assert await list_cases(prod_client, issuer_token(rotated_key)) == 200
    assert await list_cases(prod_client, issuer_token(rotated_key)) == 200
    assert jwks.fetches == 1


async def test_unknown_kids_cause_at_most_one_refetch_a_minute(
    prod_client: AsyncTestClient[Any],
    jwks: JwksServer,
    rsa_key: IssuerKey,
    stranger_key: rsa.RSAPrivateKey,
    clock: FakeTime,
) -> None:
    def forged() -> str:
        return issuer_token(rsa_key, kid=f"kid-{uuid.uuid4().hex}", key=stranger_key)

    for _ in range(5):
        assert await list_cases(prod_client, forged()) == 401
    assert jwks.fetches == 1, "five unknown kids in one minute: one fetch"
    assert await list_cases(prod_client, issuer_token(rsa_key)) == 200
    assert jwks.fetches == 1, "the real key came with that fetch"
    clock.advance(30)
    for _ in range(5):
        assert await list_cases(prod_client, forged()) == 401
    assert jwks.fetches == 1, "still within the minute"
    clock.advance(31)
    for _ in range(5):
        assert await list_cases(prod_client, forged()) == 401
    assert jwks.fetches == 2, "a minute later: one more fetch, no more"
    assert await list_cases(prod_client, issuer_token(rsa_key)) == 200
    assert jwks.fetches == 2


async def test_token_for_an_organisation_the_issuer_does_not_serve_is_refused(
    prod_client: AsyncTestClient[Any], rsa_key: IssuerKey
) -> None:
    response = await prod_client.get("/v1/cases", headers=bearer(issuer_token(rsa_key, org=COUNCIL_B)))
    assert response.status_code == 401, response.text
    assert response.json()["detail"] == REFUSED_DETAIL


async def test_organisation_defaults_to_the_issuers_only_organisation(
    prod_client: AsyncTestClient[Any], rsa_key: IssuerKey
) -> None:
    response = await prod_client.get("/v1/cases", headers=bearer(issuer_token(rsa_key, org=None)))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "changes",
    [
        {"aud": "api://someone-else"},
        {"iss": "https://login.example/tenant-846/v2.0"},
        {"exp": int(time.time()) - 3600},
        {"roles": ["People.ReadWrite"]},
    ],
    ids=["wrong_audience", "other_tenant_issuer", "expired", "app_role_only"],
)
async def test_bad_claims_from_the_issuer_are_refused(
    prod_client: AsyncTestClient[Any], rsa_key: IssuerKey, changes: dict[str, Any]
) -> None:
    response = await prod_client.get("/v1/cases", headers=bearer(issuer_token(rsa_key, **changes)))
    assert response.status_code == 401, response.text


async def test_local_issuer_tokens_are_refused_when_it_is_not_trusted(
    prod_client: AsyncTestClient[Any], prod_settings: Settings
) -> None:
    token = mint_token(prod_settings, roles=["social_worker"], organisation=COUNCIL_A)
    response = await prod_client.get("/v1/cases", headers=bearer(token))
    assert response.status_code == 401, response.text


async def test_ps256_token_is_accepted_when_the_key_names_ps256(
    prod_client: AsyncTestClient[Any], jwks: JwksServer
) -> None:
    ps_key = rsa_issuer_key("rsa-ps-1", alg="PS256")
    jwks.keys = [*jwks.keys, ps_key.jwk]
    response = await prod_client.get("/v1/cases", headers=bearer(issuer_token(ps_key, alg="PS256")))
    assert response.status_code == 200, response.text


async def test_ps256_token_is_accepted_when_the_key_names_no_alg(
    prod_client: AsyncTestClient[Any], rsa_key: IssuerKey
) -> None:
    assert "alg" not in rsa_key.jwk
    response = await prod_client.get("/v1/cases", headers=bearer(issuer_token(rsa_key, alg="PS256")))
    assert response.status_code == 200, response.text


async def test_ps256_token_is_refused_when_the_issuer_allows_only_rs256(
    jwks: JwksServer, data_dir: Path, issuer_database_url: str, clock: FakeTime
) -> None:
    ps_key = rsa_issuer_key("rsa-ps-2", alg="PS256")
    jwks.keys = [*jwks.keys, ps_key.jwk]
    settings = issuer_settings(jwks, data_dir, issuer_database_url, algorithms=("RS256",))
    async with AsyncTestClient(create_app(settings, database_url=issuer_database_url)) as client:
        response = await client.get("/v1/cases", headers=bearer(issuer_token(ps_key, alg="PS256")))
    assert response.status_code == 401, response.text


async def test_hs256_tokens_are_refused(
    prod_client: AsyncTestClient[Any], jwks: JwksServer, rsa_key: IssuerKey
) -> None:
    claims = jwt.decode(issuer_token(rsa_key), options={"verify_signature": False})
    shared_secret = jwt.encode(
        claims, "a-shared-secret-of-32-bytes-long!", algorithm="HS256", headers={"kid": rsa_key.kid}
    )
    pem = public_pem(rsa_key.key)
    key_confusion = hand_made_token(
        {"alg": "HS256", "typ": "JWT", "kid": rsa_key.kid}, claims, lambda d: hmac.new(pem, d, hashlib.sha256).digest()
    )
    # The JWK itself as the HMAC secret, in case a verifier used the published JSON as key material.
    jwk_secret = json.dumps(rsa_key.jwk).encode()
    jwk_confusion = hand_made_token(
        {"alg": "HS256", "typ": "JWT", "kid": rsa_key.kid},
        claims,
        lambda d: hmac.new(jwk_secret, d, hashlib.sha256).digest(),
    )
    for token in (shared_secret, key_confusion, jwk_confusion):
        response = await prod_client.get("/v1/cases", headers=bearer(token))
        assert response.status_code == 401, response.text
        assert response.json()["detail"] == REFUSED_DETAIL
    assert jwks.fetches == 0, "a refused algorithm is rejected before any key is looked up"


async def test_unreachable_jwks_is_a_401(
    prod_client: AsyncTestClient[Any], jwks: JwksServer, rsa_key: IssuerKey
) -> None:
    jwks.raw = (503, b'{"error":"down"}')
    response = await prod_client.get("/v1/cases", headers=bearer(issuer_token(rsa_key)))
    assert response.status_code == 401, response.text
    assert jwks.fetches == 1


async def test_jwks_reply_nested_too_deep_is_a_401(
    prod_client: AsyncTestClient[Any], jwks: JwksServer, rsa_key: IssuerKey
) -> None:
    jwks.raw = (200, b"[" * 100_000 + b"]" * 100_000)
    response = await prod_client.get("/v1/cases", headers=bearer(issuer_token(rsa_key)))
    assert response.status_code == 401, response.text


@pytest.mark.parametrize("kid", [5, ["rsa-2026-01"], {"kid": "rsa-2026-01"}, None, ""], ids=repr)
async def test_kid_that_is_not_a_string_is_a_401(
    prod_client: AsyncTestClient[Any], jwks: JwksServer, rsa_key: IssuerKey, kid: Any
) -> None:
    claims = jwt.decode(issuer_token(rsa_key), options={"verify_signature": False})
    header = {"alg": "RS256", "typ": "JWT", "kid": kid}
    token = hand_made_token(
        header, claims, lambda d: jwt.algorithms.RSAAlgorithm(jwt.algorithms.RSAAlgorithm.SHA256).sign(d, rsa_key.key)
    )
    response = await prod_client.get("/v1/cases", headers=bearer(token))
    assert response.status_code == 401, response.text
    assert jwks.fetches == 0, "a token without a usable kid is refused before any key is looked up"


async def test_empty_jwks_is_a_401(prod_client: AsyncTestClient[Any], jwks: JwksServer, rsa_key: IssuerKey) -> None:
    jwks.keys = []
    response = await prod_client.get("/v1/cases", headers=bearer(issuer_token(rsa_key)))
    assert response.status_code == 401, response.text


async def test_jwks_reply_that_is_not_json_is_a_401(
    prod_client: AsyncTestClient[Any], jwks: JwksServer, rsa_key: IssuerKey
) -> None:
    jwks.raw = (200, b"<html>Sign in to continue</html>")
    response = await prod_client.get("/v1/cases", headers=bearer(issuer_token(rsa_key)))
    assert response.status_code == 401, response.text


async def test_first_token_after_a_fresh_boot_is_accepted(
    jwks: JwksServer, prod_settings: Settings, rsa_key: IssuerKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_clock(monkeypatch, FakeTime(monotonic_start=20.0))  # the host booted 20 s ago
    async with AsyncTestClient(create_app(prod_settings, database_url=prod_settings.database_url)) as client:
        response = await client.get("/v1/cases", headers=bearer(issuer_token(rsa_key)))
    assert response.status_code == 200, response.text
    assert jwks.fetches == 1


# --- d. the discovery document -------------------------------------------------------------------


async def test_discovery_document_lists_the_issuer_roles_scopes_and_limits(
    prod_client: AsyncTestClient[Any], prod_settings: Settings, jwks: JwksServer
) -> None:
    response = await prod_client.get("/.well-known/api-configuration")
    assert response.status_code == 200, response.text
    doc = response.json()
    assert doc["issuers"] == [
        {
            "issuer": ISSUER,
            "audience": AUDIENCE,
            "jwks_uri": jwks.url,
            "organisations": [COUNCIL_A],
            "algorithms": ["ES256", "PS256", "RS256"],
        }
    ]
    assert doc["api_versions"] == ["v1"]
    assert doc["organisation_claim"] == "org"
    assert set(doc["roles"]) == {r.value for r in Role}
    assert all(re.fullmatch(r"system/[a-z-]+\.c?r?u?d?s?", s) for s in doc["scopes"]), doc["scopes"]
    letters = {s.removeprefix("system/").rpartition(".")[0]: set(s.rpartition(".")[2]) for s in doc["scopes"]}
    # Create, read, update (replace) and search for each writable resource; read and search for the audit trail.
    for resource in ("cases", "people", "assessment-maps", "danger-statements", "case-involvements"):
        assert letters.get(resource, set()) >= set("crus"), (resource, doc["scopes"])
    assert letters.get("audit-events", set()) >= set("rs"), doc["scopes"]
    assert doc["limits"] == {
        "max_body_bytes": prod_settings.max_body_bytes,
        "default_page_size": DEFAULT_LIMIT,
        "max_page_size": MAX_LIMIT,
        "jwt_leeway_seconds": prod_settings.jwt_leeway_seconds,
        "idempotency_key_hours": prod_settings.idempotency_key_hours,
        "rate_limit_window_seconds": prod_settings.rate_limit_window_seconds,
        "rate_limit_user_requests": prod_settings.rate_limit_user_requests,
        "rate_limit_client_requests": prod_settings.rate_limit_client_requests,
    }
    assert jwks.fetches == 0, "discovery needs no token and fetches nothing"


async def test_discovery_document_lists_the_local_issuer_and_its_keys(
    local_client: AsyncTestClient[Any], local_settings: Settings, forger: LocalForger
) -> None:
    doc = (await local_client.get("/.well-known/api-configuration")).json()
    (local,) = [i for i in doc["issuers"] if i["issuer"] == local_settings.local_issuer_name]
    assert local["audience"] == local_settings.audience
    assert local["algorithms"] == ["RS256"]
    assert local["jwks_uri"].endswith("/.well-known/jwks.json")
    keys = (await local_client.get("/.well-known/jwks.json")).json()["keys"]
    assert [k["kid"] for k in keys] == [forger.kid]
    assert all("d" not in k and "p" not in k for k in keys), "only public key material is published"


# --- e. Entra app roles to SMART scopes -----------------------------------------------------------


def test_app_roles_cover_every_scope_the_discovery_document_lists(local_settings: Settings) -> None:
    """An Entra app role named after a listed resource grants every letter the document lists for it."""
    from sos_api.discovery import configuration

    for scope in configuration(local_settings, "http://testserver").scopes:
        resource, _, letters = scope.removeprefix("system/").rpartition(".")
        pascal = "".join(part.capitalize() for part in resource.split("-"))
        granted = scope_from_app_role(f"{pascal}.ReadWrite")
        assert granted is not None, scope
        assert granted.rpartition(".")[0] == f"system/{resource}", scope
        assert set(letters) <= set(granted.rpartition(".")[2]), scope
        read_only = scope_from_app_role(f"{pascal}.Read")
        assert read_only == f"system/{resource}.rs", scope


@pytest.mark.parametrize(
    ("app_role", "scope"),
    [
        ("People.ReadWrite", "system/people.cruds"),
        ("AssessmentMaps.Read", "system/assessment-maps.rs"),
        ("Cases.ReadWrite", "system/cases.cruds"),
        ("DangerStatements.Create", "system/danger-statements.c"),
        ("junk", None),
        ("People.Delete", None),
        (".Read", None),
        ("People2.Read", None),
        ("social_worker", None),
    ],
)
def test_scope_from_app_role(app_role: str, scope: str | None) -> None:
    assert scope_from_app_role(app_role) == scope
