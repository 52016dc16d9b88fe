"""Insole design for orthotic labs: design inputs from pressure exams, suggestions, CAD/CAM files.

- :func:`insole_design` (:mod:`gaitlab.orthotics.design`): per foot, the
  averaged registered pressure images, the smoothed outline, foot length,
  forefoot and heel width, foot axis, arch index, metatarsal heads,
  offloading zones and the suggested elements with their rules
  (:mod:`gaitlab.orthotics.rules`).
- The result types are in :mod:`gaitlab.orthotics.model`.
- The files an orthotic lab reads: :func:`gaitlab.orthotics.export.write_design`
  (PedCAD ``.apd``, SVG, DXF, STL, CSV, JSON).
- :func:`compare_insole` (:mod:`gaitlab.orthotics.before_after`): per-region
  change in peak pressure and PTI, and a difference map, between a recording
  without and one with the insole.

See ``docs/orthotics.md``.
"""

from gaitlab.orthotics.before_after import (
    BeforeAfter,
    PressureDifference,
    RegionChange,
    compare_insole,
)
from gaitlab.orthotics.design import foot_design, insole_design
from gaitlab.orthotics.model import (
    DISCLAIMER,
    DesignElement,
    FootDesign,
    InsoleDesign,
    OffloadingZone,
)

__all__ = [
    "DISCLAIMER",
    "BeforeAfter",
    "PressureDifference",
    "RegionChange",
    "compare_insole",
    "DesignElement",
    "FootDesign",
    "InsoleDesign",
    "OffloadingZone",
    "foot_design",
    "insole_design",
]
