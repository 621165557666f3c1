"""IKM from the database's aggregates instead of rows; equal to analysis.ikm.compute_ikm.

The summary tables keep, per layanan and period, each unsur's SUM and COUNT and,
for every pair of unsur in ``PAIRS``, the four cross-product sums. This module
checks those sums (a corrupt row raises, never scores) and turns them into the
same IkmResult, with the linearised variance, that compute_ikm gives from the
responses, so no report scans the responses. See docs/METHODS.md.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

from ._validate import as_count
from .ikm import _CODESET, CODES, PAIRS, IkmResult, _build, _Linearisation


def sum_z2_from_cross(sums: Mapping[str, int], counts: Mapping[str, int],
                      cross: Mapping[tuple[str, str], tuple]) -> float:
    """sum_i z_i^2 from per-pair sums instead of rows.

    With C_uv = sum r_u r_v, A_uv = sum r_u r_v y_u, B_uv = sum r_u r_v y_v and
    P_uv = sum r_u r_v y_u y_v (R_u = NRR_u = S_u / n_u, c = 25/k):
      sum_i z_i^2 = c^2 sum_{u,v} (P_uv - R_v A_uv - R_u B_uv + R_u R_v C_uv) / (n_u n_v)
    over ordered pairs of answered unsur. Each term is T_uv / (n_u n_v)^2 with the
    integer numerator T_uv = n_u n_v P_uv - n_u S_v A_uv - n_v S_u B_uv + S_u S_v C_uv
    computed exactly; one rounding per term and an exactly rounded sum (fsum)
    keep it within a few ulps of the rational value at a fraction of the cost
    of Fraction arithmetic (a report reads hundreds of layanan).
    """
    answered = [c for c in CODES if counts[c] > 0]
    terms = []
    for i, u in enumerate(answered):
        n_u, s_u = counts[u], sums[u]
        for v in answered[i:]:
            n_v, s_v = counts[v], sums[v]
            c_uv, a_uv, b_uv, p_uv = cross[(u, v)]
            numerator = n_u * n_v * p_uv - n_u * s_v * a_uv - n_v * s_u * b_uv + s_u * s_v * c_uv
            terms.append((numerator if u == v else 2 * numerator) / (n_u * n_v) ** 2)
    return max(0.0, math.fsum(terms)) * (25 / len(answered)) ** 2 if answered else 0.0


def _check_cross(cross, total: dict[str, int], count: dict[str, int], n_resp: int) -> dict:
    if not isinstance(cross, Mapping):
        raise ValueError("cross must map (unsur, unsur) pairs to (count, sum_u, sum_v, sum_uv)")
    unknown = set(cross.keys()) - set(PAIRS)
    if unknown:
        raise ValueError(f"unknown unsur pair(s) {', '.join(sorted(map(repr, unknown)))}")
    checked = {}
    for u, v in PAIRS:
        value = cross.get((u, v), (0, 0, 0, 0))
        try:
            if type(value) is tuple and len(value) == 4 and type(value[0]) is int and type(value[1]) is int \
                    and type(value[2]) is int and type(value[3]) is int and value[0] >= 0:
                # The common case, straight from SQL: skip the slow checks. a, b, p >= c >= 0 is checked below.
                c_uv, a_uv, b_uv, p_uv = value
            else:
                c_uv, a_uv, b_uv, p_uv = (as_count(x, f"{u}x{v}") for x in value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{u}x{v}: expected (count, sum_u, sum_v, sum_uv) counts, got {value!r}") from exc
        if c_uv > min(count[u], count[v]) or not (c_uv <= a_uv <= 4 * c_uv and c_uv <= b_uv <= 4 * c_uv
                                                  and c_uv <= p_uv <= 16 * c_uv):
            raise ValueError(f"{u}x{v}: the sums ({c_uv}, {a_uv}, {b_uv}, {p_uv}) are impossible")
        if u == v and (c_uv != count[u] or a_uv != total[u] or b_uv != total[u]):
            raise ValueError(f"{u}x{u}: count and sum must equal the unsur's own ({count[u]}, {total[u]})")
        checked[(u, v)] = (c_uv, a_uv, b_uv, p_uv)
    if not n_resp and any(count.values()):
        raise ValueError("answers without respondents")
    return checked


def compute_ikm_from_sums(sums: Mapping[str, tuple], n_respondents, *, cross=None) -> IkmResult:
    """IKM from database aggregates; equal to compute_ikm on the same rows.

    ``sums`` maps unsur code to (SUM(u), COUNT(u)); a code left out had no answers.
    For the interval also pass ``cross``: for each pair (u, v) in ``PAIRS``
    (u <= v), the sums over respondents who answered both, (COUNT, SUM(u),
    SUM(v), SUM(u*v)); a pair left out had no such respondent. See docs/METHODS.md.
    """
    if not isinstance(sums, Mapping):
        raise ValueError("sums must map unsur code to (sum, count)")
    n_resp = as_count(n_respondents, "n_respondents")
    if not _CODESET.issuperset(sums.keys()):
        unknown = sorted(map(repr, set(sums.keys()) - _CODESET))
        raise ValueError(f"unknown unsur code(s) {', '.join(unknown)}")
    total = {c: 0 for c in CODES}
    count = {c: 0 for c in CODES}
    for code, pair in sums.items():
        try:
            s, k = pair
        except (TypeError, ValueError):
            raise ValueError(f"{code}: expected a (sum, count) pair, got {pair!r}") from None
        s = as_count(s, f"{code} sum")
        k = as_count(k, f"{code} count")
        if k > n_resp:
            raise ValueError(f"{code}: {k} answers from only {n_resp} respondents")
        if not k <= s <= 4 * k:
            raise ValueError(f"{code}: a sum of {s} is impossible for {k} answers on a 1-4 scale")
        total[code], count[code] = s, k

    linearisation = None
    if cross is not None:
        checked = _check_cross(cross, total, count, n_resp)
        unsur_ss = {c: (count[c] * checked[(c, c)][3] - total[c] ** 2) / count[c] for c in CODES if count[c]}
        linearisation = _Linearisation(n_resp, sum_z2_from_cross(total, count, checked), unsur_ss)
    return _build(total, count, n_resp, linearisation)
