"""Insole design for orthotic labs: design inputs from pressure exams, suggestions, CAD/CAM files.

- :func:`insole_design` (:mod:`gaitlab.orthotics.design`): per foot, the
  averaged registered pressure images, the smoothed outline, foot length,
  forefoot and heel width, foot axis, arch index, metatarsal heads,
  offloading zones and the suggested elements with their rules
  (:mod:`gaitlab.orthotics.rules`).
- The result types are in :mod:`gaitlab.orthotics.model`.

See ``docs/orthotics.md``.
"""

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
    "DesignElement",
    "FootDesign",
    "InsoleDesign",
    "OffloadingZone",
    "foot_design",
    "insole_design",
]
