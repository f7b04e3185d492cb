"""Bearer token verification with PyJWT against trusted issuers' JWKS, and the local development issuer.

Production issuers (interop R20) are configured with their JWKS URL, audience and the organisations they may
speak for. Their key sets are fetched off the event loop by PyJWT's PyJWKClient and cached for
SOS_JWKS_CACHE_SECONDS, so a withdrawn key stops verifying within that time; an unknown kid refetches at most once a
minute. The embedded default creates one RSA key in SOS_DATA_DIR, publishes it at /.well-known/jwks.json and
signs `sos-api token` output with it, so development runs the same verification path as production.
Only asymmetric algorithms are accepted: never HS*, never `none`.

A token verified once is remembered by its exact text for a few seconds (`VERIFIED_TOKEN_SECONDS`), so a client
sending the same bearer token on every request pays for one RS256 verification per few seconds instead of one per
request (it was about a tenth of a hot read's CPU). This is safe because everything verification checks is a
function of those exact bytes (signature, algorithm, issuer, audience, claims, the Principal built from them)
except time and the issuer's key set: an entry is never used at or past the token's `exp` (no leeway, stricter
than a fresh verification), and lives at most VERIFIED_TOKEN_SECONDS, so a key withdrawn from an issuer's set stops
verifying within SOS_JWKS_CACHE_SECONDS plus that. The cache is a bounded LRU (`VERIFIED_TOKENS` entries) per
worker; a refused token is never cached.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import time
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import Any, get_args

import anyio
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt import PyJWK, PyJWKClient

from ..settings import Algorithm, IssuerConfig, Settings
from .roles import OrgType, Principal, Role, parse_organisation

log = logging.getLogger(__name__)

ALLOWED_ALGORITHMS: frozenset[str] = frozenset(get_args(Algorithm))
KEY_FILE = "local-signing-key.pem"


class TokenRejected(Exception):
    """Why a token was refused: logged for operators, never shown to the caller."""


# --- the local issuer's key ----------------------------------------------------------------------


def load_or_create_local_key(data_dir: Path) -> rsa.RSAPrivateKey:
    """The local signing key, created once in data_dir/keys (never a per-process random key)."""
    path = data_dir / "keys" / KEY_FILE
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pem)
    tmp.chmod(0o600)
    tmp.replace(path)
    return key


def public_jwk(key: rsa.RSAPrivateKey) -> dict[str, Any]:
    jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"use": "sig", "alg": "RS256", "kid": _thumbprint(jwk)})
    return jwk


def _thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 thumbprint of an RSA public JWK, used as its `kid`."""
    canonical = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def mint_token(
    settings: Settings,
    *,
    roles: list[str],
    organisation: str,
    subject: str | None = None,
    ttl_seconds: int = 3600,
    extra: dict[str, Any] | None = None,
) -> str:
    """A token signed by the local issuer (development, demos and tests)."""
    for role in roles:
        Role(role)
    parse_organisation(organisation)
    key = load_or_create_local_key(settings.data_dir)
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": settings.local_issuer_name,
        "aud": settings.audience,
        "sub": subject or f"user-{uuid.uuid4().hex[:12]}",
        "iat": now,
        "nbf": now,
        "exp": now + ttl_seconds,
        "jti": uuid.uuid4().hex,
        "roles": roles,
        "org": organisation,
        **(extra or {}),
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": public_jwk(key)["kid"]})


# --- verification --------------------------------------------------------------------------------


# An unknown kid refetches the issuer's JWKS at most once a minute, so forged kids cannot make us hammer it.
JWKS_REFETCH_COOLDOWN_SECONDS = 60
# After a failed fetch (issuer down, not JSON, no usable keys) nothing is fetched for this long.
JWKS_RETRY_AFTER_FAILURE_SECONDS = 10
# A fetch runs in a worker thread; this bounds how long one can hold it.
JWKS_TIMEOUT_SECONDS = 10


