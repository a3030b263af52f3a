"""Failures and goodput: why a run on 16,000 accelerators loses days, and how checkpoints win most of them back.

A synchronous training job stops when any one of its parts fails: one GPU, one host, one switch.
If the parts fail independently, at random (a Poisson process), their rates add, so the job's
mean time between failures (MTBF) falls as one over the number of parts
(:func:`job_mtbf_hours`): an accelerator that fails once in six years gives a 16,384-accelerator
job an interruption every three hours, as Llama 3 saw (:func:`load_reliability_logs`).

A job survives by saving a checkpoint every ``interval`` hours (each takes ``checkpoint_hours``,
δ); after a failure it restarts (``restart_hours``, R) and redoes the work since the last
checkpoint. Young (1974) found the interval that minimises the time lost, √(2δM)
(:func:`young_interval_hours`); Daly (2006) refined it to higher order
(:func:`daly_interval_hours`) and gave the expected wall-clock time, from which
:func:`goodput_frac` is the share of time that is useful work. :func:`estimate_goodput` turns
that into interruptions per day, lost days and lost dollars for a run, vectorised over cluster
size and checkpoint interval (the GoodputExplorer's model).

Every time here is in hours (``_hours``), days only where the name says ``_days``.

References
----------
Young 1974, "A first order approximation to the optimum checkpoint interval", CACM 17(9):530-531;
Daly 2006, "A higher order estimate of the optimum checkpoint interval for restart dumps", Future
Generation Computer Systems 22(3):303-312; Llama Team 2024, arXiv:2407.21783, Section 3.3.4 and
Table 5; Zhang et al. 2022 (OPT), arXiv:2205.01068, Section 2.5.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from compute_econ import _data
from compute_econ._records import ArrayRecord
from compute_econ._validate import (
    YEAR_RANGE,
    FloatOrArray,
    array,
    broadcast,
    finite_result,
    finite_results,
    instance,
    integer,
    non_negative,
    positive,
    scalar,
    scalar_or_array,
    text,
    usd_per_hour,
)
from compute_econ.costs import H100_LAMBDA_2024

__all__ = [
    "HOURS_PER_DAY",
    "RSC1_FAILURES_PER_NODE_DAY",
    "RSC2_FAILURES_PER_NODE_DAY",
    "LLAMA3_CHECKPOINT_HOURS_ESTIMATE",
    "LLAMA3_RESTART_HOURS_ESTIMATE",
    "LLAMA31_405B_H100_HOURS",
    "DEFAULT_USD_PER_ACCELERATOR_HOUR",
    "DEFAULT_PRICE_YEAR",
    "job_mtbf_hours",
    "component_mtbf_hours",
    "observed_mtbf_hours",
    "interruptions_per_day",
    "young_interval_hours",
    "daly_interval_hours",
    "goodput_frac",
    "GoodputEstimate",
    "estimate_goodput",
    "RELIABILITY_LOG_COLUMNS",
    "ReliabilityLog",
    "load_reliability_logs",
    "INTERRUPTION_CAUSE_COLUMNS",
    "InterruptionCause",
    "load_llama3_interruption_causes",
    "share_by_category",
]

HOURS_PER_DAY = 24.0

#: Failures per node-day of Meta's RSC-1 research cluster (A100, 8 GPUs per node): 6.50 per
#: thousand node-days, counted over 11 months of jobs on more than 128 GPUs; RSC-2: 2.34.
#: Kokolis et al. 2024, "Revisiting Reliability in Large-Scale Machine Learning Research Clusters",
#: arXiv:2410.21680 (HPCA 2025), Section IV. Read in secondary copies that quote the paper (its full
#: text could not be opened here); the projection they support is reproduced in the tests.
RSC1_FAILURES_PER_NODE_DAY = 6.50e-3
RSC2_FAILURES_PER_NODE_DAY = 2.34e-3

#: Time to write one checkpoint of Llama 3 405B, hours: an *estimate*, 33 s = 16,384 GPUs x 4 GB
#: (the largest per-GPU state the paper gives) / 2 TB/s (the storage fabric's sustained throughput),
#: Llama Team 2024, arXiv:2407.21783, Section 3.3.1 ("Storage"). The paper gives no checkpoint time.
LLAMA3_CHECKPOINT_HOURS_ESTIMATE = 16_384 * 4e9 / 2e12 / 3600.0
#: Time to restart a 16,384-GPU job after a failure (detect, replace the node, reload, resume),
#: hours: an *estimate*, 5 minutes. The paper gives none; it says only that Meta "reduced job
#: startup and checkpointing time" to reach >90% effective training time (Section 3.3.4).
LLAMA3_RESTART_HOURS_ESTIMATE = 5.0 / 60.0

#: Llama 3.1 405B's pre-training, 30.84M H100-80GB GPU-hours: the Llama 3.1 model card (meta-llama/llama-models,
#: ``models/llama3_1/MODEL_CARD.md``, "Training Energy Use", 405B row). The run to which Llama 3's 54-day
#: reliability log belongs (Llama Team 2024, arXiv:2407.21783, Section 3.3.4).
LLAMA31_405B_H100_HOURS = 30.84e6

#: Default price of a lost accelerator-hour: Lambda's on-demand H100 SXM, $3.49 (2024 USD), the kit's
#: :data:`compute_econ.costs.H100_LAMBDA_2024`.
DEFAULT_USD_PER_ACCELERATOR_HOUR = H100_LAMBDA_2024.on_demand_usd_per_hour
DEFAULT_PRICE_YEAR = H100_LAMBDA_2024.price_year

#: Below this, x / (e^x - 1) is computed from its series (1 - x/2), so tiny ratios never divide 0 by 0.
_SMALL_X = 1e-9


def _hours(name: str, value: ArrayLike) -> np.ndarray:
    return positive(name, value, "hours")


def _count(name: str, value: ArrayLike) -> np.ndarray:
    return array(name, value, 1.0, unit="(a count)")


def _finite(what: str, value: ArrayLike, inputs: str) -> FloatOrArray:
    return scalar_or_array(finite_result(what, np.asarray(value, dtype=float), inputs))


# --------------------------------------------------------------------------- interruptions and scale


def job_mtbf_hours(component_mtbf_hours: ArrayLike, n_components: ArrayLike) -> FloatOrArray:
    """Mean time between failures of a job that stops when any one of ``n_components`` parts fails.

    .. math:: M_\\text{job} = M_\\text{component} / n

    Independent failures at constant rates (a Poisson process for each part) add their rates,
    1/M each, so the job's rate is n/M. Use it per accelerator (``component_mtbf_hours`` is the
    accelerator's share of all failures, host and network included) or per node (a node's MTBF
    and the number of nodes).

    Parameters
    ----------
    component_mtbf_hours : array_like
        MTBF of one part, hours, > 0.
    n_components : array_like
        Parts the job needs, >= 1.

    Returns
    -------
    float or numpy.ndarray
        Hours.

    References
    ----------
    Young 1974, CACM 17(9), and Daly 2006, FGCS 22(3) (failures of the system a Poisson process); Kokolis et al. 2024, arXiv:2410.21680, Section IV (job MTTF = 1 / (N_nodes r_f)).

    Examples
    --------
    >>> round(job_mtbf_hours(50_000.0, 16_384), 2)  # a GPU failing every 5.7 years, 16k of them
    3.05
    """
    M = _hours("component_mtbf_hours", component_mtbf_hours)
    n = _count("n_components", n_components)
    M, n = broadcast({"component_mtbf_hours": M, "n_components": n})
    with np.errstate(under="ignore"):
        out = M / n
    if np.any(out <= 0.0):
        raise ValueError("job MTBF underflows to 0 for these inputs: they are outside the model's range "
                         "(check component_mtbf_hours, n_components)")
    return _finite("job MTBF", out, "component_mtbf_hours, n_components")


def component_mtbf_hours(job_mtbf_hours: ArrayLike, n_components: ArrayLike) -> FloatOrArray:
    """The MTBF of one part implied by a job's MTBF over ``n_components`` parts (the inverse of :func:`job_mtbf_hours`).

    .. math:: M_\\text{component} = n \\, M_\\text{job}

    Parameters
    ----------
    job_mtbf_hours : array_like
        Observed MTBF of the job, hours, > 0 (e.g. :func:`observed_mtbf_hours`).
    n_components : array_like
        Parts the job ran on, >= 1.

    Returns
    -------
    float or numpy.ndarray
        Hours.

    References
    ----------
    As :func:`job_mtbf_hours`.

    Examples
    --------
    >>> round(component_mtbf_hours(54 * 24 / 419, 16_384))  # Llama 3's unexpected interruptions
    50677
    """
    M = _hours("job_mtbf_hours", job_mtbf_hours)
    n = _count("n_components", n_components)
    M, n = broadcast({"job_mtbf_hours": M, "n_components": n})
    with np.errstate(over="ignore"):
        out = M * n
    return _finite("component MTBF", out, "job_mtbf_hours, n_components")


def observed_mtbf_hours(days: ArrayLike, n_interruptions: ArrayLike) -> FloatOrArray:
    """The MTBF a log shows: ``days`` of running over ``n_interruptions`` interruptions, hours.

    Parameters
    ----------
    days : array_like
        Length of the period, days, > 0.
    n_interruptions : array_like
        Interruptions in the period, >= 1.

    Returns
    -------
    float or numpy.ndarray
        Hours.

    References
    ----------
    Definition; used on Llama Team 2024, arXiv:2407.21783, Section 3.3.4 (54 days, 419 unexpected).

    Examples
    --------
    >>> round(observed_mtbf_hours(54, 419), 2)
    3.09
    """
    T = positive("days", days, "days")
    k = _count("n_interruptions", n_interruptions)
    T, k = broadcast({"days": np.asarray(T), "n_interruptions": k})
    with np.errstate(over="ignore", under="ignore"):
        out = T * HOURS_PER_DAY / k
    if np.any(out <= 0.0):
        raise ValueError("observed MTBF underflows to 0 for these inputs: they are outside the model's range "
                         "(check days, n_interruptions)")
    return _finite("observed MTBF", out, "days, n_interruptions")


def interruptions_per_day(job_mtbf_hours: ArrayLike) -> FloatOrArray:
    """Expected interruptions per day of a job with this MTBF: 24 / M.

    Parameters
    ----------
    job_mtbf_hours : array_like
        Hours, > 0.

    References
    ----------
    Definition of the rate of a Poisson process.

    Examples
    --------
    >>> round(interruptions_per_day(54 * 24 / 419), 2)
    7.76
    """
    M = _hours("job_mtbf_hours", job_mtbf_hours)
    with np.errstate(over="ignore"):
        out = HOURS_PER_DAY / M
    return _finite("interruptions per day", out, "job_mtbf_hours")


# --------------------------------------------------------------------------- checkpointing


def young_interval_hours(checkpoint_hours: ArrayLike, job_mtbf_hours: ArrayLike) -> FloatOrArray:
    """Young's optimum time between checkpoints, to first order: √(2 δ M).

    .. math:: \\tau_\\text{opt} \\approx \\sqrt{2 \\delta M}

    Good when the checkpoint takes much less than the MTBF (δ << M).

    Parameters
    ----------
    checkpoint_hours : array_like
        Time to write one checkpoint, δ, hours, > 0.
    job_mtbf_hours : array_like
        The job's MTBF, M, hours, > 0.

    Returns
    -------
    float or numpy.ndarray
        Compute time between checkpoints, hours.

    References
    ----------
    Young 1974, "A first order approximation to the optimum checkpoint interval", CACM 17(9):530-531;
    Daly 2006, FGCS 22(3) (whose first-order model recovers Young's result).

    Examples
    --------
    >>> young_interval_hours(5 / 60, 24.0)  # δ = 5 min, M = 24 h: two hours
    2.0
    """
    d = _hours("checkpoint_hours", checkpoint_hours)
    M = _hours("job_mtbf_hours", job_mtbf_hours)
    d, M = broadcast({"checkpoint_hours": d, "job_mtbf_hours": M})
    with np.errstate(over="ignore", under="ignore"):
        out = np.sqrt(2.0 * d * M)
    return _finite("Young's interval", out, "checkpoint_hours, job_mtbf_hours")


def _daly(d: np.ndarray, M: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        r = d / (2.0 * M)
        tau = np.sqrt(2.0 * d * M) * (1.0 + np.sqrt(r) / 3.0 + r / 9.0) - d
    return np.where(d < 2.0 * M, tau, M)


def daly_interval_hours(checkpoint_hours: ArrayLike, job_mtbf_hours: ArrayLike) -> FloatOrArray:
    """Daly's higher-order optimum time between checkpoints.

    .. math::

        \\tau_\\text{opt} = \\sqrt{2\\delta M}\\left[1 + \\tfrac{1}{3}\\sqrt{\\tfrac{\\delta}{2M}}
            + \\tfrac{1}{9}\\,\\tfrac{\\delta}{2M}\\right] - \\delta \\quad (\\delta < 2M),
        \\qquad \\tau_\\text{opt} = M \\quad (\\delta \\ge 2M)

    It does not depend on the restart time. Daly's simulations: for δ = 5 min and M = 24 h,
    6 h and 15 min it gives 117, 57 and 9.1 minutes (his Figs. 3-5; the tests reproduce them).
    The series and the δ >= 2M branch are the form in which citing work quotes Daly; his own
    numbered equations were not read for the kit, the three figures were.

    Parameters
    ----------
    checkpoint_hours : array_like
        Time to write one checkpoint, δ, hours, > 0.
    job_mtbf_hours : array_like
        The job's MTBF, M, hours, > 0.

    Returns
    -------
    float or numpy.ndarray
        Compute time between checkpoints, hours.

    References
    ----------
    Daly 2006, "A higher order estimate of the optimum checkpoint interval for restart dumps",
    FGCS 22(3):303-312 (the perturbation solution; the values of his Figs. 3-5 are reproduced in the tests).

    Examples
    --------
    >>> round(daly_interval_hours(5 / 60, 24.0) * 60)  # minutes
    117
    """
    d = _hours("checkpoint_hours", checkpoint_hours)
    M = _hours("job_mtbf_hours", job_mtbf_hours)
    d, M = broadcast({"checkpoint_hours": d, "job_mtbf_hours": M})
    return _finite("Daly's interval", _daly(d, M), "checkpoint_hours, job_mtbf_hours")


def _goodput(tau: np.ndarray, d: np.ndarray, R: np.ndarray, M: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        x = (tau + d) / M
        rework = np.where(x < _SMALL_X, 1.0 - x / 2.0, x / np.expm1(np.maximum(x, _SMALL_X)))
        return tau / (tau + d) * np.exp(-R / M) * rework


def goodput_frac(
    interval_hours: ArrayLike, checkpoint_hours: ArrayLike, restart_hours: ArrayLike, job_mtbf_hours: ArrayLike
) -> FloatOrArray:
    """Expected share of wall-clock time spent on useful work, with checkpoints every ``interval_hours``.

    Daly's expected wall-clock time for T_s hours of work, failures a Poisson process of mean M
    (during work, checkpoints and restarts alike), is
    :math:`T_w = M e^{R/M} (e^{(\\tau+\\delta)/M} - 1)\\, T_s/\\tau`, so

    .. math::

        \\frac{T_s}{T_w} = \\underbrace{\\frac{\\tau}{\\tau+\\delta}}_\\text{checkpoint writes}
            \\; \\underbrace{e^{-R/M}}_\\text{restarts}
            \\; \\underbrace{\\frac{x}{e^{x}-1}}_\\text{redone work},
        \\qquad x = \\frac{\\tau+\\delta}{M}

    Each factor is at most 1: checkpointing more often wastes more time writing, less often
    redoes more work after each failure; the optimum is :func:`daly_interval_hours`. This is the
    "effective training time" of Llama 3 and the "ETTR" of Kokolis et al. for a job that never
    waits in a queue.

    Parameters
    ----------
    interval_hours : array_like
        Compute time between checkpoints, τ, hours, > 0.
    checkpoint_hours : array_like
        Time to write one checkpoint, δ, hours, > 0.
    restart_hours : array_like
        Time to restart after a failure, R, hours, >= 0.
    job_mtbf_hours : array_like
        The job's MTBF, M, hours, > 0.

    Returns
    -------
    float or numpy.ndarray
        A fraction in [0, 1).

    References
    ----------
    Daly 2006, FGCS 22(3):303-312 (the complete cost function, T_w above; checked against a
    simulation in the tests); Llama Team 2024, arXiv:2407.21783,
    Section 3.3.4 ("effective training time measures the time spent on useful training over the
    elapsed time").

    Examples
    --------
    >>> round(goodput_frac(2.0, 5 / 60, 10 / 60, 24.0), 3)
    0.913
    """
    tau = _hours("interval_hours", interval_hours)
    d = _hours("checkpoint_hours", checkpoint_hours)
    R = non_negative("restart_hours", restart_hours, "hours")
    M = _hours("job_mtbf_hours", job_mtbf_hours)
    tau, d, R, M = broadcast({"interval_hours": tau, "checkpoint_hours": d, "restart_hours": R,
                              "job_mtbf_hours": M})
    return _finite("goodput", _goodput(tau, d, R, M),
                   "interval_hours, checkpoint_hours, restart_hours, job_mtbf_hours")


# --------------------------------------------------------------------------- a run


@dataclass(frozen=True, eq=False)
class GoodputEstimate(ArrayRecord):
    """Failures, checkpoints and their cost for one run (returned by :func:`estimate_goodput`).

    Every array field is broadcast over ``n_accelerators`` and ``interval_hours`` (e.g. cluster
    sizes down a column and intervals across a row).

    Attributes
    ----------
    n_accelerators : float or numpy.ndarray
        Accelerators in the job.
    interval_hours : float or numpy.ndarray
        Compute time between checkpoints used, hours (Daly's optimum where none was given).
    job_mtbf_hours : float or numpy.ndarray
        The job's MTBF, hours.
    interruptions_per_day : float or numpy.ndarray
        Expected interruptions per day of running.
    optimal_interval_hours : float or numpy.ndarray
        Daly's optimum interval, hours.
    young_interval_hours : float or numpy.ndarray
        Young's first-order optimum, √(2δM), hours.
    goodput_frac : float or numpy.ndarray
        Share of wall-clock time that is useful work, at ``interval_hours``.
    optimal_goodput_frac : float or numpy.ndarray
        The same at Daly's optimum.
    ideal_days : float or numpy.ndarray
        Days the run would take with no failures and no checkpoints.
    wall_clock_days : float or numpy.ndarray
        Expected days, failures and checkpoints included: ideal / goodput.
    lost_days : float or numpy.ndarray
        ``wall_clock_days - ideal_days``.
    expected_interruptions : float or numpy.ndarray
        Interruptions expected over the whole run.
    lost_accelerator_hours : float or numpy.ndarray
        Accelerator-hours paid for but not used for training.
    lost_usd : float or numpy.ndarray
        Those hours at the hourly price, USD of ``price_year``.
    price_year : int
        Dollar year of ``lost_usd``.
    """

    n_accelerators: FloatOrArray
    interval_hours: FloatOrArray
    job_mtbf_hours: FloatOrArray
    interruptions_per_day: FloatOrArray
    optimal_interval_hours: FloatOrArray
    young_interval_hours: FloatOrArray
    goodput_frac: FloatOrArray
    optimal_goodput_frac: FloatOrArray
    ideal_days: FloatOrArray
    wall_clock_days: FloatOrArray
    lost_days: FloatOrArray
    expected_interruptions: FloatOrArray
    lost_accelerator_hours: FloatOrArray
    lost_usd: FloatOrArray
    price_year: int


def estimate_goodput(
    ideal_accelerator_hours: ArrayLike,
    n_accelerators: ArrayLike,
    accelerator_mtbf_hours: ArrayLike,
    checkpoint_hours: ArrayLike,
    restart_hours: ArrayLike,
    interval_hours: ArrayLike | None = None,
    usd_per_accelerator_hour: ArrayLike = DEFAULT_USD_PER_ACCELERATOR_HOUR,
    price_year: int = DEFAULT_PRICE_YEAR,
) -> GoodputEstimate:
    """What failures cost a training run: interruptions, goodput, lost days and dollars.

    .. math::

        M = M_\\text{acc}/n, \\quad T_\\text{ideal} = H/n, \\quad
        T_\\text{wall} = T_\\text{ideal} / G(\\tau, \\delta, R, M), \\quad
        \\text{lost USD} = n\\,(T_\\text{wall} - T_\\text{ideal})\\, p

    with :math:`G` from :func:`goodput_frac` and, unless ``interval_hours`` is given, τ Daly's
    optimum (:func:`daly_interval_hours`). A bigger cluster finishes the same work sooner but is
    interrupted more often, so its goodput falls. Get ``ideal_accelerator_hours`` from
    :func:`compute_econ.training.accelerator_hours` (FLOP, peak, MFU).

    Parameters
    ----------
    ideal_accelerator_hours : array_like
        Accelerator-hours of useful work the run needs, > 0.
    n_accelerators : array_like
        Accelerators in the job, >= 1.
    accelerator_mtbf_hours : array_like
        MTBF per accelerator, all causes of a job interruption counted (GPU, host, network,
        software), hours, > 0. Llama 3's 419 unexpected interruptions imply about 50,700 h.
    checkpoint_hours : array_like
        Time to write one checkpoint, hours, > 0.
    restart_hours : array_like
        Time to restart after a failure, hours, >= 0.
    interval_hours : array_like, optional
        Compute time between checkpoints, hours, > 0; default Daly's optimum at each cluster size.
    usd_per_accelerator_hour : array_like
        Price of an accelerator-hour, USD, in [0, 10,000]; default
        :data:`DEFAULT_USD_PER_ACCELERATOR_HOUR` ($3.49, Lambda's on-demand H100, 2024).
    price_year : int
        Dollar year of the price; default 2024.

    Returns
    -------
    GoodputEstimate

    References
    ----------
    Daly 2006, FGCS 22(3); Young 1974, CACM 17(9); Llama Team 2024, arXiv:2407.21783,
    Section 3.3.4; Cottier et al. 2024, arXiv:2405.21015, Section 2 (cost = accelerator-hours x price).

    Examples
    --------
    Llama 3 405B's 30.84M H100-hours on 16,384 GPUs, each failing every 50,677 h, a 33 s
    checkpoint and a 5-minute restart (both estimates):

    >>> est = estimate_goodput(30.84e6, 16_384, 50_677.0, 33 / 3600, 5 / 60)
    >>> round(est.interruptions_per_day, 2), round(est.optimal_interval_hours * 60), round(est.goodput_frac, 3)
    (7.76, 14, 0.9)
    >>> round(est.lost_days, 1), round(est.lost_usd / 1e6, 1)  # days, million 2024 USD at $3.49/h
    (8.7, 11.9)
    """
    H = positive("ideal_accelerator_hours", ideal_accelerator_hours, "accelerator-hours")
    n = _count("n_accelerators", n_accelerators)
    M_acc = _hours("accelerator_mtbf_hours", accelerator_mtbf_hours)
    d = _hours("checkpoint_hours", checkpoint_hours)
    R = non_negative("restart_hours", restart_hours, "hours")
    p = usd_per_hour("usd_per_accelerator_hour", usd_per_accelerator_hour, allow_zero=True)
    year = integer("price_year", price_year, *YEAR_RANGE)
    arrays = {"ideal_accelerator_hours": H, "n_accelerators": n, "accelerator_mtbf_hours": M_acc,
              "checkpoint_hours": d, "restart_hours": R, "usd_per_accelerator_hour": p}
    if interval_hours is not None:
        arrays["interval_hours"] = _hours("interval_hours", interval_hours)
    values = dict(zip(arrays, broadcast(arrays), strict=True))
    H, n, M_acc, d, R, p = (values[k] for k in ("ideal_accelerator_hours", "n_accelerators",
                                                "accelerator_mtbf_hours", "checkpoint_hours",
                                                "restart_hours", "usd_per_accelerator_hour"))
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        M = M_acc / n
        tau_opt = _daly(d, M)
        tau = values.get("interval_hours", tau_opt)
        g = _goodput(tau, d, R, M)
        g_opt = _goodput(tau_opt, d, R, M)
        ideal_days = H / n / HOURS_PER_DAY
        wall_days = ideal_days / g
        lost_days = wall_days - ideal_days
        lost_acc_hours = lost_days * HOURS_PER_DAY * n
        out = {
            "n_accelerators": n, "interval_hours": tau, "job_mtbf_hours": M,
            "interruptions_per_day": HOURS_PER_DAY / M, "optimal_interval_hours": tau_opt,
            "young_interval_hours": np.sqrt(2.0 * d * M), "goodput_frac": g, "optimal_goodput_frac": g_opt,
            "ideal_days": ideal_days, "wall_clock_days": wall_days, "lost_days": lost_days,
            "expected_interruptions": wall_days * HOURS_PER_DAY / M,
            "lost_accelerator_hours": lost_acc_hours, "lost_usd": lost_acc_hours * p,
        }
    inputs = ", ".join(arrays)
    if np.any(M <= 0.0) or np.any(g <= 0.0):
        raise ValueError("goodput is 0 for these inputs (the job fails faster than it can checkpoint or restart): "
                         f"they are outside the model's range (check {inputs})")
    return GoodputEstimate(**finite_results(out, "the run's {}", inputs), price_year=year)


# --------------------------------------------------------------------------- published logs

#: Columns of ``reliability_logs.csv`` (and of a user's CSV for :func:`load_reliability_logs`).
RELIABILITY_LOG_COLUMNS: tuple[str, ...] = ("name", "accelerator", "n_accelerators", "days", "n_interruptions",
                                            "note", "source")


@dataclass(frozen=True)
class ReliabilityLog:
    """A published count of a training job's interruptions: how many accelerators, how long, how many.

    Attributes
    ----------
    name : str
        What was logged.
    accelerator : str
        The accelerator.
    n_accelerators : int
        Accelerators in the job, >= 1.
    days : float
        Length of the period, days, > 0.
    n_interruptions : int
        Interruptions in the period, >= 1.
    note : str
        What the count includes; which figures are estimates or bounds.
    source : str
        Paper and section.

    References
    ----------
    Each row's ``source`` (``compute_econ/data/reliability_logs.csv``).
    """

    name: str
    accelerator: str
    n_accelerators: int
    days: float
    n_interruptions: int
    note: str
    source: str

    def __post_init__(self) -> None:
        store = object.__setattr__
        store(self, "name", text("name", self.name))
        store(self, "accelerator", text("accelerator", self.accelerator))
        store(self, "n_accelerators", integer("n_accelerators", self.n_accelerators, 1, 1e9))
        store(self, "days", scalar("days", self.days, 0.0, 1e5, low_open=True, unit="days"))
        store(self, "n_interruptions", integer("n_interruptions", self.n_interruptions, 1, 1e9))
        store(self, "note", text("note", self.note, allow_empty=True))
        store(self, "source", text("source", self.source))

    @property
    def job_mtbf_hours(self) -> float:
        """The job's observed MTBF, hours (:func:`observed_mtbf_hours`)."""
        return float(observed_mtbf_hours(self.days, self.n_interruptions))

    @property
    def interruptions_per_day(self) -> float:
        """Interruptions per day."""
        return self.n_interruptions / self.days

    @property
    def accelerator_mtbf_hours(self) -> float:
        """MTBF per accelerator implied by independent failures (:func:`component_mtbf_hours`), hours."""
        return float(component_mtbf_hours(self.job_mtbf_hours, self.n_accelerators))


def _parse_logs(table: _data.CsvTable) -> tuple[ReliabilityLog, ...]:
    out = []
    for row in table:
        name = row.text("name")
        where = table.where(row, name)
        try:
            out.append(ReliabilityLog(
                name=name, accelerator=row.text("accelerator"),
                n_accelerators=int(_data.number(row.text("n_accelerators"), where, "n_accelerators",
                                                required=True, low=1.0, low_inclusive=True, high=1e9)),
                days=_data.number(row.text("days"), where, "days", required=True, high=1e5),
                n_interruptions=int(_data.number(row.text("n_interruptions"), where, "n_interruptions",
                                                 required=True, low=1.0, low_inclusive=True, high=1e9)),
                note=row.text("note"), source=row.text("source"),
            ))
        except ValueError as exc:
            if str(exc).startswith(where):
                raise
            raise ValueError(f"{where}: {exc}") from exc
    return tuple(out)


@functools.lru_cache(maxsize=1)
def _shipped_logs() -> tuple[ReliabilityLog, ...]:
    return _parse_logs(_data.read_csv(None, "reliability_logs.csv", columns=RELIABILITY_LOG_COLUMNS,
                                      source_column="source"))


def _user_path(path: object) -> str | os.PathLike[str]:
    p: str | os.PathLike[str] = instance("path", path, (str, os.PathLike))
    if "\x00" in os.fspath(p):
        raise ValueError(f"path must be a file path without NUL characters, got {p!r}")
    return p


def load_reliability_logs(path: str | os.PathLike[str] | None = None) -> tuple[ReliabilityLog, ...]:
    """Published interruption counts of large training jobs (Llama 3 405B, OPT-175B), every row validated.

    Parameters
    ----------
    path : str or path-like, optional
        A CSV with the columns :data:`RELIABILITY_LOG_COLUMNS`; default the shipped
        ``compute_econ/data/reliability_logs.csv``.

    Raises
    ------
    ValueError
        Naming the file, line, row and column, for a missing column or source or a bad number.

    References
    ----------
    Llama Team 2024, arXiv:2407.21783, Section 3.3.4; Zhang et al. 2022, arXiv:2205.01068, Section 2.5.

    Examples
    --------
    >>> llama = load_reliability_logs()[0]
    >>> llama.n_interruptions, round(llama.job_mtbf_hours, 2)
    (419, 3.09)
    """
    if path is None:
        return _shipped_logs()
    return _parse_logs(_data.read_csv(_user_path(path), "reliability_logs.csv", columns=RELIABILITY_LOG_COLUMNS,
                                      source_column="source"))


#: Columns of ``llama3_interruption_causes.csv``.
INTERRUPTION_CAUSE_COLUMNS: tuple[str, ...] = ("component", "category", "interruptions", "pct_printed", "source")


@dataclass(frozen=True)
class InterruptionCause:
    """One row of Llama 3's Table 5: a component, its category, how many interruptions it caused.

    Attributes
    ----------
    component : str
        e.g. "Faulty GPU".
    category : str
        The paper's category: "GPU", "Host", "Network", "Dependency", "Unplanned Maintenance", "Unknown".
    interruptions : int
        Unexpected interruptions attributed to it, >= 0.
    pct_printed : float
        The share the paper prints, percent, in [0, 100] (kept as printed; see the source column).
    source : str
        Paper and table.
    """

    component: str
    category: str
    interruptions: int
    pct_printed: float
    source: str

    def __post_init__(self) -> None:
        store = object.__setattr__
        store(self, "component", text("component", self.component))
        store(self, "category", text("category", self.category))
        store(self, "interruptions", integer("interruptions", self.interruptions, 0, 1e9))
        store(self, "pct_printed", scalar("pct_printed", self.pct_printed, 0.0, 100.0, unit="%"))
        store(self, "source", text("source", self.source))


def _parse_causes(table: _data.CsvTable) -> tuple[InterruptionCause, ...]:
    out = []
    for row in table:
        name = row.text("component")
        where = table.where(row, name)
        try:
            out.append(InterruptionCause(
                component=name, category=row.text("category"),
                interruptions=int(_data.number(row.text("interruptions"), where, "interruptions", required=True,
                                               low=0.0, low_inclusive=True, high=1e9)),
                pct_printed=_data.number(row.text("pct_printed"), where, "pct_printed", required=True,
                                         low=0.0, low_inclusive=True, high=100.0),
                source=row.text("source"),
            ))
        except ValueError as exc:
            if str(exc).startswith(where):
                raise
            raise ValueError(f"{where}: {exc}") from exc
    return tuple(out)


@functools.lru_cache(maxsize=1)
def _shipped_causes() -> tuple[InterruptionCause, ...]:
    return _parse_causes(_data.read_csv(None, "llama3_interruption_causes.csv", columns=INTERRUPTION_CAUSE_COLUMNS,
                                        source_column="source"))


def load_llama3_interruption_causes(path: str | os.PathLike[str] | None = None) -> tuple[InterruptionCause, ...]:
    """Llama 3's Table 5: the 419 unexpected interruptions of a 54-day snapshot, by component.

    The printed table has one inconsistency, kept as printed: "Faulty GPU" has 148 interruptions
    but 30.1%, while 148/419 is 35.3% (every other row's percentage is its count over 419; the
    counts sum to 419, the percentages to 94.9%).

    Parameters
    ----------
    path : str or path-like, optional
        A CSV with the columns :data:`INTERRUPTION_CAUSE_COLUMNS`; default the shipped
        ``compute_econ/data/llama3_interruption_causes.csv``.

    References
    ----------
    Llama Team 2024, "The Llama 3 Herd of Models", arXiv:2407.21783, Table 5 and Section 3.3.4.

    Examples
    --------
    >>> causes = load_llama3_interruption_causes()
    >>> sum(c.interruptions for c in causes), causes[0].component
    (419, 'Faulty GPU')
    """
    if path is None:
        return _shipped_causes()
    return _parse_causes(_data.read_csv(_user_path(path), "llama3_interruption_causes.csv",
                                        columns=INTERRUPTION_CAUSE_COLUMNS, source_column="source"))


def share_by_category(causes: tuple[InterruptionCause, ...] | list[InterruptionCause]) -> dict[str, float]:
    """Share of the interruptions in each category, from the counts (largest first).

    Parameters
    ----------
    causes : sequence of InterruptionCause
        e.g. :func:`load_llama3_interruption_causes`; at least one interruption in all.

    Returns
    -------
    dict
        Category -> fraction of all interruptions (sums to 1).

    References
    ----------
    Llama Team 2024, arXiv:2407.21783, Table 5.

    Examples
    --------
    >>> shares = share_by_category(load_llama3_interruption_causes())
    >>> next(iter(shares)), round(shares["GPU"], 3)
    ('GPU', 0.64)
    """
    if not isinstance(causes, (tuple, list)) or not causes:
        raise ValueError(f"causes must be a non-empty sequence of InterruptionCause, got {causes!r:.80}")
    for i, c in enumerate(causes):
        instance(f"causes[{i}]", c, InterruptionCause)
    total = sum(c.interruptions for c in causes)
    if total == 0:
        raise ValueError("causes must count at least one interruption, got 0 in all")
    counts: dict[str, int] = {}
    for c in causes:
        counts[c.category] = counts.get(c.category, 0) + c.interruptions
    return {k: v / total for k, v in sorted(counts.items(), key=lambda kv: -kv[1])}
