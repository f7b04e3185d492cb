"""deploy/: every Kubernetes manifest validated against the Kubernetes schemas (kubernetes-validate, bundled offline,
strict: unknown fields fail), the CloudNativePG resources against the schema derived from their CRDs
(deploy/schemas/), the compose file against the Compose subset schema, the Dockerfile linted by hadolint; and the
properties the deployment relies on (non-root, read-only root, probes, PgBouncer transaction mode with the statement
cache off, no secret values committed)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
KUBERNETES = "1.30.0"  # the oldest minor release still supported upstream when this was written
HADOLINT = Path(sys.executable).with_name("hadolint")


def documents() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                found.append((f"{path.name}:{doc['kind']}/{doc['metadata']['name']}", doc))
    return found


DOCS = documents()


def the(kind: str, name: str | None = None) -> dict[str, Any]:
    matches = [d for _, d in DOCS if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)]
    assert len(matches) == 1, (kind, name, len(matches))
    return matches[0]


def env_of(container: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


@pytest.mark.parametrize("doc", [d for _, d in DOCS], ids=[n for n, _ in DOCS])
def test_every_manifest_is_valid(doc: dict[str, Any]) -> None:
    if doc["apiVersion"].startswith("postgresql.cnpg.io/"):
        schema = json.loads((DEPLOY / "schemas" / "cnpg-v1-subset.json").read_text())
        jsonschema.validate(doc, {**schema, "$ref": f"#/$defs/{doc['kind']}"})
    else:
        kubernetes_validate.validate(doc, KUBERNETES, strict=True)


def test_the_validation_fails_on_a_wrong_field() -> None:
    deployment = json.loads(json.dumps(the("Deployment", "sos-api")))
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES, strict=True)
    pooler = json.loads(json.dumps(the("Pooler")))
    pooler["spec"]["pgbouncer"]["poolMode"] = "statement"
    schema = json.loads((DEPLOY / "schemas" / "cnpg-v1-subset.json").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(pooler, {**schema, "$ref": "#/$defs/Pooler"})


def test_every_kind_the_issue_asks_for_is_there() -> None:
    kinds = {d["kind"] for _, d in DOCS}
    assert kinds >= {
        "Deployment",
        "Service",
        "ServiceAccount",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "NetworkPolicy",
        "Job",
        "Cluster",
        "Pooler",
        "CronJob",
    }
    assert "Secret" not in kinds  # secrets are referenced, never committed


def test_the_api_runs_non_root_read_only_with_probes() -> None:
    pod = the("Deployment", "sos-api")["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    (api,) = pod["containers"]
    assert api["securityContext"]["readOnlyRootFilesystem"] is True
    assert api["securityContext"]["allowPrivilegeEscalation"] is False
    assert api["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert api["livenessProbe"]["httpGet"]["path"] == "/health"
    assert api["resources"]["requests"]
    assert api["resources"]["limits"]["memory"]
    # The server's own grace for requests in flight fits inside the pod's.
    grace = next(int(a.split("=")[1]) for a in api["args"] if a.startswith("--timeout-graceful-shutdown="))
    pause = api["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert pause + grace < pod["terminationGracePeriodSeconds"]


def test_the_api_goes_through_pgbouncer_in_transaction_mode_as_its_own_login() -> None:
    pooler = the("Pooler")
    assert pooler["spec"]["pgbouncer"]["poolMode"] == "transaction"
    (api,) = the("Deployment", "sos-api")["spec"]["template"]["spec"]["containers"]
    env = env_of(api)
    assert env["SOS_DATABASE_STATEMENT_CACHE"] == "false"
    assert env["SOS_DATABASE_URL"].startswith(f"postgresql://sos_api:$(DB_PASSWORD)@{pooler['metadata']['name']}:")
    roles = {r["name"]: r for r in the("Cluster")["spec"]["managed"]["roles"]}
    login = roles["sos_api"]
    assert (login["login"], login["superuser"], login["bypassrls"]) == (True, False, False)
    assert the("Cluster")["spec"]["bootstrap"]["initdb"]["owner"] != "sos_api"
    # Migrations run as the owner, on the primary directly (not through the pooler).
    (migrate,) = the("Job")["spec"]["template"]["spec"]["containers"]
    assert migrate["args"] == ["migrate"]
    assert env_of(migrate)["SOS_DATABASE_URL"].startswith("postgresql://sos_owner:$(DB_PASSWORD)@sos-db-rw:")


def containers(value: Any) -> Iterator[dict[str, Any]]:
    """Every container spec anywhere in a manifest (Deployments, Jobs, CronJobs' job templates)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in {"containers", "initContainers"}:
                yield from inner
            else:
                yield from containers(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from containers(inner)


def test_no_secret_value_is_committed() -> None:
    seen = 0
    for name, doc in DOCS:
        for container in containers(doc):
            passwords = [e for e in container.get("env", []) if "PASSWORD" in e["name"]]
            seen += len(passwords)
            assert all("secretKeyRef" in e.get("valueFrom", {}) for e in passwords), name
    assert seen >= 5  # the API, the worker, two CronJobs and the migration Job each read one


def test_every_workload_runs_non_root_read_only() -> None:
    for name, doc in DOCS:
        for container in containers(doc):
            assert container["securityContext"]["readOnlyRootFilesystem"] is True, name
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
            assert container["securityContext"]["capabilities"]["drop"] == ["ALL"], name


def test_the_worker_and_the_maintenance_jobs_use_the_app_login_through_the_pooler() -> None:
    for kind, name, command in [
        ("Deployment", "sos-worker", "worker"),
        ("CronJob", "sos-prune-changes", "prune-changes"),
        ("CronJob", "sos-prune-idempotency-keys", "prune-idempotency-keys"),
    ]:
        (container,) = containers(the(kind, name))
        assert container["args"] == [command]
        env = env_of(container)
        assert env["SOS_DATABASE_URL"].startswith("postgresql://sos_api:$(DB_PASSWORD)@sos-db-pooler-rw:")
        assert env["SOS_DATABASE_STATEMENT_CACHE"] == "false"


def test_the_compose_file_is_valid() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    jsonschema.validate(compose, json.loads((DEPLOY / "schemas" / "compose-subset.json").read_text()))
    services = compose["services"]
    assert set(services) == {"db", "migrate", "api", "worker"}
    assert services["worker"]["command"] == ["worker"]
    assert services["api"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "sos_api:" in services["api"]["environment"]["SOS_DATABASE_URL"]  # the app's login, not the owner
    assert "sos_owner:" in services["migrate"]["environment"]["SOS_DATABASE_URL"]


def test_the_dockerfile_passes_hadolint_and_runs_as_non_root() -> None:
    linted = subprocess.run([str(HADOLINT), "--no-color", str(DEPLOY / "Dockerfile")], capture_output=True, text=True)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    lines = [line.strip() for line in (DEPLOY / "Dockerfile").read_text().splitlines()]
    assert sum(line.startswith("FROM ") for line in lines) >= 2  # multi-stage
    users = [line for line in lines if line.startswith("USER ")]
    assert users
    assert users[-1].split()[1].split(":")[0] not in {"0", "root"}


def test_hadolint_does_find_faults() -> None:
    bad = subprocess.run(
        [str(HADOLINT), "--no-color", "-"],
        input="FROM python:latest\nRUN apt-get install curl\n",
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0
