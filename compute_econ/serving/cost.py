"""What a token costs: dollars per million input and output tokens, and the throughput-latency frontier.

A replica costs its accelerators' hourly price whether it is busy or not. Divide by the
tokens it produces in that hour and you have the cost of a token:

* input (prompt) tokens go through prefill, batched and compute-bound: thousands per second
  per accelerator;
* output tokens come one decode step at a time, memory-bound at small batch: each step reads
  all the weights for a handful of tokens.

So an output token costs several times an input token, which is why providers price them
apart (:func:`serving_estimate`, ``output_to_input_cost_ratio``). Raising the batch spreads
each step's weight reads over more users: the cost per token falls while each user's speed
falls too, until memory runs out (the KV cache) or the step turns compute-bound: a frontier,
not a point (:func:`throughput_latency_frontier`).

The hourly price is the caller's: a rental price (e.g.
:data:`compute_econ.costs.H100_LAMBDA_2024`), or the cost of owning from
:func:`compute_econ.costs.owned_cost_per_accelerator_hour`, which is already per *used* hour
(pass ``frac_time_busy=1`` then, so utilisation is not counted twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
    usd_per_hour,
)

from .architecture import ModelArchitecture, _batch, _context
from .speed import Deployment, decode_step, memory_use, prefill

__all__ = [
    "SECONDS_PER_HOUR",
    "usd_per_m_tokens",
    "ServingEstimate",
    "serving_estimate",
    "throughput_latency_frontier",
]

SECONDS_PER_HOUR = 3600.0
_MAX_ACCELERATORS = 1e7
_MAX_TOKENS_PER_S = 1e12


def usd_per_m_tokens(
    usd_per_accelerator_hour: ArrayLike,
    n_accelerators: ArrayLike,
    tokens_per_s: ArrayLike,
    frac_time_busy: ArrayLike = 1.0,
) -> FloatOrArray:
    """Dollars per million tokens from an hourly price, the accelerators used and the token rate.

    .. math:: c = \\frac{p_h \\, n}{3600 \\, r \\, u} \\times 10^6

    Parameters
    ----------
    usd_per_accelerator_hour : array_like
        Price of one accelerator-hour, USD, in (0, 10,000]. A rental is paid busy or idle; for
        owned hardware pass :func:`compute_econ.costs.owned_cost_per_accelerator_hour` at the
        utilisation, which is already per used hour, with ``frac_time_busy=1``.
    n_accelerators : array_like
        Accelerators producing the tokens, in [1, 1e7].
    tokens_per_s : array_like
        Tokens they produce per second while busy, in (0, 1e12].
    frac_time_busy : array_like
        Share of the paid hours spent producing tokens, in (0, 1].

    Returns
    -------
    float or numpy.ndarray
        USD per million tokens (in the price's dollar year).

    References
    ----------
    Cost per unit = price per hour / units per hour; the same accounting as Cottier et al.
    2024, arXiv:2405.21015, Section 2 (chip-hours x price), per token instead of per run.

    Examples
    --------
    >>> round(usd_per_m_tokens(2.0, 8, 2000.0), 3)  # 8 GPUs at $2/h making 2,000 tokens/s
    2.222
    """
    p = usd_per_hour("usd_per_accelerator_hour", usd_per_accelerator_hour)
    n = array("n_accelerators", n_accelerators, 1.0, _MAX_ACCELERATORS)
    r = array("tokens_per_s", tokens_per_s, 0.0, _MAX_TOKENS_PER_S, low_open=True, unit="tokens/s")
    u = array("frac_time_busy", frac_time_busy, 0.0, 1.0, low_open=True)
    p, n, r, u = broadcast({"usd_per_accelerator_hour": np.asarray(p), "n_accelerators": n, "tokens_per_s": r,
                            "frac_time_busy": u})
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        out = p * n / (SECONDS_PER_HOUR * r * u) * 1e6
    return scalar_or_array(finite_result("USD per million tokens", out, "tokens_per_s, frac_time_busy"))


@dataclass(frozen=True, eq=False)
class ServingEstimate(ArrayRecord):
    """Speed and cost of serving requests on one replica (returned by :func:`serving_estimate`).

    Attributes
    ----------
    batch_size : float or numpy.ndarray
        Requests decoded together.
    prompt_tokens, output_tokens : float
        Tokens in and out per request.
    fits : bool or numpy.ndarray
        True where weights plus the batch's KV cache at the full context fit the replica.
    frac_memory_used : float or numpy.ndarray
        Memory needed over usable memory at the full context (above 1: does not fit).
    max_batch_size : float
        Largest batch that fits at the full context (prompt + output).
    time_to_first_token_s : float
        Prefill of one prompt alone, s (queueing not included).
    time_per_output_token_s : float or numpy.ndarray
        One decode step at the mean context (prompt + output / 2), s.
    tokens_per_s_per_user : float or numpy.ndarray
        1 / time per output token.
    output_tokens_per_s_per_accelerator, input_tokens_per_s_per_accelerator : float or numpy.ndarray
        Decode and prefill throughput of the replica per accelerator.
    request_latency_s : float or numpy.ndarray
        Time to first token plus output tokens x time per output token, s.
    memory_bound : bool or numpy.ndarray
        True where the decode step is memory-bound.
    usd_per_m_input, usd_per_m_output : float or numpy.ndarray
        Cost of a million prompt tokens (prefill time) and of a million output tokens (decode time), USD.
    output_to_input_cost_ratio : float or numpy.ndarray
        ``usd_per_m_output / usd_per_m_input``.
    usd_per_replica_hour : float
        Hourly price of the replica's accelerators, USD.
    """

    batch_size: FloatOrArray
    prompt_tokens: float
    output_tokens: float
    fits: bool | np.ndarray
    frac_memory_used: FloatOrArray
    max_batch_size: float
    time_to_first_token_s: float
    time_per_output_token_s: FloatOrArray
    tokens_per_s_per_user: FloatOrArray
    output_tokens_per_s_per_accelerator: FloatOrArray
    input_tokens_per_s_per_accelerator: FloatOrArray
    request_latency_s: FloatOrArray
    memory_bound: bool | np.ndarray
    usd_per_m_input: FloatOrArray
    usd_per_m_output: FloatOrArray
    output_to_input_cost_ratio: FloatOrArray
    usd_per_replica_hour: float


def _check(architecture: Any, deployment: Any) -> tuple[ModelArchitecture, Deployment]:
    return (instance("architecture", architecture, ModelArchitecture),
            instance("deployment", deployment, Deployment))


def _request_tokens(arch: ModelArchitecture, prompt_tokens: Any, output_tokens: Any) -> tuple[float, float]:
    P = float(_context(arch, scalar("prompt_tokens", prompt_tokens), "prompt_tokens"))
    n_out = float(_context(arch, scalar("output_tokens", output_tokens), "output_tokens"))
    if P + n_out > arch.context_tokens:
        raise ValueError(f"prompt_tokens + output_tokens must be at most {arch.name}'s context window of "
                         f"{arch.context_tokens:,} tokens, got {P + n_out:g}")
    return P, n_out


def serving_estimate(
    architecture: ModelArchitecture,
    deployment: Deployment,
    batch_size: ArrayLike,
    prompt_tokens: float,
    output_tokens: float,
    usd_per_accelerator_hour: float,
    frac_time_busy: float = 1.0,
) -> ServingEstimate:
    """Memory, speed and cost per token of serving requests of ``prompt_tokens`` in, ``output_tokens`` out.

    Input tokens are charged the prefill time of a batch of prompts, output tokens the decode
    time (the standard split: prefill and decode are different work):

    .. math::

        c_\\text{in} = \\frac{p_h n}{3600\\, u\\, r_\\text{prefill}} 10^6, \\qquad
        c_\\text{out} = \\frac{p_h n}{3600\\, u\\, B / t_\\text{step}} 10^6

    Prefill is compute-bound, so :math:`r_\\text{prefill} \\approx P_\\text{FLOP} / 2N`; decode at a
    batch :math:`B` produces :math:`B` tokens per step of :math:`t_\\text{step} \\ge N b_W / W`. Their
    ratio is :math:`\\approx (P_\\text{FLOP}/W)\\, b_W / (2 B)`: the accelerator's ridge point over the
    batch. For a 70B model in BF16 on H100s (ridge 295 FLOP/byte), output tokens cost about 300
    times input tokens at batch 1, 10 times at batch 32 and 3 times at batch 128. Published API
    prices charge output 1 to 5 times input, 4 times at the median (``data/api_prices.csv``).

    Every number is computed whether or not the batch fits in memory: read ``fits``.

    Parameters
    ----------
    architecture : ModelArchitecture
    deployment : Deployment
    batch_size : array_like
        Requests decoded together, in [1, 1e6] (vectorised: pass an array for a curve).
    prompt_tokens, output_tokens : float
        Tokens per request in and out, each >= 1, together within the model's context window.
    usd_per_accelerator_hour : float
        Price of one accelerator-hour, USD, in (0, 10,000] (see :func:`usd_per_m_tokens`).
    frac_time_busy : float
        Share of paid hours spent serving, in (0, 1].

    Returns
    -------
    ServingEstimate

    References
    ----------
    Pope et al. 2022, arXiv:2211.05102, Sections 2 and 4 (prefill vs generation; cost per token
    against latency); Agrawal et al. 2024, "Sarathi-Serve", arXiv:2403.02310, Section 2
    (prefill is compute-bound, decode memory-bound; batching decodes raises throughput).

    Examples
    --------
    >>> from compute_econ.serving import Deployment, get_architecture
    >>> est = serving_estimate(get_architecture("Llama 3.1 70B"), Deployment(n_accelerators=8),
    ...                        batch_size=32, prompt_tokens=1000, output_tokens=500, usd_per_accelerator_hour=2.0)
    >>> round(est.tokens_per_s_per_user), round(est.usd_per_m_output, 2), round(est.output_to_input_cost_ratio, 1)
    (174, 0.8, 10.0)
    """
    arch, dep = _check(architecture, deployment)
    B = _batch(batch_size)
    P, n_out = _request_tokens(arch, prompt_tokens, output_tokens)
    price = float(usd_per_hour("usd_per_accelerator_hour", scalar("usd_per_accelerator_hour", usd_per_accelerator_hour)))
    busy = scalar("frac_time_busy", frac_time_busy, 0.0, 1.0, low_open=True)
    mem = memory_use(arch, dep, B, P + n_out)
    first = prefill(arch, dep, P, 1.0)
    batch_prefill = prefill(arch, dep, P, B)
    step = decode_step(arch, dep, B, P + n_out / 2.0)
    n = dep.n_accelerators
    tpot = np.asarray(step.time_per_token_s)
    in_cost = np.asarray(usd_per_m_tokens(price, n, batch_prefill.tokens_per_s, busy))
    out_cost = np.asarray(usd_per_m_tokens(price, n, step.tokens_per_s, busy))
    return ServingEstimate(
        batch_size=scalar_or_array(B), prompt_tokens=P, output_tokens=n_out, fits=mem.fits,
        frac_memory_used=mem.frac_memory_used, max_batch_size=float(np.asarray(memory_use(arch, dep, 1.0, P + n_out).max_batch_size)),
        time_to_first_token_s=float(np.asarray(first.time_s)), time_per_output_token_s=scalar_or_array(tpot),
        tokens_per_s_per_user=scalar_or_array(1.0 / tpot),
        output_tokens_per_s_per_accelerator=step.tokens_per_s_per_accelerator,
        input_tokens_per_s_per_accelerator=batch_prefill.tokens_per_s_per_accelerator,
        request_latency_s=scalar_or_array(float(np.asarray(first.time_s)) + n_out * tpot), memory_bound=step.memory_bound,
        usd_per_m_input=scalar_or_array(in_cost), usd_per_m_output=scalar_or_array(out_cost),
        output_to_input_cost_ratio=scalar_or_array(np.asarray(batch_prefill.tokens_per_s) / np.asarray(step.tokens_per_s)), usd_per_replica_hour=price * n,
    )


def throughput_latency_frontier(
    architecture: ModelArchitecture,
    deployment: Deployment,
    prompt_tokens: float,
    output_tokens: float,
    usd_per_accelerator_hour: float,
    frac_time_busy: float = 1.0,
) -> ServingEstimate:
    """The cost-per-token against tokens-per-second-per-user frontier, over every batch that fits.

    Batch sizes 1, 2, 4, ... up to and including the largest batch whose KV cache fits at the
    full context (:func:`~compute_econ.serving.max_batch_size`); each point is a
    :func:`serving_estimate`. Along it, a bigger batch buys cheaper tokens with slower
    generation for every user; the chosen operating point is a business decision (a chat
    product needs ~20+ tokens/s per user, a batch job does not).

    Parameters
    ----------
    architecture : ModelArchitecture
    deployment : Deployment
    prompt_tokens, output_tokens : float
        Tokens per request in and out.
    usd_per_accelerator_hour : float
        Price of one accelerator-hour, USD.
    frac_time_busy : float
        Share of paid hours spent serving, in (0, 1].

    Returns
    -------
    ServingEstimate
        With array fields over the batch sizes (``batch_size``).

    Raises
    ------
    ValueError
        If not even one sequence fits beside the weights.

    References
    ----------
    Pope et al. 2022, arXiv:2211.05102, Figure 1 and Section 4 (the Pareto frontier of cost per
    token, as MFU, against latency per token, over batch sizes and partitionings).

    Examples
    --------
    >>> from compute_econ.serving import Deployment, get_architecture
    >>> f = throughput_latency_frontier(get_architecture("Llama 3.1 70B"), Deployment(n_accelerators=8),
    ...                                 1000, 500, 2.0)
    >>> int(f.batch_size[0]), int(f.batch_size[-1]), bool(f.usd_per_m_output[-1] < f.usd_per_m_output[0])
    (1, 884, True)
    """
    arch, dep = _check(architecture, deployment)
    P, n_out = _request_tokens(arch, prompt_tokens, output_tokens)
    largest = float(np.asarray(memory_use(arch, dep, 1.0, P + n_out).max_batch_size))
    if largest < 1:
        raise ValueError(
            f"nothing fits: the weights of {arch.name} and the KV cache of one sequence of prompt_tokens + "
            f"output_tokens = {P + n_out:g} tokens exceed the usable memory of the deployment ({dep})")
    powers = 2.0 ** np.arange(0, int(np.floor(np.log2(largest))) + 1)
    batches = np.unique(np.append(powers, largest))
    return serving_estimate(arch, dep, batches, P, n_out, usd_per_accelerator_hour, frac_time_busy)
