"""The scorecard: measures worked out from the stored records, their definitions, exports and charts (domain
2.24, issue 14). Who may read them is the policy's (registered here, like every special operation)."""

from ..auth.policy import AUDITORS, MANAGERS, Rule, register_rules
from .routes import ROUTES

# Aggregate figures about the council's children, for managing practice: the council's team managers, practice
# leads and auditors. Purpose defaults to data_quality (interop R24).
register_rules(
    {
        op: Rule(MANAGERS | AUDITORS, "measures", "r", purpose="data_quality")
        for op in ("listMeasures", "getMeasureSeries", "getMeasureChart")
    }
)

__all__ = ["ROUTES"]
