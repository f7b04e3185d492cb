"""Hypothesis strategies that draw JSON-shaped values for any sos_schema type from its msgspec type info.

Values follow the declared constraints (lengths, ranges, patterns, enums, tags), so most decode; those
that break a cross-field rule are filtered by the tests. Optional fields are often left out, which keeps
the drawn documents small and the rule-rejection rate low.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
import msgspec.inspect as mi
from hypothesis import strategies as st

# msgspec's messages for type and constraint errors; anything else comes from a `__post_init__` rule.
STRUCTURAL_PREFIXES = (
    "Expected",
    "Object missing required field",
    "Object contains unknown field",
    "Invalid enum value",
    "Invalid RFC3339",
    "Invalid ISO8601",
    "Invalid UUID",
    "Invalid value",
)


def is_structural(error: msgspec.ValidationError) -> bool:
    """True when msgspec refused the value for its type or constraints, not for a cross-field rule."""
    return str(error).startswith(STRUCTURAL_PREFIXES)


_PRINTABLE = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))


def _text(t: mi.StrType) -> st.SearchStrategy[str]:
    if t.pattern is not None:
        strat: st.SearchStrategy[str] = st.from_regex(t.pattern, fullmatch=True)
        lo, hi = t.min_length or 0, t.max_length
        return strat.filter(lambda s: len(s) >= lo and (hi is None or len(s) <= hi))
    hi = min(t.max_length if t.max_length is not None else 40, 40)
    return st.text(_PRINTABLE, min_size=t.min_length or 0, max_size=max(hi, t.min_length or 0))


def _int(t: mi.IntType) -> st.SearchStrategy[int]:
    lo = t.ge if t.ge is not None else (t.gt + 1 if t.gt is not None else -(2**31))
    hi = t.le if t.le is not None else (t.lt - 1 if t.lt is not None else 2**31)
    return st.integers(min_value=lo, max_value=hi)


def _dates() -> st.SearchStrategy[str]:
    return st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31)).map(dt.date.isoformat)


def _instants() -> st.SearchStrategy[str]:
    return st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2040, 1, 1),
        timezones=st.just(dt.UTC),
    ).map(lambda d: d.isoformat().replace("+00:00", "Z"))


def for_type(t: mi.Type) -> st.SearchStrategy[Any]:
    """A strategy of JSON-compatible builtins for one msgspec type description."""
    if isinstance(t, mi.Metadata):
        return for_type(t.type)
    if isinstance(t, mi.StrType):
        return _text(t)
    if isinstance(t, mi.IntType):
        return _int(t)
    if isinstance(t, mi.FloatType):
        return st.floats(allow_nan=False, allow_infinity=False, width=32)
    if isinstance(t, mi.BoolType):
        return st.booleans()
    if isinstance(t, mi.NoneType):
        return st.none()
    if isinstance(t, mi.UUIDType):
        return st.uuids(version=4).map(str)
    if isinstance(t, mi.DateType):
        return _dates()
    if isinstance(t, mi.DateTimeType):
        return _instants()
    if isinstance(t, mi.EnumType):
        return st.sampled_from([m.value for m in t.cls])
    if isinstance(t, mi.LiteralType):
        return st.sampled_from(list(t.values))
    if isinstance(t, mi.ListType | mi.SetType | mi.FrozenSetType | mi.VarTupleType):
        hi = min(t.max_length if t.max_length is not None else 3, 3)
        lo = t.min_length or 0
        return st.lists(st.deferred(lambda: for_type(t.item_type)), min_size=lo, max_size=max(lo, hi))
    if isinstance(t, mi.DictType):
        return st.dictionaries(st.text(max_size=8), for_type(t.value_type), max_size=2)
    if isinstance(t, mi.UnionType):
        # None first so shrinking prefers leaving optional values out.
        ordered = sorted(t.types, key=lambda u: not isinstance(u, mi.NoneType))
        return st.one_of(*[st.deferred(lambda u=u: for_type(u)) for u in ordered])
    if isinstance(t, mi.StructType):
        return _struct(t)
    if isinstance(t, mi.AnyType):
        return _json_values()
    raise NotImplementedError(f"no strategy for {t!r}")


def _json_values() -> st.SearchStrategy[Any]:
    """Any small JSON value (a batch operation's body or answer, which is another operation's business)."""
    scalars = st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(_PRINTABLE, max_size=10)
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=8), inner, max_size=2),
        max_leaves=4,
    )


def _struct(t: mi.StructType) -> st.SearchStrategy[dict[str, Any]]:
    required = {f.encode_name: st.deferred(lambda f=f: for_type(f.type)) for f in t.fields if f.required}
    optional = {f.encode_name: st.deferred(lambda f=f: for_type(f.type)) for f in t.fields if not f.required}
    if t.tag_field is not None:
        required[t.tag_field] = st.just(t.tag)
    return st.fixed_dictionaries(required, optional=optional)


def json_values(tp: Any) -> st.SearchStrategy[Any]:
    """JSON-shaped values for a public sos_schema type (a Struct or a tagged union)."""
    return for_type(mi.type_info(tp))


def fresh_uuid() -> str:
    return str(uuid.uuid4())
