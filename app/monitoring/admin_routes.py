"""Admin side of field monitoring: imports (pendamping, legacy income, poverty
lines, UMK), the pendamping registry, pendamping types with their versioned
checklists, and programmes. Also the `import-pendamping` / `import-income`
/ `import-poverty-lines` / `import-umk` commands.

Pendamping types, checklists, programmes, poverty lines and UMK are national
references: only admins of the root unit change them (app.core.reference_authority);
other admins see the lists and get a 403 on any change."""
from __future__ import annotations

import click
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app.core import audit, paging, reference_authority
from app.core.scoping import role_required, scoped, unit_subtree_ids
from app.core.tabular import TableError
from app.extensions import db
from app.models import ChecklistCriterion, ChecklistVersion, IncomeProgram, Pendamping, PendampingType, PovertyLine, Umk
from app.monitoring import import_templates, income_import, pendamping_import, reference_lines_import
from app.monitoring.reference import add_default_checklist
from forms.monitoring import ChecklistForm, ImportForm, NamedCodeForm

bp = Blueprint("monitoring_admin", __name__, url_prefix="/pantau/admin", cli_group=None)
PAGE_SIZE = 100
NATIONAL_IMPORTS = ("poverty", "umk")


@bp.before_request
@role_required("admin")
def _admins_only():
    return None


@bp.route("/impor", methods=["GET", "POST"])
def imports():
    form = ImportForm()
    report = None
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not upload.filename:
            form.file.errors = ["Pilih berkas CSV atau XLSX."]
            status = 400
        else:
            try:
                report = _run_import(form.kind.data, upload.stream, upload.filename, form.valid_only.data,
                                     set(db.session.scalars(unit_subtree_ids(current_user.unit_id))),
                                     current_user.unit_id, current_user)
            except reference_authority.NationalReferenceLocked:
                abort(403)
            except TableError as err:
                form.file.errors = [str(err)]
                status = 400
            else:
                if report.written:
                    db.session.commit()
                else:
                    db.session.rollback()
                    status = 422
    elif form.errors:
        status = 400
    return render_template("monitoring/admin_import.html", form=form, report=report,
                           kinds=import_templates.KINDS.values()), status


@bp.get("/impor/templat/<kind>.<fmt>")
def import_template(kind: str, fmt: str):
    """An empty file with the import's columns, to fill in and upload."""
    spec = import_templates.KINDS.get(kind)
    if spec is None or fmt not in import_templates.FORMATS:
        abort(404)
    if fmt == "csv":
        body, mimetype = import_templates.template_csv(spec), "text/csv; charset=utf-8"
    else:
        body = import_templates.template_xlsx(spec)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="templat-impor-{kind}.{fmt}"'})


def _run_import(kind: str, stream, filename: str, valid_only: bool, allowed_units: set[int] | None,
                actor_unit_id: int | None, actor=None):
    """`allowed_units`/`actor_unit_id` None: the CLI, which runs as the server's operator."""
    if kind == "pendamping":
        return pendamping_import.import_file(stream, filename, valid_only=valid_only, allowed_unit_ids=allowed_units,
                                            actor=actor)
    if kind == "income":
        return income_import.import_file(stream, filename, valid_only=valid_only, allowed_unit_ids=allowed_units,
                                         actor=actor)
    if kind == "poverty":
        return reference_lines_import.import_poverty_lines(stream, filename, actor_unit_id=actor_unit_id, actor=actor)
    return reference_lines_import.import_umk(stream, filename, actor_unit_id=actor_unit_id, actor=actor)


@bp.get("/pendamping")
def registry():
    stmt = paging.search(scoped(Pendamping).order_by(Pendamping.identifier), Pendamping.identifier, Pendamping.name)
    page = paging.paginate(stmt, PAGE_SIZE)
    total = db.session.scalar(scoped(Pendamping).with_only_columns(func.count(Pendamping.id)))
    return render_template("monitoring/admin_registry.html", rows=page.rows, page=page, total=total)


@bp.route("/jenis", methods=["GET", "POST"])
def types():
    form = NamedCodeForm()
    if request.method == "POST":
        reference_authority.require()
    if form.validate_on_submit():
        if db.session.scalar(select(PendampingType.id).where(PendampingType.code == form.code.data)):
            form.code.errors.append("Kode jenis sudah dipakai.")
        else:
            ptype = PendampingType(code=form.code.data, name=form.name.data, active=True, sort_order=100)
            db.session.add(ptype)
            db.session.flush()
            add_default_checklist(ptype)
            audit.record("create", ptype, actor=current_user)
            db.session.commit()
            flash("Jenis pendamping ditambahkan dengan daftar periksa bawaan.", "success")
            return redirect(url_for("monitoring_admin.types"))
    rows = db.session.scalars(select(PendampingType).order_by(PendampingType.sort_order, PendampingType.name)).all()
    return render_template("monitoring/admin_types.html", form=form, rows=rows,
                           editable=reference_authority.may_change(current_user)), (400 if form.errors else 200)


