"""The SQL behind each measure (catalogue.py): one statement per measure, every period and group at once.

Each statement takes the council (`:la`), the periods (`:starts`, `:ends`, dates) and the measure's parameters,
and returns rows of (period_start, period_end, grp, numerator, denominator). They read `measure_facts` (migration
0020): each current record of a measured kind with only the document fields read here, as `f` under the document's
own names, kept by the database in the writer's transaction and split by council, so a council's figures read its
own facts close together rather than its records scattered through `records`. A statement reading a field that
`measure_extract` does not keep gets NULL: add it there (in a new migration) first. Records entered in error are
left out, and row-level security keeps the council's rows only.
The grouping expression comes from a fixed table below, never from the request's text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import MeasureGrouping

from ..db.tables import measure_values, records

GROUPS = {
    MeasureGrouping.council: "NULL::text",
    MeasureGrouping.team: "c.team",
    MeasureGrouping.worker: "c.worker",
}
# The refresh's one grouping for all three above: each row's team and worker, rolled up in Python (service.py).
TEAM_AND_WORKER = "jsonb_build_array(c.team, c.worker)::text"

PREFIX = """
WITH periods AS (
    SELECT * FROM unnest(CAST(:starts AS date[]), CAST(:ends AS date[])) AS p(p_start, p_end)
),
cases AS (
    SELECT id AS case_id, f->>'team' AS team, f->>'allocated_worker' AS worker,
           (f->>'opened_on')::date AS opened_on, (f->>'closed_on')::date AS closed_on, f->'members' AS members
    FROM measure_facts WHERE la_code = :la AND kind = 'case' AND NOT entered_in_error
      AND (CAST(:teams AS text[]) IS NULL OR f->>'team' = ANY(CAST(:teams AS text[])))
)
"""
OPEN_AT_END = "c.opened_on <= p.p_end AND (c.closed_on IS NULL OR c.closed_on > p.p_end)"
CHILDREN = """,
children AS MATERIALIZED (
    SELECT c.*, m->>'person_id' AS child_id
    FROM cases c, jsonb_array_elements(c.members) AS m
    WHERE m->>'role' IN ('child', 'unborn_child')
)
"""
# A day in England, from a stored instant.
LONDON_DAY = "(({col})::timestamptz AT TIME ZONE 'Europe/London')::date"


def _recent(dated: str) -> str:
    """Children on open cases at each period's end, and whether a dated record (`dated`: case_id, child_id, day)
    about them falls in the N weeks up to that end. Counted apart: every child open at each end (the denominator),
    and the few (period, child) pairs a dated record falls near (the numerator), not a row per child and period
    carried through a join and a sort."""
    return (
        PREFIX
        + CHILDREN
        + f""",
dated AS MATERIALIZED ({dated})
SELECT d.p_start, d.p_end, d.grp, coalesce(n.num, 0) AS num, d.den
FROM (
    SELECT p.p_start, p.p_end, {{grp}} AS grp, count(*) AS den
    FROM periods p
    JOIN children c ON {OPEN_AT_END}
    GROUP BY 1, 2, 3
) d
LEFT JOIN (
    SELECT p_start, grp, count(*) AS num
    FROM (
        SELECT DISTINCT p.p_start, {{grp}} AS grp, c.case_id, c.child_id
        FROM periods p
        JOIN dated r ON r.day > p.p_end - make_interval(weeks => :weeks) AND r.day <= p.p_end
        JOIN children c ON c.case_id = r.case_id AND c.child_id = r.child_id AND {OPEN_AT_END}
    ) recent
    GROUP BY 1, 2
) n ON n.p_start = d.p_start AND n.grp IS NOT DISTINCT FROM d.grp
"""
    )


# A finalised map (current, or superseded by a later one) names its children in `children`.
CHILDREN_MAP_REVIEWED = _recent(
    """SELECT r.case_id, child.value AS child_id, (r.f->>'mapped_on')::date AS day
    FROM measure_facts r, jsonb_array_elements_text(r.f->'children') AS child
    WHERE r.la_code = :la AND r.kind = 'assessment_map' AND NOT r.entered_in_error
      AND r.status IN ('current', 'superseded')"""
)
CHILD_VOICE_RECENT = _recent(
    """SELECT r.case_id, r.f->'tool'->>'child_id' AS child_id, (r.f->'tool'->>'completed_on')::date AS day
    FROM measure_facts r
    WHERE r.la_code = :la AND r.kind = 'child_voice' AND NOT r.entered_in_error"""
)

# Each danger's first day with a scale on its goal, worked out once (not probed per danger and period).
DANGERS_WITH_GOAL_AND_SCALE = (
    PREFIX
    + f""",
