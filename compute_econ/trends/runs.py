"""The kit's curated table of notable training runs (``data/training_runs.csv``) and its trend.

Two dozen landmark runs, each row citing the paper (table/section) or the
publisher of the estimate. Lessons use it for worked examples; the trend
lessons fit the larger Epoch AI data set (:mod:`compute_econ.trends.notable`).
"""

from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from compute_econ import _data
from compute_econ._records import ArrayRecord
from compute_econ._validate import YEAR_RANGE, instance, scalar, text

from .fit import LogLinearTrend, _one_decimal_year, _readonly, fit_log_linear
from .notable import NotableModels, _csv_path, _number_column, _text_column, _year_window, load_notable_models

__all__ = [
    "TRAINING_RUNS_COLUMNS",
    "TrainingRuns",
    "load_training_runs",
    "fit_training_compute_trend",
    "EpochComparison",
    "compare_with_epoch",
]

#: Columns of ``data/training_runs.csv``, in order.
TRAINING_RUNS_COLUMNS: tuple[str, ...] = (
    "name",
    "organisation",
    "date",
    "n_params",
    "n_tokens",
    "training_flop",
    "source",
    "note",
    "epoch_model",
    "n_params_total",
)


# ------------------------------------------------------------------ training runs


@dataclass(frozen=True, eq=False)
class TrainingRuns(ArrayRecord):
    """Notable training runs as parallel, read-only arrays (one entry per run).

    Built by :func:`load_training_runs`, or by hand from a learner's own runs: every
    column is checked (one entry per run, a unique name, a source for each run, numbers
    in their range) and stored read-only; two tables compare column by column with ``==``.

    Attributes
    ----------
    name, organisation, source, note : tuple of str
        Run name, developer, citation (paper + table/section, or the publisher
        of an estimate) and a note saying whether a figure is an estimate.
    epoch_model : tuple of str
        The same model's name in Epoch AI's data set ("" if it is not there), so
        the two estimates can be compared (:func:`compare_with_epoch`).
    year : numpy.ndarray
        Publication/announcement date as a decimal year (1950-2100).
    n_params : numpy.ndarray
        Parameters N (activated parameters per token for a mixture of experts, the N of
        6ND), > 0; NaN if unknown.
    n_params_total : numpy.ndarray
        All parameters of a mixture of experts (671B for DeepSeek-V3, whose N is 37B
        active), at least ``n_params``; NaN for a dense model, whose N is all of them.
    n_tokens : numpy.ndarray
        Training tokens D, > 0; NaN if unknown.
    training_flop : numpy.ndarray
        Training compute in FLOP (a count, > 0; never missing).

    References
    ----------
    Per row, in ``source``; most estimates come from Epoch AI, "Notable AI
    Models" database (epoch.ai/data/notable-ai-models).
    """

    name: tuple[str, ...]
    organisation: tuple[str, ...]
    year: np.ndarray
    n_params: np.ndarray
    n_tokens: np.ndarray
    training_flop: np.ndarray
    source: tuple[str, ...]
    note: tuple[str, ...]
    epoch_model: tuple[str, ...] = ()
    n_params_total: np.ndarray | None = None
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        put = functools.partial(object.__setattr__, self)
        put("name", _text_column("name", self.name, None, "name", non_empty=True))
        n = len(self.name)
        if n == 0:
            raise ValueError("name must name at least one training run, got an empty sequence")
        index = {nm: i for i, nm in enumerate(self.name)}
        if len(index) != n:
            twice = next(nm for i, nm in enumerate(self.name) if index[nm] != i)
            raise ValueError(f"name must name each run once, got {twice!r} twice")
        put("organisation", _text_column("organisation", self.organisation, n, "name"))
        put("source", _text_column("source", self.source, n, "name", non_empty=True))  # every run cites its source
        put("note", _text_column("note", self.note, n, "name"))
        no_epoch = isinstance(self.epoch_model, tuple) and not self.epoch_model  # the default: none given
        put("epoch_model", _text_column("epoch_model", ("",) * n if no_epoch else self.epoch_model, n, "name"))
        put("year", _number_column("year", self.year, n, "name", YEAR_RANGE[0], True, YEAR_RANGE[1],
                                   missing_ok=False))
        put("n_params", _number_column("n_params", self.n_params, n, "name", 0.0, False, math.inf))
        put("n_tokens", _number_column("n_tokens", self.n_tokens, n, "name", 0.0, False, math.inf))
        put("training_flop", _number_column("training_flop", self.training_flop, n, "name", 0.0, False, math.inf,
                                            missing_ok=False))
        total = _number_column("n_params_total", np.full(n, np.nan) if self.n_params_total is None
                               else self.n_params_total, n, "name", 0.0, False, math.inf)
        put("n_params_total", total)
        below = total < self.n_params  # False where either is NaN (a dense model, or an unknown N)
        if below.any():
            i = int(np.flatnonzero(below)[0])
            raise ValueError(f"n_params_total (all experts) must be at least n_params (active), got "
                             f"{total[i]:g} < {self.n_params[i]:g} for {self.name[i]!r}")
        put("_index", index)

    def __len__(self) -> int:
        return len(self.name)

    def row(self, name: str) -> dict[str, Any]:
        """One run as a dict (keys as in the CSV, ``year`` instead of ``date``).

        Raises
        ------
        ValueError
            If ``name`` is not in the table; the message lists the known names.
        """
        name = text("name", name)
        try:
            i = self._index[name]
        except KeyError:
            raise ValueError(
                f"name must be one of the training runs {list(self.name)}, got {name!r}"
            ) from None
        return {
            "name": self.name[i],
            "organisation": self.organisation[i],
            "year": float(self.year[i]),
            "n_params": float(self.n_params[i]),
            "n_tokens": float(self.n_tokens[i]),
            "training_flop": float(self.training_flop[i]),
            "source": self.source[i],
            "note": self.note[i],
            "epoch_model": self.epoch_model[i],
            "n_params_total": float(self.n_params_total[i]),  # type: ignore[index]  # an array once built
        }


