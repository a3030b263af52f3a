"""Power as a ceiling: how many accelerators, and how large a training run, a site's power allows.

A site with ``power_watts`` of capacity can feed ``power_watts / W_all_in``
accelerators, where the all-in watts of one accelerator are its board power
times the server overhead (CPUs, memory, network) times the building's PUE
(:func:`all_in_watts_per_accelerator`, reusing
:func:`compute_econ.training.cluster_power_watts`). Those accelerators, running
``days`` at ``mfu``, do the largest training run the power allows
(:func:`largest_training_run_flop`); :func:`site_power_watts_for_run` is the
inverse. For the world's power, chips, data and latency by year, see
:mod:`compute_econ.supply.constraints`.

References
----------
Sevilla, Besiroglu, Cottier, You, Roldán, Villalobos, Erdil 2024, "Can AI
scaling continue through 2030?", Epoch AI,
https://epoch.ai/blog/can-ai-scaling-continue-through-2030 (section Power
constraints; notes 8 and 25). Cottier et al. 2024, arXiv:2405.21015, Section 2.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from compute_econ._validate import (
    FloatOrArray,
    broadcast,
    finite_result,
    in_range,
    non_negative,
    positive,
    scalar_or_array,
)
from compute_econ.hardware import Accelerator
from compute_econ.training import (
    DEFAULT_MFU,
    DEFAULT_PUE,
    DEFAULT_SERVER_OVERHEAD_FRAC,
    SECONDS_PER_DAY,
    _frac_overhead,
    _mfu,
    _pue,
    accelerator_days,
    cluster_power_watts,
)

__all__ = [
    "all_in_watts_per_accelerator",
    "max_accelerators_for_power",
    "largest_training_run_flop",
    "site_power_watts_for_run",
]


def _board_watts(name: str, accelerator_or_board_watts: Accelerator | ArrayLike) -> np.ndarray:
    if isinstance(accelerator_or_board_watts, Accelerator):
        watts = accelerator_or_board_watts.board_watts
        if watts is None:
            raise ValueError(f"{name}: {accelerator_or_board_watts.name} has no published board power; "
                             "pass its board watts (TDP, W, > 0) instead")
        return positive(name, watts, "W")
    return positive(name, accelerator_or_board_watts, "W")


def _power_inputs(name: str, accelerator_or_board_watts: Accelerator | ArrayLike, server_overhead_frac: ArrayLike,
                  pue: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Board watts, server overhead and PUE, validated by :func:`compute_econ.training.cluster_power_watts`' rules."""
    return _board_watts(name, accelerator_or_board_watts), _frac_overhead(server_overhead_frac), _pue(pue)


def _all_in_watts(W: np.ndarray, F: np.ndarray, U: np.ndarray) -> np.ndarray:
    return np.asarray(cluster_power_watts(1.0, W, F, U))


def all_in_watts_per_accelerator(
    accelerator_or_board_watts: Accelerator | ArrayLike,
    server_overhead_frac: ArrayLike = DEFAULT_SERVER_OVERHEAD_FRAC,
    pue: ArrayLike = DEFAULT_PUE,
) -> FloatOrArray:
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
    W, F, U = _power_inputs("accelerator_or_board_watts", accelerator_or_board_watts, server_overhead_frac, pue)
    W, F, U = broadcast({"accelerator_or_board_watts": W, "server_overhead_frac": F, "pue": U})
    w = _all_in_watts(W, F, U)
    return scalar_or_array(finite_result("all-in watts per accelerator", w,
                                         "accelerator_or_board_watts, server_overhead_frac, pue"))


def max_accelerators_for_power(
    power_watts: ArrayLike,
    accelerator_or_board_watts: Accelerator | ArrayLike,
    server_overhead_frac: ArrayLike = DEFAULT_SERVER_OVERHEAD_FRAC,
    pue: ArrayLike = DEFAULT_PUE,
) -> FloatOrArray:
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
    W, F, U = _power_inputs("accelerator_or_board_watts", accelerator_or_board_watts, server_overhead_frac, pue)
    P, W, F, U = broadcast({"power_watts": P, "accelerator_or_board_watts": W, "server_overhead_frac": F, "pue": U})
    w = _all_in_watts(W, F, U)
    with np.errstate(over="ignore"):
        n = np.floor(P / w)
    return scalar_or_array(finite_result("the number of accelerators", n,
                                         "power_watts, accelerator_or_board_watts, server_overhead_frac, pue"))


def largest_training_run_flop(
    power_watts: ArrayLike,
    peak_flop_per_s: ArrayLike,
    board_watts: Accelerator | ArrayLike,
    days: ArrayLike,
    mfu: ArrayLike = DEFAULT_MFU,
    server_overhead_frac: ArrayLike = DEFAULT_SERVER_OVERHEAD_FRAC,
    pue: ArrayLike = DEFAULT_PUE,
) -> FloatOrArray:
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
    P_site = non_negative("power_watts", power_watts, "W")
    W, F, U = _power_inputs("board_watts", board_watts, server_overhead_frac, pue)
    P = positive("peak_flop_per_s", peak_flop_per_s, "FLOP/s")
    T = non_negative("days", days, "days")
    u = in_range("mfu", mfu, 0.0, 1.0, low_inclusive=False)
    P_site, P, W, T, u, F, U = broadcast({"power_watts": P_site, "peak_flop_per_s": P, "board_watts": W, "days": T,
                                          "mfu": u, "server_overhead_frac": F, "pue": U})
    w = _all_in_watts(W, F, U)
    with np.errstate(over="ignore", invalid="ignore"):
        flop = np.floor(P_site / w) * P * u * T * SECONDS_PER_DAY
    return scalar_or_array(finite_result("the largest training run", flop,
                                         "power_watts, peak_flop_per_s, board_watts, days, mfu, "
                                         "server_overhead_frac, pue"))


def site_power_watts_for_run(
    training_flop: ArrayLike,
    peak_flop_per_s: ArrayLike,
    board_watts: Accelerator | ArrayLike,
    days: ArrayLike,
    mfu: ArrayLike = DEFAULT_MFU,
    server_overhead_frac: ArrayLike = DEFAULT_SERVER_OVERHEAD_FRAC,
    pue: ArrayLike = DEFAULT_PUE,
) -> FloatOrArray:
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
    W, F, U = _power_inputs("board_watts", board_watts, server_overhead_frac, pue)
    C = non_negative("training_flop", training_flop, "FLOP")
    P = positive("peak_flop_per_s", peak_flop_per_s, "FLOP/s")
    u = _mfu(mfu)
    C, P, W, T, u, F, U = broadcast({"training_flop": C, "peak_flop_per_s": P, "board_watts": W, "days": T,
                                     "mfu": u, "server_overhead_frac": F, "pue": U})
    w = _all_in_watts(W, F, U)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        watts = np.asarray(accelerator_days(C, P, u)) / T * w
    return scalar_or_array(finite_result("the site power", watts,
                                         "training_flop, peak_flop_per_s, board_watts, days, mfu, "
                                         "server_overhead_frac, pue"))
