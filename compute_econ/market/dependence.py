"""Dependence on few providers: the chance of losing access, and the expected fraction of compute lost.

The chance that a lab spread evenly across ``n`` providers loses all (or a given fraction)
of its compute in a period (:func:`p_lose_access`), and the expected fraction lost
(:func:`expected_frac_compute_lost`), with a common shock (e.g. export controls) that no
spreading diversifies away.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from compute_econ._validate import FloatOrArray, array, in_range, scalar_or_array

__all__ = [
    "MAX_PROVIDERS",
    "p_lose_access",
    "expected_frac_compute_lost",
]

#: The model's most providers: 1,000. The largest market in ``data/market_shares.csv`` names
#: nine cloud providers with 2 % or more of it (Synergy Research Group, Q3 2024), so a thousand
#: is far beyond any spread the kit describes; the cap bounds the binomial sum (one term per provider).
MAX_PROVIDERS = 1000

#: Binomial terms evaluated at once (rows x (n + 1)); memory stays under ~10 MB per array.
_CHUNK_TERMS = 1_000_000


def _log_factorials(n_max: int) -> np.ndarray:
    return np.concatenate(([0.0], np.cumsum(np.log(np.arange(1, n_max + 1, dtype=float)))))


def _n_providers(n_providers: ArrayLike) -> np.ndarray:
    """Whole numbers of providers in [1, :data:`MAX_PROVIDERS`], as an int array."""
    n = array("n_providers", n_providers)
    bad = (n < 1) | (n > MAX_PROVIDERS) | (n != np.round(n))
    if np.any(bad):
        raise ValueError(f"n_providers must be whole numbers in [1, {MAX_PROVIDERS}] ({MAX_PROVIDERS:,} providers is "
                         f"the model's maximum), got {float(n[bad].flat[0]) if n.ndim else float(n)!r}")
    return n.astype(int)


def _broadcast(**arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """The arguments broadcast to one shape; a ValueError naming them all when they do not fit together."""
    try:
        return tuple(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{name} {np.shape(a)}" for name, a in arrays.items())
        raise ValueError(f"{', '.join(arrays)} must broadcast to one shape (numpy broadcasting), got {shapes}") from None


def _binomial_tail(p: np.ndarray, n: np.ndarray, k_min: np.ndarray) -> np.ndarray:
    """P(K >= k_min) for K ~ Binomial(n, p), elementwise over 1-D arrays of one length.

    Each distinct n is summed over its n + 1 terms in log space (no overflow of n choose k), in
    chunks of at most ``_CHUNK_TERMS`` terms.
    """
    out = np.empty(p.shape)
    lf = _log_factorials(int(n.max()))
    for n_value in np.unique(n):
        idx = np.flatnonzero(n == n_value)
        k = np.arange(n_value + 1)
        step = max(1, _CHUNK_TERMS // (n_value + 1))
        for start in range(0, idx.size, step):
            sel = idx[start:start + step]
            pe = p[sel, None]
            with np.errstate(divide="ignore", invalid="ignore"):  # log(0) at p = 0 or 1: those terms are 0 or 1
                log_p = np.where(k == 0, 0.0, k * np.log(pe))
                log_1mp = np.where(k == n_value, 0.0, (n_value - k) * np.log1p(-pe))
            pmf = np.exp(lf[n_value] - lf[k] - lf[n_value - k] + log_p + log_1mp)
            out[sel] = np.where(k >= k_min[sel, None], pmf, 0.0).sum(axis=1)
    return out


def p_lose_access(
    p_provider_loss: ArrayLike,
    n_providers: ArrayLike,
    p_common_shock: ArrayLike = 0.0,
    frac_lost: ArrayLike = 1.0,
) -> FloatOrArray:
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
        n, number of providers the compute is spread over evenly, whole numbers in
        [1, :data:`MAX_PROVIDERS`].
    p_common_shock : array_like
        q, probability of a shock that removes every provider, in [0, 1].
    frac_lost : array_like
        f, the fraction of compute whose loss counts, in (0, 1]; 1 = all access lost, and any
        f up to 1/n counts the loss of one provider or more.

    Returns
    -------
    float or numpy.ndarray
        Probability in [0, 1] (arguments broadcast).

    Examples
    --------
    >>> round(p_lose_access(0.1, 3), 12)  # all three providers lost: 0.1 ** 3
    0.001
    >>> round(p_lose_access(0.1, 3, p_common_shock=0.01), 6)  # the shock is not diversifiable
    0.01099

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
    p, n, q, f = _broadcast(p_provider_loss=p, n_providers=n, p_common_shock=q, frac_lost=f)
    # providers that must fail: at least one (any f > 0 is lost only when some provider is)
    k_min = np.maximum(np.ceil(f * n - 1e-9), 1).astype(int)
    tail = _binomial_tail(p.ravel(), n.ravel(), k_min.ravel()).reshape(p.shape)
    out = np.clip(q + (1.0 - q) * tail, 0.0, 1.0)
    return scalar_or_array(out)


def expected_frac_compute_lost(
    p_provider_loss: ArrayLike, n_providers: ArrayLike = 1, p_common_shock: ArrayLike = 0.0
) -> FloatOrArray:
    """Expected fraction of a lab's compute lost in a period: q + (1 - q) p, whatever n.

    Spreading across providers does not change the *expected* loss (each hour is still with
    some provider that fails with probability p); it shrinks the chance of losing a large
    fraction at once (:func:`p_lose_access`). The common shock is not diversifiable.

    Parameters
    ----------
    p_provider_loss : array_like
        p, in [0, 1].
    n_providers : array_like
        n, whole numbers in [1, :data:`MAX_PROVIDERS`] (checked, and broadcast into the result's shape).
    p_common_shock : array_like
        q, in [0, 1].

    References
    ----------
    Linearity of expectation over the n equal slices (E[K/n] = p).
    """
    p = in_range("p_provider_loss", p_provider_loss, 0.0, 1.0)
    n = _n_providers(n_providers)
    q = in_range("p_common_shock", p_common_shock, 0.0, 1.0)
    p, n, q = _broadcast(p_provider_loss=p, n_providers=n, p_common_shock=q)
    return scalar_or_array(q + (1.0 - q) * p)
