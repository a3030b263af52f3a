"""Epoch AI's "Data on Notable AI Models": the kit's data on who trained what, when, with how much.

The kit ships a snapshot of Epoch AI's data set (``data/epoch_notable_ai_models_2025-04.csv``:
924 models, 468 with a training-compute estimate, latest publication date
2025-03-16; CC-BY 4.0). The loader reads Epoch's own column names, so a newer
CSV downloaded from https://epoch.ai/data/notable-ai-models can be passed by
path and every fit, share and explorer works on it unchanged.

This module selects models (by date, domain, frontier flag, confidence), fits
log-linear trends to any of the data set's growing quantities (training
compute, amortised cost, number of accelerators, power), and counts who
trained them, by organisation or by country, as shares whose concentration
:mod:`compute_econ.market` measures.

References
----------
Epoch AI, "Data on Notable AI Models", https://epoch.ai/data/notable-ai-models
(CC-BY 4.0; column definitions on that page and in the shipped data README).
Sevilla & Roldán 2024, "Training Compute of Frontier AI Models Grows by 4-5x per
Year", Epoch AI (the trend fits reproduced in the tests).
Cottier, Rahman, Fattorini, Maslej, Owen 2024, "The rising costs of training
frontier AI models", arXiv:2405.21015 (the amortised-cost column and its trend).
"""

from __future__ import annotations

import functools
import heapq
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from compute_econ import _data
from compute_econ import market as _market
from compute_econ._records import ArrayRecord
from compute_econ._validate import MAX_WORK_ITEMS, YEAR_RANGE, choice, flag, instance, integer, scalar, text

from .fit import LogLinearTrend, _one_decimal_year, _readonly, fit_log_linear

__all__ = [
    "EPOCH_SNAPSHOT_FILE",
    "EPOCH_ATTRIBUTION",
    "EPOCH_CREDIT",
    "EPOCH_COLUMNS",
    "REQUIRED_FIELDS",
    "TREND_QUANTITIES",
    "CONFIDENCE_LEVELS",
    "FRONTIER_TOP_N",
    "NotableModels",
    "top_at_release",
    "PARENT_FIRM",
    "load_notable_models",
    "fit_notable_trend",
    "developer_shares",
]

#: The shipped snapshot, under ``compute_econ/data``.
EPOCH_SNAPSHOT_FILE = "epoch_notable_ai_models_2025-04.csv"

#: The attribution Epoch AI's CC-BY 4.0 licence asks for, for the shipped snapshot.
EPOCH_ATTRIBUTION = (
    "Epoch AI, 'Data on Notable AI Models'. Published online at epoch.ai. Retrieved from "
    "https://epoch.ai/data/notable-ai-models (snapshot of April 2025). CC-BY 4.0."
)

#: The one-line credit a plot of the shipped snapshot shows (the full line is :data:`EPOCH_ATTRIBUTION`).
EPOCH_CREDIT = "Data: Epoch AI, 'Data on Notable AI Models', epoch.ai (CC-BY 4.0), snapshot of April 2025"

#: Kit field -> the Epoch column name(s) it is read from (the first present is used).
#: Epoch has renamed a few columns between downloads; every name seen is listed.
EPOCH_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "model": ("Model",),
    "domain": ("Domain",),
    "organisation": ("Organization",),
    "organisation_category": ("Organization categorization", "Organization categorization (from Organization)"),
    "country": ("Country (from Organization)", "Country (of organization)"),
    "publication_date": ("Publication date",),
    "n_params": ("Parameters",),
    "training_flop": ("Training compute (FLOP)",),
    "n_datapoints": ("Training dataset size (datapoints)", "Training dataset size (total)"),
    "epochs": ("Epochs",),
    "training_hours": ("Training time (hours)",),
    "hardware": ("Training hardware",),
    "hardware_quantity": ("Hardware quantity",),
    "frac_hardware_utilisation": ("Hardware utilization", "Hardware utilization (MFU)"),
    "training_cost_usd_2023": ("Training compute cost (2023 USD)",),
    "training_power_watts": ("Training power draw (W)",),
    "confidence": ("Confidence",),
    "accessibility": ("Model accessibility",),
    "is_frontier": ("Frontier model",),
    "estimation_method": ("Training compute estimation method",),
}

#: Fields every file must have: what the trend explorer and the shares need.
REQUIRED_FIELDS: tuple[str, ...] = (
    "model", "domain", "organisation", "country", "publication_date", "training_flop", "confidence", "is_frontier",
)
# The required fields Epoch has only ever named one way: the CSV reader checks the header for them
# (read_csv's ``required``); the others (country) are found by any of their names.
_REQUIRED_COLUMNS: tuple[str, ...] = tuple(EPOCH_COLUMNS[f][0] for f in REQUIRED_FIELDS if len(EPOCH_COLUMNS[f]) == 1)

