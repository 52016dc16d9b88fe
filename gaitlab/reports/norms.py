# ruff: noqa: RUF002 - en dashes are the typography of the labels shown in the examples
"""Published normal ranges, and the check of a measured value against them.

A report highlights a value that lies outside a published normal range and
names the source of that range. This module holds the table of ranges
(:data:`NORMAL_RANGES`) and the check (:func:`check_normal`); every figure in
the table, the population it was measured in, the definition it applies to and
the full reference are listed in ``docs/norms.md``, together with the metrics
for which no published range was found (most of them: a value without a range
is shown without a highlight, never against an invented one).

What a range says
-----------------
- ``low`` / ``high``: the bounds, in the unit of the gaitlab metric; ``None`` for
  an open side (a flat-foot cut-off has no lower bound). A value equal to a
  bound is normal.
- ``kind``: how the bounds were obtained. ``'range'``: a range the source
  publishes (a tolerance range, an observed range). ``'cutoff'``: a
  classification boundary the source publishes or applies. ``'mean_sd'``:
  mean ± 2 SD of the source's healthy group, computed by gaitlab from the
  published mean and SD unless ``docs/norms.md`` says the source itself gives
  the mean ± 2 SD.
- ``definition``: conditions on how the exam was measured and analysed, with
  gaitlab's option names (``{'step_width': 'hollman'}``, ``{'width':
  'extent'}``). A value may be a tuple of acceptable values.
- ``age_years``: ``(youngest, oldest)`` in completed years, both included
  (``(18, 45)`` holds a patient of 45.9 years); ``sex``: ``'female'`` or
  ``'male'``; ``None``: any.

How a value is checked
----------------------
:func:`check_normal` takes the ranges of the metric, keeps those whose
population holds the patient (a range restricted by age or sex needs the
patient's age or sex: without it the value is *not comparable*, since the
range may not apply), then those whose every definition condition the exam
meets (a condition the caller does not state counts as not met: a range for
the 95 % prediction ellipse never flags a value whose ellipse is unknown).
The value is then ``'low'``, ``'normal'`` or ``'high'``. When several ranges
still apply and disagree (published criteria overlapping at some ages), the
value is not comparable. The check never raises for a missing value or an
unknown metric: it says ``'missing'`` or ``'no_range'``.

Why hand-written
----------------
The table is data gathered for gaitlab from the published sources; there is
no library of podiatric normal values to depend on.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal

from gaitlab.analysis.indices import ARCH_INDEX_CUTOFFS
from gaitlab.analysis.symmetry import DEFAULT_THRESHOLD_PCT
from gaitlab.errors import InvalidParameterError
from gaitlab.reports.i18n import Translator

__all__ = [
    "KINDS",
    "METRIC_ALIASES",
    "NORMAL_RANGES",
    "STATUSES",
    "NormCheck",
    "NormalRange",
    "check_normal",
    "ranges_for",
]

logger = logging.getLogger(__name__)

#: How the bounds of a range were derived (see :class:`NormalRange`).
KINDS = ("range", "cutoff", "mean_sd")
#: Outcomes of :func:`check_normal`.
STATUSES = ("low", "normal", "high", "no_range", "not_comparable", "missing")
_SEXES = ("female", "male")
_SEX_NAMES = {"female": "female", "f": "female", "male": "male", "m": "male"}


@dataclasses.dataclass(frozen=True, kw_only=True)
class NormalRange:
    """One published normal range of one gaitlab metric.

    Parameters
    ----------
    metric : str
        gaitlab metric name, as in ``docs/metrics.md`` and the result fields
        (``'arch_index'``, ``'left_load_pct'``, ``'step_width_mm'``...).
    low, high : float or None
        Bounds in the metric's unit; ``None`` for an open side. A value equal
        to a bound is normal.
    unit : str
        Unit of the bounds as printed (``'%'``, ``'mm'``, ``'°'``, ``''``).
    definition : mapping of str to object
        Conditions on the exam's options, with gaitlab's option names; a value
        may be a tuple of acceptable values. Empty: none.
    age_years : (float, float) or None
        Youngest and oldest age of the source's population in completed
        years, both included; ``None``: any age.
    sex : {'female', 'male'} or None
        Sex of the source's population; ``None``: both.
    population_key : str
        Key of the population's description under ``norms.population.`` in
        the report catalogues.
    source : str
        Short citation shown next to the range (``'Buldt et al. 2018'``).
    reference : str
        Full reference, with its DOI where it has one.
    kind : {'range', 'cutoff', 'mean_sd'}
        How ``low`` and ``high`` were derived (module docstring).

    Examples
    --------
    >>> r = NormalRange(metric="arch_index", low=0.11, high=0.25, unit="",
    ...                 age_years=(18, 45), population_key="adults_18_45_emed",
    ...                 source="Buldt et al. 2018", reference="...", kind="cutoff")
    >>> r.holds_age(45.9), r.holds_age(46.0)
    (True, False)
    """

    metric: str
    low: float | None
    high: float | None
    unit: str
    definition: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    age_years: tuple[float, float] | None = None
    sex: str | None = None
    population_key: str
    source: str
    reference: str
    kind: Literal["range", "cutoff", "mean_sd"]

    def __post_init__(self) -> None:
        where = f"normal range of {self.metric!r} ({self.source})"
        if self.kind not in KINDS:
            raise InvalidParameterError(f"{where}: kind must be one of {KINDS}, got {self.kind!r}")
        if self.low is None and self.high is None:
            raise InvalidParameterError(f"{where}: low and high are both None")
        if self.low is not None and self.high is not None and not self.low <= self.high:
            raise InvalidParameterError(f"{where}: low {self.low} > high {self.high}")
        if self.age_years is not None:
            youngest, oldest = self.age_years
            if not 0 <= youngest <= oldest:
                raise InvalidParameterError(f"{where}: bad age_years {self.age_years!r}")
        if self.sex is not None and self.sex not in _SEXES:
            raise InvalidParameterError(f"{where}: sex must be one of {_SEXES}, got {self.sex!r}")
        for name in ("metric", "population_key", "source", "reference"):
            if not getattr(self, name):
                raise InvalidParameterError(f"{where}: {name} is empty")
        object.__setattr__(self, "definition", MappingProxyType(dict(self.definition)))

    def __hash__(self) -> int:
        return hash(
            (
                self.metric,
                self.low,
                self.high,
                self.unit,
                tuple(sorted((k, repr(v)) for k, v in self.definition.items())),
                self.age_years,
                self.sex,
                self.population_key,
                self.source,
                self.kind,
            )
        )

    def holds_age(self, age_years: float) -> bool:
        """Return whether a patient of ``age_years`` belongs to the range's age band.

        Ages are compared in completed years: ``(18, 45)`` holds 18.0 to 45.99 years.

        Parameters
        ----------
        age_years : float
            The patient's age.

        Returns
        -------
        bool
            True when the range has no age band or the age is in it.

        Examples
        --------
        >>> ranges_for("arch_index")[0].holds_age(30)
        True
        """
        if self.age_years is None:
            return True
        youngest, oldest = self.age_years
        completed = math.floor(age_years)
        return youngest <= completed <= oldest

    def describe_population(self) -> str:
        """Return the age band and sex in plain English, for reasons and logs.

        Returns
        -------
        str
            For example ``'women aged 31-40 y'``.

        Examples
        --------
        >>> ranges_for("arch_index")[0].describe_population()
        'people aged 18-45 y'
        """
        who = {"female": "women", "male": "men", None: "people"}[self.sex]
        if self.age_years is None:
            return f"{who} of any age"
        youngest, oldest = self.age_years
        if math.isinf(oldest):
            return f"{who} aged {youngest:g} y and over"
        return f"{who} aged {youngest:g}-{oldest:g} y"


def _decimals(value: float) -> int:
    """Decimals as published (the shortest repr of the float), at most 3."""
    text = repr(float(value))
    if "e" in text or "." not in text:
        return 0
    return min(3, len(text.split(".")[1].rstrip("0")))


def _bounds_text(t: Translator, r: NormalRange) -> str:
    digits = max(_decimals(b) for b in (r.low, r.high) if b is not None)
    if r.low is not None and r.high is not None:
        low = t.number(r.low, digits)
        high = t.number(r.high, digits, unit=r.unit)
        key = "norms.bounds.signed" if r.low < 0 else "norms.bounds.between"
        return t(key, low=low, high=high)
    if r.high is not None:
        return t("norms.bounds.at_most", high=t.number(r.high, digits, unit=r.unit))
    assert r.low is not None
    return t("norms.bounds.at_least", low=t.number(r.low, digits, unit=r.unit))


@dataclasses.dataclass(frozen=True)
class NormCheck:
    """The outcome of checking one value against the published normal ranges.

    Parameters
    ----------
    status : {'low', 'normal', 'high', 'no_range', 'not_comparable', 'missing'}
        ``'low'`` / ``'high'``: outside the range (a report highlights it);
        ``'normal'``: inside; ``'no_range'``: gaitlab has no published range
        for the metric; ``'not_comparable'``: ranges exist but none applies to
        this patient or this exam (``reason`` says why); ``'missing'``: no
        value.
    range : NormalRange or None
        The range the value was compared with; for ``'not_comparable'`` the
        range that did not apply, when there is one to name.
    reason : str
        Why, in plain English (for logs and developers; readers get
        :meth:`label`).
    cause : str
        For ``'not_comparable'``: ``'definition'``, ``'population'``,
        ``'age_not_given'``, ``'sex_not_given'``, ``'no_population'`` or
        ``'disagree'``; empty otherwise.

    Examples
    --------
    >>> from gaitlab.reports.i18n import Translator
    >>> check = check_normal("arch_index", 0.27, age_years=30)
    >>> check.status
    'high'
    >>> check.label(Translator("en")), check.label(Translator("fr"))
    ('normal 0.11–0.25 (Buldt et al. 2018)', 'normale 0,11–0,25 (Buldt et al. 2018)')
    """

    status: Literal["low", "normal", "high", "no_range", "not_comparable", "missing"]
    range: NormalRange | None
    reason: str = ""
    cause: str = ""

    @property
    def flagged(self) -> bool:
        """Whether the value lies outside its range (``'low'`` or ``'high'``)."""
        return self.status in ("low", "high")

    def label(self, t: Translator, *, population: bool = False) -> str:
        """Return the text a report shows with the value, in ``t``'s language.

        Parameters
        ----------
        t : Translator
            The report's language.
        population : bool
            Also name the population the range was measured in.

        Returns
        -------
        str
            ``'normal 0.11–0.25 (Buldt et al. 2018)'`` for a compared value
            (whatever its status: the highlight says low or high), else why
            there is no comparison.

        Examples
        --------
        >>> from gaitlab.reports.i18n import Translator
        >>> check_normal("arch_index", 0.2, age_years=70).label(Translator("en"))
        'not comparable: the range of Buldt et al. 2018 is for healthy adults 18–45 y, emed-x'
        >>> check_normal("cpei_pct", 20.0).label(Translator("fr"))
        'pas de norme publiée'
        """
        r = self.range
        if self.status in ("low", "normal", "high"):
            assert r is not None
            fields = {"bounds": _bounds_text(t, r), "source": r.source}
            if population:
                who = t(f"norms.population.{r.population_key}")
                return t("norms.label.range_population", population=who, **fields)
            return t("norms.label.range", **fields)
        if self.status in ("no_range", "missing"):
            return t(f"norms.label.{self.status}")
        if r is None or self.cause in ("no_population", "disagree", ""):
            cause = self.cause if self.cause in ("no_population", "disagree") else "no_population"
            return t(f"norms.label.{cause}")
        who = t(f"norms.population.{r.population_key}")
        return t(f"norms.label.{self.cause}", source=r.source, population=who)


# -- the table ----------------------------------------------------------------------------------

_BULDT = (
    "Buldt AK, Forghany S, Landorf KB, Murley GS, Levinger P, Menz HB. Centre of pressure "
    "characteristics in normal, planus and cavus feet. J Foot Ankle Res 2018;11:3. "
    "doi:10.1186/s13047-018-0245-6"
)
_GLASSBROOK = (
    "Glassbrook DJ, Fuller JT, Alderson J, Wills JA, Doyle T. The symmetry angle identifies "
    "less clinically relevant inter-limb asymmetries than the symmetry index in healthy adults. "
    "ISBS Proceedings Archive 2018;36(1):622-625 (36th Conference of the International Society "
    "of Biomechanics in Sports, Auckland); no DOI"
)
_OHLENDORF_2020 = (
    "Ohlendorf D, Pflaum J, Wischnewski C, Schamberger S, Erbe C, Wanke EM, Holzgreve F, "
    "Groneberg DA. Standard reference values of the postural control in healthy female adults "
    "aged between 31 and 40 years in Germany: an observational study. J Physiol Anthropol "
    "2020;39. doi:10.1186/s40101-020-00229-7 (PMID 32907627)"
)
_OHLENDORF_2022 = (
    "Ohlendorf D, Keller J, Sosnov P, Ackermann H, Keil F, Maurer-Grubinger C, Holzgreve F, "
    "Oremek G, Groneberg DA. Body weight distribution and body sway in healthy female adults "
    "aged between 51 and 60 years in Germany - standard values. Appl Sci 2022;12(19):9591. "
    "doi:10.3390/app12199591"
)
_KASOVIC = (
    "Kasović M, Štefan L, Štefan A. Normative data for gait speed and height norm speed in "
    "≥ 60-year-old men and women. Clin Interv Aging 2021;16:225-230. doi:10.2147/CIA.S290071"
)
_GAITRITE_CHILDREN = (
    "A normative sample of temporal and spatial gait parameters in children using the GAITRite "
    "electronic walkway. Gait Posture 2007;25(1):135-139 (Department of Physical Therapy, "
    "Virginia Commonwealth University; PMID 16875823; authors and DOI not in the stored copy "
    "consulted)"
)
_FPA_CHILDREN = (
    "A simplified technique for determining foot progression angle in children 4 to 16 years "
    "of age. J Pediatr Orthop 1996;16(5):570-574. doi:10.1097/01241398-199609000-00004 "
    "(authors not in the stored copy consulted)"
)
_BANWELL = (
    "Banwell HA, Paris ME, Mackintosh S, Williams CM. Paediatric flexible flat foot: how are we "
    "measuring it and are we getting it right? A systematic review. J Foot Ankle Res "
    "2018;11:21. doi:10.1186/s13047-018-0264-3"
)

_AI_LOW, _AI_HIGH, _ = ARCH_INDEX_CUTOFFS["buldt2018"]


def _ohlendorf(
    metric: str, low: float, high: float, ages: tuple[float, float], year: int
) -> NormalRange:
    return NormalRange(
        metric=metric,
        low=low,
        high=high,
        unit="%",
        age_years=ages,
        sex="female",
        population_key=f"women_{ages[0]:g}_{ages[1]:g}_platform",
        source=f"Ohlendorf et al. {year}",
        reference=_OHLENDORF_2020 if year == 2020 else _OHLENDORF_2022,
        kind="range",
    )


def _banwell(metric: str, high: float, ages: tuple[float, float]) -> NormalRange:
    return NormalRange(
        metric=metric,
        low=None,
        high=high,
        unit="%" if metric.endswith("_pct") else "",
        definition={"width": "extent"},
        age_years=ages,
        population_key=f"children_{ages[0]:g}_{ages[1]:g}_flatfoot",
        source="Banwell et al. 2018",
        reference=_BANWELL,
        kind="cutoff",
    )


#: Every published normal range gaitlab knows, in the order :func:`check_normal`
#: prefers them. Figures, populations, definitions and quotes: ``docs/norms.md``.
NORMAL_RANGES: tuple[NormalRange, ...] = (
    # Foot type: the cut-offs the analysis itself applies (indices.ARCH_INDEX_CUTOFFS).
    NormalRange(
        metric="arch_index",
        low=_AI_LOW,
        high=_AI_HIGH,
        unit="",
        age_years=(18, 45),
        population_key="adults_18_45_emed",
        source="Buldt et al. 2018",
        reference=_BULDT,
        kind="cutoff",
    ),
    # Flat-foot criteria in children (above the cut-off: flat foot).
    _banwell("chippaux_smirak_index_pct", 62.7, (3, 7)),
    _banwell("chippaux_smirak_index_pct", 59.0, (6, 9)),
    _banwell("chippaux_smirak_index_pct", 40.0, (9, 16)),
    _banwell("staheli_index", 1.07, (3, 6)),
    _banwell("staheli_index", 1.28, (6, 9)),
    # Left/right symmetry: the flag the analysis itself applies (symmetry.DEFAULT_THRESHOLD_PCT).
    NormalRange(
        metric="symmetry_index_pct",
        low=-DEFAULT_THRESHOLD_PCT,
        high=DEFAULT_THRESHOLD_PCT,
        unit="%",
        population_key="active_adults_sport",
        source="Glassbrook et al. 2018",
        reference=_GLASSBROOK,
        kind="cutoff",
    ),
    # Static load distribution, habitual standing (tolerance ranges).
    _ohlendorf("left_load_pct", 37.02, 65.90, (31, 40), 2020),
    _ohlendorf("forefoot_load_pct", 20.68, 54.73, (31, 40), 2020),
    _ohlendorf("rearfoot_load_pct", 45.27, 79.33, (31, 40), 2020),
    _ohlendorf("left_load_pct", 38.00, 68.03, (51, 60), 2022),
    _ohlendorf("right_load_pct", 31.97, 62.00, (51, 60), 2022),
    _ohlendorf("forefoot_load_pct", 21.37, 54.60, (51, 60), 2022),
    _ohlendorf("rearfoot_load_pct", 45.50, 78.63, (51, 60), 2022),
    # Gait.
    NormalRange(
        metric="walking_speed_mm_s",
        low=680.0,
        high=1800.0,
        unit="mm/s",
        age_years=(60, math.inf),
        population_key="adults_60_zebris",
        source="Kasović et al. 2021",
        reference=_KASOVIC,
        kind="mean_sd",
    ),
    NormalRange(
        metric="step_width_mm",
        low=32.9,
        high=142.5,
        unit="mm",
        definition={"step_width": "hollman"},
        age_years=(1, 10),
        population_key="children_1_10_gaitrite",
        source="Gait Posture 2007;25:135",
        reference=_GAITRITE_CHILDREN,
        kind="mean_sd",
    ),
    NormalRange(
        metric="foot_progression_deg",
        low=-8.0,
        high=16.4,
        unit="°",
        age_years=(4, 16),
        population_key="children_4_16",
        source="J Pediatr Orthop 1996;16:570",
        reference=_FPA_CHILDREN,
        kind="mean_sd",
    ),
)

#: Other names accepted by :func:`check_normal` and :func:`ranges_for`: alias ->
#: (gaitlab metric, divisor, unit). A range of the metric is returned in the
#: alias's unit, its bounds divided by the divisor (mm/s -> m/s: 1000).
METRIC_ALIASES: Mapping[str, tuple[str, float, str]] = MappingProxyType(
    {
        "walking_speed_m_s": ("walking_speed_mm_s", 1000.0, "m/s"),
        "foot_progression_angle_deg": ("foot_progression_deg", 1.0, "°"),
    }
)


def ranges_for(metric: str) -> tuple[NormalRange, ...]:
    """Return the published normal ranges of a metric, in table order.

    Parameters
    ----------
    metric : str
        A gaitlab metric name, or one of :data:`METRIC_ALIASES` (its ranges
        are converted to the alias's unit).

    Returns
    -------
    tuple of NormalRange
        Empty when gaitlab knows no published range for the metric.

    Examples
    --------
    >>> [r.source for r in ranges_for("left_load_pct")]
    ['Ohlendorf et al. 2020', 'Ohlendorf et al. 2022']
    >>> r = ranges_for("walking_speed_m_s")[0]
    >>> r.low, r.high, r.unit
    (0.68, 1.8, 'm/s')
    >>> ranges_for("cpei_pct")
    ()
    """
    if metric in METRIC_ALIASES:
        base, divisor, unit = METRIC_ALIASES[metric]
        return tuple(
            dataclasses.replace(
                r,
                metric=metric,
                low=None if r.low is None else r.low / divisor,
                high=None if r.high is None else r.high / divisor,
                unit=unit,
            )
            for r in ranges_for(base)
        )
    return tuple(r for r in NORMAL_RANGES if r.metric == metric)


# -- the check ----------------------------------------------------------------------------------


def _sex(sex: str | None) -> str | None:
    if sex is None:
        return None
    name = _SEX_NAMES.get(str(sex).strip().lower())
    if name is None:
        raise InvalidParameterError(
            f"invalid value for 'sex': expected 'female', 'male' (or 'f', 'm') or None, got {sex!r}"
        )
    return name


def _population_problem(
    r: NormalRange, age_years: float | None, sex: str | None
) -> tuple[str, str] | None:
    """Why ``r`` does not apply to the patient: (cause, reason), or None when it does."""
    who = f"{r.source} applies to {r.describe_population()}"
    if r.age_years is not None and age_years is not None and not r.holds_age(age_years):
        return "population", f"{who}; the patient is {age_years:g} y old"
    if r.sex is not None and sex is not None and sex != r.sex:
        return "population", f"{who}; the patient is {sex}"
    if r.age_years is not None and age_years is None:
        return "age_not_given", f"{who}; the patient's age is not given"
    if r.sex is not None and sex is None:
        return "sex_not_given", f"{who}; the patient's sex is not given"
    return None


def _same(expected: Any, given: Any) -> bool:
    numbers = (int, float)
    if (
        isinstance(expected, numbers)
        and isinstance(given, numbers)
        and not isinstance(expected, bool)
        and not isinstance(given, bool)
    ):
        return math.isclose(float(expected), float(given), rel_tol=1e-9, abs_tol=1e-12)
    return bool(expected == given)


def _definition_problem(r: NormalRange, definition: Mapping[str, Any]) -> str | None:
    for key, expected in r.definition.items():
        given = definition.get(key)
        accepted = expected if isinstance(expected, (tuple, list, set, frozenset)) else (expected,)
        if given is None:
            return f"{r.source} applies to {key}={expected!r}; the exam's {key!r} is not given"
        if not any(_same(e, given) for e in accepted):
            return f"{r.source} applies to {key}={expected!r}; the exam used {key}={given!r}"
    return None


def _status(r: NormalRange, value: float) -> Literal["low", "normal", "high"]:
    if r.low is not None and value < r.low:
        return "low"
    if r.high is not None and value > r.high:
        return "high"
    return "normal"


def check_normal(
    metric: str,
    value: float | None,
    *,
    definition: Mapping[str, Any] | None = None,
    age_years: float | None = None,
    sex: str | None = None,
) -> NormCheck:
    """Check a value against the published normal ranges of its metric.

    Parameters
    ----------
    metric : str
        gaitlab metric name (``'arch_index'``, ``'left_load_pct'``,
        ``'step_width_mm'``...) or one of :data:`METRIC_ALIASES`.
    value : float or None
        The measured value, in the metric's unit; NaN or None is missing.
    definition : mapping of str to object, optional
        How the exam was measured and analysed, with gaitlab's option names
        (``{'step_width': 'hollman'}``, ``{'width': 'extent'}``,
        ``{'ellipse': 'prediction', 'probability': 0.95, 'eyes': 'open'}``).
        A range whose condition is absent here, or None, is not compared.
    age_years : float, optional
        The patient's age; needed by ranges of an age band.
    sex : {'female', 'male', 'f', 'm'}, optional
        The patient's sex; needed by ranges of one sex.

    Returns
    -------
    NormCheck
        The status, the range used (or the one that did not apply) and why.

    Raises
    ------
    InvalidParameterError
        If ``sex`` is not a known value, ``age_years`` is negative or not a
        number, or ``definition`` is not a mapping.

    Examples
    --------
    >>> check_normal("arch_index", 0.09, age_years=30).status
    'low'
    >>> check_normal("arch_index", 0.2, age_years=30).status
    'normal'
    >>> check = check_normal("step_width_mm", 80.0, age_years=6,
    ...                      definition={"step_width": "progression"})
    >>> check.status, check.cause
    ('not_comparable', 'definition')
    >>> check_normal("arch_index", float("nan"), age_years=30).status
    'missing'
    >>> check_normal("peak_pressure_kpa", 400.0).status
    'no_range'
    """
    sex_name = _sex(sex)
    if age_years is not None:
        if isinstance(age_years, bool) or not isinstance(age_years, (int, float)):
            raise InvalidParameterError(f"'age_years' must be a number, got {age_years!r}")
        if not (math.isfinite(age_years) and age_years >= 0):
            raise InvalidParameterError(f"'age_years' must be >= 0, got {age_years!r}")
    if definition is None:
        definition = {}
    elif not isinstance(definition, Mapping):
        raise InvalidParameterError(f"'definition' must be a mapping, got {definition!r}")

    ranges = ranges_for(metric)
    if not ranges:
        return NormCheck("no_range", None, f"no published normal range for {metric!r}")
    if value is None or math.isnan(float(value)):
        return NormCheck("missing", None, f"no value of {metric!r}")

    applying: list[NormalRange] = []
    population: list[tuple[NormalRange, str, str]] = []
    for r in ranges:
        problem = _population_problem(r, age_years, sex_name)
        if problem is None:
            applying.append(r)
        else:
            population.append((r, *problem))
    if not applying:
        unknown = [p for p in population if p[1] in ("age_not_given", "sex_not_given")]
        r, cause, reason = (unknown or population)[0]
        if not unknown and len(ranges) > 1:
            reason = "; ".join(p[2] for p in population)
            return NormCheck("not_comparable", None, reason, "no_population")
        return NormCheck("not_comparable", r, reason, cause)

    compared: list[NormalRange] = []
    mismatches: list[tuple[NormalRange, str]] = []
    for r in applying:
        mismatch = _definition_problem(r, definition)
        if mismatch is None:
            compared.append(r)
        else:
            mismatches.append((r, mismatch))
    if not compared:
        r, reason = mismatches[0]
        return NormCheck("not_comparable", r, reason, "definition")

    value = float(value)
    statuses = [(r, _status(r, value)) for r in compared]
    if len({s for _, s in statuses}) > 1:
        reason = "the ranges that apply disagree: " + "; ".join(
            f"{r.source} ({r.describe_population()}): {s}" for r, s in statuses
        )
        logger.debug("%s = %g: %s", metric, value, reason)
        return NormCheck("not_comparable", None, reason, "disagree")
    r, status = statuses[0]
    bounds = f"[{'-inf' if r.low is None else f'{r.low:g}'}, "
    bounds += f"{'inf' if r.high is None else f'{r.high:g}'}]"
    unit = f" {r.unit}" if r.unit else ""
    return NormCheck(status, r, f"{value:g} against {bounds}{unit} ({r.source}, {r.kind})")
