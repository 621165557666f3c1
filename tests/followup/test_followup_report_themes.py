"""The Laporan Hasil SKM counts kritik themes from the triage catalogue; keywords only for what is not yet tagged."""
from __future__ import annotations

import io
import uuid
from datetime import datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import insert, select

from app.core.periods import parse_period
from app.extensions import db
from app.followup import report as followup_report
from app.followup import triage
from app.models import KritikTheme, SkmResponse
from app.reports import ikm as ikm_report
from tests.helpers import login

TEXTS = ("Antrean panjang sekali", "Antre dari pagi", "Ada pungli di loket", "Petugas judes",
         "Biaya tidak jelas", "Terima kasih")


@pytest.fixture()
def world(tree, make_layanan, make_user):
    lay = make_layanan("bansos", tree["psds"], name="Penyaluran Bansos")
    sib = make_layanan("rehab", tree["rehsos"], name="Rehabilitasi")
    analyst = make_user("analis@x.id", "analyst", tree["dayasos"])
    make_user("sibling@x.id", "analyst", tree["rehsos"])
    rows = [{"instance_id": uuid.uuid4(), "layanan_id": lay.id, "period": "2025-03",
             "submitted_at": datetime(2025, 3, 1 + i, 3), "form_version": "skm-2017-v1", "channel": "web",
             "kritik_saran": text, "flag_straightline": False, "flag_too_fast": False, "flag_repeat_device": False,
             **{f"u{k}": 3 for k in range(1, 10)}} for i, text in enumerate(TEXTS)]
    rows.append({**rows[0], "instance_id": uuid.uuid4(), "layanan_id": sib.id, "kritik_saran": "Antre di unit lain"})
    db.session.execute(insert(SkmResponse), rows)
    db.session.commit()
    ids = {r.kritik_saran: r.id for r in db.session.scalars(select(SkmResponse))}
    theme = {t.code: t.id for t in db.session.scalars(select(KritikTheme))}
    # tagged: the two queue complaints as U3, the pungli as U4 and U8; the rest is left untagged
    triage.triage(analyst, ids["Antrean panjang sekali"], "ditindaklanjuti", False, [theme["U3"]], [])
    triage.triage(analyst, ids["Antre dari pagi"], "baru", False, [theme["U3"]], [])
    triage.triage(analyst, ids["Ada pungli di loket"], "baru", False, [theme["U4"], theme["U8"]], [])
    db.session.commit()
    return {**tree, "lay": lay}


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_report_themes_are_the_tagged_counts_with_keywords_only_for_untagged(world):
    report = ikm_report.build_report(world["dayasos"], parse_period("2025"))
    themes = followup_report.report_themes(report)
    assert (themes.counts.total, themes.counts.untagged) == (6, 3)
    assert dict(themes.counts.by_theme) == {"Waktu pelayanan": 2, "Biaya/tarif": 1, "Penanganan pengaduan": 1}
    # the keyword fallback reads only the three untagged answers, never a tagged one again
    fallback = {t.label: t.count for t in themes.fallback}
    assert fallback == {"Perilaku petugas": 1, "Biaya/tarif": 1, "Lainnya": 1}
    assert themes.top_named() == ("Waktu pelayanan", 2)
    assert themes.by_unsur()["U3"] == 2 and themes.by_unsur()["U4"] == 1


def test_laporan_pdf_shows_tagged_counts_and_a_labelled_keyword_fallback(client, world):
    login(client, "analis@x.id")
    reply = client.get(f"/laporan/ikm.laporan-skm?period=2025&unit={world['dayasos'].id}")
    assert reply.status_code == 200
    text = _text(reply.data)
    section = text[text.index("4.2 Tema kritik dan saran"):text.index("BAB V")]
    assert "6 kritik dan saran" in section and "3 sudah dipilah" in section and "3 belum dipilah" in section
    assert "Waktu pelayanan 2" in section and "Biaya/tarif 1" in section and "Penanganan pengaduan 1" in section
    assert "Perkiraan tema untuk 3 masukan yang belum dipilah" in section and "kata kunci" in section
    assert "Perilaku petugas 1" in section
    assert "unit lain" not in section  # the sibling unit's answer is not counted
    assert "Tema kritik dan saran yang paling sering disebut: waktu pelayanan (2 masukan" in text


def test_laporan_pdf_without_any_tagging_says_the_grouping_is_by_keyword(client, world):
    db.session.execute(triage.kritik_triage_theme.delete())
    db.session.commit()
    login(client, "analis@x.id")
    text = _text(client.get(f"/laporan/ikm.laporan-skm?period=2025&unit={world['dayasos'].id}").data)
    section = text[text.index("4.2 Tema kritik dan saran"):text.index("BAB V")]
    assert "0 sudah dipilah" in section and "Perkiraan tema untuk 6 masukan yang belum dipilah" in section
    assert "Waktu pelayanan 2" in section
