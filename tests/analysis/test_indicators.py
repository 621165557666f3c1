"""Indicator arithmetic against the seeds' own numbers (shared/seeds, via
shared/DOMAIN.md), checked by hand arithmetic where the seeds print results."""
from decimal import Decimal

import pytest

from analysis.indicators import Finding, aggregate, capaian, check_reported
from analysis.rounding import round_half_up


def shown(x):
    return str(round_half_up(x, 2))


def test_capaian_positive_pendamping():
    # Seed 001 lines 2806-2877: 330 / 370 = 89.19%, target 91, capaian 98.01.
    realisasi = 330 / 370 * 100
    assert shown(realisasi) == "89.19"
    assert shown(capaian(realisasi, 91)) == "98.01"
    assert shown(capaian(89.19, 91)) == "98.01"  # also from the rounded realisasi


def test_capaian_ikm_table_3_28():
    # Seed 002 Table 3.28: target 90, realisasi 90.33, capaian 100.37.
    assert shown(capaian(90.33, 90)) == "100.37"


def test_capaian_negative_polarity_permenpanrb():
    # PermenPAN-RB 8/2021 (Sistem Manajemen Kinerja PNS), Lampiran Bab VI, "kondisi
    # khusus": capaian = (1 + (1 - realisasi/target)) x 100%. Its examples:
    # target 7 months, realisasi 6.5 -> 107%; target 8, realisasi 9 -> 87.5%.
    assert round(capaian(6.5, 7, polarity="negative")) == 107
    assert capaian(9, 8, polarity="negative") == pytest.approx(87.5)
    assert capaian(8, 8, polarity="negative") == pytest.approx(100.0)


def test_capaian_rejects():
    with pytest.raises(ValueError):
        capaian(90, 0)
    with pytest.raises(ValueError):
        capaian(90, 91, polarity="lower")
    with pytest.raises(ValueError):
        capaian(None, 91)


def test_iku_1_3_unweighted_mean():
    # Seed 002 lines 1813-1829: IKU 1.3 = mean(78.15, 94.02, 82.52, 100) = 88.67.
    assert shown(aggregate([78.15, 94.02, 82.52, 100])) == "88.67"


def test_weighted_composites():
    # Seed 002 line 2889: SPM = 0.8 x 85.93 + 0.2 x 77.25 = 84.19.
    assert shown(aggregate([85.93, 77.25], "weighted", weights=[0.8, 0.2])) == "84.19"
    # Seed 001 lines 3664-3708: nilai kinerja anggaran = 0.6 x 93.46 + 0.4 x 91.50 = 92.68.
    assert shown(aggregate([93.46, 91.50], "weighted", weights=[60, 40])) == "92.68"


# Seed 002 Table 3.24 (lines 2636-2646): pendamping (jumlah, optimal).
PKH, TAGANA, PELOPOR = (35267, 35043), (40000, 38400), (1000, 920)
REHSOS, DAYASOS = (2127, 2081), (6998, 6600)


def pct(pair):
    return pair[1] / pair[0] * 100


def test_table_3_24_perlindungan_jaminan_sosial():
    # The table's 95.79 is the unweighted mean over the three PJS types
    # (99.37, 96.00, 92.00); pooling them gives 74,363 / 76,267 = 97.50%.
    # Hand arithmetic: 35043/35267 = 99.3648%, mean = 287.3648 / 3 = 95.788.
    pjs = [PKH, TAGANA, PELOPOR]
    assert [shown(pct(p)) for p in pjs] == ["99.36", "96.00", "92.00"]  # the seed prints 99,37 (a slip)
    assert shown(aggregate([pct(p) for p in pjs])) == "95.79"
    assert shown(aggregate([(b, a) for a, b in pjs], "pooled")) == "97.50"


def test_table_3_24_ministry_capaian():
    # Seed: Capaian 95.98 = mean(97.84 Rehsos, 95.79 PJS, 94.31 Dayasos).
    pjs = aggregate([pct(p) for p in (PKH, TAGANA, PELOPOR)])
    assert shown(pct(REHSOS)) == "97.84" and shown(pct(DAYASOS)) == "94.31"
    assert shown(aggregate([pct(REHSOS), pjs, pct(DAYASOS)])) == "95.98"
    # For contrast, by hand: the flat mean over the five types is 95.90 and
    # pooling all 85,392 pendamping gives 83,044 / 85,392 = 97.25%.
    five = [PKH, TAGANA, PELOPOR, REHSOS, DAYASOS]
    assert shown(aggregate([pct(p) for p in five])) == "95.90"
    assert shown(aggregate([(b, a) for a, b in five], "pooled")) == "97.25"


