"""Concentration: market shares to HHI and CR4, the merger-guideline thresholds and merger screens.

Market shares to the Herfindahl-Hirschman Index (:func:`hhi`, 0-10,000) and the k-firm
concentration ratio (:func:`cr_k`, :func:`cr4`), labelled with the US merger-guideline
thresholds (:func:`concentration_level`); the HHI change of a merger (:func:`merger_delta_hhi`)
and the 2023 Merger Guidelines' structural presumption (:func:`presumed_anticompetitive`,
:func:`assess_merger`); an unnamed "others" fringe bounds the HHI (:func:`hhi_fringe_bounds`).

Shares are fractions (``frac_*`` in [0, 1]); HHI uses the agencies' 0-10,000 scale
(shares in percent, squared and summed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from compute_econ._validate import FloatOrArray, as_float_array, broadcast, in_range, integer, scalar, scalar_or_array

__all__ = [
    "HHI_HIGHLY_CONCENTRATED",
    "HHI_MODERATELY_CONCENTRATED",
    "DELTA_HHI_SIGNIFICANT",
    "FRAC_SHARE_PRESUMPTION",
    "SHARE_SUM_TOLERANCE",
    "hhi",
    "cr_k",
    "cr4",
    "concentration_level",
    "merge_shares",
    "merger_delta_hhi",
    "presumed_anticompetitive",
    "MergerAssessment",
    "assess_merger",
    "set_share",
    "hhi_fringe_bounds",
]

# --------------------------------------------------------------------------- thresholds

#: A market with HHI above 1,800 is "highly concentrated". US DOJ & FTC, Merger Guidelines
#: (18 Dec 2023), Section 2.1 (Guideline 1): the structural presumption applies to a
#: post-merger "Market HHI greater than 1,800" with a "Change in HHI greater than 100".
HHI_HIGHLY_CONCENTRATED = 1800.0

#: HHI between 1,000 and 1,800 is "moderately concentrated", below 1,000 unconcentrated. Not in
#: the 2023 Guidelines themselves (they name only the 1,800 level); from the DOJ Antitrust
#: Division's "Herfindahl-Hirschman Index" page, which cites Merger Guidelines section 2.1 (2023).
HHI_MODERATELY_CONCENTRATED = 1000.0

#: A merger that raises HHI by more than 100 points is a significant increase in concentration
#: (2023 Merger Guidelines, Section 2.1, both indicators of the structural presumption).
DELTA_HHI_SIGNIFICANT = 100.0

#: Second indicator of 2023 Merger Guidelines Section 2.1: the merged firm's share is greater
#: than 30 % and the HHI change is greater than 100 (new in 2023; no share presumption in 2010).
FRAC_SHARE_PRESUMPTION = 0.30

#: Shares must sum to one within this tolerance (rounded published shares use an "others" row).
SHARE_SUM_TOLERANCE = 1e-6


# --------------------------------------------------------------------------- concentration


def _frac_shares(frac_shares: ArrayLike, frac_fringe: ArrayLike | None = None) -> np.ndarray:
    """Validate market shares: each in [0, 1], each market (last axis) plus its fringe (if the caller takes one) summing to 1."""
    s = as_float_array("frac_shares", frac_shares, "[0, 1], summing to 1")
    if s.ndim == 0 or s.shape[-1] == 0:
        raise ValueError(f"frac_shares must be a non-empty 1-D array (one market) or 2-D (one market per row), "
                         f"got {frac_shares!r}")
    if s.ndim > 2:
        raise ValueError(f"frac_shares must be 1-D or 2-D (one market per row), got {s.ndim} dimensions")
    # A share may exceed 1 by the same rounding the sum is allowed (two merged shares that sum to
    # 1 + 2e-16); it is clipped to 1. Anything further out of [0, 1] is an error.
    bad = (s < 0.0) | (s > 1.0 + SHARE_SUM_TOLERANCE)
    if np.any(bad):
        raise ValueError(f"frac_shares must be in [0, 1], got {float(s[bad].flat[0])!r}")
    s = np.minimum(s, 1.0)
    fringe = np.zeros(()) if frac_fringe is None else in_range("frac_fringe", frac_fringe, 0.0, 1.0)
    if fringe.ndim and fringe.shape != s.shape[:-1]:
        want = "one number (frac_shares is one market)" if s.ndim == 1 else \
            f"one number, or one per market ({s.shape[0]} values, one per row of frac_shares)"
        raise ValueError(f"frac_fringe must be {want}, got shape {fringe.shape}")
    total = s.sum(axis=-1) + fringe
    bad = np.abs(total - 1.0) > SHARE_SUM_TOLERANCE
    if np.any(bad):
        what = "frac_shares" if frac_fringe is None else "frac_shares plus frac_fringe"
        raise ValueError(f"{what} must sum to 1 (within {SHARE_SUM_TOLERANCE:g}; add an 'others' share for "
                         f"the rest of the market), got a sum of {float(np.ravel(total)[np.ravel(bad)][0])!r}")
    return s


def hhi(frac_shares: ArrayLike) -> FloatOrArray:
    """Herfindahl-Hirschman Index of a market, on the 0-10,000 scale.

    .. math:: \\mathrm{HHI} = \\sum_i (100\\, s_i)^2 = 10^4 \\sum_i s_i^2

    Parameters
    ----------
    frac_shares : array_like
        Market shares as fractions, each in [0, 1], summing to 1 (within 1e-6). A 2-D array
        is one market per row. An "others" entry counts as one firm (an upper bound for a
        fringe of small firms; see :func:`hhi_fringe_bounds`).

    Returns
    -------
    float or numpy.ndarray
        HHI, 10,000/n for n equal firms, 10,000 for a monopoly.

    References
    ----------
    US DOJ & FTC, Merger Guidelines (2023), Section 2.1 ("the sum of the squares of the market
    shares"); DOJ Antitrust Division, "Herfindahl-Hirschman Index" (shares 30/30/20/20 -> 2,600).

    Examples
    --------
    >>> hhi([0.3, 0.3, 0.2, 0.2])
    2600.0
    """
    s = _frac_shares(frac_shares)
    return scalar_or_array(1e4 * np.sum(s * s, axis=-1))


def cr_k(frac_shares: ArrayLike, k: int = 4, frac_fringe: ArrayLike = 0.0) -> FloatOrArray:
    """k-firm concentration ratio: the combined share of the ``k`` largest firms, in [0, 1].

    Parameters
    ----------
    frac_shares : array_like
        Market shares as fractions (as for :func:`hhi`); 2-D is one market per row.
        An "others" entry here counts as one firm: pass it as ``frac_fringe`` instead.
    k : int
        Number of largest firms, >= 1. With fewer than ``k`` firms (and no fringe), CR_k is 1.
    frac_fringe : array_like
        Combined share of an unnamed fringe of small firms, in [0, 1] (one number, or one per
        market for 2-D ``frac_shares``), not counted among the ``k`` largest (exact when ``k`` named firms are each larger than any fringe firm;
        otherwise a lower bound). ``frac_shares`` plus ``frac_fringe`` must sum to 1.

    References
    ----------
    Concentration ratios: e.g. US Census Bureau, Economic Census concentration ratios (CR4);
    OpenStax Principles of Economics 3e, Section 11.1 ("four-firm concentration ratio").
    """
    s = _frac_shares(frac_shares, in_range("frac_fringe", frac_fringe, 0.0, 1.0))
    k = integer("k", k, 1)
    top = -np.sort(-s, axis=-1)[..., :k]
    return scalar_or_array(np.minimum(top.sum(axis=-1), 1.0))


def cr4(frac_shares: ArrayLike) -> FloatOrArray:
    """Four-firm concentration ratio, :func:`cr_k` with ``k=4``."""
    return cr_k(frac_shares, 4)


def concentration_level(hhi_value: ArrayLike) -> str | np.ndarray:
    """The agencies' label for an HHI: "unconcentrated", "moderately concentrated" or "highly concentrated".

    Highly concentrated: HHI > 1,800 (2023 Merger Guidelines, Section 2.1). Moderately
    concentrated: 1,000 <= HHI <= 1,800; unconcentrated below 1,000 (DOJ HHI page).

    Parameters
    ----------
    hhi_value : array_like
        HHI on the 0-10,000 scale.

    Returns
    -------
    str or numpy.ndarray of str

    References
    ----------
    US DOJ & FTC, Merger Guidelines (2023), Section 2.1; DOJ Antitrust Division,
    "Herfindahl-Hirschman Index" (1,000-1,800 moderately, above 1,800 highly concentrated).
    """
    h = in_range("hhi_value", hhi_value, 0.0, 1e4 + 1e-6)
    labels = np.where(h > HHI_HIGHLY_CONCENTRATED, "highly concentrated",
                      np.where(h >= HHI_MODERATELY_CONCENTRATED, "moderately concentrated", "unconcentrated"))
    return str(labels) if labels.ndim == 0 else labels


def _firm_index(name: str, i: int, n_firms: int) -> int:
    """A firm's index into ``n_firms`` shares, whole, in [-n_firms, n_firms - 1] (negative counts from the end)."""
    return integer(name, i, -n_firms, n_firms - 1) % n_firms


def _merging_pair(s: np.ndarray, i: int, j: int) -> tuple[int, int]:
    n = s.shape[-1]
    i, j = _firm_index("i", i, n), _firm_index("j", j, n)
    if i == j:
        raise ValueError(f"i and j must be two different firms, got i = j = {i}")
    return i, j


def merge_shares(frac_shares: ArrayLike, i: int, j: int) -> np.ndarray:
    """Shares after firms ``i`` and ``j`` merge: firm ``min(i, j)`` holds both shares, the other is removed.

    Shares are static (no firm gains or loses customers): the structural view the
    guidelines' HHI screen takes (2023 Merger Guidelines, Section 2.1).
    """
    s = _frac_shares(frac_shares)
    i, j = _merging_pair(s, i, j)
    keep, drop = min(i, j), max(i, j)
    out = s.copy()
    out[..., keep] = s[..., i] + s[..., j]
    return np.delete(out, drop, axis=-1)


def merger_delta_hhi(frac_shares: ArrayLike, i: int, j: int) -> FloatOrArray:
    """Change in HHI when firms ``i`` and ``j`` merge (shares unchanged): 2 s_i s_j x 10,000.

    .. math:: \\Delta\\mathrm{HHI} = (s_i + s_j)^2 - s_i^2 - s_j^2 = 2 s_i s_j \\quad(\\times 10^4)

    Parameters
    ----------
    frac_shares : array_like
        Pre-merger shares as fractions (as for :func:`hhi`); 2-D is one market per row.
    i, j : int
        Indices of the merging firms (different).

    References
    ----------
    US DOJ & FTC, Merger Guidelines (2023), Section 2.1 and its HHI endnote (change in HHI
    from the merging firms' shares).
    """
    s = _frac_shares(frac_shares)
    i, j = _merging_pair(s, i, j)
    return scalar_or_array(2e4 * s[..., i] * s[..., j])


def presumed_anticompetitive(
    post_merger_hhi: ArrayLike, delta_hhi: ArrayLike, frac_merged_share: ArrayLike = 0.0
) -> bool | np.ndarray:
    """Whether the 2023 Merger Guidelines' structural presumption applies.

    Presumed to substantially lessen competition when the HHI rises by more than 100 and
    either the post-merger HHI is above 1,800 or the merged firm's share is above 30 %.
    Strict inequalities: exactly 1,800, exactly 100 or exactly 30 % does not trigger it.

    Parameters
    ----------
    post_merger_hhi : array_like
        HHI after the merger, 0-10,000.
    delta_hhi : array_like
        Change in HHI from the merger, >= 0.
    frac_merged_share : array_like
        The merged firm's share, in [0, 1] (0 to test the HHI indicator alone).

    References
    ----------
    US DOJ & FTC, Merger Guidelines (18 Dec 2023), Section 2.1 (Guideline 1), the two
    indicators: "Market HHI greater than 1,800 and Change in HHI greater than 100";
    "Share greater than 30 % and Change in HHI greater than 100".
    """
    h = in_range("post_merger_hhi", post_merger_hhi, 0.0, 1e4 + 1e-6)
    d = in_range("delta_hhi", delta_hhi, 0.0, 1e4 + 1e-6)
    s = in_range("frac_merged_share", frac_merged_share, 0.0, 1.0)
    h, d, s = broadcast({"post_merger_hhi": h, "delta_hhi": d, "frac_merged_share": s})
    out = (d > DELTA_HHI_SIGNIFICANT) & ((h > HHI_HIGHLY_CONCENTRATED) | (s > FRAC_SHARE_PRESUMPTION))
    return bool(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class MergerAssessment:
    """A merger of two firms through the 2023 Merger Guidelines' HHI screen (Section 2.1).

    HHIs count an unnamed fringe (``frac_fringe``) as many tiny firms (contributing ~0); the
    ``*_upper`` fields count it as concentrated as it can be (:func:`hhi_fringe_bounds`).
    Without a fringe the two agree.

    Attributes
    ----------
    hhi_pre, hhi_post : float
        HHI before and after (0-10,000), fringe as tiny firms.
    hhi_pre_upper, hhi_post_upper : float
        The same with the fringe at its upper bound (the fringe is not part of the merger).
    delta_hhi : float
        Change in HHI, 2 s_i s_j x 10,000 (the fringe does not change it).
    frac_merged_share : float
        The merged firm's share, in [0, 1].
    level_pre, level_post : str
        :func:`concentration_level` of ``hhi_pre`` and ``hhi_post``.
    presumed_anticompetitive : bool
        The structural presumption (:func:`presumed_anticompetitive`) with ``hhi_post``.
    presumed_at_upper : bool
        The presumption with ``hhi_post_upper`` (differs only when the fringe's split matters).
    """

    hhi_pre: float
    hhi_post: float
    hhi_pre_upper: float
    hhi_post_upper: float
    delta_hhi: float
    frac_merged_share: float
    level_pre: str
    level_post: str
    presumed_anticompetitive: bool
    presumed_at_upper: bool


def assess_merger(frac_shares: ArrayLike, i: int, j: int, frac_fringe: float = 0.0) -> MergerAssessment:
    """HHI before/after, the change and the guidelines' presumption for a merger of firms ``i`` and ``j`` (one market).

    Parameters
    ----------
    frac_shares : array_like
        Shares of the named firms (1-D), fractions in [0, 1].
    i, j : int
        The merging firms (indices into ``frac_shares``, different).
    frac_fringe : float
        Combined share of an unnamed fringe ("others"), in [0, 1]; ``frac_shares`` plus
        ``frac_fringe`` must sum to 1.

    References
    ----------
    US DOJ & FTC, Merger Guidelines (2023), Section 2.1.
    """
    fringe = scalar("frac_fringe", frac_fringe, 0.0, 1.0)
    s = _frac_shares(frac_shares, fringe)
    if s.ndim != 1:
        raise ValueError(f"frac_shares must be one market (1-D) for assess_merger, got shape {s.shape}")
    i, j = _merging_pair(s, i, j)
    pre, pre_upper = hhi_fringe_bounds(s, fringe)
    delta = 2e4 * float(s[i] * s[j])
    post, post_upper = min(pre + delta, 1e4), min(pre_upper + delta, 1e4)
    merged = min(float(s[i] + s[j]), 1.0)
    return MergerAssessment(
        hhi_pre=pre, hhi_post=post, hhi_pre_upper=pre_upper, hhi_post_upper=post_upper, delta_hhi=delta,
        frac_merged_share=merged, level_pre=str(concentration_level(pre)), level_post=str(concentration_level(post)),
        presumed_anticompetitive=bool(presumed_anticompetitive(post, delta, merged)),
        presumed_at_upper=bool(presumed_anticompetitive(post_upper, delta, merged)),
    )


def set_share(frac_shares: ArrayLike, i: int, frac_share: float) -> np.ndarray:
    """Shares with firm ``i`` at ``frac_share`` and every other firm rescaled in proportion (a what-if).

    The other firms keep their shares relative to each other and together hold
    ``1 - frac_share``; if they held nothing, they split it equally.

    Parameters
    ----------
    frac_shares : array_like
        One market's shares (1-D), summing to 1.
    i : int
        The firm whose share is set.
    frac_share : float
        Its new share, in [0, 1] (below 1 needs at least one other firm).
    """
    s = _frac_shares(frac_shares)
    if s.ndim != 1:
        raise ValueError(f"frac_shares must be one market (1-D), got shape {s.shape}")
    i = _firm_index("i", i, s.size)
    new = scalar("frac_share", frac_share, 0.0, 1.0)
    rest = np.delete(s, i)
    if rest.size == 0:
        if new < 1.0:
            raise ValueError(f"frac_share must be 1 for a single-firm market (valid range: [1, 1]), got {new!r}")
        return s.copy()
    total = rest.sum()
    rest = rest * ((1.0 - new) / total) if total > 0 else np.full(rest.size, (1.0 - new) / rest.size)
    return np.insert(rest, i, new)


def hhi_fringe_bounds(named_frac_shares: ArrayLike, frac_fringe: ArrayLike | None = None) -> tuple[float, float]:
    """Lower and upper HHI when the rest of the market is an unnamed fringe of small firms.

    Sources often name the largest firms and lump the rest as "others". Their split is
    unknown, so the HHI is bounded:

    * **lower**: the fringe is many tiny firms, each contributing ~0 (sum of s_i^2 -> 0);
    * **upper**: the fringe is as concentrated as it can be while no fringe firm is larger
      than the smallest named firm m: floor(f/m) firms of share m plus one of the remainder.

    Treating "others" as a single firm (as :func:`hhi` does with an "others" entry) can
    overstate HHI further still. The DOJ notes that small firms "do not affect the HHI
    significantly", so the two bounds are usually close.

    Parameters
    ----------
    named_frac_shares : array_like
        Shares of the named firms, fractions in [0, 1], summing to at most 1 (1-D).
    frac_fringe : float, optional
        The fringe's combined share; default ``1 - sum(named_frac_shares)``.

    Returns
    -------
    (float, float)
        (lower, upper) HHI on the 0-10,000 scale.

    References
    ----------
    DOJ Antitrust Division, "Herfindahl-Hirschman Index" (lack of information about small
    firms "is not critical because such firms do not affect the HHI significantly").
    """
    s = in_range("named_frac_shares", named_frac_shares, 0.0, 1.0)
    if s.ndim != 1:
        raise ValueError(f"named_frac_shares must be a 1-D sequence of shares in [0, 1], got {s.ndim} dimensions")
    f = 1.0 - float(s.sum()) if frac_fringe is None else scalar("frac_fringe", frac_fringe, 0.0, 1.0)
    if f < -SHARE_SUM_TOLERANCE or abs(float(s.sum()) + f - 1.0) > SHARE_SUM_TOLERANCE:
        raise ValueError(f"named_frac_shares plus frac_fringe must sum to 1 (valid range: named sum in [0, 1]), "
                         f"got {float(s.sum()) + f!r}")
    f = max(f, 0.0)
    low = float(np.sum(s * s))
    m = float(s[s > 0].min()) if np.any(s > 0) else 1.0
    with np.errstate(over="ignore"):  # a tiny smallest firm: f/m is inf, and the fringe is all firms of size m
        n_whole = float(np.floor(np.float64(f) / m + 1e-12))
    in_whole = min(n_whole * m, f)  # the fringe's share held by firms of share m
    rest = max(f - in_whole, 0.0)
    high = low + in_whole * m + rest * rest
    return 1e4 * low, 1e4 * high


