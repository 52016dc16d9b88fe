"""Published values behind the insole design rules, each with its source and its status.

The rules of :mod:`gaitlab.orthotics.rules` need numbers that gaitlab cannot
derive from a recording: the plantar pressure above which a diabetic foot is
at risk, the in-shoe pressure a therapeutic insole should reach, where a
metatarsal pad goes, how steep a rearfoot post is, how much of a leg-length
difference a heel lift corrects. This module quotes those numbers from the
literature, one :class:`LiteratureValue` per number, with the device, the
population, what the number predicts or describes, the full reference and
whether the number was read in the source.

Quoted, not endorsed
--------------------
A value here says what a source says, in the context the source gives; it is
not a recommendation of gaitlab. Read a record with its fields:

- ``verified`` is True only when the number and its context were read in the
  source itself (its abstract, full text, guideline text, or, for a
  practitioner's rule of thumb, the practitioner's own text). A number seen
  only in a secondary summary, recalled from memory, or coded in other
  software without a checkable source is ``verified=False`` and its ``note``
  says what was read instead.
- ``evidence`` says what kind of source it is: a guideline, a trial, a cohort,
  a case-control or cross-sectional study, an experiment, a review, a
  practitioner's article, a lay web page or software. A verified practitioner
  rule of thumb is still a rule of thumb.
- ``condition`` says whether the value was measured barefoot (a platform) or
  in the shoe (an insole sensor). Barefoot and in-shoe pressures are not
  interchangeable: the same foot gives much lower peaks in a shoe (Owings et
  al. 2009: 556 kPa barefoot vs 207 kPa in-shoe at the same sites), and
  devices with larger sensors report lower peaks. Compare a measurement only
  with a value of the same condition, and with care across devices.
- ``value`` is in the unit of ``unit`` (gaitlab's units: kPa, not kg/cm² or
  N/cm²); ``as_published`` keeps the figure as the source wrote it
  (1 kg/cm² = 98.0665 kPa, 1 N/cm² = 10 kPa). A range is a ``(low, high)``
  tuple.

``docs/orthotics_literature.md`` tabulates every record and says, per topic,
how the values should be read.

Why hand-written: the values are data gathered for gaitlab from the published
sources; no library of orthotic design values exists to depend on.
"""

from __future__ import annotations

import dataclasses
import difflib
import logging
import math

from gaitlab.errors import InvalidParameterError

__all__ = [
    "LiteratureValue",
    "DIABETIC_THRESHOLDS",
    "METATARSAL_PAD",
    "POSTING",
    "HEEL_LIFT",
    "REARFOOT_EVERSION",
    "ALL_VALUES",
    "UNITS",
    "CONDITIONS",
    "EVIDENCE",
    "find",
]

logger = logging.getLogger(__name__)

#: Units a value may have, each with the suffix its name ends with.
UNITS: dict[str, str] = {
    "kPa": "_kpa",
    "kPa·s": "_kpa_s",
    "%": "_pct",
    "mm": "_mm",
    "deg": "_deg",
    "ratio": "_ratio",
    "fraction": "_fraction",
}
#: Measurement conditions: barefoot (platform), in the shoe (insole sensor), or not a pressure.
CONDITIONS = ("barefoot", "in_shoe", "n/a")
#: Kinds of source, from the strongest to the weakest.
EVIDENCE = (
    "guideline",
    "trial",
    "cohort",
    "case_control",
    "cross_sectional",
    "experiment",
    "review",
    "practitioner",
    "lay",
    "software",
)

_KG_CM2_KPA = 98.0665  # 1 kg/cm² in kPa
_N_CM2_KPA = 10.0  # 1 N/cm² in kPa


@dataclasses.dataclass(frozen=True, kw_only=True)
class LiteratureValue:
    """One published number, with its context, its source and whether it was read there.

    Attributes
    ----------
    name : str
        Identifier used with :func:`find`; it ends with the suffix of its unit
        (``_kpa``, ``_kpa_s``, ``_pct``, ``_mm``, ``_deg``, ``_ratio``,
        ``_fraction``).
    value : float or tuple of float
        The number in ``unit``; a range is ``(low, high)``.
    unit : str
        One of :data:`UNITS`.
    quantity : str
        What was measured (``'peak plantar pressure, whole foot'``...).
    condition : str
        ``'barefoot'``, ``'in_shoe'`` or ``'n/a'`` (:data:`CONDITIONS`).
    device : str
        The measuring system, as the source names it (``'not stated'`` when
        the text read does not say).
    population : str
        Who was measured, with the sample size.
    finding : str
        What the value predicts or describes, in the source's terms.
    reference : str
        Full reference, as far as the text read shows it.
    doi_or_pmid : str
        DOI and/or PMID when seen in the text read, else ``''``.
    verified : bool
        True when the number was read in the source itself (see the module
        docstring).
    note : str
        What was read, caveats, conflicting values.
    source : str
        Short label for a report (``'Owings et al. 2009'``).
    as_published : str
        The figure as the source wrote it, in its own unit.
    evidence : str
        Kind of source, one of :data:`EVIDENCE`.

    Examples
    --------
    >>> v = LiteratureValue(
    ...     name="example_offset_mm", value=(0, 5), unit="mm", quantity="pad offset",
    ...     condition="in_shoe", device="pedar-X", population="10 adults",
    ...     finding="less pressure", reference="A. Author. J. 2020;1:1.",
    ...     doi_or_pmid="", verified=False, note="illustration", source="Author 2020",
    ...     as_published="0-5 mm", evidence="experiment")
    >>> v.bounds, v.is_range
    ((0.0, 5.0), True)
    """

    name: str
    value: float | tuple[float, float]
    unit: str
    quantity: str
    condition: str
    device: str
    population: str
    finding: str
    reference: str
    doi_or_pmid: str
    verified: bool
    note: str
    source: str
    as_published: str
    evidence: str

    def __post_init__(self) -> None:
        where = f"literature value {self.name!r}"
        if not self.name.isidentifier() or self.name != self.name.lower():
            raise InvalidParameterError(
                f"{where}: name must be a lower-case identifier, got {self.name!r}"
            )
        if self.unit not in UNITS:
            raise InvalidParameterError(
                f"{where}: unit must be one of {tuple(UNITS)}, got {self.unit!r}"
            )
        if not self.name.endswith(UNITS[self.unit]):
            raise InvalidParameterError(
                f"{where}: a value in {self.unit} must have a name ending with {UNITS[self.unit]!r}"
            )
        if self.condition not in CONDITIONS:
            raise InvalidParameterError(
                f"{where}: condition must be one of {CONDITIONS}, got {self.condition!r}"
            )
        if self.evidence not in EVIDENCE:
            raise InvalidParameterError(
                f"{where}: evidence must be one of {EVIDENCE}, got {self.evidence!r}"
            )
        if isinstance(self.value, tuple):
            if len(self.value) != 2:
                raise InvalidParameterError(
                    f"{where}: a range must be (low, high), got {self.value!r}"
                )
            low, high = float(self.value[0]), float(self.value[1])
            if not (math.isfinite(low) and math.isfinite(high) and low <= high):
                raise InvalidParameterError(
                    f"{where}: a range must be finite with low <= high, got {self.value!r}"
                )
            object.__setattr__(self, "value", (low, high))
        else:
            number = float(self.value)
            if not math.isfinite(number):
                raise InvalidParameterError(f"{where}: value must be finite, got {self.value!r}")
            object.__setattr__(self, "value", number)
        for field in ("quantity", "device", "population", "finding", "reference", "source"):
            if not getattr(self, field).strip():
                raise InvalidParameterError(f"{where}: {field} must not be empty")
        if not self.as_published.strip():
            raise InvalidParameterError(f"{where}: as_published must not be empty")

    @property
    def is_range(self) -> bool:
        """Whether the value is a ``(low, high)`` range.

        Examples
        --------
        >>> find("in_shoe_target_peak_kpa").is_range
        False
        """
        return isinstance(self.value, tuple)

    @property
    def bounds(self) -> tuple[float, float]:
        """Return ``(low, high)``; both equal the value for a single number.

        Examples
        --------
        >>> find("met_pad_offset_range_mm").bounds
        (-5.0, 10.0)
        >>> find("lld_min_for_lift_mm").bounds
        (5.0, 5.0)
        """
        if isinstance(self.value, tuple):
            return self.value
        return (self.value, self.value)


