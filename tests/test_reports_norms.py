# ruff: noqa: RUF001 - en dashes are the typography of the labels
"""Published normal ranges (gaitlab.reports.norms): the table, the check, the labels, the docs."""

from __future__ import annotations

import dataclasses
import inspect
import math
from pathlib import Path

import pytest

from gaitlab import synth
from gaitlab.analysis.dynamic import dynamic_exam
from gaitlab.analysis.indices import ARCH_INDEX_CUTOFFS, classify_foot_type
from gaitlab.analysis.static import static_exam
from gaitlab.analysis.symmetry import symmetry_table
from gaitlab.errors import InvalidParameterError
from gaitlab.reports.i18n import Translator, catalogue, fields
from gaitlab.reports.norms import (
    KINDS,
    METRIC_ALIASES,
    NORMAL_RANGES,
    STATUSES,
    NormalRange,
    NormCheck,
    check_normal,
    ranges_for,
)

DOCS = Path(__file__).resolve().parents[1] / "docs" / "norms.md"
EN, FR = Translator("en"), Translator("fr")


def _population(r: NormalRange, age: float | None = None) -> dict:
    """Patient arguments that place a patient in the range's population."""
    if age is None and r.age_years is not None:
        youngest, oldest = r.age_years
        age = youngest + 0.5 if math.isinf(oldest) else (youngest + oldest) / 2
    return {"age_years": age, "sex": r.sex, "definition": dict(r.definition)}


def _own_age(r: NormalRange) -> float | None:
    """An age that only this range of its metric holds (ranges may overlap at their ends)."""
    if r.age_years is None:
        return None
    youngest, oldest = r.age_years
    top = youngest + 80 if math.isinf(oldest) else oldest
    others = [o for o in ranges_for(r.metric) if o is not r and o.sex == r.sex]
    for age in range(int(youngest), int(top) + 1):
        if not any(o.holds_age(age + 0.5) for o in others):
            return age + 0.5
    pytest.fail(f"{r.source} ({r.metric}) shares every age with another range")


def _inside(r: NormalRange) -> float:
    if r.low is not None and r.high is not None:
        return (r.low + r.high) / 2
    if r.high is not None:
        return r.high - 0.1 * abs(r.high)
    assert r.low is not None
    return r.low + 0.1 * abs(r.low)


# -- the table ----------------------------------------------------------------------------------


def test_table_entries_are_complete():
    assert len(NORMAL_RANGES) >= 10
    for r in NORMAL_RANGES:
        assert r.kind in KINDS
        assert r.low is not None or r.high is not None
        assert r.source and r.reference and r.population_key
        # Every reference gives its DOI, or says it has none / names its PubMed id.
        assert "doi:10." in r.reference or "no DOI" in r.reference or "PMID" in r.reference
        assert r.sex in (None, "female", "male")


@pytest.mark.parametrize(
    "r", NORMAL_RANGES, ids=lambda r: f"{r.metric}-{r.source}-{r.age_years}-{r.sex}"
)
def test_every_range_is_reachable(r: NormalRange):
    patient = _population(r, _own_age(r))
    inside = check_normal(r.metric, _inside(r), **patient)
    assert inside.status == "normal", inside.reason
    assert inside.range == r
    if r.low is not None:
        below = check_normal(r.metric, r.low - max(1.0, abs(r.low)) * 0.05, **patient)
        assert (below.status, below.range) == ("low", r)
    if r.high is not None:
        above = check_normal(r.metric, r.high + max(1.0, abs(r.high)) * 0.05, **patient)
        assert (above.status, above.range) == ("high", r)
    # A bound itself is normal.
    for bound in (r.low, r.high):
        if bound is not None:
            assert check_normal(r.metric, bound, **patient).status == "normal"


