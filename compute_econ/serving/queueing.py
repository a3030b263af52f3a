"""Demand and latency: requests arrive at random, and a busy service makes them wait.

The M/M/c queue: requests arrive as a Poisson process at rate :math:`\\lambda`, each holds
one of :math:`c` identical servers for an exponentially distributed time of mean :math:`s`,
and waits first-come-first-served when all are busy. Erlang's C formula gives the chance of
waiting; the wait of those who do is exponential, so every percentile has a closed form.

For a language-model service a *server* is one slot of a replica's batch: a replica decoding
up to :math:`B` requests at once is :math:`B` servers, each holding a request for its whole
latency (time to first token plus output tokens x time per token, from
:func:`~compute_econ.serving.serving_estimate`). Two simplifications, stated: service times
are taken as exponential (real output lengths are not), and a slot is as fast at low
occupancy as at full batch (it is faster: the bound is conservative).

* :func:`erlang_c` - the probability of waiting, computed in log space (stable for 10^6 servers);
* :func:`mmc_wait` - utilisation, probability of waiting, mean and percentile wait;
* :func:`wait_exceedance` - the wait distribution: the share of requests that wait longer than t;
* :func:`replicas_for_wait_target` - the fewest replicas that keep the p-th percentile wait under a target;
* :func:`max_utilisation_for_wait_target` - the utilisation beyond which the target fails: latency's knee;
* :func:`plan_for_demand` - replicas, wait and what the latency target does to the cost per token.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from compute_econ._records import ArrayRecord
from compute_econ._validate import (FloatOrArray, array, broadcast, finite_result, integer, scalar_or_array,
                                    usd_per_hour)

from .cost import SECONDS_PER_HOUR

__all__ = [
    "MAX_SERVERS",
    "erlang_c",
    "QueueWait",
    "mmc_wait",
    "wait_exceedance",
    "replicas_for_wait_target",
    "max_utilisation_for_wait_target",
    "DemandPlan",
    "plan_for_demand",
]

#: The most servers (replicas x batch slots) the queueing model computes for: 10^6.
MAX_SERVERS = 1_000_000
#: Work bound: total servers summed over the elements of one vectorised call.
_MAX_TOTAL_SERVERS = 50_000_000
_MAX_ELEMENTS = 100_000  # values in one vectorised call (a Python loop runs over them)
_MAX_RATE = 1e9  # requests per second: far beyond any service
_MAX_SERVICE_TIME_S = 1e7  # about 4 months
_MAX_WAIT_S = 1e9


def _servers(name: str, value: ArrayLike, high: float = MAX_SERVERS) -> np.ndarray:
    c = array(name, value, 1.0, high)
    if (c != np.floor(c)).any():
        raise ValueError(f"{name} must be whole numbers in [1, {high:g}], got {float(c[c != np.floor(c)].flat[0])!r}")
    return c


def _slots(value: int) -> int:
    """``slots_per_replica``: one whole number in [1, MAX_SERVERS] (servers per unit of ``n_servers``)."""
    return integer("slots_per_replica", value, 1, MAX_SERVERS)


def _total_servers(n_servers: ArrayLike, slots_per_replica: int) -> np.ndarray:
    """Servers c = n_servers x slots_per_replica, each factor validated and the product at most MAX_SERVERS."""
    n = _servers("n_servers", n_servers)
    step = _slots(slots_per_replica)
    c = n * step
    if (c > MAX_SERVERS).any():
        raise ValueError(f"n_servers x slots_per_replica must be at most {MAX_SERVERS:,} servers, got "
                         f"{float(n.max()):g} x {step:,} = {float(c.max()):g}")
    return c


def _percentile(value: ArrayLike) -> np.ndarray:
    return array("percentile", value, 0.0, 1.0, low_open=True, high_open=True)


_LOG_FACTORIAL = np.zeros(1)


def _log_factorials(n: int) -> np.ndarray:
    """log k! for k = 0..n (cached, grown on demand)."""
    global _LOG_FACTORIAL
    if _LOG_FACTORIAL.size <= n:
        _LOG_FACTORIAL = np.concatenate(([0.0], np.cumsum(np.log(np.arange(1, n + 1, dtype=float)))))
    return _LOG_FACTORIAL[: n + 1]


def _erlang_b_scalar(c: int, a: float) -> float:
    """Erlang's B (loss) formula B(c, a) = (a^c/c!) / sum_{k<=c} a^k/k!, in log space.

    The terms k ln a - ln k! are log-concave in k with their peak at k = min(c, floor(a)) and a
    width of about sqrt(a); terms more than 12 sqrt(a) + 50 away are below e^-70 of the peak and
    are left out, so the cost is O(sqrt(a)) rather than O(c).
    """
    if a == 0.0:
        return 0.0
    logf = _log_factorials(c)
    peak = min(c, math.floor(a))
    width = int(12.0 * math.sqrt(a)) + 50
    k = np.arange(max(0, peak - width), min(c, peak + width) + 1)
    terms = k * math.log(a) - logf[k]
    top = terms.max()
    log_sum = top + math.log(np.exp(terms - top).sum())
    return math.exp(c * math.log(a) - logf[c] - log_sum)


def _erlang_c_values(c: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Erlang C for broadcast arrays c (whole) and a (>= 0); 1 where a >= c (everyone waits)."""
    if c.ndim == 0 and a.ndim == 0:  # one queue: no loop (the explorers' most frequent call)
        ci, ai = int(c), float(a)
        if ai >= ci:
            return np.ones(())
        b = _erlang_b_scalar(ci, ai)
        return np.asarray(ci * b / (ci - ai * (1.0 - b)))
    c, a = broadcast({"n_servers": c, "offered_load_erlangs": a})
    if c.size > _MAX_ELEMENTS:
        raise ValueError(f"n_servers and offered_load_erlangs must have at most {_MAX_ELEMENTS:,} values together, "
                         f"got {c.size:,}")
    if float(c.sum()) > _MAX_TOTAL_SERVERS:
        raise ValueError(f"n_servers summed over the inputs must be at most {_MAX_TOTAL_SERVERS:g} "
                         f"(the work grows with it), got {float(c.sum()):g}")
    out = np.ones(c.shape)
    for idx in np.ndindex(c.shape):
        ci, ai = int(c[idx]), float(a[idx])
        if ai < ci:
            b = _erlang_b_scalar(ci, ai)
            out[idx] = ci * b / (ci - ai * (1.0 - b))
    return out


