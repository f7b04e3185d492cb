"""A measure's trend drawn as SVG (sos_api/charts.py does the drawing): one line per group, periods along."""

from __future__ import annotations

from sos_schema import MeasureSeries

from .. import charts
from .catalogue import Measure


def measure_chart(m: Measure, s: MeasureSeries) -> bytes:
    labels: list[str] = []
    for p in s.points:
        label = p.period_end.strftime("%b %Y")
        if label not in labels:
            labels.append(label)
    groups: dict[str, dict[str, float | None]] = {}
    for p in s.points:
        if p.group is None and s.group_by.value != "council" and not p.denominator:
            continue  # a period with nothing counted in any group: a gap, not a line of its own
        name = p.group or ("Council " + s.la_code if s.group_by.value == "council" else "No " + s.group_by.value)
        if s.group_by.value == "perspective":
            name = name.replace("_", " ")
        groups.setdefault(name, {})[p.period_end.strftime("%b %Y")] = p.value
    lines = [(name, [values.get(label) for label in labels]) for name, values in groups.items()]
    percent = m.shape == "proportion"
    told = "; ".join(
        f"{name}: "
        + ", ".join(f"{label} {'no figure' if v is None else f'{v:g}'}" for label, v in zip(labels, vs, strict=True))
        for name, vs in lines
    )
    description = (
        f"{m.definition.definition} Values {'in per cent ' if percent else ''}by {s.period.value}, "
        f"{s.from_date.isoformat()} to {s.to_date.isoformat()}. {told}."
    )
    return charts.period_lines(
        m.definition.name,
        description,
        labels,
        lines,
        y_range=(0, 100) if percent else None,
        y_title="Per cent" if percent else None,
    )