def test_ranges_are_immutable_and_hashable():
    r = NORMAL_RANGES[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.low = 0.0  # type: ignore[misc]
    step_width = ranges_for("step_width_mm")[0]
    with pytest.raises(TypeError):
        step_width.definition["step_width"] = "progression"  # type: ignore[index]
    assert len(set(NORMAL_RANGES)) == len(NORMAL_RANGES)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"low": None, "high": None},
        {"low": 2.0, "high": 1.0},
        {"kind": "guess"},
        {"age_years": (40, 30)},
        {"sex": "f"},
        {"source": ""},
    ],
)
def test_normal_range_refuses_bad_entries(kwargs):
    base = {
        "metric": "arch_index",
        "low": 0.1,
        "high": 0.2,
        "unit": "",
        "population_key": "adults_18_45_emed",
        "source": "x",
        "reference": "y",
        "kind": "range",
    }
    with pytest.raises(InvalidParameterError):
        NormalRange(**{**base, **kwargs})


def test_arch_index_range_is_the_analysis_cutoffs():
    (r,) = ranges_for("arch_index")
    lower, upper, _ = ARCH_INDEX_CUTOFFS["buldt2018"]
    assert (r.low, r.high) == (lower, upper) == (0.11, 0.25)
    # The report's highlight agrees with the analysis's foot-type reading.
    for value, category, status in [
        (0.09, "cavus", "low"),
        (0.2, "normal", "normal"),
        (0.3, "planus", "high"),
    ]:
        assert classify_foot_type(value, index="arch_index").category == category
        assert check_normal("arch_index", value, age_years=30).status == status


def test_symmetry_range_is_the_analysis_flag():
    (r,) = ranges_for("symmetry_index_pct")
    default = inspect.signature(symmetry_table).parameters["threshold_pct"].default
    assert (r.low, r.high) == (-default, default) == (-15.0, 15.0)
    table = symmetry_table({"step_length_mm": 600.0}, {"step_length_mm": 720.0})
    si = float(table.si_pct[0])
    assert table.flagged[0] and check_normal("symmetry_index_pct", si).status == "high"
    table = symmetry_table({"step_length_mm": 600.0}, {"step_length_mm": 630.0})
    si = float(table.si_pct[0])
    assert not table.flagged[0] and check_normal("symmetry_index_pct", si).status == "normal"


# -- the check ----------------------------------------------------------------------------------


def test_below_inside_above():
    assert check_normal("arch_index", 0.10, age_years=25).status == "low"
    assert check_normal("arch_index", 0.18, age_years=25).status == "normal"
    assert check_normal("arch_index", 0.26, age_years=25).status == "high"
    assert check_normal("arch_index", 0.26, age_years=25).flagged
    assert not check_normal("arch_index", 0.18, age_years=25).flagged


@pytest.mark.parametrize("value", [float("nan"), None])
def test_missing_value(value):
    check = check_normal("arch_index", value, age_years=25)
    assert check.status == "missing" and check.range is None
    assert check.label(EN) == "value missing"
    assert check.label(FR) == "valeur manquante"


def test_unknown_metric_has_no_range():
    check = check_normal("gait_line_length_mm", 220.0, age_years=25)
    assert check.status == "no_range" and check.range is None
    assert "gait_line_length_mm" in check.reason
    assert check.label(EN) == "no published normal range"
    assert ranges_for("gait_line_length_mm") == ()
    # Metrics for which docs/norms.md says no range was found stay without one.
    for metric in ("cpei_pct", "romberg_quotient", "ellipse_area_mm2", "cadence_steps_per_min"):
        assert check_normal(metric, 1.0, age_years=30, sex="female").status == "no_range"


def test_definition_mismatch_is_not_comparable():
    child = {"age_years": 6.0}
    ok = check_normal("step_width_mm", 90.0, definition={"step_width": "hollman"}, **child)
    assert ok.status == "normal"
    other = check_normal("step_width_mm", 90.0, definition={"step_width": "progression"}, **child)
    assert (other.status, other.cause) == ("not_comparable", "definition")
    assert "progression" in other.reason and "hollman" in other.reason
    assert other.range is ranges_for("step_width_mm")[0]
    # An exam whose definition is not stated is not compared either.
    for definition in (None, {}, {"step_width": None}):
        unknown = check_normal("step_width_mm", 300.0, definition=definition, **child)
        assert (unknown.status, unknown.cause) == ("not_comparable", "definition")
        assert "not given" in unknown.reason
    # Unrelated options do not matter.
    extra = {"step_width": "hollman", "event_timing": "midpoint"}
    assert check_normal("step_width_mm", 300.0, definition=extra, **child).status == "high"