def erlang_c(n_servers: ArrayLike, offered_load_erlangs: ArrayLike) -> FloatOrArray:
    """Erlang's C formula: the probability that a request has to wait in an M/M/c queue.

    With offered load :math:`a = \\lambda s` (erlangs: the mean number of busy servers) on
    :math:`c` servers,

    .. math::

        C(c, a) = \\frac{\\frac{a^c}{c!}\\frac{c}{c-a}}{\\sum_{k=0}^{c-1}\\frac{a^k}{k!} + \\frac{a^c}{c!}\\frac{c}{c-a}}
                = \\frac{c\\,B(c,a)}{c - a\\,(1 - B(c,a))}

    for :math:`a < c`, where :math:`B` is Erlang's loss formula. :math:`B` is computed in log space
    (a log-sum-exp over :math:`k \\ln a - \\ln k!`), so a million servers neither overflow nor
    underflow. Where :math:`a \\ge c` the queue grows without bound and every request waits: 1.

    Parameters
    ----------
    n_servers : array_like
        Servers c, whole numbers in [1, :data:`MAX_SERVERS`].
    offered_load_erlangs : array_like
        Offered load a = arrival rate x mean service time, >= 0.

    Returns
    -------
    float or numpy.ndarray
        Probability of waiting, in [0, 1].

    References
    ----------
    Erlang 1917, "Solution of some problems in the theory of probabilities of significance in
    automatic telephone exchanges" (the C formula); Kleinrock 1975, "Queueing Systems, Vol. 1",
    Section 3.5 (M/M/m: probability of queueing, eq. 3.40); Gross, Shortle, Thompson & Harris
    2008, "Fundamentals of Queueing Theory", 4th ed., Section 2.3 (C(c, r) and the relation to B).

    Examples
    --------
    >>> round(erlang_c(2, 1.0), 6)  # two servers, half busy: 2 rho^2 / (1 + rho) = 1/3
    0.333333
    >>> round(erlang_c(1, 0.8), 6)  # one server: the utilisation
    0.8
    """
    c = _servers("n_servers", n_servers)
    a = array("offered_load_erlangs", offered_load_erlangs, 0.0, MAX_SERVERS * 100.0, unit="erlangs")
    return scalar_or_array(_erlang_c_values(c, a))