# --- references, as far as the text read shows them -----------------------------------------

_VEVES_1992 = (
    "Veves A, Murray HJ, Young MJ, Boulton AJM. The risk of foot ulceration in diabetic "
    "patients with high foot pressure: a prospective study. Diabetologia 1992;35(7):660-663."
)
_ARMSTRONG_1998 = (
    "Armstrong DG, Peters EJ, Athanasiou KA, Lavery LA. Is there a critical level of plantar "
    "foot pressure to identify patients at risk for neuropathic foot ulceration? "
    "J Foot Ankle Surg 1998;37(4):303-307."
)
_LAVERY_1998 = (
    "Lavery LA, Armstrong DG, Vela SA, Quebedeaux TL, Fleischli JG. Practical criteria for "
    "screening patients at high risk for diabetic foot ulceration. Arch Intern Med 1998 "
    "(journal and year as cited in issue 9; the page read shows title, authors and abstract)."
)
_FRYKBERG_1998 = (
    "Frykberg RG, Lavery LA, Pham H, Harvey C, Harkless L, Veves A. Role of neuropathy and "
    "high foot pressures in diabetic foot ulceration. Diabetes Care 1998;21(10):1714-1719."
)
_LAVERY_2003 = (
    "Lavery LA, Armstrong DG, Wunderlich RP, Tredwell J, Boulton AJM. Predictive value of "
    "foot pressure assessment as part of a population-based diabetes disease management "
    "program. Diabetes Care 2003;26:1069-1073."
)
_CASELLI_2002 = (
    "Caselli A, Pham H, Giurini JM, Armstrong DG, Veves A. The forefoot-to-rearfoot plantar "
    "pressure ratio is increased in severe diabetic neuropathy and can predict foot "
    "ulceration. Diabetes Care 2002 (year as cited in issue 9; not on the page read)."
)
_ABBOTT_2022 = (
    "Abbott CA, Chatwin KE, Rajbhandari SM, John KM, Pabbineedi S, Bowling FL, Boulton AJM, "
    "Reeves ND. Site-specific, critical threshold barefoot peak plantar pressure associated "
    "with diabetic foot ulcer history: a novel approach to determine DFU risk in the clinical "
    "setting. Medicina (Kaunas) 2022;58(2):166."
)
_OWINGS_2009 = (
    "Owings TM, Apelqvist J, Stenström A, Becker M, Bus SA, Kalpen A, Ulbrecht JS, "
    "Cavanagh PR. Plantar pressures in diabetic patients with foot ulcers which have remained "
    "healed. Diabet Med 2009;26(11):1141-1146."
)
_VAN_NETTEN_2018 = (
    "van Netten JJ, Lazzarini PA, Armstrong DG, Bus SA, Fitridge R, Harding K, Kinnear E, "
    "Malone M, Menz HB, Perrin BM, Postema K, Prentice J, Schott K-H, Wraight PR. Diabetic "
    "Foot Australia guideline on footwear for people with diabetes. J Foot Ankle Res "
    "2018;11:2."
)
_IWGDF_2015 = (
    "Bus SA, Armstrong DG, van Deursen RW, Lewis JE, Caravaggi CF, Cavanagh PR; International "
    "Working Group on the Diabetic Foot. IWGDF guidance on footwear and offloading "
    "interventions to prevent and heal foot ulcers in patients with diabetes. Diabetes Metab "
    "Res Rev 2016;32(Suppl 1):25-36."
)
_BUS_2013 = (
    "Bus SA, Waaijman R, Arts M, de Haart M, Busch-Westbroek T, van Baal J, Nollet F. Effect "
    "of custom-made footwear on foot ulcer recurrence in diabetes: a multicenter randomized "
    "controlled trial. Diabetes Care 2013;36(12):4109-4116."
)
_PRESSR = (
    "pressR (R package, r-heller/pressR), R/reference.R, function pr_ref_diabetic_foot(), "
    "table row 'any plantar / pti_mean / 70 kPa*s', attributed there to Caselli A et al. "
    "(2002) Diabetes Care."
)
_LANDORF_2020 = (
    "Landorf KB, Ackland CA, Bonanno DR, Menz HB, Forghany S. Effects of metatarsal domes on "
    "plantar pressures in older people with a history of forefoot pain. J Foot Ankle Res "
    "2020;13."
)
_FOREFOOT_PADS_2014 = (
    "Comparison of the pressure-relieving properties of various types of forefoot pads in "
    "older people with forefoot pain. J Foot Ankle Res 2014;7:18 (authors not shown in the "
    "text read)."
)
_HSI_2005 = (
    "Hsi WL, et al. Optimum position of metatarsal pad in metatarsalgia for pressure relief. "
    "Am J Phys Med Rehabil 2005;84(7):514-520 (co-authors not shown in the text read)."
)
_HOLMES_1990 = (
    "Holmes GB Jr, Timmerman L. A quantitative assessment of the effect of metatarsal pads on "
    "plantar pressures. Foot Ankle 1990 (authors and year as cited in issue 9; the page read "
    "shows the title and the abstract)."
)
_YI_2022 = (
    "Yi TI, Lee EC, Son NH, Sohn MK. Optimal metatarsal pad position and insole material to "
    "reduce forefoot plantar pressure. Yonsei Med J 2022;63(9):864 (title paraphrased: not "
    "shown in the text read)."
)
_NWPODIATRIC = (
    "Northwest Podiatric Laboratory. The biomechanics of heel posting. "
    "https://nwpodiatric.com/the-biomechanics-of-heel-posting/ (practitioner article)."
)
_TELFER_2013 = (
    "Telfer S, Abbott M, Steultjens MP, Woodburn J. Dose-response effects of customised foot "
    "orthoses on lower limb kinematics and kinetics in pronated foot type. J Biomech "
    "2013;46(9):1489-1495."
)
_SONG_1996 = (
    "Song J, Hillstrom HJ, Secord D, Levitt J. Foot type biomechanics: comparison of planus "
    "and rectus foot types. J Am Podiatr Med Assoc 1996;86:16."
)
_FRAMINGHAM_CPEI = (
    "Framingham Foot Study article, PMC7393860, Table 4 'Measures of Foot Structure, "
    "Flexibility, and Function for Total Sample and Comparisons of Measures across 3 foot "
    "types' (authors and title not in the text read)."
)
_BRADY_2003 = (
    "Brady RJ, Dean JB, Skinner TM, Gross MT. Limb length inequality: clinical implications "
    "for assessment and intervention. J Orthop Sports Phys Ther 2003;33(5):221-234."
)
_KNUTSON_2005 = (
    "Knutson GA. Anatomic and functional leg-length inequality: a review and recommendation "
    "for clinical decision-making. Part I, anatomic leg-length inequality: prevalence, "
    "magnitude, effects and clinical significance. Chiropractic & Osteopathy (c. 2005; the "
    "year is not shown in the text read)."
)
_PEARCE = (
    "Pearce K (B.Sc Podiatry, C.Ped). Using heel lifts for leg length inequality. "
    "http://nolaro24.com/wordpress/?p=515 (practitioner article)."
)
_BIOLOGYINSIGHTS = (
    "How to fix one leg shorter than the other: shoes. "
    "https://biologyinsights.com/how-to-fix-one-leg-shorter-than-the-other-shoes (lay health "
    "page, author not named)."
)
_GAITGUYS = (
    "The Gait Guys. Leg length discrepancies and heel lifts. To lift or not to lift. "
    "https://www.thegaitguys.com/thedailyblog/graphic-above-by-edward-muybridge-leg-length "
    "(practitioner blog, literature search dated 2003)."
)
_MCPOIL_1994 = (
    "McPoil T, Cornwall MW. Relationship between neutral subtalar joint position and pattern "
    "of rearfoot motion during walking. Foot Ankle Int 1994;15(3):141-145."
)
_YOUBERG_2005 = (
    "Youberg LD, Cornwall MW, McPoil TG, Hannon PR. The amount of rearfoot motion used during "
    "the stance phase of walking. J Am Podiatr Med Assoc 2005;(4):376-382."
)
_JAT_2012 = (
    "Arch height and maximum rearfoot eversion during jogging in 2 static neutral positions. "
    "J Athl Train 2012;47(1):83 (title completed from the abstract; authors not shown in the "
    "text read)."
)

