"""Report wording in English and French: message catalogues, numbers and dates.

Every label, term and sentence a report shows comes from a catalogue, never
from a string in the code, so the two languages cannot drift apart: the tests
fail when a key exists in one language only, or when a template's fields
differ between languages.

Catalogues are TOML files under ``gaitlab/reports/locales/<lang>/``, one per
area (``document.toml``, ``figures.toml``, ``report.toml``...). A key is the
file's stem, a dot, and the key inside the file (tables nest with dots):
``figures.toml`` holding ``[sway]`` / ``title = "..."`` gives
``'figures.sway.title'``. Values are :meth:`str.format` templates.

Numbers follow each language's typography: a decimal point in English, a
decimal comma in French, and in French a no-break space before ``%`` and
every unit (``12,5 %``, ``230 kPa``). A value that is missing (NaN or None)
is shown as an en dash; the report says why elsewhere.
"""

from __future__ import annotations

import datetime
import functools
import math
import string
from collections.abc import Mapping
from importlib import resources
from typing import Any

from gaitlab._validation import check_option

try:  # Python >= 3.11
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["LANGUAGES", "Translator", "catalogue", "fields"]

#: Languages a report can be written in.
LANGUAGES = ("en", "fr")

#: What a missing value is shown as.
MISSING = "\u2013"

_NBSP = "\u00a0"


def _flatten(table: Mapping[str, Any], prefix: str, out: dict[str, str], where: str) -> None:
    for key, value in table.items():
        name = f"{prefix}.{key}"
        if isinstance(value, Mapping):
            _flatten(value, name, out, where)
        elif isinstance(value, str):
            out[name] = value
        else:
            raise TypeError(f"{where}: {name} must be text, not {type(value).__name__}")


@functools.cache
def catalogue(lang: str) -> Mapping[str, str]:
    """Return every key of a language and its template.

    Parameters
    ----------
    lang : {'en', 'fr'}
        The language.

    Returns
    -------
    dict of str to str
        Keys (``'<file stem>.<key>'``) and templates.

    Examples
    --------
    >>> catalogue("fr")["document.patient"]
    'Patient'
    """
    check_option("lang", lang, LANGUAGES)
    out: dict[str, str] = {}
    folder = resources.files("gaitlab.reports") / "locales" / lang
    for item in sorted(folder.iterdir(), key=lambda f: f.name):
        if not item.name.endswith(".toml"):
            continue
        where = f"locales/{lang}/{item.name}"
        with item.open("rb") as stream:
            _flatten(tomllib.load(stream), item.name[: -len(".toml")], out, where)
    return out


def fields(template: str) -> set[str]:
    """Return the names of the replacement fields of a template.

    The tests use it to check that a key has the same fields in every language.

    Parameters
    ----------
    template : str
        A :meth:`str.format` template.

    Returns
    -------
    set of str

    Examples
    --------
    >>> sorted(fields("Page {page} of {total}"))
    ['page', 'total']
    """
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Translator:
    r"""Look up and format report text in one language.

    Parameters
    ----------
    lang : {'en', 'fr'}
        The language.

    Examples
    --------
    >>> t = Translator("fr")
    >>> t("document.page", page=2, total=5)
    'Page 2 sur 5'
    >>> t.number(12.345, 1, unit="%"), Translator("en").number(12.345, 1, unit="%")
    ('12,3\xa0%', '12.3%')
    >>> t.number(float("nan"), 1) == MISSING
    True
    """

    def __init__(self, lang: str) -> None:
        check_option("lang", lang, LANGUAGES)
        self.lang = lang
        self._messages = catalogue(lang)

    def __repr__(self) -> str:
        return f"Translator({self.lang!r})"

    def __call__(self, key: str, /, **values: Any) -> str:
        """Return the text of ``key`` with ``values`` filled in.

        Raises
        ------
        KeyError
            If the key is not in this language's catalogue.
        """
        try:
            template = self._messages[key]
        except KeyError:
            raise KeyError(f"no {self.lang!r} text for {key!r}") from None
        return template.format(**values) if values or "{" in template else template

    def has(self, key: str) -> bool:
        """Return whether the catalogue has ``key``."""
        return key in self._messages

    def number(
        self,
        value: float | int | None,
        digits: int = 1,
        *,
        unit: str = "",
        signed: bool = False,
    ) -> str:
        """Format a number with ``digits`` decimals, in this language's typography.

        ``unit`` follows the number (``'%'``, ``'kPa'``, ``'°'``...); a missing
        value (None, NaN) is an en dash without unit.
        """
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return MISSING
        text = f"{value:{'+' if signed else ''},.{digits}f}"
        if self.lang == "fr":
            text = text.replace(",", _NBSP).replace(".", ",")
        text = text.replace("-", "\u2212")  # a real minus sign
        return self.with_unit(text, unit)

    def with_unit(self, text: str, unit: str) -> str:
        r"""Append ``unit`` to formatted ``text`` with this language's spacing.

        No space before ``°``, nor before ``%`` in English; a no-break space
        otherwise (French typography puts one before ``%``).

        Examples
        --------
        >>> Translator("fr").with_unit("12,5 ± 1,0", "%"), Translator("en").with_unit("3", "°")
        ('12,5 ± 1,0\xa0%', '3°')
        """
        if not unit:
            return text
        if unit == "°" or (unit == "%" and self.lang == "en"):
            return f"{text}{unit}"
        return f"{text}{_NBSP}{unit}"

    def date(self, value: datetime.date) -> str:
        """Format a date with the month written out (``21 November 2026``)."""
        month = self(f"document.month_{value.month}")
        return self("document.date_format", day=value.day, month=month, year=value.year)