@dataclass(frozen=True, eq=False)
class QueueWait(ArrayRecord):
    """Waiting in an M/M/c queue (returned by :func:`mmc_wait`).

    Attributes
    ----------
    arrival_rate_per_s, service_time_s : float or numpy.ndarray
        The inputs, broadcast.
    n_servers : float or numpy.ndarray
        The servers :math:`c` (``n_servers x slots_per_replica`` of the call), broadcast.
    utilisation : float or numpy.ndarray
        :math:`\\rho = \\lambda s / c`: the share of server time busy (>= 1: unstable).
    prob_wait : float or numpy.ndarray
        Erlang C: the probability a request waits at all (1 where unstable).
    mean_wait_s : float or numpy.ndarray
        Mean time in the queue, s; **inf where unstable** (the queue grows without bound).
    percentile_wait_s : float or numpy.ndarray
        The ``percentile`` of the wait, s (0 when fewer than that share wait); inf where unstable.
    mean_response_s : float or numpy.ndarray
        Mean wait plus mean service time, s; inf where unstable.
    stable : bool or numpy.ndarray
        True where :math:`\\rho < 1`.
    percentile : float
        The percentile asked for.
    """

    arrival_rate_per_s: FloatOrArray
    service_time_s: FloatOrArray
    n_servers: FloatOrArray
    utilisation: FloatOrArray
    prob_wait: FloatOrArray
    mean_wait_s: FloatOrArray
    percentile_wait_s: FloatOrArray
    mean_response_s: FloatOrArray
    stable: bool | np.ndarray
    percentile: float


def _scalar_queue(lam: float, s: float, c: float) -> tuple[float, float, bool]:
    """Erlang C, the tail's decay rate c/s - lambda (0 where unstable) and stability, for one queue in plain floats
    (the explorers' most frequent call: numpy on 0-d arrays costs more than the formula)."""
    a = lam * s
    if a >= c:
        return 1.0, 0.0, False
    b = _erlang_b_scalar(int(c), a)
    return c * b / (c - a * (1.0 - b)), (c - a) / s, True


def _waits(lam: np.ndarray, s: np.ndarray, c: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, ...]:
    if lam.ndim == 0 and s.ndim == 0 and c.ndim == 0:  # one queue, in plain floats (as the vectorised path below)
        C1, gap1, stable1 = _scalar_queue(float(lam), float(s), float(c))
        mean1 = pct1 = math.inf
        if stable1:
            mean1 = C1 / gap1 if gap1 > 0.0 else math.inf
            ratio1 = C1 / (1.0 - float(p))
            pct1 = math.log(ratio1) / gap1 if ratio1 > 1.0 and gap1 > 0.0 else 0.0
        return (np.asarray(float(lam) * float(s) / float(c)), np.asarray(C1), np.asarray(mean1), np.asarray(pct1),
                np.asarray(stable1))
    a = lam * s
    C = _erlang_c_values(c, a)
    stable = a < c
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        gap = np.where(stable, (c - a) / s, 1.0)  # c mu - lambda, per second
        mean = np.where(stable, C / gap, np.inf)
        ratio = np.where(stable, C / (1.0 - p), 1.0)
        pct = np.where(stable, np.where(ratio > 1.0, np.log(np.maximum(ratio, 1.0)) / gap, 0.0), np.inf)
    return a / c, C, mean, pct, stable