dangers AS MATERIALIZED (
    SELECT d.id, d.case_id, {LONDON_DAY.format(col="d.created_at")} AS day,
           (d.f->>'has_goal')::boolean AS has_goal
    FROM measure_facts d
    WHERE d.la_code = :la AND d.kind = 'danger_statement' AND NOT d.entered_in_error
      AND d.status IS DISTINCT FROM 'withdrawn'
),
scaled AS MATERIALIZED (
    SELECT q.parent_id AS danger_id, min({LONDON_DAY.format(col="q.created_at")}) AS day
    FROM measure_facts q
    WHERE q.la_code = :la AND q.kind = 'scaling_question' AND NOT q.entered_in_error
      AND q.f->'subject'->>'type' = 'danger_goal'
    GROUP BY 1
)
SELECT p.p_start, p.p_end, {{grp}} AS grp, count(*) FILTER (WHERE d.has_goal AND s.day <= p.p_end) AS num,
       count(*) AS den
FROM periods p
JOIN dangers d ON d.day <= p.p_end
JOIN cases c ON c.case_id = d.case_id AND {OPEN_AT_END}
LEFT JOIN scaled s ON s.danger_id = d.id
GROUP BY 1, 2, 3
"""
)

# Each judgement on a danger's scale, normalised so 10 is the best (BR-01 polarity), less those corrected later (an
# anti-join: `NOT IN (subquery)` falls back to a scan per row once the subquery is too big to hash);
# ranked within its scale and perspective, with the first value and the day the next judgement was given, so the
# judgement that is latest at a period's end is the one given by then whose next came after it (or never).
JUDGEMENTS = f""",
corrected AS MATERIALIZED (
    SELECT (f->>'corrects')::uuid AS id FROM measure_facts
    WHERE la_code = :la AND kind = 'scaling_judgement' AND NOT entered_in_error AND f->>'corrects' IS NOT NULL
),
judgements AS MATERIALIZED (
    SELECT j.case_id, q.id AS question_id, j.f->'perspective'->>'perspective_role' AS perspective,
           coalesce((j.f->>'given_on')::date, {LONDON_DAY.format(col="j.created_at")}) AS given_on, j.created_at,
           CASE WHEN q.f->>'polarity' = 'ten_is_worst' THEN 10 - (j.f->>'value')::int
                ELSE (j.f->>'value')::int END AS v
    FROM measure_facts j
    JOIN measure_facts q ON q.id = j.parent_id AND q.la_code = :la AND q.kind = 'scaling_question'
         AND NOT q.entered_in_error AND q.f->'subject'->>'type' = 'danger_goal'
    LEFT JOIN corrected k ON k.id = j.id
    WHERE j.la_code = :la AND j.kind = 'scaling_judgement' AND NOT j.entered_in_error AND k.id IS NULL
),
ranked AS MATERIALIZED (
    SELECT *, row_number() OVER w AS n, first_value(v) OVER w AS first_v, lead(given_on) OVER w AS next_on
    FROM judgements
    WINDOW w AS (PARTITION BY question_id, perspective ORDER BY given_on, created_at)
)
"""
LATEST_AT_END = "j.given_on <= p.p_end AND (j.next_on IS NULL OR j.next_on > p.p_end)"

SCALING_TOWARDS_TEN = (
    PREFIX
    + JUDGEMENTS
    + f"""
SELECT p.p_start, p.p_end, {{grp}} AS grp, count(*) FILTER (WHERE j.v > j.first_v) AS num, count(*) AS den
FROM periods p
JOIN ranked j ON {LATEST_AT_END} AND j.n >= 2
JOIN cases c ON c.case_id = j.case_id AND {OPEN_AT_END}
GROUP BY 1, 2, 3
"""
)

SCALING_PERSPECTIVES_DIFFER = (
    PREFIX
    + JUDGEMENTS
    + f"""
