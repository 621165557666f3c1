"""What makes an SKM response acceptable, once for every way one arrives.

The public form (and its offline queue), the CSV import and the demo seeder all
build an `SkmAnswers` of plain values and store it through app.skm.submit.record,
which checks it here. The form also calls `problems` while validating, so a
respondent sees these messages beside the fields they concern; the import shows
them by row and column. Reading a value (is "tiga" a number? is this a date?)
stays with each caller; whether a value is allowed is decided here alone.

Pure: no database, no request. The caller says which respondent categories it
accepts (the form: the active ones; an import of old paper forms: any, since a
retired category was valid when the form was filled).
"""
from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from app.models import utcnow
from app.models.skm import CHANNELS, JENIS_KELAMIN, KRITIK_SARAN_MAX, PEKERJAAN, PENDIDIKAN, UNSUR_COLUMNS

ANSWERS = (1, 2, 3, 4)
USIA_MIN, USIA_MAX = 10, 120
EARLIEST = date(2000, 1, 1)  # nothing about SKM under PermenPAN-RB 14/2017 predates this
# A day of slack on dates "not after today": the unit's zone may be up to 9 hours east of UTC.
SLACK = timedelta(days=1)
# Channels whose answers come from paper questionnaires: an unsur left blank is kept blank.
PARTIAL_CHANNELS = ("import",)

ANSWER_REQUIRED = "Pilih salah satu jawaban."
UNKNOWN_CHOICE = "Pilihan tidak dikenal."
NO_ANSWER = "tidak ada jawaban unsur (u1..u9) sama sekali."
BAD_INSTANCE_ID = "Kode pengiriman (instance_id) tidak valid; muat ulang formulir."
FOREIGN_INSTANCE_ID = "Kode ini sudah dipakai jawaban layanan lain (di luar wewenang kiriman ini); tidak diubah."
ALL = "__all__"  # an error about the response as a whole, not one field


@dataclass(frozen=True)
class SkmAnswers:
    """One respondent's questionnaire as plain values, however it arrived.

    `answers` maps u1..u9 to 1..4 or None (not answered). A profile value is None when not given.
    """
    instance_id: str
    answers: Mapping[str, int | None] = field(default_factory=dict)
    jenis_kelamin: str | None = None
    usia: int | None = None
    pendidikan: str | None = None
    pekerjaan: str | None = None
    respondent_category_id: int | None = None
    service_date: date | None = None
    kritik_saran: str | None = None

    def profile(self) -> dict:
        return {"jenis_kelamin": self.jenis_kelamin, "usia": self.usia, "pendidikan": self.pendidikan,
                "pekerjaan": self.pekerjaan, "respondent_category_id": self.respondent_category_id,
                "service_date": self.service_date, "kritik_saran": self.kritik_saran or None}


class InvalidResponse(ValueError):
    """The response breaks a rule; `errors` maps a field name (or ALL) to Indonesian messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def parsed_instance_id(text: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(text or ""))
    except ValueError:
        return None


def problems(response: SkmAnswers, *, channel: str, category_ids: Collection[int],
             submitted_at: datetime) -> dict[str, list[str]]:
    """Every rule the response breaks, by field; empty when it may be stored.

    `submitted_at` is when the respondent filled it in (naive UTC): now for the web, the
    row's `tanggal` for an import. A service cannot be received after the survey about it.
    """
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")  # a programming error, not a respondent's
    if parsed_instance_id(response.instance_id) is None:
        add("instance_id", BAD_INSTANCE_ID)
    _check_answers(response.answers, channel in PARTIAL_CHANNELS, add)
    if response.jenis_kelamin is not None and response.jenis_kelamin not in JENIS_KELAMIN:
        add("jenis_kelamin", UNKNOWN_CHOICE)
    if response.usia is not None and not USIA_MIN <= response.usia <= USIA_MAX:
        add("usia", f"Usia harus antara {USIA_MIN} dan {USIA_MAX} tahun.")
    if response.pendidikan is not None and response.pendidikan not in PENDIDIKAN:
        add("pendidikan", "Pilihan pendidikan tidak dikenal.")
    if response.pekerjaan is not None and response.pekerjaan not in PEKERJAAN:
        add("pekerjaan", "Pilihan pekerjaan tidak dikenal.")
    if response.respondent_category_id is not None and response.respondent_category_id not in category_ids:
        add("respondent_category", "Unsur responden tidak dikenal.")
    if response.kritik_saran is not None and len(response.kritik_saran) > KRITIK_SARAN_MAX:
        add("kritik_saran", f"Maksimal {KRITIK_SARAN_MAX} karakter.")
    if not datetime.combine(EARLIEST, datetime.min.time()) <= submitted_at <= utcnow():
        add("submitted_at", "tanggal harus antara 2000-01-01 dan hari ini.")
    _check_service_date(response.service_date, submitted_at, add)
    return errors


def _check_answers(answers: Mapping[str, int | None], partial: bool, add) -> None:
    for name in UNSUR_COLUMNS:
        value = answers.get(name)
        if value is None:
            if not partial:
                add(name, ANSWER_REQUIRED)
        elif isinstance(value, bool) or value not in ANSWERS:
            add(name, UNKNOWN_CHOICE)
    if partial and all(answers.get(name) is None for name in UNSUR_COLUMNS):
        add(ALL, NO_ANSWER)


def _check_service_date(service_date: date | None, submitted_at: datetime, add) -> None:
    if service_date is None:
        return
    if service_date < EARLIEST:
        add("service_date", "Tanggal layanan terlalu jauh di masa lalu (paling awal 1 Januari 2000); "
                            "periksa tahunnya.")
    elif service_date > date.today() + SLACK:
        add("service_date", "Tanggal layanan tidak boleh di masa depan.")
    elif service_date > (submitted_at + SLACK).date():
        add("service_date", "Tanggal layanan tidak boleh sesudah tanggal pengisian survei.")
