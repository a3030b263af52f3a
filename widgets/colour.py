"""The kit's colours and the colour maths that checks them: contrast, colour-vision deficiency, colour distance.

Presentation only, numpy only (no Bokeh, no ipywidgets): the explorers take their colours from the
named constants below, and ``tests/test_palette.py`` measures every explorer's figures with the
functions here.

* :func:`relative_luminance` and :func:`contrast_ratio` follow WCAG 2.1's definitions ("relative
  luminance", "contrast ratio", https://www.w3.org/TR/WCAG21/#dfn-relative-luminance and
  #dfn-contrast-ratio), the measure behind success criteria 1.4.3 (text, 4.5:1; large text 3:1) and
  1.4.11 (graphical objects, 3:1).
* :func:`simulate_cvd` is Machado, Oliveira & Fernandes (2009), "A physiologically-based model for
  simulation of color vision deficiency", IEEE TVCG 15(6) 1291-1298, at severity 1.0 (dichromacy).
* :func:`ciede2000` is the CIE's 2000 colour difference as written out by Sharma, Wu & Dalal (2005),
  "The CIEDE2000 color-difference formula: implementation notes, supplementary test data, and
  mathematical observations", Color Research & Application 30(1) 21-30, eqs. (1)-(17); CIELAB from
  CIE 15:2004 with the sRGB white (D65).
* The palette is Okabe & Ito (2008), "Color Universal Design (CUD): how to make figures and
  presentations that are friendly to colorblind people" (J*Fly, https://jfly.uni-koeln.de/color/).
"""

from __future__ import annotations

from collections.abc import Sequence
import numpy as np

ColourLike = str | Sequence[float]

# -- the kit's palette ----------------------------------------------------------------------------------

# Okabe & Ito (2008), "Color Universal Design", Fig. 16 ("a set of colors that is unambiguous both to
# colorblinds and non-colorblinds"): RGB 0-255 as published there.
BLACK = "#000000"  # (0, 0, 0)
ORANGE = "#E69F00"  # (230, 159, 0)
SKY_BLUE = "#56B4E9"  # (86, 180, 233)
BLUISH_GREEN = "#009E73"  # (0, 158, 115)
YELLOW = "#F0E442"  # (240, 228, 66)
BLUE = "#0072B2"  # (0, 114, 178)
VERMILLION = "#D55E00"  # (213, 94, 0)
REDDISH_PURPLE = "#CC79A7"  # (204, 121, 167)
OKABE_ITO = {"black": BLACK, "orange": ORANGE, "sky blue": SKY_BLUE, "bluish green": BLUISH_GREEN,
             "yellow": YELLOW, "blue": BLUE, "vermillion": VERMILLION, "reddish purple": REDDISH_PURPLE}

# Orange, sky blue and yellow are light: on a white plot they fall below WCAG 2.1's 3:1 for graphical
# objects (1.4.11; measured: 2.3, 2.2 and 1.3). For a line or a marker without an outline the kit uses
# these darker versions: the same CIELAB hue, lightness lowered until the colour has 3:1 on white
# (the kit's choice of fix; tests/test_palette.py checks both properties). Fills with an outline, and
# bands, keep the light originals.
ORANGE_DARK = "#C48703"
SKY_BLUE_DARK = "#369CCF"

# The kit's greys. GREY_TEXT is Bokeh's default text colour (axis labels, ticks, legends: 9.7:1 on white);
# GREY (5.7:1) is for reference lines, context and secondary text. A lighter grey for a line (e.g. #999999,
# 2.8:1; #878787, 3.6:1) fails 1.4.11 or comes within 8 (CIEDE2000) of bluish green and reddish purple
# for deuteranopia (tests/test_palette.py measures it). GREY_LIGHT is for fills with an outline or a label.
GREY_TEXT = "#444444"
GREY = "#666666"
GREY_LIGHT = "#DDDDDD"
WHITE = "#FFFFFF"

# The kit's "you / your choice" colour: the explorers mark the learner's own point (budget, chosen batch,
# chosen cluster) in vermillion with a star or a large marker as the second cue.
CHOICE = VERMILLION

# -- conversions ----------------------------------------------------------------------------------------


def to_rgb(colour: ColourLike) -> np.ndarray:
    """An sRGB colour as three floats in [0, 1]: from ``"#rrggbb"``, ``"#rgb"`` or three numbers 0-255.

    Named CSS colours are not parsed here (the caller resolves them, e.g. with ``bokeh.colors.named``).
    """
    if isinstance(colour, str):
        text = colour.strip().lstrip("#")
        if len(text) == 3:
            text = "".join(c * 2 for c in text)
        if len(text) == 8:  # #rrggbbaa: the alpha is the caller's to composite
            text = text[:6]
        try:
            if len(text) != 6:
                raise ValueError
            return np.array([int(text[i:i + 2], 16) for i in (0, 2, 4)], dtype=float) / 255.0
        except ValueError:
            raise ValueError(f"colour must be '#rrggbb', '#rgb' or three numbers in [0, 255], got {colour!r}") from None
    rgb = np.asarray(colour, dtype=float)
    if rgb.shape[-1:] != (3,) or not np.all(np.isfinite(rgb)) or np.any(rgb < 0) or np.any(rgb > 255):
        raise ValueError(f"colour must be '#rrggbb', '#rgb' or three numbers in [0, 255], got {colour!r}")
    return rgb / 255.0


