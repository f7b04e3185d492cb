"""Examples for sos_schema.batch."""

from typing import Any

from sos_schema import BatchHeaders, BatchOperation, BatchRequest, BatchResponse, BatchResult

UPSERT: dict[str, Any] = {
    "ref": "person-1001",
    "method": "PUT",
    "path": "/v1/people?identifier=la_person_id%7C1001",
    "headers": {"Idempotency-Key": "8e03978e-40d5-43e8-bc93-6894a57f9324"},
    "body": {
        "given_names": "Amira",
        "family_name": "Khan",
        "identifiers": [{"system": "la_person_id", "value": "1001"}],
    },
}
READ: dict[str, Any] = {"ref": "case", "method": "GET", "path": "/v1/cases/0b0c0d0e-0000-4000-8000-0000000000c0"}
CREATED: dict[str, Any] = {
    "ref": "person-1001",
    "status": 201,
    "id": "0b0c0d0e-0000-4000-8000-000000000001",
    "version": 1,
    "etag": 'W/"1"',
    "location": "/v1/people/0b0c0d0e-0000-4000-8000-000000000001",
    "body": {"id": "0b0c0d0e-0000-4000-8000-000000000001"},
}
FAILED: dict[str, Any] = {
    "ref": "person-1002",
    "status": 428,
    "problem": {"type": "https://sos-casework.org.uk/problems/precondition-required", "title": "x", "status": 428},
}

VALID: list[tuple[type, dict[str, Any]]] = [
    (BatchHeaders, {"If-Match": 'W/"3"', "If-None-Exist": "identifier=nhs_number|9434765919"}),
    (BatchOperation, UPSERT),
    (BatchOperation, READ),
    (BatchRequest, {"operations": [UPSERT, READ], "atomic": True}),
    (BatchRequest, {"operations": [{**READ, "ref": f"r{n}"} for n in range(100)]}),
    (BatchResult, CREATED),
    (BatchResult, FAILED),
    (BatchResponse, {"atomic": False, "applied": True, "results": [CREATED, FAILED]}),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    (BatchOperation, {**READ, "path": "https://elsewhere.example/v1/cases"}, "$.path", False),
    (BatchOperation, {**READ, "path": "/v2/cases"}, "$.path", False),
    (BatchOperation, {**READ, "method": "DELETE"}, "$.method", False),
    (BatchOperation, {**READ, "ref": ""}, "$.ref", False),
    (BatchOperation, {**READ, "body": {"a": 1}}, "GET operation takes no body", True),
    (BatchHeaders, {"Authorization": "Bearer x"}, "unknown field", False),
    (BatchRequest, {"operations": []}, "$.operations", False),
    (BatchRequest, {"operations": [{**READ, "ref": f"r{n}"} for n in range(101)]}, "$.operations", False),
    (BatchRequest, {"operations": [READ, READ]}, "unique", True),
]