@bp.route("/jenis/<int:type_id>/daftar-periksa", methods=["GET", "POST"])
def checklist(type_id: int):
    """A change makes a new version; records keep the version they were answered against."""
    reference_authority.require()
    ptype = db.get_or_404(PendampingType, type_id)
    current = db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.type_id == ptype.id)
                                .order_by(ChecklistVersion.version.desc()).limit(1))
    form = ChecklistForm()
    if not form.is_submitted() and current is not None:
        form.criteria.data = "\n".join(f"{c.code} | {c.text} | {'wajib' if c.mandatory else 'opsional'}"
                                       for c in current.criteria)
    if form.validate_on_submit():
        criteria, errors = _parse_criteria(form.criteria.data)
        if errors:
            form.criteria.errors = errors
        else:
            if current is not None:
                current.active = False
            version = ChecklistVersion(type=ptype, version=(current.version if current else 0) + 1, active=True)
            for order, (code, text, mandatory) in enumerate(criteria, start=1):
                version.criteria.append(ChecklistCriterion(code=code, text=text, mandatory=mandatory, sort_order=order))
            db.session.add(version)
            db.session.flush()
            audit.record("create", version, after={"type": ptype.code, "version": version.version,
                                                   "criteria": [list(c) for c in criteria]}, actor=current_user)
            db.session.commit()
            flash(f"Daftar periksa versi {version.version} aktif.", "success")
            return redirect(url_for("monitoring_admin.types"))
    return render_template("monitoring/admin_checklist.html", form=form, ptype=ptype, current=current), \
        (400 if form.errors else 200)


def _parse_criteria(text: str) -> tuple[list[tuple[str, str, bool]], list[str]]:
    criteria, errors, codes = [], [], set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3 or not parts[0] or not parts[1] or parts[2].lower() not in ("wajib", "opsional"):
            errors.append(f"Baris {number}: gunakan format KODE | teks | wajib/opsional.")
            continue
        code = parts[0].upper()
        if len(code) > 20 or len(parts[1]) > 500 or code in codes:
            errors.append(f"Baris {number}: kode maksimal 20 karakter dan unik, teks maksimal 500 karakter.")
            continue
        codes.add(code)
        criteria.append((code, parts[1], parts[2].lower() == "wajib"))
    if not criteria and not errors:
        errors.append("Minimal satu kriteria.")
    if criteria and not any(m for _, _, m in criteria):
        errors.append("Minimal satu kriteria wajib.")
    return criteria, errors


@bp.route("/program", methods=["GET", "POST"])
def programs():
    form = NamedCodeForm()
    if request.method == "POST":
        reference_authority.require()
    if form.validate_on_submit():
        if db.session.scalar(select(IncomeProgram.id).where(IncomeProgram.code == form.code.data)):
            form.code.errors.append("Kode program sudah dipakai.")
        else:
            program = IncomeProgram(code=form.code.data, name=form.name.data, active=True, sort_order=100)
            db.session.add(program)
            db.session.flush()
            audit.record("create", program, actor=current_user)
            db.session.commit()
            flash("Program ditambahkan.", "success")
            return redirect(url_for("monitoring_admin.programs"))
    rows = db.session.scalars(select(IncomeProgram).order_by(IncomeProgram.sort_order, IncomeProgram.name)).all()
    return render_template("monitoring/admin_programs.html", form=form, rows=rows,
                           editable=reference_authority.may_change(current_user)), (400 if form.errors else 200)


@bp.get("/referensi")
def reference_lines():
    lines = db.session.scalars(select(PovertyLine).order_by(PovertyLine.period.desc()).limit(500)).all()
    umks = db.session.scalars(select(Umk).order_by(Umk.year.desc()).limit(500)).all()
    return render_template("monitoring/admin_reference.html", lines=lines, umks=umks)


# ---- CLI -------------------------------------------------------------------------

def _cli_import(kind: str, path: str, valid_only: bool) -> None:
    try:
        with open(path, "rb") as handle:
            report = _run_import(kind, handle, path, valid_only, None, None)
    except TableError as err:
        raise click.ClickException(str(err)) from None
    for error in report.errors:
        click.echo(str(error), err=True)
    if not report.written:
        db.session.rollback()
        click.echo(f"Tidak ada yang disimpan: {len(report.errors)} kesalahan. "
                   "Perbaiki berkas atau gunakan --valid-only.", err=True)
        raise SystemExit(1)
    db.session.commit()
    click.echo(f"Impor selesai: {report.created} baru, {report.updated} diperbarui, {report.skipped} baris dilewati.")


_path = click.argument("path", type=click.Path(exists=True, dir_okay=False))
_valid_only = click.option("--valid-only", is_flag=True, help="Simpan baris valid saja; baris bermasalah dilewati.")


@bp.cli.command("import-pendamping")
@_path
@_valid_only
def import_pendamping_command(path: str, valid_only: bool) -> None:
    """Import the pendamping registry (CSV or XLSX).

    Columns: identifier,name,type,unit,kabkota[,kecamatan,status,status_date].
    """
    _cli_import("pendamping", path, valid_only)


@bp.cli.command("import-income")
@_path
@_valid_only
def import_income_command(path: str, valid_only: bool) -> None:
    """Import legacy KPM income samples (CSV or XLSX)."""
    _cli_import("income", path, valid_only)


@bp.cli.command("import-poverty-lines")
@_path
def import_poverty_command(path: str) -> None:
    """Import garis kemiskinan per province and period (province,period,extreme_line,poverty_line[,source,is_demo])."""
    _cli_import("poverty", path, False)


@bp.cli.command("import-umk")
@_path
def import_umk_command(path: str) -> None:
    """Import UMK per kab/kota and year (kabkota,year,amount[,source,is_demo])."""
    _cli_import("umk", path, False)
