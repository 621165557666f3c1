"""Pantau's statistical core: pure Python + numpy/scipy, no Flask, no database.

Modules: ikm (SKM/IKM), ikm_sums (IKM from the summary tables), proportion
(intervals with finite population), stratified (stratified SRS), sample_size,
income (KPM income), indicators (capaian and aggregation), rounding (display). Formulas: docs/METHODS.md.
"""
from .rounding import round_half_up

__all__ = ["round_half_up"]