_TEXT_FIELDS = ("model", "domain", "organisation", "organisation_category", "country", "publication_date",
                "hardware", "confidence", "accessibility", "estimation_method")
#: Numeric fields and their valid range (low, low inclusive); all are counts or amounts, so never negative.
_NUMBER_FIELDS: Mapping[str, tuple[float, bool, float]] = {
    "n_params": (0.0, False, math.inf),
    "training_flop": (0.0, False, math.inf),
    "n_datapoints": (0.0, True, math.inf),
    "epochs": (0.0, False, math.inf),
    "training_hours": (0.0, False, math.inf),
    "hardware_quantity": (0.0, False, math.inf),
    "frac_hardware_utilisation": (0.0, False, 1.0),
    "training_cost_usd_2023": (0.0, False, math.inf),
    "training_power_watts": (0.0, False, math.inf),
}

#: Quantities a trend can be fitted to: field -> (what it is, unit). All grow roughly exponentially.
TREND_QUANTITIES: Mapping[str, tuple[str, str]] = {
    "training_flop": ("training compute", "FLOP"),
    "training_cost_usd_2023": ("amortised hardware and energy cost of the final run", "2023 USD"),
    "hardware_quantity": ("accelerators used in training", "chips"),
    "training_power_watts": ("power drawn by the training cluster", "W"),
    "n_params": ("parameters", "parameters"),
}

#: Epoch's confidence labels for a compute estimate, most confident first ("" and "Unknown": not rated).
CONFIDENCE_LEVELS: tuple[str, ...] = ("Confident", "Likely", "Speculative")

_TRUE, _FALSE = {"true", "yes", "1"}, {"", "false", "no", "0"}
_FLAG_FIELDS = ("is_frontier", "epoch_frontier_flag")

#: Research groups counted as the firm that owns them when shares are counted ``by="firm"``.
#: Google's and Meta's groups are pooled as Sevilla & Roldán 2024 pool them for their per-company
#: trends (footnote 13: Google Brain, DeepMind, Google Research and Google; Facebook and FAIR with
#: Meta AI); the others are research divisions that carry their parent company's name.
PARENT_FIRM: Mapping[str, str] = {
    "Google": "Google", "Google Brain": "Google", "Google Research": "Google", "Google AI": "Google",
    "Google Cloud": "Google", "DeepMind": "Google", "Google DeepMind": "Google",
    "Meta AI": "Meta", "Facebook": "Meta", "Facebook AI Research": "Meta", "Facebook AI": "Meta",
    "Microsoft": "Microsoft", "Microsoft Research": "Microsoft", "Microsoft Research Asia": "Microsoft",
    "Alibaba": "Alibaba", "Alibaba DAMO Academy": "Alibaba",
    "Baidu": "Baidu", "Baidu Research - Silicon Valley AI Lab": "Baidu",
}

#: Epoch's frontier definition: "in the top 10 of training compute as of the time of their release".
FRONTIER_TOP_N = 10


# ----------------------------------------------------------------------------- column checks


