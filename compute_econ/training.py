"""From training FLOP to accelerator time.

.. math:: T_\\text{acc} = \\frac{C}{P_\\text{peak}\\,\\text{MFU}}

where C is the training compute (FLOP), P_peak the accelerator's dense peak
(FLOP/s) and MFU the model FLOPs utilisation (fraction of peak actually spent
on the model's FLOP). Wall-clock time divides accelerator time by the number of
accelerators. (A later issue adds energy, dollars and renting vs. owning.)

For the learner's own computer use :func:`local_machine_days` with the rate
measured by :func:`compute_econ.hardware.measure_local_flop_s`: that rate is
already *achieved* FLOP/s, so no MFU is applied (it is the same formula with
MFU = 1).
"""

from __future__ import annotations

from numpy.typing import ArrayLike

from compute_econ._validate import in_range, non_negative, positive, scalar_or_array

__all__ = [
    "DEFAULT_MFU",
    "SECONDS_PER_HOUR",
    "SECONDS_PER_DAY",
    "accelerator_seconds",
    "accelerator_hours",
    "accelerator_days",
    "wall_clock_days",
    "local_machine_days",
    "local_machine_flop",
    "implied_mfu",
]

SECONDS_PER_HOUR = 3600.0
SECONDS_PER_DAY = 86400.0

#: Default model FLOPs utilisation for large dense-transformer training.
#: Llama 3 405B reached 38-43% BF16 MFU on 8,192-16,384 H100s (Llama Team 2024,
#: arXiv:2407.21783, Table 4); PaLM 540B 46.2% on 6,144 TPU v4 (Chowdhery et al.
#: 2022, arXiv:2204.02311, Section 4 / Table 3).
DEFAULT_MFU = 0.4


def _mfu(mfu: ArrayLike):
    return in_range("mfu", mfu, 0.0, 1.0, low_inclusive=False)


def accelerator_seconds(
    training_flop: ArrayLike,
    peak_flop_per_s: ArrayLike,
    mfu: ArrayLike = DEFAULT_MFU,
) -> float:
    """Accelerator-seconds needed to perform ``training_flop`` at utilisation ``mfu``.

    .. math:: T = C / (P_\\text{peak} \\cdot \\text{MFU})

    Parameters
    ----------
    training_flop : array_like
        Training compute C, FLOP (count), >= 0.
    peak_flop_per_s : array_like
        Dense peak of one accelerator, FLOP/s, > 0.
    mfu : array_like
        Model FLOPs utilisation in (0, 1]; default :data:`DEFAULT_MFU` = 0.4.

    Returns
    -------
    float or numpy.ndarray
        Accelerator-seconds (broadcast over the inputs).

    References
    ----------
    Chowdhery et al. 2022, PaLM, arXiv:2204.02311, Appendix B (definition of
    MFU); Llama Team 2024, arXiv:2407.21783, Table 4 (38-43% BF16 MFU on H100).

    Examples
    --------
    >>> accelerator_seconds(1e18, 1e15, 0.5)
    2000.0
    """
    C = non_negative("training_flop", training_flop, "FLOP")
    P = positive("peak_flop_per_s", peak_flop_per_s, "FLOP/s")
    u = _mfu(mfu)
    return scalar_or_array(C / (P * u))


def accelerator_hours(
    training_flop: ArrayLike,
    peak_flop_per_s: ArrayLike,
    mfu: ArrayLike = DEFAULT_MFU,
) -> float:
    """Accelerator-hours (e.g. GPU-hours): :func:`accelerator_seconds` / 3600.

    References
    ----------
    As :func:`accelerator_seconds`; checked against the Llama 3.1 model card
    (30.84M H100-80GB hours for 405B).
    """
    return scalar_or_array(accelerator_seconds(training_flop, peak_flop_per_s, mfu) / SECONDS_PER_HOUR)


def accelerator_days(
    training_flop: ArrayLike,
    peak_flop_per_s: ArrayLike,
    mfu: ArrayLike = DEFAULT_MFU,
) -> float:
    """Accelerator-days: :func:`accelerator_seconds` / 86400.

    References
    ----------
    As :func:`accelerator_seconds`.
    """
    return scalar_or_array(accelerator_seconds(training_flop, peak_flop_per_s, mfu) / SECONDS_PER_DAY)


