"""Shared docstring text, so a parameter that several functions take is described once.

A docstring line that holds only ``%(name)s`` is replaced by ``DOCDICT[name]``,
indented like the placeholder (MNE's ``docdict``/``fill_doc`` idea). Only
whole-line placeholders are filled, so a ``%`` elsewhere in a docstring is
left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

__all__ = ["DOCDICT", "fill_doc"]

F = TypeVar("F", bound=Callable[..., object])

_PLACEHOLDER = re.compile(r"^(?P<indent>[ ]*)%\((?P<key>\w+)\)s[ ]*$", re.MULTILINE)

#: name -> numpydoc entry, unindented (first line ``name : type``).
DOCDICT: dict[str, str] = {
    "seed": """seed : int
    Seed of every random choice.""",
    "body_weight_n": """body_weight_n : float
    Body weight, N.""",
    "foot_length_mm": """foot_length_mm : float
    Foot length (heel to hallux tip).""",
    "noise": """noise : bool
    Add sensor noise (multiplicative, ``noise_sd_pct``) and zero values
    below ``threshold_kpa``. The truth is always noise-free.""",
    "noise_sd_pct": """noise_sd_pct : float
    SD of the multiplicative noise, % of the value.""",
    "threshold_kpa": """threshold_kpa : float
    Detection threshold applied with the noise.""",
    "resolution_kpa": """resolution_kpa : float
    Pressures are rounded to multiples of this step with the noise, as a
    device's converter does (pedar 2.5 kPa, Tekscan 1 kPa); 0 keeps full
    float32 precision.""",
    "cadence_steps_per_min": """cadence_steps_per_min : float
    Steps per minute.""",
    "stance_fraction": """stance_fraction : float
    Stance time over stride time (0.5 to 0.8).""",
    "contact_image": """image : ContactImage, optional
    The contact image of this print, built once beforehand with the same
    ``points_mm``, ``areas_mm2``, ``contact``, ``threshold_kpa`` and
    ``resolution_mm`` (checked) by
    :class:`gaitlab.analysis._contact_image.ContactImage`, so that the
    indices of one print rasterise it once
    (:func:`~gaitlab.analysis.dynamic.dynamic_exam` does); default: rasterise
    here.""",
}


def fill_doc(func: F) -> F:
    """Replace whole-line ``%(name)s`` placeholders in ``func``'s docstring.

    Raises
    ------
    KeyError
        If a placeholder names no entry of :data:`DOCDICT` (at import time,
        so a typo cannot ship).

    Examples
    --------
    >>> @fill_doc
    ... def f(seed=0):
    ...     '''Do nothing.
    ...
    ...     Parameters
    ...     ----------
    ...     %(seed)s
    ...     '''
    >>> "Seed of every random choice" in f.__doc__
    True
    """

    def substitute(match: re.Match[str]) -> str:
        indent = match["indent"]
        return "\n".join(
            indent + line if line else line for line in DOCDICT[match["key"]].split("\n")
        )

    if func.__doc__:
        func.__doc__ = _PLACEHOLDER.sub(substitute, func.__doc__)
    return func
