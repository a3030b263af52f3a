"""The shares data: sourced market shares of the AI supply chain, and their loader.

Sourced shares for markets of the AI supply chain (cloud, data-centre GPUs, HBM, foundry,
EUV lithography, the largest H100 buyers, AI supercomputers by country) come from
``data/market_shares.csv`` (:func:`load_market_shares`), one :class:`MarketShares` per market.
Where a source lumps small firms as ``"others"``, that entry is a fringe, not a firm
(:meth:`MarketShares.hhi_bounds`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from compute_econ import _data

from .concentration import SHARE_SUM_TOLERANCE, hhi_fringe_bounds

__all__ = [
    "MarketShares",
    "load_market_shares",
    "MARKET_SHARES_COLUMNS",
    "OTHERS",
]

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