# --- 1. diabetic foot -------------------------------------------------------------------------

#: Plantar-pressure values for the diabetic foot: barefoot ulcer-risk cut-offs and in-shoe targets.
DIABETIC_THRESHOLDS: tuple[LiteratureValue, ...] = (
    LiteratureValue(
        name="veves1992_barefoot_peak_kpa",
        value=round(12.3 * _KG_CM2_KPA, 1),
        unit="kPa",
        quantity="peak plantar pressure, whole foot ('abnormally high foot pressures')",
        condition="barefoot",
        device="optical pedobarograph",
        population="86 diabetic patients, mean age 53.3 y, followed 30 months (prospective)",
        finding=(
            "plantar ulcers developed in 35 % of patients with high pressures and in none with "
            "normal pressures; all 15 patients who ulcerated had high pressures at baseline"
        ),
        reference=_VEVES_1992,
        doi_or_pmid="doi:10.1007/BF00400259",
        verified=True,
        note=(
            "Abstract read (Springer page and scilit). The threshold is '>12.3' kg/cm2; "
            "12.3 kg/cm2 = 1206 kPa on an optical pedobarograph, not comparable to a modern "
            "capacitive or resistive plate without calibration."
        ),
        source="Veves et al. 1992",
        as_published="> 12.3 kg/cm²",
        evidence="cohort",
    ),
    LiteratureValue(
        name="armstrong1998_forefoot_peak_kpa",
        value=70 * _N_CM2_KPA,
        unit="kPa",
        quantity="peak plantar forefoot pressure",
        condition="barefoot",
        device="EMED gait analysis system (platform)",
        population=(
            "219 diabetic patients, case-control about 2:1 (cases: active or recently healed "
            "neuropathic ulcer)"
        ),
        finding=(
            "optimal ROC cut-point, sensitivity 70.0 %, specificity 65.1 %; no cut-point "
            "clearly screens risk, but the higher the pressure the higher the risk"
        ),
        reference=_ARMSTRONG_1998,
        doi_or_pmid="",
        verified=True,
        note=(
            "Abstract read (Amsterdam UMC research portal). Issue 9 attributed ~70 N/cm2 to "
            "'Armstrong 1998 Arch Intern Med': the 70 N/cm2 value is in this J Foot Ankle Surg "
            "paper; the 1998 Arch Intern Med paper is Lavery et al. (65 N/cm2). Barefoot is "
            "implied by the platform, not stated in the abstract. Ulcer group 83.1 +/- 24.7 vs "
            "control 62.7 +/- 24.4 N/cm2."
        ),
        source="Armstrong et al. 1998",
        as_published="70 N/cm²",
        evidence="case_control",
    ),
    LiteratureValue(
        name="lavery1998_barefoot_peak_kpa",
        value=65 * _N_CM2_KPA,
        unit="kPa",
        quantity="elevated peak plantar pressure",
        condition="barefoot",
        device="not stated in the abstract read",
        population="225 age-matched patients with diabetes, 76 cases (ulcer) and 149 controls",
        finding=(
            "elevated plantar pressure (> 65 N/cm2) was significantly associated with foot "
            "ulceration in a stepwise logistic regression, with neuropathy, deformity, "
            "amputation history, diabetes duration, HbA1c and male sex"
        ),
        reference=_LAVERY_1998,
        doi_or_pmid="",
        verified=True,
        note=(
            "Abstract read (University of Arizona experts page). Barefoot is assumed "
            "(screening pressure measurement), not stated in the abstract."
        ),
        source="Lavery et al. 1998",
        as_published="> 65 N/cm²",
        evidence="case_control",
    ),
    LiteratureValue(
        name="frykberg1998_barefoot_peak_kpa",
        value=round(6 * _KG_CM2_KPA, 1),
        unit="kPa",
        quantity="maximum plantar pressure, mean of three footsteps (variable 'Pmax6')",
        condition="barefoot",
        device="F-scan mat system, patients walking without shoes",
        population=(
            "251 diabetic patients (121 Caucasian, 36 black, 94 Hispanic), 58.5 +/- 12.5 y, "
            "cross-sectional; 99 with a current or prior ulcer"
        ),
        finding="dichotomised high-pressure variable (>= 6 kg/cm2, 96 patients) used as a risk "
        "factor for ulceration with the neuropathy variables",
        reference=_FRYKBERG_1998,
        doi_or_pmid="",
        verified=True,
        note=(
            "Methods of the abstract read (UT Southwestern portal, biomaterialdatabase, "
            "metajournal); the results part with the odds ratios was cut off in every copy. One "
            "copy prints '<= 6', another '>= 6': the high-pressure group is >= 6 kg/cm2."
        ),
        source="Frykberg et al. 1998",
        as_published="≥ 6 kg/cm²",
        evidence="cross_sectional",
    ),
    LiteratureValue(
        name="lavery2003_barefoot_peak_kpa",
        value=87.5 * _N_CM2_KPA,
        unit="kPa",
        quantity="peak plantar pressure",
        condition="barefoot",
        device="not stated in the abstract (onsite gait laboratory)",
        population=(
            "1,666 consecutive people with diabetes in a managed-care clinic, 2-year "
            "follow-up; cut-point computed after excluding those without loss of protective "
            "sensation"
        ),
        finding=(
            "ROC cut point 87.5 N/cm2: sensitivity 63.5 %, specificity 46.3 %; pressure is an "
            "important risk factor but 'a poor tool by itself to predict foot ulcers'"
        ),
        reference=_LAVERY_2003,
        doi_or_pmid="",
        verified=True,
        note=(
            "Abstract read (UT Southwestern portal, scite, Diabetologia Praktyczna). Ulcerated "
            "95.5 +/- 26.4 vs not 85.1 +/- 27.3 N/cm2. Barefoot is assumed, not stated."
        ),
        source="Lavery et al. 2003",
        as_published="87.5 N/cm²",
        evidence="cohort",
    ),
    LiteratureValue(
        name="caselli2002_forefoot_rearfoot_ratio",
        value=2.0,
        unit="ratio",
        quantity="forefoot-to-rearfoot peak pressure ratio (F/R)",
        condition="barefoot",
        device="F-Scan mat system",
        population=(
            "diabetic patients of a 30-month prospective study, by neuropathy disability score: "
            "none 20, mild 66, moderate 95, severe 57"
        ),
        finding="F/R > 2 listed as a risk factor for ulceration in a multivariate logistic model",
        reference=_CASELLI_2002,
        doi_or_pmid="",
        verified=False,
        note=(
            "The '> 2' cut-off was read only in a secondary summary (medicalalgorithms.com). "
            "The abstract read (University of Arizona portal) gives F/R 2.3 +/- 2.4 in severe "
            "neuropathy vs 1.5 +/- 1.2, 1.3 +/- 0.9 and 1.6 +/- 1.0, forefoot peak pressure "
            "OR 1.19 (1.11-1.28) per kg/cm2, 73 feet (19 %) ulcerated; the rest of the abstract "
            "was cut off."
        ),
        source="Caselli et al. 2002",
        as_published="F/R > 2",
        evidence="cohort",
    ),
    LiteratureValue(
        name="abbott2022_site_barefoot_peak_kpa",
        value=round(4.1 * _KG_CM2_KPA, 1),
        unit="kPa",
        quantity="site-specific peak plantar pressure (12 sites per foot)",
        condition="barefoot",
        device="validated carbon footprint system (ink mat, graded reading)",
        population=(
            "21 patients with diabetes and neuropathic ulcer history and 12 controls; "
            "504 and 288 plantar sites; cross-sectional"
        ),
        finding=(
            "optimal threshold identifying a site with previous ulcer: sensitivity/specificity "
            "100/79 % midfoot, 80/65 % 5th metatarsal head, 73/62 % midfoot and metatarsal "
            "heads; sites > 6 kg/cm2 had OR 6.4 (2.8-14.6) of ulcer history"
        ),
        reference=_ABBOTT_2022,
        doi_or_pmid="doi:10.3390/medicina58020166; PMID 35208490",
        verified=True,
        note=(
            "Abstract read (PubMed, MMU e-space). A carbon footprint mat reads pressure in "
            "coarse steps (medians 2.0, 3.25, 5.0 kg/cm2): not comparable to an electronic "
            "plate value. It identifies past ulcer sites, it does not predict new ulcers."
        ),
        source="Abbott et al. 2022",
        as_published="> 4.1 kg/cm²",
        evidence="cross_sectional",
    ),
    LiteratureValue(
        name="owings2009_in_shoe_peak_kpa",
        value=207.0,
        unit="kPa",
        quantity="in-shoe peak plantar pressure at the prior ulcer site (group mean)",
        condition="in_shoe",
        device="insole sensor (system not named in the abstract)",
        population=(
            "49 neuropathic patients with diabetes whose prior forefoot plantar ulcer (hallux "
            "or metatarsal heads) had remained healed; two Swedish hospitals"
        ),
        finding=(
            "proposed as a target for footwear prescription in patients with prior ulcers; "
            "barefoot peak at the same site 556 kPa (107-1192), explaining only ~35 % of the "
            "variance of the in-shoe peak"
        ),
        reference=_OWINGS_2009,
        doi_or_pmid="",
        verified=True,
        note=(
            "Abstract read (Lund University portal). The published figure is 207 kPa; the "
            "round '200 kPa' target is the guideline figure (in_shoe_target_peak_kpa)."
        ),
        source="Owings et al. 2009",
        as_published="207 kPa (mean)",
        evidence="cohort",
    ),
    LiteratureValue(
        name="in_shoe_target_peak_kpa",
        value=200.0,
        unit="kPa",
        quantity="in-shoe peak plantar pressure at the area of highest pressure",
        condition="in_shoe",
        device="a validated and calibrated in-shoe system with a sensor area of 1 cm2",
        population="people with diabetes and a healed plantar foot ulcer (medical-grade footwear)",
        finding=(
            "defines a 'demonstrated plantar pressure reducing effect' of footwear with "
            "orthosis or insole: > 30 % reduction vs current footwear, or a level below 200 kPa"
        ),
        reference=_VAN_NETTEN_2018,
        doi_or_pmid="doi:10.1186/s13047-017-0244-z; PMID 29371890",
        verified=True,
        note=(
            "Guideline text read (fliphtml5 copy of the paper); it bases the definition on two "
            "RCTs. A news summary of Arts et al. 2012 (Diabet Med) also defines effective "
            "offloading as in-shoe < 200 kPa. The numeric definition in the IWGDF 2019 and 2023 "
            "guidelines was not read (only their abstracts)."
        ),
        source="van Netten et al. 2018 (Diabetic Foot Australia)",
        as_published="below 200 kPa",
        evidence="guideline",
    ),
    LiteratureValue(
        name="in_shoe_relief_target_pct",
        value=30.0,
        unit="%",
        quantity="in-shoe peak plantar pressure relief vs standard-of-care therapeutic footwear",
        condition="in_shoe",
        device="in-shoe pressure measurement (system not specified)",
        population="at-risk patients with diabetes, to prevent a recurrent plantar foot ulcer",
        finding=(
            "IWGDF 2015 recommendation 6: prescribe footwear with a demonstrated plantar "
            "pressure relieving effect during walking, i.e. 30 % relief (strong; moderate)"
        ),
        reference=_IWGDF_2015,
        doi_or_pmid="",
        verified=True,
        note=(
            "Recommendation text read (scite excerpt of the guidance, NGC summary with the "
            "bibliographic source). The Diabetic Foot Australia guideline 2018 uses '> 30 % "
            "reduction at the area of highest pressure vs current footwear'. The IWGDF 2023 "
            "prevention guideline (Bus SA et al., Diabetes Metab Res Rev 2024;40(3):e3651, "
            "doi:10.1002/dmrr.3651) keeps 'demonstrated plantar pressure relieving effect' in "
            "its abstract; its numeric definition was not read."
        ),
        source="IWGDF 2015 (Bus et al. 2016)",
        as_published="30 % relief",
        evidence="guideline",
    ),
    LiteratureValue(
        name="bus2013_offloading_improvement_pct",
        value=20.0,
        unit="%",
        quantity="in-shoe peak pressure relief obtained by modifying custom-made footwear",
        condition="in_shoe",
        device="in-shoe pressure measurement (system not named in the abstract)",
        population=(
            "171 neuropathic patients with diabetes and a recently healed plantar ulcer; RCT"
        ),
        finding=(
            "~20 % relief did not reduce 18-month recurrence on intention-to-treat (38.8 vs "
            "44.2 %); in patients wearing the shoes >= 80 % of steps: 25.7 vs 47.8 % "
            "(OR 0.38, 0.15-0.99)"
        ),
        reference=_BUS_2013,
        doi_or_pmid="doi:10.2337/dc13-0996; PMID 24130357",
        verified=True,
        note="Abstract read (PMC3836114, Diabetes Care page).",
        source="Bus et al. 2013",
        as_published="~20 % peak pressure relief",
        evidence="trial",
    ),
    LiteratureValue(
        name="pti_ulcer_risk_kpa_s",
        value=70.0,
        unit="kPa·s",
        quantity="pressure-time integral, any plantar region",
        condition="n/a",
        device="not stated",
        population="not stated",
        finding="coded as 'pressure-time integral associated with ulcer risk'",
        reference=_PRESSR,
        doi_or_pmid="",
        verified=False,
        note=(
            "No published PTI cut-off for ulcer risk was found. The Caselli abstract read "
            "reports no PTI; '70' matches Armstrong et al. 1998's 70 N/cm2 peak-pressure "
            "cut-off, not a PTI (whether pressR confused the two is not known). A footwear "
            "study titled 'The interdependency of peak pressure and pressure-time integral in "
            "pressure studies on diabetic footwear: no need to report both parameters' "
            "(abstract read) found the two highly correlated in the forefoot and midfoot and "
            "calls peak pressure the clinically more relevant one."
        ),
        source="pressR (unverified)",
        as_published="70 kPa*s",
        evidence="software",
    ),
)

