"""Colour on every explorer's figures (issue 16): distinguishable with and without a colour-vision deficiency,
lines and markers at WCAG 2.1's 3:1, text at 4.5:1, and a second cue wherever colour carries meaning.

The colour maths (widgets/colour.py) is checked first against published values: WCAG 2.1's contrast
ratio (black on white is 21:1), Sharma, Wu & Dalal (2005) Table 1 for CIEDE2000, and properties of
Machado et al.'s (2009) matrices. Then, for each of the 18 explorers (``widgets.__all__``), each
figure's colours as tests/_colours.py collects them:

* distinguishable: every two of a figure's meaningful colours (:func:`tests._colours.meaningful_colours`)
  at least :data:`MIN_DISTANCE` apart (CIEDE2000), in normal vision and as simulated for protanopia,
  deuteranopia and tritanopia;
* contrast, WCAG 2.1 1.4.11: every line at 3:1 against the plot's background; every filled glyph (a
  marker, a bar, an area) at 3:1 by its fill or by its outline; bands and context (alpha at most
  :data:`tests._colours.BAND_ALPHA`) left out;
* contrast, WCAG 2.1 1.4.3: text drawn on the figure (titles, axes, legends, labels) at 4.5:1, large text
  at 3:1;
* a second cue (1.4.1 Use of Color): two series of a figure drawn alike (same glyph, marker and dash) in
  different colours each have a legend entry or a text label; a glyph that maps its colour to a data
  column also maps its marker or hatch (a column with more than one value), or has a text label or a legend
  entry for each colour.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import widgets
import _colours as audit
from widgets import colour as kit
from widgets._base import Explorer

EXPLORERS = sorted((obj for obj in (getattr(widgets, name) for name in widgets.__all__)
                    if isinstance(obj, type) and issubclass(obj, Explorer) and obj is not Explorer),
                   key=lambda cls: cls.__name__)
#: Without it the trend explorer measures this machine for about a second (as in test_explorer_contract.py).
FAST = {"ComputeTrendExplorer": dict(local_flop_per_s=1e11)}

#: The kit's choice of the least CIEDE2000 difference between two colours of one figure, in every vision.
#: Sharma et al.'s pairs at 1.0 calibrate the formula at a just-noticeable difference between large
#: patches side by side; a plot's colours are thin lines and small markers, apart from one another and
#: from their legend, which needs several times that (Stone, Szafir & Setlur 2014, "An engineering model
#: for color difference as a function of size", Color and Imaging Conference 22: the difference needed
#: grows as marks shrink). 10 is the least that Okabe & Ito's own eight colours keep under all three
#: simulations (10.9, orange and reddish purple for tritanopia; test_okabe_ito_keeps_the_threshold), so
#: the threshold refuses only pairs closer than any two colours of the palette the kit is built on.
MIN_DISTANCE = 10.0

_BUILT: dict[type, Explorer] = {}


def explorer(cls: type) -> Explorer:
    if cls not in _BUILT:
        _BUILT[cls] = cls(**FAST.get(cls.__name__, {}))
    return _BUILT[cls]


# -- the colour maths ---------------------------------------------------------------------------------------

#: Sharma, Wu & Dalal (2005), Color Res. Appl. 30(1) 21-30, Table 1: the 34 pairs of CIELAB colours and
#: their CIEDE2000 difference (L1, a1, b1, L2, a2, b2, dE00).
SHARMA_TABLE_1 = [
    (50.0000, 2.6772, -79.7751, 50.0000, 0.0000, -82.7485, 2.0425),
    (50.0000, 3.1571, -77.2803, 50.0000, 0.0000, -82.7485, 2.8615),
    (50.0000, 2.8361, -74.0200, 50.0000, 0.0000, -82.7485, 3.4412),
    (50.0000, -1.3802, -84.2814, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, -1.1848, -84.8006, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, -0.9009, -85.5211, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, 0.0000, 0.0000, 50.0000, -1.0000, 2.0000, 2.3669),
    (50.0000, -1.0000, 2.0000, 50.0000, 0.0000, 0.0000, 2.3669),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0009, 7.1792),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0010, 7.1792),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0011, 7.2195),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0012, 7.2195),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0009, -2.4900, 4.8045),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0010, -2.4900, 4.8045),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0011, -2.4900, 4.7461),
    (50.0000, 2.5000, 0.0000, 50.0000, 0.0000, -2.5000, 4.3065),
    (50.0000, 2.5000, 0.0000, 73.0000, 25.0000, -18.0000, 27.1492),
    (50.0000, 2.5000, 0.0000, 61.0000, -5.0000, 29.0000, 22.8977),
    (50.0000, 2.5000, 0.0000, 56.0000, -27.0000, -3.0000, 31.9030),
    (50.0000, 2.5000, 0.0000, 58.0000, 24.0000, 15.0000, 19.4535),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.1736, 0.5854, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.2972, 0.0000, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 1.8634, 0.5757, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.2592, 0.3350, 1.0000),
    (60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644),
    (63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630),
    (61.2901, 3.7196, -5.3901, 61.4292, 2.2480, -4.9620, 1.8731),
    (35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645),
    (22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373),
    (36.4612, 47.8580, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146),
    (90.8027, -2.0831, 1.4410, 91.1528, -1.6435, 0.0447, 1.4441),
    (90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381),
    (6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377),
    (2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082),
]


@pytest.mark.parametrize("row", SHARMA_TABLE_1, ids=[f"pair{i + 1}" for i in range(len(SHARMA_TABLE_1))])
def test_ciede2000_reproduces_sharma_table_1(row):
    """Sharma, Wu & Dalal (2005) Table 1, to the table's four decimals, both ways round."""
    lab1, lab2, expected = row[:3], row[3:6], row[6]
    assert kit.ciede2000(lab1, lab2) == pytest.approx(expected, abs=5e-5)
    assert kit.ciede2000(lab2, lab1) == pytest.approx(expected, abs=5e-5)