class _JwksClient(PyJWKClient):
    """PyJWT's client, which caches the key set for its lifespan and refetches on an unknown kid at most once
    per cooldown, plus what it lacks: after a failed fetch it does not try again for a while (its cooldown
    starts only on success, so forged kids would otherwise reach an issuer that is down on every request)."""

    def __init__(self, uri: str, *, lifespan: float) -> None:
        super().__init__(
            uri,
            # PyJWT's per-kid LRU cache never expires (a revoked key would verify forever): the set cache only.
            cache_keys=False,
            cache_jwk_set=True,
            lifespan=lifespan,
            timeout=JWKS_TIMEOUT_SECONDS,
            cooldown_duration=JWKS_REFETCH_COOLDOWN_SECONDS,
        )
        self._failed_at: float | None = None

    def fetch_data(self) -> Any:
        # Called by PyJWKClient under its own lock, in the worker thread of _IssuerKeys.key_for.
        if self._failed_at is not None and time.monotonic() - self._failed_at < JWKS_RETRY_AFTER_FAILURE_SECONDS:
            raise jwt.PyJWKClientConnectionError("the last fetch failed moments ago; not retrying yet")
        try:
            data = super().fetch_data()
        except Exception:
            self._failed_at = time.monotonic()
            raise
        self._failed_at = None
        return data

    def cached_key(self, kid: str) -> PyJWK | None:
        """The key for kid from a key set still within its lifespan, without any IO (safe on the event loop)."""
        jwk_set = self.jwk_set_cache.get() if self.jwk_set_cache is not None else None
        if jwk_set is None:
            return None
        return next((k for k in jwk_set.keys if k.key_id == kid and k.public_key_use in ("sig", None)), None)


class _IssuerKeys:
    """Keys of one issuer, by kid: static ones (the local key, a jwks_file) and, with a jwks_url, the issuer's
    published set, cached for `lifespan` seconds so a key the issuer withdraws stops verifying within it.
    Fetches run off the event loop, one at a time per issuer."""

    def __init__(self, config: IssuerConfig, static: dict[str, PyJWK] | None = None, *, lifespan: float = 300) -> None:
        self.config = config
        self.static: dict[str, PyJWK] = dict(static or {})
        if config.jwks_file:
            self.static.update(_keys_from_jwks(json.loads(Path(config.jwks_file).read_text())))
        self._client = _JwksClient(config.jwks_url, lifespan=lifespan) if config.jwks_url else None
        self._fetching = anyio.Lock()

    async def key_for(self, kid: object) -> PyJWK:
        if not isinstance(kid, str) or not kid:
            # A missing kid, or a number or list where a string belongs (which would not even be hashable).
            raise TokenRejected("no usable kid")
        if kid in self.static:
            return self.static[kid]
        client = self._client
        if client is None:
            raise TokenRejected("unknown kid")
        key = client.cached_key(kid)
        if key is not None:
            return key
        async with self._fetching:
            # Another request may have fetched while this one waited.
            key = client.cached_key(kid)
            if key is not None:
                return key
            try:
                return await anyio.to_thread.run_sync(client.get_signing_key, kid)
            except Exception as exc:
                # An unknown kid, or an unreachable, empty, unreadable or hostile key set (JSON nested deep enough
                # to raise RecursionError): whatever went wrong, the caller only learns the token was refused.
                raise TokenRejected(f"no key for kid {kid!r} from {self.config.issuer}: {exc}") from exc


def _keys_from_jwks(doc: dict[str, Any]) -> dict[str, PyJWK]:
    out: dict[str, PyJWK] = {}
    for item in doc.get("keys", []):
        if item.get("kid"):
            out[item["kid"]] = PyJWK(item)
    return out


# How long a verified token is taken on trust by its exact text, and how many are remembered (see the docstring).
VERIFIED_TOKEN_SECONDS = 10.0
VERIFIED_TOKENS = 4096


