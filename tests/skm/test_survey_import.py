"""flask --app wsgi import-skm FILE.csv --layanan SLUG: validate first, all or nothing, re-import adds nothing."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import SkmResponse

HEADER = "tanggal,u1,u2,u3,u4,u5,u6,u7,u8,u9,jenis_kelamin,usia,pendidikan,pekerjaan,unsur_responden,kritik_saran"
GOOD = [
    "2025-02-03,3,3,3,4,3,3,4,2,3,P,35,SMA,Swasta,Masyarakat,Loket ramah",
    "2025-02-03,3,3,3,4,3,3,4,2,3,P,35,SMA,Swasta,Masyarakat,Loket ramah",  # a second identical questionnaire
    "2025-03-31 23:30,4,4,4,4,4,4,4,4,4,L,,,,pemda,",
    "2025-01-10,2,,3,3,3,2,3,1,2,,,,,,",  # paper form with a blank unsur
]


@pytest.fixture()
def layanan(tree, make_layanan):
    return make_layanan("izin-ugb", tree["psds"], name="Izin UGB", active=True)


def _write(tmp_path, lines, name="skm.csv", sep=","):
    path = tmp_path / name
    path.write_text("\n".join(line.replace(",", sep) for line in lines) + "\n", encoding="utf-8")
    return str(path)


def _count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(SkmResponse))


def test_good_file_is_imported(app, tmp_path, layanan):
    path = _write(tmp_path, [HEADER, *GOOD])
    result = app.test_cli_runner().invoke(args=["import-skm", path, "--layanan", "izin-ugb"])
    assert result.exit_code == 0, result.output
    assert "4 baris valid, 4 baru, 0 sudah ada" in result.output
    rows = db.session.scalars(select(SkmResponse).order_by(SkmResponse.submitted_at)).all()
    assert len(rows) == 4 and {r.channel for r in rows} == {"import"}
    assert rows[0].u2 is None and rows[0].u1 == 2 and rows[0].period == "2025-01"
    # 23:30 WIB on 31 March is still March for a Jakarta unit.
    late = next(r for r in rows if r.u1 == 4)
    assert late.period == "2025-03" and late.flag_straightline and late.respondent_category.code == "pemda"
    assert rows[1].instance_id != rows[2].instance_id  # identical questionnaires are two responses
    assert not any(r.flag_too_fast or r.flag_repeat_device for r in rows)


def test_reimporting_the_same_file_adds_nothing(app, tmp_path, layanan):
    path = _write(tmp_path, [HEADER, *GOOD])
    runner = app.test_cli_runner()
    runner.invoke(args=["import-skm", path, "--layanan", "izin-ugb"])
    ids = set(db.session.scalars(select(SkmResponse.instance_id)))
    again = runner.invoke(args=["import-skm", path, "--layanan", "izin-ugb"])
    assert again.exit_code == 0 and "0 baru, 4 sudah ada" in again.output
    grown = runner.invoke(args=["import-skm", _write(tmp_path, [HEADER, GOOD[3], "2025-04-01,1,2,3,4,1,2,3,4,1"],
                                                       name="more.csv"), "--layanan", "izin-ugb"])
    assert "1 baru, 1 sudah ada" in grown.output, grown.output
    assert _count() == 5 and ids <= set(db.session.scalars(select(SkmResponse.instance_id)))


def test_instance_ids_from_the_file_are_used(app, tmp_path, layanan):
    given = uuid.uuid4()
    lines = ["instance_id;tanggal;u1;u2;u3;u4;u5;u6;u7;u8;u9", f"{given};2025-05-05;3;3;3;3;3;3;3;3;4"]
    path = tmp_path / "semicolon.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-skm", str(path), "--layanan", "izin-ugb"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(SkmResponse.instance_id)) == given


def test_bad_file_reports_row_and_column_and_imports_nothing(app, tmp_path, layanan):
    dup = str(uuid.uuid4())
    lines = [
        "instance_id," + HEADER,
        "," + GOOD[0],
        ",2025-02-30,3,3,3,3,3,3,3,3,3,,,,,,",
        ",2025-02-03,5,3,3,3,3,3,3,3,x,P,7,S9,Petani,Tetangga," + "k" * 2001,
        "rusak,2025-02-03,3,3,3,3,3,3,3,3,3,,,,,,",
        ",2025-02-03,,,,,,,,,,,,,,,",
        f"{dup},2025-02-03,3,3,3,3,3,3,3,3,3,,,,,,",
        f"{dup},2025-02-04,3,3,3,3,3,3,3,3,3,,,,,,",
        ",2999-01-01,3,3,3,3,3,3,3,3,3,,,,,,",
    ]
    result = app.test_cli_runner().invoke(args=["import-skm", _write(tmp_path, lines), "--layanan", "izin-ugb"])
    assert result.exit_code == 1
    out = result.output
    for expected in (
        "Baris 3, kolom tanggal: format tanggal",
        "Baris 4, kolom u1: Pilihan tidak dikenal.",
        "Baris 4, kolom u9: Pilihan tidak dikenal.",
        "Baris 4, kolom usia: Usia harus antara 10 dan 120 tahun.",
        "Baris 4, kolom pendidikan: Pilihan pendidikan tidak dikenal.",
        "Baris 4, kolom pekerjaan: Pilihan pekerjaan tidak dikenal.",
        "Baris 4, kolom unsur_responden: Unsur responden tidak dikenal.",
        "Baris 4, kolom kritik_saran: Maksimal 2000 karakter.",
        "Baris 5, kolom instance_id:",
        "Baris 6: tidak ada jawaban unsur",
        "Baris 8, kolom instance_id: sama dengan baris 7.",
        "Baris 9, kolom tanggal: tanggal harus antara",
        "Tidak ada yang diimpor",
    ):
        assert expected in out, (expected, out)
    assert "Baris 2" not in out and "Baris 7," not in out
    assert _count() == 0  # the good rows were not imported either


def test_missing_columns_unknown_layanan_and_binary_file(app, tmp_path, layanan):
    runner = app.test_cli_runner()
    no_cols = runner.invoke(args=["import-skm", _write(tmp_path, ["tanggal,u1,u2", "2025-01-01,3,3"]),
                                  "--layanan", "izin-ugb"])
    assert no_cols.exit_code == 1 and "Kolom wajib tidak ada: u3, u4, u5, u6, u7, u8, u9." in no_cols.output
    unknown = runner.invoke(args=["import-skm", _write(tmp_path, [HEADER, GOOD[0]]), "--layanan", "nope"])
    assert unknown.exit_code != 0 and "tidak ditemukan" in unknown.output
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81\x82")
    result = runner.invoke(args=["import-skm", str(binary), "--layanan", "izin-ugb"])
    assert result.exit_code == 1 and "UTF-8" in result.output
    empty = runner.invoke(args=["import-skm", _write(tmp_path, [HEADER]), "--layanan", "izin-ugb"])
    assert empty.exit_code == 1 and "tidak berisi baris" in empty.output
    assert _count() == 0
