"""CLI: seed-demo is idempotent, create-user validates, load-regions validates first."""
from sqlalchemy import func, select

from app.admin import demo
from app.extensions import db
from app.models import AuditEvent, Layanan, Region, Unit, User


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Unit, Layanan, Region, User))


def test_seed_demo_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = _counts()
    assert counts[0] == len(demo.UNITS) and counts[3] == len(demo.DEMO_USERS)
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "(0 baris baru)" in second.output
    assert _counts() == counts
    root = db.session.scalar(select(Unit).where(Unit.code == "KEMENSOS"))
    assert root.parent_id is None and len(root.children) == 5
    assert db.session.scalar(select(Layanan).where(Layanan.slug == demo.DEMO_SURVEY_SLUG)).active


def test_create_user_reads_password_from_stdin(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["create-user", "--email", "New@X.id", "--role", "analyst", "--unit", "dayasos",
                                 "--password-stdin"], input="sandi-panjang-123\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "new@x.id"))
    assert user.unit.code == "DAYASOS" and user.check_password("sandi-panjang-123")


def test_create_user_rejects_unknown_unit_and_short_password(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    bad_unit = runner.invoke(args=["create-user", "--email", "a@x.id", "--role", "analyst", "--unit", "NOPE",
                                   "--password-stdin"], input="sandi-panjang-123\n")
    assert bad_unit.exit_code != 0 and "tidak ditemukan" in bad_unit.output
    short = runner.invoke(args=["create-user", "--email", "a@x.id", "--role", "analyst", "--unit", "DAYASOS",
                                "--password-stdin"], input="pendek\n")
    assert short.exit_code != 0
    assert db.session.scalar(select(User).where(User.email == "a@x.id")) is None


def test_load_regions_validates_whole_file_first(app, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,level,parent_code\n11,Aceh,provinsi,\n11.01,Simeulue,kabkota,99\n12,,provinsi,\n")
    result = app.test_cli_runner().invoke(args=["load-regions", str(bad)])
    assert result.exit_code == 1
    assert "Baris 3, kolom parent_code" in result.output and "Baris 4, kolom name" in result.output
    assert db.session.scalar(select(func.count()).select_from(Region)) == 0

    good = tmp_path / "good.csv"
    # Child before parent: order in the file does not matter.
    good.write_text("code,name,level,parent_code\n11.01,Kab. Simeulue,kabkota,11\n11,Aceh,provinsi,\n")
    result = app.test_cli_runner().invoke(args=["load-regions", str(good)])
    assert result.exit_code == 0, result.output
    kab = db.session.scalar(select(Region).where(Region.code == "11.01"))
    assert kab.parent.code == "11"
    again = app.test_cli_runner().invoke(args=["load-regions", str(good)])
    assert "0 baru, 2 diperbarui" in again.output


def test_create_user_applies_the_admin_forms_rules(app):
    """One write path for accounts (app.admin.users): the command refused no malformed email
    before, and created the account without an audit event; the admin form did both."""
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    bad_email = runner.invoke(args=["create-user", "--email", "bukan-email", "--role", "analyst", "--unit", "DAYASOS",
                                    "--password-stdin"], input="sandi-panjang-123\n")
    assert bad_email.exit_code != 0 and "Format email tidak valid." in bad_email.output
    assert db.session.scalar(select(User).where(User.email == "bukan-email")) is None

    made = runner.invoke(args=["create-user", "--email", " Baru@X.id ", "--role", "monitor", "--unit", "DAYASOS",
                               "--password-stdin"], input="sandi-panjang-123\n")
    assert made.exit_code == 0, made.output
    user = db.session.scalar(select(User).where(User.email == "baru@x.id"))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "user_account",
                                                       AuditEvent.entity_id == str(user.id)))
    assert event.action == "create" and event.user_id is None and "password_hash" not in event.after
