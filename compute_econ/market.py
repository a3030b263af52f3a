"""Who sells the compute: concentration, long-term contracts vs spot, and dependence on few providers.

Three small models:

* **Concentration.** Market shares to the Herfindahl-Hirschman Index (:func:`hhi`, 0-10,000)
  and the k-firm concentration ratio (:func:`cr_k`, :func:`cr4`), labelled with the US
  merger-guideline thresholds (:func:`concentration_level`); the HHI change of a merger
  (:func:`merger_delta_hhi`) and the 2023 Merger Guidelines' structural presumption
  (:func:`presumed_anticompetitive`, :func:`assess_merger`). Sourced shares for five
  markets of the AI supply chain come from ``data/market_shares.csv``
  (:func:`load_market_shares`).
* **Long-term contract vs spot.** A Monte Carlo (:func:`simulate_contract_vs_spot`) of a buyer
  who needs the same accelerator-hours every period: locking capacity on a take-or-pay
  contract, or buying on a spot market whose price is a log-normal random walk and which,
  some periods, has no capacity for this buyer at all.
* **Dependence on few providers.** The chance that a lab spread evenly across ``n`` providers
  loses all (or a given fraction) of its compute in a period (:func:`p_lose_access`), and the
  expected fraction lost (:func:`expected_frac_compute_lost`).

Shares are fractions (``frac_*`` in [0, 1]); HHI uses the agencies' 0-10,000 scale
(shares in percent, squared and summed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np
from numpy.typing import ArrayLike

from compute_econ import _data, costs
from compute_econ._validate import as_float_array, in_range, non_negative, positive, scalar_or_array

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
    "MarketShares",
    "load_market_shares",
    "MARKET_SHARES_COLUMNS",
    "OTHERS",
    "ContractTerms",
    "SpotMarket",
    "StrategyOutcome",
    "ContractVsSpotResult",
    "DEFAULT_CONTRACT",
    "DEFAULT_SPOT",
    "DEFAULT_ACCELERATOR_HOURS_PER_MONTH",
    "HOURS_PER_MONTH",
    "DEFAULT_N_PATHS",
    "CHUNK_PATHS",
    "spot_price_paths",
    "simulate_contract_vs_spot",
    "p_lose_access",
    "expected_frac_compute_lost",
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


def _frac_shares(frac_shares: ArrayLike, frac_fringe: ArrayLike = 0.0) -> np.ndarray:
    """Validate market shares: each in [0, 1], each market (last axis) plus its fringe summing to 1."""
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
    total = s.sum(axis=-1) + in_range("frac_fringe", frac_fringe, 0.0, 1.0)
    bad = np.abs(total - 1.0) > SHARE_SUM_TOLERANCE
    if np.any(bad):
        raise ValueError(f"frac_shares must sum to 1 (within {SHARE_SUM_TOLERANCE:g}; add an 'others' share for "
                         f"the rest of the market), got a sum of {float(np.ravel(total)[np.ravel(bad)][0])!r}")
    return s


def hhi(frac_shares: ArrayLike) -> float | np.ndarray:
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


def cr_k(frac_shares: ArrayLike, k: int = 4, frac_fringe: ArrayLike = 0.0) -> float | np.ndarray:
    """k-firm concentration ratio: the combined share of the ``k`` largest firms, in [0, 1].

    Parameters
    ----------
    frac_shares : array_like
        Market shares as fractions (as for :func:`hhi`); 2-D is one market per row.
        An "others" entry here counts as one firm: pass it as ``frac_fringe`` instead.
    k : int
        Number of largest firms, >= 1. With fewer than ``k`` firms (and no fringe), CR_k is 1.
    frac_fringe : array_like
        Combined share of an unnamed fringe of small firms, in [0, 1], not counted among the
        ``k`` largest (exact when ``k`` named firms are each larger than any fringe firm;
        otherwise a lower bound). ``frac_shares`` plus ``frac_fringe`` must sum to 1.

    References
    ----------
    Concentration ratios: e.g. US Census Bureau, Economic Census concentration ratios (CR4);
    OpenStax Principles of Economics 3e, Section 11.1 ("four-firm concentration ratio").
    """
    s = _frac_shares(frac_shares, frac_fringe)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be an integer >= 1 (valid range: [1, inf)), got {k!r}")
    top = -np.sort(-s, axis=-1)[..., :k]
    return scalar_or_array(np.minimum(top.sum(axis=-1), 1.0))


def cr4(frac_shares: ArrayLike) -> float | np.ndarray:
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
    if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not -n_firms <= i < n_firms:
        raise ValueError(f"{name} must be a firm index in [0, {n_firms - 1}], got {i!r}")
    return int(i) % n_firms


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


def merger_delta_hhi(frac_shares: ArrayLike, i: int, j: int) -> float | np.ndarray:
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
    s = _frac_shares(frac_shares, frac_fringe)
    if s.ndim != 1:
        raise ValueError(f"frac_shares must be one market (1-D) for assess_merger, got shape {s.shape}")
    i, j = _merging_pair(s, i, j)
    pre, pre_upper = hhi_fringe_bounds(s, frac_fringe)
    delta = 2e4 * float(s[i] * s[j])
    post, post_upper = min(pre + delta, 1e4), min(pre_upper + delta, 1e4)
    merged = min(float(s[i] + s[j]), 1.0)
    return MergerAssessment(
        hhi_pre=pre, hhi_post=post, hhi_pre_upper=pre_upper, hhi_post_upper=post_upper, delta_hhi=delta,
        frac_merged_share=merged, level_pre=concentration_level(pre), level_post=concentration_level(post),
        presumed_anticompetitive=presumed_anticompetitive(post, delta, merged),
        presumed_at_upper=presumed_anticompetitive(post_upper, delta, merged),
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
    new = float(in_range("frac_share", frac_share, 0.0, 1.0))
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
    if s.ndim != 1 or s.size == 0:
        raise ValueError(f"named_frac_shares must be a non-empty 1-D array, got {named_frac_shares!r}")
    f = 1.0 - float(s.sum()) if frac_fringe is None else float(in_range("frac_fringe", frac_fringe, 0.0, 1.0))
    if f < -SHARE_SUM_TOLERANCE or abs(float(s.sum()) + f - 1.0) > SHARE_SUM_TOLERANCE:
        raise ValueError(f"named_frac_shares plus frac_fringe must sum to 1 (valid range: named sum in [0, 1]), "
                         f"got {float(s.sum()) + f!r}")
    f = max(f, 0.0)
    low = float(np.sum(s * s))
    m = float(s[s > 0].min()) if np.any(s > 0) else 1.0
    whole = math.floor(f / m + 1e-12)
    rest = max(f - whole * m, 0.0)
    high = low + whole * m * m + rest * rest
    return 1e4 * low, 1e4 * high


# --------------------------------------------------------------------------- data: market shares

#: Columns of ``data/market_shares.csv``.
MARKET_SHARES_COLUMNS = ("market", "firm", "frac_share", "year", "period", "is_estimate", "source", "note")
#: The firm name a source's lumped remainder goes by.
OTHERS = "others"


@dataclass(frozen=True)
class MarketShares:
    """One market's shares, as published.

    Attributes
    ----------
    market : str
        What is sold (e.g. "cloud infrastructure").
    firms : tuple of str
        Firm names, largest first; an ``"others"`` entry, if any, is last and lumps the rest.
    frac_shares : numpy.ndarray
        Shares as fractions, same order as ``firms``, summing to 1.
    year : int
        Year the shares describe.
    period : str
        The period (e.g. "Q3 2024", "2023").
    source : str
        Publisher, report and where it was read.
    is_estimate : bool
        True for analyst estimates (every market here except the EUV sole-supplier fact).
    note : str
        Caveats (definitions, rounding, what "others" holds).

    Use :meth:`hhi_bounds` for concentration when there is an "others" entry.
    """

    market: str
    firms: tuple[str, ...]
    frac_shares: np.ndarray = field(repr=False)
    year: int
    period: str
    source: str
    is_estimate: bool
    note: str

    @property
    def frac_others(self) -> float:
        """The share lumped as "others" (0 if the source names every firm)."""
        return float(self.frac_shares[-1]) if self.firms[-1] == OTHERS else 0.0

    @property
    def named_frac_shares(self) -> np.ndarray:
        """Shares of the named firms only (the "others" entry dropped)."""
        return self.frac_shares[:-1] if self.firms[-1] == OTHERS else self.frac_shares

    def hhi_bounds(self) -> tuple[float, float]:
        """(lower, upper) HHI with "others" as a fringe of small firms (:func:`hhi_fringe_bounds`).

        Prefer this to ``hhi(frac_shares)``, which counts "others" as one firm and can overstate
        concentration (cloud infrastructure: ~2,010 as one firm, 1,571-1,612 as a fringe).
        """
        return hhi_fringe_bounds(self.named_frac_shares, self.frac_others)


def _parse_market_shares(table: _data.CsvTable) -> dict[str, MarketShares]:
    origin = table.label
    grouped: dict[str, list[dict]] = {}
    for rec in table:
        row = {c: rec.text(c) for c in MARKET_SHARES_COLUMNS}
        where = f"{origin} line {rec.line} ({row['market']!r}, {row['firm']!r})"
        share = _data.number(row["frac_share"], where, "frac_share", required=True, low=0.0, low_inclusive=True, high=1.0)
        year = _data.number(row["year"], where, "year", required=True, low=1900, high=2100)
        if not row["source"]:
            raise ValueError(f"{where}: source must not be empty")
        if row["is_estimate"] not in ("true", "false"):
            raise ValueError(f"{where}: is_estimate must be 'true' or 'false', got {row['is_estimate']!r}")
        grouped.setdefault(row["market"], []).append(row | {"frac_share": share, "year": year})
    markets = {}
    for name, group in grouped.items():
        firms = [r["firm"] for r in group]
        if len(set(firms)) != len(firms):
            raise ValueError(f"{origin}: market {name!r} lists a firm twice: {firms}")
        if OTHERS in firms[:-1]:
            raise ValueError(f"{origin}: market {name!r}: the {OTHERS!r} row must come last")
        shares = np.array([r["frac_share"] for r in group])
        if abs(shares.sum() - 1.0) > SHARE_SUM_TOLERANCE:
            raise ValueError(f"{origin}: market {name!r}: frac_share must sum to 1 (within {SHARE_SUM_TOLERANCE:g}; "
                             f"add an {OTHERS!r} row), got {shares.sum()!r}")
        first = group[0]
        shares.setflags(write=False)
        markets[name] = MarketShares(
            market=name, firms=tuple(firms), frac_shares=shares, year=int(first["year"]), period=first["period"],
            source=first["source"], is_estimate=first["is_estimate"] == "true", note=first["note"],
        )
    return markets


@lru_cache(maxsize=1)
def _shipped_market_shares() -> dict[str, MarketShares]:
    return _parse_market_shares(_data.read_csv(None, "market_shares.csv", columns=MARKET_SHARES_COLUMNS))


def load_market_shares(path: str | Path | None = None) -> dict[str, MarketShares]:
    """Sourced market shares by market, each market validated to sum to 1.

    Parameters
    ----------
    path : path, optional
        A CSV with :data:`MARKET_SHARES_COLUMNS` (one row per firm; the source, year and note
        are read from a market's first row); default the shipped ``data/market_shares.csv``.

    Raises
    ------
    ValueError
        Naming the line and firm, for a bad header, a share outside [0, 1], an empty source,
        a duplicate firm, or a market whose shares do not sum to 1.
    """
    if path is None:
        return dict(_shipped_market_shares())
    return _parse_market_shares(_data.read_csv(path, "market_shares.csv", columns=MARKET_SHARES_COLUMNS))


# --------------------------------------------------------------------------- contract vs spot

#: Hours in a month (a year / 12), from compute_econ.costs.
HOURS_PER_MONTH = costs.HOURS_PER_YEAR / 12.0

#: Illustrative buyer: a 1,000-accelerator cluster running all month (730,000 accelerator-hours).
DEFAULT_ACCELERATOR_HOURS_PER_MONTH = 1000 * HOURS_PER_MONTH

#: Default Monte Carlo sample: keeps one explorer update well under 100 ms.
DEFAULT_N_PATHS = 20_000

#: Paths simulated per chunk (memory stays bounded; ``progress`` is called after each chunk).
#: Results depend on the seed and on this chunk size, so it is fixed.
CHUNK_PATHS = 5000


@dataclass(frozen=True)
class ContractTerms:
    """A long-term take-or-pay contract for accelerator capacity.

    For the first ``n_periods`` periods the buyer pays for ``frac_of_demand`` x its need at
    ``usd_per_accelerator_hour``, used or not (take-or-pay). Need above the commitment, and
    all need after the contract ends, is bought on the spot market.

    Attributes
    ----------
    usd_per_accelerator_hour : float
        Contract price, USD per accelerator-hour, >= 0.
    n_periods : int
        Contract length in periods (months by default), >= 0 (0 = no contract).
    frac_of_demand : float
        Committed capacity as a fraction of the buyer's need per period, in [0, 2]
        (above 1 the buyer pays for hours it does not use).
    source : str
        Where the terms come from.
    """

    usd_per_accelerator_hour: float
    n_periods: int
    frac_of_demand: float = 1.0
    source: str = "user"

    def __post_init__(self) -> None:
        non_negative("usd_per_accelerator_hour", self.usd_per_accelerator_hour, "USD/hour")
        if isinstance(self.n_periods, bool) or not isinstance(self.n_periods, (int, np.integer)) or self.n_periods < 0:
            raise ValueError(f"n_periods must be an integer >= 0 (valid range: [0, inf)), got {self.n_periods!r}")
        in_range("frac_of_demand", self.frac_of_demand, 0.0, 2.0)


@dataclass(frozen=True)
class SpotMarket:
    """A spot market for accelerator-hours: a volatile price and a chance of no capacity.

    The log price is a random walk with drift (geometric Brownian motion sampled once a period):

    .. math:: \\ln P_{t+1} = \\ln P_t + \\mu\\,\\Delta t + \\sigma \\sqrt{\\Delta t}\\, Z_t

    so ``drift_per_year`` (mu) is exactly how fast the log price moves on average, and the
    *median* price is P_0 e^{mu t}. The *mean* price is P_0 e^{(mu + sigma^2/2) t}: volatility
    raises the average cost of buying spot (a log-normal's mean exceeds its median). Each
    period, independently, with probability ``p_no_capacity`` the market has no capacity for
    this buyer (a shortfall).

    Attributes
    ----------
    start_usd_per_hour : float
        Spot price in the first period, USD per accelerator-hour, > 0.
    volatility_per_year : float
        sigma, annualised volatility of the log price, in [0, 3].
    drift_per_year : float
        mu, the average change of the log price per year, in [-3, 3] (negative: prices fall;
        -0.32 means the median price falls by a factor e^0.32 = 1.38 a year).
    p_no_capacity : float
        Probability, per period, that no spot capacity is available to this buyer, in [0, 1].
    periods_per_year : float
        Periods per year (12 = months), > 0.
    source : str
        What the parameters rest on; says which are estimates.
    """

    start_usd_per_hour: float
    volatility_per_year: float
    drift_per_year: float = 0.0
    p_no_capacity: float = 0.0
    periods_per_year: float = 12.0
    source: str = "user"

    def __post_init__(self) -> None:
        positive("start_usd_per_hour", self.start_usd_per_hour, "USD/hour")
        in_range("volatility_per_year", self.volatility_per_year, 0.0, 3.0)
        in_range("drift_per_year", self.drift_per_year, -3.0, 3.0)
        in_range("p_no_capacity", self.p_no_capacity, 0.0, 1.0)
        positive("periods_per_year", self.periods_per_year)


#: Default contract: Lambda's H100 price with a 3-year commitment, 36 months, covering all need.
#: The price is compute_econ.costs.H100_LAMBDA_2024.committed_usd_per_hour, itself an *estimate*
#: (on-demand $3.49 x (1 - 0.56), Epoch's assumed 3-year discount; see that constant's source).
DEFAULT_CONTRACT = ContractTerms(
    usd_per_accelerator_hour=costs.H100_LAMBDA_2024.committed_usd_per_hour,
    n_periods=int(round(costs.H100_LAMBDA_2024.commitment_years * 12)),
    frac_of_demand=1.0,
    source="compute_econ.costs.H100_LAMBDA_2024: committed price (estimate) and its 3-year commitment, in months",
)

#: Default spot market (monthly periods). Start: Lambda's H100 on-demand list price, Jan 2024
#: (compute_econ.costs.H100_LAMBDA_2024). Drift: the log price falls 0.322 a year, as hardware value
#: falls 0.14 orders of magnitude a year (compute_econ.costs.DEPRECIATION_PER_YEAR; Cottier et al. 2024).
#: Volatility 0.5/year and a 5 % monthly chance of no capacity are *illustrative estimates*: no
#: volatility or outage rate is published. What they rest on: H100 rentals went from ~$8/h at
#: the 2023 peak to under $2/h by late 2024 (E. Cheah, "$2 H100s: How the GPU Bubble Burst",
#: Latent Space, Oct 2024), ln(4) ~ 1.4 in ~1.5 years; then rose ~40 % from $1.70 (Oct 2025) to
#: $2.35 (Mar 2026) with capacity "sold out" (SemiAnalysis GPU rental index, "The Great GPU
#: Shortage"). As a random walk, moves of that size imply sigma ~ 0.5-1.1/year; 0.5 is the low
#: end. The 2023 shortage (months-long waitlists for H100s) is the evidence for no-capacity months.
DEFAULT_SPOT = SpotMarket(
    start_usd_per_hour=costs.H100_LAMBDA_2024.on_demand_usd_per_hour,
    volatility_per_year=0.5,
    drift_per_year=-costs.DEPRECIATION_PER_YEAR,
    p_no_capacity=0.05,
    periods_per_year=12.0,
    source=(
        "start: compute_econ.costs.H100_LAMBDA_2024 on-demand ($3.49/h, Jan 2024); drift: "
        "-compute_econ.costs.DEPRECIATION_PER_YEAR (Cottier et al. 2024); volatility 0.5/yr and "
        "p_no_capacity 0.05/month: illustrative estimates (H100 rental ~$8/h 2023 -> <$2/h 2024, Latent Space "
        "Oct 2024; $1.70 -> $2.35/h Oct 2025-Mar 2026, SemiAnalysis; 2023 GPU shortage)"
    ),
)


def _read_only(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class StrategyOutcome:
    """One strategy's totals per simulated path, with summary statistics.

    Attributes
    ----------
    cost_usd : numpy.ndarray
        Total cost of each path, USD (read-only).
    shortfall_accelerator_hours : numpy.ndarray
        Accelerator-hours needed but not obtained on each path (read-only).
    demand_accelerator_hours : float
        Total need over the horizon (the same on every path).
    mean_cost_usd : float
    cost_percentiles_usd : dict[int, float]
        5th, 50th and 95th percentiles of ``cost_usd``.
    p_any_shortfall : float
        Share of paths with any shortfall.
    mean_frac_unmet : float
        Mean over paths of shortfall / need.
    """

    cost_usd: np.ndarray = field(repr=False)
    shortfall_accelerator_hours: np.ndarray = field(repr=False)
    demand_accelerator_hours: float
    mean_cost_usd: float
    cost_percentiles_usd: dict
    p_any_shortfall: float
    mean_frac_unmet: float

    @classmethod
    def from_paths(cls, cost_usd: np.ndarray, shortfall: np.ndarray, demand: float) -> "StrategyOutcome":
        p5, p50, p95 = np.percentile(cost_usd, [5, 50, 95])
        return cls(
            cost_usd=_read_only(cost_usd), shortfall_accelerator_hours=_read_only(shortfall),
            demand_accelerator_hours=float(demand), mean_cost_usd=float(cost_usd.mean()),
            cost_percentiles_usd={5: float(p5), 50: float(p50), 95: float(p95)},
            p_any_shortfall=float(np.mean(shortfall > 0)), mean_frac_unmet=float(shortfall.mean() / demand),
        )

    @property
    def frac_unmet(self) -> np.ndarray:
        """Shortfall / need on each path, in [0, 1]."""
        return self.shortfall_accelerator_hours / self.demand_accelerator_hours


@dataclass(frozen=True, eq=False)
class ContractVsSpotResult:
    """Outcome of :func:`simulate_contract_vs_spot`: both strategies on the same simulated paths."""

    contract: StrategyOutcome
    spot: StrategyOutcome
    contract_terms: ContractTerms
    spot_market: SpotMarket
    accelerator_hours_per_period: float
    n_periods: int
    n_paths: int
    seed: int | None

    @property
    def p_contract_cheaper(self) -> float:
        """Share of paths on which the contract costs less than spot (same paths for both)."""
        return float(np.mean(self.contract.cost_usd < self.spot.cost_usd))


def _price_paths(rng: np.random.Generator, spot: SpotMarket, n_paths: int, n_periods: int) -> np.ndarray:
    """``n_paths`` spot price paths of ``n_periods`` periods, USD per accelerator-hour (the first period is P_0)."""
    dt = 1.0 / spot.periods_per_year
    steps = spot.drift_per_year * dt + spot.volatility_per_year * math.sqrt(dt) * rng.standard_normal(
        (n_paths, n_periods - 1))
    log_price = np.zeros((n_paths, n_periods))
    np.cumsum(steps, axis=1, out=log_price[:, 1:])
    return spot.start_usd_per_hour * np.exp(log_price)


def spot_price_paths(spot: SpotMarket = DEFAULT_SPOT, n_periods: int = 36, n_paths: int = 1000,
                     seed: int | None = 0) -> np.ndarray:
    """Simulated spot prices: ``n_paths`` rows of ``n_periods`` periods, USD per accelerator-hour.

    The same process :func:`simulate_contract_vs_spot` prices its spot purchases with: the
    log price moves by ``drift_per_year`` a year on average, with volatility ``volatility_per_year``
    (see :class:`SpotMarket`).

    Parameters
    ----------
    spot : SpotMarket
    n_periods : int
        Periods per path, >= 1 (the first is the start price).
    n_paths : int
        Number of paths, >= 1.
    seed : int or None
        Seed for ``numpy.random.default_rng``.

    References
    ----------
    Geometric Brownian motion: Hull, *Options, Futures and Other Derivatives*, ch. 14.
    """
    for name, v in (("n_periods", n_periods), ("n_paths", n_paths)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not 1 <= v <= 10**7:
            raise ValueError(f"{name} must be an integer in [1, 10000000], got {v!r}")
    if n_paths * n_periods > 10**8:
        raise ValueError(f"n_paths x n_periods must be at most 1e8 values, got {n_paths * n_periods:.3g}")
    return _price_paths(np.random.default_rng(seed), spot, int(n_paths), int(n_periods))


def simulate_contract_vs_spot(
    contract: ContractTerms = DEFAULT_CONTRACT,
    spot: SpotMarket = DEFAULT_SPOT,
    accelerator_hours_per_period: float = DEFAULT_ACCELERATOR_HOURS_PER_MONTH,
    n_periods: int = 36,
    n_paths: int = DEFAULT_N_PATHS,
    seed: int | None = 0,
    progress: Callable[[int, int], None] | None = None,
) -> ContractVsSpotResult:
    """Monte Carlo of total cost and shortfall: a long-term contract against buying on the spot market.

    A buyer needs Q accelerator-hours every period for T periods. **Contract**: for the first
    L = ``contract.n_periods`` periods it pays for ``frac_of_demand`` x Q hours at the contract
    price (take-or-pay) and buys any remaining need on the spot market; after L it buys
    everything spot. **Spot**: it buys Q hours every period at the spot price. In a period with
    no spot capacity, whatever was to be bought spot is not obtained (a shortfall, not paid
    for); contracted hours are always delivered. Both strategies see the *same* price paths
    and outages (common random numbers), so their difference is not sampling noise.

    Parameters
    ----------
    contract : ContractTerms
        Contract price, length and committed fraction.
    spot : SpotMarket
        Spot price process and chance of no capacity.
    accelerator_hours_per_period : float
        Q, accelerator-hours needed each period, > 0.
    n_periods : int
        T, horizon in periods (months by default), >= 1.
    n_paths : int
        Number of simulated paths, >= 1.
    seed : int or None
        Seed for ``numpy.random.default_rng``; the same seed gives identical results.
    progress : callable, optional
        Called as ``progress(done_paths, n_paths)`` after each chunk of :data:`CHUNK_PATHS`
        paths (e.g. to move a notebook progress bar).

    Returns
    -------
    ContractVsSpotResult
        Per-path costs (USD) and shortfalls for each strategy, with summaries.

    References
    ----------
    Price process: geometric Brownian motion (Black & Scholes 1973; Hull, *Options, Futures
    and Other Derivatives*, ch. 14). Default parameters: see :data:`DEFAULT_SPOT` and
    :data:`DEFAULT_CONTRACT`.
    """
    Q = float(positive("accelerator_hours_per_period", accelerator_hours_per_period, "accelerator-hours"))
    for name, v, low in (("n_periods", n_periods, 1), ("n_paths", n_paths, 1)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < low:
            raise ValueError(f"{name} must be an integer >= {low} (valid range: [{low}, inf)), got {v!r}")
    if progress is not None and not callable(progress):
        raise ValueError(f"progress must be a callable progress(done, total) or None, got {progress!r}")
    T, L = int(n_periods), min(int(contract.n_periods), int(n_periods))

    t = np.arange(T)
    in_contract = t < L
    committed = contract.frac_of_demand * Q
    fixed_usd = np.where(in_contract, committed * contract.usd_per_accelerator_hour, 0.0).sum()
    spot_need_contract = np.where(in_contract, max(Q - committed, 0.0), Q)  # hours bought spot, per period

    cost_c, short_c = np.empty(n_paths), np.empty(n_paths)
    cost_s, short_s = np.empty(n_paths), np.empty(n_paths)
    rng = np.random.default_rng(seed)
    for start in range(0, n_paths, CHUNK_PATHS):
        m = min(CHUNK_PATHS, n_paths - start)
        price = _price_paths(rng, spot, m, T)
        available = rng.random((m, T)) >= spot.p_no_capacity
        paid = price * available  # USD per spot hour actually bought (0 when no capacity)
        sl = slice(start, start + m)
        cost_s[sl] = Q * paid.sum(axis=1)
        short_s[sl] = Q * (T - available.sum(axis=1))
        cost_c[sl] = fixed_usd + paid @ spot_need_contract
        short_c[sl] = (~available) @ spot_need_contract
        if progress is not None:
            progress(start + m, n_paths)

    demand = Q * T
    return ContractVsSpotResult(
        contract=StrategyOutcome.from_paths(cost_c, short_c, demand),
        spot=StrategyOutcome.from_paths(cost_s, short_s, demand),
        contract_terms=contract, spot_market=spot, accelerator_hours_per_period=Q, n_periods=T,
        n_paths=int(n_paths), seed=seed,
    )


# --------------------------------------------------------------------------- dependence on few providers


def _log_factorials(n_max: int) -> np.ndarray:
    return np.concatenate(([0.0], np.cumsum(np.log(np.arange(1, n_max + 1, dtype=float)))))


def _n_providers(n_providers: ArrayLike) -> np.ndarray:
    n = positive("n_providers", n_providers)
    if np.any(n != np.round(n)):
        raise ValueError(f"n_providers must be whole numbers >= 1 (valid range: 1, 2, 3, ...), "
                         f"got {float(n[n != np.round(n)].flat[0])!r}")
    return n.astype(int)


def p_lose_access(
    p_provider_loss: ArrayLike,
    n_providers: ArrayLike,
    p_common_shock: ArrayLike = 0.0,
    frac_lost: ArrayLike = 1.0,
) -> float | np.ndarray:
    """Chance, in one period, that a lab spread evenly over ``n`` providers loses at least ``frac_lost`` of its compute.

    Each provider fails independently with probability p (outage, contract cancelled, capacity
    withdrawn); the lab loses 1/n of its compute per failed provider, so the number failed K is
    Binomial(n, p). A common shock with probability q (e.g. export controls) cuts every
    provider at once.

    .. math:: P(\\text{lose} \\ge f) = q + (1-q)\\, P(K \\ge \\lceil f n \\rceil), \\quad K \\sim \\mathrm{Bin}(n, p)

    For f = 1 (all access lost): q + (1 - q) p^n; one provider: q + (1 - q) p.

    Parameters
    ----------
    p_provider_loss : array_like
        p, probability a single provider is lost in the period, in [0, 1].
    n_providers : array_like
        n, number of providers the compute is spread over evenly, whole numbers >= 1.
    p_common_shock : array_like
        q, probability of a shock that removes every provider, in [0, 1].
    frac_lost : array_like
        f, the fraction of compute whose loss counts, in (0, 1]; 1 = all access lost.

    Returns
    -------
    float or numpy.ndarray
        Probability in [0, 1] (arguments broadcast).

    References
    ----------
    Binomial distribution (e.g. Feller 1968, *An Introduction to Probability Theory*, ch. VI);
    the common shock is a one-factor mixture, as in the "beta-factor" common-cause model of
    reliability engineering (NUREG/CR-5485, 1998).
    """
    p = in_range("p_provider_loss", p_provider_loss, 0.0, 1.0)
    n = _n_providers(n_providers)
    q = in_range("p_common_shock", p_common_shock, 0.0, 1.0)
    f = in_range("frac_lost", frac_lost, 0.0, 1.0, low_inclusive=False)
    p, n, q, f = np.broadcast_arrays(p, n, q, f)
    k_min = np.ceil(f * n - 1e-9).astype(int)  # providers that must fail
    n_max = int(n.max())
    k = np.arange(n_max + 1)
    lf = _log_factorials(n_max)
    pe, ne = p[..., None], n[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p = np.where(k == 0, 0.0, k * np.log(pe))
        log_1mp = np.where(ne - k == 0, 0.0, (ne - k) * np.log1p(-pe))
        log_pmf = lf[np.minimum(ne, n_max)] - lf[k] - lf[np.clip(ne - k, 0, n_max)] + log_p + log_1mp
    pmf = np.where(k <= ne, np.exp(log_pmf), 0.0)
    tail = np.where(k >= k_min[..., None], pmf, 0.0).sum(axis=-1)
    out = np.clip(q + (1.0 - q) * tail, 0.0, 1.0)
    return scalar_or_array(out)


def expected_frac_compute_lost(
    p_provider_loss: ArrayLike, n_providers: ArrayLike = 1, p_common_shock: ArrayLike = 0.0
) -> float | np.ndarray:
    """Expected fraction of a lab's compute lost in a period: q + (1 - q) p, whatever n.

    Spreading across providers does not change the *expected* loss (each hour is still with
    some provider that fails with probability p); it shrinks the chance of losing a large
    fraction at once (:func:`p_lose_access`). The common shock is not diversifiable.

    Parameters
    ----------
    p_provider_loss : array_like
        p, in [0, 1].
    n_providers : array_like
        n, whole numbers >= 1 (checked, and broadcast into the result's shape).
    p_common_shock : array_like
        q, in [0, 1].

    References
    ----------
    Linearity of expectation over the n equal slices (E[K/n] = p).
    """
    p = in_range("p_provider_loss", p_provider_loss, 0.0, 1.0)
    n = _n_providers(n_providers)
    q = in_range("p_common_shock", p_common_shock, 0.0, 1.0)
    out = q + (1.0 - q) * p + 0.0 * n
    return scalar_or_array(out)