SELECT p_start, p_end, grp, count(*) FILTER (WHERE hi - lo >= :gap) AS num, count(*) AS den
FROM (
    SELECT p.p_start, p.p_end, {{grp}} AS grp, j.question_id, max(j.v) AS hi, min(j.v) AS lo
    FROM periods p
    JOIN ranked j ON {LATEST_AT_END}
    JOIN cases c ON c.case_id = j.case_id AND {OPEN_AT_END}
    GROUP BY p.p_start, p.p_end, 3, j.question_id
    HAVING count(*) >= 2
) scales
GROUP BY 1, 2, 3
"""
)

RE_REFERRALS = (
    PREFIX
    + f"""
SELECT p.p_start, p.p_end, {{grp}} AS grp,
       count(*) FILTER (WHERE (rf.f->>'re_referral')::boolean) AS num, count(*) AS den
FROM periods p
JOIN measure_facts rf ON rf.la_code = :la AND rf.kind = 'referral' AND NOT rf.entered_in_error
     AND {LONDON_DAY.format(col="rf.f->>'received_at'")} BETWEEN p.p_start AND p.p_end
LEFT JOIN cases c ON c.case_id = rf.case_id
GROUP BY 1, 2, 3
"""
)

AUDITS_GOOD_OR_BETTER = (
    PREFIX
    + """
SELECT p.p_start, p.p_end, {grp} AS grp,
       count(*) FILTER (WHERE a.f->>'grade' IN ('good', 'outstanding')) AS num, count(*) AS den
FROM periods p
JOIN measure_facts a ON a.la_code = :la AND a.kind = 'case_audit' AND NOT a.entered_in_error
     AND a.f->>'grade' IS NOT NULL AND (a.f->>'held_on')::date BETWEEN p.p_start AND p.p_end
LEFT JOIN cases c ON c.case_id = a.case_id
GROUP BY 1, 2, 3
"""
)

FAMILY_SURVEY_SCORE = (
    PREFIX
    + """
SELECT p.p_start, p.p_end, {grp} AS grp, sum((ans->>'score')::int) AS num, count(*) AS den
FROM periods p
JOIN measure_facts s ON s.la_code = :la AND s.kind = 'family_survey_response' AND NOT s.entered_in_error
     AND (s.f->>'submitted_on')::date BETWEEN p.p_start AND p.p_end
CROSS JOIN LATERAL jsonb_array_elements(s.f->'answers') AS ans
LEFT JOIN cases c ON c.case_id = s.case_id
WHERE jsonb_typeof(ans->'score') = 'number'
GROUP BY 1, 2, 3
"""
)

# Initial conferences and their strategy discussions: the 15 working days are counted in Python (timescales.py
# holds the bank holiday calendar), so this returns one row per conference.
INITIAL_CONFERENCES = (
    PREFIX
    + f"""
SELECT p.p_start, p.p_end, {{grp}} AS grp,
       {LONDON_DAY.format(col="k.f->>'held_at'")} AS held_on,
       {LONDON_DAY.format(col="s.f->>'held_at'")} AS strategy_on
FROM periods p
JOIN measure_facts k ON k.la_code = :la AND k.kind = 'conference' AND NOT k.entered_in_error
     AND k.f->>'type' = 'initial' AND k.f->>'held_at' IS NOT NULL
     AND {LONDON_DAY.format(col="k.f->>'held_at'")} BETWEEN p.p_start AND p.p_end
JOIN measure_facts s ON s.la_code = :la AND s.kind = 'strategy_discussion' AND NOT s.entered_in_error
     AND s.id = (k.f->>'strategy_discussion_id')::uuid AND s.f->>'held_at' IS NOT NULL
