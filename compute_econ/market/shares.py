"""The shares data: sourced market shares of the AI supply chain, and their loader.

Sourced shares for markets of the AI supply chain (cloud, data-centre GPUs, HBM, foundry,
EUV lithography, the largest H100 buyers, AI supercomputers by country) come from
``data/market_shares.csv`` (:func:`load_market_shares`), one :class:`MarketShares` per market.
Where a source lumps small firms as ``"others"``, that entry is a fringe, not a firm:
:meth:`MarketShares.hhi_bounds` bounds the HHI, and :meth:`MarketShares.split` separates the
named firms (ranked largest first) from the fringe, for a table or a bar chart.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from compute_econ import _data
from compute_econ._records import ArrayRecord
from compute_econ._validate import YEAR_RANGE, array, flag, integer, text

from .concentration import SHARE_SUM_TOLERANCE, hhi_fringe_bounds

__all__ = [
    "MarketShares",
    "ShareSplit",
    "load_market_shares",
    "MARKET_SHARES_COLUMNS",
    "OTHERS",
]

#: Columns of ``data/market_shares.csv``.
MARKET_SHARES_COLUMNS = ("market", "firm", "frac_share", "year", "period", "is_estimate", "source", "note")
#: The firm name a source's lumped remainder goes by.
OTHERS = "others"


def _read_only(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _firm_names(firms: Any) -> tuple[str, ...]:
    """Firm names as a tuple: a non-empty list or tuple of distinct, non-empty strings, ``"others"`` only last."""
    if isinstance(firms, np.ndarray) and firms.dtype.kind == "U" and firms.ndim == 1:
        firms = firms.tolist()
    if not isinstance(firms, (list, tuple)) or not firms:
        raise ValueError(f"firms must be a non-empty list or tuple of firm names, got {firms!r:.80}")
    for name in firms:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"firms must hold firm names (non-empty strings), got {name!r:.80} in {firms!r:.80}")
    if len(set(firms)) != len(firms):
        raise ValueError(f"firms must name each firm once, got {list(firms)!r:.200}")
    if OTHERS in firms[:-1]:
        raise ValueError(f"firms may hold {OTHERS!r} (the lumped rest of the market) only last, got {list(firms)!r:.200}")
    return tuple(firms)


def _shares_for(firms: tuple[str, ...], frac_shares: Any) -> np.ndarray:
    """One share per firm, each in [0, 1], summing to 1 (within :data:`SHARE_SUM_TOLERANCE`), as a read-only copy."""
    s = array("frac_shares", frac_shares, 0.0, 1.0, ndim=1)
    if s.size != len(firms):
        raise ValueError(f"frac_shares must hold one share per firm in firms ({len(firms)}), got {s.size} shares")
    total = float(s.sum())
    if abs(total - 1.0) > SHARE_SUM_TOLERANCE:
        raise ValueError(f"frac_shares must sum to 1 (within {SHARE_SUM_TOLERANCE:g}; add an {OTHERS!r} entry for "
                         f"the rest of the market), got a sum of {total!r}")
    return _read_only(np.array(s, dtype=float))


@dataclass(frozen=True, eq=False)
class ShareSplit(ArrayRecord):
    """A market's shares split into the named firms and the ``"others"`` fringe, and ranked largest first.

    The named firms keep the market's order in ``named_firms`` (the indices :func:`assess_merger`
    and :func:`merger_delta_hhi` take); ``order`` ranks them, and ``ranked_*`` list them largest
    first with the fringe last, as a table or a bar chart shows them.

    Attributes
    ----------
    named_firms : tuple of str
        The named firms, in the market's order.
    named_frac_shares : numpy.ndarray
        Their shares, same order (read-only).
    frac_fringe : float
        The share lumped as ``"others"``; 0 without an ``"others"`` entry.
    has_fringe : bool
        Whether the market has an ``"others"`` entry (even at a 0 share: EUV lithography's
        "others" hold nothing until a what-if gives them some).
    order : numpy.ndarray of int
        Indices into ``named_firms``, largest share first (ties keep the market's order).
    ranked_firms : tuple of str
        The named firms largest first, then ``"others"`` if ``has_fringe``.
    ranked_frac_shares : numpy.ndarray
        Their shares, same order as ``ranked_firms`` (read-only).
    """

    named_firms: tuple[str, ...]
    named_frac_shares: np.ndarray
    frac_fringe: float
    has_fringe: bool
    order: np.ndarray
    ranked_firms: tuple[str, ...]
    ranked_frac_shares: np.ndarray


@dataclass(frozen=True, eq=False)
class MarketShares(ArrayRecord):
    """One market's shares, as published.

    Attributes
    ----------
    market : str
        What is sold (e.g. "cloud infrastructure").
    firms : tuple of str
        Firm names, largest first; an ``"others"`` entry, if any, is last and lumps the rest.
        A list is stored as a tuple.
    frac_shares : numpy.ndarray
        Shares as fractions, same order as ``firms``, each in [0, 1], summing to 1 (within
        :data:`SHARE_SUM_TOLERANCE`); stored as a read-only copy.
    year : int
        Calendar year the shares describe (:data:`compute_econ._validate.YEAR_RANGE`).
    period : str
        The period (e.g. "Q3 2024", "2023").
    source : str
        Publisher, report and where it was read.
    is_estimate : bool
        True for analyst estimates (every market here except the EUV sole-supplier fact).
    note : str
        Caveats (definitions, rounding, what "others" holds); may be empty.

    Use :meth:`hhi_bounds` for concentration when there is an "others" entry, and
    :meth:`split` for the named firms and the fringe.

    Raises
    ------
    ValueError
        Naming the field, for a firm listed twice or an empty name, ``"others"`` anywhere but
        last, a share outside [0, 1] or shares not summing to 1, one share too many or too few,
        a year outside 1950-2100, or a non-text market, period or source.
    """

    market: str
    firms: tuple[str, ...]
    frac_shares: np.ndarray = field(repr=False)
    year: int
    period: str
    source: str
    is_estimate: bool
    note: str = ""

    def __post_init__(self) -> None:
        firms = _firm_names(self.firms)
        set_ = object.__setattr__
        set_(self, "market", text("market", self.market))
        set_(self, "firms", firms)
        set_(self, "frac_shares", _shares_for(firms, self.frac_shares))
        set_(self, "year", integer("year", self.year, *YEAR_RANGE))
        set_(self, "period", text("period", self.period))
        set_(self, "source", text("source", self.source))
        set_(self, "is_estimate", flag("is_estimate", self.is_estimate))
        set_(self, "note", text("note", self.note, allow_empty=True))

    @property
    def has_others(self) -> bool:
        """Whether the source lumps the rest of the market as ``"others"`` (its last entry)."""
        return self.firms[-1] == OTHERS

    @property
    def frac_others(self) -> float:
        """The share lumped as "others" (0 if the source names every firm)."""
        return float(self.frac_shares[-1]) if self.has_others else 0.0

    @property
    def named_firms(self) -> tuple[str, ...]:
        """The named firms only (the "others" entry dropped), in the market's order."""
        return self.firms[:-1] if self.has_others else self.firms

    @property
    def named_frac_shares(self) -> np.ndarray:
        """Shares of the named firms only (the "others" entry dropped)."""
        return self.frac_shares[:-1] if self.has_others else self.frac_shares

    def hhi_bounds(self) -> tuple[float, float]:
        """(lower, upper) HHI with "others" as a fringe of small firms (:func:`hhi_fringe_bounds`).

        Prefer this to ``hhi(frac_shares)``, which counts "others" as one firm and can overstate
        concentration (cloud infrastructure: ~2,010 as one firm, 1,571-1,612 as a fringe).
        """
        return hhi_fringe_bounds(self.named_frac_shares, self.frac_others)

    def split(self, frac_shares: ArrayLike | None = None) -> ShareSplit:
        """The named firms and the "others" fringe, ranked largest first: of the published shares or of a what-if.

        Parameters
        ----------
        frac_shares : array_like, optional
            Shares of the same firms in the same order (e.g. ``set_share(ms.frac_shares, 0, 0.5)``),
            each in [0, 1], summing to 1; default the published :attr:`frac_shares`.

        Returns
        -------
        ShareSplit
            Named firms and shares (market order and ranked), the fringe's share, and the ranking.

        Examples
        --------
        >>> ms = MarketShares("example", ("A", "B", "others"), [0.3, 0.5, 0.2], 2024, "2024", "a source", True)
        >>> s = ms.split()
        >>> s.ranked_firms, s.ranked_frac_shares.tolist(), s.frac_fringe
        (('B', 'A', 'others'), [0.5, 0.3, 0.2], 0.2)
        """
        s = self.frac_shares if frac_shares is None else _shares_for(self.firms, frac_shares)
        named = _read_only(np.array(s[:-1] if self.has_others else s))
        fringe = float(s[-1]) if self.has_others else 0.0
        order = _read_only(np.argsort(-named, kind="stable"))
        names = self.named_firms
        ranked = _read_only(np.append(named[order], fringe) if self.has_others else named[order])
        return ShareSplit(
            named_firms=names, named_frac_shares=named, frac_fringe=fringe, has_fringe=self.has_others, order=order,
            ranked_firms=tuple(names[k] for k in order) + ((OTHERS,) if self.has_others else ()),
            ranked_frac_shares=ranked,
        )


def _parse_market_shares(table: _data.CsvTable) -> dict[str, MarketShares]:
    origin = table.label
    grouped: dict[str, list[dict]] = {}
    for rec in table:
        row = {c: rec.text(c) for c in MARKET_SHARES_COLUMNS}
        where = f"{origin} line {rec.line} ({row['market']!r}, {row['firm']!r})"
        for column in ("market", "firm", "period"):
            if not row[column]:
                raise ValueError(f"{where}: column {column!r} is empty")
        share = _data.number(row["frac_share"], where, "frac_share", required=True, low=0.0, low_inclusive=True, high=1.0)
        year = _data.number(row["year"], where, "year", required=True, low=YEAR_RANGE[0], low_inclusive=True,
                            high=YEAR_RANGE[1])
        if not year.is_integer():
            raise ValueError(f"{where}: column 'year' must be a whole calendar year, got {row['year']!r}")
        if row["is_estimate"] not in ("true", "false"):
            raise ValueError(f"{where}: is_estimate must be 'true' or 'false', got {row['is_estimate']!r}")
        group = grouped.setdefault(row["market"], [])
        if group:  # the market's year, period and estimate flag are its first row's: every row must agree
            first = group[0]
            for column in ("year", "period", "is_estimate"):
                got = year if column == "year" else row[column]
                if got != first[column]:
                    raise ValueError(f"{where}: column {column!r} must be the market's ({first[column]!r}, from its "
                                     f"first row), got {row[column]!r}")
        group.append(row | {"frac_share": share, "year": year})
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
        try:
            markets[name] = MarketShares(
                market=name, firms=tuple(firms), frac_shares=shares, year=int(first["year"]), period=first["period"],
                source=first["source"], is_estimate=first["is_estimate"] == "true", note=first["note"],
            )
        except ValueError as exc:  # a check the rows above do not make: say which market
            raise ValueError(f"{origin}: market {name!r}: {exc}") from None
    return markets


def _csv_path(path: Any) -> str | os.PathLike[str]:
    """A user's CSV path: a string or path-like object (not a number, ``True`` or a string with a NUL)."""
    if not isinstance(path, (str, os.PathLike)) or "\x00" in os.fspath(path):
        raise ValueError(f"path must be the path of a CSV file (a string or pathlib.Path) or None, got {path!r:.80}")
    return path


@lru_cache(maxsize=1)
def _shipped_market_shares() -> dict[str, MarketShares]:
    return _parse_market_shares(_data.read_csv(None, "market_shares.csv", columns=MARKET_SHARES_COLUMNS,
                                               source_column="source"))


def load_market_shares(path: str | os.PathLike[str] | None = None) -> dict[str, MarketShares]:
    """Sourced market shares by market, each market validated to sum to 1.

    Parameters
    ----------
    path : str or path-like, optional
        A CSV with :data:`MARKET_SHARES_COLUMNS` (one row per firm; the source and note are read
        from a market's first row, and every row must give the market's year, period and
        estimate flag); default the shipped ``data/market_shares.csv``.

    Raises
    ------
    ValueError
        Naming the line and firm, for a bad header, a row without a source (every row cites
        one; "same as first row" is fine), a share outside [0, 1], a year outside 1950-2100, a
        row that disagrees with its market's year, period or estimate flag, a duplicate firm,
        or a market whose shares do not sum to 1.
    """
    if path is None:
        return dict(_shipped_market_shares())
    return _parse_market_shares(_data.read_csv(_csv_path(path), "market_shares.csv", columns=MARKET_SHARES_COLUMNS,
                                               source_column="source"))
