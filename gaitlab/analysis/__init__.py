"""The analysis core: vectorised numpy/scipy measures of pressure, sway, footprints and gait.

Array-first functions take numpy arrays (pressures ``(n_frames, n_sensors)``
in kPa, COP in mm, times in s) with keyword-only options; the exam functions
take recordings and return small result objects
(:class:`~gaitlab.analysis._results.AnalysisResult`) that convert to dicts and
DataFrames. Definitions and references: ``docs/metrics.md``.
"""

from __future__ import annotations

from gaitlab.analysis._results import AnalysisResult
from gaitlab.analysis.basics import (
    PressureSummary,
    contact_area_mm2,
    force_n,
    force_time_integral_n_s,
    loading_rate_n_s,
    mean_pressure_kpa,
    peak_pressure_image_kpa,
    pressure_summary,
    pressure_time_integral_kpa_s,
)

__all__ = [
    "AnalysisResult",
    "PressureSummary",
    "contact_area_mm2",
    "force_n",
    "force_time_integral_n_s",
    "loading_rate_n_s",
    "mean_pressure_kpa",
    "peak_pressure_image_kpa",
    "pressure_summary",
    "pressure_time_integral_kpa_s",
]