class TokenVerifier:
    """Verifies bearer tokens against the configured issuers and builds the Principal."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # token -> (its exp, wall clock; monotonic deadline of the entry; the Principal it verified as)
        self._verified: OrderedDict[str, tuple[float, float, Principal]] = OrderedDict()
        self.issuers: dict[str, _IssuerKeys] = {}
        for config in settings.issuers:
            self.issuers[config.issuer] = _IssuerKeys(config, lifespan=settings.jwks_cache_seconds)
        self.local_jwks: dict[str, Any] = {"keys": []}
        if settings.trusts_local_issuer:
            jwk = public_jwk(load_or_create_local_key(settings.data_dir))
            self.local_jwks = {"keys": [jwk]}
            local = IssuerConfig(issuer=settings.local_issuer_name, audience=settings.audience, algorithms=("RS256",))
            self.issuers[local.issuer] = _IssuerKeys(local, _keys_from_jwks(self.local_jwks))

    async def verify(self, token: str) -> Principal:
        remembered = self._verified.get(token)
        if remembered is not None:
            exp, deadline, principal = remembered
            if time.time() < exp and time.monotonic() < deadline:
                self._verified.move_to_end(token)
                return principal
            del self._verified[token]
        principal, exp = await self._verify(token)
        self._verified[token] = (exp, time.monotonic() + VERIFIED_TOKEN_SECONDS, principal)
        if len(self._verified) > VERIFIED_TOKENS:
            self._verified.popitem(last=False)
        return principal

    async def _verify(self, token: str) -> tuple[Principal, float]:
        """Full verification: the Principal and the token's `exp` (required, and checked numeric by PyJWT)."""
        try:
            # One unverified parse finds the issuer and key; the verified decode below is what counts.
            parsed = jwt.decode_complete(token, options={"verify_signature": False})
            header, unverified = parsed["header"], parsed["payload"]
        except jwt.PyJWTError as exc:
            raise TokenRejected(f"malformed: {exc}") from exc
        alg = header.get("alg")
        if alg not in ALLOWED_ALGORITHMS:
            raise TokenRejected(f"algorithm {alg!r} not allowed")
        issuer = self.issuers.get(str(unverified.get("iss")))
        if issuer is None:
            raise TokenRejected("untrusted issuer")
        if alg not in issuer.config.algorithms:
            raise TokenRejected(f"algorithm {alg!r} not allowed for this issuer")
        jwk = await issuer.key_for(header.get("kid"))
        # A key that names its algorithm is used with that one only. Keys published without `alg` (Entra's)
        # serve any allowed algorithm of their type; PyJWT would otherwise bind an RSA key to RS256 alone.
        declared = jwk.algorithm_name if "alg" in jwk._jwk_data else None
        if declared is not None and declared != alg:
            raise TokenRejected(f"token algorithm {alg} does not match the key's {declared}")
        try:
            claims = jwt.decode(
                token,
                jwk.key,
                algorithms=[alg],
                audience=issuer.config.audience,
                issuer=issuer.config.issuer,
                leeway=self.settings.jwt_leeway_seconds,
                options={"require": ["exp", "iat", "iss", "aud", "sub"], "verify_nbf": True},
            )
        except jwt.PyJWTError as exc:
            raise TokenRejected(f"invalid: {exc}") from exc
        return self._principal(claims, issuer.config), float(claims["exp"])

    def _principal(self, claims: dict[str, Any], issuer: IssuerConfig) -> Principal:
        raw_roles = claims.get("roles")
        if not isinstance(raw_roles, list) or not raw_roles or not all(isinstance(r, str) for r in raw_roles):
            raise TokenRejected("no roles")
        # Entra app-role values such as "People.ReadWrite" arrive in `roles` beside ours: they become scopes.
        roles = tuple(Role(r) for r in raw_roles if r in Role.__members__)
        if not roles:
            raise TokenRejected("no known role")
        org = claims.get("org")
        if org is None and len(issuer.organisations) == 1:
            org = issuer.organisations[0]
        if not isinstance(org, str):
            raise TokenRejected("no organisation")
        try:
            org_type, org_code = parse_organisation(org)
        except ValueError as exc:
            raise TokenRejected("bad organisation") from exc
        is_local = issuer.issuer == self.settings.local_issuer_name
        if not is_local and org not in issuer.organisations:
            # An issuer may only speak for the organisations it is registered for (tenant isolation).
            raise TokenRejected("issuer not trusted for this organisation")
        raw_scopes = claims.get("scp") or claims.get("scope") or ""
        if isinstance(raw_scopes, str):
            scopes = set(raw_scopes.split())
        elif isinstance(raw_scopes, list) and all(isinstance(s, str) for s in raw_scopes):
            scopes = set(raw_scopes)
        else:
            raise TokenRejected("bad scope claim")
        scopes.update(scope for r in raw_roles if (scope := scope_from_app_role(r)))
        teams = claims.get("teams") or []
        if not isinstance(teams, list) or not all(isinstance(t, str) for t in teams):
            raise TokenRejected("bad teams claim")
        try:
            person_id = uuid.UUID(str(claims["person_id"])) if claims.get("person_id") else None
        except ValueError as exc:
            raise TokenRejected("bad person_id claim") from exc
        client_app = claims.get("azp") or claims.get("appid") or claims.get("client_id")
        return Principal(
            subject=str(claims["sub"]),
            issuer=issuer.issuer,
            roles=roles,
            org_type=OrgType(org_type),
            org_code=org_code,
            client_app=str(client_app) if client_app else None,
            scopes=frozenset(scopes),
            person_id=person_id,
            teams=frozenset(teams),
        )


def scope_from_app_role(value: str) -> str | None:
    """Entra app-role values to SMART v2 scopes (interop R21): "People.ReadWrite" -> "system/people.cruds",
    "AssessmentMaps.Read" -> "system/assessment-maps.rs", "Flags.Search" -> "system/flags.s"."""
    resource, _, access = value.rpartition(".")
    letters = {"Read": "rs", "ReadWrite": "cruds", "Create": "c", "Search": "s"}.get(access)
    if not resource or letters is None or not resource.isalpha():
        return None
    kebab = "".join(f"-{c.lower()}" if c.isupper() else c for c in resource).lstrip("-")
    return f"system/{kebab}.{letters}"
