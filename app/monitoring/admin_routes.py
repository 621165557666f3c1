"""Admin side of field monitoring: imports (pendamping, legacy income, poverty
lines, UMK), the pendamping registry, pendamping types with their versioned
checklists, and programmes. The `import-*` commands are app/monitoring/cli.py.

Pendamping types, checklists, programmes, poverty lines and UMK are national
references: only admins of the root unit change them (app.core.reference_authority);
other admins see the lists and get a 403 on any change."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.core import paging, reference_authority, transaction
from app.core.scoping import role_required
from app.core.tabular import TableError
from app.monitoring import import_templates, imports, lists, reference
from forms.monitoring import ChecklistForm, ImportForm, NamedCodeForm

bp = Blueprint("monitoring_admin", __name__, url_prefix="/pantau/admin", cli_group=None)
PAGE_SIZE = 100


@bp.before_request
@role_required("admin")
def _admins_only():
    return None


@bp.route("/impor", methods=["GET", "POST"], endpoint="imports")
def imports_page():
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
                report = imports.run_import(form.kind.data, upload.stream, upload.filename,
                                            valid_only=form.valid_only.data, actor=current_user)
            except reference_authority.NationalReferenceLocked:
                abort(403)
            except TableError as err:
                form.file.errors = [str(err)]
                status = 400
            else:
                if report.written:
                    transaction.commit()
                else:
                    transaction.rollback()
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


@bp.get("/pendamping")
def registry():
    number = paging.page_number()
    rows, has_next, total = lists.registry(current_user, paging.search_text(), number, PAGE_SIZE)
    page = paging.Page(rows=rows, number=number,
                       prev_url=paging.page_url(**{paging.PAGE_ARG: number - 1}) if number > 1 else None,
                       next_url=paging.page_url(**{paging.PAGE_ARG: number + 1}) if has_next else None)
    return render_template("monitoring/admin_registry.html", rows=page.rows, page=page, total=total)


@bp.route("/jenis", methods=["GET", "POST"])
def types():
    form = NamedCodeForm()
    if request.method == "POST":
        reference_authority.require()
    if form.validate_on_submit():
        error = reference.add_type(form.code.data, form.name.data, actor=current_user)
        if error:
            form.code.errors.append(error)
        else:
            transaction.commit()
            flash("Jenis pendamping ditambahkan dengan daftar periksa bawaan.", "success")
            return redirect(url_for("monitoring_admin.types"))
    return render_template("monitoring/admin_types.html", form=form, rows=reference.pendamping_types(),
                           editable=reference_authority.may_change(current_user)), (400 if form.errors else 200)


@bp.route("/jenis/<int:type_id>/daftar-periksa", methods=["GET", "POST"])
def checklist(type_id: int):
    """A change makes a new version; records keep the version they were answered against."""
    reference_authority.require()
    ptype = reference.pendamping_type(type_id) or abort(404)
    current = reference.current_checklist(ptype.id)
    form = ChecklistForm()
    if not form.is_submitted() and current is not None:
        form.criteria.data = reference.checklist_text(current)
    if form.validate_on_submit():
        version, errors = reference.publish_checklist(ptype, form.criteria.data, actor=current_user)
        if errors:
            form.criteria.errors = errors
        else:
            transaction.commit()
            flash(f"Daftar periksa versi {version.version} aktif.", "success")
            return redirect(url_for("monitoring_admin.types"))
    return render_template("monitoring/admin_checklist.html", form=form, ptype=ptype, current=current), \
        (400 if form.errors else 200)


@bp.route("/program", methods=["GET", "POST"])
def programs():
    form = NamedCodeForm()
    if request.method == "POST":
        reference_authority.require()
    if form.validate_on_submit():
        error = reference.add_program(form.code.data, form.name.data, actor=current_user)
        if error:
            form.code.errors.append(error)
        else:
            transaction.commit()
            flash("Program ditambahkan.", "success")
            return redirect(url_for("monitoring_admin.programs"))
    return render_template("monitoring/admin_programs.html", form=form, rows=reference.income_programs(),
                           editable=reference_authority.may_change(current_user)), (400 if form.errors else 200)


@bp.get("/referensi")
def reference_lines():
    lines, umks = reference.reference_lines()
    return render_template("monitoring/admin_reference.html", lines=lines, umks=umks)