LEFT JOIN cases c ON c.case_id = k.case_id
"""
)

# Conferences that started or continued a plan, each setting the next review's due day (3 or 6 calendar months on:
# PostgreSQL's date + interval keeps to the month's last day, as timescales.add_months does), and the first review
# held after it about any of the same children (conferences.with_dates, worked out the same way). Reviews are found
# through each conference's children (`held_children`), a join on the child, not a search of every conference for
# each: a council holds thousands.
HELD_CONFERENCES = f""",
held AS MATERIALIZED (
    SELECT k.id, k.case_id, k.f->>'type' AS type, k.f->>'decision' AS decision, k.f->'child_ids' AS child_ids,
           (k.f->>'held_at')::timestamptz AS held_at, {LONDON_DAY.format(col="k.f->>'held_at'")} AS held_on,
           k.f->>'outline_plan_id' AS outline_plan_id
    FROM measure_facts k
    WHERE k.la_code = :la AND k.kind = 'conference' AND NOT k.entered_in_error AND k.f->>'held_at' IS NOT NULL
)
"""

RCPC_ON_TIME = (
    PREFIX
    + HELD_CONFERENCES
    + """,
held_children AS MATERIALIZED (
    SELECT k.id, k.type, k.held_at, k.held_on, child.value AS child_id
    FROM held k, jsonb_array_elements_text(k.child_ids) AS child
),
owed AS (
    SELECT k.id, k.case_id,
           (k.held_on + make_interval(months => CASE WHEN k.decision = 'cp_plan' THEN 3 ELSE 6 END))::date AS due_on,
           min(r.held_on) AS reviewed_on
    FROM held k
    LEFT JOIN held_children kc ON kc.id = k.id
    LEFT JOIN held_children r ON r.child_id = kc.child_id AND r.type = 'review' AND r.held_at > k.held_at
    WHERE k.decision IN ('cp_plan', 'cp_plan_continues')
    GROUP BY k.id, k.case_id, k.held_on, k.decision
)
SELECT p.p_start, p.p_end, {grp} AS grp, count(*) FILTER (WHERE o.reviewed_on <= o.due_on) AS num, count(*) AS den
FROM periods p
JOIN owed o ON o.due_on BETWEEN p.p_start AND p.p_end
LEFT JOIN cases c ON c.case_id = o.case_id
GROUP BY 1, 2, 3
"""
)

# Conferences that started a plan and the day their plan's first core group met (conferences.first_core_group: a
# core group on the outline plan, on a plan naming the conference, or on a later version of either). The 10
# working days are counted in Python (timescales.py), so this returns one row per conference and period for
# conferences held up to 31 days before the period (10 working days never span more) or in it.
FIRST_CORE_GROUPS = (
    PREFIX.replace("WITH ", "WITH RECURSIVE ", 1)
    + HELD_CONFERENCES
    + """,
started AS (SELECT * FROM held WHERE decision = 'cp_plan'),
plans AS (
    SELECT id, f->'plan'->>'conference_id' AS conference_id, f->>'previous_version_id' AS previous_version_id
    FROM measure_facts WHERE la_code = :la AND kind = 'statutory_plan' AND NOT entered_in_error
),
linked AS (
    SELECT k.id AS conference_id, k.outline_plan_id AS plan_id FROM started k WHERE k.outline_plan_id IS NOT NULL
    UNION
    SELECT k.id, pl.id::text FROM started k JOIN plans pl ON pl.conference_id = k.id::text
    UNION
    SELECT l.conference_id, pl.id::text FROM linked l JOIN plans pl ON pl.previous_version_id = l.plan_id
),
met AS (
    SELECT k.id, min((g.f->>'held_on')::date) AS met_on
    FROM started k
    JOIN linked l ON l.conference_id = k.id
    JOIN measure_facts g ON g.la_code = :la AND g.kind = 'core_group' AND NOT g.entered_in_error
         AND g.f->>'cp_plan_id' = l.plan_id AND (g.f->>'held_on')::date >= k.held_on
    GROUP BY k.id
)
SELECT p.p_start, p.p_end, {grp} AS grp, k.held_on, m.met_on
FROM periods p
JOIN started k ON k.held_on BETWEEN p.p_start - 31 AND p.p_end
LEFT JOIN met m ON m.id = k.id
LEFT JOIN cases c ON c.case_id = k.case_id
"""
)

# Levels lowest first (CaseLevel, care leavers left out): a step down goes from child in need or child protection
# to a lower level; a step back up is a move, or a new episode, above the level stepped down to.
LEVELS = "ARRAY['contact', 'early_help', 'child_in_need', 'child_protection', 'looked_after']"
STEP_DOWNS_SUSTAINED = (
    PREFIX
    + f""",
