"""Identifiers of people and how to check them: NHS number, UPN, PNC ID and the rest (domain 2.4, interop R1).

Invalid NHS numbers, UPNs and PNC IDs are refused, never stored (BR-21). Identifiers keep their history
(`valid_from` / `valid_to`): NHS numbers are re-issued on adoption and gender re-assignment, and temporary
UPNs are replaced by permanent ones. Two people are never merged on an identifier match alone.
The check functions are public so a client can validate before it sends.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Annotated

from msgspec import Meta

from ._base import Input, ShortText, check_order, compact, require

__all__ = [
    "ConsistentIdentifierException",
    "Identifier",
    "IdentifierSystem",
    "NhsVerification",
    "is_test_nhs_number",
    "nhs_number_is_valid",
    "normalise_identifier",
    "parse_identifier_token",
    "pnc_id_is_valid",
    "upn_is_valid",
]


class IdentifierSystem(enum.StrEnum):
    """Which numbering scheme an identifier belongs to (domain 2.4; the registry of interop R1).

    * `nhs_number`: NHS number (England, Wales, Isle of Man), 10 digits with a modulus 11 check digit; the
      consistent identifier for children (Children Act 2004 s16LC). FHIR system `https://fhir.nhs.uk/Id/nhs-number`.
    * `upn` / `former_upn`: unique pupil number (13 characters, modulus 23 check letter), current or replaced.
    * `uln`: unique learner number (10 digits).
    * `la_person_id`: the council case management system's person key (at most 20 letters and digits).
    * `pnc_id`: Police National Computer person id, `YYYY/NNNNNNNC` with a modulus 23 check letter.
    * `police_crime_ref`, `police_ppn_ref`: a force's crime reference or Public Protection Notice /
      Operation Encompass number; formats differ by force, so only length and characters are checked.
    * `court_case_no`: court case number; `other`: anything else (say what in `issuer`).
    """

    nhs_number = "nhs_number"
    upn = "upn"
    former_upn = "former_upn"
    uln = "uln"
    la_person_id = "la_person_id"
    pnc_id = "pnc_id"
    police_crime_ref = "police_crime_ref"
    police_ppn_ref = "police_ppn_ref"
    court_case_no = "court_case_no"
    other = "other"


class NhsVerification(enum.StrEnum):
    """UK Core NHS number verification status (England), codes `01`-`08` (interop 4.1).

    Code system `https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland`:

    * `01` present and verified against the Personal Demographics Service (PDS);
    * `02` present but not traced;
    * `03` trace required;
    * `04` trace attempted: no match or multiple matches;
    * `05` trace needs resolving (conflicting details);
    * `06` trace in progress;
    * `07` not present and trace not required;
    * `08` trace postponed (baby under six weeks old).
    """

    present_verified = "01"
    present_not_traced = "02"
    trace_required = "03"
    trace_no_or_multiple_match = "04"
    trace_needs_resolving = "05"
    trace_in_progress = "06"
    not_present_trace_not_required = "07"
    trace_postponed_baby_under_six_weeks = "08"


class ConsistentIdentifierException(enum.StrEnum):
    """Why a child's record has no NHS number: the exceptions in Children Act 2004 s16LC (inserted 2026).

    Designated bodies must include the consistent identifier when processing a child's information unless
    including it would not help safeguarding or promote welfare, would be more harmful to the child, or the
    identifier cannot be found without unreasonable delay.
    """

    not_helpful_for_safeguarding = "not_helpful_for_safeguarding"
    more_harmful_to_child = "more_harmful_to_child"
    not_found_without_unreasonable_delay = "not_found_without_unreasonable_delay"


# --- check algorithms (domain 2.4, exactly as specified there) --------------------------------------

_TEN_DIGITS = re.compile(r"[0-9]{10}")
# 23 letters, no I, O or S; A=0 ... Z=22.
_UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_SHAPE = re.compile(r"[ABCDEFGHJKLMNPQRTUVWXYZ][0-9]{11}[0-9ABCDEFGHJKLMNPQRTUVWXYZ]")
# The PNC check letters run Z, A, B ... Y: remainder 0 is Z.
_PNC_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
_PNC_SHAPE = re.compile(r"((?:19|20)[0-9]{2})/?([0-9]{7})([A-Z])")
_LA_PERSON_ID = re.compile(r"[A-Za-z0-9]{1,20}")
_OPAQUE_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ./_:#\-]*")


def nhs_number_is_valid(value: str) -> bool:
    """True when `value` is a well-formed NHS number whose 10th digit passes the modulus 11 check.

    Spaces and hyphens are ignored (`943 476 5919` is accepted). Test-range numbers (999...) pass;
    refusing them in production tenants is the API's job (BR-22), see `is_test_nhs_number`.
    """
    digits = compact(value)
    if not _TEN_DIGITS.fullmatch(digits):
        return False
    # Weights 10, 9, ... 2 on the first nine digits.
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10:
        # Numbers whose check would be 10 are never issued.
        return False
    return check == int(digits[9])


def is_test_nhs_number(value: str) -> bool:
    """True when `value` is 10 digits in the range reserved for test data (999 000 0000 - 999 999 9999).

    Says nothing about the check digit. The API refuses these in production tenants (BR-22).
    """
    digits = compact(value)
    return bool(_TEN_DIGITS.fullmatch(digits)) and digits.startswith("999")


def upn_is_valid(value: str) -> bool:
    """True when `value` is a permanent or temporary UPN whose first letter passes the modulus 23 check.

    Case and spaces are ignored. Permanent: check letter + 12 digits. Temporary: check letter + 11 digits
    + one letter (`AnnnnnnnnnnnA`). Whether positions 2-4 are a real DfE LA number is not checked here
    (warn only, domain 2.4).
    """
    upn = compact(value).upper()
    if not _UPN_SHAPE.fullmatch(upn):
        return False
    total = 0
    for position, char in enumerate(upn[1:], start=2):
        total += position * (_UPN_ALPHABET.index(char) if char.isalpha() else int(char))
    return _UPN_ALPHABET[total % 23] == upn[0]


def pnc_id_is_valid(value: str) -> bool:
    """True when `value` is a PNC ID `YYYY/NNNNNNNC` (slash optional) whose check letter passes modulus 23.

    The year must be 19xx or 20xx and the serial exactly 7 digits (zero-padded); the short display form
    (`01/12345H`) is not accepted, send the stored form.
    """
    match = _PNC_SHAPE.fullmatch(compact(value).upper())
    if match is None:
        return False
    year, serial, letter = match.groups()
    n = int(year[2:] + serial)
    return _PNC_LETTERS[n % 23] == letter


def normalise_identifier(system: IdentifierSystem, value: str) -> str:
    """The canonical stored form of an identifier value; does not validate it.

    NHS number and ULN: digits only. UPN: upper case without spaces. PNC ID: upper case `YYYY/NNNNNNNC`
    with the slash. Everything else: trimmed of surrounding spaces.
    """
    if system in (IdentifierSystem.nhs_number, IdentifierSystem.uln):
        return compact(value)
    if system in (IdentifierSystem.upn, IdentifierSystem.former_upn):
        return compact(value).upper()
    if system is IdentifierSystem.pnc_id:
        pnc = compact(value).upper()
        match = _PNC_SHAPE.fullmatch(pnc)
        return f"{match[1]}/{match[2]}{match[3]}" if match else pnc
    return value.strip()


def parse_identifier_token(token: str) -> tuple[IdentifierSystem, str]:
    """`system|value` (the FHIR token syntax of interop R1, e.g. an NHS number's system and the number) -> the system
    and the value in canonical form. The one parser of identifier queries (people, flags); ValueError with a
    plain-English message when the token is unreadable."""
    system_text, sep, raw = token.partition("|")
    try:
        system = IdentifierSystem(system_text)
    except ValueError as exc:
        allowed = ", ".join(s.value for s in IdentifierSystem)
        raise ValueError(f"the identifier must be system|value with system one of: {allowed}") from exc
    if not sep or not raw.strip():
        example = f"{IdentifierSystem.nhs_number.value}|9434765919"
        raise ValueError(f"the identifier must be system|value, e.g. {example}")
    return system, normalise_identifier(system, raw)


def _value_problem(system: IdentifierSystem, value: str) -> str | None:
    """Why `value` is not a valid identifier of `system`, or None when it is."""
    if system is IdentifierSystem.nhs_number:
        if not nhs_number_is_valid(value):
            return "value is not a valid NHS number (10 digits passing the modulus 11 check)"
    elif system in (IdentifierSystem.upn, IdentifierSystem.former_upn):
        if not upn_is_valid(value):
            return "value is not a valid UPN (13 characters with a correct modulus 23 check letter)"
    elif system is IdentifierSystem.pnc_id:
        if not pnc_id_is_valid(value):
            return "value is not a valid PNC ID (YYYY/NNNNNNNC with a correct modulus 23 check letter)"
    elif system is IdentifierSystem.uln:
        if not _TEN_DIGITS.fullmatch(compact(value)):
            return "value is not a valid ULN (10 digits)"
    elif system is IdentifierSystem.la_person_id:
        # SSD PERS001A: at most 20 alphanumerics.
        if not _LA_PERSON_ID.fullmatch(value.strip()):
            return "value is not a valid la_person_id (1 to 20 letters and digits)"
    elif not _OPAQUE_REF.fullmatch(value.strip()):
        return "value must start with a letter or digit"
    return None


_FORCE_REFERENCES = frozenset({IdentifierSystem.police_crime_ref, IdentifierSystem.police_ppn_ref})
"""Police references unique only within their issuing force (domain 2.4): `issuer` is required."""


IdentifierValue = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9 ./_:#\-]+$",
        description=(
            "The identifier as issued. Checked by system (NHS modulus 11, UPN and PNC modulus 23) and "
            "stored in canonical form: NHS number and ULN digits only, UPN upper case without spaces, "
            "PNC ID with the slash."
        ),
        examples=["9434765919", "B801200005001", "2001/0012345H"],
    ),
]


class Identifier(Input, kw_only=True):
    """One identifier of a person in one numbering system, with the period it was in use (domain 2.4).

    Values are checked on decode and an invalid value is refused (BR-21): NHS numbers by modulus 11,
    UPNs and former UPNs by their modulus 23 check letter, PNC IDs by theirs; a ULN must be 10 digits and
    an `la_person_id` 1-20 letters and digits. Police and court references carry no national check, so only
    their length and characters are checked. The value is rewritten to its canonical form (see
    `normalise_identifier`). `verification` applies to NHS numbers only. Test-range NHS numbers (999...)
    pass here and are refused by production tenants (BR-22). A police crime reference or PPN number is unique
    only within the force that issued it, so `issuer` (the force) is required for those two systems.
    """

    system: IdentifierSystem
    value: IdentifierValue
    issuer: Annotated[
        ShortText | None,
        Meta(
            description=(
                "Who issued it: LA code, case management system name or police force. Required for "
                "police_crime_ref and police_ppn_ref (the issuing force)."
            ),
            examples=["845", "Mosaic", "Metropolitan Police"],
        ),
    ] = None
    verification: Annotated[
        NhsVerification | None,
        Meta(description="UK Core NHS number verification status; only for nhs_number."),
    ] = None
    valid_from: dt.date | None = None
    valid_to: Annotated[
        dt.date | None,
        Meta(description="Last day this identifier was in use; empty while current."),
    ] = None
    source: Annotated[
        ShortText | None,
        Meta(description="How the value was obtained, e.g. PDS trace, school census, police notification."),
    ] = None

    def __post_init__(self) -> None:
        problem = _value_problem(self.system, self.value)
        require(problem is None, f"{self.system.value}: {problem}")
        require(
            self.verification is None or self.system is IdentifierSystem.nhs_number,
            "verification is only for nhs_number identifiers",
        )
        if self.system in _FORCE_REFERENCES:
            # Domain 2.4: force references have no national format; store them with the issuing force.
            require(
                self.issuer is not None,
                f"issuer (the police force that issued it) is required for {self.system.value}",
            )
        check_order(self.valid_from, self.valid_to, "identifier validity")
        self.value = normalise_identifier(self.system, self.value)