def _parse_training_runs(table: _data.CsvTable) -> TrainingRuns:
    cols: dict[str, list[Any]] = {c: [] for c in TRAINING_RUNS_COLUMNS}
    years: list[float] = []
    for row in table:
        name = row.text("name")
        where = table.where(row, name)
        if not name:
            raise ValueError(f"{where}: column 'name' is empty")
        if name in cols["name"]:
            raise ValueError(f"{where}: column 'name' duplicates an earlier row")
        try:
            years.append(_one_decimal_year("date", row.text("date")))
        except ValueError:
            raise ValueError(f"{where}: column 'date' must be an ISO date yyyy-mm-dd from {YEAR_RANGE[0]:.0f}-01-01 "
                             f"to {YEAR_RANGE[1]:.0f}-01-01, got {row.text('date')!r}") from None
        for column in ("n_params", "n_tokens", "training_flop", "n_params_total"):
            cols[column].append(_data.number(row.text(column), where, column, required=column == "training_flop"))
        total, active = cols["n_params_total"][-1], cols["n_params"][-1]
        if total < active:  # False when either is NaN (a dense model, or an unknown count)
            raise ValueError(f"{where}: column 'n_params_total' (all experts) must be at least n_params "
                                 f"(active), got {total:g} < {active:g}")
        for column in ("name", "organisation", "source", "note", "epoch_model"):
            cols[column].append(row.text(column))
    return TrainingRuns(
        name=tuple(cols["name"]),
        organisation=tuple(cols["organisation"]),
        year=_readonly(np.array(years, dtype=float)),
        n_params=_readonly(np.array(cols["n_params"], dtype=float)),
        n_tokens=_readonly(np.array(cols["n_tokens"], dtype=float)),
        training_flop=_readonly(np.array(cols["training_flop"], dtype=float)),
        source=tuple(cols["source"]),
        note=tuple(cols["note"]),
        epoch_model=tuple(cols["epoch_model"]),
        n_params_total=_readonly(np.array(cols["n_params_total"], dtype=float)),
    )


def _read(path: str | os.PathLike[str] | None) -> _data.CsvTable:
    """The CSV through the kit's one reader: exactly these columns, and a source in every row."""
    return _data.read_csv(path, "training_runs.csv", columns=TRAINING_RUNS_COLUMNS, source_column="source")


@functools.lru_cache(maxsize=1)
def _load_shipped() -> TrainingRuns:
    return _parse_training_runs(_read(None))


def load_training_runs(path: str | os.PathLike[str] | None = None) -> TrainingRuns:
    """Load and validate the kit's table of notable training runs.

    Every row is checked: a non-empty unique name, a parseable ISO date, a
    positive finite ``training_flop``, ``n_params``/``n_tokens`` empty or
    positive, ``n_params_total`` empty (dense) or at least ``n_params``, and a non-empty ``source``. The shipped table is immutable and
    cached; a table given by ``path`` is read afresh on every call.

    Parameters
    ----------
    path : path-like, optional
        A CSV with the columns of :data:`TRAINING_RUNS_COLUMNS`. Default: the
        table shipped in ``compute_econ/data/training_runs.csv``.

    Returns
    -------
    TrainingRuns

    Raises
    ------
    ValueError
        Naming the file, the line (the header is line 1), the run and the column.

    References
    ----------
    Row sources are in the ``source`` column: the developers' papers where
    they report a figure, otherwise Epoch AI, "Data on Notable AI Models"
    (epoch.ai/data/notable-ai-models) or the kit's own 6ND from the paper's N and D.
    """
    path = _csv_path(path)
    if path is None:
        return _load_shipped()
    return _parse_training_runs(_read(path))