# --- 2. metatarsal pad ------------------------------------------------------------------------

#: Metatarsal pad (dome) position and height. Offsets are along the foot axis, positive proximal
#: (towards the heel) of the metatarsal-head line, negative distal.
METATARSAL_PAD: tuple[LiteratureValue, ...] = (
    LiteratureValue(
        name="met_pad_offset_range_mm",
        value=(-5.0, 10.0),
        unit="mm",
        quantity="dome position relative to the metatarsal heads (+ proximal, - distal)",
        condition="in_shoe",
        device="pedar-X in-shoe system, standardised shoe",
        population="older people (65+) with forefoot pain or a history of it (n = 36 and n = 37)",
        finding=(
            "every dome position tested between 10 mm proximal and 5 mm distal to the "
            "metatarsal heads reduced forefoot peak pressure compared with no pad"
        ),
        reference=f"{_LANDORF_2020} | {_FOREFOOT_PADS_2014}",
        doi_or_pmid="doi:10.1186/s13047-020-00388-x; PMID 32375847 (Landorf et al. 2020)",
        verified=True,
        note=(
            "The range spans the positions the two studies tested (abstracts read), not an "
            "optimum. Landorf et al. position the dome by its distal border (5 mm proximal, "
            "in line, 5 mm distal); the 2014 abstract does not say which border. Yi et al. 2022 "
            "found no clear difference between a pad proximal to the heads and one 10 mm "
            "distal to their proximal border (healthy adults)."
        ),
        source="Landorf et al. 2020; J Foot Ankle Res 2014;7:18",
        as_published="10 mm proximal ... 5 mm distal to the metatarsal heads",
        evidence="experiment",
    ),
    LiteratureValue(
        name="met_pad_distal_edge_offset_mm",
        value=5.0,
        unit="mm",
        quantity="distance from the dome's distal border to the metatarsal heads (proximal)",
        condition="in_shoe",
        device="pedar-X in-shoe system, standardised shoe, anatomical forefoot masks",
        population="36 community-dwelling adults aged 65+ with a history of forefoot pain",
        finding=(
            "all dome conditions lowered peak pressure distal to the metatarsal heads by "
            "about 45-60 kPa; placed 5 mm proximal, both domes did so without raising the "
            "pressure proximally where the pad sits (Emsold dome most effective)"
        ),
        reference=_LANDORF_2020,
        doi_or_pmid="doi:10.1186/s13047-020-00388-x; PMID 32375847",
        verified=True,
        note=(
            "Methods (position table) read on ai-bt.com and in the abstract; the results "
            "sentence read on a Formthotics page quoting the abstract."
        ),
        source="Landorf et al. 2020",
        as_published="distal border 5 mm proximal to the metatarsal heads",
        evidence="experiment",
    ),
    LiteratureValue(
        name="met_pad_dome_5mm_distal_relief_pct",
        value=17.0,
        unit="%",
        quantity="forefoot peak pressure reduction, dome 5 mm distal to the metatarsal heads",
        condition="in_shoe",
        device="pedar-X in-shoe system, standardised shoe",
        population="37 adults (31 women), mean age 73.5 y, with forefoot pain",
        finding=(
            "the dome 5 mm distal to the heads (17 %) and a plantar cover (19 %) reduced "
            "forefoot peak pressure most; a dome 10 mm proximal and a metatarsal bar less"
        ),
        reference=_FOREFOOT_PADS_2014,
        doi_or_pmid="",
        verified=True,
        note="Abstract read (jfootankleres.com 7/1/18).",
        source="J Foot Ankle Res 2014;7:18",
        as_published="17 %",
        evidence="experiment",
    ),
    LiteratureValue(
        name="met_pad_hsi_optimal_gap_mm",
        value=4.4,
        unit="mm",
        quantity=(
            "distance from the pad's pressure peak to the metatarsal head's pressure peak "
            "(one sensor row)"
        ),
        condition="n/a",
        device="sensing mat 16 x 16 sensors of 4.4 x 4.4 mm",
        population="10 patients with metatarsalgia",
        finding=(
            "pad peak just proximal to the MTH peak cut MTH peak pressure from 678 +/- 227 / "
            "687 +/- 228 to 427 +/- 97 / 431 +/- 92 kPa; 'optimum' position"
        ),
        reference=_HSI_2005,
        doi_or_pmid="",
        verified=True,
        note=(
            "Abstract read (Taipei Medical University portal). The abstract says 'just "
            "proximal' in sensors; 4.4 mm is one sensor row (the sensor size it states), a "
            "conversion made here. It is a distance between pressure peaks, not from the pad "
            "edge. Whether the mat was inside a shoe is not said."
        ),
        source="Hsi et al. 2005",
        as_published="pad peak pressure just proximal to the MT head peak (sensors 4.4 mm)",
        evidence="experiment",
    ),
    LiteratureValue(
        name="met_pad_hsi_ineffective_gap_mm",
        value=8.8,
        unit="mm",
        quantity="distance from the pad's pressure peak to the MTH pressure peak (two sensors)",
        condition="n/a",
        device="sensing mat 16 x 16 sensors of 4.4 x 4.4 mm",
        population="10 patients with metatarsalgia",
        finding="pad peak two sensors proximal to the MTH peak did not significantly reduce it",
        reference=_HSI_2005,
        doi_or_pmid="",
        verified=True,
        note="Abstract read; 8.8 mm = two sensors of 4.4 mm, a conversion made here.",
        source="Hsi et al. 2005",
        as_published="two sensors proximal",
        evidence="experiment",
    ),
    LiteratureValue(
        name="met_pad_offset_hsi_mm",
        value=(6.1, 10.6),
        unit="mm",
        quantity="metatarsal pad position proximal to the metatarsal heads",
        condition="n/a",
        device="sensing mat 16 x 16 sensors of 4.4 x 4.4 mm",
        population="10 patients with metatarsalgia",
        finding="recalled as the optimal position range",
        reference=_HSI_2005,
        doi_or_pmid="",
        verified=False,
        note=(
            "Recollection in issue 9, not in the abstract read (the full text was not "
            "available). Use met_pad_hsi_optimal_gap_mm / met_pad_hsi_ineffective_gap_mm."
        ),
        source="Hsi et al. 2005 (unverified)",
        as_published="6.1-10.6 mm (recalled)",
        evidence="experiment",
    ),
    LiteratureValue(
        name="met_pad_height_mm",
        value=6.35,
        unit="mm",
        quantity="thickness of an adhesive metatarsal pad",
        condition="in_shoe",
        device="in-shoe pressure system (masks distal / beneath / proximal to the heads)",
        population="16 healthy adults (mean age 31.9 y)",
        finding=(
            "1/4-inch pads reduced forefoot pressure; a 1/4-inch soft plastazote flat insole "
            "was most effective; no clear difference between the two pad positions"
        ),
        reference=_YI_2022,
        doi_or_pmid="doi:10.3349/ymj.2022.63.9.864; PMID 36031787",
        verified=True,
        note=(
            "Abstract and figure legends read (ai-bt.com, PubMed mirror): 'adhesive metatarsal "
            "pad with 1/4-inch thickness (4466-PPT)'. A product thickness used in one study, "
            "not a recommended height."
        ),
        source="Yi et al. 2022",
        as_published="1/4 inch",
        evidence="experiment",
    ),
    LiteratureValue(
        name="met_pad_relief_pct",
        value=(12.0, 60.0),
        unit="%",
        quantity="reduction of peak metatarsal-head pressure with a small metatarsal pad",
        condition="barefoot",
        device="pedobarograph",
        population="10 asymptomatic subjects (5 women, 5 men)",
        finding=(
            "women: 12-60 % reduction when the pad was appropriately applied; men: 2 of 5 "
            "decreased 14-44 %, 1 unchanged, 2 increased 8-28 %"
        ),
        reference=_HOLMES_1990,
        doi_or_pmid="",
        verified=True,
        note=(
            "Abstract read (yoursoleinsole.com, under the paper's title). The pad was applied "
            "to the foot; barefoot is implied by the pedobarograph."
        ),
        source="Holmes & Timmerman 1990",
        as_published="12 % to 60 %",
        evidence="experiment",
    ),
)

