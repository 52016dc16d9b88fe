"""The analysis core: vectorised numpy/scipy measures of pressure, sway, footprints and gait.

Array-first functions take numpy arrays (pressures ``(n_frames, n_sensors)``
in kPa, COP in mm, times in s) with keyword-only options; the exam functions
take recordings and return small result objects
(:class:`~gaitlab.analysis.AnalysisResult`) that convert to dicts and
DataFrames. Definitions, conventions and references: ``docs/metrics.md``.

=====================  ==============================================================
module                 what it computes
=====================  ==============================================================
``basics``             force, contact area, peak image, mean pressure, PTI, FTI, loading rate
``sway``               posturography from a COP series: path, velocity, ellipses, spectra
``static``             the static exam: load splits, per-foot COP, sway, protocol check
``footprints``         footprints on a mat, foot axes, the per-foot anatomical frame
``regions``            plantar region masks and per-region measures
``steps``              one contact: force-curve peaks and valley, gait line
``spatiotemporal``     step/stride length, step width, progression angle, timing
``indices``            arch index, CPEI, Chippaux-Smirak, Staheli, balance ratios
``symmetry``           symmetry index, symmetry angle, asymmetry index
``registration``       registered peak-pressure images on a fixed anatomical grid
``dynamic``            the dynamic exam on a mat, assembling the above
``events``, ``timing`` contacts and gait timing from insoles and force plates
``exam``               which exam suits a recording; ``analyze`` runs it
=====================  ==============================================================

Examples
--------
>>> from gaitlab.synth import static_standing
>>> exam = static_exam(static_standing(duration_s=2.0, left_load_pct=55).recording)
>>> round(exam.left_load_pct)
55
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
from gaitlab.analysis.dynamic import DynamicExam, dynamic_exam
from gaitlab.analysis.events import ContactEvents, contact_rule, detect_contacts
from gaitlab.analysis.exam import ExamChoice, analyze, choose_exam, key_results
from gaitlab.analysis.footprints import (
    FootAxis,
    Footprint,
    FootprintSet,
    foot_axis,
    label_prints,
    segment_footprints,
)
from gaitlab.analysis.indices import (
    arch_index,
    balance_ratios,
    classify_foot_type,
    cpei,
    footprint_width_indices,
)
from gaitlab.analysis.regions import RegionalMetrics, RegionMasks, region_masks, regional_metrics
from gaitlab.analysis.registration import RegisteredImage, anatomical_grid, registered_peak_image
from gaitlab.analysis.spatiotemporal import Spatiotemporal, spatiotemporal
from gaitlab.analysis.static import StaticExam, static_exam
from gaitlab.analysis.steps import force_curve_features, gait_line
from gaitlab.analysis.sway import (
    ProtocolCheck,
    RombergResult,
    SwayResult,
    check_protocol,
    ellipse_area,
    romberg_quotient,
    sway_metrics,
)
from gaitlab.analysis.symmetry import (
    SymmetryTable,
    asymmetry_index_pct,
    symmetry_angle_pct,
    symmetry_index_pct,
    symmetry_table,
)
from gaitlab.analysis.timing import GaitEvents, gait_events, gait_timing

__all__ = [
    "AnalysisResult",
    "ContactEvents",
    "DynamicExam",
    "ExamChoice",
    "FootAxis",
    "Footprint",
    "FootprintSet",
    "GaitEvents",
    "PressureSummary",
    "ProtocolCheck",
    "RegionMasks",
    "RegisteredImage",
    "RegionalMetrics",
    "RombergResult",
    "Spatiotemporal",
    "StaticExam",
    "SwayResult",
    "SymmetryTable",
    "analyze",
    "arch_index",
    "asymmetry_index_pct",
    "balance_ratios",
    "check_protocol",
    "choose_exam",
    "classify_foot_type",
    "contact_area_mm2",
    "contact_rule",
    "cpei",
    "detect_contacts",
    "dynamic_exam",
    "ellipse_area",
    "foot_axis",
    "footprint_width_indices",
    "force_curve_features",
    "force_n",
    "force_time_integral_n_s",
    "gait_events",
    "gait_line",
    "gait_timing",
    "key_results",
    "label_prints",
    "loading_rate_n_s",
    "mean_pressure_kpa",
    "peak_pressure_image_kpa",
    "pressure_summary",
    "pressure_time_integral_kpa_s",
    "region_masks",
    "regional_metrics",
    "romberg_quotient",
    "segment_footprints",
    "spatiotemporal",
    "static_exam",
    "sway_metrics",
    "symmetry_angle_pct",
    "symmetry_index_pct",
    "symmetry_table",
    "anatomical_grid",
    "registered_peak_image",
]