def test_contrast_ratio_known_values():
    """WCAG 2.1 "contrast ratio": black on white 21:1, a colour on itself 1:1, symmetric; #767676 on white is
    the lightest grey with 4.5:1 (4.54) and #777777 falls just under it (4.48)."""
    assert kit.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert kit.contrast_ratio("#FFFFFF", "#000") == pytest.approx(21.0)
    assert kit.contrast_ratio(kit.BLUE, kit.BLUE) == pytest.approx(1.0)
    assert kit.contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.005)
    assert kit.contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.005)
    assert kit.relative_luminance("#FFFFFF") == pytest.approx(1.0)
    assert kit.relative_luminance("#000000") == 0.0


def test_srgb_transfer_round_trips_and_lab_white_point():
    """The sRGB transfer functions invert each other; white is L* 100, a* = b* = 0; black is L* 0; sRGB red is
    L* 53.24, a* 80.09, b* 67.20 (CIE 15:2004 with the sRGB white)."""
    c = np.linspace(0, 1, 257)
    np.testing.assert_allclose(kit.linear_to_srgb(kit.srgb_to_linear(c)), c, atol=1e-12)
    np.testing.assert_allclose(kit.srgb_to_lab("#FFFFFF"), [100, 0, 0], atol=1e-9)
    np.testing.assert_allclose(kit.srgb_to_lab("#000000"), [0, 0, 0], atol=1e-9)
    np.testing.assert_allclose(kit.srgb_to_lab("#FF0000"), [53.24, 80.09, 67.20], atol=0.05)


