"""The admin feature's demo data for `make run`: a small unit tree, real layanan names from
seed 001, a few regions and one account per role. Every step is get-or-create, so running it
again changes nothing. Registered first in `app.core.demo` (admin's init_app runs before the
other features'), since every other feature's demo rows hang on these units and layanan."""
from __future__ import annotations

from sqlalchemy import select

from app.admin import users
from app.core import regions
from app.extensions import db
from app.models import Layanan, Region, Unit, User

DEMO_PASSWORD = "pantau-demo-2026"  # noqa: S105 - printed for the local demo on purpose
DEMO_USERS = (
    ("admin@pantau.local", "admin", "KEMENSOS", "Admin Demo"),
    ("analis@pantau.local", "analyst", "DAYASOS", "Analis Demo"),
    ("monitor@pantau.local", "monitor", "DAYASOS", "Monitor Demo"),
)
DEMO_SURVEY_SLUG = "izin-ugb"

# (code, name, level, parent code)
UNITS = (
    ("KEMENSOS", "Kementerian Sosial", "kementerian", None),
    ("SETJEN", "Sekretariat Jenderal", "eselon1", "KEMENSOS"),
    ("REHSOS", "Ditjen Rehabilitasi Sosial", "eselon1", "KEMENSOS"),
    ("PJS", "Ditjen Perlindungan dan Jaminan Sosial", "eselon1", "KEMENSOS"),
    ("DAYASOS", "Ditjen Pemberdayaan Sosial", "eselon1", "KEMENSOS"),
    ("ITJEN", "Inspektorat Jenderal", "eselon1", "KEMENSOS"),
    ("PKAT-KS", "Direktorat Pemberdayaan Komunitas Adat Terpencil dan Kewirausahaan Sosial", "direktorat", "DAYASOS"),
    ("PSDS", "Direktorat Potensi dan Sumber Daya Sosial", "direktorat", "DAYASOS"),
)

# (slug, name, unit code, region code or None) — names from seed 001 lines 3868-3892. The region is
# where the demo service point sits; the permits and BMN are served centrally, so they have none.
LAYANAN = (
    ("izin-ugb", "Izin Penyelenggaraan Undian Gratis Berhadiah (UGB)", "PSDS", None),
    ("izin-pub", "Izin Penyelenggaraan Pengumpulan Uang atau Barang (PUB)", "PSDS", None),
    ("pilar-sosial", "Layanan Pilar-pilar Sosial", "PSDS", "53.71"),
    ("kat", "Layanan Komunitas Adat Terpencil", "PKAT-KS", "94"),
    ("pena", "Layanan Kewirausahaan Sosial (Pahlawan Ekonomi Nusantara)", "PKAT-KS", "32.73"),
    ("layanan-bmn", "Layanan BMN", "SETJEN", None),
)

REGIONS = (
    {"code": "32", "name": "Jawa Barat", "level": "provinsi", "parent_code": ""},
    {"code": "32.73", "name": "Kota Bandung", "level": "kabkota", "parent_code": "32"},
    {"code": "32.04", "name": "Kabupaten Bandung", "level": "kabkota", "parent_code": "32"},
    {"code": "53", "name": "Nusa Tenggara Timur", "level": "provinsi", "parent_code": ""},
    {"code": "53.71", "name": "Kota Kupang", "level": "kabkota", "parent_code": "53"},
    {"code": "94", "name": "Papua", "level": "provinsi", "parent_code": ""},
    {"code": "94.71", "name": "Kota Jayapura", "level": "kabkota", "parent_code": "94"},
)

def _units() -> int:
    created = 0
    by_code = {u.code: u for u in db.session.scalars(select(Unit))}
    for code, name, level, parent in UNITS:
        if code in by_code:
            continue
        unit = Unit(code=code, name=name, level=level, parent=by_code.get(parent), timezone="Asia/Jakarta")
        db.session.add(unit)
        by_code[code] = unit
        created += 1
    db.session.flush()
    return created


def _layanan() -> int:
    """Create missing demo layanan; give a demo region only to new ones or ones still without a region."""
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    region_ids = {r.code: r.id for r in db.session.scalars(select(Region))}
    existing = {s.slug: s for s in db.session.scalars(select(Layanan))}
    created = 0
    for slug, name, unit_code, region_code in LAYANAN:
        layanan = existing.get(slug)
        if layanan is None:
            layanan = Layanan(slug=slug, name=name, unit=units[unit_code], active=True, published=True)
            db.session.add(layanan)
            created += 1
        if region_code and layanan.region_id is None:
            layanan.region_id = region_ids[region_code]
    db.session.flush()
    return created


def _users() -> int:
    """The demo accounts, through the same write path (and password policy) as every account."""
    unit_ids = {u.code: u.id for u in db.session.scalars(select(Unit))}
    existing = set(db.session.scalars(select(User.email)))
    created = 0
    for email, role, unit_code, name in DEMO_USERS:
        if email not in existing:
            users.save(None, users.UserValues(email=email, role=role, unit_id=unit_ids[unit_code], name=name,
                                              password=DEMO_PASSWORD), actor=None)
            created += 1
    return created


def _regions() -> int:
    before = len(regions.existing_codes())
    regions.load_rows([dict(r) for r in REGIONS if r["code"] not in regions.existing_codes()])
    return len(regions.existing_codes()) - before


def seed() -> int:
    """Units, regions, layanan and the demo accounts, in that order (each needs the one before)."""
    return _units() + _regions() + _layanan() + _users()
