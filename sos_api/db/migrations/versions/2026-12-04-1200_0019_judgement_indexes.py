"""Indexes for scaling judgements' BR-02 check and corrections, found with EXPLAIN (ANALYZE, BUFFERS) under
`make bench`'s write load (one scale gaining a judgement per write).

BR-02 (one judgement per person per question per occasion) read every judgement of the council to find the few by
one person on one question: at 1,656 judgements on the scale, 1,672 buffers and 24 ms per write, under the question's
lock, so writes on one scale queued behind it (~10 writes/s in `make bench`). Its "corrected" test scanned them all
again. Both indexes are partial (judgements only) and the queries name the kind as a literal, so generic plans
use them too.

`ix_records_judgement_person` (parent_id, the perspective's person): the judgements one person gave on a question.
`ix_records_judgement_corrects` (parent_id, the corrected judgement's id): whether a judgement has been corrected
(BR-02, the series' `corrected`).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 12:00:00
"""

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

JUDGEMENTS = "kind = 'scaling_judgement'"


def upgrade() -> None:
    op.execute(
        "CREATE INDEX ix_records_judgement_person ON records "
        f"(parent_id, (doc #>> '{{perspective,perspective_person_id}}')) WHERE {JUDGEMENTS}"
    )
    op.execute(
        "CREATE INDEX ix_records_judgement_corrects ON records (parent_id, (doc ->> 'corrects')) "
        f"WHERE {JUDGEMENTS} AND (doc ->> 'corrects') IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index("ix_records_judgement_corrects", table_name="records")
    op.drop_index("ix_records_judgement_person", table_name="records")