def test_cvd_simulation():
    """Machado et al. (2009): each matrix's rows sum to 1 (greys are seen as they are); a dichromat sees red and
    green closer than a trichromat does (protanopia, deuteranopia) and blue and green closer (tritanopia)."""
    for name, m in kit.CVD_MATRICES.items():
        np.testing.assert_allclose(m.sum(axis=1), 1.0, atol=1e-5, err_msg=name)
        np.testing.assert_allclose(kit.simulate_cvd("#808080", name), kit.to_rgb("#808080"), atol=1e-5)  # 6 decimals
    for vision in ("protanopia", "deuteranopia"):
        assert kit.colour_distance("#D62728", "#2CA02C", vision) < kit.colour_distance("#D62728", "#2CA02C") / 2
    assert kit.colour_distance(kit.BLUISH_GREEN, kit.SKY_BLUE, "tritanopia") < \
        kit.colour_distance(kit.BLUISH_GREEN, kit.SKY_BLUE) / 2
    np.testing.assert_allclose(kit.simulate_cvd(kit.BLUE, "normal"), kit.to_rgb(kit.BLUE))


def test_bad_colours_are_refused():
    for bad in ("#12345", "blue", "#GGGGGG", (1, 2), (0, 0, 300), (np.nan, 0, 0)):
        with pytest.raises(ValueError, match="colour"):
            kit.to_rgb(bad)
    with pytest.raises(ValueError, match="vision"):
        kit.simulate_cvd(kit.BLUE, "monochromacy")
    with pytest.raises(ValueError, match="alpha"):
        kit.composite(kit.BLUE, 1.5)


def test_okabe_ito_keeps_the_threshold():
    """Okabe & Ito's eight colours, pairwise, in every vision: at least MIN_DISTANCE apart (the threshold's
    justification), and only just (so it is no looser than the palette needs)."""
    d, vision, pair = kit.min_distance(list(kit.OKABE_ITO.values()))
    assert MIN_DISTANCE <= d < MIN_DISTANCE + 1.5, (d, vision, pair)


def test_dark_variants_keep_the_hue_and_reach_3_to_1():
    """ORANGE_DARK and SKY_BLUE_DARK: 3:1 on white (WCAG 2.1 1.4.11) where the originals are not, and the same
    CIELAB hue within 2 degrees."""
    for light, dark in ((kit.ORANGE, kit.ORANGE_DARK), (kit.SKY_BLUE, kit.SKY_BLUE_DARK)):
        assert kit.contrast_ratio(light, kit.WHITE) < kit.GRAPHICS_CONTRAST <= kit.contrast_ratio(dark, kit.WHITE)
        hue = [np.degrees(np.arctan2(lab[2], lab[1])) for lab in map(kit.srgb_to_lab, (light, dark))]
        assert abs(hue[0] - hue[1]) < 2, (light, dark, hue)
    assert kit.contrast_ratio(kit.GREY, kit.WHITE) >= kit.TEXT_CONTRAST
    assert kit.contrast_ratio(kit.GREY_TEXT, kit.WHITE) >= kit.TEXT_CONTRAST


# -- the explorers ------------------------------------------------------------------------------------------


def test_every_explorer_is_measured():
    assert len(EXPLORERS) == 18, [cls.__name__ for cls in EXPLORERS]


def distinguishability(uses: list[audit.Use]) -> tuple[float, str, tuple | None]:
    return kit.min_distance(audit.meaningful_colours(uses))


