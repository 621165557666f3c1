"""The consistency check: figures as a report states them, recomputed and compared.

Pure arithmetic over what the analyst typed (analysis.indicators.check_reported
finds the mismatches); nothing is read or stored.
"""
from __future__ import annotations

from analysis.indicators import capaian, check_reported


def check(*, n: int | None, t: int | None, population: int | None, realisasi: str | None, target: float | None,
          capaian_text: str | None, sample_share: str | None, polarity: str,
          pooled: list[tuple[int, int]]) -> tuple[list, dict[str, float]]:
    """(findings, recomputed figures by label). ValueError when a reported figure cannot be read."""
    findings = check_reported(n=n, t=t, population=population, realisasi=realisasi, target=target,
                              capaian=capaian_text, sample_share=sample_share, polarity=polarity,
                              pooled=pooled or None)
    return findings, _recomputed(n, t, population, target, polarity, pooled)


def _recomputed(n: int | None, t: int | None, population: int | None, target: float | None, polarity: str,
                pairs: list[tuple[int, int]]) -> dict[str, float]:
    values = {}
    if n is not None and t:
        values["Realisasi n/t (%)"] = n / t * 100
    if t and population:
        values["Sampel / populasi (%)"] = t / population * 100
    base = values.get("Realisasi n/t (%)")
    if base is not None and target is not None and target > 0:
        values["Capaian dari n/t (%)"] = capaian(base, target, polarity)
    if pairs and sum(b for _a, b in pairs):
        values["Nilai gabungan Σ pembilang / Σ penyebut (%)"] = (sum(a for a, _b in pairs)
                                                              / sum(b for _a, b in pairs) * 100)
    return values
