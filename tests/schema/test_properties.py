"""Property tests over every public type: encode -> decode is identity, and the JSON Schema agrees with msgspec."""

from __future__ import annotations

from functools import cache
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sos_schema.export import public_types
from tests.schema.conftest import all_valid, validator_for
from tests.schema.strategies import is_structural, json_values

TYPES = public_types()
EXAMPLES: dict[Any, list[dict[str, Any]]] = {}
for _tp, _payload in all_valid():
    EXAMPLES.setdefault(_tp, []).append(_payload)


@cache  # built once per type: rebuilding the strategy tree (and its regexes) per example was the cost
def _values(name: str) -> st.SearchStrategy[Any]:
    tp = TYPES[name]
    drawn = json_values(tp)
    known = EXAMPLES.get(tp, [])
    return st.one_of(st.sampled_from(known), drawn) if known else drawn


@pytest.mark.parametrize("name", sorted(TYPES))
# 25 values per type: over 253 types, 50 cost the suite 40 s more.
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_round_trip_and_schema_agreement(name: str, data: st.DataObject) -> None:
    tp = TYPES[name]
    value = data.draw(_values(name))
    raw = msgspec.json.encode(value)
    schema_accepts = validator_for(name).is_valid(value)
    try:
        obj = msgspec.json.decode(raw, type=tp)
    except msgspec.ValidationError as refused:
        structural_refusal: msgspec.ValidationError | None = refused if is_structural(refused) else None
        obj = None
    else:
        structural_refusal = None
    if obj is None:
        # A structural refusal must be the schema's refusal too; a rule refusal is beyond JSON Schema.
        assert structural_refusal is None or not schema_accepts, (
            f"schema accepts what msgspec refuses: {structural_refusal}"
        )
        return
    assert schema_accepts, "msgspec accepts what the JSON Schema refuses"
    again = msgspec.json.decode(msgspec.json.encode(obj), type=tp)
    assert again == obj