def test_lembaga_pooled():
    # Seed 001 lines 2960-2996: (25 + 75) / (52 + 120) = 58.14%.
    assert shown(aggregate([(25, 52), (75, 120)], "pooled")) == "58.14"


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (([],), {}),
        (([1, 2],), {"method": "median"}),
        (([1, 2],), {"method": "weighted"}),
        (([1, 2],), {"method": "weighted", "weights": [1]}),
        (([1, 2],), {"method": "weighted", "weights": [0, 0]}),
        (([1, 2],), {"method": "weighted", "weights": [-1, 2]}),
        (([1, 2],), {"weights": [1, 1]}),
        (([1, 2],), {"method": "pooled"}),
        (([(0, 0)],), {"method": "pooled"}),
        (([(-1, 5)],), {"method": "pooled"}),
        ((["a"],), {}),
    ],
)
def test_aggregate_rejects(args, kwargs):
    with pytest.raises(ValueError):
        aggregate(*args, **kwargs)


def test_check_reported_atensi_sample_share():
    # Seed 002 lines 1874-1894 / DOMAIN.md: 5,209 of 6,665 sampled from 12,001; the
    # report calls the sample "78,15% of the population", but 6,665 / 12,001 = 55.54%.
    findings = check_reported(n=5209, t=6665, population=12001, realisasi="78,15", sample_share="78,15%")
    assert len(findings) == 1
    f = findings[0]
    assert isinstance(f, Finding)
    assert f.code == "sample_share_mismatch"
    assert f.reported == 78.15
    assert shown(f.recomputed) == "55.54"
    assert "55,54" in f.message and "12.001" in f.message and "6.665" in f.message


def test_check_reported_consistent_figures_give_no_findings():
    # Seed 001: 330 / 370 = 89.19%, target 91, capaian 98.01 - all consistent.
    assert check_reported(n=330, t=370, realisasi=89.19, target=91, capaian=98.01) == []
    # Seed 002: PENA 4,309 / 4,583 = 94.02%; diklat 1,275 / 1,545 = 82.52%.
    assert check_reported(n=4309, t=4583, population=4765, realisasi=Decimal("94.02")) == []
    assert check_reported(n=1275, t=1545, population=4257, realisasi="82,52") == []
    # KAT 967 / 967 = 100%
    assert check_reported(n=967, t=967, population=1620, realisasi=100) == []


def test_check_reported_flags_wrong_realisasi_and_capaian():
    findings = check_reported(n=330, t=370, realisasi=89.91, target=91, capaian=99.0)
    codes = {f.code for f in findings}
    assert codes == {"realisasi_mismatch", "capaian_mismatch"}
    real = next(f for f in findings if f.code == "realisasi_mismatch")
    assert shown(real.recomputed) == "89.19"
    assert "89,19" in real.message
    cap = next(f for f in findings if f.code == "capaian_mismatch")
    assert shown(cap.recomputed) == "98.80"  # capaian checked against the reported realisasi 89.91


def test_check_reported_respects_reported_precision():
    # 330/370 = 89.189...: "89,2" (one decimal) is right, "89,20" (two) is not.
    assert check_reported(n=330, t=370, realisasi="89,2") == []
    assert [f.code for f in check_reported(n=330, t=370, realisasi="89,20")] == ["realisasi_mismatch"]
    assert check_reported(n=330, t=370, realisasi=89, decimals=0) == []


def test_check_reported_impossible_counts():
    codes = [f.code for f in check_reported(n=12, t=10, population=8)]
    assert "n_exceeds_t" in codes and "t_exceeds_population" in codes


def test_check_reported_negative_polarity():
    assert check_reported(realisasi=6.5, target=7, capaian="107,14", polarity="negative") == []
    assert [f.code for f in check_reported(realisasi=6.5, target=7, capaian=92.86, polarity="negative")] == [
        "capaian_mismatch"
    ]


def test_check_reported_rejects_unreadable():
    with pytest.raises(ValueError):
        check_reported(n=1, t=2, realisasi="lima puluh")
    with pytest.raises(ValueError):
        check_reported(n=-1, t=2)


def test_capaian_refuses_a_target_that_is_not_positive():
    # Issue 12 finding 6: target -6, realisasi 3 gave -50% silently.
    with pytest.raises(ValueError, match="lebih besar dari nol"):
        capaian(3, -6)
    with pytest.raises(ValueError, match="lebih besar dari nol"):
        capaian(3, -6, polarity="negative")
    findings = check_reported(realisasi="3", target=-6, capaian="-50")
    assert [f.code for f in findings] == ["target_not_positive"]


def test_check_reported_flags_a_pooled_numerator_above_its_denominator():
    # 250 of 100 pooled is 250%: impossible, and flagged.
    findings = check_reported(pooled=[(200, 60), (50, 40)])
    codes = [f.code for f in findings]
    assert codes == ["pooled_part_exceeds_denominator", "pooled_part_exceeds_denominator",
                     "pooled_exceeds_denominator"]
    assert findings[-1].message == ("Nilai gabungan tidak mungkin: total pembilang 250 melebihi total penyebut "
                                    "100 (250,00%).")
    assert check_reported(pooled=[(25, 52), (75, 120)]) == []  # lembaga 58.14%: consistent
    with pytest.raises(ValueError):
        check_reported(pooled=[(1, 2, 3)])
