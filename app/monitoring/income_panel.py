"""The KPM income panel of an income indicator: change in Rupiah and movement across the poverty lines.

For the KPM the indicator counts (each KPM's latest eligible round, which
holds both a before and an after income), it reports the mean change with a
paired t interval, the median change, and for the extreme-poverty line and the
poverty line the share at or above the line before and after, with the exact
McNemar test and Newcombe's method 10 interval for the difference. The
statistics are analysis.income's; this module only gathers the pairs and the
province lines in force at each monitoring month.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from analysis.income import MeanChange, PairedProportions, above_line, mean_change, paired_proportions
from app.core.periods import Period
from app.extensions import db
from app.models import Region
from app.monitoring import stats
from app.monitoring.income_bands import BANDED_MEASURES, poverty_line_for

LEVEL = 0.95
LINES = (("extreme_line", "Garis kemiskinan ekstrem"), ("poverty_line", "Garis kemiskinan"))


@dataclass
class IncomePanel:
    n: int
    change: MeanChange | None
    lines: dict[str, PairedProportions] = field(default_factory=dict)
    n_lines: int = 0  # pairs with a province line for their month
    notes: list[str] = field(default_factory=list)
    demo_lines: bool = False


def build(unit_id: int, program: str | None, measure: str | None, period: Period) -> IncomePanel | None:
    """The panel for an income indicator's KPM, or None when no KPM has an eligible round."""
    pairs = stats.income_pairs(unit_id, program, measure, period=period)
    if not pairs:
        return None
    panel = IncomePanel(len(pairs), mean_change([p.before for p in pairs], [p.after for p in pairs], LEVEL))
    if any(p.measure not in BANDED_MEASURES for p in pairs):
        panel.notes.append("Omzet bukan pendapatan: perpindahan melewati garis kemiskinan tidak dihitung.")
        return panel
    regions: dict[int, Region] = {}
    lines_cache: dict[tuple[int, str], object] = {}
    banded = []
    for p in pairs:
        region = regions.get(p.region_id) or regions.setdefault(p.region_id, db.session.get(Region, p.region_id))
        key = (p.region_id, f"{p.monitoring_date:%Y-%m}")
        if key not in lines_cache:
            lines_cache[key] = poverty_line_for(region, p.monitoring_date)
        line = lines_cache[key]
        if line is not None:
            banded.append((p, line))
    panel.n_lines = len(banded)
    if len(banded) < len(pairs):
        panel.notes.append(f"{len(pairs) - len(banded)} KPM tanpa garis kemiskinan provinsi untuk bulan "
                           "monitoringnya tidak ikut dalam perpindahan garis.")
    if not banded:
        return panel
    panel.demo_lines = any(line.is_demo for _p, line in banded)
    for attr, label in LINES:
        was = [above_line(p.before, p.household_size, getattr(line, attr)) for p, line in banded]
        now = [above_line(p.after, p.household_size, getattr(line, attr)) for p, line in banded]
        panel.lines[label] = paired_proportions(was, now, LEVEL)
    return panel


def panel_json(panel: IncomePanel | None) -> dict | None:
    if panel is None:
        return None
    c = panel.change
    return {
        "n": panel.n, "level": LEVEL,
        "mean_change": c.mean, "mean_change_ci": None if c.low is None else [c.low, c.high],
        "mean_change_method": "t berpasangan", "t_p": c.t_p, "median_change": c.median,
        "n_with_lines": panel.n_lines, "demo_lines": panel.demo_lines, "notes": panel.notes,
        "lines": {label: {"share_before": pp.share_before, "share_after": pp.share_after,
                          "difference": pp.difference, "difference_ci": [pp.low, pp.high],
                          "difference_method": "Newcombe (1998) metode 10",
                          "moved_above": pp.up, "moved_below": pp.down, "stayed_above": pp.both,
                          "stayed_below": pp.neither, "mcnemar_exact_p": pp.mcnemar_p}
                  for label, pp in panel.lines.items()},
    }