# --- 3. posting and foot type -----------------------------------------------------------------

#: Rearfoot posting angles and centre-of-pressure excursion index (CPEI) values.
POSTING: tuple[LiteratureValue, ...] = (
    LiteratureValue(
        name="rearfoot_post_default_deg",
        value=4.0,
        unit="deg",
        quantity="rearfoot post angle (varus lateral platform, same medial grind-off)",
        condition="n/a",
        device="n/a",
        population="n/a (laboratory practice)",
        finding=(
            "'today, most rearfoot posts have a four degree varus lateral platform with a four "
            "degree medial grind off'; historically reduced from larger posts (sometimes 6 "
            "degrees) because of inversion sprains"
        ),
        reference=_NWPODIATRIC,
        doi_or_pmid="",
        verified=True,
        note=(
            "Practitioner article read. No study giving a default post angle was found; "
            "posting angles in trials are varied per design (see rearfoot_post_dose_range_deg)."
        ),
        source="Northwest Podiatric Laboratory",
        as_published="four degree (sometimes 6 degrees)",
        evidence="practitioner",
    ),
    LiteratureValue(
        name="rearfoot_post_dose_range_deg",
        value=(-6.0, 10.0),
        unit="deg",
        quantity="external rearfoot post angle of customised orthoses (- lateral, + medial)",
        condition="n/a",
        device="3-D gait analysis; CAD-designed, 3-D printed orthoses, 2 deg steps",
        population="12 adults with symptomatic pronated feet and 12 matched controls",
        finding=(
            "significant linear dose-response of peak and mean rearfoot eversion, ankle "
            "eversion moment and knee adduction moment to the post angle"
        ),
        reference=_TELFER_2013,
        doi_or_pmid="",
        verified=True,
        note=(
            "Abstract read (BAPO blog copy). A magazine summary (LER, June 2013) adds that peak "
            "rearfoot eversion fell by ~2 deg with a neutral post and up to ~4 deg with the "
            "steepest medial posts, and that medial posting raised the external knee adduction "
            "moment; these figures were not in the abstract."
        ),
        source="Telfer et al. 2013",
        as_published="6° lateral to 10° medial in 2° increments",
        evidence="experiment",
    ),
    LiteratureValue(
        name="cpei_song1996_rectus_pct",
        value=21.0,
        unit="%",
        quantity="centre of pressure excursion index, rectus (normal) feet",
        condition="barefoot",
        device="not read",
        population="not read",
        finding="recalled as the normal-foot mean",
        reference=_SONG_1996,
        doi_or_pmid="",
        verified=False,
        note=(
            "Recollection in issue 9 ('~21'); the paper text was not retrieved (only its "
            "citation in a reference list). No SD is known."
        ),
        source="Song et al. 1996 (unverified)",
        as_published="~21 (recalled)",
        evidence="cross_sectional",
    ),
    LiteratureValue(
        name="cpei_song1996_planus_pct",
        value=14.0,
        unit="%",
        quantity="centre of pressure excursion index, planus feet",
        condition="barefoot",
        device="not read",
        population="not read",
        finding="recalled as the planus-foot mean",
        reference=_SONG_1996,
        doi_or_pmid="",
        verified=False,
        note="Recollection in issue 9 ('~14'); the paper text was not retrieved.",
        source="Song et al. 1996 (unverified)",
        as_published="~14 (recalled)",
        evidence="cross_sectional",
    ),
    LiteratureValue(
        name="cpei_framingham_rectus_pct",
        value=22.78,
        unit="%",
        quantity="centre of pressure excursion index, mean (SE 0.31), rectus feet",
        condition="barefoot",
        device="not stated in the table read (Framingham Foot Study plate walking)",
        population="Framingham Foot Study, 443 rectus feet of 2,180 (type by standing AHI)",
        finding="group mean; planus 21.59, cavus 23.86, all feet 22.74",
        reference=_FRAMINGHAM_CPEI,
        doi_or_pmid="PMCID PMC7393860",
        verified=True,
        note=(
            "Table read. SE, not SD: the groups differ by about 1 % point while individual "
            "feet spread far more, so the means cannot classify a single foot. Other Framingham "
            "Foot Study papers used a Tekscan MatScan."
        ),
        source="Framingham Foot Study",
        as_published="22.78 (SE 0.31)",
        evidence="cross_sectional",
    ),
    LiteratureValue(
        name="cpei_framingham_planus_pct",
        value=21.59,
        unit="%",
        quantity="centre of pressure excursion index, mean (SE 0.19), planus feet",
        condition="barefoot",
        device="not stated in the table read (Framingham Foot Study plate walking)",
        population="Framingham Foot Study, 1,601 planus feet of 2,180 (type by standing AHI)",
        finding="smallest CPEI of the three foot types (significant vs rectus and cavus)",
        reference=_FRAMINGHAM_CPEI,
        doi_or_pmid="PMCID PMC7393860",
        verified=True,
        note="Table read; SE, not SD.",
        source="Framingham Foot Study",
        as_published="21.59 (SE 0.19)",
        evidence="cross_sectional",
    ),
    LiteratureValue(
        name="cpei_framingham_cavus_pct",
        value=23.86,
        unit="%",
        quantity="centre of pressure excursion index, mean (SE 0.51), cavus feet",
        condition="barefoot",
        device="not stated in the table read (Framingham Foot Study plate walking)",
        population="Framingham Foot Study, 113 cavus feet of 2,180 (type by standing AHI)",
        finding="largest CPEI; rectus vs cavus difference not significant (p = 0.051)",
        reference=_FRAMINGHAM_CPEI,
        doi_or_pmid="PMCID PMC7393860",
        verified=True,
        note="Table read; SE, not SD.",
        source="Framingham Foot Study",
        as_published="23.86 (SE 0.51)",
        evidence="cross_sectional",
    ),
)

