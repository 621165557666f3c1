"""Time compute_ikm and compute_ikm_from_sums on synthetic SKM answers.

Run:  .venv/bin/python bench/bench_ikm.py [--n 1000000] [--seed 2023]
Prints timings only; nothing here is a test.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.ikm import CODES, compute_ikm, compute_ikm_columns  # noqa: E402
from analysis.ikm_sums import compute_ikm_from_sums  # noqa: E402


def synthetic(n: int, seed: int) -> dict[str, np.ndarray]:
    """Answers skewed towards 3-4 with about 2% unanswered, as real SKM data look."""
    rng = np.random.default_rng(seed)
    cols = {}
    for code in CODES:
        col = rng.choice([1, 2, 3, 4], size=n, p=[0.02, 0.08, 0.5, 0.4]).astype(np.int8)
        col[rng.random(n) < 0.02] = 0
        cols[code] = col
    return cols


def timed(label: str, func):
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    print(f"{label:<48} {elapsed:8.3f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000, help="number of responses")
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()

    cols = timed(f"generate {args.n:,} responses (numpy)", lambda: synthetic(args.n, args.seed))
    matrix = np.column_stack([cols[c] for c in CODES])
    responses = timed("build list of dicts (not analysis code)", lambda: [
        {c: (int(v) if v else None) for c, v in zip(CODES, row, strict=True)} for row in matrix.tolist()
    ])

    direct = timed("compute_ikm(list of dicts)", lambda: compute_ikm(responses))
    timed("compute_ikm_columns(numpy columns)", lambda: compute_ikm_columns(cols))

    def aggregates():
        answered = matrix > 0
        sums = {c: (int(matrix[:, j].sum(dtype=np.int64)), int(answered[:, j].sum())) for j, c in enumerate(CODES)}
        y = matrix.astype(np.int64)
        cross = {}
        for i, u in enumerate(CODES):
            for j in range(i, len(CODES)):
                both = answered[:, i] & answered[:, j]
                cross[(u, CODES[j])] = (int(both.sum()), int(y[both, i].sum()), int(y[both, j].sum()),
                                        int(np.dot(y[:, i], y[:, j])))
        return sums, cross

    sums, cross = timed("aggregate like the summary tables (numpy, not analysis)", aggregates)
    from_sums = timed("compute_ikm_from_sums(aggregates)", lambda: compute_ikm_from_sums(sums, args.n, cross=cross))
    ci_direct = timed("confidence_interval(population=2n)", lambda: direct.confidence_interval(population=2 * args.n))
    ci_sums = from_sums.confidence_interval(population=2 * args.n)

    print()
    print(f"score {direct.score:.6f}  display {direct.score_display}  grade {direct.grade} ({direct.performance})")
    print(f"from sums identical: {from_sums.score_exact == direct.score_exact}; "
          f"interval {ci_direct[0]:.4f}-{ci_direct[1]:.4f} vs {ci_sums[0]:.4f}-{ci_sums[1]:.4f}")


if __name__ == "__main__":
    main()
