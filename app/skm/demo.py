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


def _answer(rng: random.Random, typical: float) -> int:
    return max(1, min(4, round(rng.gauss(typical, 0.6))))


def seed_responses() -> int:
    """Store the demo responses through the survey's own write path (app.skm.submit.record)."""
    layanan = {row.slug: row for row in db.session.scalars(select(Layanan))}
    categories = list(db.session.scalars(select(RespondentCategory.id).order_by(RespondentCategory.sort_order)))
    now = utcnow()
    created = 0
    for slug, count, typical in PLAN:
        item = layanan.get(slug)
        if item is None:
            continue
        rng = random.Random(slug)  # same answers every run
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
            )
            result = submit.record(item, response, channel="web", category_ids=categories,
                                   submitted_at=now - timedelta(minutes=9 * i + 1), duration=duration)
            created += result.created
    db.session.flush()
    return created
