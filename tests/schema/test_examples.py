"""Every validator's table of valid and invalid payloads, checked against msgspec and the JSON Schemas."""

from __future__ import annotations

import types
from typing import Any

import msgspec
import pytest

from sos_schema.export import public_types
from tests.schema.conftest import all_invalid, all_valid, name_of, validator_for


def _id(value: Any) -> str:
    return getattr(value, "__name__", None) or str(value)[:40]


@pytest.mark.parametrize(("tp", "payload"), all_valid(), ids=_id)
def test_valid_example_decodes_and_matches_schema(tp: type, payload: dict[str, Any]) -> None:
    raw = msgspec.json.encode(payload)
    obj = msgspec.json.decode(raw, type=tp)
    assert msgspec.json.decode(msgspec.json.encode(obj), type=tp) == obj
    errors = list(validator_for(name_of(tp)).iter_errors(payload))
    assert errors == [], [e.message for e in errors]


@pytest.mark.parametrize(("tp", "payload", "message", "semantic"), all_invalid(), ids=_id)
def test_invalid_example_is_refused(tp: type, payload: dict[str, Any], message: str, semantic: bool) -> None:
    with pytest.raises(msgspec.ValidationError) as refused:
        msgspec.json.decode(msgspec.json.encode(payload), type=tp)
    assert message in str(refused.value)
    schema_ok = validator_for(name_of(tp)).is_valid(payload)
    # A structural error must be caught by the JSON Schema too; a semantic rule (check digit, cross-field)
    # is beyond JSON Schema, so the schema accepts the payload and only msgspec refuses it.
    assert schema_ok is semantic


def test_every_public_struct_has_a_valid_example() -> None:
    covered = {tp for tp, _ in all_valid()}
    missing = [name for name, tp in public_types().items() if not isinstance(tp, types.UnionType) and tp not in covered]
    assert missing == []
