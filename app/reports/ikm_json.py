"""The IKM report as JSON (the web's ikm.json and `report ikm --format json`): every figure with its interval."""
from __future__ import annotations

from analysis.estimate import Estimate
from analysis.ikm import IkmResult, grade
from analysis.rounding import round_half_up
from app.reports.ikm_inference import Caution
from app.reports.rollup import CI_LEVEL, Headline, IkmReport, UnitNode


def _ci_json(ci):
    return None if ci is None else [ci[0], ci[1]]


def _caution_json(caution: Caution | None) -> dict:
    if caution is None:
        return {"grade_label": None, "sample_adequate": None, "sample_note": None}
    return {"grade_label": caution.grade_label, "sample_adequate": caution.sample_adequate,
            "sample_note": caution.sample_note}


def _estimate_json(estimate: Estimate | None) -> dict:
    if estimate is None:
        return {"se": None, "df": None}
    return {"se": estimate.se, "df": estimate.df}


def _difference_json(d) -> dict:
    return {"difference": d.difference, "se": d.se, "df": d.df if d.df != float("inf") else None,
            "ci": [d.low, d.high], "p_value": d.p_value, "significant": d.significant}


def comparisons_json(report: IkmReport) -> dict:
    periods = [{
        "label": c.label, "period": c.period_code, "period_label": c.period_label,
        "score": c.current.value, "other_score": c.other.value,
        **_difference_json(c.difference),
        "unsur": {code: _difference_json(d) for code, d in c.unsur.items()},
    } for c in report.comparisons]
    ranking = None
    if report.ranking is not None:
        ranking = {
            "order": report.ranking.order,
            "correction": "holm",
            "family": report.ranking.family,
            "pairs": [{"higher": p.higher, "lower": p.lower, **_difference_json(p.difference),
                       "p_holm": p.p_holm, "significant": p.significant} for p in report.ranking.pairs],
        }
    return {"basis": "independent samples, linearised SE, Welch-Satterthwaite df", "ci_level": CI_LEVEL,
            "periods": periods, "layanan_ranking": ranking}


def result_json(result: IkmResult | None, ci=None) -> dict | None:
    if result is None:
        return None
    return {
        "n_respondents": result.n_respondents,
        "score": result.score,
        "score_display": str(result.score_display),
        "grade": result.grade,
        "performance": result.performance,
        "nrr": dict(result.nrr),
        "ci": _ci_json(ci),
    }


def _node_json(node: UnitNode) -> dict:
    return {
        "code": node.code,
        "name": node.name,
        "n_respondents": node.n,
        "score": node.score,
        "score_display": None if node.score is None else str(node.score_display),
        "grade": None if node.score is None else node.grade[0],
        "ci": _ci_json(node.ci),
        "pooled": result_json(node.pooled),  # a different estimator: no interval of the roll-up beside it
        "layanan": [line.slug for line in node.layanan if line.result is not None],
        "children": [_node_json(child) for child in node.children],
    }


def _stratified_json(head: Headline) -> dict | None:
    if head.stratified is None:
        return None
    return {
        "method": "population-weighted stratified estimate (N_h / sum N), Cochran 1977 ch. 5",
        "score": head.stratified.value,
        "score_display": str(round_half_up(head.stratified.value, 2)),
        "grade": grade(head.stratified.value)[0],
        "ci": _ci_json(head.stratified_ci),
        **_estimate_json(head.stratified),
        **_caution_json(head.stratified_caution),
    }


def report_json(report: IkmReport) -> dict:
    head = report.headline
    return {
        "unit": {"code": report.unit.code, "name": report.unit.name},
        "layanan_scope": report.layanan.slug if report.layanan else None,
        "region": None if report.region is None else {"code": report.region.code, "name": report.region.name,
                                                      "level": report.region.level},
        "region_label": report.region_label,
        "period": {"code": report.period.code, "label": report.period.label,
                   "start": report.period.start, "end": report.period.end},
        "exclude_flagged": report.exclude_flagged,
        "flags": report.flags,
        "ci_level": CI_LEVEL,
        "rollup": None if head is None else {
            "method": "respondent-weighted mean of layanan scores (Tabel 3.29)",
            "n_respondents": head.n_respondents,
            "score": head.score,
            "score_display": str(head.score_display),
            "grade": head.grade,
            "performance": head.performance,
            "nrr": head.nrr,
            "lowest_unsur": head.lowest_unsur,
            "ci": _ci_json(head.ci),
            "ci_basis": "layanan as strata: sum of (n_h / sum n)^2 x linearised Var_h",
            **_estimate_json(head.estimate),
            **_caution_json(head.caution),
            "population": report.population,
            "krejcie_morgan_target": report.km_target,
            "stratified": _stratified_json(head),
        },
        "pooled": result_json(head.pooled) if head else None,
        "layanan": [
            {"slug": line.slug, "name": line.name, "unit": line.unit_code, "population": line.population,
             "krejcie_morgan_target": line.km_target, **(result_json(line.result, line.ci) or {
                 "n_respondents": 0, "score": None, "score_display": None, "grade": None, "performance": None,
                 "nrr": {}, "ci": None}), **_estimate_json(line.estimate), **_caution_json(line.caution)}
            for line in report.lines
        ],
        "units": _node_json(report.tree),
        "comparisons": comparisons_json(report),
        "trend": [{"period": p.period.code, "score": p.score, "n_respondents": p.n} for p in report.trend],
        "profile": {dim: [{"label": label, "n": n} for label, n in rows] for dim, rows in report.profile.items()},
    }
