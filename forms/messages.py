"""Indonesian text for every message WTForms itself writes, installed once for all forms.

Why: a validator or field without an explicit message falls back to WTForms'
English default ("This field is required.", "Not a valid choice.", "Invalid
Choice: could not coerce." ...), and users saw those next to Indonesian ones.
WTForms ships no Indonesian catalogue and the service does not run Babel, so
this small catalogue is the form meta's `get_translations` for every FlaskForm
(see forms/__init__.py). A message a form spells out itself is left as it is.
"""
from __future__ import annotations

SINGULAR = {
    "Invalid field name '%s'.": "Nama isian '%s' tidak valid.",
    "Field must be equal to %(other_name)s.": "Harus sama dengan %(other_name)s.",
    "Field must be at least %(min)d character long.": "Minimal %(min)d karakter.",
    "Field cannot be longer than %(max)d character.": "Maksimal %(max)d karakter.",
    "Field must be exactly %(max)d character long.": "Harus tepat %(max)d karakter.",
    "Field must be between %(min)d and %(max)d characters long.": "Harus %(min)d sampai %(max)d karakter.",
    "Number must be at least %(min)s.": "Angka minimal %(min)s.",
    "Number must be at most %(max)s.": "Angka maksimal %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Angka harus antara %(min)s dan %(max)s.",
    "Date must be at least %(min)s.": "Tanggal paling awal %(min)s.",
    "Date must be at most %(max)s.": "Tanggal paling akhir %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Tanggal harus antara %(min)s dan %(max)s.",
    "This field is required.": "Wajib diisi.",
    "Invalid input.": "Isian tidak valid.",
    "Invalid email address.": "Alamat email tidak valid.",
    "Invalid IP address.": "Alamat IP tidak valid.",
    "Invalid Mac address.": "Alamat MAC tidak valid.",
    "Invalid URL.": "URL tidak valid.",
    "Invalid UUID.": "UUID tidak valid.",
    "Invalid value, must be one of: %(values)s.": "Nilai tidak valid, harus salah satu dari: %(values)s.",
    "Invalid value, can't be any of: %(values)s.": "Nilai tidak valid, tidak boleh: %(values)s.",
    "This field cannot be edited.": "Isian ini tidak dapat diubah.",
    "This field is disabled and cannot have a value.": "Isian ini nonaktif dan tidak boleh diisi.",
    "Invalid CSRF Token.": "Token formulir tidak valid. Muat ulang halaman.",
    "CSRF token missing.": "Token formulir tidak ada. Muat ulang halaman.",
    "CSRF failed.": "Pemeriksaan formulir gagal. Muat ulang halaman.",
    "CSRF token expired.": "Formulir kedaluwarsa. Muat ulang halaman.",
    "Invalid Choice: could not coerce.": "Pilihan tidak valid.",
    "Choices cannot be None.": "Pilihan belum tersedia.",
    "Not a valid choice.": "Pilihan tidak valid.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Pilihan tidak valid.",
    "'%(value)s' is not a valid choice for this field.": "'%(value)s' bukan pilihan yang valid.",
    "Not a valid datetime value.": "Tanggal dan jam tidak valid.",
    "Not a valid date value.": "Tanggal tidak valid.",
    "Not a valid time value.": "Jam tidak valid.",
    "Not a valid week value.": "Minggu tidak valid.",
    "Not a valid integer value.": "Harus berupa bilangan bulat.",
    "Not a valid decimal value.": "Harus berupa angka.",
    "Not a valid float value.": "Harus berupa angka.",
}
# Plural forms: Indonesian does not inflect, so the plural reads as the singular.
PLURAL = {
    "Field must be at least %(min)d characters long.": SINGULAR["Field must be at least %(min)d character long."],
    "Field cannot be longer than %(max)d characters.": SINGULAR["Field cannot be longer than %(max)d character."],
    "Field must be exactly %(max)d characters long.": SINGULAR["Field must be exactly %(max)d character long."],
    "'%(value)s' are not valid choices for this field.": "'%(value)s' bukan pilihan yang valid.",
}


class IndonesianTranslations:
    """The gettext/ngettext pair WTForms asks its form meta for."""

    def gettext(self, string: str) -> str:
        return SINGULAR.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular) if n == 1 else PLURAL.get(plural, self.gettext(singular))


TRANSLATIONS = IndonesianTranslations()

# Flask-WTF's own CSRF failures ("The CSRF token is missing/invalid/has expired") all mean the same to a user.
CSRF_MESSAGE = "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu kirim lagi."
