"""The rules that suggest insole elements, each with its outcome, its numbers and its rationale.

Every element kind is considered for every foot, and the outcome is kept
whether the element is suggested or not, with the reason, so the clinician
sees what was checked (``docs/orthotics.md`` lists the rules and their
sources; :mod:`gaitlab.orthotics.literature` holds the published values):

- **Metatarsal pad** (``metatarsal_pad``): suggested when an offloading zone
  covers a central metatarsal head (MTH2-MTH4). A dome under the shafts of
  the 2nd and 3rd metatarsals, its distal edge ``pad_offset_mm`` proximal to
  their heads.
- **Posting** (``medial_posting``, ``lateral_posting``): each foot-type
  indicator available votes *pronated*, *neutral* or *supinated*: CPEI below
  or above its cut-offs, the forefoot balance beyond its cut-offs (only when
  cut-offs are given: no published normal range exists), the mean maximum
  rearfoot eversion of a video analysis above its cut-off. Pronated votes
  with no supinated vote suggest a medial rearfoot post of
  ``posting_angle_deg``; supinated votes with no pronated vote a lateral one.
  Votes both ways: nothing, the indicators disagree.
- **Heel lift** (``heel_lift``): on the shorter leg, when the clinician
  entered a leg-length difference of at least ``lift_min_difference_mm``:
  ``lift_fraction`` of the difference, at most ``lift_max_mm`` inside the shoe.
- **Offloading recess** (``offloading_recess``): one per offloading zone
  found with an absolute pressure threshold (zones found by a percentile are
  the foot's relative hot spots, not a reason to hollow the insole).

Why hand-written: these are gaitlab's own documented rules.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gaitlab._validation import check_number
from gaitlab.errors import InvalidParameterError
from gaitlab.orthotics import literature
from gaitlab.orthotics.model import DesignElement, OffloadingZone

__all__ = ["DEFAULTS", "INDICATORS", "suggest_elements"]

#: Foot-type indicators the posting rule reads.
INDICATORS = ("cpei_pct", "forefoot_balance_pct", "rearfoot_eversion_deg")

# Published values behind the defaults (docs/orthotics_literature.md has each source).
_PAD_OFFSET = literature.find("met_pad_distal_edge_offset_mm")
_PAD_RANGE = literature.find("met_pad_offset_range_mm")
_POST_ANGLE = literature.find("rearfoot_post_default_deg")
_LLD_MIN = literature.find("lld_min_for_lift_mm")
_LIFT_FRACTION = literature.find("heel_lift_initial_fraction")
_LIFT_MAX = literature.find("heel_lift_in_shoe_max_mm")
_CPEI_PLANUS = literature.find("cpei_song1996_planus_pct")

#: Default options of :func:`suggest_elements`. Where a published value exists it is used
#: (:mod:`gaitlab.orthotics.literature`); the CPEI and rearfoot-eversion cut-offs and the pad
#: size are gaitlab's conventions (no validated cut-off was found; ``docs/orthotics.md``).
DEFAULTS: dict[str, Any] = {
    "pad_offset_mm": float(_PAD_OFFSET.bounds[0]),
    "pad_height_mm": 5.0,
    "pad_half_width_fraction": 0.05,
    "pad_half_length_fraction": 0.075,
    "cpei_cutoffs_pct": (float(_CPEI_PLANUS.bounds[0]), 28.0),
    "forefoot_balance_cutoffs_pct": None,
    "rearfoot_eversion_cutoff_deg": 8.0,
    "posting_angle_deg": float(_POST_ANGLE.bounds[0]),
    "posting_full_to_fraction": 0.25,
    "posting_zero_at_fraction": 0.45,
    "lift_min_difference_mm": float(_LLD_MIN.bounds[0]),
    "lift_fraction": float(_LIFT_FRACTION.bounds[0]),
    "lift_max_mm": float(_LIFT_MAX.bounds[0]),
    "lift_full_to_fraction": 0.25,
    "lift_zero_at_fraction": 0.6,
    "recess_depth_mm": 3.0,
}
_CENTRAL = ("mth2", "mth3", "mth4")


def _clip_below(polygon: NDArray[np.float64], y_max: float) -> NDArray[np.float64]:
    """Return the part of a convex polygon with y <= y_max (Sutherland-Hodgman, one edge)."""
    out = []
    n = len(polygon)
    for i in range(n):
        a, b = polygon[i], polygon[(i + 1) % n]
        a_in, b_in = a[1] <= y_max, b[1] <= y_max
        if a_in:
            out.append(a)
        if a_in != b_in:
            t = (y_max - a[1]) / (b[1] - a[1])
            out.append(a + t * (b - a))
    return np.array(out, dtype=np.float64).reshape(-1, 2)


def _ellipse(cx: float, cy: float, ax: float, ay: float, n: int = 64) -> NDArray[np.float64]:
    t = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    return np.column_stack([cx + ax * np.cos(t), cy + ay * np.sin(t)])


def _element(
    kind: str,
    reason: str,
    rule: str,
    rationale: str,
    evidence: Mapping[str, Any],
    *,
    shape: str = "none",
    params: Mapping[str, float] | None = None,
    outline: NDArray[np.float64] | None = None,
    height_mm: float = 0.0,
) -> DesignElement:
    suggested = shape != "none"
    return DesignElement(
        kind=kind,
        suggested=suggested,
        reason=reason,
        rule=rule,
        rationale=rationale,
        evidence=dict(evidence),
        shape=shape,
        params=dict(params or {}),
        outline_mm=np.zeros((0, 2)) if outline is None else outline,
        height_mm=float(height_mm),
    )


def _metatarsal_pad(
    mth: Mapping[str, NDArray[np.float64]],
    zones: Sequence[OffloadingZone],
    length: float,
    threshold: float,
    o: Mapping[str, Any],
) -> DesignElement:
    kind = "metatarsal_pad"
    if not all(k in mth for k in ("mth2", "mth3")):
        return _element(
            kind,
            "metatarsal_heads_not_found",
            "the 2nd and 3rd metatarsal heads could not be located",
            "A metatarsal pad is placed from the heads' positions; without them none is drawn.",
            {},
        )
    central = [z for z in zones if any(r in _CENTRAL for r in z.regions[:2])]
    if not central:
        return _element(
            kind,
            "no_zone_over_central_metatarsals",
            f"no offloading zone (peak >= {threshold:.0f} kPa) covers MTH2-MTH4",
            "A metatarsal pad unloads the central metatarsal heads; they are not a hot spot here.",
            {"zone_threshold_kpa": threshold},
        )
    zone = central[0]
    head_y = float(min(mth["mth2"][1], mth["mth3"][1]))
    cx = float((mth["mth2"][0] + mth["mth3"][0]) / 2.0)
    half_w = o["pad_half_width_fraction"] * length
    half_l = o["pad_half_length_fraction"] * length
    offset = float(o["pad_offset_mm"])
    cy = head_y - offset - half_l
    height = float(o["pad_height_mm"])
    regions = ", ".join(r for r in zone.regions if r.startswith("mth"))
    return _element(
        kind,
        "zone_over_central_metatarsals",
        (
            f"offloading zone {zone.label} (peak {zone.peak_kpa:.0f} kPa) covers {regions}: pad "
            f"{2 * half_w:.0f} x {2 * half_l:.0f} mm, {height:g} mm high, its distal edge "
            f"{offset:g} mm proximal to the MTH2-MTH3 heads"
        ),
        (
            "A pad just proximal to the metatarsal heads lifts the metatarsal shafts and moves "
            f"load off the heads; {_PAD_OFFSET.source} placed its distal edge "
            f"{_PAD_OFFSET.bounds[0]:g} mm proximal to them, and positions from "
            f"{_PAD_RANGE.bounds[0]:g} to {_PAD_RANGE.bounds[1]:g} mm all relieved the heads "
            f"({_PAD_RANGE.source})."
        ),
        {
            "zone_label": zone.label,
            "zone_peak_kpa": zone.peak_kpa,
            "regions": regions,
            "height_mm": height,
            "offset_mm": offset,
        },
        shape="dome",
        params={
            "centre_x_mm": cx,
            "centre_y_mm": cy,
            "half_width_mm": half_w,
            "half_length_mm": half_l,
            "height_mm": height,
        },
        outline=_ellipse(cx, cy, half_w, half_l),
        height_mm=height,
    )


def _votes(indicators: Mapping[str, float], o: Mapping[str, Any]) -> tuple[int, int, int]:
    pronated = supinated = used = 0
    cpei = indicators.get("cpei_pct", math.nan)
    if not math.isnan(cpei):
        lo, hi = o["cpei_cutoffs_pct"]
        used += 1
        pronated += cpei < lo
        supinated += cpei > hi
    balance = indicators.get("forefoot_balance_pct", math.nan)
    if not math.isnan(balance) and o["forefoot_balance_cutoffs_pct"] is not None:
        lo, hi = o["forefoot_balance_cutoffs_pct"]
        used += 1
        pronated += balance > hi  # positive = more medial load
        supinated += balance < lo
    eversion = indicators.get("rearfoot_eversion_deg", math.nan)
    if not math.isnan(eversion):
        used += 1
        pronated += eversion > o["rearfoot_eversion_cutoff_deg"]
    return pronated, supinated, used


def _posting(
    side: str,
    insole: NDArray[np.float64],
    outline: NDArray[np.float64],
    y0: float,
    length: float,
    indicators: Mapping[str, float],
    o: Mapping[str, Any],
) -> tuple[DesignElement, DesignElement]:
    pronated, supinated, used = _votes(indicators, o)
    evidence: dict[str, Any] = {
        "cpei_pct": indicators.get("cpei_pct", math.nan),
        "forefoot_balance_pct": indicators.get("forefoot_balance_pct", math.nan),
        "rearfoot_eversion_deg": indicators.get("rearfoot_eversion_deg", math.nan),
        "n_pronated": pronated,
        "n_supinated": supinated,
        "n_indicators": used,
    }
    lo, hi = o["cpei_cutoffs_pct"]
    cutoffs = (
        f"CPEI < {lo:g} % pronated, > {hi:g} % supinated; rearfoot eversion > "
        f"{o['rearfoot_eversion_cutoff_deg']:g} deg pronated"
    )
    if o["forefoot_balance_cutoffs_pct"] is not None:
        b_lo, b_hi = o["forefoot_balance_cutoffs_pct"]
        cutoffs += f"; forefoot balance > {b_hi:g} % pronated, < {b_lo:g} % supinated"
    if used == 0:
        reason = "no_indicator"
    elif pronated and supinated:
        reason = "disagree"
    elif pronated:
        reason = "pronated"
    elif supinated:
        reason = "supinated"
    else:
        reason = "neutral"
    votes = f"{pronated} of {used} indicators pronated, {supinated} supinated ({cutoffs})"
    angle = float(o["posting_angle_deg"])
    full_y = y0 + o["posting_full_to_fraction"] * length
    zero_y = y0 + o["posting_zero_at_fraction"] * length
    heel = outline[outline[:, 1] <= full_y]
    medial_x = float(heel[:, 0].min()) if len(heel) else float(outline[:, 0].min())
    lateral_x = float(heel[:, 0].max()) if len(heel) else float(outline[:, 0].max())
    area = _clip_below(insole, zero_y)
    rise = math.tan(math.radians(angle)) * (lateral_x - medial_x)
    elements = []
    for kind, wanted in (("medial_posting", "pronated"), ("lateral_posting", "supinated")):
        if reason != wanted:
            why = {
                "no_indicator": "no foot-type indicator was measured",
                "disagree": "the indicators disagree",
                "neutral": "no indicator is beyond its cut-offs",
                "pronated": "the indicators point to pronation",
                "supinated": "the indicators point to supination",
            }[reason]
            elements.append(
                _element(
                    kind,
                    reason,
                    f"{why}; {votes}",
                    "Posting is suggested only when the indicators agree on one direction.",
                    evidence,
                )
            )
            continue
        raised, hinge = (medial_x, lateral_x) if kind == "medial_posting" else (lateral_x, medial_x)
        elements.append(
            _element(
                kind,
                reason,
                f"{votes}: {angle:g} deg {kind.split('_')[0]} rearfoot post",
                (
                    "A rearfoot post tilts the heel seat: a medial post resists rearfoot "
                    "eversion (pronation), a lateral post inversion (supination). "
                    f"{_POST_ANGLE.bounds[0]:g} deg is a common starting value "
                    f"({_POST_ANGLE.source}); the clinician sets it from the examination."
                ),
                {**evidence, "angle_deg": angle},
                shape="wedge",
                params={
                    "angle_deg": angle,
                    "raised_x_mm": raised,
                    "hinge_x_mm": hinge,
                    "full_to_y_mm": full_y,
                    "zero_at_y_mm": zero_y,
                },
                outline=area,
                height_mm=rise,
            )
        )
    return elements[0], elements[1]


def _heel_lift(
    side: str,
    insole: NDArray[np.float64],
    y0: float,
    length: float,
    difference: float,
    shorter: str | None,
    o: Mapping[str, Any],
) -> DesignElement:
    kind = "heel_lift"
    minimum = float(o["lift_min_difference_mm"])
    lift = min(o["lift_fraction"] * difference, float(o["lift_max_mm"]))
    evidence = {
        "leg_length_difference_mm": difference,
        "lift_mm": lift,
        "min_difference_mm": minimum,
        "shorter_leg": shorter or "",
    }
    if difference <= 0:
        return _element(
            kind,
            "no_leg_length_difference",
            "no leg-length difference was entered",
            "A heel lift compensates a leg-length difference measured by the clinician.",
            evidence,
        )
    if difference < minimum:
        return _element(
            kind,
            "below_minimum",
            f"leg-length difference {difference:g} mm < {minimum:g} mm",
            "Small differences are usually not compensated.",
            evidence,
        )
    if shorter != side:
        return _element(
            kind,
            "other_leg_shorter",
            f"the {shorter} leg is the shorter one",
            "The lift goes under the shorter leg only.",
            evidence,
        )
    full_y = y0 + o["lift_full_to_fraction"] * length
    zero_y = y0 + o["lift_zero_at_fraction"] * length
    return _element(
        kind,
        "leg_length_difference",
        (
            f"leg-length difference {difference:g} mm, {side} leg shorter: lift "
            f"{o['lift_fraction']:g} x difference = {lift:g} mm (at most {o['lift_max_mm']:g} mm "
            "in the shoe)"
        ),
        (
            "A heel lift under the shorter leg reduces the difference. Differences from "
            f"{_LLD_MIN.bounds[0]:g} mm are usually treated ({_LLD_MIN.source}); lifts start below "
            f"the full difference ({_LIFT_FRACTION.bounds[0]:.0%}-{_LIFT_FRACTION.bounds[1]:.0%}, "
            f"{_LIFT_FRACTION.source}) and about {_LIFT_MAX.bounds[0]:g} mm fit inside a shoe "
            f"({_LIFT_MAX.source})."
        ),
        evidence,
        shape="lift",
        params={"height_mm": lift, "full_to_y_mm": full_y, "zero_at_y_mm": zero_y},
        outline=_clip_below(insole, zero_y),
        height_mm=lift,
    )


def _recesses(
    zones: Sequence[OffloadingZone], absolute: bool, threshold: float, o: Mapping[str, Any]
) -> list[DesignElement]:
    kind = "offloading_recess"
    if not zones:
        return [
            _element(
                kind,
                "no_zone",
                f"no offloading zone (peak >= {threshold:.0f} kPa)",
                "A recess under a zone of high pressure lowers it.",
                {"zone_threshold_kpa": threshold},
            )
        ]
    if not absolute:
        return [
            _element(
                kind,
                "relative_zones",
                "zones found by a percentile (the foot's own hot spots), not a pressure threshold",
                "Recesses are suggested for zones above a clinical pressure threshold only.",
                {"zone_threshold_kpa": threshold},
            )
        ]
    depth = float(o["recess_depth_mm"])
    out = []
    for zone in zones:
        regions = ", ".join(zone.regions)
        out.append(
            _element(
                kind,
                "zone",
                (
                    f"offloading zone {zone.label} (peak {zone.peak_kpa:.0f} kPa >= "
                    f"{threshold:.0f} kPa, {zone.area_mm2:.0f} mm², {regions}): recess {depth:g} mm"
                ),
                (
                    "A recess (to be filled with a softer material) under a zone of high "
                    "pressure spreads its load onto the surrounding area."
                ),
                {
                    "zone_label": zone.label,
                    "zone_peak_kpa": zone.peak_kpa,
                    "regions": regions,
                    "depth_mm": depth,
                },
                shape="recess",
                params={"depth_mm": depth},
                outline=zone.outline_mm,
                height_mm=-depth,
            )
        )
    return out


def suggest_elements(
    *,
    side: str,
    outline_mm: NDArray[np.float64],
    insole_outline_mm: NDArray[np.float64],
    foot_length_mm: float,
    heel_start_y_mm: float,
    mth_mm: Mapping[str, NDArray[np.float64]],
    zones: Sequence[OffloadingZone],
    zone_threshold_kpa: float,
    zone_rule_absolute: bool,
    indicators: Mapping[str, float],
    leg_length_difference_mm: float = 0.0,
    shorter_leg: str | None = None,
    base_thickness_mm: float = 4.0,
    **options: Any,
) -> tuple[DesignElement, ...]:
    """Apply the element rules to one foot's design inputs.

    Parameters
    ----------
    side : {'left', 'right'}
    outline_mm, insole_outline_mm : ndarray, shape (n, 2)
        Foot outline and insole blank, anatomical frame.
    foot_length_mm, heel_start_y_mm : float
        Length of the outline and its posterior end.
    mth_mm : mapping of str to ndarray
        Metatarsal heads found (``'mth1'`` ... ``'mth5'``).
    zones : sequence of OffloadingZone
    zone_threshold_kpa : float
        The zones' threshold.
    zone_rule_absolute : bool
        Whether the zones come from an absolute threshold (recesses are
        suggested only then).
    indicators : mapping of str to float
        :data:`INDICATORS` (NaN when not measured).
    leg_length_difference_mm : float
    shorter_leg : {'left', 'right'}, optional
    base_thickness_mm : float
        Recesses are at most three quarters of the blank deep.
    **options
        Any of :data:`DEFAULTS`.

    Returns
    -------
    tuple of DesignElement
        Metatarsal pad, medial posting, lateral posting, heel lift, then the recesses.

    Examples
    --------
    A foot with no zone and a low CPEI: a medial post, nothing else.

    >>> outline = np.array([[-40.0, 0.0], [40.0, 0.0], [40.0, 250.0], [-40.0, 250.0]])
    >>> out = suggest_elements(side="right", outline_mm=outline, insole_outline_mm=outline,
    ...     foot_length_mm=250.0, heel_start_y_mm=0.0, mth_mm={}, zones=(),
    ...     zone_threshold_kpa=400.0, zone_rule_absolute=True, indicators={"cpei_pct": 9.0})
    >>> [(e.kind, e.suggested, e.reason) for e in out][:3]
    [('metatarsal_pad', False, 'metatarsal_heads_not_found'), ('medial_posting', True, \
'pronated'), ('lateral_posting', False, 'pronated')]
    >>> round(out[1].height_mm, 2)  # tan(4 deg) x 80 mm heel width
    5.59
    """
    unknown = sorted(set(options) - set(DEFAULTS))
    if unknown:
        raise InvalidParameterError(f"unknown rule option(s) {unknown}; known: {sorted(DEFAULTS)}")
    o = {**DEFAULTS, **options}
    for key in ("cpei_cutoffs_pct", "forefoot_balance_cutoffs_pct"):
        if o[key] is not None:
            lo, hi = (check_number(key, v) for v in o[key])
            if lo > hi:
                raise InvalidParameterError(f"{key} must be (low, high), got {o[key]}")
            o[key] = (lo, hi)
    o["recess_depth_mm"] = min(
        check_number("recess_depth_mm", o["recess_depth_mm"], lo=0.0), 0.75 * base_thickness_mm
    )
    outline = np.asarray(outline_mm, dtype=np.float64)
    insole = np.asarray(insole_outline_mm, dtype=np.float64)
    length = float(foot_length_mm)
    y0 = float(heel_start_y_mm)
    medial, lateral = _posting(side, insole, outline, y0, length, indicators, o)
    return (
        _metatarsal_pad(mth_mm, zones, length, zone_threshold_kpa, o),
        medial,
        lateral,
        _heel_lift(side, insole, y0, length, leg_length_difference_mm, shorter_leg, o),
        *_recesses(zones, zone_rule_absolute, zone_threshold_kpa, o),
    )
