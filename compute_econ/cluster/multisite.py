"""Training across several data centres: gradient synchronisation over a wide-area link, and when to split.

A run split over ``n`` sites keeps each site's replica(s) in step as in
:mod:`~compute_econ.cluster.parallelism`, then averages gradients **across** sites over a
wide-area network (WAN). This module prices that cross-site part, per training step:

* :func:`wan_allreduce_time_s` - one synchronisation across sites: a ring all-reduce over the
  ``n`` sites of the site-level gradient (``N x 2`` bytes for 16-bit gradients), each site's
  share of the ring running over the site's WAN bandwidth, with half the round trip per ring step.
  It is the middle stage of a *hierarchical* all-reduce (reduce-scatter inside each site, all-reduce
  across sites, all-gather inside each site; Horovod's hierarchical allreduce, "NCCLReduceScatter -
  MPIAllreduce - NCCLAllgather"); the two in-site stages are the data-parallel all-reduce that
  :func:`~compute_econ.cluster.parallelism.step_time` already counts.
* :func:`sites_needed` and :func:`accelerators_per_site` - when one site's power ceiling makes
  splitting necessary: how many accelerators a site of given megawatts holds (reusing
  :func:`compute_econ.supply.max_accelerators_for_power`), hence how many sites a target cluster needs.
* :class:`MultiSiteRun`, :func:`multisite_step` and :class:`MultiSiteStep` - a whole step: the
  site's own step (compute and in-site communication), the cross-site synchronisation that is left
  exposed, the efficiency when synchronising every step and every ``H`` steps (low-communication
  training such as DiLoCo), and the power each site needs.

Low-communication training. DiLoCo (Douillard et al. 2023, arXiv:2311.08105) lets each site take
``H`` optimiser steps on its own ("inner steps") and then averages the change in parameters (the
"outer gradient", the same size as a gradient) across sites. Its bytes over the WAN are therefore
exactly ``1/H`` of synchronising every step; this module models that saving exactly. What it costs
in model quality is *not* modelled: the paper's abstract reports that "DiLoCo on 8 workers performs
as well as fully synchronous optimization while communicating 500 times less" (on C4), so the kit
carries a quality cost only as an input the learner states (``MultiSiteRun.loss_gap_nats``, default
0, as that abstract reports), returned unchanged and labelled as an assumption.

Real runs. Gemini 1.0 (Gemini Team 2023, arXiv:2312.11805, Section 3): "Training Gemini Ultra used a
large fleet of TPUv4 accelerators across multiple data centers", combining "SuperPods in multiple
data centers using Google's intra-cluster and inter-cluster network"; "Google's network latencies and
bandwidths are sufficient to support the commonly used synchronous training paradigm, exploiting
model parallelism within superpods and data-parallelism across superpods" - synchronising every step,
the ``H = 1`` case here. Epoch AI discusses splitting "one massive run into ten more manageable
gigawatt-scale blocks" to sidestep securing 10 GW in one place (Epoch AI, Gradient Updates, "How far
can decentralized training over the internet scale?"); the kit reproduces no number from that post.

Units: bytes, bytes per second (a site's WAN bandwidth, per direction), seconds, watts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from compute_econ._records import ArrayRecord
from compute_econ._validate import (
    FloatOrArray,
    array,
    broadcast,
    finite_result,
    instance,
    scalar,
    scalar_or_array,
)
from compute_econ.cluster.parallelism import (
    DEFAULT_GRADIENT_BYTES_PER_PARAM,
    MAX_ACCELERATORS,
    ring_allreduce_time_s,
)
from compute_econ.hardware import H100_SXM, Accelerator
from compute_econ.scaling import training_flop
from compute_econ.supply.ceiling import all_in_watts_per_accelerator, max_accelerators_for_power
from compute_econ.training import DEFAULT_PUE, DEFAULT_SERVER_OVERHEAD_FRAC

__all__ = [
    "DILOCO_INNER_STEPS",
    "DILOCO_N_WORKERS",
    "DILOCO_COMMUNICATION_REDUCTION",
    "LLAMA3_405B_STEP_S",
    "MAX_SITES",
    "MAX_SYNC_EVERY_STEPS",
    "wan_allreduce_time_s",
    "communication_reduction",
    "accelerators_per_site",
    "sites_needed",
    "MultiSiteRun",
    "MultiSiteStep",
    "multisite_step",
]

#: DiLoCo's headline reduction in communication: "communicating 500 times less" than fully
#: synchronous training (Douillard et al. 2023, arXiv:2311.08105, abstract).
DILOCO_COMMUNICATION_REDUCTION = 500
#: Inner steps between synchronisations, ``H``, behind that figure: synchronising once every ``H``
#: steps sends ``1/H`` of the bytes, so a 500-fold reduction is ``H = 500``. (Derived from the
#: abstract's factor; the kit has not checked the paper's body for the value quoted there.)
DILOCO_INNER_STEPS = DILOCO_COMMUNICATION_REDUCTION
#: Workers (sites) in DiLoCo's headline result: "DiLoCo on 8 workers" (same abstract).
DILOCO_N_WORKERS = 8
#: One site's own step (compute and in-site communication), s, for a stated layout: Llama 3 405B's training
#: step on 16,384 H100s, from its published throughput (Dubey et al. 2024, arXiv:2407.21783, Table 4: TP 8,
#: PP 16, DP 128, 16M tokens per batch, i.e. 2,048 sequences of 8,192 tokens, at 400 TFLOPs per GPU, 41% BF16
#: MFU): 6 x 405e9 x 2,048 x 8,192 FLOP / (16,384 x 400e12 FLOP/s) = 6.22 s. Derived with the 6N FLOP per token
#: of :func:`compute_econ.scaling.training_flop`; the paper prints the throughput, not the step time.
LLAMA3_405B_STEP_S = float(training_flop(405e9, 2048 * 8192)) / (16_384 * 400e12)
#: The most sites the model takes.
MAX_SITES = 1000
#: The longest interval between synchronisations the model takes, in steps.
MAX_SYNC_EVERY_STEPS = 1_000_000

_WAN_RANGE = (1e6, 1e15)  # bytes/s per site: 8 Mb/s to 8 Pb/s
_MAX_RTT_S = 1.0  # any fibre path on Earth is well under this
_MAX_STEP_S = 1e6


def _whole(name: str, value: ArrayLike, low: float, high: float) -> np.ndarray:
    arr = array(name, value, low, high)
    if not np.array_equal(arr, np.floor(arr)):
        bad = arr[arr != np.floor(arr)].flat[0] if arr.ndim else float(arr)
        raise ValueError(f"{name} must be whole numbers in [{low:g}, {high:g}], got {bad!r}")
    return arr


def wan_allreduce_time_s(n_params: ArrayLike, n_sites: ArrayLike, wan_bytes_per_s: ArrayLike,
                         wan_rtt_s: ArrayLike = 0.0,
                         gradient_bytes_per_param: float = DEFAULT_GRADIENT_BYTES_PER_PARAM) -> FloatOrArray:
    """Time to average the gradient across ``n_sites`` data centres over the WAN, seconds.

    .. math::

        t = \\frac{2(n-1)}{n}\\,\\frac{N g}{B_\\text{WAN}} + 2(n-1)\\,\\frac{\\text{RTT}}{2}

    The cross-site stage of a hierarchical all-reduce: after a reduce-scatter inside each site,
    the site's accelerators each hold a slice of the site's summed gradient (``N g`` bytes in all)
    and all-reduce their slice over a ring of the ``n`` sites, all slices at once; together they
    send ``2(n-1)/n`` of ``N g`` bytes out of each site, through its WAN link of ``B_WAN`` bytes/s,
    in ``2(n-1)`` ring steps each waiting one one-way delay (half the round trip). This is
    :func:`~compute_econ.cluster.parallelism.ring_allreduce_time_s` with the sites as ranks. One
    site needs no WAN (0 s).

    Parameters
    ----------
    n_params : array_like
        ``N``, parameters whose gradients are averaged, in [1e6, 1e14].
    n_sites : array_like
        Sites in the ring, whole numbers in [1, :data:`MAX_SITES`].
    wan_bytes_per_s : array_like
        WAN bandwidth out of each site (per direction), bytes/s, in [1e6, 1e15] (100 Gb/s = 12.5e9).
    wan_rtt_s : array_like
        Round-trip time between neighbouring sites, s, in [0, 1]; light in fibre (about 200,000 km/s, a
        refractive index near 1.5) takes about 0.5 ms per 100 km each way, 1 ms per 100 km there and back.
    gradient_bytes_per_param : float
        ``g``, bytes per gradient element, in (0, 8]; default 2 (16-bit).

    Returns
    -------
    float or numpy.ndarray
        Seconds (arrays broadcast).

    References
    ----------
    Patarasuk & Yuan 2009 (ring all-reduce; via :func:`ring_allreduce_time_s`); Horovod, hierarchical
    allreduce (pull request #411: "NCCLReduceScatter - MPIAllreduce - NCCLAllgather pattern to
    parallelize inter-node reduction"); Gemini Team 2023, arXiv:2312.11805, Section 3
    (data-parallelism across superpods in several data centres).

    Examples
    --------
    A 70B model's BF16 gradient (140 GB) averaged over two sites joined by 1 Tb/s with a 10 ms round trip:

    >>> round(wan_allreduce_time_s(70e9, 2, 125e9, 0.010), 2)
    1.13
    """
    N = array("n_params", n_params, 1e6, 1e14)
    n = _whole("n_sites", n_sites, 1, MAX_SITES)
    B = array("wan_bytes_per_s", wan_bytes_per_s, *_WAN_RANGE, unit="bytes/s")
    rtt = array("wan_rtt_s", wan_rtt_s, 0.0, _MAX_RTT_S, unit="s")
    g = scalar("gradient_bytes_per_param", gradient_bytes_per_param, 0.0, 8.0, low_open=True, unit="bytes")
    N, n, B, rtt = broadcast({"n_params": N, "n_sites": n, "wan_bytes_per_s": B, "wan_rtt_s": rtt})
    return ring_allreduce_time_s(N * g, n, B, rtt / 2.0)


def communication_reduction(sync_every_steps: ArrayLike) -> FloatOrArray:
    """Factor by which synchronising every ``H`` steps cuts the bytes sent across sites: exactly ``H``.

    Each synchronisation of a low-communication method such as DiLoCo all-reduces one
    parameter-sized array (the outer gradient, the change in parameters since the last one), as a
    synchronous step all-reduces one gradient; once every ``H`` steps instead of every step is
    ``H`` times fewer bytes and ``H`` times fewer round trips.

    Parameters
    ----------
    sync_every_steps : array_like
        ``H``, whole numbers in [1, :data:`MAX_SYNC_EVERY_STEPS`].

    References
    ----------
    Douillard et al. 2023, arXiv:2311.08105, abstract ("communicating 500 times less").

    Examples
    --------
    >>> communication_reduction(DILOCO_INNER_STEPS)
    500.0
    """
    return scalar_or_array(_whole("sync_every_steps", sync_every_steps, 1, MAX_SYNC_EVERY_STEPS))


def accelerators_per_site(site_power_watts: ArrayLike, accelerator: Accelerator = H100_SXM,
                          server_overhead_frac: float = DEFAULT_SERVER_OVERHEAD_FRAC,
                          pue: float = DEFAULT_PUE) -> FloatOrArray:
    """Accelerators one site can run at full load under its power ceiling (a whole number, >= 0).

    ``floor(P_site / (W_board (1 + f_server) PUE))``, via
    :func:`compute_econ.supply.max_accelerators_for_power`.

    Parameters
    ----------
    site_power_watts : array_like
        The site's power capacity, W, in [0, 1e11] (1 GW = 1e9 W).
    accelerator : Accelerator
        Catalogue row with a published board power; default the H100 SXM (700 W).
    server_overhead_frac : float
        Server power beyond the accelerator, fraction of board power, in [0, 10]; default 0.82 (DGX H100).
    pue : float
        Power usage effectiveness, in [1, 3]; default 1.1.

    References
    ----------
    Sevilla et al. 2024, "Can AI scaling continue through 2030?", Epoch AI, section Power
    constraints; Cottier et al. 2024, arXiv:2405.21015, Section 2 (via the supply functions).

    Examples
    --------
    >>> accelerators_per_site(100e6)  # a 100 MW site of H100s
    71301.0
    """
    P = array("site_power_watts", site_power_watts, 0.0, 1e11, unit="W")
    acc = instance("accelerator", accelerator, Accelerator)
    f = scalar("server_overhead_frac", server_overhead_frac, 0.0, 10.0)
    u = scalar("pue", pue, 1.0, 3.0)
    return max_accelerators_for_power(P, acc, f, u)


def sites_needed(n_accelerators: ArrayLike, site_power_watts: ArrayLike, accelerator: Accelerator = H100_SXM,
                 server_overhead_frac: float = DEFAULT_SERVER_OVERHEAD_FRAC,
                 pue: float = DEFAULT_PUE) -> FloatOrArray:
    """Sites a cluster of ``n_accelerators`` needs when no site can draw more than ``site_power_watts``.

    ``ceil(n / accelerators_per_site)``: 1 means the cluster fits in one site; more means the power
    ceiling forces the run to be split (or the cluster to shrink).

    Parameters
    ----------
    n_accelerators : array_like
        Accelerators in the cluster, whole numbers in [1, :data:`MAX_ACCELERATORS`].
    site_power_watts : array_like
        Power capacity of each site, W, in (0, 1e11]; it must hold at least one accelerator.
    accelerator, server_overhead_frac, pue
        As in :func:`accelerators_per_site`.

    References
    ----------
    As :func:`accelerators_per_site`.

    Examples
    --------
    200,000 H100s (Colossus after its doubling) under a 100 MW and a 300 MW ceiling per site:

    >>> sites_needed(200_000, [100e6, 300e6])
    array([3., 1.])
    """
    n = _whole("n_accelerators", n_accelerators, 1, MAX_ACCELERATORS)
    per_site = np.asarray(accelerators_per_site(site_power_watts, accelerator, server_overhead_frac, pue))
    if np.any(per_site < 1):
        watts = float(np.asarray(site_power_watts, dtype=float)[per_site < 1].flat[0]) if per_site.ndim \
            else float(site_power_watts)  # type: ignore[arg-type]
        need = float(all_in_watts_per_accelerator(instance("accelerator", accelerator, Accelerator),
                                                  server_overhead_frac, pue))
        raise ValueError(f"site_power_watts must hold at least one accelerator ({need:,.0f} W all-in), "
                         f"got {watts!r}")
    n, per_site = broadcast({"n_accelerators": n, "site_power_watts": per_site})
    return scalar_or_array(np.ceil(n / per_site))


@dataclass(frozen=True)
class MultiSiteRun:
    """What stays fixed while a learner varies the sites, the link and the sync interval.

    Attributes
    ----------
    n_params : float
        ``N``, parameters (each synchronisation moves ``N x g`` bytes per site), in [1e6, 1e14].
    n_accelerators : int
        Accelerators in the whole run, split evenly over the sites, in [1, :data:`MAX_ACCELERATORS`].
    wan_rtt_s : float
        Round trip between neighbouring sites, s, in [0, 1].
    accelerator : Accelerator
        Catalogue row with a board power; default the H100 SXM.
    gradient_bytes_per_param : float
        ``g``, bytes per gradient (or outer-gradient) element sent across sites, in (0, 8]; default 2.
    frac_sync_overlapped : float
        Share of the cross-site synchronisation hidden behind computation, in [0, 1]; default 0
        (the step waits for it, as in plain synchronous training and in the original DiLoCo).
    server_overhead_frac : float
        Server power beyond the accelerator, fraction of board power, in [0, 10]; default 0.82.
    pue : float
        Power usage effectiveness, in [1, 3]; default 1.1.
    loss_gap_nats : float
        **Assumption, not modelled**: the final-loss penalty (nats) the learner attributes to
        synchronising every ``H > 1`` steps, in [0, 10]; returned unchanged. Default 0: DiLoCo's
        abstract reports that on 8 workers it "performs as well as fully synchronous optimization"
        while communicating 500 times less (Douillard et al. 2023, arXiv:2311.08105). Other worker
        counts, intervals and model sizes can cost more; state your own source.

    References
    ----------
    Douillard et al. 2023, arXiv:2311.08105; Cottier et al. 2024, arXiv:2405.21015, Section 2 (power).
    """

    n_params: float
    n_accelerators: int
    wan_rtt_s: float = 0.0
    accelerator: Accelerator = H100_SXM
    gradient_bytes_per_param: float = DEFAULT_GRADIENT_BYTES_PER_PARAM
    frac_sync_overlapped: float = 0.0
    server_overhead_frac: float = DEFAULT_SERVER_OVERHEAD_FRAC
    pue: float = DEFAULT_PUE
    loss_gap_nats: float = 0.0

    def __post_init__(self) -> None:
        store = object.__setattr__
        store(self, "n_params", scalar("n_params", self.n_params, 1e6, 1e14))
        n = scalar("n_accelerators", self.n_accelerators, 1, MAX_ACCELERATORS)
        if not float(n).is_integer():
            raise ValueError(f"n_accelerators must be a whole number in [1, {MAX_ACCELERATORS}], got {n!r}")
        store(self, "n_accelerators", int(n))
        store(self, "wan_rtt_s", scalar("wan_rtt_s", self.wan_rtt_s, 0.0, _MAX_RTT_S, unit="s"))
        store(self, "accelerator", instance("accelerator", self.accelerator, Accelerator))
        if self.accelerator.board_watts is None:
            raise ValueError(f"accelerator {self.accelerator.name!r} has no published board_watts; "
                             "pass an accelerator with one")
        store(self, "gradient_bytes_per_param",
              scalar("gradient_bytes_per_param", self.gradient_bytes_per_param, 0.0, 8.0, low_open=True,
                     unit="bytes"))
        store(self, "frac_sync_overlapped", scalar("frac_sync_overlapped", self.frac_sync_overlapped, 0.0, 1.0))
        store(self, "server_overhead_frac", scalar("server_overhead_frac", self.server_overhead_frac, 0.0, 10.0))
        store(self, "pue", scalar("pue", self.pue, 1.0, 3.0))
        store(self, "loss_gap_nats", scalar("loss_gap_nats", self.loss_gap_nats, 0.0, 10.0, unit="nats"))


@dataclass(frozen=True, eq=False)
class MultiSiteStep(ArrayRecord):
    """One training step of a run split over sites (returned by :func:`multisite_step`).

    Times are seconds of wall clock per (inner) optimiser step.

    Attributes
    ----------
    n_sites, sync_every_steps : float or numpy.ndarray
        As given (broadcast).
    accelerators_per_site : float or numpy.ndarray
        ``ceil(n_accelerators / n_sites)``.
    site_power_watts : float or numpy.ndarray
        Facility power capacity each site needs for its accelerators, W.
    site_step_s : float or numpy.ndarray
        The site's own step (compute and in-site communication), as given.
    wan_allreduce_s : float or numpy.ndarray
        One synchronisation across sites (:func:`wan_allreduce_time_s`).
    sync_exposed_per_step_s : float or numpy.ndarray
        ``(1 - overlap) x wan_allreduce_s / H``: the cross-site time each step waits for, on average.
    step_s : float or numpy.ndarray
        ``site_step_s + sync_exposed_per_step_s``.
    efficiency : float or numpy.ndarray
        ``site_step_s / step_s``: the share of the sites' speed kept, synchronising every ``H`` steps.
    efficiency_every_step : float or numpy.ndarray
        The same with ``H = 1`` (fully synchronous training), for comparison.
    communication_reduction : float or numpy.ndarray
        ``H``: how many times fewer bytes cross the WAN than with ``H = 1``.
    wan_bytes_per_site_per_step : float or numpy.ndarray
        ``2(n-1)/n x N g / H``: bytes each site sends over the WAN per step, on average.
    loss_gap_nats : float
        The run's stated quality assumption, unchanged (0 for ``H = 1``).
    """

    n_sites: FloatOrArray
    sync_every_steps: FloatOrArray
    accelerators_per_site: FloatOrArray
    site_power_watts: FloatOrArray
    site_step_s: FloatOrArray
    wan_allreduce_s: FloatOrArray
    sync_exposed_per_step_s: FloatOrArray
    step_s: FloatOrArray
    efficiency: FloatOrArray
    efficiency_every_step: FloatOrArray
    communication_reduction: FloatOrArray
    wan_bytes_per_site_per_step: FloatOrArray
    loss_gap_nats: FloatOrArray


def multisite_step(run: MultiSiteRun, site_step_s: ArrayLike, n_sites: ArrayLike, wan_bytes_per_s: ArrayLike,
                   sync_every_steps: ArrayLike = 1) -> MultiSiteStep:
    """A training step of a run split over ``n`` sites: the site's step, the exposed WAN sync, efficiency and power.

    .. math::

        T = T_\\text{site} + (1-f)\\,\\frac{\\text{AR}_\\text{WAN}}{H}, \\qquad
        \\text{efficiency} = \\frac{T_\\text{site}}{T}

    with ``AR_WAN`` from :func:`wan_allreduce_time_s`. ``T_site`` is the step one site takes on
    its own (e.g. ``step_time(...).step_s`` for the site's layout, whose data-parallel all-reduce
    is the in-site part of the hierarchical all-reduce); the accelerators are split evenly, so each
    site needs :func:`compute_econ.training.cluster_power_watts` for ``ceil(n_accelerators / n)``.
    ``H = 1`` is synchronous training (as for Gemini Ultra); ``H > 1`` is low-communication training
    such as DiLoCo, whose quality cost is the run's stated ``loss_gap_nats``, not a model output.

    Not modelled: stragglers between sites, sites of unequal size, compression of what is sent,
    streaming or overlapped variants beyond the ``frac_sync_overlapped`` share.

    Parameters
    ----------
    run : MultiSiteRun
    site_step_s : array_like
        One site's step time, s, in (0, 1e6].
    n_sites : array_like
        Whole numbers in [1, :data:`MAX_SITES`], at most ``run.n_accelerators``.
    wan_bytes_per_s : array_like
        WAN bandwidth out of each site, bytes/s, in [1e6, 1e15].
    sync_every_steps : array_like
        ``H``, whole numbers in [1, :data:`MAX_SYNC_EVERY_STEPS`]; default 1.

    Returns
    -------
    MultiSiteStep

    References
    ----------
    Douillard et al. 2023, arXiv:2311.08105 (DiLoCo: synchronise every H inner steps);
    Gemini Team 2023, arXiv:2312.11805, Section 3; Cottier et al. 2024, arXiv:2405.21015, Section 2.

    Examples
    --------
    16,384 H100s and a 70B model whose site step takes 10 s, split over 2 sites joined by 400 Gb/s
    with a 20 ms round trip, synchronising every step and every 500:

    >>> run = MultiSiteRun(n_params=70e9, n_accelerators=16_384, wan_rtt_s=0.020)
    >>> r = multisite_step(run, 10.0, 2, 50e9, [1, 500])
    >>> r.efficiency.round(3)
    array([0.78 , 0.999])
    >>> round(float(r.site_power_watts[0]) / 1e6, 1)  # MW per site
    11.5
    """
    lay = instance("run", run, MultiSiteRun)
    T = array("site_step_s", site_step_s, 0.0, _MAX_STEP_S, low_open=True, unit="s")
    n = _whole("n_sites", n_sites, 1, MAX_SITES)
    B = array("wan_bytes_per_s", wan_bytes_per_s, *_WAN_RANGE, unit="bytes/s")
    H = _whole("sync_every_steps", sync_every_steps, 1, MAX_SYNC_EVERY_STEPS)
    T, n, B, H = broadcast({"site_step_s": T, "n_sites": n, "wan_bytes_per_s": B, "sync_every_steps": H})
    if np.any(n > lay.n_accelerators):
        raise ValueError(f"n_sites must be at most run.n_accelerators ({lay.n_accelerators:,}), "
                         f"got {float(n.max()):g}")
    sync = np.asarray(wan_allreduce_time_s(lay.n_params, n, B, lay.wan_rtt_s, lay.gradient_bytes_per_param))
    waited = (1.0 - lay.frac_sync_overlapped) * sync
    exposed = waited / H
    step = T + exposed
    per_site = np.ceil(lay.n_accelerators / n)
    watts = per_site * np.asarray(all_in_watts_per_accelerator(lay.accelerator, lay.server_overhead_frac, lay.pue))
    finite_result("multi-site step time", step, "site_step_s, run.n_params, wan_bytes_per_s")
    bytes_per_step = 2.0 * (n - 1.0) / n * lay.n_params * lay.gradient_bytes_per_param / H
    return MultiSiteStep(
        n_sites=scalar_or_array(n),
        sync_every_steps=scalar_or_array(H),
        accelerators_per_site=scalar_or_array(per_site),
        site_power_watts=scalar_or_array(watts),
        site_step_s=scalar_or_array(T),
        wan_allreduce_s=scalar_or_array(sync),
        sync_exposed_per_step_s=scalar_or_array(exposed),
        step_s=scalar_or_array(step),
        efficiency=scalar_or_array(T / step),
        efficiency_every_step=scalar_or_array(T / (T + waited)),
        communication_reduction=scalar_or_array(H),
        wan_bytes_per_site_per_step=scalar_or_array(bytes_per_step),
        loss_gap_nats=scalar_or_array(np.where(H > 1, lay.loss_gap_nats, 0.0)),
    )