def mmc_wait(
    arrival_rate_per_s: ArrayLike,
    service_time_s: ArrayLike,
    n_servers: ArrayLike,
    percentile: float = 0.95,
    slots_per_replica: int = 1,
) -> QueueWait:
    """Utilisation, chance of waiting, mean and percentile wait of an M/M/c queue.

    .. math::

        \\rho = \\frac{\\lambda s}{c}, \\quad
        P(W > t) = C(c, \\lambda s)\\, e^{-(c/s - \\lambda) t}, \\quad
        E[W] = \\frac{C}{c/s - \\lambda}, \\quad
        t_p = \\frac{\\ln\\bigl(C / (1 - p)\\bigr)}{c/s - \\lambda} \\text{ if } C > 1 - p \\text{ else } 0

    As :math:`\\rho \\to 1` the wait grows as :math:`1/(1-\\rho)`: latency explodes. Where
    :math:`\\rho \\ge 1` the waits are infinite (``stable`` False): that is the answer, not an error.

    Parameters
    ----------
    arrival_rate_per_s : array_like
        Requests per second, >= 0.
    service_time_s : array_like
        Mean time a request holds a server, s, > 0.
    n_servers : array_like
        Servers, whole numbers in [1, :data:`MAX_SERVERS`]; replicas when ``slots_per_replica`` is
        more than 1.
    percentile : float
        The percentile of the wait to report, in (0, 1); default the 95th.
    slots_per_replica : int
        Servers per unit of ``n_servers`` (a replica's batch slots), in [1, :data:`MAX_SERVERS`];
        the queue has ``n_servers x slots_per_replica`` servers, at most :data:`MAX_SERVERS`.

    Returns
    -------
    QueueWait

    References
    ----------
    Kleinrock 1975, "Queueing Systems, Vol. 1", Section 3.5 (M/M/m); Gross, Shortle, Thompson
    & Harris 2008, "Fundamentals of Queueing Theory", 4th ed., Section 2.3 (the waiting-time
    distribution W_q(t) = 1 - C e^{-(c mu - lambda) t}).

    Examples
    --------
    >>> q = mmc_wait(arrival_rate_per_s=9.0, service_time_s=1.0, n_servers=10)
    >>> round(q.utilisation, 2), round(q.prob_wait, 3), round(q.mean_wait_s, 3), round(q.percentile_wait_s, 3)
    (0.9, 0.669, 0.669, 2.593)
    >>> q = mmc_wait(arrival_rate_per_s=200.0, service_time_s=20.0, n_servers=126, slots_per_replica=32)
    >>> int(q.n_servers), round(q.utilisation, 3), round(q.percentile_wait_s, 2)  # 126 replicas of 32 slots
    (4032, 0.992, 1.44)
    """
    lam = array("arrival_rate_per_s", arrival_rate_per_s, 0.0, _MAX_RATE, unit="requests/s")
    s = array("service_time_s", service_time_s, 0.0, _MAX_SERVICE_TIME_S, low_open=True, unit="s")
    c = _total_servers(n_servers, slots_per_replica)
    p = _percentile(percentile)
    if p.ndim:
        raise ValueError(f"percentile must be one number in (0, 1), got {percentile!r}")
    lam, s, c = broadcast({"arrival_rate_per_s": lam, "service_time_s": s, "n_servers": c})
    rho, C, mean, pct, stable = _waits(lam, s, c, p)
    return QueueWait(
        arrival_rate_per_s=scalar_or_array(lam), service_time_s=scalar_or_array(s), n_servers=scalar_or_array(c),
        utilisation=scalar_or_array(rho), prob_wait=scalar_or_array(C), mean_wait_s=scalar_or_array(mean),
        percentile_wait_s=scalar_or_array(pct), mean_response_s=scalar_or_array(mean + s),
        stable=bool(stable) if stable.ndim == 0 else stable, percentile=float(p),
    )


#: Values in one :func:`wait_exceedance` result (its inputs broadcast together).
_MAX_EXCEEDANCE_VALUES = 1_000_000


