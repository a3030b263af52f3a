"""From training FLOP to accelerator time.

.. math:: T_\\text{acc} = \\frac{C}{P_\\text{peak}\\,\\text{MFU}}

where C is the training compute (FLOP), P_peak the accelerator's dense peak
(FLOP/s) and MFU the model FLOPs utilisation (fraction of peak actually spent
on the model's FLOP). Wall-clock time divides accelerator time by the number of
accelerators. Power, energy, electricity cost and emissions follow from the
cluster's size and board power (:func:`cluster_power_watts`, :func:`energy_mwh`,
:func:`electricity_cost_usd`, :func:`emissions_t_co2e`), and
:func:`estimate_training_run` chains them for one :class:`TrainingRun`. The
cost of the hardware itself (renting vs. owning) is in :mod:`compute_econ.costs`.

For the learner's own computer use :func:`local_machine_days` with the rate
measured by :func:`compute_econ.hardware.measure_local_flop_s`: that rate is
already *achieved* FLOP/s, so no MFU is applied (it is the same formula with
MFU = 1).
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from compute_econ._records import ArrayRecord
from compute_econ._validate import (
    INF,
    YEAR_RANGE,
    Domain,
    FloatOrArray,
    array,
    broadcast,
    finite_result,
    in_domain,
    in_range,
    instance,
    integer,
    non_negative,
    positive,
    scalar,
    scalar_or_array,
    text,
)

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
    "HOURS_PER_YEAR",
    "DEFAULT_SERVER_OVERHEAD_FRAC",
    "DEFAULT_PUE",
    "DEFAULT_FRAC_OF_MAX_POWER",
    "DEFAULT_USD_PER_MWH",
    "DEFAULT_ELECTRICITY_PRICE_YEAR",
    "DEFAULT_KG_CO2E_PER_MWH",
    "cluster_power_watts",
    "energy_mwh",
    "electricity_cost_usd",
    "emissions_t_co2e",
    "TrainingRun",
    "TrainingRunEstimate",
    "estimate_training_run",
]

SECONDS_PER_HOUR = 3600.0
SECONDS_PER_DAY = 86400.0
#: Hours in an average (Julian) year, 365.25 x 24, as in Epoch's training-cost-trends code.
HOURS_PER_YEAR = 8766.0

#: Server power beyond the accelerators (CPUs, memory, NICs, fans, storage), as a
#: fraction of accelerator board power: a DGX H100 is rated 10.2 kW maximum for 8 x
#: 700 W H100s, so server/chip = 10.2/8/0.7 = 1.82 and the overhead is 0.82.
#: This is the H100 factor used by Cottier et al. 2024 (arXiv:2405.21015;
#: epoch-research/training-cost-trends, ``energy.py``, ``chip_to_server_power``);
#: their A100 factor is 2.03 (DGX A100 6.5 kW / 8 / 400 W), their default 1.8.
DEFAULT_SERVER_OVERHEAD_FRAC = 10.2e3 / 8 / 700.0 - 1.0

#: Power usage effectiveness (facility power / IT power) of a hyperscale data
#: centre. Cottier et al. 2024 use 1.1 for hyperscalers (Google, Microsoft, Meta,
#: Amazon) and 1.25 otherwise (training-cost-trends, ``power_usage_effectiveness``),
#: citing Patterson et al. 2021 (arXiv:2104.10350, Table 4: Google/Microsoft ~1.1)
#: and Meta's sustainability report (data centres completed in 2022: PUE 1.09).
DEFAULT_PUE = 1.1

#: Average power drawn during training as a fraction of the (server) maximum, for
#: energy (not for power capacity). Cottier et al. 2024 use 0.75 for GPUs
#: (training-cost-trends, ``server_TDP_fraction``; 90% CI 0.5-1.0), citing Barroso
#: et al.'s datacentre book (average 75% of peak) and an Epoch measurement of an H100
#: at peak power at 70% utilisation. NVIDIA's DGX SuperPOD H100 design guide expects
#: average = peak, so 1.0 is the conservative end. An estimate.
DEFAULT_FRAC_OF_MAX_POWER = 0.75

#: US average industrial electricity price, 2023: 8.06 cents/kWh = 80.6 USD/MWh,
#: the 2023 value in Cottier et al. 2024 (training-cost-trends, ``energy.py``,
#: ``energy_price``; source there: EIA Electric Power Monthly, Table 5.6.A, and
#: Statista for earlier years). Dollar year: :data:`DEFAULT_ELECTRICITY_PRICE_YEAR`.
DEFAULT_USD_PER_MWH = 80.6
DEFAULT_ELECTRICITY_PRICE_YEAR = 2023

#: US grid average, 2023: 1,532 million t CO2 from 4,183 TWh of utility-scale net
#: generation = 366 kg CO2/MWh (0.81 lb/kWh). EIA FAQ "How much carbon dioxide is
#: produced per kilowatthour of U.S. electricity generation?" (2023 data). CO2 only:
#: CH4 and N2O would add roughly 1% (an estimate, not taken from EIA), so this slightly understates CO2e.
DEFAULT_KG_CO2E_PER_MWH = 1532e9 / 4183271e3  # kg CO2 / MWh = 366.2

#: Default model FLOPs utilisation for large dense-transformer training.
#: Llama 3 405B reached 38-43% BF16 MFU on 8,192-16,384 H100s (Llama Team 2024,
#: arXiv:2407.21783, Table 4); PaLM 540B 46.2% on 6,144 TPU v4 (Chowdhery et al.
#: 2022, arXiv:2204.02311, Section 4 / Table 3).
DEFAULT_MFU = 0.4


def _mfu(mfu: ArrayLike) -> np.ndarray:
    return array("mfu", mfu, 0.0, 1.0, low_open=True)


def _finite(what: str, value: ArrayLike, inputs: str) -> FloatOrArray:
    """``value`` as a float or an array, or a ``ValueError`` if it overflowed (naming ``inputs``)."""
    return scalar_or_array(finite_result(what, np.asarray(value, dtype=float), inputs))


def accelerator_seconds(
    training_flop: ArrayLike,
    peak_flop_per_s: ArrayLike,
    mfu: ArrayLike = DEFAULT_MFU,
) -> FloatOrArray:
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
    C, P, u = broadcast({"training_flop": C, "peak_flop_per_s": P, "mfu": u})
    with np.errstate(over="ignore", divide="ignore", under="ignore"):
        T = C / (P * u)
    return _finite("accelerator time", T, "training_flop, peak_flop_per_s, mfu")


def accelerator_hours(
    training_flop: ArrayLike,
    peak_flop_per_s: ArrayLike,
    mfu: ArrayLike = DEFAULT_MFU,
) -> FloatOrArray:
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
) -> FloatOrArray:
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
) -> FloatOrArray:
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
    n = _n_accelerators(n_accelerators)
    C = non_negative("training_flop", training_flop, "FLOP")
    P = positive("peak_flop_per_s", peak_flop_per_s, "FLOP/s")
    u = _mfu(mfu)
    C, P, u, n = broadcast({"training_flop": C, "peak_flop_per_s": P, "mfu": u, "n_accelerators": n})
    days = accelerator_days(C, P, u)
    return scalar_or_array(days / n)


def local_machine_days(training_flop: ArrayLike, achieved_flop_per_s: ArrayLike) -> FloatOrArray:
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
    C, R = broadcast({"training_flop": C, "achieved_flop_per_s": R})
    with np.errstate(over="ignore"):
        days = C / R / SECONDS_PER_DAY
    return _finite("days on this machine", days, "training_flop, achieved_flop_per_s")


def local_machine_flop(achieved_flop_per_s: ArrayLike, days: ArrayLike) -> FloatOrArray:
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
    R, T = broadcast({"achieved_flop_per_s": R, "days": T})
    with np.errstate(over="ignore"):
        C = R * T * SECONDS_PER_DAY
    return _finite("FLOP on this machine", C, "achieved_flop_per_s, days")


def implied_mfu(
    training_flop: ArrayLike,
    peak_flop_per_s: ArrayLike,
    accelerator_hours: ArrayLike,
) -> FloatOrArray:
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
    C, P, H = broadcast({"training_flop": C, "peak_flop_per_s": P, "accelerator_hours": H})
    with np.errstate(over="ignore", divide="ignore", under="ignore"):
        u = C / (P * H * SECONDS_PER_HOUR)
    return _finite("implied MFU", u, "training_flop, peak_flop_per_s, accelerator_hours")


def _frac_overhead(value: ArrayLike) -> np.ndarray:
    return non_negative("server_overhead_frac", value, "(fraction of board power)")


def _pue(value: ArrayLike) -> np.ndarray:
    # in_range's wording ("pue must be in [1, inf], got 0.9"), which callers in supply quote
    return in_range("pue", value, 1.0, INF)


def _frac_power(value: ArrayLike) -> np.ndarray:
    return array("frac_of_max_power", value, 0.0, 1.0, low_open=True)


def _n_accelerators(value: ArrayLike) -> np.ndarray:
    return array("n_accelerators", value, 1.0)


def cluster_power_watts(
    n_accelerators: ArrayLike,
    board_watts: ArrayLike,
    server_overhead_frac: ArrayLike = DEFAULT_SERVER_OVERHEAD_FRAC,
    pue: ArrayLike = DEFAULT_PUE,
    frac_of_max_power: ArrayLike = 1.0,
) -> FloatOrArray:
    """Facility power of a cluster: accelerators, their servers, and the building's overhead.

    .. math::

        P_\\text{IT} = n \\, W_\\text{board} \\, (1 + f_\\text{server}) \\, f_\\text{draw},
        \\qquad P_\\text{facility} = \\text{PUE} \\cdot P_\\text{IT}

    With the default ``frac_of_max_power = 1`` this is the power *capacity* the site
    must provide; pass :data:`DEFAULT_FRAC_OF_MAX_POWER` (0.75) for the average draw
    during training.

    Parameters
    ----------
    n_accelerators : array_like
        Number of accelerators, >= 1.
    board_watts : array_like
        Maximum board power (TDP) of one accelerator, W, > 0.
    server_overhead_frac : array_like
        Server power beyond the accelerators (CPUs, memory, network, storage) as a
        fraction of board power, >= 0; default :data:`DEFAULT_SERVER_OVERHEAD_FRAC` (0.82).
    pue : array_like
        Power usage effectiveness, >= 1; default :data:`DEFAULT_PUE` (1.1).
    frac_of_max_power : array_like
        Average draw as a fraction of maximum, in (0, 1]; default 1 (capacity).

    Returns
    -------
    float or numpy.ndarray
        Facility power, W.

    References
    ----------
    Cottier et al. 2024, "The rising costs of training frontier AI models",
    arXiv:2405.21015, Section 2 (energy: chip TDP x server/chip ratio x average
    fraction x PUE); code: epoch-research/training-cost-trends, ``energy.py``.
    NVIDIA DGX H100 datasheet (10.2 kW max for 8 GPUs).

    Examples
    --------
    >>> round(cluster_power_watts(16_384, 700.0) / 1e6, 1)  # Llama 3's 16k H100s, MW
    23.0
    """
    n = _n_accelerators(n_accelerators)
    W = positive("board_watts", board_watts, "W")
    f = _frac_overhead(server_overhead_frac)
    u = _pue(pue)
    d = _frac_power(frac_of_max_power)
    n, W, f, u, d = broadcast({"n_accelerators": n, "board_watts": W, "server_overhead_frac": f, "pue": u,
                               "frac_of_max_power": d})
    with np.errstate(over="ignore"):
        P = n * W * (1.0 + f) * d * u
    return _finite("cluster power", P, "n_accelerators, board_watts, server_overhead_frac, pue")


def energy_mwh(power_watts: ArrayLike, hours: ArrayLike) -> FloatOrArray:
    """Energy used by a load of ``power_watts`` running for ``hours``, MWh.

    .. math:: E = P \\cdot t / 10^6

    Parameters
    ----------
    power_watts : array_like
        Average (facility) power, W, >= 0.
    hours : array_like
        Duration, hours, >= 0 (e.g. ``24 * wall_clock_days``).

    Returns
    -------
    float or numpy.ndarray
        Energy, MWh.

    References
    ----------
    Definition (1 MWh = 10^6 Wh); used as in Cottier et al. 2024, arXiv:2405.21015, Section 2.

    Examples
    --------
    >>> energy_mwh(1e6, 24.0)
    24.0
    """
    P = non_negative("power_watts", power_watts, "W")
    t = non_negative("hours", hours, "hours")
    P, t = broadcast({"power_watts": P, "hours": t})
    with np.errstate(over="ignore"):
        E = P * t / 1e6
    return _finite("energy", E, "power_watts, hours")


def electricity_cost_usd(
    energy_mwh: ArrayLike,
    usd_per_mwh: ArrayLike = DEFAULT_USD_PER_MWH,
) -> FloatOrArray:
    """Electricity bill for ``energy_mwh`` at ``usd_per_mwh``.

    Parameters
    ----------
    energy_mwh : array_like
        Energy, MWh, >= 0.
    usd_per_mwh : array_like
        Electricity price, USD/MWh, >= 0; default :data:`DEFAULT_USD_PER_MWH`
        (80.6, US industrial average, 2023 dollars).

    Returns
    -------
    float or numpy.ndarray
        USD (in the price's dollar year).

    References
    ----------
    EIA Electric Power Monthly, Table 5.6.A, via Cottier et al. 2024,
    arXiv:2405.21015 (training-cost-trends, ``energy.py``).

    Examples
    --------
    >>> electricity_cost_usd(1000.0, 80.0)
    80000.0
    """
    E = non_negative("energy_mwh", energy_mwh, "MWh")
    p = non_negative("usd_per_mwh", usd_per_mwh, "USD/MWh")
    E, p = broadcast({"energy_mwh": E, "usd_per_mwh": p})
    with np.errstate(over="ignore"):
        usd = E * p
    return _finite("electricity cost", usd, "energy_mwh, usd_per_mwh")


def emissions_t_co2e(
    energy_mwh: ArrayLike,
    kg_co2e_per_mwh: ArrayLike = DEFAULT_KG_CO2E_PER_MWH,
) -> FloatOrArray:
    """Emissions of ``energy_mwh`` drawn from a grid of intensity ``kg_co2e_per_mwh``, tonnes.

    Parameters
    ----------
    energy_mwh : array_like
        Energy, MWh, >= 0.
    kg_co2e_per_mwh : array_like
        Grid carbon intensity, kg CO2e/MWh, >= 0; default
        :data:`DEFAULT_KG_CO2E_PER_MWH` (366, US average 2023, CO2 only).

    Returns
    -------
    float or numpy.ndarray
        Tonnes CO2e (location-based; ignores renewable-energy purchases).

    References
    ----------
    EIA FAQ "How much carbon dioxide is produced per kilowatthour of U.S.
    electricity generation?" (2023: 0.81 lb CO2/kWh).

    Examples
    --------
    >>> emissions_t_co2e(1000.0, 400.0)
    400.0
    """
    E = non_negative("energy_mwh", energy_mwh, "MWh")
    k = non_negative("kg_co2e_per_mwh", kg_co2e_per_mwh, "kg CO2e/MWh")
    E, k = broadcast({"energy_mwh": E, "kg_co2e_per_mwh": k})
    with np.errstate(over="ignore"):
        t = E * k / 1000.0
    return _finite("emissions", t, "energy_mwh, kg_co2e_per_mwh")


#: The domain of each numeric field of a :class:`TrainingRun` (and of the keywords of
#: :func:`estimate_training_run`): (lowest, highest, lowest excluded, unit).
_RUN_DOMAINS: dict[str, Domain] = {
    "training_flop": (0.0, INF, False, "FLOP"),
    "peak_flop_per_s": (0.0, INF, True, "FLOP/s"),
    "board_watts": (0.0, INF, True, "W"),
    "n_accelerators": (1.0, INF, False, ""),
    "mfu": (0.0, 1.0, True, ""),
    "pue": (1.0, INF, False, ""),
    "server_overhead_frac": (0.0, INF, False, "(fraction of board power)"),
    "frac_of_max_power": (0.0, 1.0, True, ""),
    "usd_per_mwh": (0.0, INF, False, "USD/MWh"),
    "kg_co2e_per_mwh": (0.0, INF, False, "kg CO2e/MWh"),
}


def _run_scalar(name: str, value: Any) -> float:
    return in_domain(_RUN_DOMAINS, name, value)


def _run_array(name: str, value: Any) -> np.ndarray:
    return in_domain(_RUN_DOMAINS, name, value, vectorised=True)


@dataclass(frozen=True)
class TrainingRun:
    """A training run: how much compute, on what, how many, how well used, where.

    Every numeric field is one number (the record stores the validated float); use
    :func:`dataclasses.replace` for what-ifs and :meth:`from_params_tokens` to start
    from model size and data. For curves over any field, pass arrays to
    :func:`estimate_training_run` as keywords.

    Attributes
    ----------
    training_flop : float
        Training compute C, FLOP (count), >= 0.
    peak_flop_per_s : float
        Dense peak of one accelerator, FLOP/s, > 0 (e.g. ``H100_SXM.peak_flop_per_s``).
    board_watts : float
        Accelerator board power (TDP), W, > 0 (e.g. ``H100_SXM.board_watts``).
    n_accelerators : float
        Accelerators running in parallel, >= 1.
    mfu : float
        Model FLOPs utilisation in (0, 1]; default :data:`DEFAULT_MFU` (0.4).
    pue : float
        >= 1; default :data:`DEFAULT_PUE` (1.1).
    server_overhead_frac : float
        >= 0; default :data:`DEFAULT_SERVER_OVERHEAD_FRAC` (0.82).
    frac_of_max_power : float
        Average draw / maximum, in (0, 1]; default :data:`DEFAULT_FRAC_OF_MAX_POWER` (0.75).
    usd_per_mwh : float
        >= 0; default :data:`DEFAULT_USD_PER_MWH` (80.6).
    kg_co2e_per_mwh : float
        >= 0; default :data:`DEFAULT_KG_CO2E_PER_MWH` (366).
    price_year : int
        Dollar year of ``usd_per_mwh``, a calendar year in 1950-2100; default 2023.
    source : str
        Where the run's figures come from (free text; "" for a what-if).

    References
    ----------
    Cottier et al. 2024, arXiv:2405.21015, Section 2 (the same chain: chip-hours
    from FLOP, peak and utilisation; energy from TDP, server overhead, PUE).
    """

    training_flop: float
    peak_flop_per_s: float
    board_watts: float
    n_accelerators: float
    mfu: float = DEFAULT_MFU
    pue: float = DEFAULT_PUE
    server_overhead_frac: float = DEFAULT_SERVER_OVERHEAD_FRAC
    frac_of_max_power: float = DEFAULT_FRAC_OF_MAX_POWER
    usd_per_mwh: float = DEFAULT_USD_PER_MWH
    kg_co2e_per_mwh: float = DEFAULT_KG_CO2E_PER_MWH
    price_year: int = DEFAULT_ELECTRICITY_PRICE_YEAR
    source: str = field(default="")

    def __post_init__(self) -> None:
        for name in _RUN_DOMAINS:
            object.__setattr__(self, name, _run_scalar(name, getattr(self, name)))
        object.__setattr__(self, "price_year", integer("price_year", self.price_year, *YEAR_RANGE))
        object.__setattr__(self, "source", text("source", self.source, allow_empty=True))

    @classmethod
    def from_params_tokens(cls, n_params: float, n_tokens: float, **kwargs: Any) -> TrainingRun:
        """A run of a dense transformer with ``n_params`` parameters on ``n_tokens`` tokens (C = 6·N·D).

        ``kwargs`` are the other fields (``peak_flop_per_s``, ``board_watts``,
        ``n_accelerators``, ...).

        References
        ----------
        Kaplan et al. 2020, arXiv:2001.08361, Section 2.1, via
        :func:`compute_econ.scaling.training_flop`.
        """
        from compute_econ.scaling import training_flop

        N = scalar("n_params", n_params, 0.0, low_open=True)
        D = scalar("n_tokens", n_tokens, 0.0, low_open=True)
        return cls(training_flop=float(training_flop(N, D)), **kwargs)

    def __str__(self) -> str:
        return (
            f"TrainingRun({self.training_flop:g} FLOP on {self.n_accelerators:g} "
            f"accelerators of {self.peak_flop_per_s:g} FLOP/s, MFU {self.mfu:g})"
        )


@dataclass(frozen=True, eq=False)
class TrainingRunEstimate(ArrayRecord):
    """What a :class:`TrainingRun` takes: time, power, energy, electricity, emissions (a result record).

    Attributes
    ----------
    accelerator_hours : float or numpy.ndarray
        Accelerator-hours (e.g. GPU-hours).
    wall_clock_days : float or numpy.ndarray
        Calendar days with all accelerators running.
    power_mw : float or numpy.ndarray
        Average facility power during the run, MW (at ``frac_of_max_power``).
    energy_mwh : float or numpy.ndarray
        Facility energy, MWh.
    electricity_usd : float or numpy.ndarray
        Electricity cost, USD of ``price_year``.
    t_co2e : float or numpy.ndarray
        Emissions, tonnes CO2e (location-based).
    price_year : int
        Dollar year of ``electricity_usd``.
    """

    accelerator_hours: FloatOrArray
    wall_clock_days: FloatOrArray
    power_mw: FloatOrArray
    energy_mwh: FloatOrArray
    electricity_usd: FloatOrArray
    t_co2e: FloatOrArray
    price_year: int


#: Fields of a :class:`TrainingRun` without a default: an estimate needs them.
_RUN_REQUIRED = tuple(f.name for f in fields(TrainingRun) if f.default is MISSING)
_RUN_FIELDS = tuple(f.name for f in fields(TrainingRun))


def _run_inputs(run: TrainingRun | None, kwargs: dict[str, Any]) -> tuple[dict[str, np.ndarray], int]:
    """The run's numeric fields as validated float arrays, and its price year."""
    if run is not None:
        if kwargs:
            raise ValueError(f"pass either a TrainingRun or its fields, not both (got run and {sorted(kwargs)})")
        run = instance("run", run, TrainingRun)
        return {name: np.asarray(getattr(run, name), dtype=float) for name in _RUN_DOMAINS}, run.price_year
    if not kwargs:
        raise ValueError(f"run must be a TrainingRun, or pass its fields as keywords ({', '.join(_RUN_REQUIRED)}, ...)")
    unknown = sorted(set(kwargs) - set(_RUN_FIELDS))
    if unknown:
        raise ValueError(f"{', '.join(unknown)}: not a field of a TrainingRun (its fields: {', '.join(_RUN_FIELDS)})")
    missing = [name for name in _RUN_REQUIRED if name not in kwargs]
    if missing:
        raise ValueError(f"{', '.join(missing)} required: a run needs {', '.join(_RUN_REQUIRED)}")
    defaults = {f.name: f.default for f in fields(TrainingRun)}
    values = {name: _run_array(name, kwargs.get(name, defaults[name])) for name in _RUN_DOMAINS}
    values = dict(zip(values, broadcast(values), strict=True))
    text("source", kwargs.get("source", ""), allow_empty=True)
    return values, integer("price_year", kwargs.get("price_year", DEFAULT_ELECTRICITY_PRICE_YEAR), *YEAR_RANGE)


def estimate_training_run(run: TrainingRun | None = None, **kwargs: Any) -> TrainingRunEstimate:
    """From FLOP to time, power, energy, money and emissions for one run (vectorised).

    .. math::

        H = \\frac{C}{3600\\,P_\\text{peak}\\,\\text{MFU}}, \\quad
        T = H / n, \\quad
        E = \\frac{H\\,W_\\text{board}\\,(1+f_\\text{server})\\,f_\\text{draw}\\,\\text{PUE}}{10^6}

    Energy is computed per accelerator-hour, so it equals facility power x
    wall-clock hours. The same formulas as :func:`accelerator_hours`,
    :func:`cluster_power_watts`, :func:`energy_mwh`, :func:`electricity_cost_usd` and
    :func:`emissions_t_co2e`.

    Parameters
    ----------
    run : TrainingRun, optional
        The run; or pass the :class:`TrainingRun` fields as keyword arguments, where
        any numeric field may be an array (the estimate broadcasts them).

    Returns
    -------
    TrainingRunEstimate
        Every field broadcast over the array inputs.

    Raises
    ------
    ValueError
        For a field outside its domain (named), or an estimate too large for a float.

    References
    ----------
    Cottier et al. 2024, arXiv:2405.21015, Section 2 (chip-hours and energy);
    Llama Team 2024, arXiv:2407.21783, Table 4 (MFU on H100s).

    Examples
    --------
    >>> from compute_econ.hardware import H100_SXM
    >>> est = estimate_training_run(training_flop=3.8e25, peak_flop_per_s=H100_SXM.peak_flop_per_s,
    ...                             board_watts=H100_SXM.board_watts, n_accelerators=16_384)
    >>> round(est.wall_clock_days), round(est.power_mw, 1)
    (68, 17.2)
    """
    v, price_year = _run_inputs(run, kwargs)
    with np.errstate(over="ignore", divide="ignore", under="ignore"):
        H = v["training_flop"] / (v["peak_flop_per_s"] * v["mfu"]) / SECONDS_PER_HOUR
        days = H / v["n_accelerators"] / 24.0
        per_acc_w = v["board_watts"] * (1.0 + v["server_overhead_frac"]) * v["frac_of_max_power"] * v["pue"]
        power_w = v["n_accelerators"] * per_acc_w
        E = per_acc_w * H / 1e6
        usd = E * v["usd_per_mwh"]
        t = E * v["kg_co2e_per_mwh"] / 1000.0
    out = {"accelerator_hours": H, "wall_clock_days": days, "power_mw": power_w / 1e6, "energy_mwh": E,
           "electricity_usd": usd, "t_co2e": t}
    shape = np.broadcast_shapes(*(np.shape(x) for x in out.values()))
    inputs = "run (" + ", ".join(_RUN_DOMAINS) + ")"
    return TrainingRunEstimate(
        **{k: scalar_or_array(finite_result(f"the run's {k}", np.broadcast_to(x, shape).copy(), inputs))
           for k, x in out.items()},
        price_year=price_year,
    )
