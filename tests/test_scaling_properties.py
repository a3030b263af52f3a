"""Property tests (hypothesis) for the invariants of compute_econ.scaling.

- more compute never raises the compute-optimal loss (every fit);
- 6·N*·D* reproduces the budget; outputs are finite and positive;
- the compute-optimal N* minimises the isoFLOP curve;
- more inference demand never asks for a larger model;
- training_flop round-trips with its inverses, and so does the budget whose optimum uses a given dataset.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute_econ import scaling
from compute_econ.scaling import (
    BESIROGLU_2024,
    FITS,
    HOFFMANN_2022,
    compute_optimal,
    effective_data_tokens,
    inference_aware_optimal,
    isoflop_curve,
    n_params_for_flop,
    n_tokens_for_flop,
    training_flop,
)

FIT_KEYS = sorted(FITS)


def log_uniform(lo_exp: float, hi_exp: float):
    """Floats spread evenly in log10 between 10**lo_exp and 10**hi_exp."""
    return st.floats(min_value=lo_exp, max_value=hi_exp, allow_nan=False).map(lambda e: 10.0**e)


compute = log_uniform(15, 30)
counts = log_uniform(3, 15)
fit_keys = st.sampled_from(FIT_KEYS)
chinchilla_fits = st.sampled_from([HOFFMANN_2022, BESIROGLU_2024])


@settings(max_examples=200, deadline=None)
@given(fit_key=fit_keys, c1=compute, c2=compute)
def test_more_compute_never_raises_optimal_loss(fit_key, c1, c2):
    lo, hi = sorted((c1, c2))
    l_lo = compute_optimal(lo, fit_key).loss
    l_hi = compute_optimal(hi, fit_key).loss
    assert l_hi <= l_lo * (1 + 1e-12)


@settings(max_examples=200, deadline=None)
@given(fit_key=fit_keys, c=compute)
def test_optimum_reproduces_budget_and_is_finite_positive(fit_key, c):
    opt = compute_optimal(c, fit_key)
    assert 6 * opt.n_params * opt.n_tokens == pytest.approx(c, rel=1e-9)
    for value in (opt.n_params, opt.n_tokens, opt.loss, opt.tokens_per_param):
        assert np.isfinite(value) and value > 0
    assert opt.compute_flop == c


@settings(max_examples=50, deadline=None)
@given(fit_key=fit_keys, cs=st.lists(compute, min_size=1, max_size=8))
def test_vectorised_matches_scalar_calls(fit_key, cs):
    vec = compute_optimal(np.array(cs), fit_key)
    for i, c in enumerate(cs):
        one = compute_optimal(c, fit_key)
        assert vec.n_params[i] == pytest.approx(one.n_params, rel=1e-12)
        assert vec.loss[i] == pytest.approx(one.loss, rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(fit_key=fit_keys, c=compute, k=st.sampled_from([0.25, 0.5, 0.9, 0.99, 1.01, 1.1, 2.0, 4.0]))
def test_optimal_n_minimises_isoflop_curve(fit_key, c, k):
    opt = compute_optimal(c, fit_key)
    at_opt = isoflop_curve(c, opt.n_params, fit_key)
    nearby = isoflop_curve(c, opt.n_params * k, fit_key)
    assert at_opt <= nearby * (1 + 1e-12)


@settings(max_examples=150, deadline=None)
@given(
    fit=chinchilla_fits,
    excess=st.floats(min_value=0.05, max_value=3.0),
    t1=st.one_of(st.just(0.0), log_uniform(6, 16)),
    t2=st.one_of(st.just(0.0), log_uniform(6, 16)),
)
def test_more_inference_never_asks_for_a_larger_model(fit, excess, t1, t2):
    target = fit.E + excess
    lo, hi = sorted((t1, t2))
    res = inference_aware_optimal(target, np.array([lo, hi]), fit)
    assert res.n_params[1] <= res.n_params[0] * (1 + 1e-9)
    assert res.n_tokens[1] >= res.n_tokens[0] * (1 - 1e-9)
    np.testing.assert_allclose(res.loss, target, rtol=1e-9)
    assert np.all(np.isfinite(res.total_flop)) and np.all(res.total_flop > 0)


@settings(max_examples=200, deadline=None)
@given(n=counts, d=counts)
def test_training_flop_round_trips(n, d):
    c = training_flop(n, d)
    assert n_params_for_flop(c, d) == pytest.approx(n, rel=1e-12)
    assert n_tokens_for_flop(c, n) == pytest.approx(d, rel=1e-12)


@settings(max_examples=100, deadline=None)
@given(u=counts, e1=st.floats(min_value=1.0, max_value=1e4), e2=st.floats(min_value=1.0, max_value=1e4))
def test_effective_data_grows_with_epochs_but_never_beyond_bounds(u, e1, e2):
    lo, hi = sorted((e1, e2))
    d_lo, d_hi = effective_data_tokens(u, lo), effective_data_tokens(u, hi)
    assert d_lo <= d_hi * (1 + 1e-12)
    # Never more than the tokens actually seen, never more than the saturation level U (1 + R_D*).
    assert d_hi <= u * hi * (1 + 1e-12)
    assert d_hi <= u * (1 + 15.4) * (1 + 1e-12)
    assert d_lo >= u


@settings(max_examples=60, deadline=None)
@given(fit_key=st.sampled_from(sorted(scaling.FITS)), d=st.floats(1e9, 1e17))
def test_compute_for_optimal_tokens_inverts_compute_optimal(fit_key, d):
    c = scaling.compute_for_optimal_tokens(d, fit=fit_key)
    assert np.isfinite(c) and c > 0
    assert scaling.compute_optimal(c, fit=fit_key).n_tokens == pytest.approx(d, rel=1e-9)
    # more data needs more compute to be the optimum
    assert scaling.compute_for_optimal_tokens(2 * d, fit=fit_key) > c
