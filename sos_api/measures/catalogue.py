"""The scorecard's measures (issue 14, domain 2.24): what each counts, in words and in SQL (queries.py).

Each measure is worked out on request from the stored records (current versions; records entered in error left
out) for one council, period by period, as a proportion (numerator over denominator, shown as a percentage) or a
mean. "At the period's end" measures look at what was open on the last day of each period; "in the period"
measures count what happened between its first and last day. A case's team and worker are its current allocation.
"""

from __future__ import annotations

import msgspec

from sos_schema import MeasureDefinition, MeasureGrouping, MeasureParameter, MeasurePeriod

SUPPRESSION = (
    'In CSV exports (figures that may leave the council) a count of 1 to 4 is shown as "<5", and a value worked '
    "out from such a count is left empty, so no child can be picked out. JSON answers inside the council are exact."
)


class Measure(msgspec.Struct, frozen=True, kw_only=True):
    """One measure: its published definition, how its value is formed, and the groupings it can be split by."""

    definition: MeasureDefinition
    # proportion: value = 100 * numerator / denominator; mean: value = sum / count (numerator left empty).
    shape: str = "proportion"
    groupings: frozenset[MeasureGrouping] = frozenset(
        {MeasureGrouping.council, MeasureGrouping.team, MeasureGrouping.worker}
    )

    @property
    def code(self) -> str:
        return self.definition.code


def _weeks(default: int) -> MeasureParameter:
    return MeasureParameter(
        name="weeks",
        description="How many weeks back from the period's end count as recent.",
        default=default,
        minimum=1,
        maximum=104,
    )


def _define(
    code: str,
    name: str,
    definition: str,
    numerator: str,
    denominator: str | None,
    unit: str,
    higher_is_better: bool | None,
    parameters: list[MeasureParameter] | None = None,
) -> MeasureDefinition:
    return MeasureDefinition(
        code=code,
        name=name,
        definition=definition,
        numerator_rule=numerator,
        denominator_rule=denominator,
        period=MeasurePeriod.month,
        higher_is_better=higher_is_better,
        unit=unit,
        parameters=parameters or [],
        suppression=SUPPRESSION,
    )


OPEN_CHILDREN = (
    "Children (case members with role child or unborn_child) of cases open on the period's last day (opened on or "
    "before it, not closed by it)."
)

