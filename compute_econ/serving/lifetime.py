"""Training is paid once; serving is paid per token. Over a model's life, which is bigger?

Training a model with :math:`N` (active) parameters on :math:`D` tokens costs about
:math:`6ND` FLOP; serving it costs about :math:`2N` FLOP per token, input or output. Serving
overtakes training once the tokens served pass :math:`3D`: for Llama 3.1 405B (15.6
trillion training tokens) that is 47 trillion tokens served, for DeepSeek-V3 (14.8
trillion) 44 trillion, whatever the model's size. A model that will be served a lot should
therefore be trained smaller and longer than the Chinchilla optimum:
:func:`compute_econ.scaling.inference_aware_optimal` (Sardana et al. 2023) finds how much.

* :func:`lifetime_compute` - training and cumulative serving FLOP, and the break-even;
* :func:`lifetime_cost` - the same in dollars, from a training cost and a price per token.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from compute_econ._records import ArrayRecord
from compute_econ._validate import FloatOrArray, array, finite_result, scalar, scalar_or_array
from compute_econ.scaling import FLOP_PER_PARAM_PER_INFERENCE_TOKEN, FLOP_PER_PARAM_PER_TRAINING_TOKEN

__all__ = [
    "DEEPSEEK_V3_TRAINING_TOKENS",
    "DEEPSEEK_V3_TRAINING_GPU_HOURS",
    "DEEPSEEK_V3_TRAINING_USD",
    "LifetimeCompute",
    "lifetime_compute",
    "LifetimeCost",
    "lifetime_cost",
]

#: DeepSeek-V3 was pre-trained on 14.8 trillion tokens (DeepSeek-AI 2024, arXiv:2412.19437, abstract and Section 4.1).
DEEPSEEK_V3_TRAINING_TOKENS = 14.8e12
#: H800 GPU-hours of DeepSeek-V3's whole training (pre-training 2,664K, context extension 119K,
#: post-training 5K): 2,788K. DeepSeek-AI 2024, arXiv:2412.19437, Table 1.
DEEPSEEK_V3_TRAINING_GPU_HOURS = 2.788e6
#: DeepSeek-V3's training cost as its report states it: 2.788M H800 GPU-hours at an assumed
#: rental price of $2 per GPU-hour = $5.576M (Table 1). It excludes research, ablations, data
#: and the cluster's capital cost, as the report says (Section 1).
DEEPSEEK_V3_TRAINING_USD = 5.576e6

_MAX_PARAMS = 1e15
_MAX_TOKENS = 1e18  # a million trillion tokens: far beyond any model's lifetime demand
_MAX_USD = 1e13


@dataclass(frozen=True, eq=False)
class LifetimeCompute(ArrayRecord):
    """Training against cumulative serving compute (returned by :func:`lifetime_compute`).

    Attributes
    ----------
    training_flop : float
        :math:`6 N D`, FLOP.
    serving_flop : float or numpy.ndarray
        :math:`2 N` x tokens served, FLOP.
    total_flop : float or numpy.ndarray
        Their sum, FLOP.
    frac_serving : float or numpy.ndarray
        Serving's share of the total.
    breakeven_tokens_served : float
        Tokens served at which serving equals training: :math:`3D`.
    serving_exceeds_training : bool or numpy.ndarray
        True where serving FLOP exceed training FLOP.
    """

    training_flop: float
    serving_flop: FloatOrArray
    total_flop: FloatOrArray
    frac_serving: FloatOrArray
    breakeven_tokens_served: float
    serving_exceeds_training: bool | np.ndarray


def lifetime_compute(n_params_active: float, training_tokens: float, tokens_served: ArrayLike) -> LifetimeCompute:
    """Training FLOP against the FLOP of serving ``tokens_served`` tokens over the model's life.

    .. math::

        C_\\text{train} = 6 N D, \\qquad C_\\text{serve} = 2 N T, \\qquad
        T_\\text{break-even} = \\frac{6ND}{2N} = 3D

    :math:`N` is the parameters used per token (the active ones of a mixture of experts, in
    training as in serving); attention over long contexts adds to both and is left out here.

    Parameters
    ----------
    n_params_active : float
        Parameters used per token, in [1, 1e15].
    training_tokens : float
        Training tokens D, in [1, 1e18].
    tokens_served : array_like
        Cumulative tokens served (input plus output), in [0, 1e18] (vectorised: a time path).

    Returns
    -------
    LifetimeCompute

    References
    ----------
    Kaplan et al. 2020, arXiv:2001.08361, Section 2.1 (6N per training token, 2N per forward
    token); Sardana, Portes, Doubov & Frankle 2023, "Beyond Chinchilla-Optimal", arXiv:2401.00448,
    Section 2 (lifetime compute 6N D_tr + 2N D_inf; see :func:`compute_econ.scaling.inference_aware_optimal`).

    Examples
    --------
    >>> life = lifetime_compute(37e9, DEEPSEEK_V3_TRAINING_TOKENS, [1e12, 1e14])  # DeepSeek-V3
    >>> f"{life.training_flop:.2e}", life.breakeven_tokens_served, life.serving_exceeds_training
    ('3.29e+24', 44400000000000.0, array([False,  True]))

    A model meant to serve 10^14 tokens, trained to the loss of a Chinchilla-optimal 70B model,
    should have fewer parameters and more training tokens:

    >>> from compute_econ import scaling
    >>> target = float(scaling.DEFAULT_FIT.loss(70e9, 1.4e12))
    >>> plain, aware = (scaling.inference_aware_optimal(target, t) for t in (0.0, 1e14))
    >>> bool(aware.n_params < plain.n_params), bool(aware.n_tokens > plain.n_tokens)
    (True, True)
    """
    N = scalar("n_params_active", n_params_active, 1.0, _MAX_PARAMS)
    D = scalar("training_tokens", training_tokens, 1.0, _MAX_TOKENS, unit="tokens")
    T = array("tokens_served", tokens_served, 0.0, _MAX_TOKENS, unit="tokens")
    train = FLOP_PER_PARAM_PER_TRAINING_TOKEN * N * D
    serve = finite_result("serving FLOP", FLOP_PER_PARAM_PER_INFERENCE_TOKEN * N * T, "tokens_served")
    total = train + serve
    exceeds = serve > train
    return LifetimeCompute(
        training_flop=train, serving_flop=scalar_or_array(serve), total_flop=scalar_or_array(total),
        frac_serving=scalar_or_array(serve / total),
        breakeven_tokens_served=train / (FLOP_PER_PARAM_PER_INFERENCE_TOKEN * N),
        serving_exceeds_training=bool(exceeds) if exceeds.ndim == 0 else exceeds,
    )


@dataclass(frozen=True, eq=False)
class LifetimeCost(ArrayRecord):
    """Training cost against cumulative serving cost (returned by :func:`lifetime_cost`).

    Attributes
    ----------
    training_usd : float
        The training bill, USD.
    serving_usd : float or numpy.ndarray
        Tokens served x cost per token, USD.
    total_usd : float or numpy.ndarray
        Their sum, USD.
    frac_serving : float or numpy.ndarray
        Serving's share of the total.
    breakeven_tokens_served : float
        Tokens at which the serving bill equals the training bill.
    """

    training_usd: float
    serving_usd: FloatOrArray
    total_usd: FloatOrArray
    frac_serving: FloatOrArray
    breakeven_tokens_served: float


def lifetime_cost(training_usd: float, usd_per_m_tokens: float, tokens_served: ArrayLike) -> LifetimeCost:
    """Training cost plus the cost of serving ``tokens_served`` tokens at ``usd_per_m_tokens``.

    .. math:: T_\\text{break-even} = \\frac{\\$_\\text{train}}{c / 10^6}

    Parameters
    ----------
    training_usd : float
        Cost of training, USD, in (0, 1e13].
    usd_per_m_tokens : float
        Cost (or price) of serving a million tokens, USD, in (0, 1e6] (e.g. from
        :func:`~compute_econ.serving.serving_estimate`).
    tokens_served : array_like
        Cumulative tokens served, in [0, 1e18].

    Returns
    -------
    LifetimeCost

    References
    ----------
    Sardana et al. 2023, arXiv:2401.00448, Section 2 (lifetime cost = training + inference);
    DeepSeek-AI 2024, arXiv:2412.19437, Table 1 (DeepSeek-V3's $5.576M training cost).

    Examples
    --------
    >>> c = lifetime_cost(DEEPSEEK_V3_TRAINING_USD, 1.10, 1e12)  # at DeepSeek's V3 output price
    >>> round(c.serving_usd / 1e6, 2), f"{c.breakeven_tokens_served:.3g}"
    (1.1, '5.07e+12')
    """
    train = scalar("training_usd", training_usd, 0.0, _MAX_USD, low_open=True, unit="USD")
    price = scalar("usd_per_m_tokens", usd_per_m_tokens, 0.0, 1e6, low_open=True, unit="USD per million tokens")
    T = array("tokens_served", tokens_served, 0.0, _MAX_TOKENS, unit="tokens")
    serve = finite_result("serving cost", T * price / 1e6, "tokens_served, usd_per_m_tokens")
    total = train + serve
    return LifetimeCost(
        training_usd=train, serving_usd=scalar_or_array(serve), total_usd=scalar_or_array(total),
        frac_serving=scalar_or_array(serve / total),
        breakeven_tokens_served=finite_result("break-even tokens", train / price * 1e6, "training_usd, usd_per_m_tokens"),
    )