def wait_exceedance(
    arrival_rate_per_s: ArrayLike,
    service_time_s: ArrayLike,
    n_servers: ArrayLike,
    wait_s: ArrayLike,
    slots_per_replica: int = 1,
) -> FloatOrArray:
    """The wait distribution of an M/M/c queue: the probability that a request waits longer than ``wait_s``.

    .. math::

        P(W > t) = C(c, \\lambda s)\\, e^{-(c/s - \\lambda)\\, t}, \\qquad t \\ge 0

    The queue's wait has an atom at zero (a share :math:`1 - C` is served at once) and an
    exponential tail of rate :math:`c\\mu - \\lambda` for those who wait: on a log scale the
    share waiting longer than :math:`t` falls along a straight line in :math:`t`, from Erlang C at
    :math:`t = 0`. It is the distribution :func:`mmc_wait`'s percentile is read from:
    :math:`P(W > t_p) = 1 - p` wherever :math:`t_p > 0`. Where :math:`\\rho \\ge 1` the queue grows
    without bound and every request waits ever longer: 1 for every ``wait_s``.

    Parameters
    ----------
    arrival_rate_per_s : array_like
        Requests per second, >= 0.
    service_time_s : array_like
        Mean time a request holds a server, s, > 0.
    n_servers : array_like
        Servers, whole numbers in [1, :data:`MAX_SERVERS`]; replicas when ``slots_per_replica`` is
        more than 1.
    wait_s : array_like
        The wait :math:`t`, s, >= 0 (a grid of waits gives the curve).
    slots_per_replica : int
        Servers per unit of ``n_servers`` (a replica's batch slots), in [1, :data:`MAX_SERVERS`].

    Returns
    -------
    float or numpy.ndarray
        :math:`P(W > t)` in [0, 1], the four inputs broadcast together (at most 10^6 values).

    References
    ----------
    Kleinrock 1975, "Queueing Systems, Vol. 1", Section 3.5 (M/M/m); Gross, Shortle, Thompson
    & Harris 2008, "Fundamentals of Queueing Theory", 4th ed., Section 2.3 (the waiting-time
    distribution W_q(t) = 1 - C e^{-(c mu - lambda) t}).

    Examples
    --------
    >>> [round(wait_exceedance(9.0, 1.0, 10, t), 4) for t in (0.0, 1.0, 2.593)]  # C = 0.669 at t = 0; 5% at the p95 wait
    [0.6687, 0.246, 0.05]
    >>> wait_exceedance(12.0, 1.0, 10, 100.0)  # overloaded: everyone waits, ever longer
    1.0
    """
    lam = array("arrival_rate_per_s", arrival_rate_per_s, 0.0, _MAX_RATE, unit="requests/s")
    s = array("service_time_s", service_time_s, 0.0, _MAX_SERVICE_TIME_S, low_open=True, unit="s")
    c = _total_servers(n_servers, slots_per_replica)
    t = array("wait_s", wait_s, 0.0, _MAX_WAIT_S, unit="s")
    try:
        shape = np.broadcast_shapes(lam.shape, s.shape, c.shape, t.shape)
    except ValueError:
        raise ValueError(f"arrival_rate_per_s, service_time_s, n_servers and wait_s must broadcast together, got "
                         f"shapes {lam.shape}, {s.shape}, {c.shape} and {t.shape}") from None
    if math.prod(shape) > _MAX_EXCEEDANCE_VALUES:
        raise ValueError(f"arrival_rate_per_s, service_time_s, n_servers and wait_s must broadcast to at most "
                         f"{_MAX_EXCEEDANCE_VALUES:,} values, got {math.prod(shape):,}")
    # Erlang C once per queue, not once per wait; gap = c mu - lambda, per second (0 where unstable: P stays 1)
    if lam.ndim == 0 and s.ndim == 0 and c.ndim == 0:
        C_, gap_, _ = _scalar_queue(float(lam), float(s), float(c))
        C, gap = np.asarray(C_), np.asarray(gap_)
    else:
        lam, s, c = np.broadcast_arrays(lam, s, c)
        a = lam * s
        C = _erlang_c_values(c, a)
        with np.errstate(over="ignore"):
            gap = np.where(a < c, (c - a) / s, 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        decay = np.where(t > 0.0, np.exp(-gap * t), 1.0)
    return scalar_or_array(np.clip(C * decay, 0.0, 1.0))


def _meets(c: int, a: float, s: float, target: float, p: float) -> bool:
    if a >= c:
        return False
    b = _erlang_b_scalar(c, a)
    C = c * b / (c - a * (1.0 - b))
    return C * math.exp(-(c - a) / s * target) <= 1.0 - p


def _fewest_servers(a: float, s: float, target: float, p: float, step: int) -> int:
    """Smallest multiple of ``step`` servers meeting the target (exponential then binary search)."""
    lo = max(1, math.floor(a / step))  # lo * step <= a at worst: too few (or exactly enough when a = 0)
    if _meets(lo * step, a, s, target, p):
        return lo
    hi = lo
    while not _meets(hi * step, a, s, target, p):
        if hi >= MAX_SERVERS // step:
            raise ValueError(
                f"meeting the wait target needs more than {MAX_SERVERS:,} servers (replicas x slots_per_replica); "
                "check arrival_rate_per_s, service_time_s and target_wait_s")
        lo, hi = hi, min(hi * 2, MAX_SERVERS // step)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _meets(mid * step, a, s, target, p):
            hi = mid
        else:
            lo = mid
    return hi


def replicas_for_wait_target(
    arrival_rate_per_s: ArrayLike,
    service_time_s: ArrayLike,
    target_wait_s: ArrayLike,
    percentile: float = 0.95,
    slots_per_replica: int = 1,
) -> FloatOrArray:
    """The fewest replicas that keep the ``percentile`` of the wait at or under ``target_wait_s``.

    The smallest :math:`r` with :math:`P(W > t^*) = C(rB, \\lambda s)\\, e^{-(rB/s - \\lambda) t^*} \\le 1 - p`
    for :math:`rB` servers (``slots_per_replica`` = :math:`B`). More servers never lengthen the
    wait, so a search over :math:`r` finds it.

    Parameters
    ----------
    arrival_rate_per_s : array_like
        Requests per second, >= 0.
    service_time_s : array_like
        Mean time a request holds a slot, s, > 0.
    target_wait_s : array_like
        The wait that the ``percentile`` must not exceed, s, >= 0 (0: that share must not wait at all).
    percentile : float
        In (0, 1); default 0.95.
    slots_per_replica : int
        Requests one replica serves at once (its batch), in [1, :data:`MAX_SERVERS`].

    Returns
    -------
    float or numpy.ndarray
        Replicas (whole numbers).

    Raises
    ------
    ValueError
        If the target needs more than :data:`MAX_SERVERS` servers.

    References
    ----------
    Gross, Shortle, Thompson & Harris 2008, "Fundamentals of Queueing Theory", 4th ed.,
    Section 2.3 (M/M/c waiting-time distribution), used here as in call-centre staffing.

    Examples
    --------
    >>> replicas_for_wait_target(100.0, 20.0, 1.0, percentile=0.95, slots_per_replica=64)
    32.0
    """
    lam = array("arrival_rate_per_s", arrival_rate_per_s, 0.0, _MAX_RATE, unit="requests/s")
    s = array("service_time_s", service_time_s, 0.0, _MAX_SERVICE_TIME_S, low_open=True, unit="s")
    t = array("target_wait_s", target_wait_s, 0.0, _MAX_WAIT_S, unit="s")
    p = _percentile(percentile)
    if p.ndim:
        raise ValueError(f"percentile must be one number in (0, 1), got {percentile!r}")
    step = _slots(slots_per_replica)
    lam, s, t = broadcast({"arrival_rate_per_s": lam, "service_time_s": s, "target_wait_s": t})
    a = lam * s
    if (a >= MAX_SERVERS).any():
        raise ValueError(f"arrival_rate_per_s x service_time_s must stay below {MAX_SERVERS:,} erlangs "
                         f"(the most servers the model computes for), got {float(a.max()):g}")
    if a.size > 10_000:
        raise ValueError(f"arrival_rate_per_s must have at most 10,000 values, got {a.size}")
    out = np.empty(a.shape)
    for idx in np.ndindex(a.shape):
        out[idx] = _fewest_servers(float(a[idx]), float(s[idx]), float(t[idx]), float(p), step)
    return scalar_or_array(out)


def max_utilisation_for_wait_target(
    n_servers: ArrayLike,
    service_time_s: ArrayLike,
    target_wait_s: ArrayLike,
    percentile: float = 0.95,
    slots_per_replica: int = 1,
) -> FloatOrArray:
    """The highest utilisation at which ``n_servers`` still keep the ``percentile`` wait under the target.

    Beyond it the wait grows steeply (as :math:`1/(1-\\rho)`): the knee of the latency curve.
    More servers push the knee towards 1 (pooling: a large service can run busier for the
    same wait), which is one reason serving at scale is cheaper per token.

    Parameters
    ----------
    n_servers : array_like
        Servers, whole numbers in [1, :data:`MAX_SERVERS`]; replicas when ``slots_per_replica`` is
        more than 1.
    service_time_s : array_like
        Mean service time, s, > 0.
    target_wait_s : array_like
        Wait target for the percentile, s, >= 0.
    percentile : float
        In (0, 1); default 0.95.
    slots_per_replica : int
        Servers per unit of ``n_servers`` (a replica's batch slots), in [1, :data:`MAX_SERVERS`];
        the queue has ``n_servers x slots_per_replica`` servers, at most :data:`MAX_SERVERS`.

    Returns
    -------
    float or numpy.ndarray
        Utilisation :math:`\\rho^* \\in [0, 1)` (bisection to 1e-9).

    References
    ----------
    Gross, Shortle, Thompson & Harris 2008, Section 2.3 (M/M/c); Halfin & Whitt 1981, "Heavy-traffic
    limits for queues with many exponential servers", Operations Research 29(3) (with many servers
    utilisation can approach 1 while waiting stays rare).

    Examples
    --------
    >>> [round(max_utilisation_for_wait_target(c, 1.0, 0.5), 3) for c in (1, 10, 100)]  # p95 wait <= half a service
    [0.079, 0.701, 0.953]
    >>> round(max_utilisation_for_wait_target(127, 20.0, 1.0, slots_per_replica=32), 3)  # 127 replicas of 32 slots
    0.99
    """
    c = _total_servers(n_servers, slots_per_replica)
    s = array("service_time_s", service_time_s, 0.0, _MAX_SERVICE_TIME_S, low_open=True, unit="s")
    t = array("target_wait_s", target_wait_s, 0.0, _MAX_WAIT_S, unit="s")
    p = _percentile(percentile)
    if p.ndim:
        raise ValueError(f"percentile must be one number in (0, 1), got {percentile!r}")
    c, s, t = broadcast({"n_servers": c, "service_time_s": s, "target_wait_s": t})
    if float(c.sum()) > _MAX_TOTAL_SERVERS / 40:
        raise ValueError(f"n_servers summed over the inputs must be at most {_MAX_TOTAL_SERVERS / 40:g} "
                         f"(the work grows with it), got {float(c.sum()):g}")
    out = np.empty(c.shape)
    for idx in np.ndindex(c.shape):
        ci, si, ti = int(c[idx]), float(s[idx]), float(t[idx])
        lo, hi = 0.0, 1.0
        while hi - lo > 1e-9:
            mid = 0.5 * (lo + hi)
            if _meets(ci, mid * ci, si, ti, float(p)):
                lo = mid
            else:
                hi = mid
        out[idx] = lo
    return scalar_or_array(out)


@dataclass(frozen=True, eq=False)
class DemandPlan(ArrayRecord):
    """Replicas for a demand and a latency target, and what they cost (returned by :func:`plan_for_demand`).

    Attributes
    ----------
    arrival_rate_per_s : float or numpy.ndarray
        Requests per second.
    replicas : float or numpy.ndarray
        Fewest replicas meeting the target.
    n_servers : float or numpy.ndarray
        ``replicas x slots_per_replica``.
    utilisation : float or numpy.ndarray
        Share of slot time busy at those replicas.
    prob_wait, mean_wait_s, percentile_wait_s : float or numpy.ndarray
        As in :class:`QueueWait`, at those replicas (finite: the target is met).
    usd_per_hour : float or numpy.ndarray
        Replicas x price per replica-hour, USD.
    usd_per_m_tokens : float or numpy.ndarray
        Hourly cost over tokens served per hour, USD per million tokens.
    usd_per_m_tokens_fully_busy : float or numpy.ndarray
        What a million tokens would cost if every slot were busy all the time; the ratio of the
        two is the price of the latency target (``1 / utilisation``).
    """

    arrival_rate_per_s: FloatOrArray
    replicas: FloatOrArray
    n_servers: FloatOrArray
    utilisation: FloatOrArray
    prob_wait: FloatOrArray
    mean_wait_s: FloatOrArray
    percentile_wait_s: FloatOrArray
    usd_per_hour: FloatOrArray
    usd_per_m_tokens: FloatOrArray
    usd_per_m_tokens_fully_busy: FloatOrArray


def plan_for_demand(
    arrival_rate_per_s: ArrayLike,
    service_time_s: float,
    slots_per_replica: int,
    target_wait_s: float,
    usd_per_replica_hour: float,
    tokens_per_request: float,
    percentile: float = 0.95,
) -> DemandPlan:
    """Replicas needed for a demand under a wait target, the wait they give, and the cost per token.

    Replicas come from :func:`replicas_for_wait_target`; the cost per token divides their hourly
    price by the tokens served per hour, :math:`3600\\,\\lambda\\,n_\\text{tok}`. Idle slots kept
    for the latency target are paid for: cost per token is the fully-busy cost over the utilisation.

    Parameters
    ----------
    arrival_rate_per_s : array_like
        Requests per second, > 0 (vectorised: a demand curve).
    service_time_s : float
        Mean time a request holds a slot (its latency on the replica), s, > 0.
    slots_per_replica : int
        Requests a replica serves at once (its batch), in [1, :data:`MAX_SERVERS`].
    target_wait_s : float
        Wait target for the percentile, s, >= 0.
    usd_per_replica_hour : float
        Hourly price of one replica (all its accelerators), USD, in (0, 10,000].
    tokens_per_request : float
        Tokens billed per request (input plus output), in [1, 1e9].
    percentile : float
        In (0, 1); default 0.95.

    Returns
    -------
    DemandPlan

    References
    ----------
    As :func:`replicas_for_wait_target` and :func:`mmc_wait`.

    Examples
    --------
    >>> plan = plan_for_demand([1.0, 10.0, 100.0], service_time_s=20.0, slots_per_replica=64,
    ...                        target_wait_s=1.0, usd_per_replica_hour=16.0, tokens_per_request=1500)
    >>> plan.replicas, [round(float(u), 2) for u in plan.utilisation]
    (array([ 1.,  4., 32.]), [0.31, 0.78, 0.98])
    """
    lam = array("arrival_rate_per_s", arrival_rate_per_s, 0.0, _MAX_RATE, low_open=True, unit="requests/s")
    s = array("service_time_s", service_time_s, 0.0, _MAX_SERVICE_TIME_S, low_open=True, unit="s")
    price = usd_per_hour("usd_per_replica_hour", usd_per_replica_hour)
    tokens = array("tokens_per_request", tokens_per_request, 1.0, 1e9, unit="tokens")
    for name, value in (("service_time_s", s), ("usd_per_replica_hour", price), ("tokens_per_request", tokens)):
        if value.ndim:
            raise ValueError(f"{name} must be one number, got {value!r}")
    replicas = np.asarray(replicas_for_wait_target(lam, s, target_wait_s, percentile, slots_per_replica))
    step = _slots(slots_per_replica)
    q = mmc_wait(lam, s, replicas, percentile, slots_per_replica=step)
    hourly = replicas * float(price)
    with np.errstate(over="ignore", divide="ignore"):
        per_m = hourly / (SECONDS_PER_HOUR * lam * float(tokens)) * 1e6
    fully_busy = float(price) * s / (SECONDS_PER_HOUR * step * float(tokens)) * 1e6  # every slot always busy
    return DemandPlan(
        arrival_rate_per_s=scalar_or_array(lam), replicas=scalar_or_array(replicas),
        n_servers=scalar_or_array(replicas * step), utilisation=q.utilisation, prob_wait=q.prob_wait,
        mean_wait_s=q.mean_wait_s, percentile_wait_s=q.percentile_wait_s, usd_per_hour=scalar_or_array(hourly),
        usd_per_m_tokens=scalar_or_array(finite_result("USD per million tokens", per_m, "arrival_rate_per_s")),
        usd_per_m_tokens_fully_busy=scalar_or_array(np.broadcast_to(fully_busy, lam.shape).copy()),
    )
