"""The history part of the HTML report: drift per cause, resolved findings, trend chart.

The trend chart is inline SVG drawn by the template from the coordinates computed here
(no script, no CDN): one line per cause of its pass rate over the last runs, broken where
a cause was not checked, with a dot and a tooltip per run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mamori.checks.findings import ScanResult, TrendPoint
from mamori.checks.model import Cause
from mamori.reports._drift import CHANGES, drift_rows, percent, resolved_rows

#: Geometry of the chart (SVG user units).
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 720, 240, 44, 16, 12, 40
#: Resolved findings drawn as rows; the rest are counted.
RESOLVED_ROWS = 200


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span / 2 if count == 1 else span * index / (count - 1))


def _y(rate: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - rate)


def _series(cause: Cause, points: Sequence[TrendPoint]) -> dict[str, Any]:
    """Line segments (unbroken runs of checked points) and dots of one cause."""
    segments: list[list[str]] = [[]]
    dots = []
    for i, point in enumerate(points):
        rate = point.pass_rates.get(cause)
        if rate is None:
            segments.append([])
            continue
        x, y = round(_x(i, len(points)), 1), round(_y(rate), 1)
        segments[-1].append(f"{x},{y}")
        dots.append({"x": x, "y": y,
                     "title": f"{cause.value} {point.as_of.date().isoformat()}: "
                              f"{percent(rate)}"})
    return {"id": cause.value, "en": cause.label_en, "ja": cause.label_ja,
            "lines": [" ".join(s) for s in segments if len(s) > 1], "dots": dots,
            "last": percent(points[-1].pass_rates.get(cause)) if points else "–"}


def trend_chart(points: Sequence[TrendPoint]) -> dict[str, Any] | None:
    """Everything the template needs to draw the chart (None without a trend)."""
    if not points:
        return None
    step = max(1, len(points) // 7)  # at most ~8 date labels under the axis
    ticks = [{"x": round(_x(i, len(points)), 1), "label": p.as_of.date().isoformat()[5:]}
             for i, p in enumerate(points) if i % step == 0 or i == len(points) - 1]
    grid = [{"y": round(_y(v / 100), 1), "label": f"{v}%"} for v in (0, 25, 50, 75, 100)]
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT,
            "bottom": HEIGHT - BOTTOM, "count": len(points), "ticks": ticks, "grid": grid,
            "series": [_series(c, points) for c in Cause]}


def history_context(result: ScanResult) -> dict[str, Any]:
    """Template variables: ``drift`` (None without a history) and ``trend``."""
    d = result.drift
    drift = None
    if d is not None:
        resolved = resolved_rows(result)
        drift = {
            "previous": d.previous_as_of.isoformat() if d.previous_as_of else None,
            "rows": [{"id": c.value, "en": c.label_en, "ja": c.label_ja, **n}
                     for c, n in drift_rows(result)],
            "totals": {k: d.totals.get(k, 0) for k in CHANGES},
            "unconfirmed": d.totals.get("unconfirmed", 0),
            "resolved": [{"rule": r.rule_id, "en": r.title.en if r.title else "",
                          "ja": r.title.ja if r.title else "", "resource": r.resource,
                          "location": r.location, "gone": r.gone,
                          "since": r.first_seen.date().isoformat() if r.first_seen else ""}
                         for r in resolved[:RESOLVED_ROWS]],
            "resolved_total": len(resolved),
        }
    return {"drift": drift, "trend": trend_chart(result.trend),
            "notices": [n.to_dict() for n in result.notices],
            "gate_notes": [n.to_dict() for n in result.gate_notes]}
