"""Power as a ceiling, and the largest training run the world can support by year.

Two parts.

1. **Power as a ceiling.** A site with ``power_watts`` of capacity can feed
   ``power_watts / W_all_in`` accelerators, where the all-in watts of one
   accelerator are its board power times the server overhead (CPUs, memory,
   network) times the building's PUE (:func:`all_in_watts_per_accelerator`,
   reusing :func:`compute_econ.training.cluster_power_watts`). Those
   accelerators, running ``days`` at ``mfu``, do the largest training run the
   power allows (:func:`largest_training_run_flop`);
   :func:`site_power_watts_for_run` is the inverse.

2. **Four constraints by year** (Sevilla et al. 2024, "Can AI scaling continue
   through 2030?", Epoch AI). Each constraint gives the largest training run
   (FLOP) it allows in a year; the binding constraint is the smallest:

   * power: US data-centre capacity grows, non-AI demand grows more slowly, the
     difference is AI capacity; the largest run gets a fraction of it, and
     FLOP/s per watt improves every year (:func:`power_limited_flop`);
   * chip production: the stock of H100-equivalents, today's stock plus
     production that grows in number of chips and in FLOP/s per chip
     (:func:`chip_limited_flop`);
   * data: the stock of text, grown every year, times a multimodal multiplier,
     quality and epochs, turned into FLOP by Chinchilla scaling (20 tokens per
     parameter, C = 6·N·D) (:func:`data_limited_flop`);
   * latency: every batch must pass every layer forward and backward, one
     after another, so a run of ``run_seconds`` sees at most
     ``run_seconds / (latency_per_layer · layers)`` batches
     (:func:`latency_limited_flop`).

   :func:`largest_run_by_year` evaluates all four for a scenario
   (:class:`ConstraintScenario`, default :data:`SEVILLA_2024`, every value from
   the paper's parameter tables) with a low-central-high band, and names the
   binding constraint each year. :data:`SEVILLA_2024_PUBLISHED_2030` holds the
   paper's own 2030 figures for comparison.

Simplifications (the paper runs a Monte Carlo over ~40 correlated inputs; we do not):

* *central* = the model at every input's median. The paper reports the median
  of its Monte Carlo output; for the data constraint this differs from the
  model at median inputs, so we use the paper's own summary for the median
  multimodal gain ("plausibly tripling") instead of tokens-per-image figures.
* *low/high* (10th/90th percentile) are propagated in log space: each input is
  moved to its 10th and 90th percentile one at a time, and the log changes of
  the output are added in quadrature (exact for a product of independent
  log-normal inputs). The paper's correlations (Appendix A, Table 1) are ignored.
* power: no single-campus branch and no inter-data-centre bandwidth cap (the
  paper takes the maximum with a 1-5 GW campus, then the minimum with a
  bandwidth limit of 3e29-2e31 FLOP; neither changes the median much). Use
  part 1 for a campus.
* chips: no cap from TSMC's leading-edge wafer output (the paper: "this limit
  does not have a significant effect by 2030", Appendix A).
* latency: the intranode latency per layer (8 x 13.7 µs) with a fixed 60M-token
  batch, constant over years. The paper's Appendix E adds internode latency
  that grows with the cluster (pulls the wall in) and batch sizes that grow with
  the model (push it out); the two roughly offset at the median.

References
----------
Sevilla, Besiroglu, Cottier, You, Roldán, Villalobos, Erdil 2024, "Can AI
scaling continue through 2030?", Epoch AI,
https://epoch.ai/blog/can-ai-scaling-continue-through-2030 (sections Power
constraints, Chip manufacturing capacity, Data scarcity, Latency wall; parameter
tables under Figures 3-7; Appendices A, B, E).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, Mapping

import numpy as np
from numpy.typing import ArrayLike

from compute_econ import _data
from compute_econ._validate import in_range, non_negative, positive, scalar_or_array
from compute_econ.hardware import Accelerator
from compute_econ.scaling import training_flop
from compute_econ.training import (
    DEFAULT_MFU,
    DEFAULT_PUE,
    DEFAULT_SERVER_OVERHEAD_FRAC,
    SECONDS_PER_DAY,
    accelerator_days,
    cluster_power_watts,
)

__all__ = [
    "all_in_watts_per_accelerator",
    "max_accelerators_for_power",
    "largest_training_run_flop",
    "site_power_watts_for_run",
    "CONSTRAINTS",
    "CHINCHILLA_TOKENS_PER_PARAM",
    "ConstraintScenario",
    "SEVILLA_2024",
    "PARAMETER_SOURCES",
    "ai_dc_power_watts",
    "run_flop_for_power",
    "power_limited_flop",
    "chip_limited_flop",
    "data_limited_flop",
    "latency_limited_flop",
    "LargestRunByYear",
    "largest_run_by_year",
    "PublishedConstraint",
    "SEVILLA_2024_PUBLISHED_2030",
]

_PAPER = "Sevilla et al. 2024, 'Can AI scaling continue through 2030?', Epoch AI"


# --------------------------------------------------------------------------- power as a ceiling
def _board_watts(accelerator_or_board_watts: Accelerator | ArrayLike) -> np.ndarray:
    if isinstance(accelerator_or_board_watts, Accelerator):
        watts = accelerator_or_board_watts.board_watts
        if watts is None:
            raise ValueError(f"{accelerator_or_board_watts.name} has no published board power; pass board watts instead")
        return positive("board_watts", watts, "W")
    return positive("board_watts", accelerator_or_board_watts, "W")


def all_in_watts_per_accelerator(
    accelerator_or_board_watts: Accelerator | ArrayLike,
    server_overhead_frac: ArrayLike = DEFAULT_SERVER_OVERHEAD_FRAC,
    pue: ArrayLike = DEFAULT_PUE,
) -> float | np.ndarray:
    """Site power one accelerator needs: board watts x (1 + server overhead) x PUE.

    Parameters
    ----------
    accelerator_or_board_watts : Accelerator or array_like
        A catalogue row (e.g. ``H100_SXM``) or board power (TDP), W, > 0.
    server_overhead_frac : array_like
        Server power beyond the accelerator as a fraction of board power, >= 0;
        default :data:`compute_econ.training.DEFAULT_SERVER_OVERHEAD_FRAC` (0.82, DGX H100).
    pue : array_like
        Power usage effectiveness, >= 1; default :data:`compute_econ.training.DEFAULT_PUE` (1.1).

    Returns
    -------
    float or numpy.ndarray
        W per accelerator.

    References
    ----------
    Cottier et al. 2024, arXiv:2405.21015, Section 2 (via
    :func:`compute_econ.training.cluster_power_watts`). Sevilla et al. 2024, note 8:
    700 W x 1.96 (DGX SuperPOD) x 1.2 (PUE) ~ 1,700 W per H100.

    Examples
    --------
    >>> round(all_in_watts_per_accelerator(700.0))  # H100 with the kit's defaults
    1402
    """
    W = _board_watts(accelerator_or_board_watts)
    return cluster_power_watts(1.0, W, server_overhead_frac, pue)


def max_accelerators_for_power(
    power_watts: ArrayLike,
    accelerator_or_board_watts: Accelerator | ArrayLike,
    server_overhead_frac: ArrayLike = DEFAULT_SERVER_OVERHEAD_FRAC,
    pue: ArrayLike = DEFAULT_PUE,
) -> float | np.ndarray:
    """The largest number of accelerators a site of ``power_watts`` can run at full load.

    .. math:: n = \\lfloor P_\\text{site} / (W_\\text{board} (1 + f_\\text{server}) \\text{PUE}) \\rfloor

    Parameters
    ----------
    power_watts : array_like
        Site power capacity, W, >= 0 (1 GW = 1e9 W).
    accelerator_or_board_watts, server_overhead_frac, pue
        As in :func:`all_in_watts_per_accelerator`.

    Returns
    -------
    float or numpy.ndarray
        Whole accelerators (a count, >= 0).

    References
    ----------
    Sevilla et al. 2024, section Power constraints (16,000 H100s x 1,700 W = 27 MW).

    Examples
    --------
    >>> max_accelerators_for_power(140.4e6, 700.0)  # lesson 02: 100k H100s ~ 140 MW
    100106.0
    """
    P = non_negative("power_watts", power_watts, "W")
    w = all_in_watts_per_accelerator(accelerator_or_board_watts, server_overhead_frac, pue)
    return scalar_or_array(np.floor(P / w))


def largest_training_run_flop(
    power_watts: ArrayLike,
    peak_flop_per_s: ArrayLike,
    board_watts: Accelerator | ArrayLike,
    days: ArrayLike,
    mfu: ArrayLike = DEFAULT_MFU,
    server_overhead_frac: ArrayLike = DEFAULT_SERVER_OVERHEAD_FRAC,
    pue: ArrayLike = DEFAULT_PUE,
) -> float | np.ndarray:
    """The largest training run (FLOP) that ``power_watts`` of site power allows in ``days``.

    .. math:: C = n \\cdot P_\\text{peak} \\cdot \\text{MFU} \\cdot 86400 \\cdot \\text{days},
              \\quad n = \\text{max\\_accelerators\\_for\\_power}

    Parameters
    ----------
    power_watts : array_like
        Site power capacity, W, >= 0.
    peak_flop_per_s : array_like
        Dense peak of one accelerator at the training precision, FLOP/s, > 0.
    board_watts : Accelerator or array_like
        Board power of one accelerator, W, > 0 (or a catalogue row).
    days : array_like
        Length of the run, days, >= 0.
    mfu : array_like
        Model FLOPs utilisation in (0, 1]; default 0.4.
    server_overhead_frac, pue
        As in :func:`all_in_watts_per_accelerator`.

    Returns
    -------
    float or numpy.ndarray
        Training compute, FLOP.

    References
    ----------
    Sevilla et al. 2024, note 25 (a 5 GW campus with 4x the H100's FLOP/s per W,
    FP8, 100 days: ~7e28 FLOP).

    Examples
    --------
    >>> f"{largest_training_run_flop(1e9, 989.4e12, 700.0, days=100):.2e}"  # 1 GW of H100s, BF16
    '2.44e+27'
    """
    n = np.asarray(max_accelerators_for_power(power_watts, board_watts, server_overhead_frac, pue))
    P = positive("peak_flop_per_s", peak_flop_per_s, "FLOP/s")
    T = non_negative("days", days, "days")
    u = in_range("mfu", mfu, 0.0, 1.0, low_inclusive=False)
    return scalar_or_array(n * P * u * T * SECONDS_PER_DAY)


def site_power_watts_for_run(
    training_flop: ArrayLike,
    peak_flop_per_s: ArrayLike,
    board_watts: Accelerator | ArrayLike,
    days: ArrayLike,
    mfu: ArrayLike = DEFAULT_MFU,
    server_overhead_frac: ArrayLike = DEFAULT_SERVER_OVERHEAD_FRAC,
    pue: ArrayLike = DEFAULT_PUE,
) -> float | np.ndarray:
    """Site power (W) a run of ``training_flop`` needs to finish in ``days``: the inverse of
    :func:`largest_training_run_flop` (without rounding the cluster to whole accelerators).

    Parameters
    ----------
    training_flop : array_like
        FLOP, >= 0.
    peak_flop_per_s, board_watts, mfu, server_overhead_frac, pue
        As in :func:`largest_training_run_flop`.
    days : array_like
        Length of the run, days, > 0.

    Returns
    -------
    float or numpy.ndarray
        W.

    References
    ----------
    Sevilla et al. 2024, section Power constraints (Llama 3.1 405B: 16,000 H100s, 27 MW).

    Examples
    --------
    >>> round(site_power_watts_for_run(3.8e25, 989.4e12, 700.0, days=72) / 1e6)  # Llama 3.1 405B, MW
    22
    """
    T = positive("days", days, "days")
    n = np.asarray(accelerator_days(training_flop, peak_flop_per_s, mfu)) / T
    return scalar_or_array(n * all_in_watts_per_accelerator(board_watts, server_overhead_frac, pue))


# --------------------------------------------------------------------------- the four constraints
#: The constraints, in the paper's order (which is also the order in which they bind by 2030).
CONSTRAINTS: tuple[str, ...] = ("power", "chip_production", "data", "latency")

#: Training tokens per parameter of a compute-optimal model (Chinchilla rule), used
#: by the paper to turn tokens into FLOP (Appendix A, Appendix E; Hoffmann et al. 2022).
CHINCHILLA_TOKENS_PER_PARAM = 20.0

#: Where each :class:`ConstraintScenario` value comes from. Unless said otherwise the
#: median and the 10th/90th percentiles are the paper's parameter tables (shown under
#: Figures 3-7 of Sevilla et al. 2024; the same table appears under each figure).
PARAMETER_SOURCES: Mapping[str, str] = MappingProxyType({
    "base_year": "start of 2024 = end of 2023, the date of the paper's current-capacity inputs; "
    "six years to 2030 (e.g. 40 GW x 1.15^6 ~ 90 GW, section Power constraints)",
    "run_seconds": "table 'Training run duration' (5.18e6 / 1.56e7 / 2.33e7 s, i.e. 2-9 months)",
    "mfu": "table 'Training GPU utilization' (20% / 37.5% / 60%)",
    "peak_flop_per_s": "table 'Peak GPU efficiency' (1e15 / 2e15 / 4e15 FLOP/s: H100 dense FP8, x2 either way)",
    "frac_largest_run": "table 'Fraction of resources for the largest training run' (16% / 26% / 40%), Appendix B",
    "dc_power_watts": "table 'US total data center power capacity' (33 / 40 / 50 GW), section Power constraints for "
    "geographically distributed training",
    "ai_dc_power_watts": "table 'US AI data centers power capacity' (3.04 GW = SemiAnalysis 2,537 MW IT x 1.2 PUE, end of 2023)",
    "dc_power_growth_per_year": "table 'US data center power capacity growth' (1.10 / 1.15 / 1.32)",
    "non_ai_dc_power_growth_per_year": "table 'US non-AI data center power capacity growth' (1.07 / 1.08 / 1.10), "
    "capped at the total growth (Appendix A)",
    "all_in_watts_per_gpu": "table 'Installed power capacity per GPU' (1,528 / 1,704 / 1,846 W per H100 incl. servers and PUE)",
    "power_efficiency_growth_per_year": "table 'GPU power efficiency growth' (1.16 / 1.28 / 1.42 per year, FLOP/s per W)",
    "gpu_stock_h100e": "table 'Current GPU stock' (1.4 / 2.2 / 3.5 million H100-equivalents, end of 2023)",
    "gpu_production_h100e_per_year": "table 'Current annualized GPU production' (1.0 / 1.85 / 4.63 million H100-eq per year)",
    "gpu_production_growth_per_year": "table 'Growth of GPU production' (1.3 / 1.7 / 2.0 per year, chip count; CoWoS and HBM growth)",
    "gpu_perf_growth_per_year": "table 'GPU efficiency growth' (1.31 / 1.44 / 1.59 per year, FLOP/s per chip)",
    "text_tokens": "table 'Stock of internet text data' (1.3e14 / 5.1e14 / 2.1e15 tokens; Villalobos et al. 2024)",
    "data_stock_growth_per_year": "table 'Growth of data stock' (1.03 / 1.07 / 1.10 per year; +50% by 2030, note 78)",
    "multimodal_multiplier": "median 3: Summary, Data scarcity ('Multimodal learning ... plausibly tripling the data "
    "available for training'). 10th/90th 1.07 / 11.6 are an ESTIMATE of this kit: 1 + tokens per image or video-second "
    "(table: 2 / 290) x 1.86e13 images and video-seconds (tables: 1e13 + 8.63e12) / 5.1e14 text tokens. At the table's "
    "median of 22 tokens the same formula gives 1.8, not 3: the paper's text and tables disagree here",
    "data_epochs": "table 'Data epochs' (3 / 5 / 15)",
    "frac_data_quality": "table 'Data quality adjustment' (0.1 / 0.2 / 0.4)",
    "latency_per_layer_s": "section Latency wall given intranode latencies: (4.5 µs kernel + 9.2 µs NVLink all-reduce) "
    "x 4 matmuls x 2 passes = 8 x 13.7 µs = 110 µs per layer and batch; held fixed (no range given)",
    "batch_tokens": "table 'Achievable batch size' (1.6e7 / 6e7 / 3.6e8 tokens; GPT-4's speculated 60M)",
    "layers_coef": "note 95: Hoffmann et al. 2022 scale layers as L = 8.8e-2 N^0.27 (Erdil and Schneider-Joseph 2024)",
    "layers_exponent": "note 95 and table 'Layer scaling' median 0.27; held fixed (moving it with a fixed coefficient "
    "changes the depth of a 1e14-parameter model 7-fold, which is not what the paper's range means)",
    "trend_base_flop": "note 10: 3.8e25 FLOP (Llama 3.1 405B, 2024)",
    "trend_growth_per_year": "note 10: training compute of frontier models grows 4.1x per year (Epoch 2024)",
})


@dataclass(frozen=True)
class ConstraintScenario:
    """The inputs of the four constraints: medians as fields, 10th/90th percentiles in ``ranges``.

    Every default is the paper's median (see :data:`PARAMETER_SOURCES`). Use
    :func:`dataclasses.replace` for what-ifs, e.g.
    ``replace(SEVILLA_2024, dc_power_growth_per_year=1.3)``. ``ranges`` maps a field
    name to its (10th, 90th) percentile; fields not in it are held fixed when the
    low/high band is computed.

    Attributes
    ----------
    base_year : int
        Year of the current-capacity inputs (start of 2024).
    run_seconds : float
        Length of the largest run, s.
    mfu : float
        Utilisation of peak FLOP/s, in (0, 1].
    peak_flop_per_s : float
        Peak FLOP/s of one H100-equivalent at the training precision (FP8) in the base year.
    frac_largest_run : float
        Share of AI power and of the chip stock one lab can put into its largest run, in (0, 1].
    dc_power_watts, ai_dc_power_watts : float
        US data-centre capacity, all and AI, in the base year, W (incl. PUE).
    dc_power_growth_per_year, non_ai_dc_power_growth_per_year : float
        Growth factors per year (> 0); non-AI growth is capped at the total's.
    all_in_watts_per_gpu : float
        Installed power per H100-equivalent incl. servers, network and PUE, W.
    power_efficiency_growth_per_year : float
        Growth of peak FLOP/s per W, per year.
    gpu_stock_h100e : float
        H100-equivalents in the world in the base year.
    gpu_production_h100e_per_year : float
        Production rate in the base year, H100-equivalents per year.
    gpu_production_growth_per_year, gpu_perf_growth_per_year : float
        Growth of chips produced (count) and of FLOP/s per chip, per year.
    text_tokens : float
        Stock of usable internet text in the base year, tokens.
    data_stock_growth_per_year : float
        Growth of the data stock, per year.
    multimodal_multiplier : float
        Effective data (text + images + video + audio) / text, >= 1.
    data_epochs : float
        Passes over the data, > 0.
    frac_data_quality : float
        Share of the stock good enough to train on, in (0, 1].
    latency_per_layer_s : float
        Minimum time for one layer, forward and backward, per batch, s.
    batch_tokens : float
        Largest useful batch, tokens.
    layers_coef, layers_exponent : float
        Depth of a model of N parameters: L = layers_coef x N^layers_exponent.
    trend_base_flop, trend_growth_per_year : float
        The historical trend, for comparison: largest run in the base year and its growth per year.
    ranges : Mapping[str, tuple[float, float]]
        (10th, 90th) percentile per uncertain field.
    source : str

    References
    ----------
    Sevilla et al. 2024, parameter tables under Figures 3-7; Appendix A (model) and B (fraction for the largest run).
    """

    base_year: int = 2024
    # shared by the power and chip constraints (duration also by latency)
    run_seconds: float = 1.56e7
    mfu: float = 0.375
    peak_flop_per_s: float = 2e15
    frac_largest_run: float = 0.26
    # power
    dc_power_watts: float = 40e9
    ai_dc_power_watts: float = 3.04e9
    dc_power_growth_per_year: float = 1.15
    non_ai_dc_power_growth_per_year: float = 1.08
    all_in_watts_per_gpu: float = 1704.0
    power_efficiency_growth_per_year: float = 1.28
    # chip production
    gpu_stock_h100e: float = 2.2e6
    gpu_production_h100e_per_year: float = 1.85e6
    gpu_production_growth_per_year: float = 1.7
    gpu_perf_growth_per_year: float = 1.44
    # data
    text_tokens: float = 5.1e14
    data_stock_growth_per_year: float = 1.07
    multimodal_multiplier: float = 3.0
    data_epochs: float = 5.0
    frac_data_quality: float = 0.2
    # latency
    latency_per_layer_s: float = 8 * 13.7e-6
    batch_tokens: float = 6e7
    layers_coef: float = 8.8e-2
    layers_exponent: float = 0.27
    # the historical trend, for comparison
    trend_base_flop: float = 3.8e25
    trend_growth_per_year: float = 4.1
    ranges: Mapping[str, tuple[float, float]] = field(
        repr=False,
        default_factory=lambda: MappingProxyType({
            "run_seconds": (5.18e6, 2.33e7),
            "mfu": (0.2, 0.6),
            "peak_flop_per_s": (1e15, 4e15),
            "frac_largest_run": (0.16, 0.40),
            "dc_power_watts": (33e9, 50e9),
            "dc_power_growth_per_year": (1.10, 1.32),
            "non_ai_dc_power_growth_per_year": (1.07, 1.10),
            "all_in_watts_per_gpu": (1527.9, 1846.0),
            "power_efficiency_growth_per_year": (1.16, 1.42),
            "gpu_stock_h100e": (1.4e6, 3.5e6),
            "gpu_production_h100e_per_year": (1.0e6, 4.63e6),
            "gpu_production_growth_per_year": (1.3, 2.0),
            "gpu_perf_growth_per_year": (1.31, 1.59),
            "text_tokens": (1.3e14, 2.1e15),
            "data_stock_growth_per_year": (1.03, 1.10),
            "multimodal_multiplier": (1.07, 11.6),
            "data_epochs": (3.0, 15.0),
            "frac_data_quality": (0.1, 0.4),
            "batch_tokens": (1.6e7, 3.6e8),
        })
    )
    source: str = _PAPER + ", parameter tables under Figures 3-7 (medians; 10th/90th percentiles in ranges)"

    def __post_init__(self) -> None:
        in_range("base_year", self.base_year, 1950, 2100)
        fractions = ("mfu", "frac_largest_run", "frac_data_quality")
        for name in fractions:
            in_range(name, getattr(self, name), 0.0, 1.0, low_inclusive=False)
        in_range("multimodal_multiplier", self.multimodal_multiplier, 1.0, math.inf)
        for f in dataclasses.fields(self):
            if f.name not in ("base_year", "ranges", "source") + fractions:
                positive(f.name, getattr(self, f.name))
        in_range("ai_dc_power_watts", self.ai_dc_power_watts, 0.0, self.dc_power_watts, high_inclusive=False)
        names = {f.name for f in dataclasses.fields(self)} - {"base_year", "ranges", "source"}
        for name, bounds in self.ranges.items():
            if name not in names:
                raise ValueError(f"ranges: {name!r} is not a scenario parameter; valid names: {sorted(names)}")
            low, high = (float(b) for b in bounds)
            positive(f"ranges[{name!r}] low", low)
            in_range(f"ranges[{name!r}] high", high, low, math.inf)
        if not isinstance(self.source, str):
            raise ValueError(f"source must be a string, got {self.source!r}")

    def _params(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in ("ranges", "source")}


#: The paper's medians and 80% intervals (Sevilla et al. 2024).
SEVILLA_2024 = ConstraintScenario()


def _years_since_base(years: ArrayLike, base_year: float) -> np.ndarray:
    return in_range("years", years, base_year, base_year + 50.0) - base_year


def _grown(growth: float, t: np.ndarray) -> np.ndarray:
    """1 + g + g^2 + ... + g^(t-1): what a flow growing by g per year adds up to in t years."""
    if math.isclose(growth, 1.0):
        return t
    return (growth**t - 1.0) / (growth - 1.0)


def _ai_watts(t: np.ndarray, p: Mapping[str, float]) -> np.ndarray:
    g_all = p["dc_power_growth_per_year"]
    g_non_ai = min(p["non_ai_dc_power_growth_per_year"], g_all)
    return p["dc_power_watts"] * g_all**t - (p["dc_power_watts"] - p["ai_dc_power_watts"]) * g_non_ai**t


def _run_flop_per_watt(t: np.ndarray, p: Mapping[str, float]) -> np.ndarray:
    """FLOP one watt of installed power delivers over the run, in year base + t."""
    flop_per_s_per_watt = p["peak_flop_per_s"] / p["all_in_watts_per_gpu"] * p["power_efficiency_growth_per_year"] ** t
    return flop_per_s_per_watt * p["mfu"] * p["run_seconds"]


def _power_flop(t: np.ndarray, p: Mapping[str, float]) -> np.ndarray:
    return p["frac_largest_run"] * _ai_watts(t, p) * _run_flop_per_watt(t, p)


def _chip_flop(t: np.ndarray, p: Mapping[str, float]) -> np.ndarray:
    growth_h100e = p["gpu_production_growth_per_year"] * p["gpu_perf_growth_per_year"]
    stock_h100e = p["gpu_stock_h100e"] + p["gpu_production_h100e_per_year"] * _grown(growth_h100e, t)
    return p["frac_largest_run"] * stock_h100e * p["peak_flop_per_s"] * p["mfu"] * p["run_seconds"]


def _data_flop(t: np.ndarray, p: Mapping[str, float]) -> np.ndarray:
    D = (
        p["text_tokens"] * p["data_stock_growth_per_year"] ** t
        * p["multimodal_multiplier"] * p["frac_data_quality"] * p["data_epochs"]
    )
    return np.asarray(training_flop(D / CHINCHILLA_TOKENS_PER_PARAM, D))


def _latency_flop(t: np.ndarray, p: Mapping[str, float]) -> np.ndarray:
    # run_seconds = latency_per_layer * layers_coef * N**a * (20 N / batch)  ->  solve for N
    a = p["layers_exponent"]
    N = (p["run_seconds"] * p["batch_tokens"] / (CHINCHILLA_TOKENS_PER_PARAM * p["latency_per_layer_s"] * p["layers_coef"])) ** (
        1.0 / (1.0 + a)
    )
    return np.broadcast_to(np.asarray(training_flop(N, CHINCHILLA_TOKENS_PER_PARAM * N)), t.shape).copy()


_MODELS: Mapping[str, Callable[[np.ndarray, Mapping[str, float]], np.ndarray]] = MappingProxyType({
    "power": _power_flop,
    "chip_production": _chip_flop,
    "data": _data_flop,
    "latency": _latency_flop,
})

#: The scenario fields each constraint depends on (the ones moved for its low/high band).
_INPUTS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "power": ("run_seconds", "mfu", "peak_flop_per_s", "frac_largest_run", "dc_power_watts", "ai_dc_power_watts",
              "dc_power_growth_per_year", "non_ai_dc_power_growth_per_year", "all_in_watts_per_gpu",
              "power_efficiency_growth_per_year"),
    "chip_production": ("run_seconds", "mfu", "peak_flop_per_s", "frac_largest_run", "gpu_stock_h100e",
                        "gpu_production_h100e_per_year", "gpu_production_growth_per_year", "gpu_perf_growth_per_year"),
    "data": ("text_tokens", "data_stock_growth_per_year", "multimodal_multiplier", "data_epochs", "frac_data_quality"),
    "latency": ("run_seconds", "latency_per_layer_s", "batch_tokens", "layers_coef", "layers_exponent"),
})


def _check_scenario(scenario: ConstraintScenario) -> None:
    if not isinstance(scenario, ConstraintScenario):
        raise ValueError(f"scenario must be a ConstraintScenario, got {type(scenario).__name__}")


def _constraint_flop(name: str, years: ArrayLike, scenario: ConstraintScenario) -> float | np.ndarray:
    _check_scenario(scenario)
    t = _years_since_base(years, scenario.base_year)
    return scalar_or_array(_MODELS[name](t, scenario._params()))


def ai_dc_power_watts(years: ArrayLike, scenario: ConstraintScenario = SEVILLA_2024) -> float | np.ndarray:
    """US AI data-centre power capacity (W) in ``years``: all data centres minus non-AI ones.

    .. math:: P_\\text{AI}(t) = P_\\text{DC}\\, g_\\text{DC}^t - (P_\\text{DC} - P_\\text{AI,0})\\, g_\\text{non-AI}^t

    The largest run gets ``scenario.frac_largest_run`` of it.

    Parameters
    ----------
    years : array_like
        Calendar years, from ``scenario.base_year`` to 50 years later.
    scenario : ConstraintScenario
        Default :data:`SEVILLA_2024`.

    Returns
    -------
    float or numpy.ndarray
        W (incl. PUE).

    References
    ----------
    Sevilla et al. 2024, section Power constraints for geographically distributed training (40 GW -> 90 GW
    by 2030 at 15%/year, non-AI 37 GW -> 60 GW at 8%/year, leaving ~30 GW for AI; 26% of it ~ 8 GW for one run).

    Examples
    --------
    >>> round(ai_dc_power_watts(2030) / 1e9)  # GW
    34
    """
    _check_scenario(scenario)
    t = _years_since_base(years, scenario.base_year)
    return scalar_or_array(_ai_watts(t, scenario._params()))


def run_flop_for_power(
    power_watts: ArrayLike, years: ArrayLike, scenario: ConstraintScenario = SEVILLA_2024
) -> float | np.ndarray:
    """Largest run (FLOP) that ``power_watts`` of installed power allows in ``years``, with the
    scenario's chips (FLOP/s per watt improving every year), utilisation and run length.

    .. math:: C = P \\cdot \\frac{F_\\text{peak}}{W_\\text{GPU}}\\, e^{t} \\cdot \\text{MFU} \\cdot T

    Use it for a single campus (the paper's 1-5 GW by 2030).

    Parameters
    ----------
    power_watts : array_like
        Installed power incl. servers and PUE, W, >= 0.
    years, scenario
        As in :func:`power_limited_flop`.

    Returns
    -------
    float or numpy.ndarray
        FLOP the power delivers over one run of ``scenario.run_seconds``.

    References
    ----------
    Sevilla et al. 2024, section Power constraints for geographically localized training (1-5 GW
    campuses -> 1e28-3e29 FLOP; note 25).

    Examples
    --------
    >>> f"{run_flop_for_power(5e9, 2030):.1e}"  # a 5 GW campus in 2030
    '1.5e+29'
    """
    _check_scenario(scenario)
    P = non_negative("power_watts", power_watts, "W")
    t = _years_since_base(years, scenario.base_year)
    return scalar_or_array(P * _run_flop_per_watt(t, scenario._params()))


def power_limited_flop(years: ArrayLike, scenario: ConstraintScenario = SEVILLA_2024) -> float | np.ndarray:
    """Largest run (FLOP) the power for AI data centres allows in ``years`` (medians of ``scenario``).

    .. math::

        P_\\text{AI}(t) = P_\\text{DC} g_\\text{DC}^t - (P_\\text{DC} - P_\\text{AI,0})\\, g_\\text{non-AI}^t, \\qquad
        C = f_\\text{run} P_\\text{AI}(t) \\cdot \\frac{F_\\text{peak}}{W_\\text{GPU}} e^t \\cdot \\text{MFU} \\cdot T

    with t = years - base_year and e the growth of FLOP/s per W.

    Parameters
    ----------
    years : array_like
        Calendar years, from ``scenario.base_year`` to 50 years later (fractions allowed).
    scenario : ConstraintScenario
        Default :data:`SEVILLA_2024`.

    Returns
    -------
    float or numpy.ndarray
        FLOP.

    References
    ----------
    Sevilla et al. 2024, section Power constraints for geographically distributed training
    (40 -> 90 GW, 30 GW for AI, 26% -> ~8 GW for one run) and Appendix A.
    """
    return _constraint_flop("power", years, scenario)


def chip_limited_flop(years: ArrayLike, scenario: ConstraintScenario = SEVILLA_2024) -> float | np.ndarray:
    """Largest run (FLOP) the stock of AI chips allows in ``years`` (medians of ``scenario``).

    .. math::

        S(t) = S_0 + Q_0 \\frac{G^t - 1}{G - 1},\\ G = g_\\text{chips} g_\\text{perf}, \\qquad
        C = f_\\text{run} S(t) \\cdot F_\\text{peak} \\cdot \\text{MFU} \\cdot T

    S in H100-equivalents; production in year k after the base year is Q_0 G^k.

    Parameters and return value as in :func:`power_limited_flop`.

    References
    ----------
    Sevilla et al. 2024, section Chip manufacturing capacity (GPU production +30-100% per year with
    CoWoS and HBM; 100M H100-equivalents -> 9e29 FLOP) and Appendix A.
    """
    return _constraint_flop("chip_production", years, scenario)


def data_limited_flop(years: ArrayLike, scenario: ConstraintScenario = SEVILLA_2024) -> float | np.ndarray:
    """Largest compute-optimal run (FLOP) the stock of training data allows in ``years``.

    .. math::

        D(t) = D_\\text{text} g^t \\cdot m_\\text{multimodal} \\cdot f_\\text{quality} \\cdot \\text{epochs}, \\qquad
        C = 6 \\cdot \\frac{D}{20} \\cdot D

    Parameters and return value as in :func:`power_limited_flop`.

    References
    ----------
    Sevilla et al. 2024, section Data scarcity (500T tokens, +50% by 2030, multimodal "plausibly tripling";
    note 74: the quality and epoch factors cancel at the median) and Appendix A (20 tokens per parameter, C = 6ND).
    """
    return _constraint_flop("data", years, scenario)


def latency_limited_flop(years: ArrayLike, scenario: ConstraintScenario = SEVILLA_2024) -> float | np.ndarray:
    """Largest compute-optimal run (FLOP) the latency wall allows: constant over ``years`` in this model.

    .. math::

        T = t_L \\cdot L_0 N^{a} \\cdot \\frac{20 N}{B}
        \\ \\Rightarrow\\ N = \\left(\\frac{T B}{20\\, t_L L_0}\\right)^{1/(1+a)}, \\qquad C = 6 N (20 N)

    Parameters and return value as in :func:`power_limited_flop` (only the shape of ``years`` matters).

    References
    ----------
    Sevilla et al. 2024, section Latency wall given intranode latencies (110 µs per layer, 60M batch,
    700T parameters and 6e31 FLOP in nine months; note 96).
    """
    return _constraint_flop("latency", years, scenario)


@dataclass(frozen=True)
class LargestRunByYear:
    """The largest training run each constraint allows, by year, and which one binds.

    Attributes
    ----------
    years : numpy.ndarray
        Calendar years (float).
    constraints : tuple of str
        :data:`CONSTRAINTS`.
    central_flop, low_flop, high_flop : dict[str, numpy.ndarray]
        FLOP each constraint allows: at the median inputs, and the approximate
        10th and 90th percentiles.
    largest_flop : numpy.ndarray
        The binding ceiling: the smallest central value over the constraints.
    binding : numpy.ndarray of str
        Name of the binding constraint in each year.
    trend_flop : numpy.ndarray
        The historical trend (largest run growing ``trend_growth_per_year``), for comparison.
    scenario : ConstraintScenario
    """

    years: np.ndarray
    constraints: tuple[str, ...]
    central_flop: dict[str, np.ndarray]
    low_flop: dict[str, np.ndarray]
    high_flop: dict[str, np.ndarray]
    largest_flop: np.ndarray
    binding: np.ndarray
    trend_flop: np.ndarray
    scenario: ConstraintScenario


def _band(name: str, t: np.ndarray, params: dict[str, float], ranges: Mapping[str, tuple[float, float]], central: np.ndarray):
    """10th/90th percentile of a constraint: one input at a time to its 10th and 90th
    percentile, log changes of the output added in quadrature."""
    down = np.zeros_like(central)
    up = np.zeros_like(central)
    log_central = np.log(central)
    for key in _INPUTS[name]:
        if key not in ranges:
            continue
        shifts = []
        for value in ranges[key]:
            moved = dict(params)
            moved[key] = float(value)
            shifts.append(np.log(_MODELS[name](t, moved)) - log_central)
        down += np.minimum(0.0, np.minimum(*shifts)) ** 2
        up += np.maximum(0.0, np.maximum(*shifts)) ** 2
    return central * np.exp(-np.sqrt(down)), central * np.exp(np.sqrt(up))


def largest_run_by_year(years: ArrayLike, scenario: ConstraintScenario = SEVILLA_2024) -> LargestRunByYear:
    """The largest feasible training run by year under power, chip production, data and latency.

    Parameters
    ----------
    years : array_like
        Calendar years from ``scenario.base_year`` (2024) to 50 years later, e.g. ``range(2024, 2031)``.
    scenario : ConstraintScenario
        Default :data:`SEVILLA_2024` (the paper's medians and ranges).

    Returns
    -------
    LargestRunByYear
        Central, low and high FLOP per constraint; the binding constraint and its FLOP per year.

    References
    ----------
    Sevilla et al. 2024, section What constraint is the most limiting? and Figure 7 (power binds
    first, then chips; 2e29 FLOP feasible by 2030), Appendix A.

    Examples
    --------
    >>> r = largest_run_by_year([2024, 2030])
    >>> [str(b) for b in r.binding], f"{r.largest_flop[-1]:.1e}"
    (['power', 'power'], '2.7e+29')
    """
    _check_scenario(scenario)
    t = np.atleast_1d(_years_since_base(years, scenario.base_year))
    params = scenario._params()
    central, low, high = {}, {}, {}
    for name in CONSTRAINTS:
        central[name] = _MODELS[name](t, params)
        low[name], high[name] = _band(name, t, params, scenario.ranges, central[name])
    stacked = np.stack([central[name] for name in CONSTRAINTS])
    binding = np.asarray(CONSTRAINTS)[np.argmin(stacked, axis=0)]
    trend = scenario.trend_base_flop * scenario.trend_growth_per_year**t
    return LargestRunByYear(
        years=t + scenario.base_year,
        constraints=CONSTRAINTS,
        central_flop=central,
        low_flop=low,
        high_flop=high,
        largest_flop=stacked.min(axis=0),
        binding=binding,
        trend_flop=trend,
        scenario=scenario,
    )


# --------------------------------------------------------------------------- the paper's own 2030 figures
@dataclass(frozen=True)
class PublishedConstraint:
    """The paper's 2030 figure for one constraint: median and 80% interval, FLOP.

    Attributes
    ----------
    constraint : str
        One of :data:`CONSTRAINTS`.
    low_flop, central_flop, high_flop : float
        10th percentile, median, 90th percentile of the largest run it allows in 2030.
    source : str
        Section of Sevilla et al. 2024.
    note : str
        Caveats; says so where the median is not printed in the paper's text.
    """

    constraint: str
    low_flop: float
    central_flop: float
    high_flop: float
    source: str
    note: str = ""


def _load_published() -> Mapping[str, PublishedConstraint]:
    table = _data.read_csv(None, "scaling_constraints_2030.csv",
                           columns=("constraint", "low_flop", "central_flop", "high_flop", "source", "note"))
    out = {}
    for row in table:
        where = table.where(row, row.text("constraint"))
        low, central, high = (_data.number(row.text(k), where, k, required=True)
                              for k in ("low_flop", "central_flop", "high_flop"))
        if not (low <= central <= high) or not row.text("source") or row.text("constraint") not in CONSTRAINTS:
            raise ValueError(f"{where}: need low <= central <= high, a source and a constraint in {CONSTRAINTS}")
        out[row.text("constraint")] = PublishedConstraint(row.text("constraint"), low, central, high,
                                                           row.text("source"), row.text("note"))
    if tuple(out) != CONSTRAINTS:
        raise ValueError(f"scaling_constraints_2030.csv must list {CONSTRAINTS} in that order, got {tuple(out)}")
    return MappingProxyType(out)


#: Sevilla et al. 2024's own 2030 figures per constraint (``data/scaling_constraints_2030.csv``).
#: The data and latency medians are not printed in the paper's text (see each ``note``).
SEVILLA_2024_PUBLISHED_2030: Mapping[str, PublishedConstraint] = _load_published()
