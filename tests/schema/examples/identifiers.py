"""Examples for sos_schema.identifiers, and the tables of valid and invalid identifiers.

Every check in the tables below was worked by hand from the algorithms in domain.md 2.4 (the arithmetic is
in the comments), never by running the code under test. Only synthetic values are used: the domain's worked
examples, NHS numbers in the 999 test range, UPNs with LA numbers 000 / 999 (no such council) and PNC IDs
from 1900-1903 (before the PNC existed).
"""

from typing import Any

import msgspec

from sos_schema import IDENTIFIER_SYSTEMS, Identifier, IdentifierSystemInfo, IdentifierSystemList

# --- NHS number: weights 10..2 on digits 1-9; check = 11 - (total mod 11); 11 -> 0; 10 -> never issued ---
NHS_VALID: list[str] = [
    # domain worked example: 90+36+24+28+42+30+20+27+2 = 299; 299 mod 11 = 2; 11-2 = 9
    "9434765919",
    # the same number with the spaces and hyphens people type
    "943 476 5919",
    "943-476-5919",
    # domain test-range example: 90+81+72+0+0+0+0+3+16 = 262; 262 mod 11 = 9; 11-9 = 2
    "9990000182",
    # 90+81+72+0+0+0+0+3+18 = 264 = 24x11; r = 0; check 11 -> 0
    "9990000190",
    # 90+81+72+7+6+5+4+3+2 = 270; 270 mod 11 = 6; 11-6 = 5
    "9991111115",
    # 90+81+72+14+12+10+8+6+4 = 297 = 27x11; r = 0; check 11 -> 0
    "9992222220",
    # 90+81+72+56+42+30+20+12+6 = 409; 409 mod 11 = 2; 11-2 = 9
    "9998765439",
    # 90+81+72+35+30+25+20+15+10 = 378; 378 mod 11 = 4; 11-4 = 7
    "9995555557",
    # 90+81+72+0+0+0+0+0+2 = 245; 245 mod 11 = 3; 11-3 = 8
    "9990000018",
]

NHS_INVALID: list[str] = [
    # domain: check digit should be 9
    "9434765918",
    # check should be 2 (see 9990000182)
    "9990000183",
    "9990000181",
    # 90+81+72+7+12+15+16+15+12 = 320; 320 mod 11 = 1; 11-1 = 10: never issued, whatever the last digit
    "9991234567",
    "9991234560",
    # 9 and 11 digits
    "999000018",
    "99900001820",
    # a letter O where a zero belongs
    "99900O0182",
    # dots are not separators
    "999.000.0182",
]

# --- UPN: total = sum of position x value over positions 2-13; check letter = ALPHABET[total mod 23] ---
# ALPHABET = A B C D E F G H J K L M N P Q R T U V W X Y Z (A=0, H=7, J=8, K=9, M=11, Q=14, W=19, Y=21, Z=22)
UPN_VALID: list[str] = [
    # domain worked example: 2x8 + 4x1 + 5x2 + 10x5 + 13x1 = 16+4+10+50+13 = 93; 93 mod 23 = 1 -> B
    "B801200005001",
    # domain temporary example: 16+4+10+50 + 13x0 (A=0) = 80; 80 mod 23 = 11 -> M
    "M80120000500A",
    # case and spaces are ignored
    "b801200005001",
    "B801 2000 05001",
    # 9 x (2+3+...+13) = 9 x 90 = 810; 810 mod 23 = 5 (805 = 35x23) -> F
    "F999999999999",
    # all zeros: 0 -> A
    "A000000000000",
    # 2x9+3x9+4x9 + 5x1+6x2+7x3+8x4 + 9x1+10x2 + 13x1 = 18+27+36+5+12+21+32+9+20+13 = 193; 193-184 = 9 -> K
    "K999123412001",
    # 6x1+7x2+8x3+9x4 + 13x2 = 6+14+24+36+26 = 106; 106-92 = 14 -> Q
    "Q000012340002",
    # temporary: 18+27+36+5+12+21+32+9+20 + 13x0 = 180; 180-161 = 19 -> W
    "W99912341200A",
    # temporary: 6+14+24+36 + 13x22 (Z) = 80+286 = 366; 366-345 = 21 -> Y
    "Y00001234000Z",
    # temporary: 18+27+36 + 9x1 + 13x9 (K) = 90+117 = 207 = 9x23; 0 -> A
    "A99900001000K",
]

UPN_INVALID: list[str] = [
    # domain example with the wrong check letter (B expected)
    "A801200005001",
    "C801200005001",
    # temporary example with the wrong check letter (M expected)
    "N80120000500A",
    # 12 and 14 characters
    "B80120000500",
    "B8012000050011",
    # I, O and S are not in the alphabet, in position 1 or 13
    "I801200005001",
    "M80120000500I",
    "M80120000500O",
    # a letter inside positions 2-12
    "B80120000X001",
    # no check letter at all
    "8801200005001",
]

# --- PNC ID: n = int(YY + NNNNNNN); check letter = "ZABCDEFGHJKLMNPQRTUVWXY"[n mod 23] ---
# (Z=0, A=1, B=2, H=8, V=19, Y=22)
PNC_VALID: list[str] = [
    # domain worked example: n = 10012345 = 435319x23 + 8 -> H
    "2001/0012345H",
    # the slash may be absent; case is ignored
    "20010012345H",
    "2001/0012345h",
    # n = 1 -> A
    "1900/0000001A",
    # n = 10000100 = 434786x23 + 22 -> Y
    "1901/0000100Y",
    # n = 21234567 = 923242x23 + 1 -> A
    "1902/1234567A",
    # n = 30000023 = 1304348x23 + 19 -> V
    "1903/0000023V",
]