def fit_training_compute_trend(
    start_year: float = 2017.0,
    end_year: float | None = None,
    runs: TrainingRuns | None = None,
) -> LogLinearTrend:
    """Log-linear trend of training FLOP in the kit's curated table of landmark runs.

    A hand-picked list of two dozen landmark (mostly language) models is a
    small, biased sample; the trend lessons fit Epoch AI's data set instead
    (:func:`compute_econ.trends.fit_notable_trend`). This fit is kept for
    comparing the two.

    Parameters
    ----------
    start_year : float
        First decimal year included, 1950-2100 (default 2017.0, the Transformer).
    end_year : float, optional
        Last decimal year included, 1950-2100 and >= ``start_year`` (default: all).
    runs : TrainingRuns, optional
        Table to fit (default :func:`load_training_runs`).

    Returns
    -------
    LogLinearTrend
        Growth per year with its interval; the printed value for the shipped
        table is computed, not quoted, so it follows the data.

    References
    ----------
    Epoch AI 2024, "Training Compute of Frontier AI Models Grows by 4-5x per
    Year" (4-5x/year for notable models 2010-May 2024; ~5x/year for frontier
    language models); Sevilla et al. 2022, arXiv:2202.05924, Table 2.
    """
    runs = load_training_runs() if runs is None else instance("runs", runs, TrainingRuns)
    start = scalar("start_year", start_year, *YEAR_RANGE)
    end = _year_window(start, end_year)[1]
    keep = (runs.year >= start) & (runs.year <= (math.inf if end is None else end))
    label = "compute_econ/data/training_runs.csv (notable training runs; sources per row)"
    try:
        return fit_log_linear(runs.year[keep], runs.training_flop[keep], source=label)
    except ValueError as exc:  # too few runs in the window, or runs that grow faster than x100 a year
        raise ValueError(f"{exc} (the runs selected: check start_year, end_year, runs)") from None


@dataclass(frozen=True)
class EpochComparison:
    """One curated run beside Epoch AI's estimate for the same model.

    Attributes
    ----------
    name, epoch_model : str
        The run's name in the kit's table and in Epoch's data.
    kit_training_flop, epoch_training_flop : float
        The two estimates of training compute, FLOP.
    ratio : float
        ``kit_training_flop / epoch_training_flop``.
    note : str
        The kit row's note, which explains any difference.
    """

    name: str
    epoch_model: str
    kit_training_flop: float
    epoch_training_flop: float
    ratio: float
    note: str


def compare_with_epoch(runs: TrainingRuns | None = None, models: NotableModels | None = None) -> tuple[EpochComparison, ...]:
    """The kit's curated runs beside Epoch AI's compute estimate for the same models.

    Every run whose ``epoch_model`` names an Epoch model is compared; runs
    Epoch does not list (``epoch_model`` empty) are left out.

    Parameters
    ----------
    runs : TrainingRuns, optional
        Default: the shipped table.
    models : NotableModels, optional
        Default: the shipped Epoch snapshot.

    Raises
    ------
    ValueError
        If a run names an Epoch model that is not in ``models``, or one without a compute estimate.

    References
    ----------
    Epoch AI, "Data on Notable AI Models"; each curated row's own source.
    """
    runs = load_training_runs() if runs is None else instance("runs", runs, TrainingRuns)
    models = load_notable_models() if models is None else instance("models", models, NotableModels)
    out = []
    for i, name in enumerate(runs.name):
        epoch_name = runs.epoch_model[i]
        if not epoch_name:
            continue
        try:
            epoch_flop = models.row(epoch_name)["training_flop"]
        except ValueError as exc:
            raise ValueError(f"run {name!r}: its epoch_model {epoch_name!r} is not in {models.label}") from exc
        if not math.isfinite(epoch_flop):
            raise ValueError(f"run {name!r}: {models.label} has no training-compute estimate for {epoch_name!r}")
        kit_flop = float(runs.training_flop[i])
        out.append(EpochComparison(name, epoch_name, kit_flop, epoch_flop, kit_flop / epoch_flop, runs.note[i]))
    return tuple(out)
