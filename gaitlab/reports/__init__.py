"""Podiatry reports (PDF and HTML, English and French) and their figures.

- :mod:`~gaitlab.reports.exam_report`: analysis results turned into the
  report of a visit (:func:`exam_report`), with the summary for the care
  team, the static, dynamic and video pages and the methods appendix;
- :mod:`~gaitlab.reports.document`: the document model (sections, tables,
  figures) and :meth:`Report.save` to ``.pdf`` (reportlab) or one
  self-contained ``.html`` file (jinja2);
- :mod:`~gaitlab.reports.figures`: the figures, drawn with matplotlib's
  object-oriented API (``matplotlib.figure.Figure``), never pyplot state, so
  they work headless, in threads and in batch runs;
- :mod:`~gaitlab.reports.norms`: published normal ranges with their sources;
- :mod:`~gaitlab.reports.i18n`: the English and French wording.
"""

from gaitlab.reports.document import PatientInfo, Report
from gaitlab.reports.exam_report import ExamInput, exam_report, prepare_exams
from gaitlab.reports.figures import (
    plot_asymmetry,
    plot_before_after,
    plot_feet_peak_pressure,
    plot_force_curves,
    plot_insole_design,
    plot_insole_forces,
    plot_key_frames,
    plot_pressure_map,
    plot_rearfoot_angle,
    plot_romberg,
    plot_stabilogram,
    plot_static_pressure,
    plot_sway,
)
from gaitlab.reports.insole_report import insole_design_report
from gaitlab.reports.norms import check_normal

__all__ = [
    "ExamInput",
    "PatientInfo",
    "Report",
    "check_normal",
    "exam_report",
    "insole_design_report",
    "plot_asymmetry",
    "plot_before_after",
    "plot_feet_peak_pressure",
    "plot_force_curves",
    "plot_insole_design",
    "plot_insole_forces",
    "plot_key_frames",
    "plot_pressure_map",
    "plot_rearfoot_angle",
    "plot_romberg",
    "plot_stabilogram",
    "plot_static_pressure",
    "plot_sway",
    "prepare_exams",
]