# --- 4. heel lift -----------------------------------------------------------------------------

#: Heel lift for a leg-length difference (LLD): when, how much, how high inside the shoe.
HEEL_LIFT: tuple[LiteratureValue, ...] = (
    LiteratureValue(
        name="lld_min_for_lift_mm",
        value=5.0,
        unit="mm",
        quantity="limb length inequality measured with clinical techniques",
        condition="n/a",
        device="clinical assessment (tape, pelvic levelling with blocks)",
        population="adults (narrative review)",
        finding=(
            "clinicians should exercise caution when intervening for a limb length inequality "
            "of less than 5 mm identified with clinical techniques"
        ),
        reference=_BRADY_2003,
        doi_or_pmid="",
        verified=True,
        note=(
            "Abstract read (UpToDate Medline abstract, JOSPT copy). The intervention "
            "recommendations in the full text (lift heights, increments) were not read."
        ),
        source="Brady et al. 2003",
        as_published="less than 5 mm: caution",
        evidence="review",
    ),
    LiteratureValue(
        name="lld_clinically_significant_mm",
        value=20.0,
        unit="mm",
        quantity="anatomic leg-length inequality (radiographic)",
        condition="n/a",
        device="x-ray methods",
        population="review of studies 1970-2005",
        finding=(
            "for most people anatomic LLI does not appear clinically significant until about "
            "20 mm; prevalence 90 %, mean 5.2 mm (SD 4.1)"
        ),
        reference=_KNUTSON_2005,
        doi_or_pmid="",
        verified=True,
        note="Abstract read (123docz copy of the paper).",
        source="Knutson 2005",
        as_published="~20 mm (~3/4 inch)",
        evidence="review",
    ),
    LiteratureValue(
        name="heel_lift_initial_fraction",
        value=(0.6, 0.7),
        unit="fraction",
        quantity="part of the measured structural LLD corrected at first",
        condition="n/a",
        device="n/a",
        population="n/a",
        finding="'common practice to start the correction with 60 to 70% of the measured "
        "discrepancy to allow the body to gradually adjust'",
        reference=_BIOLOGYINSIGHTS,
        doi_or_pmid="",
        verified=True,
        note=(
            "Lay page read; it cites no source. The '~50 % initially' of issue 9 was not found "
            "in any source read; Brady et al. 2003 and Gurney 2002 (Gait Posture 15:195) were "
            "read only as abstracts, which give no fraction."
        ),
        source="biologyinsights.com (lay)",
        as_published="60 to 70 %",
        evidence="lay",
    ),
    LiteratureValue(
        name="heel_lift_in_shoe_max_mm",
        value=9.5,
        unit="mm",
        quantity="detached tapered lift (heel to ball of the foot) under an orthosis",
        condition="in_shoe",
        device="n/a",
        population="n/a",
        finding=(
            "a 3/8-inch lift fits only deep shoes (athletic shoes, boots); more than 3/8 inch "
            "goes on the outside of the shoe, full length"
        ),
        reference=_PEARCE,
        doi_or_pmid="",
        verified=True,
        note=(
            "Practitioner article read. Other practitioner and lay pages give other limits: "
            "heel lifts not usable above 12 mm (222health, lay), an external build-up only "
            "above 15-20 mm (cfop.com.au, clinic), up to 3/4 inch in a shoe depending on the "
            "shoe (myfootshop.com). No study was found."
        ),
        source="Pearce (practitioner)",
        as_published="3/8 inch",
        evidence="practitioner",
    ),
    LiteratureValue(
        name="heel_lift_on_orthosis_max_mm",
        value=6.35,
        unit="mm",
        quantity="lift attached to the heel post of a functional foot orthosis",
        condition="in_shoe",
        device="n/a",
        population="n/a",
        finding="'the maximum amount of heel lift attached to the heel post of an orthotic "
        "device is about 1/4 inch'; it fits most standard shoes, not small dress shoes",
        reference=_PEARCE,
        doi_or_pmid="",
        verified=True,
        note="Practitioner article read.",
        source="Pearce (practitioner)",
        as_published="about 1/4 inch",
        evidence="practitioner",
    ),
    LiteratureValue(
        name="heel_lift_talus_rise_fraction",
        value=round(2.0 / 3.0, 3),
        unit="fraction",
        quantity="rise of the talus per unit height of a lift under the calcaneus",
        condition="n/a",
        device="n/a",
        population="n/a",
        finding=(
            "a heel lift raises the talus only 2/3 of its height (the talus sits a third of "
            "the way from calcaneus to metatarsal heads), so a non-weight-bearing measurement "
            "needs about 1/3 more lift; leg-length differences above 1/4 inch (6 mm) are "
            "what 'most authorities' call clinically significant"
        ),
        reference=_GAITGUYS,
        doi_or_pmid="",
        verified=True,
        note="Practitioner blog read; it cites its sources by number only.",
        source="The Gait Guys (practitioner)",
        as_published="2/3 (add 1/3 more height)",
        evidence="practitioner",
    ),
)

