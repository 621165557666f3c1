"""When a published IKM rests on too few respondents to be read on its own.

With the number of service users N known, the sample should reach the
Krejcie-Morgan target for N (analysis.sample_size, the table PermenPAN-RB
14/2017 points to); without N, fewer than 30 respondents is treated as small,
the usual rule of thumb for a mean's interval. Public pages show the caution
beside the score rather than hiding the score.
"""
from __future__ import annotations

from dataclasses import dataclass

from analysis.ikm import MIN_SAMPLE_UNKNOWN_N, sample_adequate
from analysis.sample_size import krejcie_morgan


@dataclass(frozen=True)
class SampleCaution:
    n: int
    target: int  # the n the sample should reach
    population: int | None  # N when known

    @property
    def text(self) -> str:
        n, target = _id(self.n), _id(self.target)
        if self.population:
            return (f"Sampel kecil: {n} responden, di bawah target Krejcie-Morgan {target} "
                    f"untuk {_id(self.population)} pengguna layanan.")
        return f"Sampel kecil: {n} responden (kurang dari {target}); baca hasil dengan hati-hati."


def _id(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def sample_caution(n: int, population: int | None) -> SampleCaution | None:
    """The caution for n respondents out of `population` service users (None: N not recorded), or None.

    The rule itself is analysis.ikm.sample_adequate; this only words it for readers."""
    if sample_adequate(n, population or None):
        return None
    return SampleCaution(n, krejcie_morgan(population) if population else MIN_SAMPLE_UNKNOWN_N, population)