def test_definition_numbers_compare_with_tolerance_and_tuples_accept_several():
    r = NormalRange(
        metric="x",
        low=0.0,
        high=1.0,
        unit="",
        definition={"probability": 0.95, "ellipse": ("prediction", "prediction_f")},
        population_key="adults_18_45_emed",
        source="s",
        reference="r",
        kind="range",
    )
    from gaitlab.reports import norms

    assert (
        norms._definition_problem(r, {"probability": 0.95 + 1e-12, "ellipse": "prediction_f"})
        is None
    )
    assert "confidence" in norms._definition_problem(
        r, {"probability": 0.95, "ellipse": "confidence"}
    )
    assert "0.9" in norms._definition_problem(r, {"probability": 0.9, "ellipse": "prediction"})


def test_age_outside_the_population_is_not_comparable():
    old = check_normal("arch_index", 0.3, age_years=70)
    assert (old.status, old.cause) == ("not_comparable", "population")
    assert old.range is ranges_for("arch_index")[0] and "70" in old.reason
    # Completed years: 45.9 is still 45.
    assert check_normal("arch_index", 0.3, age_years=45.9).status == "high"
    assert check_normal("arch_index", 0.3, age_years=46.0).status == "not_comparable"
    assert check_normal("arch_index", 0.3, age_years=17.99).status == "not_comparable"
    unknown = check_normal("arch_index", 0.3)
    assert (unknown.status, unknown.cause) == ("not_comparable", "age_not_given")


def test_age_and_sex_select_the_range():
    young = check_normal("left_load_pct", 66.5, age_years=35, sex="female")
    older = check_normal("left_load_pct", 66.5, age_years=55, sex="F")
    assert (young.status, young.range.source) == ("high", "Ohlendorf et al. 2020")
    assert (older.status, older.range.source) == ("normal", "Ohlendorf et al. 2022")
    man = check_normal("left_load_pct", 50.0, age_years=35, sex="male")
    assert (man.status, man.cause, man.range) == ("not_comparable", "no_population", None)
    between = check_normal("left_load_pct", 50.0, age_years=45, sex="female")
    assert (between.status, between.cause) == ("not_comparable", "no_population")
    nosex = check_normal("left_load_pct", 50.0, age_years=35)
    assert (nosex.status, nosex.cause) == ("not_comparable", "sex_not_given")
    with pytest.raises(InvalidParameterError, match="sex"):
        check_normal("left_load_pct", 50.0, age_years=35, sex="x")
    with pytest.raises(InvalidParameterError, match="age_years"):
        check_normal("left_load_pct", 50.0, age_years=-1.0, sex="female")
    with pytest.raises(InvalidParameterError, match="definition"):
        check_normal("left_load_pct", 50.0, definition=["ellipse"])  # type: ignore[arg-type]


def test_overlapping_published_criteria_that_disagree_are_not_comparable():
    extent = {"width": "extent"}
    # At 6 y both the 3-7 y (> 62.7 %) and the 6-9 y (> 59 %) flat-foot criteria apply.
    split = check_normal("chippaux_smirak_index_pct", 60.0, definition=extent, age_years=6)
    assert (split.status, split.cause, split.range) == ("not_comparable", "disagree", None)
    assert "62.7" not in split.reason and "3-7" in split.reason and "6-9" in split.reason
    agree = check_normal("chippaux_smirak_index_pct", 70.0, definition=extent, age_years=6)
    assert agree.status == "high" and agree.range.age_years == (3, 7)
    assert (
        check_normal("chippaux_smirak_index_pct", 60.0, definition=extent, age_years=8.2).status
        == "high"
    )
    assert (
        check_normal("chippaux_smirak_index_pct", 60.0, definition=extent, age_years=5).status
        == "normal"
    )


