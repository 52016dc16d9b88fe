"""The base class of analysis results: small frozen dataclasses that become dicts and tables.

Every analysis returns an :class:`AnalysisResult` subclass, never a bare tuple
(ARCHITECTURE.md "Core data model"). A result that could not compute some of
its values keeps them as NaN *and* says why in ``unavailable`` (metric name ->
reason); the base class refuses a scalar NaN field without a reason, so a NaN
can never reach a report silently.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["AnalysisResult", "plain"]


def plain(value: Any) -> Any:
    """Return ``value`` as JSON-able Python: arrays -> lists, NaN -> None, results -> dicts.

    Examples
    --------
    >>> plain({"a": np.array([1.0, np.nan]), "b": (np.float32(2.5),)})
    {'a': [1.0, None], 'b': [2.5]}
    """
    if isinstance(value, AnalysisResult):
        return value.to_dict()
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()] if value.ndim else plain(value.item())
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | bool | int | float | np.generic | enum.Enum)


@dataclasses.dataclass(frozen=True, kw_only=True)
class AnalysisResult:
    """Base of every analysis result.

    Attributes
    ----------
    unavailable : dict of str to str
        Metrics that could not be computed (their value is NaN or empty),
        mapped to the reason, e.g. ``{"ellipse_area_mm2": "fewer than 3 COP
        samples with load"}``.

    Examples
    --------
    >>> @dataclasses.dataclass(frozen=True, kw_only=True)
    ... class Demo(AnalysisResult):
    ...     speed_mm_s: float
    >>> Demo(speed_mm_s=float("nan"), unavailable={"speed_mm_s": "no steps"}).to_dict()
    {'speed_mm_s': None, 'unavailable': {'speed_mm_s': 'no steps'}}
    >>> Demo(speed_mm_s=float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: Demo.speed_mm_s is NaN but 'unavailable' gives no reason
    """

    unavailable: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "unavailable", dict(self.unavailable))
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if (
                isinstance(value, float | np.floating)
                and math.isnan(value)
                and field.name not in self.unavailable
            ):
                raise ValueError(
                    f"{type(self).__name__}.{field.name} is NaN but 'unavailable' gives no reason"
                )

    def to_dict(self) -> dict[str, Any]:
        """Return every field as plain JSON-able values (NaN becomes None, arrays lists)."""
        out = {
            f.name: plain(getattr(self, f.name))
            for f in dataclasses.fields(self)
            if f.name != "unavailable"
        }
        out["unavailable"] = dict(self.unavailable)
        return out

    def scalars(self) -> dict[str, Any]:
        """Return the scalar fields (numbers, text, flags), without ``unavailable``."""
        out = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.name != "unavailable" and _is_scalar(value):
                out[field.name] = value.value if isinstance(value, enum.Enum) else value
        return out

    def to_dataframe(self) -> pd.DataFrame:
        """Return the scalar fields as a one-row table (subclasses with rows override this)."""
        return pd.DataFrame([self.scalars()])
