"""Group kritik dan saran into the themes a Laporan Hasil SKM discusses (waktu, biaya, petugas, ...).

A plain keyword match on Indonesian word stems, so an analyst can check why a
text landed in a theme: a text counts once in every theme it mentions; one
that mentions none is "Lainnya". Pure Python, no database.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# (label, related unsur, word stems (a word starting with one matches), phrases (substring match))
THEMES: tuple[tuple[str, str | None, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Waktu pelayanan", "U3", ("antri", "antre", "lama", "lambat", "cepat", "tunggu", "menunggu", "waktu", "molor",
                               "jam"), ()),
    ("Persyaratan", "U1", ("syarat", "persyaratan", "dokumen", "berkas", "formulir"), ()),
    ("Prosedur", "U2", ("prosedur", "alur", "berbelit", "ribet", "rumit", "birokrasi", "tahap"), ()),
    ("Biaya/tarif", "U4", ("biaya", "bayar", "tarif", "pungli", "pungut", "dipungut", "gratis", "uang", "mahal"), ()),
    ("Hasil layanan", "U5", ("hasil", "keliru", "produk"), ("tidak sesuai", "salah ketik")),
    ("Kemampuan petugas", "U6", ("kompeten", "menguasai", "bingung", "paham"), ("tidak tahu",)),
    ("Perilaku petugas", "U7", ("petugas", "ramah", "sopan", "judes", "ketus", "jutek", "kasar", "senyum", "galak"),
     ()),
    ("Pengaduan dan informasi", "U8", ("pengaduan", "aduan", "keluhan", "informasi", "info", "sosialisasi",
                                       "pengumuman", "website", "aplikasi", "online", "telepon"), ()),
    ("Sarana dan prasarana", "U9", ("ruang", "kursi", "parkir", "toilet", "wc", "ac", "panas", "sempit",
                                    "fasilitas", "gedung", "kotor", "bersih", "sarana"), ("tempat duduk",)),
)
OTHER = "Lainnya"
SHORT_STEM = 3  # stems this short must match a whole word ("ac" is not "acara")
WORD = re.compile(r"[a-z]+")


@dataclass
class Theme:
    label: str
    unsur: str | None
    count: int = 0
    examples: list[str] = field(default_factory=list)


def themes_of(text: str) -> list[str]:
    """Labels of the themes a text mentions (empty when none)."""
    lower = text.lower()
    words = WORD.findall(lower)
    found = []
    for label, _unsur, stems, phrases in THEMES:
        if any(p in lower for p in phrases) or any(
                (w == s if len(s) <= SHORT_STEM else w.startswith(s)) for w in words for s in stems):
            found.append(label)
    return found


def group(items: list[dict], examples: int = 2) -> list[Theme]:
    """Themes with at least one text, most frequent first, "Lainnya" last; `items` carry a "text" key."""
    by_label = {label: Theme(label, unsur) for label, unsur, _s, _p in THEMES}
    other = Theme(OTHER, None)
    for item in items:
        text = (item.get("text") or "").strip()
        if not text:
            continue
        labels = themes_of(text)
        for theme in [by_label[label] for label in labels] or [other]:
            theme.count += 1
            if len(theme.examples) < examples:
                theme.examples.append(text)
    ranked = sorted((t for t in by_label.values() if t.count), key=lambda t: -t.count)
    return ranked + ([other] if other.count else [])