def to_hex(rgb: Sequence[float] | np.ndarray) -> str:
    """``"#rrggbb"`` of an sRGB colour given as three floats in [0, 1] (clipped, rounded)."""
    v = np.clip(np.rint(np.asarray(rgb, dtype=float) * 255.0), 0, 255).astype(int)
    return "#{:02X}{:02X}{:02X}".format(*v)


def srgb_to_linear(c: np.ndarray | float) -> np.ndarray:
    """Linear-light values of gamma-encoded sRGB values in [0, 1].

    IEC 61966-2-1:1999 (sRGB), the formula WCAG 2.1 quotes in its "relative luminance" definition. WCAG
    2.1 prints the break as 0.03928, the sRGB standard says 0.04045; no 8-bit value lies between them.
    """
    c = np.asarray(c, dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(c: np.ndarray | float) -> np.ndarray:
    """Gamma-encoded sRGB values of linear-light values in [0, 1] (IEC 61966-2-1:1999, the inverse of
    :func:`srgb_to_linear`)."""
    c = np.asarray(c, dtype=float)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * np.abs(c) ** (1 / 2.4) - 0.055)


def composite(colour: ColourLike, alpha: float, background: ColourLike = WHITE) -> np.ndarray:
    """The sRGB colour a browser's canvas shows for ``colour`` drawn with ``alpha`` over ``background``.

    The HTML canvas composites source-over in gamma-encoded sRGB (W3C Compositing and Blending Level 1,
    5.1 "simple alpha compositing"): ``alpha * colour + (1 - alpha) * background``.
    """
    if not (isinstance(alpha, (int, float)) and 0.0 <= alpha <= 1.0):
        raise ValueError(f"alpha must be a number in [0, 1], got {alpha!r}")
    return alpha * to_rgb(colour) + (1.0 - alpha) * to_rgb(background)


# -- WCAG 2.1 contrast ----------------------------------------------------------------------------------

#: WCAG 2.1 "relative luminance": the sRGB (ITU-R BT.709) luminance weights of linear R, G, B.
_LUMINANCE_WEIGHTS = np.array([0.2126, 0.7152, 0.0722])
#: WCAG 2.1 success criteria 1.4.3 (text; large text) and 1.4.11 (graphical objects, user-interface parts).
TEXT_CONTRAST, LARGE_TEXT_CONTRAST, GRAPHICS_CONTRAST = 4.5, 3.0, 3.0


def relative_luminance(colour: ColourLike) -> float:
    """WCAG 2.1 "relative luminance" of an sRGB colour: 0 for black, 1 for white."""
    return float(srgb_to_linear(to_rgb(colour)) @ _LUMINANCE_WEIGHTS)


