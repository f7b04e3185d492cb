"""Scaling questions (one per danger/goal pair, or a map's overall scale) and the judgements people give on them."""

from __future__ import annotations

from sos_schema import ScalingJudgement, ScalingJudgementCreate, ScalingQuestion, ScalingQuestionCreate

from ..auth.policy import CASE_WORKERS, JUDGES, SHARED_WORK_READERS, Access
from ..resources.registry import Create, Listing, Names, Record, Resource, register
from . import service

ONE_PER_OCCASION = (
    "A second judgement by the same person (or the same shared group) on the same occasion is refused (409, "
    "BR-02) unless its `corrects` names the standing one."
)

# Created on a danger statement's goal (a map's overall scale is made with its map, maps/service.py).
QUESTIONS = register(
    Resource(
        Names(service.QUESTION_KIND, "ScalingQuestion", "/v1/scaling-questions", "question_id", "scaling"),
        Record(
            ScalingQuestion,
            ScalingQuestionCreate,
            service.question_columns,
            parent=service.DANGER_KIND,
            segment="scaling-question",
        ),
        Access(read=SHARED_WORK_READERS),
        create=Create(
            "createDangerScalingQuestion",
            "Create the safety (or wellbeing) scale of a danger statement's goal (one per danger)",
            service.new_danger_question,
            CASE_WORKERS,
            lock_parent=True,
            conflicts=service.QUESTION_CONFLICTS,
            problems=(409,),
        ),
        special={
            "getDangerScalingSeries": (SHARED_WORK_READERS, "r"),
            "getDangerScalingChart": (SHARED_WORK_READERS, "r"),
        },
    )
)

JUDGEMENTS = register(
    Resource(
        Names(service.JUDGEMENT_KIND, "ScalingJudgement", "/v1/scaling-judgements", "judgement_id", "scaling"),
        Record(
            ScalingJudgement,
            ScalingJudgementCreate,
            service.judgement_columns,
            parent=service.QUESTION_KIND,
            segment="judgements",
        ),
        Access(read=SHARED_WORK_READERS),
        listing=Listing("listJudgements", "A scaling question's judgements, oldest first", by="parent_id"),
        create=Create(
            "recordJudgement",
            "Record one person's 0-10 judgement (append-only; one per person per occasion)",
            service.new_judgement,
            JUDGES,
            serialised_by=service.judge_of,
            problems=(409,),
            description=ONE_PER_OCCASION,
        ),
    )
)
