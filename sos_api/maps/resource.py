"""Assessment maps (a case's chain of map versions) and danger statements with their safety goals."""

from __future__ import annotations

from sos_schema import AssessmentMap, AssessmentMapCreate, DangerStatement, DangerStatementCreate, MapFinalise

from ..auth.policy import CASE_WORKERS, SHARED_WORK_READERS, SIGNERS, Access
from ..resources.registry import Action, Create, Listing, Names, Record, Replace, Resource, register, revision
from . import service

SIGN_OFF = (
    "The team manager's sign-off (domain 4.1): `finalised_by` and `approved_by` come from their token. Refused "
    "(422) until the map has participants, entries and its overall scale, and each danger its family position and "
    "goal duration; in assessment, strategy, conference, core group and CIN contexts every active danger needs its "
    "safety or wellbeing scale (BR-03)."
)

MAPS = register(
    Resource(
        Names(service.MAP_KIND, "Map", "/v1/maps", "map_id", "maps", scope="assessment-maps"),
        Record(AssessmentMap, AssessmentMapCreate, service.map_columns, parent="case"),
        Access(read=SHARED_WORK_READERS),
        listing=Listing("listCaseMaps", "The case's chain of maps, newest first", newest_first=True),
        create=Create(
            "createMap",
            "Start a draft assessment map at the end of the case's chain",
            service.new_map,
            CASE_WORKERS,
            lock_parent=True,
            conflicts=service.CHAIN_CONFLICTS,
            problems=(409,),
        ),
        replace=Replace(
            "replaceMap",
            "Replace a draft map (If-Match required; finalised maps are read-only)",
            service.next_map,
            CASE_WORKERS,
            problems=(409,),
        ),
        actions=(
            Action(
                "finaliseMap",
                "Finalise a draft map: it becomes current and the previous current map superseded (If-Match)",
                "finalise",
                None,
                SIGNERS,
                run=service.finalise_map,
                body=MapFinalise,
                description=SIGN_OFF,
            ),
            revision(
                "createMapRevision",
                "Copy a finalised map into a new draft at the end of the chain",
                service.create_revision,
                CASE_WORKERS,
            ),
        ),
        special={
            "getCurrentMap": (SHARED_WORK_READERS, "r"),
            "getCaseMapVersion": (SHARED_WORK_READERS, "r"),
            "getPrintableMap": (SHARED_WORK_READERS, "r"),
        },
    )
)

DANGERS = register(
    Resource(
        Names(service.DANGER_KIND, "DangerStatement", "/v1/danger-statements", "danger_id", "danger-statements"),
        Record(DangerStatement, DangerStatementCreate, service.danger_columns, parent="case"),
        Access(read=SHARED_WORK_READERS),
        listing=Listing("listDangerStatements", "The case's danger statements, oldest first"),
        create=Create(
            "createDangerStatement",
            "Record a danger (worry) statement with its safety goal",
            service.new_danger,
            CASE_WORKERS,
        ),
        replace=Replace(
            "replaceDangerStatement",
            "Change a danger statement (If-Match required; its id and its goal's id persist)",
            service.next_danger,
            CASE_WORKERS,
        ),
    )
)
