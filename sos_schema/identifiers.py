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

import msgspec
from msgspec import Meta

from ._base import Input, ShortText, check_order, compact, require

__all__ = [
    "IDENTIFIER_SYSTEMS",
    "ConsistentIdentifierException",
    "Identifier",
    "IdentifierSystem",
    "IdentifierSystemInfo",
    "IdentifierSystemList",
    "NhsVerification",
    "in_council",
    "is_test_nhs_number",
    "nhs_number_is_valid",
    "normalise_identifier",
    "parse_identifier_token",
    "pnc_id_is_valid",
    "resolve_system",
    "system_uri",
    "upn_is_valid",
]


OUR_IDS = "https://sos-casework.org.uk/id/"
"""Where the systems we name ourselves live (no national body publishes a URI for them)."""


class IdentifierSystem(enum.StrEnum):
    """Which numbering scheme an identifier belongs to (domain 2.4; the registry of interop R1).

    Each value is the system's URI, as the API returns it. The member names are the short aliases a client
    may still send as `system` (input only: responses always carry the URI). Two systems are issued by each
    council, so their value is a template and an identifier carries the council's own URI, with `{la_code}`
    filled in (e.g. `https://sos-casework.org.uk/id/la/845/person`). `GET /v1/identifier-systems` lists them.

    * `nhs_number`: NHS number (England, Wales, Isle of Man), 10 digits with a modulus 11 check digit; the
      consistent identifier for children (Children Act 2004 s16LC).
    * `upn` / `former_upn`: unique pupil number (13 characters, modulus 23 check letter), current or replaced.
    * `uln`: unique learner number (10 digits).
    * `la_person_id`: the council case management system's person key (at most 20 letters and digits, SSD
      PERS001A); per council.
    * `legacy_person_id`: a person key from the council's previous case management system (SSD
      `pers_legacy_id`); per council.
    * `pnc_id`: Police National Computer person id, `YYYY/NNNNNNNC` with a modulus 23 check letter.
    * `police_crime_ref`, `police_ppn_ref`: a force's crime reference or Public Protection Notice /
      Operation Encompass number; formats differ by force, so only length and characters are checked, and
      each is unique only within its force (`issuer`).
    * `court_case_no`: court case number; `other`: anything else (say what in `issuer`).
    """

    nhs_number = "https://fhir.nhs.uk/Id/nhs-number"
    upn = OUR_IDS + "upn"
    former_upn = OUR_IDS + "former-upn"
    uln = OUR_IDS + "uln"
    la_person_id = OUR_IDS + "la/{la_code}/person"
    legacy_person_id = OUR_IDS + "la/{la_code}/legacy-person"
    pnc_id = OUR_IDS + "pnc-id"
    police_crime_ref = OUR_IDS + "police-crime-ref"
    police_ppn_ref = OUR_IDS + "police-ppn-ref"
    court_case_no = OUR_IDS + "court-case-no"
    other = OUR_IDS + "other"

    @property
    def alias(self) -> str:
        """The short code a client may send instead of the URI (`nhs_number`)."""
        return self.name

    @property
    def per_council(self) -> bool:
        """Issued by each council: the URI names the council (`{la_code}`)."""
        return "{la_code}" in self.value

    @property
    def per_issuer(self) -> bool:
        """Unique only within its issuer (a council, a police force, a court): the issuer is part of its key."""
        return self.per_council or self in _ISSUED_LOCALLY


_ISSUED_LOCALLY = frozenset(
    {
        IdentifierSystem.police_crime_ref,
        IdentifierSystem.police_ppn_ref,
        IdentifierSystem.court_case_no,
        IdentifierSystem.other,
    }
)
_BY_ALIAS = {s.name: s for s in IdentifierSystem}
# A council's own system with no council known yet keeps its template URI (only the people API binds it).
_BY_URI = {s.value: s for s in IdentifierSystem}
_COUNCIL_URI = re.compile(re.escape(OUR_IDS) + r"la/([0-9]{3})/(person|legacy-person)")
_COUNCIL_SYSTEMS = {"person": IdentifierSystem.la_person_id, "legacy-person": IdentifierSystem.legacy_person_id}
_LA_CODE = re.compile(r"[0-9]{3}")


def system_uri(system: IdentifierSystem, la_code: str | None) -> str:
    """The URI of `system` as an identifier carries it: a council's own systems name the council."""
    return system.value.replace("{la_code}", la_code) if system.per_council and la_code else system.value


