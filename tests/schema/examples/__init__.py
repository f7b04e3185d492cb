"""Valid and invalid example payloads for every public Struct, one module per sos_schema module.

Each module defines:
    VALID: list[tuple[type, dict]]               payloads msgspec must accept (and the JSON Schema too)
    INVALID: list[tuple[type, dict, str, bool]]  (type, payload, substring of the error, semantic)

`semantic` is True when the rule lives only in `__post_init__` (check digits, cross-field and conditional
requirements): JSON Schema cannot express it, so the schema is expected to accept that payload.
tests/schema/test_examples.py runs them all and checks every public Struct has a valid example.
"""
