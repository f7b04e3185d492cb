"""Examples for sos_schema.voice."""

from typing import Any

from sos_schema import (
    ChildVoiceConsentOverride,
    ChildVoiceCreate,
    ChildVoiceNote,
    ChildVoiceRecord,
    ChildVoiceTool,
    ConsentOverride,
    ConsentToShare,
    HouseNames,
    HousePerson,
    SafetyHouse,
    ShareEvent,
    ThreeHouses,
    VoiceItem,
    WizardsAndFairies,
)

MUM = "0b0c0d0e-0000-4000-8000-000000000001"
CHILD = "0b0c0d0e-0000-4000-8000-000000000002"
DAD = "0b0c0d0e-0000-4000-8000-000000000003"
NAN = "0b0c0d0e-0000-4000-8000-000000000004"
WORKER = "0b0c0d0e-0000-4000-8000-000000000005"
DRAWING = "0b0c0d0e-0000-4000-8000-0000000000f1"
RULE = "0b0c0d0e-0000-4000-8000-0000000000e1"
ENTRY = "0b0c0d0e-0000-4000-8000-0000000000e2"
ID = "0b0c0d0e-0000-4000-8000-0000000000aa"
META = {
    "la_code": "845",
    "version": 1,
    "created_at": "2026-11-02T10:00:00Z",
    "created_by": "worker-1",
    "recorded_by": "worker-1",
    "updated_at": "2026-11-02T10:00:00Z",
}

COMMON: dict[str, Any] = {
    "child_id": CHILD,
    "completed_on": "2026-11-10",
    "worker": WORKER,
    "child_consent_to_share": {"level": "all"},
}
GOOD = {"text": "I like it when Dad reads to me", "written_by": "worker", "order": 0}
WORRY = {"text": "Dad shouts when he has beer", "drawing_id": DRAWING, "written_by": "child", "order": 0}
UNSAFE = {"text": "I hide under the bed when Dad shouts", "written_by": "child", "order": 1, "makes_me_unsafe": True}
DREAM = {"drawing_id": DRAWING, "written_by": "child", "order": 0}
HOUSES: dict[str, Any] = {
    **COMMON,
    "tool": "three_houses",
    "good_things": [GOOD],
    "worries": [WORRY],
    "dreams": [DREAM],
}
FAIRIES: dict[str, Any] = {**HOUSES, "tool": "wizards_and_fairies"}
SAFETY_HOUSE: dict[str, Any] = {
    **COMMON,
    "tool": "safety_house",
    "inside_house": [{"person_id": MUM}, {"text": "my cat Biscuit", "drawing_id": DRAWING}],
    "roof_rules": ["Dad doesn't drink beer when I'm home"],
}