MEASURES: tuple[Measure, ...] = (
    Measure(
        definition=_define(
            "children-map-reviewed",
            "Children whose map was reviewed recently",
            "The share of children on open cases whose assessment map was finalised (made current) in the N weeks "
            "up to the period's end: the map current at that day is recent.",
            "Children of the denominator named on a finalised map (current or since superseded) of their case whose "
            "`mapped_on` falls in the N weeks ending on the period's last day.",
            OPEN_CHILDREN,
            "children on open cases",
            True,
            [_weeks(12)],
        )
    ),
    Measure(
        definition=_define(
            "dangers-with-goal-and-scale",
            "Danger statements with a paired goal and scale",
            "The share of danger statements on open cases that have their safety goal and a scaling question "
            "anchored to that goal (BR-03).",
            "Danger statements of the denominator with a safety goal and a scaling question on it recorded by the "
            "period's end.",
            "Danger statements not withdrawn, recorded by the period's last day, on cases open that day.",
            "danger statements",
            True,
        )
    ),
    Measure(
        definition=_define(
            "scaling-towards-ten",
            "Scales moving towards 10, by perspective",
            "For each danger statement's scale and each perspective (the judge's role: child, parent, worker, agency"
            "...), whether the latest judgement by the period's end is nearer 10 than the first one (scales with "
            "10 as the worst are turned round first). Group by `perspective` to see each perspective's share.",
            "Scale-and-perspective pairs whose latest judgement is higher than their first.",
            "Pairs of a danger statement's scale and a perspective with at least two judgements given by the "
            "period's last day, on cases open that day. A judgement corrected by a later one is left out.",
            "danger scales per perspective",
            True,
        ),
        groupings=frozenset(MeasureGrouping),
    ),
    Measure(
        definition=_define(
            "scaling-perspectives-differ",
            "Scales where perspectives differ by N or more",
            "The share of danger statements' scales where the latest judgements of the different perspectives, by "
            "the period's end, are N or more points apart: where the family and professionals (or agencies) see "
            "safety differently and need to talk.",
            "Scales of the denominator whose highest and lowest latest judgement (one per perspective) differ by "
            "at least N.",
            "Danger statements' scales with latest judgements from at least two perspectives by the period's last "
            "day, on cases open that day.",
            "danger scales",
            False,
            [
                MeasureParameter(
                    name="gap",
                    description="How many points apart counts as a difference.",
                    default=3,
                    minimum=1,
                    maximum=10,
                )
            ],
        )
    ),
    Measure(
        definition=_define(
            "child-voice-recent",
            "Children whose voice was recorded recently",
            "The share of children on open cases with a child's voice tool (Three Houses, Wizards and Fairies, "
            "Safety House) completed in the N weeks up to the period's end.",
            "Children of the denominator with a voice tool whose `completed_on` falls in the N weeks ending on the "
            "period's last day.",
            OPEN_CHILDREN,
            "children on open cases",
            True,
            [_weeks(12)],
        )
    ),
    Measure(
        definition=_define(
            "re-referrals",
            "Re-referrals within 12 months",
            "The share of referrals received in the period about a child referred before in the 12 months before "
            "it (the DfE measure; the referral's `re_referral`, set when it is recorded).",
            "Referrals of the denominator marked `re_referral`.",
            "Referrals received in the period (their `received_at` day in England). A referral not yet linked to a "
            "case has no team or worker.",
            "referrals",
            False,
        )
    ),
    Measure(
        definition=_define(
            "icpc-within-15-days",
            "Initial conferences within 15 working days",
            "The share of initial child protection conferences held in the period that were held within 15 working "
            "days of the strategy discussion that started the section 47 enquiry (BR-13; working days exclude "
            "weekends and bank holidays in England).",
            "Conferences of the denominator held on or before the 15th working day after the strategy discussion.",
            "Initial conferences (type `initial`) held in the period whose strategy discussion has been held.",
            "initial conferences",
            True,
        )
    ),
    Measure(
        definition=_define(
            "rcpc-on-time",
            "Review conferences on time",
            "The share of review child protection conferences due in the period that were held on time: the first "
            "review within 3 calendar months of the initial conference that started the plan, later ones within 6 "
            "calendar months of the review that continued it (BR-13, domain 3.5; 31 August + 6 months is the end "
            "of February). Pre-birth reviews due within days of the birth [VBC] are not set apart.",
            "Reviews of the denominator held on or before their due day: a review conference (type `review`) about "
            "any of the same children, held after the conference that set the due day.",
            "Conferences whose decision started (`cp_plan`: due 3 months after) or continued (`cp_plan_continues`: "
            "6 months after) a child protection plan, whose next review fell due in the period. A review still "
            "not held is counted late.",
            "reviews due",
            True,
        )
    ),
    Measure(
        definition=_define(
            "first-core-group-on-time",
            "First core groups within 10 working days",
            "The share of child protection plans started at a conference whose first core group met "
            "within 10 working days of that conference (BR-13, domain 3.5; working days exclude weekends and bank "
            "holidays in England), counted in the period its 10th working day falls in.",
            "Conferences of the denominator whose plan's first core group (a core group meeting on the outline "
            "plan, a plan naming the conference, or a later version of either, held on or after the conference) "
            "met on or before the 10th working day after it.",
            "Conferences (initial, pre-birth initial or transfer-in) whose decision started a plan (`cp_plan`), "
            "whose 10th working day fell in the period. A first core group still not held is counted late.",
            "first core groups due",
            True,
        )
    ),
    Measure(
        definition=_define(
            "step-downs-sustained",
            "Step-downs sustained for 6 months",
            "The share of children stepped down from child protection or child in need (a step change to a lower "
            "level: child protection to child in need, early help or contact; child in need to early help or "
            "contact) who were not stepped back up and not referred again in the 6 calendar months that followed. "
            "Only step-downs at least 6 months old are counted: each in the period its 6 months end in.",
            "Children of the denominator with, in the 6 months after the step-down's day (that day left out, the "
            "day 6 months on included): no step change of theirs to a level above the one stepped down to, no "
            "new episode of theirs (child episode `start_date`) above that level, and no referral naming them "
            "(`received_at` day in England).",
            "Each child of each step-down (a step change not declined, `rejected_reason` empty, not a correction "
            "and not corrected by a later one) whose 6 months after `decided_on` end in the period.",
            "children stepped down",
            True,
        )
    ),
    Measure(
        definition=_define(
            "cp-safety-plan-and-network",
            "Children on a CP plan with an agreed safety plan and an informed safety network",
            "The share of children on a child protection plan at the period's end who have an agreed safety plan "
            "and a safety network of at least N members who know the danger statements. Knowing the danger "
            "statements is recorded per member and statement version (`knows_dangers`): a member counts when, by "
            "the period's end, they had been told every danger statement the safety plan was agreed on "
            "(`agreed_dangers`), in that version or a later one. The plan's and network's status are read as they "
            "stand now; members' joining and leaving days as they stood at the period's end.",
            "Children of the denominator with a safety plan of their case naming them, agreed (status agreed, in "
            "trial, sustained or under review) on or before the period's last day, and an active safety network "
            "(purpose `safety`) of their case naming them with at least N members who had joined by that day, "
            "had not left it, and knew the danger statements as above.",
            "Children with an open child protection episode on the period's last day (started on or before it, "
            "not ended by it).",
            "children on a child protection plan",
            True,
            [
                MeasureParameter(
                    name="members",
                    description="How many informed network members are enough.",
                    default=3,
                    minimum=1,
                    maximum=20,
                )
            ],
        )
    ),
    Measure(
        definition=_define(
            "placement-plans-on-time",
            "Placement plans agreed on time",
            "The share of placement plans due in the period that were agreed on time: before the placement, or "
            "within 5 working days of its start (BR-15, CPPCR 2010 reg 9; working days exclude weekends and bank "
            "holidays in England), counted in the period the 5th working day falls in.",
            "Plans of the denominator whose first version was agreed (`agreed_on`) on or before the 5th working "
            "day after the placement's start.",
            "Placement plans (the first version of each: later versions revise an agreed one) whose placement's "
            "5th working day after `placement.start` fell in the period. A plan still not agreed is counted late.",
            "placement plans due",
            True,
        )
    ),
    Measure(
        definition=_define(
            "audits-good-or-better",
            "Case audits graded good or outstanding",
            "The share of case audits held in the period that are graded good or outstanding (after moderation).",
            "Audits of the denominator graded `good` or `outstanding`.",
            "Case audits held in the period that have a grade.",
            "case audits",
            True,
        )
    ),
    Measure(
        definition=_define(
            "family-survey-score",
            "Family survey: mean score",
            "The mean of every 0-10 score given in family survey responses submitted in the period (children, "
            "parents, family and network members).",
            "The sum of the scores.",
            "The number of scores (answers given as a choice or a comment only are not scores).",
            "survey scores",
            True,
        ),
        shape="mean",
    ),
)

BY_CODE = {m.code: m for m in MEASURES}
