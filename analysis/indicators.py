"""Capaian, ministry-style aggregation, and checks of reported figures.

Realisasi and capaian are percentages (89.19 means 89.19%). Nothing is rounded
here; display goes through analysis.rounding.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from scipy import stats

from ._validate import as_count, as_level, as_real
from .rounding import format_id

POLARITIES = ("positive", "negative")


def capaian(realisasi, target, polarity: str = "positive") -> float:
    """Achievement against target, in percent.

    positive (higher is better): realisasi / target x 100.
    negative (lower is better):  (1 + (1 - realisasi / target)) x 100
        = (2 - realisasi / target) x 100, the "kondisi khusus" formula of
        PermenPAN-RB No. 8/2021 (Sistem Manajemen Kinerja PNS), Lampiran Bab VI
        A.1.b.1(g): target 7 months, realisasi 6.5 gives 107%. Not capped; it
        goes below 0 when realisasi exceeds twice the target.
    """
    r = as_real(realisasi, "realisasi")
    t = as_real(target, "target")
    if t <= 0:
        # A ratio to a negative target flips its meaning (target -6, realisasi 3 gives -50%).
        raise ValueError(f"target harus lebih besar dari nol untuk menghitung capaian (target {format_id(t)})")
    if polarity not in POLARITIES:
        raise ValueError(f"unknown polarity {polarity!r}; use 'positive' or 'negative'")
    ratio = r / t
    return ratio * 100.0 if polarity == "positive" else (2.0 - ratio) * 100.0


_capaian = capaian  # check_reported has a parameter of the same name


def aggregate(values: Iterable, method: str = "mean", weights: Sequence | None = None) -> float:
    """Combine sub-indicators the way the ministry does, or the alternatives worth showing beside it.

    mean:     unweighted mean of the sub-indicator values (IKU 1.3, Table 3.24);
    pooled:   values are (numerator, denominator) pairs; 100 x sum(num) / sum(den),
              the percentage over all units together;
    weighted: sum(w x v) / sum(w), e.g. SPM = 80% penerima + 20% mutu.
    """
    vals = list(values)
    if not vals:
        raise ValueError("aggregate needs at least one value")
    if method == "mean":
        if weights is not None:
            raise ValueError("weights are only for method='weighted'")
        return math.fsum(as_real(v, "value") for v in vals) / len(vals)
    if method == "pooled":
        if weights is not None:
            raise ValueError("weights are only for method='weighted'")
        num = den = 0.0
        for i, pair in enumerate(vals):
            try:
                a, b = pair
            except (TypeError, ValueError):
                raise ValueError(f"value {i}: pooled needs (numerator, denominator) pairs, got {pair!r}") from None
            a, b = as_real(a, "numerator"), as_real(b, "denominator")
            if b < 0 or a < 0:
                raise ValueError(f"value {i}: numerator and denominator must not be negative")
            num += a
            den += b
        if den == 0:
            raise ValueError("pooled denominators sum to zero")
        return num / den * 100.0
    if method == "weighted":
        if weights is None:
            raise ValueError("method='weighted' needs weights")
        w = [as_real(x, "weight") for x in weights]
        if len(w) != len(vals):
            raise ValueError(f"{len(vals)} values but {len(w)} weights")
        if any(x < 0 for x in w) or math.fsum(w) == 0:
            raise ValueError("weights must be non-negative and not all zero")
        return math.fsum(wi * as_real(v, "value") for wi, v in zip(w, vals, strict=True)) / math.fsum(w)
    raise ValueError(f"unknown method {method!r}; use 'mean', 'pooled' or 'weighted'")


@dataclass(frozen=True)
class Component:
    """One independent estimate entering a composite: value, standard error, degrees of freedom.

    ``df`` None means the SE is treated as known (normal quantile), e.g. a census.
    """

    value: float
    se: float
    df: float | None = None


@dataclass(frozen=True)
class CompositeEstimate:
    value: float
    se: float
    df: float | None  # Welch-Satterthwaite; None when every component's df is None
    low: float
    high: float
    level: float


def combine_estimates(components: Sequence[Component], weights: Sequence | None = None, level: float = 0.95,
                      bounds: tuple[float, float] | None = (0.0, 100.0)) -> CompositeEstimate:
    """The interval of a weighted composite of independent estimates (mean, 80/20, ...).

    value = sum w_i v_i with the weights normalised (equal when None);
    Var   = sum w_i^2 SE_i^2 (the components come from independent samples);
    df    = Var^2 / sum (w_i^2 SE_i^2)^2 / df_i (Welch 1947; Satterthwaite 1946);
    interval = value +/- t(df) SE, clipped to ``bounds`` (0-100 for percentages).
    When every component is a sample proportion, prefer
    analysis.proportion.weighted_proportion, whose score interval does not
    collapse at p = 0 or 1.
    """
    level = as_level(level)
    comps = list(components)
    if not comps:
        raise ValueError("combine_estimates needs at least one component")
    w = [1.0] * len(comps) if weights is None else [as_real(x, "weight") for x in weights]
    if len(w) != len(comps):
        raise ValueError(f"{len(comps)} components but {len(w)} weights")
    if any(x < 0 for x in w) or math.fsum(w) == 0:
        raise ValueError("weights must be non-negative and not all zero")
    total = math.fsum(w)
    w = [x / total for x in w]
    values = [as_real(c.value, "value") for c in comps]
    ses = [as_real(c.se, "se") for c in comps]
    if any(se < 0 for se in ses):
        raise ValueError("a standard error cannot be negative")
    value = math.fsum(wi * v for wi, v in zip(w, values, strict=True))
    terms = [wi * wi * se * se for wi, se in zip(w, ses, strict=True)]
    var = math.fsum(terms)
    se = math.sqrt(var)
    finite = [(t, as_real(c.df, "df")) for t, c in zip(terms, comps, strict=True) if c.df is not None and t > 0]
    if any(d <= 0 for _t, d in finite):
        raise ValueError("degrees of freedom must be positive")
    denom = math.fsum(t * t / d for t, d in finite)
    df = var * var / denom if denom > 0 else None
    if se == 0.0:
        low = high = value
    else:
        q = float(stats.t.ppf(0.5 + level / 2, df)) if df is not None else float(stats.norm.ppf(0.5 + level / 2))
        low, high = value - q * se, value + q * se
    if bounds is not None:
        value = min(bounds[1], max(bounds[0], value))  # only float dust can put it outside
        low, high = max(bounds[0], min(low, value)), min(bounds[1], max(high, value))
    return CompositeEstimate(value, se, df, low, high, level)


@dataclass(frozen=True)
class Finding:
    """A reported figure that its own inputs do not support."""

    code: str
    field: str
    reported: float
    recomputed: float
    message: str


def _reported(value, name: str, decimals: int) -> tuple[float, int]:
    """(value, decimals shown). Strings may use the Indonesian comma: '78,15' or '78,15%'."""
    if isinstance(value, str):
        text = value.strip().rstrip("%").strip()
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{name}: cannot read {value!r} as a number") from None
        if not d.is_finite():
            raise ValueError(f"{name}: cannot read {value!r} as a number")
        return float(d), max(0, -d.as_tuple().exponent)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{name}: {value!r} is not finite")
        return float(value), max(0, -value.as_tuple().exponent)
    return as_real(value, name), decimals


def _differs(reported: float, places: int, true: float) -> bool:
    # A value shown with `places` decimals is consistent with anything that
    # rounds to it: within half a unit of the last digit (a hair of float slack).
    return abs(Fraction(repr(reported)) - Fraction(true)) > Fraction(1, 2 * 10**places) + Fraction(1, 10**12)


def check_reported(*, n=None, t=None, population=None, realisasi=None, target=None, capaian=None,
                   sample_share=None, polarity: str = "positive", decimals: int = 2,
                   pooled: Sequence | None = None) -> list[Finding]:
    """Recompute what can be recomputed from reported figures and list what does not match.

    - realisasi against n / t x 100;
    - sample_share (the sample as a % of the population, e.g. ATENSI's "78,15%
      of the population") against t / population x 100;
    - capaian against the reported realisasi (else n / t) and target;
    - impossible counts (n > t, t > population);
    - ``pooled``, (numerator, denominator) pairs pooled into one percentage:
      every pair whose numerator exceeds its denominator, and a pooled total
      above 100% (e.g. 250 of 100).
    A target that is not positive is reported as a finding, since capaian
    cannot be computed against it. Reported percentages given as floats are taken to carry ``decimals``
    decimals; as strings or Decimals their own decimals count.
    """
    decimals = as_count(decimals, "decimals")
    findings: list[Finding] = []
    n_v = as_count(n, "n") if n is not None else None
    t_v = as_count(t, "t", minimum=1) if t is not None else None
    pop = as_count(population, "population", minimum=1) if population is not None else None

    if n_v is not None and t_v is not None and n_v > t_v:
        findings.append(Finding("n_exceeds_t", "n", float(n_v), float(t_v),
                                f"Jumlah yang memenuhi kriteria ({format_id(n_v, 0)}) melebihi jumlah sampel "
                                f"({format_id(t_v, 0)})."))
    if t_v is not None and pop is not None and t_v > pop:
        findings.append(Finding("t_exceeds_population", "t", float(t_v), float(pop),
                                f"Jumlah sampel ({format_id(t_v, 0)}) melebihi populasi ({format_id(pop, 0)})."))

    true_real = None
    if n_v is not None and t_v is not None:
        true_real = n_v / t_v * 100.0
    rep_real = None
    if realisasi is not None:
        rep_real, places = _reported(realisasi, "realisasi", decimals)
        if true_real is not None and _differs(rep_real, places, true_real):
            findings.append(Finding(
                "realisasi_mismatch", "realisasi", rep_real, true_real,
                f"Realisasi dilaporkan {format_id(rep_real, places)}%, tetapi {format_id(n_v, 0)} dari "
                f"{format_id(t_v, 0)} = {format_id(true_real, places)}%."))

    if sample_share is not None and t_v is not None and pop is not None:
        rep_share, places = _reported(sample_share, "sample_share", decimals)
        true_share = t_v / pop * 100.0
        if _differs(rep_share, places, true_share):
            findings.append(Finding(
                "sample_share_mismatch", "sample_share", rep_share, true_share,
                f"Sampel dilaporkan {format_id(rep_share, places)}% dari populasi, tetapi "
                f"{format_id(t_v, 0)} dari {format_id(pop, 0)} = {format_id(true_share, places)}%."))

    if pooled is not None:
        findings.extend(_check_pooled(pooled))

    if target is not None and as_real(target, "target") <= 0:
        tgt = as_real(target, "target")
        findings.append(Finding("target_not_positive", "target", tgt, tgt,
                                f"Target {format_id(tgt, 2)} tidak dapat dipakai: capaian hanya dihitung terhadap "
                                "target yang lebih besar dari nol."))
    elif capaian is not None and target is not None:
        base = rep_real if rep_real is not None else true_real
        if base is not None:
            rep_cap, places = _reported(capaian, "capaian", decimals)
            tgt = as_real(target, "target")
            true_cap = _capaian(base, tgt, polarity)
            if _differs(rep_cap, places, true_cap):
                findings.append(Finding(
                    "capaian_mismatch", "capaian", rep_cap, true_cap,
                    f"Capaian dilaporkan {format_id(rep_cap, places)}%, tetapi realisasi "
                    f"{format_id(base, 2)} terhadap target {format_id(tgt, 2)} memberi "
                    f"{format_id(true_cap, places)}%."))
    return findings


def _check_pooled(pairs: Sequence) -> list[Finding]:
    """Pairs with a numerator above their denominator, and a pooled total above 100%."""
    findings: list[Finding] = []
    num_total = den_total = 0
    for i, pair in enumerate(pairs, start=1):
        try:
            a, b = pair
        except (TypeError, ValueError):
            raise ValueError(f"pooled {i}: expected (numerator, denominator), got {pair!r}") from None
        a, b = as_count(a, f"pooled {i} numerator"), as_count(b, f"pooled {i} denominator")
        num_total, den_total = num_total + a, den_total + b
        if b == 0:
            findings.append(Finding("pooled_part_zero_denominator", f"pooled[{i}]", float(a), 0.0,
                                    f"Baris gabungan {i}: penyebut nol."))
        elif a > b:
            findings.append(Finding(
                "pooled_part_exceeds_denominator", f"pooled[{i}]", float(a), float(b),
                f"Baris gabungan {i}: pembilang {format_id(a, 0)} melebihi penyebut {format_id(b, 0)} "
                f"({format_id(a / b * 100, 2)}%)."))
    if num_total > den_total:
        share = f"{format_id(num_total / den_total * 100, 2)}%" if den_total else "penyebut nol"
        findings.append(Finding(
            "pooled_exceeds_denominator", "pooled", float(num_total), float(den_total),
            f"Nilai gabungan tidak mungkin: total pembilang {format_id(num_total, 0)} melebihi total penyebut "
            f"{format_id(den_total, 0)} ({share})."))
    return findings