VALID: list[tuple[type, dict[str, Any]]] = [
    (ConsentToShare, {"level": "not_asked"}),
    (ConsentToShare, {"level": "some", "with_whom": [MUM, NAN]}),
    (ShareEvent, {"person_id": MUM, "on": "2026-11-12", "response": "Mum cried and said she didn't know."}),
    (ShareEvent, {"person_id": NAN, "on": "2026-11-12"}),
    (VoiceItem, GOOD),
    (VoiceItem, DREAM),
    (VoiceItem, UNSAFE),
    (HouseNames, {"good": "Happy house", "worries": "Sad castle"}),
    (HousePerson, {"person_id": NAN}),
    (HousePerson, {"text": "the lollipop lady"}),
    (ThreeHouses, HOUSES),
    (
        ThreeHouses,
        {
            **HOUSES,
            "child_consent_to_share": {"level": "some", "with_whom": [NAN]},
            "worries": [],
            "dreams": [],
            "shared_with": [{"person_id": NAN, "on": "2026-11-12"}],
            "parents_prepared": True,
            "names_chosen_by_child": {"dreams": "Rainbow house"},
            "informed_entries": [ENTRY],
            "child_scale_id": ID,
        },
    ),
    (WizardsAndFairies, FAIRIES),
    (WizardsAndFairies, {**FAIRIES, "names_chosen_by_child": {"good": "Fairy Sparkle", "worries": "Grumpy wizard"}}),
    (SafetyHouse, SAFETY_HOUSE),
    (
        SafetyHouse,
        {
            **SAFETY_HOUSE,
            "child_consent_to_share": {"level": "none"},
            "visitors": [{"person_id": NAN}],
            "unsafe_circle": [{"person_id": DAD, "text": "Dad when he has beer"}],
            "safety_path_position": 4,
            "used_in_rules": [RULE],
            "visibility": "professionals_only",
            "withheld_reason": "Amira does not want Dad to see this yet.",
        },
    ),
    (ChildVoiceTool, HOUSES),
    (ChildVoiceTool, SAFETY_HOUSE),
    (ThreeHouses, {**HOUSES, "worries": [WORRY, UNSAFE]}),
    (ChildVoiceCreate, {"tool": HOUSES}),
    (ChildVoiceCreate, {"tool": SAFETY_HOUSE}),
    (ChildVoiceNote, {"note": "Amira drew the cat first and spent a long time on it."}),
    (ChildVoiceConsentOverride, {"with_whom": [DAD], "reason": "Dad must know what Amira said to keep to the plan."}),
    (
        ConsentOverride,
        {"with_whom": [DAD], "reason": "Dad needs to know.", "by": "manager-1", "at": "2026-11-12T09:00:00Z"},
    ),
    (ChildVoiceRecord, {"id": ID, "meta": META, "tool": HOUSES}),
    (
        ChildVoiceRecord,
        {
            "id": ID,
            "meta": META,
            "tool": SAFETY_HOUSE,
            "worker_notes": ["Amira drew the cat first and spent a long time on it."],
            "consent_overrides": [
                {"with_whom": [DAD], "reason": "Dad needs to know.", "by": "manager-1", "at": "2026-11-12T09:00:00Z"}
            ],
        },
    ),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    (ConsentToShare, {"level": "maybe"}, "$.level", False),
    (ConsentToShare, {"level": "some"}, "with_whom must name at least one person", True),
    (ConsentToShare, {"level": "all", "with_whom": [MUM]}, "with_whom is only used when level is some", True),
    (ConsentToShare, {"level": "some", "with_whom": [MUM, MUM]}, "with_whom lists the same", True),
    (ShareEvent, {"person_id": MUM, "on": "12/11/2026"}, "$.on", False),
    (VoiceItem, {"written_by": "child", "order": 0}, "needs text or a drawing_id", True),
    (VoiceItem, {**GOOD, "written_by": "mum"}, "$.written_by", False),
    (VoiceItem, {**GOOD, "order": -1}, "$.order", False),
    (VoiceItem, {**GOOD, "text": ""}, "$.text", False),
    (HouseNames, {"good": "x" * 101}, "$.good", False),
    (HousePerson, {"drawing_id": DRAWING}, "needs person_id or text", True),
    (ThreeHouses, {**HOUSES, "good_things": [], "worries": [], "dreams": []}, "needs an item", True),
    (ThreeHouses, {k: v for k, v in HOUSES.items() if k != "dreams"}, "dreams", False),
    (ThreeHouses, {**HOUSES, "child_consent_to_share": {"level": "some"}}, "$.child_consent_to_share", True),
    (ThreeHouses, {**HOUSES, "informed_entries": [ENTRY, ENTRY]}, "informed_entries lists the same", True),
    (ThreeHouses, {**HOUSES, "visibility": "restricted"}, "withheld_reason", True),
    (ThreeHouses, {**HOUSES, "good_things": [{"written_by": "child", "order": 1}]}, "$.good_things[0]", True),
    (ThreeHouses, {**HOUSES, "roof_rules": ["no shouting"]}, "roof_rules", False),
    (WizardsAndFairies, {**FAIRIES, "good_things": [], "worries": [], "dreams": []}, "needs an item", True),
    (WizardsAndFairies, {**FAIRIES, "worker": "worker-1"}, "$.worker", False),
    (SafetyHouse, {**SAFETY_HOUSE, "roof_rules": []}, "$.roof_rules", False),
    (SafetyHouse, {**SAFETY_HOUSE, "safety_path_position": 11}, "$.safety_path_position", False),
    (SafetyHouse, {**SAFETY_HOUSE, "inside_house": [{"drawing_id": DRAWING}]}, "needs person_id or text", True),
    (SafetyHouse, {**SAFETY_HOUSE, "used_in_rules": [RULE, RULE]}, "used_in_rules lists the same", True),
    (SafetyHouse, {**SAFETY_HOUSE, "tool": "three_houses"}, "$.tool", False),
    (ChildVoiceTool, {**HOUSES, "tool": "blob_tree"}, "Invalid value 'blob_tree'", False),
    (ChildVoiceTool, {k: v for k, v in HOUSES.items() if k != "tool"}, "tool", False),
    (ChildVoiceRecord, {"id": ID, "meta": META, "tool": HOUSES, "worker_notes": [""]}, "$.worker_notes[0]", False),
    (ThreeHouses, {**HOUSES, "dreams": [UNSAFE]}, "makes_me_unsafe is only used on worries", True),
    (ThreeHouses, {**HOUSES, "good_things": [UNSAFE]}, "makes_me_unsafe is only used on worries", True),
    (VoiceItem, {**UNSAFE, "makes_me_unsafe": "yes"}, "$.makes_me_unsafe", False),
    (ChildVoiceCreate, HOUSES, "unknown field", False),
    (ChildVoiceCreate, {"tool": HOUSES, "id": ID}, "unknown field", False),
    (ChildVoiceNote, {"note": ""}, "$.note", False),
    (ChildVoiceConsentOverride, {"with_whom": [], "reason": "Dad needs to know."}, "$.with_whom", False),
    (ChildVoiceConsentOverride, {"with_whom": [DAD]}, "reason", False),
    (ChildVoiceConsentOverride, {"with_whom": [DAD, DAD], "reason": "x"}, "with_whom lists the same", True),
    (ChildVoiceConsentOverride, {"with_whom": [DAD], "reason": "x", "by": "me"}, "unknown field", False),
]