def _short(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _check_length(name: str, got: int, n: int, reference: str) -> None:
    if got != n:
        raise ValueError(f"{name} must have one entry per row ({n}, the length of {reference}), got {got}")


def _text_column(name: str, value: Any, n: int | None, reference: str, *, non_empty: bool = False) -> tuple[str, ...]:
    """A column of strings (a list, tuple or array), one per row; ``n`` None takes its length as the reference."""
    if not isinstance(value, (list, tuple, np.ndarray)) or (isinstance(value, np.ndarray) and value.ndim != 1):
        raise ValueError(f"{name} must be a sequence of strings, one per row, got {_short(value)}")
    out = tuple(value)
    for v in out:
        if not isinstance(v, str) or (non_empty and not v.strip()):
            raise ValueError(f"{name} must hold {'non-empty ' if non_empty else ''}strings, one per row, got {_short(v)}")
    if n is not None:
        _check_length(name, len(out), n, reference)
    return tuple(str(v) for v in out)


def _number_column(name: str, value: Any, n: int, reference: str, low: float, low_inclusive: bool, high: float,
                   *, missing_ok: bool = True) -> np.ndarray:
    """A read-only float column, one per row, each NaN (missing, if allowed) or in the valid range."""
    lb = "[" if low_inclusive else "("
    valid = f"{lb}{low:g}, {high:g}{']' if math.isfinite(high) else ')'}"
    want = f"a sequence of numbers in {valid}" + (" or NaN where the value is missing" if missing_ok else "")
    if value is None or isinstance(value, (bool, np.bool_, str, bytes)):
        raise ValueError(f"{name} must be {want}, one per row, got {_short(value)}")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be {want}, one per row (a flat sequence), got {_short(value)}") from None
    if arr.ndim != 1 or (arr.dtype.kind not in "iuf" and not (arr.size == 0 and arr.dtype.kind == "O")):
        raise ValueError(f"{name} must be {want}, one per row, got {_short(value)}")
    _check_length(name, len(arr), n, reference)
    arr = arr.astype(float)  # a copy: the record owns its column
    known = arr[~np.isnan(arr)]
    if not missing_ok and known.size != arr.size:
        raise ValueError(f"{name} must be {want}, one per row, got NaN (a missing value) in row "
                         f"{int(np.flatnonzero(np.isnan(arr))[0])}")
    bad = ~np.isfinite(known) | (known < low if low_inclusive else known <= low) | (known > high)
    if bad.any():
        raise ValueError(f"{name} must be {want}, got {known[bad][0]!r}")
    return _readonly(arr)


def _flat(name: str, value: Any) -> np.ndarray:
    """A sequence (or rectangular array) as a flat array; a ``ValueError`` naming ``name`` otherwise."""
    if isinstance(value, (list, tuple, np.ndarray)):
        try:
            return np.asarray(value).ravel()
        except (TypeError, ValueError):
            pass
    raise ValueError(f"{name} must be a sequence of numbers (NaN where missing), got {_short(value)}")


def _flag_column(name: str, value: Any, n: int, reference: str) -> np.ndarray:
    """A read-only boolean column, one per row."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        arr = np.asarray(None)
    if arr.ndim != 1 or arr.dtype != bool:
        raise ValueError(f"{name} must be a sequence of True/False, one per row, got {_short(value)}")
    _check_length(name, len(arr), n, reference)
    return _readonly(arr.copy())


def _csv_path(path: Any) -> str | os.PathLike[str] | None:
    """``None`` (the shipped table) or a file path; anything else is refused, naming ``path``."""
    if path is None:
        return None
    if isinstance(path, (str, os.PathLike)) and isinstance(os.fspath(path), str):
        if "\x00" in os.fspath(path):
            raise ValueError(f"path must be a CSV file path without a null character, got {_short(path)}")
        return path
    raise ValueError(f"path must be a CSV file path (str or os.PathLike) or None for the shipped table, got "
                     f"{_short(path)}")


def _optional_year(name: str, value: Any) -> float | None:
    return None if value is None else scalar(name, value, *YEAR_RANGE)


def _year_window(start_year: Any, end_year: Any) -> tuple[float | None, float | None]:
    """Validated (start_year, end_year), either None; end_year >= start_year."""
    start, end = _optional_year("start_year", start_year), _optional_year("end_year", end_year)
    if start is not None and end is not None and end < start:
        raise ValueError(f"end_year must be >= start_year ({start:g}), got {end:g}")
    return start, end


@dataclass(frozen=True, eq=False)
class NotableModels(ArrayRecord):
    """Epoch AI's notable models as parallel, read-only columns (one entry per model).

    Text columns are tuples of str (Epoch's text, "" where empty; multi-valued
    fields such as ``domain``, ``organisation`` and ``country`` keep Epoch's
    comma-separated lists). Numeric columns are float arrays with NaN where
    Epoch has no value (a missing figure, not a result); columns absent from the
    file are all-NaN (or "") and listed as missing in :attr:`fields_present`.
    Built by :func:`load_notable_models` and :meth:`subset`; every column is
    checked (one entry per model, numbers in their range) and stored read-only,
    and two tables compare column by column with ``==``.

    Attributes
    ----------
    model, domain, organisation, organisation_category, country, publication_date,
    hardware, confidence, accessibility, estimation_method : tuple of str
    year : numpy.ndarray
        Publication date as a decimal year, 1950-2100 (NaN if the date is empty).
    n_params, training_flop, n_datapoints, epochs, training_hours, hardware_quantity,
    frac_hardware_utilisation, training_cost_usd_2023, training_power_watts : numpy.ndarray
        Parameters, training compute (FLOP), training data points (tokens for
        language models), epochs, wall-clock hours, number of accelerators,
        utilisation (a fraction), Epoch's amortised cost of the final run (2023
        USD), and the cluster's power draw (W).
    is_frontier : numpy.ndarray of bool
        Frontier models by Epoch's definition, "in the top 10 of training compute
        as of the time of their release", computed from this table's own compute
        column (:func:`top_at_release`), so every download is classified alike.
    epoch_frontier_flag : numpy.ndarray of bool
        Epoch's own "Frontier model" column as shipped. In the April 2025
        snapshot it marks no model after July 2024 and differs from the
        recomputed top 10 for about 20 models, mostly recent ones.
    fields_present : frozenset of str
        The kit fields found in the file.
    label : str
        Where the data came from (the file name).
    attribution : str
        The attribution Epoch's CC-BY 4.0 licence asks for.
    credit : str
        A one-line form of it, which every plot of these data shows.

    References
    ----------
    Epoch AI, "Data on Notable AI Models", https://epoch.ai/data/notable-ai-models.
    """

    model: tuple[str, ...]
    domain: tuple[str, ...]
    organisation: tuple[str, ...]
    organisation_category: tuple[str, ...]
    country: tuple[str, ...]
    publication_date: tuple[str, ...]
    hardware: tuple[str, ...]
    confidence: tuple[str, ...]
    accessibility: tuple[str, ...]
    estimation_method: tuple[str, ...]
    year: np.ndarray = field(repr=False)
    n_params: np.ndarray = field(repr=False)
    training_flop: np.ndarray = field(repr=False)
    n_datapoints: np.ndarray = field(repr=False)
    epochs: np.ndarray = field(repr=False)
    training_hours: np.ndarray = field(repr=False)
    hardware_quantity: np.ndarray = field(repr=False)
    frac_hardware_utilisation: np.ndarray = field(repr=False)
    training_cost_usd_2023: np.ndarray = field(repr=False)
    training_power_watts: np.ndarray = field(repr=False)
    is_frontier: np.ndarray = field(repr=False)
    epoch_frontier_flag: np.ndarray = field(repr=False)
    fields_present: frozenset[str] = field(repr=False)
    label: str = ""
    attribution: str = EPOCH_ATTRIBUTION
    credit: str = EPOCH_CREDIT
    _index: dict[str, int] = field(init=False, repr=False, compare=False)
    _domain_masks: dict[str, np.ndarray] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        put = functools.partial(object.__setattr__, self)
        put("model", _text_column("model", self.model, None, "model", non_empty=True))
        n = len(self.model)
        for name in _TEXT_FIELDS[1:]:
            put(name, _text_column(name, getattr(self, name), n, "model"))
        put("year", _number_column("year", self.year, n, "model", YEAR_RANGE[0], True, YEAR_RANGE[1]))
        for name, (low, low_inclusive, high) in _NUMBER_FIELDS.items():
            put(name, _number_column(name, getattr(self, name), n, "model", low, low_inclusive, high))
        for name in _FLAG_FIELDS:
            put(name, _flag_column(name, getattr(self, name), n, "model"))
        present = self.fields_present
        if not isinstance(present, (set, frozenset, list, tuple)) or not all(isinstance(f, str) for f in present):
            raise ValueError(f"fields_present must be a set of kit fields from {list(EPOCH_COLUMNS)}, "
                             f"got {_short(present)}")
        unknown = sorted(set(present) - set(EPOCH_COLUMNS))
        lacking = [f for f in REQUIRED_FIELDS if f not in present]
        if unknown or lacking:
            raise ValueError(f"fields_present must name kit fields from {list(EPOCH_COLUMNS)} including "
                             f"{list(REQUIRED_FIELDS)}, got {sorted(present)}")
        put("fields_present", frozenset(present))
        put("label", text("label", self.label, allow_empty=True))
        put("attribution", text("attribution", self.attribution))
        put("credit", text("credit", self.credit))
        index = {m: i for i, m in enumerate(self.model)}
        if len(index) != n:
            twice = next(m for i, m in enumerate(self.model) if index[m] != i)
            raise ValueError(f"model must name each model once, got {twice!r} twice")
        put("_index", index)
        masks: dict[str, np.ndarray] = {}
        for i, domains in enumerate(self.domain):
            for d in _split(domains):
                masks.setdefault(d, np.zeros(n, dtype=bool))[i] = True
        object.__setattr__(self, "_domain_masks", {d: _readonly(m) for d, m in masks.items()})

    def __len__(self) -> int:
        return len(self.model)

    def __repr__(self) -> str:
        n_compute = int(np.isfinite(self.training_flop).sum())
        return (f"NotableModels({len(self)} models from {self.label}, {n_compute} with a training-compute "
                f"estimate, {int(self.is_frontier.sum())} in the top 10 when released)")

    def row(self, model: str) -> dict[str, Any]:
        """One model as a dict of kit fields.

        Raises
        ------
        ValueError
            If ``model`` is not in the data (Epoch's exact name, e.g. "GPT-3 175B (davinci)").
        """
        model = text("model", model)
        try:
            i = self._index[model]
        except KeyError:
            close = [m for m in self.model if model.lower().split(" ")[0] in m.lower()][:8]
            raise ValueError(f"model must be a model name in {self.label}, got {model!r}"
                             + (f" (similar names: {close})" if close else "")) from None
        out: dict[str, Any] = {f: getattr(self, f)[i] for f in _TEXT_FIELDS}
        out.update({f: float(getattr(self, f)[i]) for f in ("year",) + tuple(_NUMBER_FIELDS)})
        out.update({f: bool(getattr(self, f)[i]) for f in ("is_frontier", "epoch_frontier_flag")})
        return out

    def require(self, name: str) -> None:
        """Raise a ``ValueError`` naming Epoch's column if the file lacked the field ``name``."""
        name = choice("name", name, tuple(EPOCH_COLUMNS))
        if name not in self.fields_present:
            raise ValueError(f"{self.label} has no column {' or '.join(map(repr, EPOCH_COLUMNS[name]))}, "
                             f"which {name!r} is read from")

    def domains(self) -> tuple[str, ...]:
        """Every domain named in the data (Epoch lists several per model), most frequent first."""
        counts = {d: int(m.sum()) for d, m in self._domain_masks.items()}
        return tuple(sorted(counts, key=lambda d: (-counts[d], d)))

    def mask(
        self,
        *,
        start_year: float | None = None,
        end_year: float | None = None,
        domain: str | None = None,
        frontier_only: bool = False,
        confidence: Sequence[str] | None = None,
        has: str | Sequence[str] = "training_flop",
    ) -> np.ndarray:
        """Boolean selection of models.

        Parameters
        ----------
        start_year, end_year : float, optional
            Keep models published in ``[start_year, end_year]`` (decimal years;
            ``end_year`` inclusive). Models without a date are dropped when either is given.
        domain : str, optional
            Keep models whose Epoch domain list contains it (e.g. "Language"); ``None`` keeps all.
        frontier_only : bool
            Keep only frontier models (:attr:`is_frontier`: top 10 by training compute when released).
        confidence : sequence of str, optional
            Keep only these confidence labels (e.g. ``("Confident", "Likely")``).
        has : str or sequence of str
            Numeric fields that must have a value (default ``"training_flop"``); ``()`` for none.
        """
        start, end = _year_window(start_year, end_year)
        keep = np.ones(len(self), dtype=bool)
        if start is not None:
            keep &= self.year >= start
        if end is not None:
            keep &= self.year <= end
        if domain is not None:
            if not isinstance(domain, str):
                raise ValueError(f"domain must be a string such as 'Language', or None, got {domain!r}")
            if domain not in self._domain_masks:
                raise ValueError(f"domain must be one of the domains in {self.label}, {list(self.domains())}, "
                                 f"got {domain!r}")
            keep &= self._domain_masks[domain]
        if flag("frontier_only", frontier_only):
            keep &= self.is_frontier
        labels = _confidence_labels(confidence)
        if labels is not None:
            keep &= np.array([c in labels for c in self.confidence], dtype=bool)
        if not isinstance(has, (str, list, tuple)):
            raise ValueError(f"has must be a numeric field or a sequence of them, from {list(_NUMBER_FIELDS)}, "
                             f"got {_short(has)}")
        for name in (has,) if isinstance(has, str) else tuple(has):
            if not isinstance(name, str) or name not in _NUMBER_FIELDS:
                raise ValueError(f"has must name numeric fields from {list(_NUMBER_FIELDS)}, got {_short(name)}")
            self.require(name)
            keep &= np.isfinite(getattr(self, name))
        return keep

    def subset(self, keep: ArrayLike) -> NotableModels:
        """The models where the boolean ``keep`` is true (e.g. from :meth:`mask`), as a new table.

        Frontier status is kept as computed over the full table (a model's rank when released
        does not depend on which other models a learner selects afterwards).
        """
        try:
            keep = np.asarray(keep)
        except (TypeError, ValueError):
            keep = np.asarray(None)
        if keep.dtype != bool or keep.shape != (len(self),):
            raise ValueError(f"keep must be a boolean array of length {len(self)}, got {keep.dtype} {keep.shape}")
        idx = np.flatnonzero(keep)
        kw: dict[str, Any] = {f: tuple(getattr(self, f)[i] for i in idx) for f in _TEXT_FIELDS}
        kw.update({f: _readonly(getattr(self, f)[idx].copy()) for f in ("year",) + _FLAG_FIELDS + tuple(_NUMBER_FIELDS)})
        return NotableModels(**kw, fields_present=self.fields_present, label=self.label, attribution=self.attribution,
                             credit=self.credit)


def top_at_release(year: ArrayLike, training_flop: ArrayLike, n: int = FRONTIER_TOP_N) -> np.ndarray:
    """Which models were among the ``n`` largest by training compute when they were released.

    A model counts if fewer than ``n`` models published on or before its date
    (itself excluded) used more training compute. Models without a date or a
    compute estimate (NaN) are never counted and never rank others.

    One sweep through the models in date order keeps the ``n`` largest budgets
    published so far: a model counts if its compute is at least the n-th largest
    among models published on or before its date (``O(m log n)`` for ``m`` models).

    Parameters
    ----------
    year : array_like
        Publication dates, decimal years 1950-2100 (NaN allowed: an undated model).
    training_flop : array_like
        Training compute, FLOP, > 0 (NaN allowed: no estimate), same length.
    n : int
        How many count as the frontier at any date (>= 1; default 10, Epoch's definition).

    Returns
    -------
    numpy.ndarray of bool

    References
    ----------
    Epoch AI, Notable AI Models documentation: frontier models "were in the top 10
    of training compute as of the time of their release"; Sevilla & Roldán 2024
    (running top 10, 5.3x/year from 2010 to May 2024); Epoch's
    ``find_top_models_up_to_release`` (epoch-research/training-cost-trends).
    """
    n = integer("n", n, 1)
    t, c = _flat("year", year), _flat("training_flop", training_flop)
    if t.size != c.size:
        raise ValueError(f"year and training_flop must have the same length, got {t.size} and {c.size}")
    m = t.size
    if not 1 <= m <= MAX_WORK_ITEMS:
        raise ValueError(f"year must hold 1 to {MAX_WORK_ITEMS:,} publication dates, got {m}")
    t = _number_column("year", t, m, "year", YEAR_RANGE[0], True, YEAR_RANGE[1])
    c = _number_column("training_flop", c, m, "year", 0.0, False, math.inf)
    out = np.zeros(m, dtype=bool)
    idx = np.flatnonzero(~np.isnan(t) & ~np.isnan(c))
    idx = idx[np.argsort(t[idx], kind="stable")]
    largest: list[float] = []  # a min-heap of the n largest budgets published so far
    start = 0
    while start < idx.size:  # one date at a time: models of the same day rank each other
        stop = start
        while stop < idx.size and t[idx[stop]] == t[idx[start]]:
            budget = float(c[idx[stop]])
            if len(largest) < n:
                heapq.heappush(largest, budget)
            elif budget > largest[0]:
                heapq.heapreplace(largest, budget)
            stop += 1
        threshold = largest[0] if len(largest) >= n else -math.inf
        day = idx[start:stop]
        out[day] = c[day] >= threshold
        start = stop
    return out


def _split(text: str) -> list[str]:
    """Epoch's comma-separated multi-value fields ("Language,Vision") as a list of stripped names."""
    return [t.strip() for t in text.split(",") if t.strip()]


def _resolve_columns(table: _data.CsvTable) -> dict[str, str]:
    """Kit field -> the column of this file it is read from; a ValueError names a missing required column."""
    present = set(table.header)
    found = {}
    for name, candidates in EPOCH_COLUMNS.items():
        col = next((c for c in candidates if c in present), None)
        if col is not None:
            found[name] = col
        elif name in REQUIRED_FIELDS:
            raise ValueError(
                f"{table.label}: missing column {candidates[0]!r}"
                + (f" (or {', '.join(map(repr, candidates[1:]))})" if len(candidates) > 1 else "")
                + f"; an Epoch AI 'Notable AI Models' CSV needs {[EPOCH_COLUMNS[r][0] for r in REQUIRED_FIELDS]}"
            )
    return found


def _parse_notable(table: _data.CsvTable, attribution: str, credit: str) -> NotableModels:
    columns = _resolve_columns(table)
    text: dict[str, list[str]] = {f: [] for f in _TEXT_FIELDS}
    nums: dict[str, list[float]] = {f: [] for f in _NUMBER_FIELDS}
    years: list[float] = []
    frontier: list[bool] = []
    seen: set[str] = set()
    for row in table:
        name = row.text(columns["model"])
        where = table.where(row, name)
        if not name:
            raise ValueError(f"{where}: column {columns['model']!r} is empty")
        if name in seen:
            raise ValueError(f"{where}: column {columns['model']!r} repeats an earlier model")
        seen.add(name)
        for f in _TEXT_FIELDS:
            text[f].append(row.text(columns[f]) if f in columns else "")
        date = row.text(columns["publication_date"])
        try:
            years.append(_one_decimal_year("date", date) if date else math.nan)
        except ValueError:
            raise ValueError(f"{where}: column {columns['publication_date']!r} must be an ISO date yyyy-mm-dd "
                             f"from {YEAR_RANGE[0]:.0f}-01-01 to {YEAR_RANGE[1]:.0f}-01-01, got {date!r}") from None
        for f, (low, low_inclusive, high) in _NUMBER_FIELDS.items():
            nums[f].append(_data.number(row.text(columns[f]), where, columns[f], low=low, low_inclusive=low_inclusive,
                                        high=high) if f in columns else math.nan)
        flag = row.text(columns["is_frontier"]).lower()
        if flag not in _TRUE | _FALSE:
            raise ValueError(f"{where}: column {columns['is_frontier']!r} must be 'True' or empty, "
                             f"got {row.text(columns['is_frontier'])!r}")
        frontier.append(flag in _TRUE)
    year = np.array(years, dtype=float)
    flop = np.array(nums["training_flop"], dtype=float)
    kw: dict[str, Any] = {f: tuple(v) for f, v in text.items()}
    kw.update({f: np.array(v, dtype=float) for f, v in nums.items()})
    return NotableModels(
        **kw,
        year=year,
        is_frontier=top_at_release(year, flop, FRONTIER_TOP_N),
        epoch_frontier_flag=np.array(frontier, dtype=bool),
        fields_present=frozenset(columns),
        label=table.label,
        attribution=attribution,
        credit=credit,
    )


def _read(path: str | os.PathLike[str] | None) -> _data.CsvTable:
    """The CSV through the kit's one reader: Epoch's single-named required columns checked in the header.

    Epoch's table has no per-row source column: the whole file is Epoch AI's, cited once by the
    attribution its licence asks for (:data:`EPOCH_ATTRIBUTION`), which every fit and plot carries.
    """
    return _data.read_csv(path, EPOCH_SNAPSHOT_FILE, required=_REQUIRED_COLUMNS)


@functools.lru_cache(maxsize=1)
def _load_shipped() -> NotableModels:
    return _parse_notable(_read(None), EPOCH_ATTRIBUTION, EPOCH_CREDIT)


def load_notable_models(path: str | os.PathLike[str] | None = None) -> NotableModels:
    """Load Epoch AI's "Data on Notable AI Models": the shipped snapshot, or a CSV downloaded from Epoch.

    Columns are found by Epoch's own names (:data:`EPOCH_COLUMNS`; extra
    columns are ignored). Every value is checked: numbers must parse and lie
    in their valid range (counts and amounts > 0, utilisation in (0, 1]),
    dates must be ISO dates, the frontier flag must be "True" or empty.

    Parameters
    ----------
    path : path-like, optional
        A CSV from https://epoch.ai/data/notable-ai-models. Default: the
        snapshot shipped with the kit (April 2025; read once, cached).

    Returns
    -------
    NotableModels

    Raises
    ------
    ValueError
        Naming the missing column (with the names Epoch has used for it), or
        the file, line, model and column of a bad value.

    References
    ----------
    Epoch AI, "Data on Notable AI Models" (CC-BY 4.0), https://epoch.ai/data/notable-ai-models.
    """
    path = _csv_path(path)
    if path is None:
        return _load_shipped()
    table = _read(path)
    attribution = (f"Epoch AI, 'Data on Notable AI Models'. Published online at epoch.ai. Retrieved from "
                   f"https://epoch.ai/data/notable-ai-models (file {table.label}). CC-BY 4.0.")
    credit = f"Data: Epoch AI, 'Data on Notable AI Models', epoch.ai (CC-BY 4.0), file {table.label}"
    return _parse_notable(table, attribution, credit)


def fit_notable_trend(
    models: NotableModels | None = None,
    quantity: str = "training_flop",
    *,
    start_year: float = 2010.0,
    end_year: float | None = None,
    domain: str | None = None,
    frontier_only: bool = False,
    confidence: Sequence[str] | None = None,
) -> LogLinearTrend:
    """Log-linear trend of a quantity across Epoch AI's notable models (OLS of log10 on publication year).

    Parameters
    ----------
    models : NotableModels, optional
        Default: the shipped snapshot (:func:`load_notable_models`).
    quantity : str
        A key of :data:`TREND_QUANTITIES` (default ``"training_flop"``).
    start_year, end_year : float
        Window of publication dates (decimal years; default 2010 to the latest model).
    domain, frontier_only, confidence
        Selection, as in :meth:`NotableModels.mask`.

    Returns
    -------
    LogLinearTrend
        Growth per year, doubling time and intervals; ``source`` names the
        data, the selection and Epoch's attribution.

    Raises
    ------
    ValueError
        An unknown quantity, a missing column, or fewer than 3 models selected.

    References
    ----------
    Sevilla & Roldán 2024, "Training Compute of Frontier AI Models Grows by 4-5x
    per Year", Epoch AI (log-linear fits to notable models since 2010);
    Cottier et al. 2024, arXiv:2405.21015, Section 3 (amortised cost of frontier models).
    """
    models = _models(models)
    quantity = choice("quantity", quantity, tuple(TREND_QUANTITIES))
    start = scalar("start_year", start_year, *YEAR_RANGE)
    end = _year_window(start, end_year)[1]
    labels = _confidence_labels(confidence)
    keep = models.mask(start_year=start, end_year=end, domain=domain, frontier_only=frontier_only,
                       confidence=labels, has=quantity)
    n = int(keep.sum())
    what = (("frontier " if frontier_only else "") + (f"{domain} " if domain else "") + "models"
            + (f" rated {'/'.join(labels)}" if labels else ""))
    selection = "check start_year, end_year, domain, frontier_only, confidence"
    if n < 3:
        raise ValueError(f"need at least 3 {what} with {quantity} from {start:g} to fit a trend, got {n} "
                         f"({selection})")
    label = (f"{TREND_QUANTITIES[quantity][0]} of {n} notable {what}, {start:g}-"
             f"{'' if end is None else f'{end:g}'}; {models.attribution}")
    try:
        return fit_log_linear(models.year[keep], getattr(models, quantity)[keep], source=label)
    except ValueError as exc:  # e.g. three models a month apart that grow x1000 a year
        raise ValueError(f"{exc} ({selection})") from None


def _models(models: Any) -> NotableModels:
    """The caller's table, or the shipped snapshot for ``None``."""
    return load_notable_models() if models is None else instance("models", models, NotableModels)


def _confidence_labels(confidence: Any) -> tuple[str, ...] | None:
    """``None``, or a non-empty tuple of Epoch's confidence labels (one label may be given as a string)."""
    if confidence is None:
        return None
    known = (*CONFIDENCE_LEVELS, "Unknown", "")
    labels = (confidence,) if isinstance(confidence, str) else confidence
    if not isinstance(labels, (list, tuple)) or not labels:
        raise ValueError(f"confidence must be None, a label or a non-empty sequence of labels from {list(known)}, "
                         f"got {_short(confidence)}")
    for label in labels:
        if not isinstance(label, str) or label not in known:
            raise ValueError(f"confidence must list labels from {sorted(known)}, got {_short(label)}")
    return tuple(labels)


def developer_shares(
    models: NotableModels | None = None,
    by: str = "firm",
    *,
    start_year: float | None = None,
    end_year: float | None = None,
    frontier_only: bool = True,
    domain: str | None = None,
    top: int = 8,
) -> _market.MarketShares:
    """Who trained the selected models: shares of models by firm, organisation or country.

    A model co-developed by several firms (or organisations, or countries) counts
    as an equal fraction for each distinct one, so the shares sum to 1 and measure
    "share of models developed". ``top`` largest are named, the rest lumped as
    ``"others"``, and the result is a :class:`compute_econ.market.MarketShares`,
    so the HHI and CR4 of model development come from the same functions as
    for any market (:func:`compute_econ.market.hhi`).

    Parameters
    ----------
    models : NotableModels, optional
        Default: the shipped snapshot.
    by : {"firm", "organisation", "country"}
        ``"organisation"``: Epoch's "Organization" column as recorded (Google,
        Google Brain, DeepMind and Google DeepMind are distinct there);
        ``"firm"`` (default): the same, with research groups pooled into the firm
        that owns them (:data:`PARENT_FIRM`), the unit a concentration measure
        needs; ``"country"``: Epoch's country of the organisation.
    start_year, end_year, frontier_only, domain
        Selection, as in :meth:`NotableModels.mask`; default all frontier models.
    top : int
        Number of developers named (>= 1).

    Returns
    -------
    compute_econ.market.MarketShares
        ``market`` says what was counted, ``note`` how many models, ``source`` the credit line to show.

    References
    ----------
    Epoch AI, "Data on Notable AI Models" (Organization, Country, Frontier model columns).
    """
    models = _models(models)
    by = choice("by", by, ("firm", "organisation", "country"))
    top = integer("top", top, 1)
    keep = models.mask(start_year=start_year, end_year=end_year, domain=domain, frontier_only=frontier_only, has=())
    counts: dict[str, float] = {}
    unknown = 0
    column = models.country if by == "country" else models.organisation
    for listed in np.asarray(column, dtype=object)[keep]:
        names = _split(listed)
        if by == "firm":
            names = [PARENT_FIRM.get(n, n) for n in names]
        names = list(dict.fromkeys(names))  # distinct, in Epoch's order
        if not names:
            unknown += 1
            continue
        for name in names:
            counts[name] = counts.get(name, 0.0) + 1.0 / len(names)
    total = sum(counts.values())
    if total == 0:
        raise ValueError(f"no selected model names its {by} (selection kept {int(keep.sum())} models; check "
                         "start_year, end_year, frontier_only, domain)")
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    named = ranked[:top]
    rest = total - sum(c for _, c in named)
    firms = tuple(n for n, _ in named) + ((_market.OTHERS,) if rest > 1e-9 else ())
    shares = np.array([c for _, c in named] + ([rest] if rest > 1e-9 else []), dtype=float) / total
    years = models.year[keep]
    years = years[np.isfinite(years)]
    if not years.size:
        raise ValueError("no selected model has a publication date (check start_year, end_year, frontier_only, "
                         "domain)")
    first, last = int(years.min()), int(years.max())
    what = ("frontier " if frontier_only else "notable ") + (f"{domain} " if domain else "") + "models"
    return _market.MarketShares(
        market=f"{what} by {by} (Epoch AI)",
        firms=firms,
        frac_shares=_readonly(shares),
        year=last,
        period=f"{first}-{last}",
        source=models.credit,
        is_estimate=False,
        note=(f"{total:.0f} {what} with a named {by}, {first}-{last}"
              + (f" ({unknown} without one left out)" if unknown else "")
              + "; a model with k developers counts 1/k for each"
              + ("; Google includes DeepMind, Brain and Research, Meta includes Facebook and FAIR" if by == "firm" else "")),
    )
