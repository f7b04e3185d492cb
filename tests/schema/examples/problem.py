"""Examples for sos_schema.problem."""

from typing import Any

from sos_schema import FieldError, Problem

FIELD_ERROR: dict[str, Any] = {
    "pointer": "/value",
    "code": "out_of_range",
    "detail": "A scale value is a whole number from 0 to 10.",
}
VALIDATION: dict[str, Any] = {
    "type": "https://sos-casework.org.uk/problems/validation-failed",
    "title": "The request body is not valid",
    "status": 422,
    "detail": "One field is not valid.",
    "instance": "urn:uuid:4b0c0d0e-0000-4000-8000-0000000000aa",
    "errors": [FIELD_ERROR],
}

VALID: list[tuple[type, dict[str, Any]]] = [
    (FieldError, FIELD_ERROR),
    (FieldError, {**FIELD_ERROR, "pointer": ""}),
    (FieldError, {**FIELD_ERROR, "pointer": "/rules/0/responsible/1"}),
    (FieldError, {**FIELD_ERROR, "pointer": "/a~1b/c~0d"}),
    (Problem, VALIDATION),
    (Problem, {"title": "Not Found", "status": 404}),
    (
        Problem,
        {
            "type": "https://sos-casework.org.uk/problems/version-conflict",
            "title": "The record has changed since you read it",
            "status": 412,
            "current_version": 4,
        },
    ),
    (
        Problem,
        {
            "type": "https://sos-casework.org.uk/problems/rule-broken",
            "title": "A business rule was broken",
            "status": 422,
            "detail": "A pathway plan needs a young person aged 16 to 24.",
            "rule": "BR-17",
        },
    ),
    (Problem, {"title": "Internal error", "status": 500, "instance": "req-7f3a9c", "trace": "ignored extension"}),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    (FieldError, {**FIELD_ERROR, "pointer": "value"}, "$.pointer", False),
    (FieldError, {**FIELD_ERROR, "pointer": "/a~2"}, "$.pointer", False),
    (FieldError, {**FIELD_ERROR, "code": ""}, "$.code", False),
    (FieldError, {k: v for k, v in FIELD_ERROR.items() if k != "detail"}, "detail", False),
    (Problem, {**VALIDATION, "status": 200}, "$.status", False),
    (Problem, {**VALIDATION, "status": 600}, "$.status", False),
    (Problem, {**VALIDATION, "type": "version-conflict"}, "$.type", False),
    (Problem, {k: v for k, v in VALIDATION.items() if k != "title"}, "title", False),
    (Problem, {**VALIDATION, "rule": "rule 7"}, "$.rule", False),
    (Problem, {**VALIDATION, "current_version": 0}, "$.current_version", False),
    (Problem, {**VALIDATION, "errors": [{**FIELD_ERROR, "pointer": "value"}]}, "$.errors[0].pointer", False),
]
