"""Demo SKM responses for `make run`, so /hasil/KEMENSOS shows numbers at once.

Fixed instance_ids (uuid5) and the idempotent insert make re-seeding add nothing.
"""
from __future__ import annotations

import random
import uuid
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Layanan, RespondentCategory, utcnow
from app.models.skm import PEKERJAAN, PENDIDIKAN, UNSUR_COLUMNS
from app.skm import rules, submit

DEMO_NAMESPACE = uuid.UUID("0b7d7c2e-3f51-4d0c-8f7e-5a3c1e9d2b40")
# (slug, responses, typical answer) — a spread of grades on the public page.
PLAN = (("izin-ugb", 36, 3.6), ("izin-pub", 18, 3.1), ("pena", 24, 3.4), ("layanan-bmn", 12, 2.6))
KRITIK_SHARE = 0.15  # about one respondent in seven writes a kritik/saran, as on a real form
# What respondents typically write: waiting time, staff, information, requirements, cost, facilities, thanks.
KRITIK_TEXTS = (
    "Antrean di loket terlalu lama, saya menunggu hampir dua jam padahal datang pagi.",
    "Mohon ditambah petugas pada jam sibuk supaya antre tidak panjang.",
    "Jam buka layanan sering molor, sebaiknya tepat waktu sesuai jadwal yang diumumkan.",
    "Petugasnya ramah dan sabar menjelaskan, terima kasih.",
    "Ada petugas yang kurang sopan saat menjawab pertanyaan, mohon dibina.",
    "Informasi persyaratan di website berbeda dengan yang diminta di loket.",
    "Sebaiknya ada pengumuman yang jelas tentang alur pengurusan, saya sempat bingung harus ke mana.",
    "Persyaratan dokumen terlalu banyak dan harus difotokopi berkali-kali.",
    "Prosedurnya masih berbelit, mohon disederhanakan dan dibuat daring saja.",
    "Ruang tunggu panas dan kursinya kurang, apalagi kalau ramai.",
    "Toilet kurang bersih dan tempat parkir sempit.",
    "Mohon disediakan tempat duduk dan air minum untuk lansia yang menunggu.",
    "Pelayanan sudah cepat dan tidak dipungut biaya, pertahankan.",
    "Masih ada yang menawarkan jasa pengurusan dengan bayaran di luar kantor, tolong ditertibkan.",
    "Status permohonan sulit dipantau, sebaiknya ada notifikasi lewat aplikasi atau SMS.",
    "Nomor telepon pengaduan tidak pernah diangkat.",
    "Hasil layanan tidak sesuai dengan yang saya ajukan, ada salah ketik nama sehingga harus kembali lagi.",
    "Petugas belum menguasai aturan yang baru, jawabannya berbeda-beda.",
    "Secara umum sudah baik, semoga terus ditingkatkan.",
    "Formulir sebaiknya bisa diunduh dan diisi di rumah agar tidak lama di kantor.",
    "Papan petunjuk arah di gedung kurang jelas untuk pengunjung baru.",
    "Terima kasih, pengurusan selesai dalam satu hari.",
)


def _answer(rng: random.Random, typical: float) -> int:
    return max(1, min(4, round(rng.gauss(typical, 0.6))))


def _demo_kritik() -> dict[str, dict[int, str]]:
    """Which demo responses carry a kritik/saran, and its text: slug -> {response index: text}.

    Random streams of their own, so the answers' stream (and every score built on it) stays as it was;
    the texts are dealt from one shuffled pool, so no two demo respondents write the same sentence.
    """
    pool = list(KRITIK_TEXTS)
    random.Random("kritik").shuffle(pool)
    deal = iter(pool)
    plan = {}
    for slug, count, _typical in PLAN:
        chosen = random.Random(f"{slug}-kritik").sample(range(count), max(1, round(count * KRITIK_SHARE)))
        plan[slug] = {i: next(deal) for i in sorted(chosen)}
    return plan


def seed_responses() -> int:
    """Store the demo responses through the survey's own write path (app.skm.submit.record)."""
    layanan = {row.slug: row for row in db.session.scalars(select(Layanan))}
    categories = list(db.session.scalars(select(RespondentCategory.id).order_by(RespondentCategory.sort_order)))
    now = utcnow()
    created = 0
    kritik_plan = _demo_kritik()
    for slug, count, typical in PLAN:
        item = layanan.get(slug)
        if item is None:
            continue
        rng = random.Random(slug)  # same answers every run
        kritik = kritik_plan[slug]
        for i in range(count):
            answers = {col: _answer(rng, typical) for col in UNSUR_COLUMNS}
            duration = rng.randint(45, 400) if i % 11 else 12  # a few "too fast" ones to show the flag
            response = rules.SkmAnswers(
                instance_id=str(uuid.uuid5(DEMO_NAMESPACE, f"{slug}-{i}")),
                answers=answers,
                jenis_kelamin=rng.choice("LP"),
                usia=rng.randint(19, 66),
                pendidikan=rng.choice(PENDIDIKAN),
                pekerjaan=rng.choice(PEKERJAAN),
                respondent_category_id=rng.choice(categories) if categories else None,
                kritik_saran=kritik.get(i),
            )
            result = submit.record(item, response, channel="web", category_ids=categories,
                                   submitted_at=now - timedelta(minutes=9 * i + 1), duration=duration)
            created += result.created
    db.session.flush()
    return created