# --- 5. rearfoot eversion ---------------------------------------------------------------------

#: Frontal-plane rearfoot motion in gait. No published cut-off for 'excessive' eversion was found.
REARFOOT_EVERSION: tuple[LiteratureValue, ...] = (
    LiteratureValue(
        name="rearfoot_time_to_max_pronation_pct",
        value=37.9,
        unit="%",
        quantity="time to maximum rearfoot pronation, % of stance (2-D video)",
        condition="n/a",
        device="two-dimensional video analysis",
        population="50 healthy young adults (mean age 25.5 y), both limbs",
        finding=(
            "the rearfoot is slightly inverted before heel strike; the 'neutral' of the "
            "walking pattern is the resting standing posture, not subtalar joint neutral"
        ),
        reference=_MCPOIL_1994,
        doi_or_pmid="",
        verified=True,
        note=(
            "Abstract read (NAU experts portal). The abstract gives no maximum eversion angle. "
            "Barefoot or shod is not said."
        ),
        source="McPoil & Cornwall 1994",
        as_published="37.9 %",
        evidence="cross_sectional",
    ),
    LiteratureValue(
        name="rearfoot_passive_eversion_used_pct",
        value=68.1,
        unit="%",
        quantity="share of the passive (non-weight-bearing) eversion range used in walking",
        condition="n/a",
        device="3-D electromagnetic motion analysis; reference: vertical calcaneus and tibia",
        population="40 healthy adults (20 men, 20 women), 23-44 y",
        finding="68.1 % of passive eversion and 13.2 % of passive inversion used in stance",
        reference=_YOUBERG_2005,
        doi_or_pmid="",
        verified=True,
        note="Abstract read (NAU experts portal); the volume number is not shown there.",
        source="Youberg et al. 2005",
        as_published="68.1 %",
        evidence="cross_sectional",
    ),
    LiteratureValue(
        name="rearfoot_max_eversion_jogging_wbnp_deg",
        value=4.03,
        unit="deg",
        quantity=(
            "maximum rearfoot eversion, jogging, relative to weight-bearing neutral (mean, SD 2.58)"
        ),
        condition="barefoot",
        device="10-camera 3-D motion analysis, 120 Hz, treadmill 2.65 m/s",
        population="33 volunteers aged 18-40 y",
        finding="same steps give 10.91 +/- 5.34 deg relative to subtalar neutral",
        reference=_JAT_2012,
        doi_or_pmid="",
        verified=True,
        note=(
            "Abstract read (J Athl Train page). Jogging, not walking, and 3-D: it shows how "
            "much the reference posture changes a maximum-eversion value."
        ),
        source="J Athl Train 2012;47(1):83",
        as_published="4.03° ± 2.58°",
        evidence="experiment",
    ),
    LiteratureValue(
        name="rearfoot_max_eversion_jogging_stnp_deg",
        value=10.91,
        unit="deg",
        quantity=(
            "maximum rearfoot eversion, jogging, relative to subtalar neutral (mean, SD 5.34)"
        ),
        condition="barefoot",
        device="10-camera 3-D motion analysis, 120 Hz, treadmill 2.65 m/s",
        population="33 volunteers aged 18-40 y",
        finding="strongly correlated with navicular drop (r = 0.842), unlike the WBNP value",
        reference=_JAT_2012,
        doi_or_pmid="",
        verified=True,
        note="Abstract read (J Athl Train page).",
        source="J Athl Train 2012;47(1):83",
        as_published="10.91° ± 5.34°",
        evidence="experiment",
    ),
)