steps AS MATERIALIZED (
    SELECT s.id, s.case_id, s.f->>'from_level' AS from_level, s.f->>'to_level' AS to_level,
           (s.f->>'decided_on')::date AS decided_on, s.f->'child_ids' AS child_ids
    FROM measure_facts s
    LEFT JOIN (
        SELECT DISTINCT k.f->>'corrects' AS id FROM measure_facts k
        WHERE k.la_code = :la AND k.kind = 'step_change' AND NOT k.entered_in_error AND k.f->>'corrects' IS NOT NULL
    ) corrected ON corrected.id = s.id::text
    WHERE s.la_code = :la AND s.kind = 'step_change' AND NOT s.entered_in_error
      AND s.f->>'rejected_reason' IS NULL AND s.f->>'corrects' IS NULL AND corrected.id IS NULL
),
downs AS MATERIALIZED (
    SELECT s.id, s.case_id, child.value AS child_id, array_position({LEVELS}, s.to_level) AS to_rank, s.decided_on,
           (s.decided_on + make_interval(months => 6))::date AS sustained_on
    FROM steps s, jsonb_array_elements_text(s.child_ids) AS child
    WHERE s.from_level IN ('child_in_need', 'child_protection')
      AND array_position({LEVELS}, s.to_level) < array_position({LEVELS}, s.from_level)
),
-- What undoes a step down, per child and day: a step up, or a new episode, above the level stepped down to; any
-- referral (ranked above every level).
ups AS MATERIALIZED (
    SELECT child.value AS child_id, u.decided_on AS day, array_position({LEVELS}, u.to_level) AS rank
    FROM steps u, jsonb_array_elements_text(u.child_ids) AS child
    UNION ALL
    SELECT e.f->>'child_id', (e.f->>'start_date')::date, array_position({LEVELS}, e.f->>'level')
    FROM measure_facts e
    WHERE e.la_code = :la AND e.kind = 'child_episode' AND NOT e.entered_in_error
    UNION ALL
    SELECT subject.value, {LONDON_DAY.format(col="rf.f->>'received_at'")}, 99
    FROM measure_facts rf, jsonb_array_elements_text(rf.f->'subjects') AS subject
    WHERE rf.la_code = :la AND rf.kind = 'referral' AND NOT rf.entered_in_error
),
undone AS (
    SELECT DISTINCT d.id, d.child_id
    FROM downs d
    JOIN ups u ON u.child_id = d.child_id AND u.day > d.decided_on AND u.day <= d.sustained_on AND u.rank > d.to_rank
)
SELECT p.p_start, p.p_end, {{grp}} AS grp, count(*) FILTER (WHERE x.id IS NULL) AS num, count(*) AS den
FROM periods p
JOIN downs d ON d.sustained_on BETWEEN p.p_start AND p.p_end
LEFT JOIN undone x ON x.id = d.id AND x.child_id = d.child_id
LEFT JOIN cases c ON c.case_id = d.case_id
GROUP BY 1, 2, 3
"""
)

# Children on a child protection plan at each period's end (an open child_protection episode), whether they have an
# agreed safety plan by then and an active safety network with at least :members members in it that day who had
# been told every danger statement the plan was agreed on, in that version or a later one (`knows_dangers`).
SAFETY_PLAN_AND_NETWORK = (
    PREFIX
    + f""",
