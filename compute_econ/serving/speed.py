"""How fast a replica serves: what fits in memory, prefill (compute-bound) and decode (memory-bound).

A *replica* is one copy of the model on ``n_accelerators`` accelerators joined by tensor
parallelism (a node: 8 GPUs over NVLink). Every formula here is the roofline of Williams et
al. (2009): a step takes the longer of the time to move its bytes and the time to do its
FLOP, so the results are **bounds** (the fastest the hardware allows). Real serving stacks
reach a fraction of them; :class:`Deployment` takes that fraction (``frac_peak_bandwidth``,
``frac_peak_flop``) and a scaling efficiency for tensor parallelism (``tp_efficiency``), all
1 by default (the bound). The tests compare the bound with published measurements.

* :class:`Deployment` - accelerator, how many per replica, number formats, efficiencies.
* :func:`memory_use` - weights plus KV cache against the replica's memory; the largest batch
  that fits at a context length.
* :func:`decode_step` - one step of generation for a batch: bytes read (weights, or the
  experts a mixture of experts touches, plus every sequence's KV cache) against FLOP
  (2 x active parameters x batch, plus attention); tokens per second per user and per accelerator.
* :func:`prefill` - processing a prompt: time to first token.
* :func:`batch_generation` - a whole batch of requests, prefill then every decode step as the
  context grows: the throughput a benchmark of that batch measures, bounded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from compute_econ._records import ArrayRecord
from compute_econ._validate import (FloatOrArray, broadcast, choice, finite_result, instance, integer, scalar,
                                    scalar_or_array)
from compute_econ.hardware import REFERENCE_ACCELERATOR, Accelerator, peak_flop_per_s_for

from .architecture import (
    MAX_BATCH_SIZE,
    PRECISIONS,
    ModelArchitecture,
    _batch,
    _context,
    attention_flop_per_token,
    bytes_per_element,
    kv_cache_bytes_per_token,
    params_read_per_step,
)

__all__ = [
    "DEFAULT_FRAC_MEMORY_USABLE",
    "MAX_ACCELERATORS_PER_REPLICA",
    "ATTENTION_SHARDINGS",
    "Deployment",
    "kv_replication",
    "MemoryUse",
    "memory_use",
    "max_batch_size",
    "DecodeStep",
    "decode_step",
    "Prefill",
    "prefill",
    "BatchGeneration",
    "batch_generation",
]

#: Share of accelerator memory the model may fill with weights and KV cache: 0.9, vLLM's
#: default ``gpu_memory_utilization`` ("the fraction of GPU memory to be used for the model
#: executor"; the rest holds activations, the CUDA context and fragmentation). vLLM engine
#: arguments documentation (docs.vllm.ai, "Engine Arguments", --gpu-memory-utilization).
DEFAULT_FRAC_MEMORY_USABLE = 0.9
#: Ways of splitting attention over a replica's accelerators (see :class:`Deployment`).
ATTENTION_SHARDINGS: tuple[str, ...] = ("heads", "batch")
#: The most accelerators one replica may span (tensor parallelism beyond a rack is not modelled).
MAX_ACCELERATORS_PER_REPLICA = 1024


def _fraction(name: str, value: Any) -> float:
    return scalar(name, value, 0.0, 1.0, low_open=True)


@dataclass(frozen=True)
class Deployment:
    """How one replica of a model is served.

    Attributes
    ----------
    accelerator : Accelerator
        The accelerator (a :mod:`compute_econ.hardware` catalogue row); default the H100 SXM.
    n_accelerators : int
        Accelerators per replica, joined by tensor parallelism, in [1, 1024] (8 = one node).
    weight_precision : str
        Number format of the weights: "bf16", "fp8" (computes at the FP8 peak; the accelerator
        must have FP8 units), "int8" or "int4" (weight-only quantisation, computes at BF16).
    kv_precision : str
        Number format of the KV cache ("bf16" or "fp8" in practice).
    frac_memory_usable : float
        Share of memory for weights and KV cache, in (0, 1]; default
        :data:`DEFAULT_FRAC_MEMORY_USABLE` (vLLM's 0.9).
    frac_peak_flop : float
        Achieved share of peak FLOP/s in compute-bound work (MFU), in (0, 1]; 1 gives the bound.
    frac_peak_bandwidth : float
        Achieved share of peak memory bandwidth in memory-bound work (MBU), in (0, 1]; 1 gives the bound.
    tp_efficiency : float
        Share of linear speed-up kept when ``n_accelerators > 1`` (the rest is lost to the
        all-reduces of tensor parallelism), in (0, 1]; 1 gives the bound. An **estimate** to set:
        the kit has no cited default.
    attention_sharding : str
        How attention and its KV cache are split over the accelerators: ``"heads"`` (tensor
        parallelism; KV heads are duplicated when there are fewer than accelerators, see
        :func:`kv_replication`) or ``"batch"`` (each accelerator attends for its share of the
        sequences and holds only their cache: Pope et al.'s batch-sharded multiquery attention,
        SGLang's data-parallel attention for DeepSeek models).

    References
    ----------
    Williams, Waterman & Patterson 2009, "Roofline", CACM 52(4), Section 2; Shoeybi et al. 2019,
    "Megatron-LM", arXiv:1909.08053, Section 3 (tensor parallelism: two all-reduces per layer).
    """

    accelerator: Accelerator = REFERENCE_ACCELERATOR
    n_accelerators: int = 1
    weight_precision: str = "bf16"
    kv_precision: str = "bf16"
    frac_memory_usable: float = DEFAULT_FRAC_MEMORY_USABLE
    frac_peak_flop: float = 1.0
    frac_peak_bandwidth: float = 1.0
    tp_efficiency: float = 1.0
    attention_sharding: str = "heads"

    def __post_init__(self) -> None:
        store = object.__setattr__
        store(self, "accelerator", instance("accelerator", self.accelerator, Accelerator))
        store(self, "n_accelerators", integer("n_accelerators", self.n_accelerators, 1, MAX_ACCELERATORS_PER_REPLICA))
        store(self, "weight_precision", choice("weight_precision", self.weight_precision, PRECISIONS))
        store(self, "kv_precision", choice("kv_precision", self.kv_precision, PRECISIONS))
        if self.weight_precision == "fp8" and self.accelerator.peak_flop_per_s_fp8 is None:
            raise ValueError(f"weight_precision 'fp8' needs FP8 units, which {self.accelerator.name} lacks; "
                             "use 'bf16', 'int8' or 'int4'")
        for field in ("frac_memory_usable", "frac_peak_flop", "frac_peak_bandwidth", "tp_efficiency"):
            store(self, field, _fraction(field, getattr(self, field)))
        store(self, "attention_sharding", choice("attention_sharding", self.attention_sharding, ATTENTION_SHARDINGS))

    @property
    def _scaling(self) -> float:
        return self.tp_efficiency if self.n_accelerators > 1 else 1.0

    @property
    def flop_per_s(self) -> float:
        """Achievable FLOP/s of the replica: n x peak (FP8 peak for FP8 weights, else BF16) x MFU x TP efficiency."""
        precision = "fp8" if self.weight_precision == "fp8" else "bf16"
        peak = peak_flop_per_s_for(self.accelerator, precision)
        return self.n_accelerators * peak * self.frac_peak_flop * self._scaling

    @property
    def bytes_per_s(self) -> float:
        """Achievable memory bandwidth of the replica: n x peak x MBU x TP efficiency, bytes/s."""
        return self.n_accelerators * self.accelerator.memory_bytes_per_s * self.frac_peak_bandwidth * self._scaling

    @property
    def memory_capacity_bytes(self) -> float:
        """Memory the replica may fill with weights and KV cache: n x memory x usable share, bytes."""
        return self.n_accelerators * self.accelerator.memory_bytes * self.frac_memory_usable

    def __str__(self) -> str:
        return (f"{self.n_accelerators} x {self.accelerator.name}, {self.weight_precision} weights, "
                f"{self.kv_precision} KV cache")


def _deployment(value: Any) -> Deployment:
    return instance("deployment", value, Deployment)


def _architecture(value: Any) -> ModelArchitecture:
    return instance("architecture", value, ModelArchitecture)


def kv_replication(architecture: ModelArchitecture, deployment: Deployment) -> float:
    """How many copies of the KV cache a tensor-parallel replica holds (1 = none duplicated).

    Tensor parallelism splits attention by heads. Grouped-query attention with
    :math:`n_{kv}` KV heads on :math:`n` accelerators stores :math:`\\lceil n_{kv}/n \\rceil` heads
    per accelerator, so beyond :math:`n = n_{kv}` heads are duplicated:
    :math:`r = n \\lceil n_{kv}/n \\rceil / n_{kv}`. Multi-head latent attention caches one latent
    per token that every head reads, so each accelerator holds all of it: :math:`r = n`.
    Sharding attention by batch instead (``attention_sharding="batch"``) keeps one copy: :math:`r = 1`.

    Parameters
    ----------
    architecture : ModelArchitecture
    deployment : Deployment

    References
    ----------
    Pope et al. 2022, arXiv:2211.05102, Section 3.3 (with multiquery attention, sharding the KV
    cache by heads replicates it; they shard it by batch instead); LMSYS, "SGLang v0.4"
    (2024-12-04), data-parallelism attention for DeepSeek models (tensor parallelism duplicates
    MLA's cache on every GPU), linked from the deepseek-ai/DeepSeek-V3 README.

    Examples
    --------
    >>> from compute_econ.serving import get_architecture
    >>> kv_replication(get_architecture("Llama 3.1 70B"), Deployment(n_accelerators=16))
    2.0
    """
    arch = _architecture(architecture)
    dep = _deployment(deployment)
    n = dep.n_accelerators
    if dep.attention_sharding == "batch":
        return 1.0
    if arch.attention == "mla":
        return float(n)
    return n * math.ceil(arch.n_kv_heads / n) / arch.n_kv_heads


@dataclass(frozen=True, eq=False)
class MemoryUse(ArrayRecord):
    """What a replica holds, and whether it fits (returned by :func:`memory_use`).

    Attributes
    ----------
    weights_bytes : float
        All weights at the deployment's precision, bytes.
    kv_cache_bytes : float or numpy.ndarray
        KV cache of the batch at the context, including copies (:func:`kv_replication`), bytes.
    total_bytes : float or numpy.ndarray
        Weights plus KV cache, bytes.
    capacity_bytes : float
        Usable memory of the replica, bytes.
    frac_memory_used : float or numpy.ndarray
        ``total_bytes / capacity_bytes`` (above 1: does not fit).
    fits : bool or numpy.ndarray
        True where the total fits the capacity.
    max_batch_size : float or numpy.ndarray
        Largest whole batch that fits at this context (0 when the weights alone do not fit).
    kv_bytes_per_token : float
        KV cache per token of context, bytes (one copy).
    """

    weights_bytes: float
    kv_cache_bytes: FloatOrArray
    total_bytes: FloatOrArray
    capacity_bytes: float
    frac_memory_used: FloatOrArray
    fits: bool | np.ndarray
    max_batch_size: FloatOrArray
    kv_bytes_per_token: float


def _flag(x: np.ndarray) -> bool | np.ndarray:
    return bool(x) if np.ndim(x) == 0 else x


def memory_use(
    architecture: ModelArchitecture, deployment: Deployment, batch_size: ArrayLike, context_tokens: ArrayLike
) -> MemoryUse:
    """Weights plus the KV cache of ``batch_size`` sequences of ``context_tokens`` tokens, against memory.

    .. math::

        M = N_\\text{total} b_W + r\\,B\\,T\\,m_{kv} \\le n\\,M_\\text{acc}\\,f_\\text{usable},
        \\qquad B_\\text{max}(T) = \\left\\lfloor \\frac{n M_\\text{acc} f_\\text{usable} - N_\\text{total} b_W}{r\\,T\\,m_{kv}} \\right\\rfloor

    A mixture of experts holds every expert (DeepSeek-V3: 671 GB in FP8, more than the 640 GB
    of a node of eight 80 GB H100s).

    Parameters
    ----------
    architecture : ModelArchitecture
    deployment : Deployment
    batch_size : array_like
        Sequences held at once, in [1, 1e6].
    context_tokens : array_like
        Tokens per sequence, in [1, the model's context window].

    Returns
    -------
    MemoryUse

    References
    ----------
    Pope et al. 2022, arXiv:2211.05102, Section 2 (memory: weights and KV cache); Kwon et al.
    2023, "PagedAttention" (vLLM), arXiv:2309.06180, Section 2.3 (the KV cache limits the batch).

    Examples
    --------
    >>> from compute_econ.serving import get_architecture
    >>> m = memory_use(get_architecture("Llama 3.1 70B"), Deployment(n_accelerators=2), 1, 8192)
    >>> bool(m.fits), int(m.max_batch_size)
    (True, 1)
    """
    arch = _architecture(architecture)
    dep = _deployment(deployment)
    B, T = broadcast({"batch_size": _batch(batch_size), "context_tokens": _context(arch, context_tokens)})
    weights = arch.n_params_total * bytes_per_element(dep.weight_precision)
    per_token = kv_cache_bytes_per_token(arch, dep.kv_precision)
    r = kv_replication(arch, dep)
    kv = r * B * T * per_token
    total = weights + kv
    cap = dep.memory_capacity_bytes
    max_batch = np.floor(np.maximum(cap - weights, 0.0) / (r * T * per_token))
    return MemoryUse(
        weights_bytes=weights,
        kv_cache_bytes=scalar_or_array(kv),
        total_bytes=scalar_or_array(total),
        capacity_bytes=cap,
        frac_memory_used=scalar_or_array(total / cap),
        fits=_flag(total <= cap),
        max_batch_size=scalar_or_array(np.broadcast_to(np.minimum(max_batch, 1e6), np.shape(total)).copy()),
        kv_bytes_per_token=per_token,
    )


def max_batch_size(architecture: ModelArchitecture, deployment: Deployment, context_tokens: ArrayLike) -> FloatOrArray:
    """The largest whole batch whose KV cache fits beside the weights at ``context_tokens`` (0: none fits).

    Parameters
    ----------
    architecture : ModelArchitecture
    deployment : Deployment
    context_tokens : array_like
        Tokens per sequence, in [1, the model's context window].

    References
    ----------
    As :func:`memory_use`.

    Examples
    --------
    >>> from compute_econ.serving import get_architecture
    >>> max_batch_size(get_architecture("Llama 3.1 70B"), Deployment(n_accelerators=8), [4096, 131072])
    array([324.,  10.])
    """
    return memory_use(architecture, deployment, 1.0, context_tokens).max_batch_size


@dataclass(frozen=True, eq=False)
class DecodeStep(ArrayRecord):
    """One decode step of a batch on one replica (returned by :func:`decode_step`).

    Attributes
    ----------
    batch_size, context_tokens : float or numpy.ndarray
        The inputs, broadcast.
    weight_bytes_read, kv_bytes_read : float or numpy.ndarray
        Bytes read per step: weights (the experts touched, for a mixture of experts) and the
        batch's KV cache (with copies), bytes.
    flop : float or numpy.ndarray
        FLOP per step: batch x (2 x active parameters + attention).
    memory_time_s, compute_time_s : float or numpy.ndarray
        Bytes over bandwidth, FLOP over FLOP/s, seconds.
    time_per_token_s : float or numpy.ndarray
        The longer of the two: time per output token for every sequence in the batch, s.
    memory_bound : bool or numpy.ndarray
        True where moving bytes takes longer than computing.
    intensity_flop_per_byte : float or numpy.ndarray
        FLOP per byte moved (compare with the accelerator's ridge point).
    tokens_per_s_per_user : float or numpy.ndarray
        1 / time per token.
    tokens_per_s : float or numpy.ndarray
        Output tokens per second of the replica (batch / time per token).
    tokens_per_s_per_accelerator : float or numpy.ndarray
        ``tokens_per_s / n_accelerators``.
    fits : bool or numpy.ndarray
        True where weights plus KV cache fit the replica's memory.
    """

    batch_size: FloatOrArray
    context_tokens: FloatOrArray
    weight_bytes_read: FloatOrArray
    kv_bytes_read: FloatOrArray
    flop: FloatOrArray
    memory_time_s: FloatOrArray
    compute_time_s: FloatOrArray
    time_per_token_s: FloatOrArray
    memory_bound: bool | np.ndarray
    intensity_flop_per_byte: FloatOrArray
    tokens_per_s_per_user: FloatOrArray
    tokens_per_s: FloatOrArray
    tokens_per_s_per_accelerator: FloatOrArray
    fits: bool | np.ndarray


def decode_step(
    architecture: ModelArchitecture, deployment: Deployment, batch_size: ArrayLike, context_tokens: ArrayLike
) -> DecodeStep:
    """Time of one decode step (one new token for each of ``batch_size`` sequences), from the roofline.

    .. math::

        t = \\max\\!\\left(\\frac{N_\\text{read}(B)\\,b_W + r\\,B\\,T\\,m_{kv}}{W},\\;
                          \\frac{B\\,(2N_\\text{active} + a(T))}{P}\\right)

    with :math:`N_\\text{read}` from :func:`~compute_econ.serving.params_read_per_step`,
    :math:`a(T)` from :func:`~compute_econ.serving.attention_flop_per_token`, :math:`W` and
    :math:`P` the replica's achievable bandwidth and FLOP/s. At batch 1 the weights dominate
    and a step takes about :math:`N b_W / W` (a 70B model in BF16 on one node of H100s:
    141 GB / 26.8 TB/s = 5.3 ms, under 190 tokens/s for one user); the step time hardly grows
    with the batch until the KV cache or the FLOP catch up, so tokens per second per
    accelerator rise almost in proportion to the batch, while each user's speed falls slowly.

    Parameters
    ----------
    architecture : ModelArchitecture
    deployment : Deployment
    batch_size : array_like
        Sequences decoded together, in [1, 1e6].
    context_tokens : array_like
        Tokens in each sequence's cache, in [1, the model's context window].

    Returns
    -------
    DecodeStep

    References
    ----------
    Williams, Waterman & Patterson 2009, "Roofline", CACM 52(4), Section 2; Pope et al. 2022,
    arXiv:2211.05102, Section 2 (decode is memory-bound at small batch: every step reads all
    weights and the KV cache); Kaplan et al. 2020, arXiv:2001.08361, Section 2.1 (2N FLOP per token).

    Examples
    --------
    >>> from compute_econ.serving import get_architecture
    >>> step = decode_step(get_architecture("Llama 3.1 70B"), Deployment(n_accelerators=8), 1, 1024)
    >>> round(step.time_per_token_s * 1e3, 2), bool(step.memory_bound)
    (5.28, True)
    """
    arch = _architecture(architecture)
    dep = _deployment(deployment)
    B = _batch(batch_size)
    T = _context(arch, context_tokens)
    B, T = broadcast({"batch_size": B, "context_tokens": T})
    weights = np.asarray(params_read_per_step(arch, B)) * bytes_per_element(dep.weight_precision)
    r = kv_replication(arch, dep)
    kv = r * B * T * kv_cache_bytes_per_token(arch, dep.kv_precision)
    flop = B * (2.0 * arch.n_params_active + np.asarray(attention_flop_per_token(arch, T)))
    t_mem = (weights + kv) / dep.bytes_per_s
    t_cmp = flop / dep.flop_per_s
    t = finite_result("decode step time", np.maximum(t_mem, t_cmp), "batch_size, context_tokens, deployment")
    fits = np.asarray(memory_use(arch, dep, B, T).fits)
    return DecodeStep(
        batch_size=scalar_or_array(B), context_tokens=scalar_or_array(T),
        weight_bytes_read=scalar_or_array(weights), kv_bytes_read=scalar_or_array(kv), flop=scalar_or_array(flop),
        memory_time_s=scalar_or_array(t_mem), compute_time_s=scalar_or_array(t_cmp), time_per_token_s=scalar_or_array(t),
        memory_bound=_flag(t_mem >= t_cmp), intensity_flop_per_byte=scalar_or_array(flop / (weights + kv)),
        tokens_per_s_per_user=scalar_or_array(1.0 / t), tokens_per_s=scalar_or_array(B / t),
        tokens_per_s_per_accelerator=scalar_or_array(B / t / dep.n_accelerators), fits=_flag(fits),
    )


@dataclass(frozen=True, eq=False)
class Prefill(ArrayRecord):
    """Processing prompts on one replica (returned by :func:`prefill`).

    Attributes
    ----------
    prompt_tokens, batch_size : float or numpy.ndarray
        The inputs, broadcast.
    flop : float or numpy.ndarray
        batch x (2 x active parameters x prompt + causal attention), FLOP.
    bytes_moved : float or numpy.ndarray
        Weights read once (the experts touched) plus the KV cache written, bytes.
    compute_time_s, memory_time_s : float or numpy.ndarray
        FLOP over FLOP/s, bytes over bandwidth, seconds.
    time_s : float or numpy.ndarray
        The longer of the two: the time to first token of a request prefilled alone (batch 1), s.
    compute_bound : bool or numpy.ndarray
        True where computing takes longer than moving bytes.
    tokens_per_s : float or numpy.ndarray
        Prompt tokens processed per second by the replica.
    tokens_per_s_per_accelerator : float or numpy.ndarray
        ``tokens_per_s / n_accelerators``.
    """

    prompt_tokens: FloatOrArray
    batch_size: FloatOrArray
    flop: FloatOrArray
    bytes_moved: FloatOrArray
    compute_time_s: FloatOrArray
    memory_time_s: FloatOrArray
    time_s: FloatOrArray
    compute_bound: bool | np.ndarray
    tokens_per_s: FloatOrArray
    tokens_per_s_per_accelerator: FloatOrArray


def prefill(
    architecture: ModelArchitecture, deployment: Deployment, prompt_tokens: ArrayLike, batch_size: ArrayLike = 1.0
) -> Prefill:
    """Time to process ``batch_size`` prompts of ``prompt_tokens`` tokens in one pass (time to first token).

    All prompt tokens go through the weights together, so the weights are read once for
    :math:`B \\cdot P` tokens and the pass is compute-bound beyond a few hundred tokens:

    .. math::

        t = \\max\\!\\left(\\frac{B\\,(2 N_\\text{active} P + a_1 P (P+1)/2)}{P_\\text{FLOP}},\\;
                          \\frac{N_\\text{read}(BP)\\,b_W + r B P m_{kv}}{W}\\right)

    where :math:`a_1 T` is the attention FLOP of one token over :math:`T` earlier tokens
    (causal attention: token :math:`t` attends to :math:`t` tokens).

    Parameters
    ----------
    architecture : ModelArchitecture
    deployment : Deployment
    prompt_tokens : array_like
        Tokens per prompt, in [1, the model's context window].
    batch_size : array_like
        Prompts processed together, in [1, 1e6]; default 1 (time to first token of one request).

    Returns
    -------
    Prefill

    References
    ----------
    Pope et al. 2022, arXiv:2211.05102, Sections 2 and 4 (prefill processes all input tokens in
    parallel and reaches 76% MFU at large batch on PaLM 540B; generation does not); Chowdhery et
    al. 2022, arXiv:2204.02311, Appendix B (attention FLOP).

    Examples
    --------
    >>> from compute_econ.serving import get_architecture
    >>> p = prefill(get_architecture("Llama 3.1 70B"), Deployment(n_accelerators=8), 2048)
    >>> round(p.time_s * 1e3, 1), bool(p.compute_bound)
    (37.2, True)
    """
    arch = _architecture(architecture)
    dep = _deployment(deployment)
    P = _context(arch, prompt_tokens, "prompt_tokens")
    B = _batch(batch_size)
    P, B = broadcast({"prompt_tokens": P, "batch_size": B})
    per_token_attention = np.asarray(attention_flop_per_token(arch, 1.0))
    flop = B * (2.0 * arch.n_params_active * P + per_token_attention * P * (P + 1.0) / 2.0)
    weights = np.asarray(params_read_per_step(arch, B * P)) * bytes_per_element(dep.weight_precision)
    kv = kv_replication(arch, dep) * B * P * kv_cache_bytes_per_token(arch, dep.kv_precision)
    t_cmp = flop / dep.flop_per_s
    t_mem = (weights + kv) / dep.bytes_per_s
    t = finite_result("prefill time", np.maximum(t_cmp, t_mem), "prompt_tokens, batch_size, deployment")
    return Prefill(
        prompt_tokens=scalar_or_array(P), batch_size=scalar_or_array(B), flop=scalar_or_array(flop),
        bytes_moved=scalar_or_array(weights + kv), compute_time_s=scalar_or_array(t_cmp),
        memory_time_s=scalar_or_array(t_mem), time_s=scalar_or_array(t), compute_bound=_flag(t_cmp >= t_mem),
        tokens_per_s=scalar_or_array(B * P / t), tokens_per_s_per_accelerator=scalar_or_array(B * P / t / dep.n_accelerators),
    )


@dataclass(frozen=True, eq=False)
class BatchGeneration(ArrayRecord):
    """A batch of requests served from first prompt token to last output token (returned by :func:`batch_generation`)."""

    batch_size: float
    prompt_tokens: float
    output_tokens: float
    prefill_s: float
    decode_s: float
    total_s: float
    output_tokens_per_s: float
    output_tokens_per_s_per_accelerator: float
    fits: bool


def batch_generation(
    architecture: ModelArchitecture, deployment: Deployment, batch_size: float, prompt_tokens: float,
    output_tokens: float,
) -> BatchGeneration:
    """Serve ``batch_size`` requests of ``prompt_tokens`` in and ``output_tokens`` out, start to finish.

    The prompts are prefilled together (:func:`prefill`), then ``output_tokens`` decode steps run
    (:func:`decode_step`), the context growing by one token each step from ``prompt_tokens + 1``
    to ``prompt_tokens + output_tokens``. Output tokens per second is ``batch_size x output_tokens``
    over the whole time: what a throughput benchmark of a fixed batch (such as NVIDIA's
    TensorRT-LLM tables) reports, here as the roofline's bound.

    Parameters
    ----------
    architecture : ModelArchitecture
    deployment : Deployment
    batch_size : float
        Requests served together, in [1, 1e6].
    prompt_tokens : float
        Tokens per prompt, at least 1; with ``output_tokens`` within the model's context window.
    output_tokens : float
        Tokens generated per request, at least 1.

    Returns
    -------
    BatchGeneration

    References
    ----------
    Pope et al. 2022, arXiv:2211.05102, Section 2 (prefill, then generation one token at a time);
    NVIDIA TensorRT-LLM, ``docs/source/performance.md`` (throughput of a fixed batch, input and
    output lengths), against which ``tests/test_serving.py`` compares this bound.

    Examples
    --------
    >>> from compute_econ.serving import get_architecture
    >>> g = batch_generation(get_architecture("Llama 3.1 70B"), Deployment(n_accelerators=8), 32, 1024, 512)
    >>> round(g.prefill_s, 2), round(g.decode_s, 2), bool(g.fits)
    (0.59, 2.95, True)
    """
    arch = _architecture(architecture)
    dep = _deployment(deployment)
    B = scalar("batch_size", batch_size, 1.0, MAX_BATCH_SIZE)
    P = scalar("prompt_tokens", prompt_tokens, 1.0, arch.context_tokens)
    n_out = scalar("output_tokens", output_tokens, 1.0, arch.context_tokens)
    if P + n_out > arch.context_tokens:
        raise ValueError(f"prompt_tokens + output_tokens must be at most {arch.name}'s context window of "
                         f"{arch.context_tokens:,} tokens, got {P:g} + {n_out:g}")
    P, n_out = float(round(P)), float(round(n_out))
    first = prefill(arch, dep, P, B)
    steps = decode_step(arch, dep, B, P + 1.0 + np.arange(n_out))
    decode_s = float(np.sum(steps.time_per_token_s))
    total = float(first.time_s) + decode_s
    fits = bool(np.asarray(memory_use(arch, dep, B, P + n_out).fits))
    return BatchGeneration(
        batch_size=B, prompt_tokens=P, output_tokens=n_out, prefill_s=float(first.time_s), decode_s=decode_s,
        total_s=total, output_tokens_per_s=B * n_out / total,
        output_tokens_per_s_per_accelerator=B * n_out / total / dep.n_accelerators, fits=fits,
    )
