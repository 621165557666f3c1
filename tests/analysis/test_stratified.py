"""Stratified estimates against R survey.

Reference: R survey, data(api); dstrat <- svydesign(id=~1, strata=~stype,
fpc=~fpc, data=apistrat); svymean(~api00, dstrat) prints
    mean 662.29, SE 9.4089
(R output reproduced in a knitted survey-package tutorial; the Julia port
Survey.jl documents the same design as mean 662.287, SE 9.40894).
The api00 values below are apistrat's, by stratum, in row order, transcribed
from the apistrat data as shipped with Survey.jl (assets/apistrat.csv, a CSV
export of R survey's apistrat). Population sizes: the fpc column (E 4421,
M 1018, H 755).
"""
import math

import pytest
from scipy import stats

from analysis.stratified import Stratum, stratified_mean, stratified_proportion


def _ints(text):
    return [int(v) for v in text.split()]


API00_E = _ints("""
840 516 531 501 720 805 778 731 592 669 497 638 534 705 761 771 751 474 832 559 765 744 865 782 745
892 619 616 703 509 806 759 740 642 565 726 863 765 893 398 539 776 580 503 724 476 529 870 746 836
756 423 588 606 632 651 553 676 861 588 597 884 819 542 509 493 893 709 596 609 671 720 669 650 836
542 578 814 777 719 617 856 723 609 676 668 421 667 631 845 631 696 714 788 667 568 847 679 477 521
""")
API00_M = _ints("""
496 505 409 609 867 685 647 745 694 676 870 500 679 552 559 650 565 443 774 668 581 878 753 528 678
535 667 534 648 551 485 765 743 403 695 551 467 669 773 780 693 635 660 733 657 606 522 601 819 627
""")
API00_H = _ints("""
467 522 455 509 681 666 582 641 510 527 681 724 525 712 680 784 743 593 518 770 721 713 816 641 667
610 618 717 610 868 678 418 712 784 472 764 646 585 556 600 599 706 409 635 477 710 453 546 646 624
""")


def _apistrat():
    return [Stratum(4421, API00_E), Stratum(1018, API00_M), Stratum(755, API00_H)]


def test_apistrat_svymean():
    assert (len(API00_E), len(API00_M), len(API00_H)) == (100, 50, 50)
    r = stratified_mean(_apistrat())
    # R survey print: 662.29, SE 9.4089
    assert r.estimate == pytest.approx(662.29, abs=0.005)
    assert r.se == pytest.approx(9.4089, abs=0.00005)
    # Survey.jl: 662.287, 9.40894
    assert r.estimate == pytest.approx(662.287, abs=0.0005)
    assert r.se == pytest.approx(9.40894, abs=0.000005)
    assert r.df == 200 - 3  # degf(dstrat)
    assert r.n == 200 and r.population == 6194
    t = stats.t.ppf(0.975, 197)
    assert r.low == pytest.approx(r.estimate - t * r.se, rel=1e-12)
    assert r.high == pytest.approx(r.estimate + t * r.se, rel=1e-12)


def test_order_of_strata_does_not_matter():
    a = stratified_mean(_apistrat())
    b = stratified_mean(list(reversed(_apistrat())))
    assert a.estimate == pytest.approx(b.estimate, rel=1e-14)
    assert a.se == pytest.approx(b.se, rel=1e-14)


def test_textbook_formula_by_hand():
    # Two strata, hand arithmetic from the stratified SRS formulas:
    # N = (100, 300), samples (2, 4, 6) and (10, 20); W = (0.25, 0.75)
    # ybar = 0.25 x 4 + 0.75 x 15 = 12.25
    # V = 0.0625 x (1 - 3/100) x 4/3 + 0.5625 x (1 - 2/300) x 50/2 = 0.080833... + 13.96875
    r = stratified_mean([Stratum(100, [2, 4, 6]), Stratum(300, [10, 20])])
    assert r.estimate == pytest.approx(12.25, rel=1e-15)
    var = 0.0625 * 0.97 * 4 / 3 + 0.5625 * (298 / 300) * 50 / 2
    assert r.se == pytest.approx(math.sqrt(var), rel=1e-14)
    assert r.df == 3


def test_proportion_equals_mean_of_indicator():
    # A stratified proportion is svymean of a 0/1 variable.
    counts = [(40, 50, 400), (15, 30, 90), (9, 10, 12)]
    by_counts = stratified_proportion([Stratum(N, successes=x, n=n) for x, n, N in counts])
    by_values = stratified_mean([Stratum(N, [1] * x + [0] * (n - x)) for x, n, N in counts])
    assert by_counts.estimate == pytest.approx(by_values.estimate, rel=1e-14)
    assert by_counts.se == pytest.approx(by_values.se, rel=1e-14)
    assert 0 <= by_counts.low <= by_counts.estimate <= by_counts.high <= 1


def test_census_of_every_stratum_is_the_pooled_percentage():
    # Seed 002 Table 3.24, Pendamping Perlindungan & Jaminan Sosial (PKH, Tagana,
    # Pelopor Perdamaian) are full counts: the stratified proportion is then the
    # pooled share 74,363 / 76,267 = 97.50% (hand arithmetic), with SE 0.
    strata = [Stratum(35267, successes=35043, n=35267), Stratum(40000, successes=38400, n=40000),
              Stratum(1000, successes=920, n=1000)]
    r = stratified_proportion(strata)
    assert r.estimate == pytest.approx(74363 / 76267, rel=1e-14)
    assert round(r.estimate * 100, 2) == 97.50
    assert r.se == 0.0 and r.low == r.high == r.estimate


def test_proportion_bounds_clipped():
    r = stratified_proportion([Stratum(100, successes=10, n=10), Stratum(100, successes=9, n=10)])
    assert r.high <= 1.0 and r.low >= 0.0


@pytest.mark.parametrize(
    "make",
    [
        lambda: Stratum(10, values=[1, 2], successes=1, n=2),
        lambda: Stratum(10),
        lambda: Stratum(10, successes=3),
        lambda: Stratum(10, successes=3, n=2),
        lambda: Stratum(1, values=[1, 2]),  # n > population
        lambda: Stratum(0, values=[1]),
        lambda: Stratum(10, values=[]),
        lambda: Stratum(10, values=[1, float("nan")]),
        lambda: Stratum(10, successes=-1, n=2),
    ],
)
def test_stratum_rejects_bad_input(make):
    with pytest.raises(ValueError):
        make()


def test_estimates_reject_bad_designs():
    with pytest.raises(ValueError):
        stratified_mean([])
    with pytest.raises(ValueError):  # a single unit out of many: no variance estimate
        stratified_mean([Stratum(10, [1.0]), Stratum(10, [1.0, 2.0])])
    with pytest.raises(ValueError):
        stratified_proportion([Stratum(10, [0.5, 1.0])])
    with pytest.raises(ValueError):
        stratified_mean(_apistrat(), level=1.5)
    with pytest.raises(ValueError):
        stratified_mean([(10, [1, 2])])
    # a census stratum of one unit is fine: it has no sampling variance
    r = stratified_mean([Stratum(1, [5.0]), Stratum(10, [1.0, 3.0])])
    assert r.estimate == pytest.approx((5 + 10 * 2) / 11)
