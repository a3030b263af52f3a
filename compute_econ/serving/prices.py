"""Prices over time: published API prices, how fast a capability gets cheaper, and what reasoning does to the bill.

* ``data/api_prices.csv`` (:func:`load_api_prices`): list prices per million input and
  output tokens of landmark models at launch, with dates and sources; output costs 1 to 5 times
  input (4 times at the median).
* ``data/inference_price_trends.csv`` (:func:`load_inference_price_trends`): Epoch AI's
  2025 analysis of how fast the cheapest price of reaching a given benchmark score fell:
  between 9x and 900x a year depending on the task and threshold, median 46x
  (:data:`EPOCH_2025_MEDIAN_DECLINE_PER_YEAR`); :func:`projected_price_usd_per_m` projects a
  capability's price with such a rate.
* Reasoning models bill their hidden reasoning tokens as output tokens:
  :func:`bill_usd` and :func:`reasoning_bill_multiplier`. On Epoch AI's GPQA Diamond runs,
  DeepSeek-R1 wrote 12 times as many output tokens per question as DeepSeek-V3, so a question
  cost 22 times as much at DeepSeek's prices.
"""

from __future__ import annotations

import datetime
import functools
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from compute_econ import _data
from compute_econ._validate import (
    FloatOrArray,
    array,
    broadcast,
    finite_result,
    flag,
    in_range,
    instance,
    integer,
    scalar,
    scalar_or_array,
    text,
)

__all__ = [
    "API_PRICE_COLUMNS",
    "PRICE_TREND_COLUMNS",
    "ApiPrice",
    "load_api_prices",
    "PriceTrend",
    "load_inference_price_trends",
    "EPOCH_2025_MEDIAN_DECLINE_PER_YEAR",
    "EPOCH_2025_DECLINE_RANGE_PER_YEAR",
    "ARTIFICIAL_ANALYSIS_INPUT_SHARE",
    "GPQA_TOKENS_PER_QUESTION",
    "projected_price_usd_per_m",
    "blended_price_usd_per_m",
    "bill_usd",
    "reasoning_bill_multiplier",
]

#: Columns of ``data/api_prices.csv``.
API_PRICE_COLUMNS = ("model", "provider", "date", "usd_per_m_input", "usd_per_m_output", "reasoning", "source", "note")
#: Columns of ``data/inference_price_trends.csv``.
PRICE_TREND_COLUMNS = (
    "benchmark", "threshold_model", "score_threshold", "start_date", "end_date", "n_models",
    "decline_factor_per_year", "ci90_low", "ci90_high", "r_squared", "source",
)

#: Median, over Epoch AI's 21 benchmark-threshold trends, of the yearly factor by which the
#: cheapest price of reaching the threshold fell: 46.25x a year (the data insight rounds its
#: range to "9x to 900x per year"). Epoch AI, "LLM inference prices have fallen rapidly but
#: unequally across tasks" (2025-03-12); epoch-research/llm-benchmark-efficiency,
#: llm_price_trends.ipynb (percentiles 0, 50, 100 of price_reduction_factor_per_year:
#: 9.24, 46.25, 851.16); shipped as ``data/inference_price_trends.csv``.
EPOCH_2025_MEDIAN_DECLINE_PER_YEAR = 46.25
#: Slowest and fastest of those 21 trends (HumanEval at GPT-3.5 Turbo's level; GPQA Diamond at GPT-4o's).
EPOCH_2025_DECLINE_RANGE_PER_YEAR = (9.24, 851.2)
#: Artificial Analysis (and so Epoch AI) blend prices 3:1, input to output: 0.75 of the tokens
#: are input. Epoch AI, "LLM inference prices have fallen rapidly but unequally across tasks",
#: Data section ("All prices were a 3:1 weighted average of input and output token prices").
ARTIFICIAL_ANALYSIS_INPUT_SHARE = 0.75
#: Mean input and output tokens per GPQA Diamond question in Epoch AI's evaluations:
#: DeepSeek-V3 784,176 in / 1,983,134 out over 3,168 samples; DeepSeek-R1 49,010 in /
#: 1,503,756 out over 198 samples (epoch-research/llm-benchmark-efficiency,
#: data/epoch_ai_eval_data.csv). R1's output includes its reasoning.
GPQA_TOKENS_PER_QUESTION: Mapping[str, tuple[float, float]] = MappingProxyType({
    "DeepSeek-V3": (784_176 / 3_168, 1_983_134 / 3_168),
    "DeepSeek-R1": (49_010 / 198, 1_503_756 / 198),
})