def wall_clock_days(
    training_flop: ArrayLike,
    peak_flop_per_s: ArrayLike,
    mfu: ArrayLike,
    n_accelerators: ArrayLike,
) -> float:
    """Calendar days of training on ``n_accelerators`` running in parallel at ``mfu``.

    .. math:: T_\\text{wall} = C / (n \\cdot P_\\text{peak} \\cdot \\text{MFU})

    Assumes the whole cluster runs the job continuously; downtime and restarts
    show up as a lower effective MFU.

    Parameters
    ----------
    training_flop : array_like
        FLOP, >= 0.
    peak_flop_per_s : array_like
        FLOP/s per accelerator, > 0.
    mfu : array_like
        In (0, 1].
    n_accelerators : array_like
        Number of accelerators, >= 1.

    Returns
    -------
    float or numpy.ndarray
        Days.

    References
    ----------
    Llama Team 2024, arXiv:2407.21783, Section 3.3 and Table 4 (16,384 H100s,
    38-43% MFU).
    """
    n = in_range("n_accelerators", n_accelerators, 1.0, float("inf"))
    days = accelerator_days(training_flop, peak_flop_per_s, mfu)
    return scalar_or_array(days / n)


def local_machine_days(training_flop: ArrayLike, achieved_flop_per_s: ArrayLike) -> float:
    """Days this computer would need for ``training_flop`` at its measured rate.

    ``achieved_flop_per_s`` is an achieved rate (e.g. from
    :func:`compute_econ.hardware.measure_local_flop_s`), so no MFU is applied;
    real training reaches less than a matmul benchmark, so this is a lower
    bound on the time.

    Parameters
    ----------
    training_flop : array_like
        FLOP, >= 0.
    achieved_flop_per_s : array_like
        Measured FLOP/s, > 0.

    Returns
    -------
    float or numpy.ndarray
        Days.

    References
    ----------
    Same formula as :func:`accelerator_days` with MFU = 1 (Chowdhery et al.
    2022, arXiv:2204.02311, Appendix B).

    Examples
    --------
    >>> round(local_machine_days(3.14e23, 1e11))  # GPT-3 on a 100 GFLOP/s laptop
    36342593
    """
    C = non_negative("training_flop", training_flop, "FLOP")
    R = positive("achieved_flop_per_s", achieved_flop_per_s, "FLOP/s")
    return scalar_or_array(C / R / SECONDS_PER_DAY)


def local_machine_flop(achieved_flop_per_s: ArrayLike, days: ArrayLike) -> float:
    """FLOP this computer performs in ``days`` at its measured rate (the inverse of :func:`local_machine_days`).

    .. math:: C = R \\cdot 86400 \\cdot \\text{days}

    Parameters
    ----------
    achieved_flop_per_s : array_like
        Measured FLOP/s (e.g. from :func:`compute_econ.hardware.measure_local_flop_s`), > 0.
    days : array_like
        Running time in days, >= 0.

    Returns
    -------
    float or numpy.ndarray
        FLOP (a count).

    References
    ----------
    Same formula as :func:`accelerator_days` with MFU = 1 (Chowdhery et al.
    2022, arXiv:2204.02311, Appendix B).

    Examples
    --------
    >>> local_machine_flop(1e11, 365.25)  # a 100 GFLOP/s laptop running for a year
    3.15576e+18
    """
    R = positive("achieved_flop_per_s", achieved_flop_per_s, "FLOP/s")
    T = non_negative("days", days, "days")
    return scalar_or_array(R * T * SECONDS_PER_DAY)


def implied_mfu(
    training_flop: ArrayLike,
    peak_flop_per_s: ArrayLike,
    accelerator_hours: ArrayLike,
) -> float:
    """MFU implied by a reported number of accelerator-hours.

    .. math:: \\text{MFU} = C / (P_\\text{peak} \\cdot 3600 \\cdot H)

    A value above 1 means the inputs are inconsistent (e.g. a sparse peak was
    used, or the hours exclude part of the run).

    Parameters
    ----------
    training_flop : array_like
        FLOP, >= 0.
    peak_flop_per_s : array_like
        FLOP/s per accelerator, > 0.
    accelerator_hours : array_like
        Reported accelerator-hours, > 0.

    Returns
    -------
    float or numpy.ndarray
        Fraction of peak.

    References
    ----------
    Chowdhery et al. 2022, arXiv:2204.02311, Appendix B (MFU definition).
    """
    C = non_negative("training_flop", training_flop, "FLOP")
    P = positive("peak_flop_per_s", peak_flop_per_s, "FLOP/s")
    H = positive("accelerator_hours", accelerator_hours, "hours")
    return scalar_or_array(C / (P * H * SECONDS_PER_HOUR))
