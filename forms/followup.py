"""Rencana tindak lanjut forms: an action, and a unit's follow-up settings (admin).

The kritik choices are filled by the view from the layanan and period of the
action, so only items of that scope can be linked.
"""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from analysis.ikm import UNSUR
from app.models.followup import PUBLICATION_MEDIA, RTL_STATUSES, TRIAGE_STATUSES
from forms import skm as survey_forms
from forms.fields import DecimalNumberField, IdMultipleField

REQUIRED = "Wajib diisi."


class _Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return survey_forms._Indonesian()  # noqa: SLF001 - the one table of WTForms messages


def kritik_choices(items: list[tuple[int, str]]) -> list[SelectChoice]:
    return [SelectChoice(rid, text) for rid, text in items]


class ActionForm(_Form):
    unsur = SelectField("Unsur", choices=[SelectChoice(u.code, f"{u.code} {u.name}") for u in UNSUR],
                        validators=[DataRequired(REQUIRED)])
    problem = TextAreaField("Permasalahan", validators=[DataRequired(REQUIRED), Length(max=4000)])
    kritik = IdMultipleField("Kritik dan saran pendukung", validate_choice=True)
    action = TextAreaField("Rencana tindak lanjut", validators=[DataRequired(REQUIRED), Length(max=4000)])
    pic = StringField("Penanggung jawab (PIC)", validators=[DataRequired(REQUIRED), Length(max=200)])
    planned_start = DateField("Rencana mulai", validators=[Optional()], render_kw={"type": "date"})
    planned_end = DateField("Rencana selesai", validators=[Optional()], render_kw={"type": "date"})
    status = SelectField("Status", choices=[SelectChoice(k, v) for k, v in RTL_STATUSES.items()],
                         validators=[DataRequired(REQUIRED)])
    cancel_reason = TextAreaField("Alasan pembatalan", validators=[Optional(), Length(max=2000)],
                                  description="Wajib bila status Dibatalkan.")
    completed_on = DateField("Tanggal selesai", validators=[Optional()], render_kw={"type": "date"},
                             description="Wajib bila status Selesai.")
    evidence_note = TextAreaField("Catatan bukti", validators=[Optional(), Length(max=4000)])
    evidence = FileField("Berkas bukti (PDF, JPEG atau PNG, maks. 5 MB)")
    remove_evidence = BooleanField("Hapus berkas bukti yang ada")



class SettingsForm(_Form):
    nrr_threshold = DecimalNumberField("Ambang NRR", places=2, not_a_number="Isi angka, mis. 3,00.", validators=[
        InputRequired(REQUIRED), NumberRange(min=1, max=4, message="Ambang NRR harus antara 1,00 dan 4,00.")],
        description="Unsur dengan NRR di bawah ambang ini diusulkan untuk ditindaklanjuti (bawaan 3,00 = Baik).")
    show_pic = BooleanField("Tampilkan nama penanggung jawab di halaman publik")


class TriageForm(_Form):
    """One answer's triage; the view fills the theme and action choices (active themes, scoped actions)."""

    status = SelectField("Status", choices=[SelectChoice(k, v) for k, v in TRIAGE_STATUSES.items()],
                         validators=[DataRequired(REQUIRED)])
    themes = IdMultipleField("Tema", validate_choice=True)
    actions = IdMultipleField("Tautkan ke tindak lanjut", validate_choice=True)
    hidden_public = BooleanField("Sembunyikan dari publik")


class ThemeForm(_Form):
    code = StringField("Kode", validators=[DataRequired(REQUIRED), Length(max=30),
                                           Regexp(r"^[a-z0-9_-]+$", message="Huruf kecil, angka, - atau _.")])
    name = StringField("Nama tema", validators=[DataRequired(REQUIRED), Length(max=100)])


class PublicationForm(_Form):
    medium = SelectField("Media", choices=[SelectChoice(k, v) for k, v in PUBLICATION_MEDIA.items()],
                         validators=[DataRequired(REQUIRED)])
    published_on = DateField("Tanggal publikasi", validators=[InputRequired(REQUIRED)],
                             render_kw={"type": "date"})
    url = StringField("Alamat web (URL)", validators=[Optional(), Length(max=500)])
    description = TextAreaField("Keterangan", validators=[Optional(), Length(max=2000)],
                                description="Wajib untuk media lain.")
    evidence = FileField("Berkas bukti atau foto (PDF, JPEG atau PNG, maks. 5 MB)")
