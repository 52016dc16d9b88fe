"""Unit names and their factors to gaitlab's units (kPa, N, mm, mm², s).

One table, so every reader and device profile accepts the same spellings
(``kPa``, ``N/cm²``, ``N/cm2``, ``psi``, ``kgf``...). Free of pandas, so the
drivers can use it without loading the readers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__: list[str] = []  # private to gaitlab


@dataclass(frozen=True)
class Unit:
    """A source unit: its display name and the factor to kPa (pressure) or N (force)."""

    name: str
    factor: float
    force: bool = False  # a force per sensor: divide by the sensor's area to get a pressure


_PSI_KPA = 6.894757293168361  # 1 lbf / in² in kPa
_MMHG_KPA = 0.133322387415  # 1 mmHg = 133.322387415 Pa
_KGF_N = 9.80665
_LBF_N = 4.4482216152605

PRESSURE_UNITS: dict[str, Unit] = {
    "kpa": Unit("kPa", 1.0),
    "pa": Unit("Pa", 1e-3),
    "hpa": Unit("hPa", 0.1),
    "mpa": Unit("MPa", 1e3),
    "bar": Unit("bar", 100.0),
    "mbar": Unit("mbar", 0.1),
    "psi": Unit("psi", _PSI_KPA),
    "mmhg": Unit("mmHg", _MMHG_KPA),
    "n/cm2": Unit("N/cm²", 10.0),
    "n/mm2": Unit("N/mm²", 1e3),
    "n/m2": Unit("N/m²", 1e-3),
    "kgf/cm2": Unit("kgf/cm²", _KGF_N * 10.0),
    "kg/cm2": Unit("kgf/cm²", _KGF_N * 10.0),
    "gf/cm2": Unit("gf/cm²", _KGF_N * 1e-2),
    "g/cm2": Unit("gf/cm²", _KGF_N * 1e-2),
}
FORCE_UNITS: dict[str, Unit] = {
    "n": Unit("N", 1.0, force=True),
    "newton": Unit("N", 1.0, force=True),
    "newtons": Unit("N", 1.0, force=True),
    "kgf": Unit("kgf", _KGF_N, force=True),
    "kg": Unit("kgf", _KGF_N, force=True),
    "kgs": Unit("kgf", _KGF_N, force=True),
    "lbf": Unit("lbf", _LBF_N, force=True),
    "lb": Unit("lbf", _LBF_N, force=True),
    "lbs": Unit("lbf", _LBF_N, force=True),
    "gf": Unit("gf", _KGF_N * 1e-3, force=True),
    "g": Unit("gf", _KGF_N * 1e-3, force=True),
}
RAW_UNITS = frozenset(
    {"raw", "rawsum", "adc", "count", "counts", "digital", "digitaloutput", "du", "none", "%"}
)
LENGTH_UNITS: dict[str, float] = {
    "mm": 1.0,
    "millimeter": 1.0,
    "millimeters": 1.0,
    "millimetre": 1.0,
    "millimetres": 1.0,
    "milimeter": 1.0,  # Tekscan's own misspelling, seen in exports
    "milimeters": 1.0,
    "cm": 10.0,
    "centimeter": 10.0,
    "centimeters": 10.0,
    "centimetre": 10.0,
    "centimetres": 10.0,
    "m": 1000.0,
    "meter": 1000.0,
    "meters": 1000.0,
    "metre": 1000.0,
    "metres": 1000.0,
    "in": 25.4,
    "inch": 25.4,
    "inches": 25.4,
    '"': 25.4,
}
AREA_UNITS: dict[str, float] = {
    "mm2": 1.0,
    "sqmm": 1.0,
    "cm2": 100.0,
    "sqcm": 100.0,
    "m2": 1e6,
    "in2": 645.16,
    "sqin": 645.16,
}
TIME_UNITS: dict[str, float] = {"s": 1.0, "ms": 1e-3, "us": 1e-6}


def unit_key(text: str) -> str:
    """Normalise a unit's spelling: lower case, no spaces, ``²``/``^2`` as ``2``."""
    key = re.sub(r"\s+", "", text.strip().lower())
    key = key.replace("²", "2").replace("^2", "2").replace("**2", "2")
    return key.removeprefix("sq.").replace("sq.", "sq")


class UnitError(Exception):
    """A unit that is unknown or not a calibrated pressure/force (message says which)."""


def pressure_unit(text: str, *, per: str = "sensor") -> Unit:
    """Return the unit for a pressure (or force-per-``per``) unit name."""
    key = unit_key(text)
    if key in PRESSURE_UNITS:
        return PRESSURE_UNITS[key]
    if key in FORCE_UNITS:
        unit = FORCE_UNITS[key]
        return Unit(f"{unit.name} per {per}", unit.factor, force=True)
    if key in RAW_UNITS or key.startswith("raw"):
        raise UnitError(
            f"unit {text!r} is a raw (uncalibrated) sensor reading, not a pressure; export "
            "calibrated values (kPa, MPa, psi, N/cm², mmHg...) or give the calibration as a "
            "scale and a unit"
        )
    known = sorted({u.name for u in PRESSURE_UNITS.values()})
    forces = sorted({u.name for u in FORCE_UNITS.values()})
    raise UnitError(
        f"unknown pressure unit {text!r}; known: {', '.join(known)}, or a force per {per} "
        f"({', '.join(forces)})"
    )


def length_mm(text: str) -> float:
    """Return the size of one ``text`` length unit in mm (``UnitError`` if unknown)."""
    key = unit_key(text)
    if key not in LENGTH_UNITS:
        raise UnitError(f"unknown length unit {text!r}; known: mm, cm, m, in")
    return LENGTH_UNITS[key]


def area_mm2(text: str) -> float:
    """Return the size of one ``text`` area unit in mm² (``UnitError`` if unknown)."""
    key = unit_key(text)
    if key not in AREA_UNITS:
        raise UnitError(f"unknown area unit {text!r}; known: mm2, cm2, m2, in2")
    return AREA_UNITS[key]
