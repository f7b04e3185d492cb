"""Shared helpers for the schema tests: the public types, their examples and their JSON Schemas."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import Any

import jsonschema

import tests.schema.examples as examples_pkg
from sos_schema.export import public_types, schema_for


@cache
def example_modules() -> list[Any]:
    return [
        importlib.import_module(f"{examples_pkg.__name__}.{info.name}")
        for info in pkgutil.iter_modules(examples_pkg.__path__)
    ]


def all_valid() -> list[tuple[type, dict[str, Any]]]:
    return [pair for module in example_modules() for pair in module.VALID]


def all_invalid() -> list[tuple[type, dict[str, Any], str, bool]]:
    return [case for module in example_modules() for case in module.INVALID]


@cache
def validator_for(name: str) -> jsonschema.protocols.Validator:
    schema = schema_for(name, public_types()[name])
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def name_of(tp: Any) -> str:
    for name, candidate in public_types().items():
        if candidate is tp:
            return name
    raise KeyError(tp)