def test_aliases_convert_units():
    assert set(METRIC_ALIASES) == {"walking_speed_m_s", "foot_progression_angle_deg"}
    (mm,) = ranges_for("walking_speed_mm_s")
    (m,) = ranges_for("walking_speed_m_s")
    assert (m.low, m.high, m.unit, m.metric) == (0.68, 1.8, "m/s", "walking_speed_m_s")
    assert (mm.low, mm.high, mm.unit) == (680.0, 1800.0, "mm/s")
    for value_m_s in (0.5, 1.2, 2.0):
        a = check_normal("walking_speed_m_s", value_m_s, age_years=70)
        b = check_normal("walking_speed_mm_s", value_m_s * 1000, age_years=70)
        assert a.status == b.status
    assert (
        ranges_for("foot_progression_angle_deg")[0].low == ranges_for("foot_progression_deg")[0].low
    )


# -- labels and catalogues ----------------------------------------------------------------------


def test_labels_in_both_languages():
    ai = check_normal("arch_index", 0.3, age_years=30)
    assert ai.label(EN) == "normal 0.11–0.25 (Buldt et al. 2018)"
    assert ai.label(FR) == "normale 0,11–0,25 (Buldt et al. 2018)"
    assert ai.label(EN, population=True) == (
        "normal 0.11–0.25 (Buldt et al. 2018; healthy adults 18–45 y, emed-x)"
    )
    assert ai.label(FR, population=True) == (
        "normale 0,11–0,25 (Buldt et al. 2018\u00a0; adultes sains de 18 à 45 ans, emed-x)"
    )
    load = check_normal("left_load_pct", 50.0, age_years=35, sex="female")
    assert load.label(EN) == "normal 37.02–65.90% (Ohlendorf et al. 2020)"
    assert load.label(FR) == "normale 37,02–65,90\u00a0% (Ohlendorf et al. 2020)"
    fpa = check_normal("foot_progression_deg", 0.0, age_years=10)
    assert fpa.label(EN) == "normal \u22128.0 to 16.4° (J Pediatr Orthop 1996;16:570)"
    assert fpa.label(FR) == "normale de \u22128,0 à 16,4° (J Pediatr Orthop 1996;16:570)"
    csi = check_normal(
        "chippaux_smirak_index_pct", 50.0, definition={"width": "extent"}, age_years=4
    )
    assert csi.label(EN) == "normal ≤ 62.7% (Banwell et al. 2018)"
    assert csi.label(FR) == "normale ≤\u00a062,7\u00a0% (Banwell et al. 2018)"
    speed = check_normal("walking_speed_m_s", 1.0, age_years=65)
    assert speed.label(FR) == "normale 0,68–1,80\u00a0m/s (Kasović et al. 2021)"


def test_not_comparable_labels_name_the_source_and_population():
    old = check_normal("arch_index", 0.3, age_years=70)
    assert old.label(EN) == (
        "not comparable: the range of Buldt et al. 2018 is for healthy adults 18–45 y, emed-x"
    )
    assert old.label(FR).startswith("non comparable\u00a0: la norme (Buldt et al. 2018)")
    assert "adultes sains de 18 à 45 ans" in old.label(FR)
    definition = check_normal(
        "step_width_mm", 90.0, definition={"step_width": "progression"}, age_years=5
    )
    assert "another definition" in definition.label(EN)
    assert "autre définition" in definition.label(FR)
    man = check_normal("left_load_pct", 50.0, age_years=35, sex="male")
    assert man.label(EN) == "not comparable: no published range for this patient's age and sex"
    no_age = check_normal("arch_index", 0.2)
    assert "age not given" in no_age.label(EN) and "âge non renseigné" in no_age.label(FR)
    split = check_normal(
        "chippaux_smirak_index_pct", 60.0, definition={"width": "extent"}, age_years=6
    )
    assert "disagree" in split.label(EN) and "contredisent" in split.label(FR)