def contrast_failures(uses: list[audit.Use]) -> tuple[list[str], float, float]:
    """What falls short of WCAG 2.1 1.4.11 and 1.4.3, and the least graphics and text contrast measured."""
    failures: list[str] = []
    graphics, text = [], []
    by_renderer: dict[int, list[audit.Use]] = {}
    for u in uses:
        if u.role == "text":
            if u.alpha <= 0:
                continue
            ratio = kit.contrast_ratio(u.shown, u.background)
            text.append(ratio)
            need = kit.LARGE_TEXT_CONTRAST if u.large_text else kit.TEXT_CONTRAST
            if ratio < need:
                failures.append(f"text {u.what} {u.colour} on {u.background}: {ratio:.2f} < {need}")
        elif u.alpha > audit.BAND_ALPHA or (u.role == "line" and not u.meaningful):
            by_renderer.setdefault(id(u.renderer), []).append(u)
    for group in by_renderer.values():
        # a filled glyph is seen by its fill or by its outline; a line by its line
        fills = [u for u in group if u.role == "fill"]
        outlines = [u for u in group if u.role == "line" and u.alpha > audit.BAND_ALPHA]
        if fills:
            # an outline mapped from a column may be drawn round another bar than the fill: it does not count
            outline = max((kit.contrast_ratio(u.shown, u.background) for u in outlines if not u.mapped), default=1.0)
            for u in fills:
                ratio = max(kit.contrast_ratio(u.shown, u.background), outline)
                graphics.append(ratio)
                if ratio < kit.GRAPHICS_CONTRAST:
                    failures.append(f"{u.what} fill {u.colour} (outline {outline:.2f}) on {u.background}: {ratio:.2f}")
        else:
            for u in outlines:
                ratio = kit.contrast_ratio(u.shown, u.background)
                graphics.append(ratio)
                if ratio < kit.GRAPHICS_CONTRAST:
                    failures.append(f"{u.what} line {u.colour} on {u.background}: {ratio:.2f}")
    return failures, min(graphics, default=np.inf), min(text, default=np.inf)


def cue_failures(uses: list[audit.Use]) -> list[str]:
    """Series that only colour tells apart (see the module's docstring)."""
    failures: list[str] = []
    series: dict[int, audit.Use] = {}
    strong = {u.colour for u in uses if u.meaningful and u.role != "text" and u.alpha > audit.BAND_ALPHA}
    for u in uses:
        if u.alpha <= audit.BAND_ALPHA and u.colour in strong:
            continue  # a series' band: told apart with its series
        if u.meaningful and u.role != "text" and u.alpha > 0 and id(u.renderer) not in series and not u.mapped:
            series[id(u.renderer)] = u
    for a, b in itertools.combinations(series.values(), 2):
        if a.cue == b.cue and a.colour != b.colour:
            for u in (a, b):
                if u.legend is None and not u.labelled:
                    failures.append(f"{u.what} {u.colour} looks like {(b if u is a else a).what} but for its colour, "
                                    "and has no legend entry or label")
    mapped: dict[int, set[str]] = {}
    for u in uses:
        if u.mapped and u.meaningful and u.role != "text":
            mapped.setdefault(id(u.renderer), set()).add(u.colour)
    for rid, colours in mapped.items():
        u = next(x for x in uses if id(x.renderer) == rid)
        by_legend = u.legend is not None and u.legend.startswith("each ")
        if len(colours) > 1 and not (u.labelled or by_legend or u.named or "mapped" in u.cue or "hatch" in u.cue):
            failures.append(f"{u.what} maps {len(colours)} colours from a column with no marker, hatch or text label "
                            "to go with them")
    return failures


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda cls: cls.__name__)
def test_colours_are_distinguishable(cls):
    problems = []
    for title, uses in audit.figure_colours(explorer(cls)).items():
        d, vision, pair = distinguishability(uses)
        if d < MIN_DISTANCE:
            problems.append(f"{title!r}: {pair} only {d:.1f} apart for {vision}")
    assert not problems, problems


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda cls: cls.__name__)
def test_lines_markers_and_text_have_contrast(cls):
    problems = []
    figures = audit.figure_colours(explorer(cls))
    assert figures, f"{cls.__name__} has no figure"
    for title, uses in figures.items():
        assert any(u.role != "text" for u in uses), f"{title!r} draws nothing"
        problems += [f"{title!r}: {p}" for p in contrast_failures(uses)[0]]
    assert not problems, problems


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda cls: cls.__name__)
def test_colour_has_a_second_cue(cls):
    problems = []
    for title, uses in audit.figure_colours(explorer(cls)).items():
        problems += [f"{title!r}: {p}" for p in cue_failures(uses)]
    assert not problems, problems
