"""BPS region loader: validate the whole file first, then upsert by code."""
from __future__ import annotations

import csv
from typing import IO

from sqlalchemy import select

from app.extensions import db
from app.models import Region
from app.models.org import REGION_LEVELS

COLUMNS = ("code", "name", "level", "parent_code")


class RegionImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def load_rows(rows: list[dict[str, str]]) -> tuple[int, int]:
    """Upsert rows (dicts with COLUMNS). Parents may come earlier in the file or already exist."""
    errors: list[str] = []
    existing = {r.code: r for r in db.session.scalars(select(Region))}
    seen: dict[str, dict[str, str]] = {}
    in_file = {(row.get("code") or "").strip() for row in rows}
    for line, row in enumerate(rows, start=2):
        code = (row.get("code") or "").strip()
        name = (row.get("name") or "").strip()
        level = (row.get("level") or "").strip().lower()
        parent = (row.get("parent_code") or "").strip()
        if not code or len(code) > 20:
            errors.append(f"Baris {line}, kolom code: wajib diisi, maksimal 20 karakter.")
        if not name or len(name) > 200:
            errors.append(f"Baris {line}, kolom name: wajib diisi, maksimal 200 karakter.")
        if level not in REGION_LEVELS:
            errors.append(f"Baris {line}, kolom level: harus salah satu dari {', '.join(REGION_LEVELS)}.")
        if level != "provinsi" and parent not in in_file and parent not in existing:
            errors.append(f"Baris {line}, kolom parent_code: induk '{parent}' tidak dikenal.")
        if code in seen:
            errors.append(f"Baris {line}, kolom code: kode '{code}' muncul dua kali.")
        seen[code] = {"code": code, "name": name, "level": level, "parent": parent}
    if errors:
        raise RegionImportError(errors)

    created = updated = 0
    # Parents first, whatever the file order.
    for item in sorted(seen.values(), key=lambda i: REGION_LEVELS.index(i["level"])):
        region = existing.get(item["code"])
        if region is None:
            region = Region(code=item["code"])
            db.session.add(region)
            existing[item["code"]] = region
            created += 1
        else:
            updated += 1
        region.name = item["name"]
        region.level = item["level"]
        region.parent = existing.get(item["parent"]) if item["parent"] else None
    db.session.flush()
    return created, updated


def load_csv(handle: IO[str]) -> tuple[int, int]:
    reader = csv.DictReader(handle)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise RegionImportError([f"Kolom wajib tidak ada: {', '.join(missing)}."])
    return load_rows(list(reader))


def existing_codes() -> set[str]:
    return set(db.session.scalars(select(Region.code)))