def contrast_ratio(a: ColourLike, b: ColourLike) -> float:
    """WCAG 2.1 "contrast ratio" ``(L1 + 0.05) / (L2 + 0.05)`` of two colours, the lighter's luminance on
    top: from 1 (same luminance) to 21 (black on white)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


# -- colour-vision deficiency ---------------------------------------------------------------------------

#: Machado, Oliveira & Fernandes (2009), the matrices for severity 1.0 (protanopia, deuteranopia,
#: tritanopia) as published on the authors' page (www.inf.ufrgs.br/~oliveira/pubs_files/CVD_Simulation/)
#: and in Machado's thesis (2010, UFRGS, hdl 10183/26950); checked against the copy colour-science/colour
#: vendors (colour/blindness/datasets/machado2010.py, key 1.0). They act on linear RGB.
CVD_MATRICES = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
#: Normal vision first, then the simulated deficiencies.
VISIONS = ("normal", *CVD_MATRICES)


def simulate_cvd(colour: ColourLike, vision: str) -> np.ndarray:
    """The sRGB colour (floats in [0, 1]) someone with ``vision`` sees for ``colour``.

    Machado et al. (2009), Section 4: the matrix multiplies linear RGB; the result is clipped to the
    display's gamut and encoded again. ``"normal"`` returns the colour unchanged.
    """
    if vision not in VISIONS:
        raise ValueError(f"vision must be one of {', '.join(VISIONS)}, got {vision!r}")
    rgb = to_rgb(colour)
    if vision == "normal":
        return rgb
    return linear_to_srgb(np.clip(CVD_MATRICES[vision] @ srgb_to_linear(rgb), 0.0, 1.0))


# -- CIELAB and CIEDE2000 -------------------------------------------------------------------------------

#: Linear sRGB to CIE XYZ, IEC 61966-2-1:1999 (D65 white).
_SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805],
                         [0.2126, 0.7152, 0.0722],
                         [0.0193, 0.1192, 0.9505]])
#: The reference white: sRGB's white (D65) in XYZ, so white is L* = 100, a* = b* = 0 exactly.
_WHITE_XYZ = _SRGB_TO_XYZ @ np.ones(3)


def srgb_to_lab(colour: ColourLike | np.ndarray) -> np.ndarray:
    """CIELAB (L*, a*, b*) of an sRGB colour, D65 white (CIE 15:2004, 8.2.1).

    Takes what :func:`to_rgb` takes, or an array of floats in [0, 1] (e.g. from :func:`simulate_cvd`).
    """
    rgb = colour if isinstance(colour, np.ndarray) and colour.dtype.kind == "f" and colour.max(initial=0) <= 1 \
        else to_rgb(colour)  # type: ignore[arg-type]
    t = (_SRGB_TO_XYZ @ srgb_to_linear(rgb)) / _WHITE_XYZ
    d = 6.0 / 29.0
    f = np.where(t > d**3, np.cbrt(t), t / (3 * d**2) + 4.0 / 29.0)
    return np.array([116.0 * f[1] - 16.0, 500.0 * (f[0] - f[1]), 200.0 * (f[1] - f[2])])


def ciede2000(lab1: Sequence[float] | np.ndarray, lab2: Sequence[float] | np.ndarray) -> float:
    """CIEDE2000 colour difference of two CIELAB colours, with k_L = k_C = k_H = 1.

    Sharma, Wu & Dalal (2005), eqs. (1)-(17), including their notes on hue angles: h' = 0 when
    a' = b' = 0, and the mean hue and hue difference taken the short way round the circle.
    """
    L1, a1, b1 = (float(v) for v in lab1)
    L2, a2, b2 = (float(v) for v in lab2)
    # (2)-(5): a' stretched by G, chroma C' and hue h' (degrees in [0, 360))
    c_bar7 = ((np.hypot(a1, b1) + np.hypot(a2, b2)) / 2) ** 7
    G = 0.5 * (1 - np.sqrt(c_bar7 / (c_bar7 + 25.0**7)))
    a1p, a2p = (1 + G) * a1, (1 + G) * a2
    C1p, C2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = 0.0 if C1p == 0 else np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = 0.0 if C2p == 0 else np.degrees(np.arctan2(b2, a2p)) % 360
    # (8)-(10): differences
    dLp, dCp = L2 - L1, C2p - C1p
    if C1p * C2p == 0:
        dhp = 0.0
    elif abs(h2p - h1p) <= 180:
        dhp = h2p - h1p
    elif h2p - h1p > 180:
        dhp = h2p - h1p - 360
    else:
        dhp = h2p - h1p + 360
    dHp = 2 * np.sqrt(C1p * C2p) * np.sin(np.radians(dhp / 2))
    # (12)-(14): means
    Lbp, Cbp = (L1 + L2) / 2, (C1p + C2p) / 2
    if C1p * C2p == 0:
        hbp = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hbp = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        hbp = (h1p + h2p + 360) / 2
    else:
        hbp = (h1p + h2p - 360) / 2
    # (15)-(17): weights and the rotation term
    T = (1 - 0.17 * np.cos(np.radians(hbp - 30)) + 0.24 * np.cos(np.radians(2 * hbp))
         + 0.32 * np.cos(np.radians(3 * hbp + 6)) - 0.20 * np.cos(np.radians(4 * hbp - 63)))
    d_theta = 30 * np.exp(-(((hbp - 275) / 25) ** 2))
    R_C = 2 * np.sqrt(Cbp**7 / (Cbp**7 + 25.0**7))
    S_L = 1 + 0.015 * (Lbp - 50) ** 2 / np.sqrt(20 + (Lbp - 50) ** 2)
    S_C = 1 + 0.045 * Cbp
    S_H = 1 + 0.015 * Cbp * T
    R_T = -np.sin(np.radians(2 * d_theta)) * R_C
    return float(np.sqrt((dLp / S_L) ** 2 + (dCp / S_C) ** 2 + (dHp / S_H) ** 2 + R_T * (dCp / S_C) * (dHp / S_H)))


def colour_distance(a: ColourLike, b: ColourLike, vision: str = "normal") -> float:
    """CIEDE2000 between two sRGB colours as someone with ``vision`` sees them (:func:`simulate_cvd`)."""
    return ciede2000(srgb_to_lab(simulate_cvd(a, vision)), srgb_to_lab(simulate_cvd(b, vision)))


def min_distance(colours: Sequence[ColourLike]) -> tuple[float, str, tuple[ColourLike, ColourLike] | None]:
    """The smallest :func:`colour_distance` between any two of ``colours`` in any of :data:`VISIONS`: the
    distance, the vision and the pair (``inf``, ``""`` and ``None`` for fewer than two colours)."""
    best: tuple[float, str, tuple[ColourLike, ColourLike] | None] = (float("inf"), "", None)
    labs = {vision: [srgb_to_lab(simulate_cvd(c, vision)) for c in colours] for vision in VISIONS}
    for vision, lab in labs.items():
        for i in range(len(colours)):
            for j in range(i + 1, len(colours)):
                d = ciede2000(lab[i], lab[j])
                if d < best[0]:
                    best = (d, vision, (colours[i], colours[j]))
    return best
