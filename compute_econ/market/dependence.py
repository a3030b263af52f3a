"""Dependence on few providers: the chance of losing access, and the expected fraction of compute lost.

The chance that a lab spread evenly across ``n`` providers loses all (or a given fraction)
of its compute in a period (:func:`p_lose_access`), and the expected fraction lost
(:func:`expected_frac_compute_lost`), with a common shock (e.g. export controls) that no
spreading diversifies away.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from compute_econ._validate import in_range, positive, scalar_or_array

__all__ = [
    "p_lose_access",
    "expected_frac_compute_lost",
]


def _log_factorials(n_max: int) -> np.ndarray:
    return np.concatenate(([0.0], np.cumsum(np.log(np.arange(1, n_max + 1, dtype=float)))))


def _n_providers(n_providers: ArrayLike) -> np.ndarray:
    n = positive("n_providers", n_providers)
    if np.any(n != np.round(n)):
        raise ValueError(f"n_providers must be whole numbers >= 1 (valid range: 1, 2, 3, ...), "
                         f"got {float(n[n != np.round(n)].flat[0])!r}")
    return n.astype(int)


def p_lose_access(
    p_provider_loss: ArrayLike,
    n_providers: ArrayLike,
    p_common_shock: ArrayLike = 0.0,
    frac_lost: ArrayLike = 1.0,
) -> float | np.ndarray:
    """Chance, in one period, that a lab spread evenly over ``n`` providers loses at least ``frac_lost`` of its compute.

    Each provider fails independently with probability p (outage, contract cancelled, capacity
    withdrawn); the lab loses 1/n of its compute per failed provider, so the number failed K is
    Binomial(n, p). A common shock with probability q (e.g. export controls) cuts every
    provider at once.

    .. math:: P(\\text{lose} \\ge f) = q + (1-q)\\, P(K \\ge \\lceil f n \\rceil), \\quad K \\sim \\mathrm{Bin}(n, p)

    For f = 1 (all access lost): q + (1 - q) p^n; one provider: q + (1 - q) p.

    Parameters
    ----------
    p_provider_loss : array_like
        p, probability a single provider is lost in the period, in [0, 1].
    n_providers : array_like
        n, number of providers the compute is spread over evenly, whole numbers >= 1.
    p_common_shock : array_like
        q, probability of a shock that removes every provider, in [0, 1].
    frac_lost : array_like
        f, the fraction of compute whose loss counts, in (0, 1]; 1 = all access lost.

    Returns
    -------
    float or numpy.ndarray
        Probability in [0, 1] (arguments broadcast).

    References
    ----------
    Binomial distribution (e.g. Feller 1968, *An Introduction to Probability Theory*, ch. VI);
    the common shock is a one-factor mixture, as in the "beta-factor" common-cause model of
    reliability engineering (NUREG/CR-5485, 1998).
    """
    p = in_range("p_provider_loss", p_provider_loss, 0.0, 1.0)
    n = _n_providers(n_providers)
    q = in_range("p_common_shock", p_common_shock, 0.0, 1.0)
    f = in_range("frac_lost", frac_lost, 0.0, 1.0, low_inclusive=False)
    p, n, q, f = np.broadcast_arrays(p, n, q, f)
    k_min = np.ceil(f * n - 1e-9).astype(int)  # providers that must fail
    n_max = int(n.max())
    k = np.arange(n_max + 1)
    lf = _log_factorials(n_max)
    pe, ne = p[..., None], n[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p = np.where(k == 0, 0.0, k * np.log(pe))
        log_1mp = np.where(ne - k == 0, 0.0, (ne - k) * np.log1p(-pe))
        log_pmf = lf[np.minimum(ne, n_max)] - lf[k] - lf[np.clip(ne - k, 0, n_max)] + log_p + log_1mp
    pmf = np.where(k <= ne, np.exp(log_pmf), 0.0)
    tail = np.where(k >= k_min[..., None], pmf, 0.0).sum(axis=-1)
    out = np.clip(q + (1.0 - q) * tail, 0.0, 1.0)
    return scalar_or_array(out)


def expected_frac_compute_lost(
    p_provider_loss: ArrayLike, n_providers: ArrayLike = 1, p_common_shock: ArrayLike = 0.0
) -> float | np.ndarray:
    """Expected fraction of a lab's compute lost in a period: q + (1 - q) p, whatever n.

    Spreading across providers does not change the *expected* loss (each hour is still with
    some provider that fails with probability p); it shrinks the chance of losing a large
    fraction at once (:func:`p_lose_access`). The common shock is not diversifiable.

    Parameters
    ----------
    p_provider_loss : array_like
        p, in [0, 1].
    n_providers : array_like
        n, whole numbers >= 1 (checked, and broadcast into the result's shape).
    p_common_shock : array_like
        q, in [0, 1].

    References
    ----------
    Linearity of expectation over the n equal slices (E[K/n] = p).
    """
    p = in_range("p_provider_loss", p_provider_loss, 0.0, 1.0)
    n = _n_providers(n_providers)
    q = in_range("p_common_shock", p_common_shock, 0.0, 1.0)
    out = q + (1.0 - q) * p + 0.0 * n
    return scalar_or_array(out)