def test_every_population_key_and_label_key_is_in_both_catalogues():
    for lang in ("en", "fr"):
        messages = catalogue(lang)
        for r in NORMAL_RANGES:
            assert f"norms.population.{r.population_key}" in messages, (lang, r.population_key)
        for status in STATUSES:
            assert f"norms.status.{status}" in messages
        for kind in KINDS:
            assert f"norms.kind.{kind}" in messages
    en = {k: v for k, v in catalogue("en").items() if k.startswith("norms.")}
    fr = {k: v for k, v in catalogue("fr").items() if k.startswith("norms.")}
    assert set(en) == set(fr)
    for key in en:
        assert fields(en[key]) == fields(fr[key]), key
    # French typography: a no-break space before the colon.
    assert all(" :" not in v and " ;" not in v for v in fr.values())


def test_norm_check_is_a_small_value_object():
    check = NormCheck("normal", NORMAL_RANGES[0])
    assert check.reason == "" and check.cause == ""
    assert check.label(EN).startswith("normal 0.11")


# -- the docs -----------------------------------------------------------------------------------


def test_docs_name_every_source_range_and_the_metrics_without_one():
    text = DOCS.read_text(encoding="utf-8")
    for r in NORMAL_RANGES:
        assert r.source in text, r.source
        doi = r.reference.split("doi:")[1].split()[0] if "doi:" in r.reference else None
        if doi:
            assert doi in text, doi
        assert f"`{r.metric}`" in text
        assert f"`{r.population_key}`" in text
    lowered = text.lower()
    assert "no published range" in lowered
    for metric in (
        "cpei_pct",
        "romberg_quotient",
        "ellipse_area_mm2",
        "mean_velocity_mm_s",
        "cadence_steps_per_min",
        "step_length_mm",
        "stance_pct_stride",
        "double_support_pct_stride",
    ):
        assert f"`{metric}`" in text, metric


# -- on analysed synthetic subjects -------------------------------------------------------------


def test_static_exam_load_split_against_the_range():
    def left_share(left_load_pct: float) -> float:
        trial = synth.static_standing(
            seed=1,
            duration_s=2.0,
            sampling_rate_hz=50.0,
            rows=70,
            cols=60,
            left_load_pct=left_load_pct,
        )
        return static_exam(trial.recording).left_load_pct

    balanced, leaning = left_share(52.0), left_share(70.0)
    assert abs(balanced - 52.0) < 1 and abs(leaning - 70.0) < 1
    assert check_normal("left_load_pct", balanced, age_years=35, sex="female").status == "normal"
    assert check_normal("left_load_pct", leaning, age_years=35, sex="female").status == "high"
    assert check_normal("left_load_pct", leaning, age_years=55, sex="female").status == "high"


def test_dynamic_exam_measures_against_the_ranges():
    usual = dynamic_exam(synth.walkway(seed=0, rows=700).recording)
    odd = dynamic_exam(
        synth.walkway(
            seed=0,
            rows=700,
            cadence_steps_per_min=80.0,
            step_length_mm=350.0,
            step_width_mm=180.0,
            foot_progression_deg=-12.0,
        ).recording
    )
    for exam, status in ((usual, "normal"), (odd, "high")):
        definition = {"step_width": exam.spatiotemporal.step_width}
        width = exam.per_foot.mean("step_width_mm", "left")
        assert (
            check_normal("step_width_mm", width, definition=definition, age_years=8).status
            == status
        )
    assert (
        check_normal(
            "foot_progression_deg",
            usual.per_foot.mean("foot_progression_deg", "left"),
            age_years=12,
        ).status
        == "normal"
    )
    assert (
        check_normal(
            "foot_progression_deg", odd.per_foot.mean("foot_progression_deg", "left"), age_years=12
        ).status
        == "low"
    )
    assert (
        check_normal("walking_speed_mm_s", usual.walking_speed_mm_s, age_years=65).status
        == "normal"
    )
    assert check_normal("walking_speed_mm_s", odd.walking_speed_mm_s, age_years=65).status == "low"