PNC_INVALID: list[str] = [
    # domain example with the wrong letter (H expected)
    "2001/0012345J",
    # serial must be 7 digits, zero-padded
    "2001/012345H",
    # the short display form is not the stored form
    "01/12345H",
    # I is not a check letter
    "2001/0012345I",
    # no check letter
    "2001/0012345",
    # year outside 19xx-20xx
    "1800/0000001A",
]

VALID: list[tuple[type, dict[str, Any]]] = [
    # the registry as GET /v1/identifier-systems publishes it
    (IdentifierSystemList, msgspec.to_builtins(IdentifierSystemList(items=list(IDENTIFIER_SYSTEMS)))),
    (IdentifierSystemInfo, msgspec.to_builtins(IDENTIFIER_SYSTEMS[0])),
    *[(Identifier, {"system": "nhs_number", "value": v}) for v in NHS_VALID],
    *[(Identifier, {"system": "upn", "value": v}) for v in UPN_VALID],
    *[(Identifier, {"system": "pnc_id", "value": v, "issuer": "Synthetic Constabulary"}) for v in PNC_VALID],
    (
        Identifier,
        {
            "system": "nhs_number",
            "value": "9434765919",
            "issuer": "NHS England",
            "verification": "01",
            "valid_from": "2020-03-01",
            "source": "PDS trace",
        },
    ),
    (Identifier, {"system": "nhs_number", "value": "9990000182", "verification": "08"}),
    (Identifier, {"system": "former_upn", "value": "M80120000500A", "valid_to": "2021-09-01"}),
    (Identifier, {"system": "uln", "value": "1234567890"}),
    (Identifier, {"system": "la_person_id", "value": "PERS0001234", "issuer": "845"}),
    (Identifier, {"system": "la_person_id", "value": "  PERS0001234  "}),
    # interop R1: the registered URIs, a council's own naming the council
    (Identifier, {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}),
    (Identifier, {"system": "https://sos-casework.org.uk/id/la/845/person", "value": "PERS0001234"}),
    (Identifier, {"system": "https://sos-casework.org.uk/id/la/845/legacy-person", "value": "A1", "issuer": "845"}),
    (Identifier, {"system": "https://sos-casework.org.uk/id/police-crime-ref", "value": "CR/1", "issuer": "Kent"}),
    (Identifier, {"system": "police_crime_ref", "value": "CR/0012345/26", "issuer": "Synthetic Constabulary"}),
    (Identifier, {"system": "police_ppn_ref", "value": "PPN-26-000123", "issuer": "Synthetic Constabulary"}),
    (Identifier, {"system": "court_case_no", "value": "ZZ26C00001"}),
    (Identifier, {"system": "other", "value": "HO ref 123:456", "issuer": "Home Office"}),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    *[(Identifier, {"system": "nhs_number", "value": v}, "not a valid NHS number", True) for v in NHS_INVALID],
    *[(Identifier, {"system": "upn", "value": v}, "not a valid UPN", True) for v in UPN_INVALID],
    (Identifier, {"system": "former_upn", "value": "A801200005001"}, "not a valid UPN", True),
    *[(Identifier, {"system": "pnc_id", "value": v}, "not a valid PNC ID", True) for v in PNC_INVALID],
    # full-width digits are not ASCII digits: refused by the pattern before any check
    (Identifier, {"system": "nhs_number", "value": "９４３４７６５９１９"}, "$.value", False),
    (Identifier, {"system": "nhs_number", "value": "+44 943 476 5919"}, "$.value", False),
    (Identifier, {"system": "nhs_number", "value": ""}, "$.value", False),
    (Identifier, {"system": "uln", "value": "123456789"}, "not a valid ULN", True),
    (Identifier, {"system": "la_person_id", "value": "PERS-0001234"}, "not a valid la_person_id", True),
    (Identifier, {"system": "la_person_id", "value": "A" * 21}, "not a valid la_person_id", True),
    (
        Identifier,
        {"system": "police_crime_ref", "value": "/0012345", "issuer": "Synthetic Constabulary"},
        "start with a letter or digit",
        True,
    ),
    (
        Identifier,
        {"system": "police_crime_ref", "value": "CR/0012345/26"},
        "issuer (the police force that issued it) is required for police_crime_ref",
        True,
    ),
    (
        Identifier,
        {"system": "police_ppn_ref", "value": "PPN-26-000123"},
        "issuer (the police force that issued it) is required for police_ppn_ref",
        True,
    ),
    (Identifier, {"system": "other", "value": "   "}, "start with a letter or digit", True),
    (Identifier, {"system": "other", "value": "x" * 65}, "$.value", False),
    (Identifier, {"system": "passport", "value": "123"}, "not a registered identifier system", True),
    (Identifier, {"system": "https://example.org/id/x", "value": "123"}, "not a registered identifier system", True),
    (Identifier, {"system": "ftp://x", "value": "123"}, "$.system", False),
    (Identifier, {"system": "la_person_id", "value": "P1", "issuer": "Mosaic"}, "3-digit LA code", True),
    (
        Identifier,
        {"system": "https://sos-casework.org.uk/id/la/845/person", "value": "P1", "issuer": "846"},
        "not the council named in the system URI",
        True,
    ),
    (
        Identifier,
        {"system": "upn", "value": "B801200005001", "verification": "01"},
        "verification is only for nhs_number",
        True,
    ),
    (Identifier, {"system": "nhs_number", "value": "9434765919", "verification": "09"}, "$.verification", False),
    (
        Identifier,
        {"system": "nhs_number", "value": "9434765919", "valid_from": "2022-01-01", "valid_to": "2021-01-01"},
        "identifier validity",
        True,
    ),
    (Identifier, {"system": "nhs_number", "value": "9434765919", "checked": True}, "checked", False),
]
