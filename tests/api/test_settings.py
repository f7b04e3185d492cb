"""Settings from `SOS_*` variables: clear spellings are read, anything else stops start-up naming the variable."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import msgspec
import pytest

from sos_api.settings import IssuerConfig, Settings, SettingsError, env_name

ROOT = Path(__file__).resolve().parents[2]
BOOLEAN = "expected a boolean (true/false/1/0/yes/no/on/off)"

# (variable, value) -> (field, what it reads as). Every field but `issuers` (a file, tested below) has a row.
GOOD: list[tuple[str, str, str, Any]] = [
    ("SOS_DATABASE_URL", "postgresql://sos@db.example/sos", "database_url", "postgresql://sos@db.example/sos"),
    ("SOS_DATA_DIR", "/var/lib/sos", "data_dir", Path("/var/lib/sos")),
    ("SOS_HOST", "0.0.0.0", "host", "0.0.0.0"),
    ("SOS_PORT", "8080", "port", 8080),
    ("SOS_PORT", " 8080 ", "port", 8080),
    ("SOS_PORT", "1", "port", 1),
    ("SOS_PORT", "65535", "port", 65535),
    ("SOS_AUDIENCE", "api://sos", "audience", "api://sos"),
    ("SOS_MAX_BODY_BYTES", "1", "max_body_bytes", 1),
    ("SOS_MAX_BODY_BYTES", "262144", "max_body_bytes", 262_144),
    ("SOS_POOL_SIZE", "1", "pool_size", 1),
    ("SOS_JWT_LEEWAY_SECONDS", "0", "jwt_leeway_seconds", 0),
    ("SOS_JWT_LEEWAY_SECONDS", "60", "jwt_leeway_seconds", 60),
    ("SOS_JWKS_CACHE_SECONDS", "60", "jwks_cache_seconds", 60),
    ("SOS_JWKS_CACHE_SECONDS", "86400", "jwks_cache_seconds", 86_400),
    *[("SOS_LOCAL_ISSUER", word, "local_issuer", True) for word in ("true", "TRUE", "1", "yes", "Yes", "on", " on ")],
    *[("SOS_LOCAL_ISSUER", word, "local_issuer", False) for word in ("false", "False", "0", "no", "off", "OFF")],
    ("SOS_PRODUCTION", "yes", "production", True),
    ("SOS_PRODUCTION", "off", "production", False),
    ("SOS_UNSAFE_SCALE_AT_OR_BELOW", "0", "unsafe_scale_at_or_below", 0),
    ("SOS_UNSAFE_SCALE_AT_OR_BELOW", "10", "unsafe_scale_at_or_below", 10),
    ("SOS_CHANGES_RETENTION_DAYS", "90", "changes_retention_days", 90),
    ("SOS_IDEMPOTENCY_KEY_HOURS", "168", "idempotency_key_hours", 168),
    ("SOS_RATE_LIMIT_WINDOW_SECONDS", "3600", "rate_limit_window_seconds", 3600),
    ("SOS_RATE_LIMIT_USER_REQUESTS", "1", "rate_limit_user_requests", 1),
    ("SOS_RATE_LIMIT_CLIENT_REQUESTS", "1000000", "rate_limit_client_requests", 1_000_000),
    ("SOS_RATE_LIMIT_WORKERS", "8", "rate_limit_workers", 8),
    ("SOS_WEBHOOKS_ALLOW_PRIVATE", "true", "webhooks_allow_private", True),
    ("SOS_WEBHOOKS_ALLOW_HTTP", "1", "webhooks_allow_http", True),
    ("SOS_WEBHOOKS_WORKER", "on", "webhooks_worker", True),
    ("SOS_DATABASE_STATEMENT_CACHE", "false", "database_statement_cache", False),
    ("SOS_METRICS", "off", "metrics", False),
    ("SOS_SHUTDOWN_GRACE_SECONDS", "25", "shutdown_grace_seconds", 25),
]

# (variable, value, the whole message)
BAD: list[tuple[str, str, str]] = [
    ("SOS_LOCAL_ISSUER", "ture", f"SOS_LOCAL_ISSUER: {BOOLEAN}, got 'ture'"),
    ("SOS_LOCAL_ISSUER", "y", f"SOS_LOCAL_ISSUER: {BOOLEAN}, got 'y'"),
    ("SOS_LOCAL_ISSUER", "2", f"SOS_LOCAL_ISSUER: {BOOLEAN}, got '2'"),
    ("SOS_PRODUCTION", "enabled", f"SOS_PRODUCTION: {BOOLEAN}, got 'enabled'"),
    ("SOS_PRODUCTION", "nope", f"SOS_PRODUCTION: {BOOLEAN}, got 'nope'"),
    ("SOS_WEBHOOKS_ALLOW_PRIVATE", "sure", f"SOS_WEBHOOKS_ALLOW_PRIVATE: {BOOLEAN}, got 'sure'"),
    ("SOS_PORT", "http", "SOS_PORT: expected an integer from 1 to 65535, got 'http'"),
    ("SOS_PORT", "0", "SOS_PORT: expected an integer from 1 to 65535, got '0'"),
    ("SOS_PORT", "65536", "SOS_PORT: expected an integer from 1 to 65535, got '65536'"),
    ("SOS_PORT", "-80", "SOS_PORT: expected an integer from 1 to 65535, got '-80'"),
    ("SOS_POOL_SIZE", "0", "SOS_POOL_SIZE: expected an integer of at least 1, got '0'"),
    ("SOS_POOL_SIZE", "ten", "SOS_POOL_SIZE: expected an integer of at least 1, got 'ten'"),
    ("SOS_MAX_BODY_BYTES", "0", "SOS_MAX_BODY_BYTES: expected an integer of at least 1, got '0'"),
    ("SOS_MAX_BODY_BYTES", "1MB", "SOS_MAX_BODY_BYTES: expected an integer of at least 1, got '1MB'"),
    ("SOS_JWT_LEEWAY_SECONDS", "61", "SOS_JWT_LEEWAY_SECONDS: expected an integer from 0 to 60, got '61'"),
    ("SOS_JWT_LEEWAY_SECONDS", "-1", "SOS_JWT_LEEWAY_SECONDS: expected an integer from 0 to 60, got '-1'"),
    ("SOS_JWKS_CACHE_SECONDS", "59", "SOS_JWKS_CACHE_SECONDS: expected an integer from 60 to 86400, got '59'"),
    ("SOS_JWKS_CACHE_SECONDS", "86401", "SOS_JWKS_CACHE_SECONDS: expected an integer from 60 to 86400, got '86401'"),
    ("SOS_UNSAFE_SCALE_AT_OR_BELOW", "11", "SOS_UNSAFE_SCALE_AT_OR_BELOW: expected an integer from 0 to 10, got '11'"),
    ("SOS_CHANGES_RETENTION_DAYS", "34", "SOS_CHANGES_RETENTION_DAYS: expected an integer from 35 to 3650, got '34'"),
    ("SOS_UNSAFE_SCALE_AT_OR_BELOW", "-1", "SOS_UNSAFE_SCALE_AT_OR_BELOW: expected an integer from 0 to 10, got '-1'"),
    ("SOS_IDEMPOTENCY_KEY_HOURS", "0", "SOS_IDEMPOTENCY_KEY_HOURS: expected an integer from 1 to 168, got '0'"),
    (
        "SOS_RATE_LIMIT_WINDOW_SECONDS",
        "0",
        "SOS_RATE_LIMIT_WINDOW_SECONDS: expected an integer from 1 to 3600, got '0'",
    ),
    ("SOS_RATE_LIMIT_USER_REQUESTS", "0", "SOS_RATE_LIMIT_USER_REQUESTS: expected an integer of at least 1, got '0'"),
    ("SOS_RATE_LIMIT_WORKERS", "0", "SOS_RATE_LIMIT_WORKERS: expected an integer from 1 to 10000, got '0'"),
    ("SOS_SHUTDOWN_GRACE_SECONDS", "0", "SOS_SHUTDOWN_GRACE_SECONDS: expected an integer from 1 to 3600, got '0'"),
    ("SOS_DATABASE_STATEMENT_CACHE", "nope", f"SOS_DATABASE_STATEMENT_CACHE: {BOOLEAN}, got 'nope'"),
    (
        "SOS_RATE_LIMIT_CLIENT_REQUESTS",
        "119999",
        "SOS_RATE_LIMIT_CLIENT_REQUESTS: must be at least SOS_RATE_LIMIT_USER_REQUESTS (120000), got 119999",
    ),
    (
        "SOS_UNSAFE_SCALE_AT_OR_BELOW",
        "3.5",
        "SOS_UNSAFE_SCALE_AT_OR_BELOW: expected an integer from 0 to 10, got '3.5'",
    ),
]


class TestFromEnv:
    def test_nothing_set_gives_the_defaults(self) -> None:
        assert Settings.from_env({}) == Settings()

    @pytest.mark.parametrize("name", ["SOS_PORT", "SOS_LOCAL_ISSUER", "SOS_DATABASE_URL", "SOS_JWT_LEEWAY_SECONDS"])
    def test_empty_or_blank_means_the_default(self, name: str) -> None:
        assert Settings.from_env({name: ""}) == Settings()
        assert Settings.from_env({name: "  "}) == Settings()

    @pytest.mark.parametrize(("name", "value", "field", "expected"), GOOD, ids=[f"{r[0]}={r[1]!r}" for r in GOOD])
    def test_good_value_is_read(self, name: str, value: str, field: str, expected: Any) -> None:
        settings = Settings.from_env({name: value})
        assert getattr(settings, field) == expected
        assert msgspec.structs.replace(settings, **{field: getattr(Settings(), field)}) == Settings(), (
            "no other field may change"
        )

    def test_every_field_has_a_good_row(self) -> None:
        # Lists read from files (SOS_ISSUERS_FILE, SOS_COUNCILS_FILE) have tests of their own.
        fields = {f.name for f in msgspec.structs.fields(Settings)} - {"issuers", "councils"}
        assert fields == {row[2] for row in GOOD}
        assert all(env_name(row[2]) == row[0] for row in GOOD), "a row names the wrong variable for its field"

    @pytest.mark.parametrize(("name", "value", "message"), BAD, ids=[f"{r[0]}={r[1]!r}" for r in BAD])
    def test_bad_value_is_refused_naming_the_variable(self, name: str, value: str, message: str) -> None:
        with pytest.raises(SettingsError) as caught:
            Settings.from_env({name: value})
        assert str(caught.value) == message

    def test_the_error_is_a_value_error(self) -> None:
        assert issubclass(SettingsError, ValueError)

    def test_reads_the_process_environment_by_default(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SOS_PORT", "9090")
        monkeypatch.setenv("SOS_LOCAL_ISSUER", "on")
        settings = Settings.from_env()
        assert (settings.port, settings.local_issuer) == (9090, True)
        monkeypatch.setenv("SOS_LOCAL_ISSUER", "ture")
        with pytest.raises(SettingsError, match=r"^SOS_LOCAL_ISSUER: "):
            Settings.from_env()

    def test_properties_follow_the_database_url(self) -> None:
        embedded = Settings.from_env({})
        assert (embedded.embedded, embedded.trusts_local_issuer) == (True, True)
        external = Settings.from_env({"SOS_DATABASE_URL": "postgresql://db/sos"})
        assert (external.embedded, external.trusts_local_issuer) == (False, False)
        assert Settings.from_env(
            {"SOS_DATABASE_URL": "postgresql://db/sos", "SOS_LOCAL_ISSUER": "1"}
        ).trusts_local_issuer


# --- SOS_ISSUERS_FILE -------------------------------------------------------------------------------

ENTRA: dict[str, Any] = {
    "issuer": "https://login.example/tenant-845/v2.0",
    "audience": "api://sos",
    "jwks_url": "https://login.example/tenant-845/discovery/v2.0/keys",
    "organisations": ["la:845"],
}


def write(tmp_path: Path, content: Any, name: str = "issuers.json") -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


class TestIssuersFile:
    def test_issuers_are_read(self, tmp_path: Path) -> None:
        jwks = write(tmp_path, {"keys": []}, "police.jwks.json")
        police = {"issuer": "https://idp.police.example", "audience": "sos", "jwks_file": str(jwks)}
        path = write(tmp_path, [ENTRA, {**police, "organisations": ["police:01"], "algorithms": ["ES256"]}])
        settings = Settings.from_env({"SOS_ISSUERS_FILE": str(path)})
        assert settings.issuers == (
            IssuerConfig(
                issuer=ENTRA["issuer"],
                audience="api://sos",
                jwks_url=ENTRA["jwks_url"],
                organisations=("la:845",),
            ),
            IssuerConfig(
                issuer=police["issuer"],
                audience="sos",
                jwks_file=str(jwks),
                organisations=("police:01",),
                algorithms=("ES256",),
            ),
        )

    def test_missing_file(self, tmp_path: Path) -> None:
        path = tmp_path / "nowhere.json"
        with pytest.raises(SettingsError) as caught:
            Settings.from_env({"SOS_ISSUERS_FILE": str(path)})
        assert str(caught.value) == f"SOS_ISSUERS_FILE ({path}): cannot read the file: No such file or directory"

    def test_a_directory(self, tmp_path: Path) -> None:
        with pytest.raises(SettingsError, match=r"^SOS_ISSUERS_FILE \(.*\): cannot read the file: "):
            Settings.from_env({"SOS_ISSUERS_FILE": str(tmp_path)})

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            ("[{", "not valid JSON: "),
            ("", "not valid JSON: "),
            ({"issuer": "x"}, "not a list of issuers: Expected `array`, got `object`"),
            ([{**ENTRA, "audience": None}], "not a list of issuers: Expected `str`, got `null` - at `$[0].audience`"),
            ([{k: v for k, v in ENTRA.items() if k != "audience"}], "missing required field `audience` - at `$[0]`"),
            ([{**ENTRA, "audience": ""}], "Expected `str` of length >= 1 - at `$[0].audience`"),
            ([{**ENTRA, "jwks_uri": "https://x"}], "unknown field `jwks_uri` - at `$[0]`"),
            ([{**ENTRA, "algorithms": ["HS256"]}], "Invalid enum value 'HS256' - at `$[0].algorithms[0]`"),
            ([{**ENTRA, "organisations": "la:845"}], "Expected `array`, got `str` - at `$[0].organisations`"),
            ([ENTRA, ENTRA], f"issuer 1 ({ENTRA['issuer']}): listed twice"),
            ([{**ENTRA, "jwks_url": None}], f"issuer 0 ({ENTRA['issuer']}): needs jwks_url or jwks_file"),
            ([{**ENTRA, "jwks_url": "file:///etc/passwd"}], "jwks_url must be an http(s) URL"),
            ([{**ENTRA, "algorithms": []}], "algorithms must not be empty"),
            ([{**ENTRA, "jwks_url": None, "jwks_file": "/nowhere/keys.json"}], "cannot read jwks_file /nowhere/keys"),
        ],
        ids=[
            "truncated",
            "empty",
            "object_not_list",
            "null_audience",
            "no_audience",
            "empty_audience",
            "misspelt_field",
            "hs256",
            "organisations_not_a_list",
            "duplicate",
            "no_keys",
            "file_url",
            "no_algorithms",
            "missing_jwks_file",
        ],
    )
    def test_bad_file_is_refused_naming_the_variable(self, tmp_path: Path, content: Any, message: str) -> None:
        path = write(tmp_path, content)
        with pytest.raises(SettingsError) as caught:
            Settings.from_env({"SOS_ISSUERS_FILE": str(path)})
        text = str(caught.value)
        assert text.startswith(f"SOS_ISSUERS_FILE ({path}): "), text
        assert message in text, text

    @pytest.mark.parametrize("content", ["<html>", json.dumps([{"kty": "RSA"}]), json.dumps({"keys": {}})])
    def test_jwks_file_that_is_not_a_jwks(self, tmp_path: Path, content: str) -> None:
        jwks = write(tmp_path, content, "keys.json")
        path = write(tmp_path, [{**ENTRA, "jwks_url": None, "jwks_file": str(jwks)}])
        with pytest.raises(SettingsError, match=r"^SOS_ISSUERS_FILE \(.*\): issuer 0 \(.*\): jwks_file .*"):
            Settings.from_env({"SOS_ISSUERS_FILE": str(path)})


class TestCouncilsFile:
    """SOS_COUNCILS_FILE: each council's contact routes for flag lookups (interop R17)."""

    def test_councils_load_and_an_unlisted_council_is_named_by_its_code(self, tmp_path: Path) -> None:
        council = {"code": "845", "name": "Example City Council", "out_of_hours_phone": "0113 496 0999"}
        settings = Settings.from_env({"SOS_COUNCILS_FILE": str(write(tmp_path, [council], "councils.json"))})
        assert settings.council("845").out_of_hours_phone == "0113 496 0999"
        assert (settings.council("846").name, settings.council("846").office_hours_phone) == (
            "Local authority 846",
            None,
        )

    def test_a_council_listed_twice_or_a_bad_number_is_refused(self, tmp_path: Path) -> None:
        twice = write(tmp_path, [{"code": "845", "name": "A"}, {"code": "845", "name": "B"}], "councils.json")
        with pytest.raises(SettingsError, match=r"^SOS_COUNCILS_FILE \(.*\): a council is listed twice$"):
            Settings.from_env({"SOS_COUNCILS_FILE": str(twice)})
        bad = write(tmp_path, [{"code": "845", "name": "A", "office_hours_phone": "call us"}], "bad.json")
        with pytest.raises(SettingsError, match=r"^SOS_COUNCILS_FILE \(.*\): not a list of council contacts"):
            Settings.from_env({"SOS_COUNCILS_FILE": str(bad)})


# --- documentation ---------------------------------------------------------------------------------


def test_every_variable_is_documented_beside_its_field_and_in_the_readme() -> None:
    source = (ROOT / "sos_api" / "settings.py").read_text()
    readme = (ROOT / "README.md").read_text()
    for field in msgspec.structs.fields(Settings):
        name = env_name(field.name)
        assert re.search(rf"# .*\b{name}\b", source), f"{name} has no comment in settings.py"
        assert f"`{name}`" in readme, f"{name} is missing from the README configuration table"