on_plan AS (
    SELECT e.case_id, e.f->>'child_id' AS child_id, (e.f->>'start_date')::date AS start_date,
           (e.f->>'end_date')::date AS end_date
    FROM measure_facts e
    WHERE e.la_code = :la AND e.kind = 'child_episode' AND NOT e.entered_in_error
      AND e.f->>'level' = 'child_protection'
),
safety_plans AS (
    SELECT s.case_id, s.f->'child_ids' AS child_ids, s.f->'agreed_dangers' AS dangers,
           coalesce((s.f->'agency_approval'->>'on')::date,
                    {LONDON_DAY.format(col="s.f->>'agreed_at'")}) AS agreed_on
    FROM measure_facts s
    WHERE s.la_code = :la AND s.kind = 'safety_plan' AND NOT s.entered_in_error
      AND s.f->>'status' IN ('agreed', 'in_trial', 'sustained', 'under_review')
),
networks AS (
    SELECT n.case_id, n.f->'child_ids' AS child_ids, n.f->'members' AS members
    FROM measure_facts n
    WHERE n.la_code = :la AND n.kind = 'network' AND NOT n.entered_in_error
      AND n.f->>'purpose' = 'safety' AND n.f->>'status' = 'active'
),
-- Each case's safety plans paired with its networks: joined to the children on plans by case (hashed), not
-- searched for each child and period.
pairs AS MATERIALIZED (
    SELECT s.case_id, s.child_ids AS plan_children, s.dangers, s.agreed_on, n.child_ids AS network_children, n.members
    FROM safety_plans s JOIN networks n ON n.case_id = s.case_id
)
SELECT p_start, p_end, grp, count(*) FILTER (WHERE covered) AS num, count(*) AS den
FROM (
    SELECT p.p_start, p.p_end, {{grp}} AS grp, o.case_id, o.child_id, coalesce(bool_or(
        x.plan_children ? o.child_id AND x.agreed_on <= p.p_end AND x.network_children ? o.child_id
        AND (
            SELECT count(*) FROM jsonb_array_elements(x.members) AS m
            WHERE (m->>'joined_on')::date <= p.p_end
              AND (m->>'left_on' IS NULL OR (m->>'left_on')::date > p.p_end)
              AND NOT EXISTS (
                  SELECT 1 FROM jsonb_array_elements(x.dangers) AS d
                  WHERE NOT EXISTS (
                      SELECT 1 FROM jsonb_array_elements(m->'knows_dangers') AS k
                      WHERE k->>'danger_id' = d->>'id' AND (k->>'version')::int >= (d->>'version')::int
                        AND (k->>'on')::date <= p.p_end
                  )
              )
        ) >= :members
    ), false) AS covered
    FROM periods p
    JOIN on_plan o ON o.start_date <= p.p_end AND (o.end_date IS NULL OR o.end_date > p.p_end)
    LEFT JOIN pairs x ON x.case_id = o.case_id
    LEFT JOIN cases c ON c.case_id = o.case_id
    GROUP BY p.p_start, p.p_end, 3, o.case_id, o.child_id
) per_child
GROUP BY 1, 2, 3
"""
)

# Placement plans, one per placement (the first version: revisions are made from an agreed version, so the first
# is the one agreed first), with the placement's start and the day that version was agreed. The 5 working days are
# counted in Python, so this returns one row per plan and period for placements starting up to 31 days before the
# period (5 working days never span more) or in it.
PLACEMENT_PLANS = (
    PREFIX
    + """
SELECT p.p_start, p.p_end, {grp} AS grp, (r.f->'plan'->'placement'->>'start')::date AS start_on,
       (r.f->>'agreed_on')::date AS agreed_on
FROM periods p
JOIN measure_facts r ON r.la_code = :la AND r.kind = 'statutory_plan' AND NOT r.entered_in_error
     AND r.f->'plan'->>'plan_type' = 'placement' AND r.f->>'previous_version_id' IS NULL
     AND (r.f->'plan'->'placement'->>'start')::date BETWEEN p.p_start - 31 AND p.p_end