#: Every record, topic by topic.
ALL_VALUES: tuple[LiteratureValue, ...] = (
    DIABETIC_THRESHOLDS + METATARSAL_PAD + POSTING + HEEL_LIFT + REARFOOT_EVERSION
)
_BY_NAME: dict[str, LiteratureValue] = {v.name: v for v in ALL_VALUES}


def find(name: str) -> LiteratureValue:
    """Return the literature value called ``name``.

    Parameters
    ----------
    name : str
        The record's name, e.g. ``'in_shoe_target_peak_kpa'``.

    Returns
    -------
    LiteratureValue
        The record. Check ``verified`` and ``condition`` before using its value.

    Raises
    ------
    InvalidParameterError
        When no record has that name; the message lists the closest names.

    Examples
    --------
    >>> target = find("in_shoe_target_peak_kpa")
    >>> target.value, target.unit, target.condition, target.verified
    (200.0, 'kPa', 'in_shoe', True)
    >>> find("veves1992_barefoot_peak_kpa").as_published
    '> 12.3 kg/cm²'
    """
    try:
        return _BY_NAME[name]
    except (KeyError, TypeError):
        pass
    close = difflib.get_close_matches(str(name), list(_BY_NAME), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise InvalidParameterError(
        f"no literature value named {name!r}{hint} "
        f"(gaitlab.orthotics.literature has {len(_BY_NAME)} values, see ALL_VALUES)"
    )