def resolve_system(text: str) -> tuple[IdentifierSystem, str | None]:
    """A `system` as a client may send it (URI, council URI or short alias) -> the system and, for a council's
    own systems given as a URI, the council's LA code. ValueError naming the registry when it is none of them."""
    system = _BY_ALIAS.get(text) or _BY_URI.get(text)
    if system is not None:
        return system, None
    match = _COUNCIL_URI.fullmatch(text)
    if match is not None:
        return _COUNCIL_SYSTEMS[match[2]], match[1]
    raise ValueError(f"{text!r} is not a registered identifier system (see GET /v1/identifier-systems)")


SystemText = Annotated[
    str,
    Meta(
        min_length=2,
        max_length=120,
        pattern=r"^([a-z_]{2,20}|https://[A-Za-z0-9./_\-{}]{1,112})$",
        description=(
            "The identifier system's URI (see `GET /v1/identifier-systems`); a council's own systems carry the "
            "council's LA code (`https://sos-casework.org.uk/id/la/845/person`). Input may instead use the short "
            "alias (`nhs_number`, `la_person_id`...); responses always carry the URI."
        ),
        examples=["https://fhir.nhs.uk/Id/nhs-number", "https://sos-casework.org.uk/id/la/845/person", "nhs_number"],
    ),
]


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
    """`system|value` (the FHIR token syntax of interop R1, e.g. an NHS number's URI and the number; the system's
    alias is read too) -> the system and the value in canonical form. ValueError with a plain-English message
    when the token is unreadable. A council's own systems name the council in their URI, which this drops: the
    people API reads those with the council (people.service.parse_identifier_filter)."""
    system_text, sep, raw = token.partition("|")
    if not sep or not raw.strip():
        example = f"{IdentifierSystem.nhs_number.value}|9434765919"
        raise ValueError(f"the identifier must be system|value, e.g. {example}")
    system, _ = resolve_system(system_text)
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
    elif system.per_council:
        # SSD PERS001A: at most 20 alphanumerics.
        if not _LA_PERSON_ID.fullmatch(value.strip()):
            return f"value is not a valid {system.alias} (1 to 20 letters and digits)"
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

    `system` is the system's URI (interop R1; `GET /v1/identifier-systems` lists them); the short alias
    (`nhs_number`) is accepted on input and answered with the URI. A council's own systems (`la_person_id`,
    `legacy_person_id`) carry the council in the URI and in `issuer` (its 3-digit LA code); sent as the alias
    without an issuer, they are the council the person is recorded in.

    Values are checked on decode and an invalid value is refused (BR-21): NHS numbers by modulus 11,
    UPNs and former UPNs by their modulus 23 check letter, PNC IDs by theirs; a ULN must be 10 digits and
    a council person id 1-20 letters and digits. Police and court references carry no national check, so only
    their length and characters are checked. The value is rewritten to its canonical form (see
    `normalise_identifier`). `verification` applies to NHS numbers only. Test-range NHS numbers (999...)
    pass here and are refused by production tenants (BR-22). A police crime reference or PPN number is unique
    only within the force that issued it, so `issuer` (the force) is required for those two systems.
    """

    system: SystemText
    value: IdentifierValue
    issuer: Annotated[
        ShortText | None,
        Meta(
            description=(
                "Who issued it. Required for police_crime_ref and police_ppn_ref (the issuing force); for a "
                "council's own systems it is the council's 3-digit LA code. Part of the identifier's key for "
                "systems issued locally (see `per_issuer` in the registry)."
            ),
            examples=["845", "Metropolitan Police", "Home Office"],
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

    @property
    def scheme(self) -> IdentifierSystem:
        """The registered system (a council's own system whichever council issued it)."""
        return self.system if isinstance(self.system, IdentifierSystem) else resolve_system(self.system)[0]

    @property
    def key_issuer(self) -> str:
        """The issuer as part of the identifier's key beside `system`: empty for systems unique nationally, and
        for a council's own, whose URI already names the council."""
        return (self.issuer or "") if self.scheme in _ISSUED_LOCALLY else ""

    def __post_init__(self) -> None:
        system, la_code = resolve_system(self.system)
        if system.per_council:
            if la_code is None and self.issuer is not None:
                require(
                    bool(_LA_CODE.fullmatch(self.issuer)),
                    f"issuer of a {system.alias} is the council's 3-digit LA code",
                )
                la_code = self.issuer
            require(
                self.issuer is None or self.issuer == la_code,
                f"issuer {self.issuer} is not the council named in the system URI",
            )
            self.issuer = la_code
        # Enum members for the registry's fixed URIs (so `is IdentifierSystem.nhs_number` holds), the
        # council's own URI for its systems.
        self.system = system_uri(system, la_code) if la_code else system
        problem = _value_problem(system, self.value)
        require(problem is None, f"{system.alias}: {problem}")
        require(
            self.verification is None or system is IdentifierSystem.nhs_number,
            "verification is only for nhs_number identifiers",
        )
        if system in _FORCE_REFERENCES:
            # Domain 2.4: force references have no national format; store them with the issuing force.
            require(
                self.issuer is not None,
                f"issuer (the police force that issued it) is required for {system.alias}",
            )
        check_order(self.valid_from, self.valid_to, "identifier validity")
        self.value = normalise_identifier(system, self.value)


def in_council(identifiers: list[Identifier], la_code: str) -> list[Identifier]:
    """The identifiers with a council's own systems sent without a council bound to `la_code` (the council
    the person is recorded in)."""
    return [
        msgspec.structs.replace(i, system=system_uri(i.scheme, la_code), issuer=la_code)
        if i.scheme.per_council and i.issuer is None
        else i
        for i in identifiers
    ]


class IdentifierSystemInfo(msgspec.Struct, kw_only=True):
    """One entry of the identifier system registry (interop R1), as `GET /v1/identifier-systems` lists it."""

    uri: Annotated[
        str,
        Meta(
            max_length=120,
            description="The system URI; `{la_code}` stands for the issuing council's 3-digit LA code.",
            examples=["https://fhir.nhs.uk/Id/nhs-number", "https://sos-casework.org.uk/id/la/{la_code}/person"],
        ),
    ]
    alias: Annotated[str, Meta(max_length=20, description="The short code accepted instead of the URI on input.")]
    description: Annotated[str, Meta(max_length=500)]
    format: Annotated[str, Meta(max_length=300, description="What a value must look like; checked on input.")]
    per_issuer: Annotated[
        bool,
        Meta(description="Unique only within its issuer (council, force, court): the issuer is part of its key."),
    ]
    per_council: Annotated[bool, Meta(description="Issued by each council: the URI names the council.")]


_REGISTRY_TEXT: dict[IdentifierSystem, tuple[str, str]] = {
    IdentifierSystem.nhs_number: (
        "NHS number: the consistent identifier for children (Children Act 2004 s16LC).",
        "10 digits, the last a modulus 11 check digit; spaces and hyphens ignored. `verification` takes the UK "
        "Core codes 01-08.",
    ),
    IdentifierSystem.upn: (
        "Unique pupil number (DfE).",
        "13 characters: modulus 23 check letter, 11 digits, digit or letter.",
    ),
    IdentifierSystem.former_upn: ("A unique pupil number since replaced.", "As upn."),
    IdentifierSystem.uln: ("Unique learner number.", "10 digits."),
    IdentifierSystem.la_person_id: (
        "The council's case management system person id (SSD pers_person_id, PERS001A).",
        "1 to 20 letters and digits.",
    ),
    IdentifierSystem.legacy_person_id: (
        "A person id from the council's previous case management system (SSD pers_legacy_id).",
        "1 to 20 letters and digits.",
    ),
    IdentifierSystem.pnc_id: (
        "Police National Computer person id.",
        "YYYY/NNNNNNNC (slash optional on input), modulus 23 check letter.",
    ),
    IdentifierSystem.police_crime_ref: (
        "A police force's crime reference; `issuer` (the force) is required.",
        "Up to 64 letters, digits, spaces and . / _ : # -, starting with a letter or digit.",
    ),
    IdentifierSystem.police_ppn_ref: (
        "A police force's Public Protection Notice or Operation Encompass number; `issuer` (the force) is required.",
        "Up to 64 letters, digits, spaces and . / _ : # -, starting with a letter or digit.",
    ),
    IdentifierSystem.court_case_no: (
        "A court case number; `issuer` names the court.",
        "Up to 64 letters, digits, spaces and . / _ : # -, starting with a letter or digit.",
    ),
    IdentifierSystem.other: (
        "Any other identifier; `issuer` says whose.",
        "Up to 64 letters, digits, spaces and . / _ : # -, starting with a letter or digit.",
    ),
}

IDENTIFIER_SYSTEMS: tuple[IdentifierSystemInfo, ...] = tuple(
    IdentifierSystemInfo(
        uri=s.value,
        alias=s.alias,
        description=_REGISTRY_TEXT[s][0],
        format=_REGISTRY_TEXT[s][1],
        per_issuer=s.per_issuer,
        per_council=s.per_council,
    )
    for s in IdentifierSystem
)
"""The registry of identifier systems (interop R1), in the order of `IdentifierSystem`."""


class IdentifierSystemList(msgspec.Struct, kw_only=True):
    """The registry of identifier systems (interop R1): every system a person's identifier may use."""

    items: Annotated[list[IdentifierSystemInfo], Meta(max_length=100)]
