"""Small checks shared by the data model, readers and analysis functions.

Each check raises :class:`~gaitlab.errors.InvalidRecordingError` (a
``ValueError``) whose message names the field and quotes the value it got,
following the style of MNE's ``_check_option`` and scikit-image's ``check_nD``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from numpy.typing import DTypeLike, NDArray

from gaitlab.errors import GaitlabError, InvalidParameterError, InvalidRecordingError

__all__ = [
    "as_array",
    "check_finite",
    "check_number",
    "check_option",
    "check_positive",
    "check_text",
    "check_timezone",
    "json_safe",
]


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_option(
    name: str,
    value: Any,
    allowed: Iterable[Any],
    *,
    error: type[GaitlabError] = InvalidParameterError,
) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise ``error`` naming ``name``."""
    allowed = list(allowed)
    if value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise error(f"invalid value for {name!r}: expected one of {choices}, got {_short(value)}")
    return value


def check_number(
    name: str,
    value: Any,
    *,
    lo: float = -math.inf,
    hi: float = math.inf,
    lo_open: bool = False,
    integer: bool = False,
    error: type[GaitlabError] = InvalidParameterError,
) -> float:
    """Return ``value`` as a float if it is finite and within ``[lo, hi]``, else raise.

    ``lo_open`` excludes ``lo`` itself; ``integer`` also requires a whole number
    (booleans are refused either way).

    Examples
    --------
    >>> check_number("duration_s", "2.5", lo=0.0, lo_open=True)
    2.5
    """
    kind = "a whole number" if integer else "a number"
    try:
        if isinstance(value, bool):
            raise TypeError
        number = float(value)
    except (TypeError, ValueError):
        raise error(f"{name} must be {kind}, got {_short(value)}") from None
    if integer and not number.is_integer():
        raise error(f"{name} must be {kind}, got {_short(value)}")
    if not math.isfinite(number) or number > hi or number < lo or (lo_open and number == lo):
        low = "" if lo == -math.inf else f"{'>' if lo_open else '>='} {lo:g}"
        high = "" if hi == math.inf else f"<= {hi:g}"
        bounds = " and ".join(b for b in (low, high) if b) or "finite"
        raise error(f"{name} must be {bounds}, got {_short(value)}")
    return number


def check_positive(
    name: str, value: Any, *, error: type[GaitlabError] = InvalidParameterError
) -> float:
    """Return ``value`` as a float if it is finite and > 0, else raise naming ``name``."""
    return check_number(name, value, lo=0.0, lo_open=True, error=error)


def check_text(
    name: str,
    value: Any,
    *,
    empty: bool = True,
    error: type[GaitlabError] = InvalidParameterError,
) -> str:
    """Return ``value`` if it is a string that files can hold (no NUL, no lone surrogate).

    ``empty=False`` also refuses the empty string.
    """
    if not isinstance(value, str):
        raise error(f"{name} must be a string, got {_short(value)}")
    if not empty and not value:
        raise error(f"{name} must not be empty")
    if "\x00" in value:
        raise error(f"{name} must not contain NUL characters, got {_short(value)}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise error(f"{name} is not valid Unicode text, got {_short(value)}") from None
    return value


def check_timezone(
    name: str, value: Any, *, error: type[GaitlabError] = InvalidParameterError
) -> tzinfo | None:
    """Return ``value`` as a tzinfo: None, a tzinfo, ``"UTC"`` or an IANA name.

    Examples
    --------
    >>> check_timezone("tz", "Europe/Paris")
    zoneinfo.ZoneInfo(key='Europe/Paris')
    """
    if value is None or isinstance(value, tzinfo):
        return value
    if isinstance(value, str):
        if value.strip().upper() == "UTC":
            return timezone.utc
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise error(
        f"{name} must be a datetime.tzinfo or a time zone name such as 'Europe/Paris' or "
        f"'UTC', got {_short(value)}"
    )


def as_array(
    value: Any,
    name: str,
    *,
    dtype: DTypeLike,
    ndim: int | tuple[int, ...],
    shape: tuple[int | None, ...] | None = None,
) -> NDArray[Any]:
    """Convert ``value`` to a C-contiguous array and check its rank and shape.

    ``shape`` may hold ``None`` for free axes. The returned array is a new view
    marked read-only, so the caller's own array keeps its flags.
    """
    try:
        array = np.ascontiguousarray(value, dtype=dtype)
    except (TypeError, ValueError) as err:
        raise InvalidRecordingError(
            f"{name} must be an array of {np.dtype(dtype).name}, got {_short(value)} ({err})"
        ) from None
    ranks = (ndim,) if isinstance(ndim, int) else ndim
    if array.ndim not in ranks:
        want = " or ".join(f"{r}-D" for r in ranks)
        raise InvalidRecordingError(f"{name} must be {want}, got shape {array.shape}")
    if shape is not None:
        if len(shape) != array.ndim or any(
            want is not None and want != got for want, got in zip(shape, array.shape, strict=True)
        ):
            want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            raise InvalidRecordingError(f"{name} must have shape {want}, got {array.shape}")
    view = array.view()
    view.flags.writeable = False
    return view


def check_finite(array: NDArray[Any], name: str, *, allow_nan: bool = False) -> None:
    """Raise naming the first non-finite element of ``array`` (row and column for 2-D)."""
    bad = np.isinf(array) if allow_nan else ~np.isfinite(array)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        what = "infinite" if allow_nan else "non-finite"
        raise InvalidRecordingError(
            f"{name} has {int(bad.sum())} {what} values; the first is "
            f"{array[where].item()!r} at index {where if len(where) > 1 else where[0]}"
        )


def json_safe(value: Mapping[str, Any], name: str) -> dict[str, Any]:
    """Return a deep copy of ``value`` that survives a JSON round trip unchanged.

    Tuples become lists, numpy scalars become Python numbers; anything JSON
    cannot hold (sets, arrays, objects, NaN) is refused with the offending key.
    """
    if not isinstance(value, Mapping):
        raise InvalidRecordingError(f"{name} must be a mapping, got {_short(value)}")

    def default(obj: Any) -> Any:
        if isinstance(obj, np.generic):
            return obj.item()
        raise TypeError(f"{type(obj).__name__} is not JSON serialisable")

    for key in value:
        if not isinstance(key, str):
            raise InvalidRecordingError(f"{name} keys must be strings, got {_short(key)}")
        try:
            json.dumps(value[key], default=default, allow_nan=False)
        except (TypeError, ValueError) as err:
            raise InvalidRecordingError(
                f"{name}[{key!r}] cannot be stored: {err}; use str, int, float, bool, None, "
                "lists and dicts"
            ) from None
    text = json.dumps(dict(value), default=default, allow_nan=False, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise InvalidRecordingError(
            f"{name} holds text that cannot be stored as UTF-8 ({err.reason}): "
            f"{_short(text[max(0, err.start - 20) : err.end + 20])}"
        ) from None
    return json.loads(text)