def _iso_date(name: str, value: Any) -> datetime.date:
    raw = text(name, value)
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{name} must be a date as YYYY-MM-DD, got {raw!r}") from None


def _decimal_year(day: datetime.date) -> float:
    start = datetime.date(day.year, 1, 1)
    length = (datetime.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def _usd_per_m(name: str, value: Any) -> float:
    return scalar(name, value, 0.0, 1e4, low_open=True, unit="USD per million tokens")


@dataclass(frozen=True)
class ApiPrice:
    """One published API price (a row of ``data/api_prices.csv``).

    Attributes
    ----------
    model, provider : str
    date : str
        When the price was published or took effect, YYYY-MM-DD.
    usd_per_m_input, usd_per_m_output : float
        USD per million input (prompt) and output tokens, in (0, 10,000].
    reasoning : bool
        True for reasoning models, whose hidden reasoning tokens are billed as output.
    source : str
        The provider's announcement or pricing page.
    note : str
        Cross-checks and caveats.
    """

    model: str
    provider: str
    date: str
    usd_per_m_input: float
    usd_per_m_output: float
    reasoning: bool
    source: str
    note: str = ""

    def __post_init__(self) -> None:
        store = object.__setattr__
        for field in ("model", "provider", "source"):
            store(self, field, text(field, getattr(self, field)))
        store(self, "date", _iso_date("date", self.date).isoformat())
        store(self, "usd_per_m_input", _usd_per_m("usd_per_m_input", self.usd_per_m_input))
        store(self, "usd_per_m_output", _usd_per_m("usd_per_m_output", self.usd_per_m_output))
        store(self, "reasoning", flag("reasoning", self.reasoning))
        store(self, "note", text("note", self.note, allow_empty=True))

    @property
    def year(self) -> float:
        """The date as a decimal year (2024-07-02 is about 2024.5)."""
        return _decimal_year(datetime.date.fromisoformat(self.date))

    @property
    def output_to_input_ratio(self) -> float:
        """Output price over input price."""
        return self.usd_per_m_output / self.usd_per_m_input


def _flag_field(raw: str, where: str, column: str) -> bool:
    value = raw.strip().lower()
    if value not in ("true", "false"):
        raise ValueError(f"{where}: column {column!r} must be true or false, got {raw!r}")
    return value == "true"


def _csv_path(path: Any) -> str | os.PathLike[str]:
    path = instance("path", path, (str, os.PathLike))
    if "\x00" in os.fspath(path):
        raise ValueError(f"path must be a file path without NUL characters, got {path!r}")
    return path


def _wrap(where: str, build: Any) -> Any:
    try:
        return build()
    except ValueError as exc:
        if str(exc).startswith(where):
            raise
        raise ValueError(f"{where}: {exc}") from exc


def _read_api_prices(path: str | os.PathLike[str] | None) -> tuple[ApiPrice, ...]:
    table = _data.read_csv(path, "api_prices.csv", required=API_PRICE_COLUMNS, source_column="source")
    rows = []
    for row in table:
        where = table.where(row, row.text("model") or "?")
        rows.append(_wrap(where, lambda row=row, where=where: ApiPrice(
            model=row.text("model"), provider=row.text("provider"), date=row.text("date"),
            usd_per_m_input=_data.number(row.text("usd_per_m_input"), where, "usd_per_m_input", required=True),
            usd_per_m_output=_data.number(row.text("usd_per_m_output"), where, "usd_per_m_output", required=True),
            reasoning=_flag_field(row.text("reasoning"), where, "reasoning"),
            source=row.text("source"), note=row.text("note"))))
    return tuple(sorted(rows, key=lambda r: r.date))


@functools.lru_cache(maxsize=1)
def _shipped_api_prices() -> tuple[ApiPrice, ...]:
    return _read_api_prices(None)


def load_api_prices(path: str | os.PathLike[str] | None = None) -> tuple[ApiPrice, ...]:
    """Published API prices, oldest first, every row validated.

    Parameters
    ----------
    path : str or path-like, optional
        A CSV with the columns :data:`API_PRICE_COLUMNS`; default the shipped
        ``compute_econ/data/api_prices.csv``.

    Raises
    ------
    ValueError
        Naming the file, line, model and column, for a missing column or source, a bad date,
        a price that is not a positive number, or a reasoning flag that is not true/false.

    References
    ----------
    Each row's ``source`` (the provider's announcement or pricing page); the 3:1 blend of
    every row matches Epoch AI's and Artificial Analysis's price data (see each row's ``note``).

    Examples
    --------
    >>> prices = load_api_prices()
    >>> prices[0].model, prices[0].date
    ('GPT-3.5 Turbo', '2023-03-01')
    >>> min(p.output_to_input_ratio for p in prices), max(p.output_to_input_ratio for p in prices)
    (1.0, 5.0)
    """
    if path is None:
        return _shipped_api_prices()
    return _read_api_prices(_csv_path(path))


@dataclass(frozen=True)
class PriceTrend:
    """One of Epoch AI's price-decline fits (a row of ``data/inference_price_trends.csv``).

    Attributes
    ----------
    benchmark : str
        MMLU, GPQA Diamond, MATH-500, MATH 5, HumanEval or LMSys Chatbot Arena ELO.
    threshold_model : str
        The model whose score sets the threshold.
    score_threshold : float
        The score the cheapest models must match or beat.
    start_date, end_date : str
        The period fitted, YYYY-MM-DD.
    n_models : int
        Price observations in the fit.
    decline_factor_per_year : float
        The price falls by this factor each year (x per year, > 1).
    ci90_low, ci90_high : float
        Epoch AI's 90% confidence interval of the factor.
    r_squared : float
        Fit quality, in [0, 1].
    source : str
    """

    benchmark: str
    threshold_model: str
    score_threshold: float
    start_date: str
    end_date: str
    n_models: int
    decline_factor_per_year: float
    ci90_low: float
    ci90_high: float
    r_squared: float
    source: str

    def __post_init__(self) -> None:
        store = object.__setattr__
        for field in ("benchmark", "threshold_model", "source"):
            store(self, field, text(field, getattr(self, field)))
        store(self, "score_threshold", scalar("score_threshold", self.score_threshold, 0.0, 1e5))
        start, end = _iso_date("start_date", self.start_date), _iso_date("end_date", self.end_date)
        if end <= start:
            raise ValueError(f"end_date must be after start_date ({start}), got {end}")
        store(self, "start_date", start.isoformat())
        store(self, "end_date", end.isoformat())
        store(self, "n_models", integer("n_models", self.n_models, 2, 10_000))
        for field in ("decline_factor_per_year", "ci90_low", "ci90_high"):
            store(self, field, scalar(field, getattr(self, field), 0.0, 1e8, low_open=True, unit="x per year"))
        if not self.ci90_low <= self.decline_factor_per_year <= self.ci90_high:
            raise ValueError(f"decline_factor_per_year must lie in [ci90_low, ci90_high] = [{self.ci90_low:g}, "
                             f"{self.ci90_high:g}], got {self.decline_factor_per_year:g}")
        store(self, "r_squared", scalar("r_squared", self.r_squared, 0.0, 1.0))

    @property
    def halving_time_months(self) -> float:
        """Months for the price to halve at this rate."""
        return 12.0 * math.log(2.0) / math.log(self.decline_factor_per_year)


def _read_trends(path: str | os.PathLike[str] | None) -> tuple[PriceTrend, ...]:
    table = _data.read_csv(path, "inference_price_trends.csv", required=PRICE_TREND_COLUMNS, source_column="source")
    rows = []
    for row in table:
        where = table.where(row, f"{row.text('benchmark')} at {row.text('threshold_model')}")

        def num(field: str, row: _data.CsvRow = row, where: str = where) -> float:
            return _data.number(row.text(field), where, field, required=True, low=0.0, low_inclusive=True)

        rows.append(_wrap(where, lambda row=row, num=num: PriceTrend(
            benchmark=row.text("benchmark"), threshold_model=row.text("threshold_model"),
            score_threshold=num("score_threshold"), start_date=row.text("start_date"), end_date=row.text("end_date"),
            n_models=num("n_models"), decline_factor_per_year=num("decline_factor_per_year"),
            ci90_low=num("ci90_low"), ci90_high=num("ci90_high"), r_squared=num("r_squared"), source=row.text("source"))))
    return tuple(rows)


@functools.lru_cache(maxsize=1)
def _shipped_trends() -> tuple[PriceTrend, ...]:
    return _read_trends(None)


def load_inference_price_trends(path: str | os.PathLike[str] | None = None) -> tuple[PriceTrend, ...]:
    """Epoch AI's 21 fits of how fast the cheapest price of a benchmark score fell.

    Parameters
    ----------
    path : str or path-like, optional
        A CSV with the columns :data:`PRICE_TREND_COLUMNS`; default the shipped
        ``compute_econ/data/inference_price_trends.csv``.

    References
    ----------
    Epoch AI, "LLM inference prices have fallen rapidly but unequally across tasks", data
    insight, 2025-03-12 (log-linear regression of the lowest price of models at or above each
    threshold); results file of epoch-research/llm-benchmark-efficiency (see ``source``).

    Examples
    --------
    >>> trends = load_inference_price_trends()
    >>> gpqa = next(t for t in trends if t.benchmark == "GPQA Diamond" and t.threshold_model == "GPT-4-0314")
    >>> round(gpqa.decline_factor_per_year)  # "fell by 40x per year"
    42
    """
    if path is None:
        return _shipped_trends()
    return _read_trends(_csv_path(path))


def projected_price_usd_per_m(
    usd_per_m_now: ArrayLike, years: ArrayLike, decline_factor_per_year: ArrayLike = EPOCH_2025_MEDIAN_DECLINE_PER_YEAR
) -> FloatOrArray:
    """The price of a fixed capability ``years`` from now, falling by ``decline_factor_per_year`` each year.

    .. math:: p(t) = p_0 \\, f^{-t}

    Parameters
    ----------
    usd_per_m_now : array_like
        Today's price, USD per million tokens, in (0, 1e6].
    years : array_like
        Years ahead, in [-30, 30] (negative: back in time).
    decline_factor_per_year : array_like
        Yearly factor of decline, in [1, 1e4] (1: flat); default
        :data:`EPOCH_2025_MEDIAN_DECLINE_PER_YEAR` (46.25). Epoch AI's fits range from 9.2 to 851.

    Returns
    -------
    float or numpy.ndarray
        USD per million tokens.

    References
    ----------
    Epoch AI, "LLM inference prices have fallen rapidly but unequally across tasks", 2025-03-12
    (rates from 9x to 900x per year; the fastest occurred in the last year and may not persist).

    Examples
    --------
    >>> round(projected_price_usd_per_m(10.0, 1.0), 3)  # a $10 capability, a year later, at the median rate
    0.216
    >>> round(projected_price_usd_per_m(10.0, 1.0, 9.24), 2)  # at the slowest rate Epoch found
    1.08
    """
    p = array("usd_per_m_now", usd_per_m_now, 0.0, 1e6, low_open=True, unit="USD per million tokens")
    t = array("years", years, -30.0, 30.0, unit="years")
    f = array("decline_factor_per_year", decline_factor_per_year, 1.0, 1e4, unit="x per year")
    p, t, f = broadcast({"usd_per_m_now": p, "years": t, "decline_factor_per_year": f})
    out = p * f ** (-t)
    return scalar_or_array(finite_result("projected price", out, "years, decline_factor_per_year"))


def blended_price_usd_per_m(
    usd_per_m_input: ArrayLike, usd_per_m_output: ArrayLike, frac_input: ArrayLike = ARTIFICIAL_ANALYSIS_INPUT_SHARE
) -> FloatOrArray:
    """One price per token for a mix of input and output tokens.

    .. math:: p = f\\, p_\\text{in} + (1 - f)\\, p_\\text{out}

    Parameters
    ----------
    usd_per_m_input, usd_per_m_output : array_like
        USD per million input and output tokens, each in [0, 1e6].
    frac_input : array_like
        Share of input tokens, in [0, 1]; default 0.75 (:data:`ARTIFICIAL_ANALYSIS_INPUT_SHARE`).

    References
    ----------
    Epoch AI, "LLM inference prices have fallen rapidly but unequally across tasks", Data
    section (3:1 weighted average, Artificial Analysis's method).

    Examples
    --------
    >>> round(blended_price_usd_per_m(0.27, 1.10), 6)  # DeepSeek-V3: Epoch AI's figure is 0.4775
    0.4775
    """
    pin = array("usd_per_m_input", usd_per_m_input, 0.0, 1e6, unit="USD per million tokens")
    pout = array("usd_per_m_output", usd_per_m_output, 0.0, 1e6, unit="USD per million tokens")
    f = in_range("frac_input", frac_input, 0.0, 1.0)
    pin, pout, f = broadcast({"usd_per_m_input": pin, "usd_per_m_output": pout, "frac_input": np.asarray(f)})
    return scalar_or_array(f * pin + (1.0 - f) * pout)


def bill_usd(
    input_tokens: ArrayLike,
    output_tokens: ArrayLike,
    usd_per_m_input: ArrayLike,
    usd_per_m_output: ArrayLike,
    reasoning_tokens: ArrayLike = 0.0,
) -> FloatOrArray:
    """What a request (or a workload) costs: input tokens at the input price, output and reasoning at the output price.

    .. math:: \\$ = \\frac{n_\\text{in}\\, p_\\text{in} + (n_\\text{out} + n_\\text{reason})\\, p_\\text{out}}{10^6}

    Parameters
    ----------
    input_tokens, output_tokens, reasoning_tokens : array_like
        Token counts, each in [0, 1e18]; reasoning tokens are hidden but billed as output.
    usd_per_m_input, usd_per_m_output : array_like
        USD per million tokens, each in [0, 1e6].

    References
    ----------
    OpenAI API pricing ("Output tokens include internal reasoning tokens generated by the model
    that are not visible in API responses"); DeepSeek API docs, "Models & Pricing" (the output
    of deepseek-reasoner "includes both the CoT and the final answer tokens, priced equally").

    Examples
    --------
    >>> v3_in, v3_out = GPQA_TOKENS_PER_QUESTION["DeepSeek-V3"]
    >>> r1_in, r1_out = GPQA_TOKENS_PER_QUESTION["DeepSeek-R1"]
    >>> round(bill_usd(v3_in, v3_out, 0.27, 1.10) * 1000, 2), round(bill_usd(r1_in, r1_out, 0.55, 2.19) * 1000, 1)
    (0.76, 16.8)
    """
    n_in = array("input_tokens", input_tokens, 0.0, 1e18, unit="tokens")
    n_out = array("output_tokens", output_tokens, 0.0, 1e18, unit="tokens")
    n_r = array("reasoning_tokens", reasoning_tokens, 0.0, 1e18, unit="tokens")
    pin = array("usd_per_m_input", usd_per_m_input, 0.0, 1e6, unit="USD per million tokens")
    pout = array("usd_per_m_output", usd_per_m_output, 0.0, 1e6, unit="USD per million tokens")
    n_in, n_out, n_r, pin, pout = broadcast({"input_tokens": n_in, "output_tokens": n_out, "reasoning_tokens": n_r,
                                             "usd_per_m_input": pin, "usd_per_m_output": pout})
    return scalar_or_array((n_in * pin + (n_out + n_r) * pout) / 1e6)


def reasoning_bill_multiplier(
    input_tokens: ArrayLike,
    output_tokens: ArrayLike,
    reasoning_tokens: ArrayLike,
    usd_per_m_input: ArrayLike,
    usd_per_m_output: ArrayLike,
) -> FloatOrArray:
    """How many times the bill grows when the model also writes ``reasoning_tokens`` billed as output.

    .. math:: m = 1 + \\frac{n_\\text{reason}\\, p_\\text{out}}{n_\\text{in}\\, p_\\text{in} + n_\\text{out}\\, p_\\text{out}}

    With output priced 4 times input and a 250-token answer to a 1,000-token prompt, 4,500
    reasoning tokens multiply the bill by 10. Per-token prices fall fast (Epoch AI), but a
    reasoning model can spend ten times the tokens on the same question.

    Parameters
    ----------
    input_tokens, output_tokens : array_like
        Visible tokens in and out, each in [0, 1e18], not both 0 when the prices are positive.
    reasoning_tokens : array_like
        Hidden reasoning tokens, in [0, 1e18].
    usd_per_m_input, usd_per_m_output : array_like
        USD per million tokens, each in (0, 1e6].

    References
    ----------
    As :func:`bill_usd`.

    Examples
    --------
    >>> reasoning_bill_multiplier(1000, 250, 4500, 1.0, 4.0)
    10.0
    """
    n_in = array("input_tokens", input_tokens, 0.0, 1e18, unit="tokens")
    n_out = array("output_tokens", output_tokens, 0.0, 1e18, unit="tokens")
    n_r = array("reasoning_tokens", reasoning_tokens, 0.0, 1e18, unit="tokens")
    pin = array("usd_per_m_input", usd_per_m_input, 0.0, 1e6, low_open=True, unit="USD per million tokens")
    pout = array("usd_per_m_output", usd_per_m_output, 0.0, 1e6, low_open=True, unit="USD per million tokens")
    n_in, n_out, n_r, pin, pout = broadcast({"input_tokens": n_in, "output_tokens": n_out, "reasoning_tokens": n_r,
                                             "usd_per_m_input": pin, "usd_per_m_output": pout})
    base = n_in * pin + n_out * pout
    if (base <= 0).any():
        raise ValueError("input_tokens and output_tokens must not both be 0 (there is no bill to multiply)")
    return scalar_or_array(finite_result("bill multiplier", 1.0 + n_r * pout / base,
                                         "input_tokens, output_tokens, usd_per_m_input"))

