"""The identifier check functions against hand-worked examples (domain 2.4, BR-21, BR-22).

The tables and the arithmetic behind every expected result are in tests/schema/examples/identifiers.py;
the extra cases here cover inputs a JSON payload could never carry (empty strings, other scripts).
"""

from __future__ import annotations

import msgspec
import pytest

from sos_schema import (
    IDENTIFIER_SYSTEMS,
    Identifier,
    IdentifierSystem,
    in_council,
    is_test_nhs_number,
    nhs_number_is_valid,
    normalise_identifier,
    pnc_id_is_valid,
    upn_is_valid,
)
from tests.schema.examples.identifiers import (
    NHS_INVALID,
    NHS_VALID,
    PNC_INVALID,
    PNC_VALID,
    UPN_INVALID,
    UPN_VALID,
)

OUTSIDE_ANY_PAYLOAD = ["", "   ", "\t", "９４３４７６５９１９", "٩٤٣٤٧٦٥٩١٩"]  # empty, blank, full-width, Arabic-Indic


@pytest.mark.parametrize("value", NHS_VALID)
def test_valid_nhs_numbers_pass(value: str) -> None:
    assert nhs_number_is_valid(value)


@pytest.mark.parametrize("value", [*NHS_INVALID, *OUTSIDE_ANY_PAYLOAD])
def test_invalid_nhs_numbers_fail(value: str) -> None:
    assert not nhs_number_is_valid(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9990000182", True),
        ("999 000 0182", True),
        # the range is by prefix, whatever the check digit (BR-22 refuses them all in production)
        ("9991234567", True),
        ("9999999999", True),
        ("9434765919", False),
        ("9989999999", False),
        ("999000018", False),
        ("99900001820", False),
    ],
)
def test_test_range_nhs_numbers(value: str, expected: bool) -> None:
    assert is_test_nhs_number(value) is expected


@pytest.mark.parametrize("value", UPN_VALID)
def test_valid_upns_pass(value: str) -> None:
    assert upn_is_valid(value)


@pytest.mark.parametrize("value", [*UPN_INVALID, *OUTSIDE_ANY_PAYLOAD])
def test_invalid_upns_fail(value: str) -> None:
    assert not upn_is_valid(value)


@pytest.mark.parametrize("value", PNC_VALID)
def test_valid_pnc_ids_pass(value: str) -> None:
    assert pnc_id_is_valid(value)


@pytest.mark.parametrize("value", [*PNC_INVALID, *OUTSIDE_ANY_PAYLOAD])
def test_invalid_pnc_ids_fail(value: str) -> None:
    assert not pnc_id_is_valid(value)


@pytest.mark.parametrize(
    ("system", "value", "expected"),
    [
        (IdentifierSystem.nhs_number, "943 476 5919", "9434765919"),
        (IdentifierSystem.nhs_number, "943-476-5919", "9434765919"),
        (IdentifierSystem.nhs_number, "9434765919", "9434765919"),
        (IdentifierSystem.uln, "12345 67890", "1234567890"),
        (IdentifierSystem.upn, "b801 2000 05001", "B801200005001"),
        (IdentifierSystem.former_upn, "m80120000500a", "M80120000500A"),
        (IdentifierSystem.pnc_id, "20010012345H", "2001/0012345H"),
        (IdentifierSystem.pnc_id, "2001/0012345h", "2001/0012345H"),
        (IdentifierSystem.pnc_id, "2001/0012345H", "2001/0012345H"),
        (IdentifierSystem.la_person_id, "  PERS0001234 ", "PERS0001234"),
        (IdentifierSystem.police_crime_ref, " CR/0012345/26 ", "CR/0012345/26"),
        # normalising does not validate: a malformed PNC ID is only upper-cased and compacted
        (IdentifierSystem.pnc_id, "01/12345h", "01/12345H"),
    ],
)
def test_normalise_identifier(system: IdentifierSystem, value: str, expected: str) -> None:
    assert normalise_identifier(system, value) == expected
    # canonical forms are fixed points
    assert normalise_identifier(system, expected) == expected


@pytest.mark.parametrize(
    ("system", "value", "stored"),
    [
        ("nhs_number", "943 476 5919", "9434765919"),
        ("upn", "b801 2000 05001", "B801200005001"),
        ("pnc_id", "20010012345h", "2001/0012345H"),
        ("la_person_id", " PERS0001234 ", "PERS0001234"),
    ],
)
def test_identifier_is_stored_in_canonical_form(system: str, value: str, stored: str) -> None:
    decoded = msgspec.convert({"system": system, "value": value}, type=Identifier)
    assert decoded.value == stored
    again = msgspec.json.decode(msgspec.json.encode(decoded), type=Identifier)
    assert again == decoded


@pytest.mark.parametrize(
    ("sent", "answered", "issuer"),
    [
        ({"system": "nhs_number", "value": "9434765919"}, "https://fhir.nhs.uk/Id/nhs-number", None),
        (
            {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"},
            "https://fhir.nhs.uk/Id/nhs-number",
            None,
        ),
        ({"system": "upn", "value": "B801200005001"}, "https://sos-casework.org.uk/id/upn", None),
        (
            {"system": "la_person_id", "value": "P1", "issuer": "845"},
            "https://sos-casework.org.uk/id/la/845/person",
            "845",
        ),
        (
            {"system": "https://sos-casework.org.uk/id/la/846/legacy-person", "value": "P1"},
            "https://sos-casework.org.uk/id/la/846/legacy-person",
            "846",
        ),
    ],
)
def test_aliases_are_accepted_and_uris_answered(sent: dict[str, str], answered: str, issuer: str | None) -> None:
    """Interop R1: the short codes are input aliases; what is stored and returned is the system's URI."""
    decoded = msgspec.convert(sent, type=Identifier)
    encoded = msgspec.to_builtins(decoded)
    assert (encoded["system"], encoded["issuer"]) == (answered, issuer)
    assert msgspec.convert(encoded, type=Identifier) == decoded


def test_the_registry_names_every_system_once() -> None:
    uris = [s.uri for s in IDENTIFIER_SYSTEMS]
    assert len(set(uris)) == len(uris) == len(IdentifierSystem)
    by_alias = {s.alias: s for s in IDENTIFIER_SYSTEMS}
    assert by_alias["nhs_number"].uri == "https://fhir.nhs.uk/Id/nhs-number"
    assert by_alias["la_person_id"].per_council
    assert by_alias["la_person_id"].per_issuer
    assert by_alias["police_crime_ref"].per_issuer
    assert not by_alias["police_crime_ref"].per_council
    assert not by_alias["nhs_number"].per_issuer


def test_a_councils_own_id_with_no_council_is_bound_to_the_persons() -> None:
    unbound = msgspec.convert({"system": "la_person_id", "value": "P1"}, type=Identifier)
    assert unbound.issuer is None
    assert unbound.scheme is IdentifierSystem.la_person_id
    [bound] = in_council([unbound], "845")
    assert (bound.system, bound.issuer, bound.scheme) == (
        "https://sos-casework.org.uk/id/la/845/person",
        "845",
        IdentifierSystem.la_person_id,
    )
