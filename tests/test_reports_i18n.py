"""Report wording: both languages complete, templates consistent, numbers and dates localised."""

from __future__ import annotations

import ast
import datetime
import re
from pathlib import Path

import pytest

from gaitlab.errors import InvalidParameterError
from gaitlab.reports.i18n import LANGUAGES, MISSING, Translator, catalogue, fields

REPORTS = Path(__file__).resolve().parents[1] / "gaitlab" / "reports"


def test_every_key_exists_in_every_language():
    keys = {lang: set(catalogue(lang)) for lang in LANGUAGES}
    for lang in LANGUAGES:
        for other in LANGUAGES:
            missing = sorted(keys[other] - keys[lang])
            assert not missing, f"keys missing in {lang!r}: {missing}"


def test_templates_have_the_same_fields_in_every_language():
    en = catalogue("en")
    for lang in LANGUAGES:
        for key, template in catalogue(lang).items():
            assert fields(template) == fields(en[key]), f"{lang} {key}: {template!r}"


def test_no_text_is_left_empty_or_untranslated_by_accident():
    en, fr = catalogue("en"), catalogue("fr")
    assert all(text.strip() for text in fr.values())
    # Whole sentences must differ between the languages (units, names and codes may not).
    same = [k for k, v in en.items() if len(v.split()) >= 4 and fr[k] == v]
    allowed = {k for k in same if k.startswith("report.references.")}
    assert set(same) == allowed, sorted(set(same) - allowed)


def _literal_keys() -> set[str]:
    """Catalogue keys written literally in the reports code: t("area.key"...)."""
    keys = set()
    for path in REPORTS.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args:
                first = node.args[0]
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if (
                    (
                        name in ("t", "self.t", "_finding", "has")
                        or (isinstance(node.func, ast.Attribute) and node.func.attr == "t")
                    )
                    and isinstance(first, ast.Constant)
                    and isinstance(first.value, str)
                ):
                    if re.fullmatch(r"[a-z_0-9]+(\.[a-z_0-9]+)+", first.value):
                        keys.add(first.value)
    return keys


def test_every_key_the_code_names_exists():
    keys = _literal_keys()
    assert len(keys) > 50  # the scan does find the keys
    missing = sorted(k for k in keys if k not in catalogue("en"))
    assert not missing


def test_numbers_follow_each_language():
    en, fr = Translator("en"), Translator("fr")
    assert en.number(1234.567, 1, unit="kPa") == "1,234.6\u00a0kPa"
    assert fr.number(1234.567, 1, unit="kPa") == "1\u00a0234,6\u00a0kPa"
    assert en.number(55.04, 1, unit="%") == "55.0%"
    assert fr.number(55.04, 1, unit="%") == "55,0\u00a0%"
    assert fr.number(-2.5, 1, unit="°") == "\u22122,5°"
    assert en.number(3.0, 2, signed=True) == "+3.00"
    assert en.number(float("nan"), 2, unit="mm") == MISSING
    assert en.number(None) == MISSING


def test_dates_and_lookups():
    day = datetime.date(2026, 2, 3)
    assert Translator("en").date(day) == "3 February 2026"
    assert Translator("fr").date(day) == "3 février 2026"
    fr = Translator("fr")
    assert fr("document.page", page=1, total=4) == "Page 1 sur 4"
    with pytest.raises(KeyError, match=r"no 'fr' text for 'nope\.key'"):
        fr("nope.key")
    with pytest.raises(InvalidParameterError, match="lang"):
        Translator("de")
