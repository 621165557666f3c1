"""Human labels for the codes stored in the database, one place for every page.

Why: pages printed raw codes ("pendapatan_rt", "berjalan", "eselon1",
"Asia/Jakarta", "analyst"). The models keep the code->label dictionaries;
this module names them by kind, so a template writes
`{{ record.measure|label('measure') }}` and a form builds its choices from the
same words. An unknown code is shown as it is, never hidden.
"""
from __future__ import annotations

from flask import Flask

from app.models.kpm import BUSINESS_STATUS, INCOME_MEASURES, SAMPLE_SOURCES
from app.models.org import TIMEZONES
from app.models.pendamping import CHECK_METHODS, PENDAMPING_STATUS, RECORD_STATUS
from app.models.user import ROLES

UNIT_LEVEL_LABELS = {
    "kementerian": "Kementerian",
    "eselon1": "Eselon I",
    "direktorat": "Direktorat",
    "sentra": "Sentra/Balai",
    "satker": "Satuan kerja",
}
# The short zone names people use ("WIB"), for lists; forms keep the longer "WIB (UTC+7)".
TIMEZONE_SHORT = {tz: label.split(" ", 1)[0] for tz, label in TIMEZONES.items()}

KINDS: dict[str, dict[str, str]] = {
    "measure": INCOME_MEASURES,
    "business_status": BUSINESS_STATUS,
    "sample_source": SAMPLE_SOURCES,
    "record_status": RECORD_STATUS,
    "pendamping_status": PENDAMPING_STATUS,
    "check_method": CHECK_METHODS,
    "unit_level": UNIT_LEVEL_LABELS,
    "timezone": TIMEZONE_SHORT,
    "role": ROLES,
}


def label(code, kind: str) -> str:
    """The label of `code` among the `kind` codes; the code itself when it has none."""
    if code is None:
        return "—"
    return KINDS[kind].get(code, str(code))


def init_app(app: Flask) -> None:
    app.add_template_filter(label, "label")