LEFT JOIN cases c ON c.case_id = r.case_id
"""
)

STATEMENTS = {
    "children-map-reviewed": CHILDREN_MAP_REVIEWED,
    "dangers-with-goal-and-scale": DANGERS_WITH_GOAL_AND_SCALE,
    "scaling-towards-ten": SCALING_TOWARDS_TEN,
    "scaling-perspectives-differ": SCALING_PERSPECTIVES_DIFFER,
    "child-voice-recent": CHILD_VOICE_RECENT,
    "re-referrals": RE_REFERRALS,
    "icpc-within-15-days": INITIAL_CONFERENCES,
    "rcpc-on-time": RCPC_ON_TIME,
    "first-core-group-on-time": FIRST_CORE_GROUPS,
    "step-downs-sustained": STEP_DOWNS_SUSTAINED,
    "cp-safety-plan-and-network": SAFETY_PLAN_AND_NETWORK,
    "placement-plans-on-time": PLACEMENT_PLANS,
    "audits-good-or-better": AUDITS_GOOD_OR_BETTER,
    "family-survey-score": FAMILY_SURVEY_SCORE,
}


# For the measure statements only, within their transaction (set_config(..., true) is SET LOCAL):
# - a custom plan for each council: PostgreSQL then reads only its partition of measure_facts, with that partition's
#   statistics (autovacuum keeps them; a generic plan would use the parent's, which autovacuum never gathers);
# - no nested loops where a hash join will do: the filters on document fields (`f->>'status' = 'active'`) are
#   estimated at a row or two, so the planner nested-looped a council's 10,000 networks against its safety plans
#   (16.5 million comparisons, 19 s on 20,000 cases); joins to the periods, which have no equality, still loop;
# - no JIT: those same estimates made it compile for 4 s on a statement that then ran in under one;
# - room to sort and hash a council's rows in memory rather than on disk.
PLANNER_SETTINGS = sa.text(
    "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), set_config('enable_nestloop', 'off', true), "
    "set_config('jit', 'off', true), set_config('work_mem', '32MB', true)"
)


async def select_measure_rows(
    conn: AsyncConnection,
    code: str,
    la_code: str,
    periods: Sequence[tuple[dt.date, dt.date]],
    group_by: MeasureGrouping | None,
    parameters: dict[str, int],
    teams: Sequence[str] | None = None,
) -> list[Any]:
    """The measure's rows for every period and group (see the module doc for their shape); with `teams`, only
    the cases of those teams are grouped (records of other cases fall in no group). group_by None: grouped by
    TEAM_AND_WORKER."""
    if group_by is None:
        grp = TEAM_AND_WORKER
    else:
        grp = "j.perspective" if group_by is MeasureGrouping.perspective else GROUPS[group_by]
    statement = sa.text(STATEMENTS[code].format(grp=grp))
    values: dict[str, Any] = {
        "la": la_code,
        "starts": [start for start, _ in periods],
        "ends": [end for _, end in periods],
        "teams": list(teams) if teams is not None else None,
        **parameters,
    }
    await conn.execute(PLANNER_SETTINGS)
    result = await conn.execute(statement, values)
    return list(result.all())


# --- materialised figures (`measure_values`, written by `sos-api measures-refresh`) ------------------


async def select_councils(conn: AsyncConnection) -> list[str]:
    """Every council with a case (read outside any tenant, as the refresh's system role)."""
    result = await conn.execute(sa.select(records.c.la_code).where(records.c.kind == "case").distinct())
    return sorted(result.scalars())


async def replace_materialised(
    conn: AsyncConnection, la_code: str, code: str, group_by: MeasureGrouping, rows: Sequence[Any], at: dt.datetime
) -> int:
    """A council's figures for one measure and grouping, replaced whole (rows: p_start, p_end, grp, num, den)."""
    v = measure_values.c
    await conn.execute(
        measure_values.delete().where(v.la_code == la_code, v.code == code, v.group_by == group_by.value)
    )
    values = [
        {
            "la_code": la_code,
            "code": code,
            "group_by": group_by.value,
            "grp": row.grp or "",
            "period_start": row.p_start,
            "period_end": row.p_end,
            "numerator": int(row.num or 0),
            "denominator": int(row.den or 0),
            "computed_at": at,
        }
        for row in rows
    ]
    if values:
        await conn.execute(measure_values.insert(), values)
    return len(values)


async def select_materialised(
    conn: AsyncConnection, la_code: str, code: str, group_by: MeasureGrouping, starts: Sequence[dt.date]
) -> list[Any]:
    """The stored figures for these periods (grp empty when none), with when they were computed."""
    v = measure_values.c
    query = (
        sa.select(
            v.period_start.label("p_start"),
            v.period_end.label("p_end"),
            sa.func.nullif(v.grp, "").label("grp"),
            v.numerator.label("num"),
            v.denominator.label("den"),
            v.computed_at,
        )
        .where(v.la_code == la_code, v.code == code, v.group_by == group_by.value, v.period_start.in_(starts))
        .order_by(v.period_start, v.grp)
    )
    return list((await conn.execute(query)).all())
