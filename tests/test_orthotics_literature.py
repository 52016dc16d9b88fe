"""The published values behind the insole rules: complete records, honest units, clear look-up."""

from __future__ import annotations

import dataclasses
import doctest
import re

import pytest

from gaitlab.errors import InvalidParameterError
from gaitlab.orthotics import literature
from gaitlab.orthotics.literature import (
    ALL_VALUES,
    CONDITIONS,
    DIABETIC_THRESHOLDS,
    EVIDENCE,
    HEEL_LIFT,
    METATARSAL_PAD,
    POSTING,
    REARFOOT_EVERSION,
    UNITS,
    LiteratureValue,
    find,
)

TOPICS = {
    "diabetic": DIABETIC_THRESHOLDS,
    "metatarsal_pad": METATARSAL_PAD,
    "posting": POSTING,
    "heel_lift": HEEL_LIFT,
    "rearfoot_eversion": REARFOOT_EVERSION,
}
TEXT_FIELDS = (
    "quantity",
    "device",
    "population",
    "finding",
    "reference",
    "note",
    "source",
    "as_published",
)


def _record(**changes: object) -> LiteratureValue:
    fields = {
        "name": "example_offset_mm",
        "value": 5.0,
        "unit": "mm",
        "quantity": "pad offset",
        "condition": "in_shoe",
        "device": "pedar-X",
        "population": "10 adults",
        "finding": "less pressure",
        "reference": "A. Author. J. 2020;1:1.",
        "doi_or_pmid": "",
        "verified": False,
        "note": "illustration",
        "source": "Author 2020",
        "as_published": "5 mm",
        "evidence": "experiment",
    }
    fields.update(changes)
    return LiteratureValue(**fields)  # type: ignore[arg-type]


def test_all_values_is_every_topic_in_order() -> None:
    assert ALL_VALUES == sum(TOPICS.values(), ())
    for topic, values in TOPICS.items():
        assert values, f"topic {topic} has no record"


def test_names_are_unique() -> None:
    names = [v.name for v in ALL_VALUES]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert duplicates == []


@pytest.mark.parametrize("value", ALL_VALUES, ids=lambda v: v.name)
def test_every_record_is_complete(value: LiteratureValue) -> None:
    for field in TEXT_FIELDS:
        text = getattr(value, field)
        assert isinstance(text, str) and text.strip(), f"{value.name}: empty {field}"
    assert value.unit in UNITS
    assert value.name.endswith(UNITS[value.unit])
    assert value.condition in CONDITIONS
    assert value.evidence in EVIDENCE
    assert isinstance(value.verified, bool)
    low, high = value.bounds
    assert low <= high
    if value.doi_or_pmid:
        assert re.search(r"doi:10\.\d{4,}/|PMID \d+|PMC\d+", value.doi_or_pmid), value.doi_or_pmid


@pytest.mark.parametrize("value", ALL_VALUES, ids=lambda v: v.name)
def test_converted_pressures_match_the_published_figure(value: LiteratureValue) -> None:
    factors = {"kg/cm²": 98.0665, "N/cm²": 10.0}
    for unit, factor in factors.items():
        match = re.search(r"([\d.]+)\s*" + re.escape(unit), value.as_published)
        if match:
            assert value.unit == "kPa"
            assert value.value == pytest.approx(float(match.group(1)) * factor, abs=0.05)


def test_pressure_conditions_are_never_mixed_up() -> None:
    # Barefoot cut-offs and in-shoe targets are different quantities: the records say which.
    assert find("in_shoe_target_peak_kpa").condition == "in_shoe"
    assert find("owings2009_in_shoe_peak_kpa").condition == "in_shoe"
    for name in ("veves1992_barefoot_peak_kpa", "lavery2003_barefoot_peak_kpa"):
        assert find(name).condition == "barefoot"
    for value in ALL_VALUES:
        if value.unit in ("kPa", "kPa·s") and "barefoot" in value.name:
            assert value.condition == "barefoot", value.name
        if "in_shoe" in value.name:
            assert value.condition == "in_shoe", value.name


def test_unverified_records_say_why() -> None:
    unverified = [v for v in ALL_VALUES if not v.verified]
    assert {v.name for v in unverified} >= {"pti_ulcer_risk_kpa_s", "met_pad_offset_hsi_mm"}
    for value in unverified:
        assert "read" in value.note or "recollection" in value.note.lower(), value.name


def test_values_quoted_in_the_issue_that_the_sources_contradict() -> None:
    # Issue 9 recalled "Armstrong 1998 Arch Intern Med ~70 N/cm2": the 70 N/cm2 is in J Foot
    # Ankle Surg; the Arch Intern Med paper (Lavery et al.) says 65 N/cm2.
    armstrong = find("armstrong1998_forefoot_peak_kpa")
    assert armstrong.value == 700.0 and "J Foot Ankle Surg" in armstrong.reference
    assert find("lavery1998_barefoot_peak_kpa").value == 650.0
    assert find("owings2009_in_shoe_peak_kpa").value == 207.0


def test_find_returns_the_record() -> None:
    for value in ALL_VALUES:
        assert find(value.name) is value
    assert find("met_pad_offset_range_mm").bounds == (-5.0, 10.0)
    assert find("lld_min_for_lift_mm").bounds == (5.0, 5.0)
    assert find("heel_lift_initial_fraction").is_range


def test_find_unknown_name_errors_clearly() -> None:
    with pytest.raises(InvalidParameterError, match="no literature value named 'in_shoe_target'"):
        find("in_shoe_target")
    with pytest.raises(ValueError, match="did you mean 'in_shoe_target_peak_kpa'"):
        find("in_shoe_target_peak")
    with pytest.raises(InvalidParameterError, match="no literature value named 'zzz'") as info:
        find("zzz")
    assert "did you mean" not in str(info.value)


def test_find_rejects_non_strings() -> None:
    with pytest.raises(InvalidParameterError, match="no literature value named None"):
        find(None)  # type: ignore[arg-type]


def test_record_is_frozen_and_normalises_numbers() -> None:
    value = _record(value=(1, 3))
    assert value.value == (1.0, 3.0) and isinstance(value.value[0], float)
    assert isinstance(_record(value=5).value, float)
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.value = 2.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"unit": "cm"}, "unit must be one of"),
        ({"unit": "kPa"}, "name ending with '_kpa'"),
        ({"condition": "shod"}, "condition must be one of"),
        ({"evidence": "anecdote"}, "evidence must be one of"),
        ({"reference": "  "}, "reference must not be empty"),
        ({"as_published": ""}, "as_published must not be empty"),
        ({"value": (3.0, 1.0)}, "low <= high"),
        ({"value": float("nan")}, "value must be finite"),
        ({"name": "Bad Name_mm"}, "lower-case identifier"),
    ],
)
def test_bad_records_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        _record(**changes)


def test_module_examples_run() -> None:
    result = doctest.testmod(literature, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5
    assert result.failed == 0
