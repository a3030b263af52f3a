"""Memory for training: what each accelerator must hold, and whether a layout fits.

Training a model keeps far more than its weights in memory. Rajbhandari et al. (2020, "ZeRO")
split it into *model states* (weights, gradients, optimiser states) and *residual states*
(activations, buffers); this module models the model states and the activations.

* :class:`TrainingPrecision` - bytes per parameter for weights, gradients and optimiser states;
  :data:`MIXED_PRECISION_ADAM` is the ZeRO paper's 2 + 2 + 12 = 16 bytes, :data:`MIXED_PRECISION_ADAM_8BIT`
  the same with Adam's states in 8 bits (Dettmers et al. 2021): 2 + 2 + 6 = 10 bytes.
* :func:`model_state_memory` - model states per accelerator under ZeRO stages 0-3 over
  ``n_data_parallel`` ranks, after tensor x pipeline model parallelism.
* :func:`max_n_params` - the largest model whose model states fit a given memory.
* :func:`min_accelerators` - the fewest accelerators that can hold a model's training state.
* :func:`activation_bytes_per_layer`, :func:`activation_bytes` - activations of a transformer
  with tensor and sequence parallelism and none, selective or full recomputation (Korthikanti
  et al. 2022, Table 2 and Equation 5).
* :class:`TransformerShape`, :data:`TRANSFORMER_SHAPES` - the shapes the activation formulas need.
* :class:`TrainingLayout`, :func:`training_memory` - one layout (data, tensor and pipeline
  parallel sizes, ZeRO stage, micro-batch, sequence length, recomputation) against one
  accelerator's memory: the :class:`TrainingMemory` record gives the memory per accelerator by
  component (weights, gradients, optimiser states, activations) and whether it fits.

All memory is in bytes (decimal: 80 GB = 80e9 bytes), per accelerator unless a name says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any
from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike

from compute_econ._records import ArrayRecord
from compute_econ._validate import (
    FloatOrArray,
    array,
    broadcast,
    choice,
    finite_result,
    flag,
    instance,
    integer,
    scalar,
    scalar_or_array,
    text,
)
from compute_econ.hardware import REFERENCE_ACCELERATOR, Accelerator

__all__ = [
    "ZERO_STAGES",
    "RECOMPUTATIONS",
    "MAX_ACCELERATORS",
    "TrainingPrecision",
    "MIXED_PRECISION_ADAM",
    "MIXED_PRECISION_ADAM_8BIT",
    "ModelStateMemory",
    "model_state_memory",
    "max_n_params",
    "min_accelerators",
    "activation_bytes_per_layer",
    "activation_bytes",
    "TransformerShape",
    "TRANSFORMER_SHAPES",
    "TrainingLayout",
    "TrainingMemory",
    "training_memory",
]

#: ZeRO-DP stages: 0 = plain data parallelism (everything replicated), 1 = optimiser states
#: partitioned (P_os), 2 = and gradients (P_os+g), 3 = and parameters (P_os+g+p).
#: Rajbhandari et al. 2020, arXiv:1910.02054, Section 5 and Figure 1.
ZERO_STAGES: tuple[int, ...] = (0, 1, 2, 3)
#: Activation recomputation: "none" (store every activation), "selective" (recompute only the
#: attention core: QK^T, softmax, its dropout, attention over V) or "full" (store only each
#: layer's input). Korthikanti et al. 2022, arXiv:2205.05198, Section 5 and Table 2.
RECOMPUTATIONS: tuple[str, ...] = ("none", "selective", "full")
#: The most accelerators (data-parallel ranks, or in a whole layout) the model takes: ten million,
#: a hundred times the 100,000-accelerator clusters of 2024.
MAX_ACCELERATORS = 10_000_000
#: Parameters a model may have, a count: up to 1e15 (as :mod:`compute_econ.serving`).
_N_PARAMS_RANGE = (1.0, 1e15)
#: Bytes one parameter may take in one component (weights, gradients or optimiser states).
_MAX_BYTES_PER_PARAM = 64.0
#: Tensor- or pipeline-parallel group sizes up to 1024 (a group beyond a rack is not modelled).
_MAX_MODEL_PARALLEL = 1024
#: Tokens per sequence up to 1e8 (a hundred-million-token context).
_MAX_SEQ_LEN = 1e8
#: Sequences per micro-batch up to 65,536.
_MAX_MICRO_BATCH = 65_536


def _whole(name: str, value: Any, high: float, *, unit: str = "") -> np.ndarray:
    """Whole number(s) in [1, high], as a float array (vectorised counts)."""
    arr = array(name, value, 1.0, high, unit=unit)
    frac = arr != np.floor(arr)
    if frac.any():
        got = float(arr[frac].flat[0]) if arr.ndim else float(arr)
        raise ValueError(f"{name} must be a whole number in [1, {high:g}], got {got!r}")
    return arr


def _n_params(name: str, value: Any) -> np.ndarray:
    return array(name, value, *_N_PARAMS_RANGE, unit="parameters")


@dataclass(frozen=True)
class TrainingPrecision:
    """Bytes per parameter that training keeps for weights, gradients and optimiser states.

    Attributes
    ----------
    name : str
        What the recipe is ("mixed precision (16-bit) with Adam").
    weight_bytes_per_param : float
        The working copy of the weights the forward and backward passes use, bytes, in (0, 64].
    gradient_bytes_per_param : float
        Gradients, bytes, in [0, 64].
    optimizer_bytes_per_param : float
        Everything the optimiser keeps (ZeRO's :math:`K`: for mixed-precision Adam an fp32 copy
        of the weights, the momentum and the variance, 4 + 4 + 4 = 12), bytes, in [0, 64].
    source : str
        Where the numbers come from.

    References
    ----------
    Rajbhandari et al. 2020, "ZeRO: Memory Optimizations Toward Training Trillion Parameter
    Models", arXiv:1910.02054, Section 3.1.

    Examples
    --------
    >>> MIXED_PRECISION_ADAM.bytes_per_param
    16.0
    """

    name: str
    weight_bytes_per_param: float = 2.0
    gradient_bytes_per_param: float = 2.0
    optimizer_bytes_per_param: float = 12.0
    source: str = ""

    def __post_init__(self) -> None:
        store = object.__setattr__
        store(self, "name", text("name", self.name))
        store(self, "weight_bytes_per_param",
              scalar("weight_bytes_per_param", self.weight_bytes_per_param, 0.0, _MAX_BYTES_PER_PARAM,
                     low_open=True, unit="bytes"))
        for field in ("gradient_bytes_per_param", "optimizer_bytes_per_param"):
            store(self, field, scalar(field, getattr(self, field), 0.0, _MAX_BYTES_PER_PARAM, unit="bytes"))
        store(self, "source", text("source", self.source, allow_empty=True))

    @property
    def bytes_per_param(self) -> float:
        """Weights + gradients + optimiser states, bytes per parameter (16 for mixed-precision Adam)."""
        return self.weight_bytes_per_param + self.gradient_bytes_per_param + self.optimizer_bytes_per_param


#: Mixed-precision training with Adam: 16-bit weights (2 bytes) and gradients (2 bytes), and an
#: fp32 copy of the weights, Adam's momentum and variance (4 + 4 + 4 = 12 bytes, ZeRO's K = 12):
#: 16 bytes per parameter. BF16 takes the same 2 bytes as the paper's fp16.
MIXED_PRECISION_ADAM = TrainingPrecision(
    name="mixed precision (16-bit) with Adam",
    weight_bytes_per_param=2.0,
    gradient_bytes_per_param=2.0,
    optimizer_bytes_per_param=12.0,
    source="Rajbhandari et al. 2020, ZeRO, arXiv:1910.02054, Section 3.1 (2 + 2 + K bytes, K = 12)",
)

#: Mixed-precision training with 8-bit Adam: as :data:`MIXED_PRECISION_ADAM` (16-bit weights and gradients,
#: an fp32 copy of the weights), but Adam's momentum and variance are stored in 8 bits with block-wise
#: quantisation, 2 bytes for the two instead of 8 (Dettmers et al. 2021, Section 2.1: 32-bit Adam keeps 8 bytes
#: of state per parameter, 8 GB for a billion parameters; their 8-bit states take 2 GB). So K = 4 + 2 = 6, and
#: 10 bytes per parameter. The fp32 copy of the weights is ZeRO's mixed-precision recipe, kept here (Dettmers et
#: al. count the states only); the quantisation's small per-block normalisation constants are left out.
MIXED_PRECISION_ADAM_8BIT = TrainingPrecision(
    name="mixed precision (16-bit) with 8-bit Adam",
    weight_bytes_per_param=2.0,
    gradient_bytes_per_param=2.0,
    optimizer_bytes_per_param=6.0,
    source="Dettmers et al. 2021, 8-bit Optimizers via Block-wise Quantization, arXiv:2110.02861, Section 2.1 "
           "(Adam's states: 8 bytes per parameter in 32 bits, 2 in 8 bits); the fp32 weights (4 bytes) and 16-bit "
           "weights and gradients as Rajbhandari et al. 2020, arXiv:1910.02054, Section 3.1",
)


def _precision(value: Any) -> TrainingPrecision:
    return instance("precision", value, TrainingPrecision)


def _zero_stage(value: Any) -> int:
    return integer("zero_stage", value, ZERO_STAGES[0], ZERO_STAGES[-1])


@dataclass(frozen=True, eq=False)
class ModelStateMemory(ArrayRecord):
    """Model states one accelerator holds (returned by :func:`model_state_memory`).

    Attributes
    ----------
    weights_bytes, gradients_bytes, optimizer_states_bytes : float or numpy.ndarray
        Each component per accelerator, bytes.
    total_bytes : float or numpy.ndarray
        Their sum, bytes.
    """

    weights_bytes: FloatOrArray
    gradients_bytes: FloatOrArray
    optimizer_states_bytes: FloatOrArray
    total_bytes: FloatOrArray


def _shard(Psi: np.ndarray, Nd: np.ndarray, stage: int, prec: TrainingPrecision) -> tuple[np.ndarray, ...]:
    weights = prec.weight_bytes_per_param * Psi / (Nd if stage >= 3 else 1.0)
    grads = prec.gradient_bytes_per_param * Psi / (Nd if stage >= 2 else 1.0)
    opt = prec.optimizer_bytes_per_param * Psi / (Nd if stage >= 1 else 1.0)
    return weights, grads, opt


def model_state_memory(
    n_params: ArrayLike,
    n_data_parallel: ArrayLike = 1,
    zero_stage: int = 0,
    precision: TrainingPrecision = MIXED_PRECISION_ADAM,
    n_model_parallel: ArrayLike = 1,
) -> ModelStateMemory:
    """Weights, gradients and optimiser states per accelerator under ZeRO stage 0-3.

    With :math:`\\Psi` parameters, :math:`N_m` = tensor x pipeline parallel size (each
    accelerator holds :math:`\\Psi' = \\Psi/N_m` of them) and :math:`N_d` data-parallel ranks,
    bytes per parameter :math:`w, g, K` for weights, gradients and optimiser states:

    ======  ==============  ==================================================
    stage   ZeRO name       per accelerator
    ======  ==============  ==================================================
    0       plain DP        :math:`(w + g + K)\\Psi'`
    1       P_os            :math:`(w + g)\\Psi' + K\\Psi'/N_d`
    2       P_os+g          :math:`w\\Psi' + (g + K)\\Psi'/N_d`
    3       P_os+g+p        :math:`(w + g + K)\\Psi'/N_d`
    ======  ==============  ==================================================

    The transient copies stage 3 gathers one layer at a time, and ZeRO-R's buffers, are not counted.

    Parameters
    ----------
    n_params : array_like
        Parameters of the model, a count in [1, 1e15].
    n_data_parallel : array_like
        Data-parallel ranks :math:`N_d` the states are sharded over, whole numbers in [1, 1e7].
    zero_stage : int
        0, 1, 2 or 3 (:data:`ZERO_STAGES`).
    precision : TrainingPrecision
        Bytes per parameter; default :data:`MIXED_PRECISION_ADAM` (2 + 2 + 12).
    n_model_parallel : array_like
        Tensor x pipeline parallel size :math:`N_m`, whole numbers in [1, 1e7].

    Returns
    -------
    ModelStateMemory

    References
    ----------
    Rajbhandari et al. 2020, arXiv:1910.02054, Figure 1 and Sections 5.1-5.3 (the stages), Section
    1 ("a max theoretical memory reduction of N_d x N_m" with model parallelism).

    Examples
    --------
    The paper's Figure 1: 7.5B parameters, 64-way data parallelism, K = 12.

    >>> m = model_state_memory(7.5e9, n_data_parallel=64, zero_stage=1)
    >>> round(m.total_bytes / 1e9, 1)
    31.4
    >>> [round(model_state_memory(7.5e9, 64, s).total_bytes / 1e9, 2) for s in ZERO_STAGES]
    [120.0, 31.41, 16.64, 1.88]
    """
    Psi = _n_params("n_params", n_params)
    Nd = _whole("n_data_parallel", n_data_parallel, MAX_ACCELERATORS, unit="ranks")
    stage = _zero_stage(zero_stage)
    prec = _precision(precision)
    Nm = _whole("n_model_parallel", n_model_parallel, MAX_ACCELERATORS)
    Psi, Nd, Nm = broadcast({"n_params": Psi, "n_data_parallel": Nd, "n_model_parallel": Nm})
    weights, grads, opt = _shard(Psi / Nm, Nd, stage, prec)
    return ModelStateMemory(
        weights_bytes=scalar_or_array(weights),
        gradients_bytes=scalar_or_array(grads),
        optimizer_states_bytes=scalar_or_array(opt),
        total_bytes=scalar_or_array(weights + grads + opt),
    )


def max_n_params(
    memory_bytes: ArrayLike,
    n_data_parallel: ArrayLike = 1,
    zero_stage: int = 0,
    precision: TrainingPrecision = MIXED_PRECISION_ADAM,
    n_model_parallel: ArrayLike = 1,
) -> FloatOrArray:
    """The largest model whose model states fit ``memory_bytes`` per accelerator (activations not counted).

    The inverse of :func:`model_state_memory`: :math:`\\Psi_{max} = M N_m / b_{eff}` with
    :math:`b_{eff}` the bytes per parameter per accelerator at that stage (e.g.
    :math:`w + g + K/N_d` for stage 1).

    Parameters
    ----------
    memory_bytes : array_like
        Memory per accelerator for model states, bytes, > 0.
    n_data_parallel, zero_stage, precision, n_model_parallel
        As :func:`model_state_memory`.

    References
    ----------
    Rajbhandari et al. 2020, arXiv:1910.02054, Section 5.4 and Table 1 (with N_d = 64 and 32 GB
    V100s, models up to 7.5B, 14B and 128B parameters with P_os, P_os+g and P_os+g+p).

    Examples
    --------
    >>> [round(max_n_params(32e9, 64, s) / 1e9, 1) for s in (1, 2, 3)]
    [7.6, 14.4, 128.0]
    """
    M = array("memory_bytes", memory_bytes, 0.0, low_open=True, unit="bytes")
    Nd = _whole("n_data_parallel", n_data_parallel, MAX_ACCELERATORS, unit="ranks")
    stage = _zero_stage(zero_stage)
    prec = _precision(precision)
    Nm = _whole("n_model_parallel", n_model_parallel, MAX_ACCELERATORS)
    M, Nd, Nm = broadcast({"memory_bytes": M, "n_data_parallel": Nd, "n_model_parallel": Nm})
    per_param = sum(_shard(np.ones_like(Nd), Nd, stage, prec))
    return scalar_or_array(M * Nm / per_param)


def min_accelerators(
    n_params: ArrayLike,
    accelerator: Accelerator = REFERENCE_ACCELERATOR,
    precision: TrainingPrecision = MIXED_PRECISION_ADAM,
    frac_memory_usable: float = 1.0,
) -> FloatOrArray:
    """The fewest accelerators that can hold a model's training state (model states fully sharded).

    .. math:: n_{min} = \\left\\lceil \\frac{(w + g + K)\\,\\Psi}{M f} \\right\\rceil

    a lower bound: every byte of the weights, gradients and optimiser states is stored once
    (ZeRO stage 3, or model parallelism, over all of them) and nothing is left for activations,
    which need more memory, so more accelerators, on top (see :func:`training_memory`).

    Parameters
    ----------
    n_params : array_like
        Parameters, a count in [1, 1e15].
    accelerator : Accelerator
        Catalogue row whose ``memory_bytes`` is used; default the H100 SXM (80 GB).
    precision : TrainingPrecision
        Bytes per parameter; default :data:`MIXED_PRECISION_ADAM`.
    frac_memory_usable : float
        Share of the memory the states may fill, in (0, 1]; 1 gives the bound. An estimate to set
        (the allocator, the runtime and fragmentation take some): the kit has no cited default.

    References
    ----------
    Rajbhandari et al. 2020, arXiv:1910.02054, Section 1 (a trillion parameters in 16-bit with
    Adam need about 16 TB; over 1024 GPUs, 16 GB each).

    Examples
    --------
    >>> min_accelerators([70e9, 405e9, 1e12])
    array([ 14.,  81., 200.])
    """
    Psi = _n_params("n_params", n_params)
    acc = instance("accelerator", accelerator, Accelerator)
    prec = _precision(precision)
    f = scalar("frac_memory_usable", frac_memory_usable, 0.0, 1.0, low_open=True)
    with np.errstate(over="ignore"):
        need = finite_result("the accelerators needed", prec.bytes_per_param * Psi / (acc.memory_bytes * f),
                             "n_params, frac_memory_usable and the accelerator's memory_bytes")
    # A ratio within 1e-9 of a whole number is that number, so an exact multiple (16 TB on 80 GB: 200)
    # is not pushed to 201 by floating-point rounding.
    nearest = np.rint(need)
    need = np.where(np.abs(need - nearest) <= 1e-9 * need, nearest, need)
    return scalar_or_array(np.maximum(np.ceil(need), 1.0))


def _recomputation(value: Any) -> str:
    return choice("recomputation", value, RECOMPUTATIONS)


def _activation_inputs(seq_len: Any, micro_batch_size: Any, d_model: Any, n_heads: Any, tensor_parallel: Any,
                       sequence_parallel: Any, recomputation: Any) -> tuple[dict[str, np.ndarray], bool, str]:
    arrays = {
        "seq_len": _whole("seq_len", seq_len, _MAX_SEQ_LEN, unit="tokens"),
        "micro_batch_size": _whole("micro_batch_size", micro_batch_size, _MAX_MICRO_BATCH, unit="sequences"),
        "d_model": _whole("d_model", d_model, 1e6),
        "n_heads": _whole("n_heads", n_heads, 1e5),
        "tensor_parallel": _whole("tensor_parallel", tensor_parallel, _MAX_MODEL_PARALLEL),
    }
    return arrays, flag("sequence_parallel", sequence_parallel), _recomputation(recomputation)


def _per_layer(s: np.ndarray, b: np.ndarray, h: np.ndarray, a: np.ndarray, t: np.ndarray, sp: bool,
               recompute: str) -> np.ndarray:
    sbh = s * b * h
    if recompute == "full":
        return 2.0 * sbh
    attention_core = 0.0 if recompute == "selective" else 5.0 * a * s / (h * t)
    rest = 34.0 / t if sp else 10.0 + 24.0 / t
    return sbh * (rest + attention_core)


def activation_bytes_per_layer(
    seq_len: ArrayLike,
    micro_batch_size: ArrayLike,
    d_model: ArrayLike,
    n_heads: ArrayLike,
    tensor_parallel: ArrayLike = 1,
    sequence_parallel: bool = False,
    recomputation: str = "none",
) -> FloatOrArray:
    """Activations one transformer layer stores for the backward pass, bytes per accelerator.

    Korthikanti et al.'s Table 2, for 16-bit activations (1-byte dropout masks), sequence
    length :math:`s`, micro-batch :math:`b`, hidden size :math:`h`, :math:`a` heads, tensor
    parallel size :math:`t`:

    ============================================  =========================================
    configuration                                 bytes per layer
    ============================================  =========================================
    no parallelism (:math:`t = 1`)                :math:`sbh(34 + 5as/h)` (Equation 1)
    tensor parallel                               :math:`sbh(10 + 24/t + 5as/(ht))` (Eq. 2)
    tensor + sequence parallel                    :math:`sbh(34/t + 5as/(ht))` (Eq. 4)
    tensor parallel + selective recomputation     :math:`sbh(10 + 24/t)`
    tensor + sequence parallel + selective        :math:`sbh(34/t)`
    full recomputation                            :math:`2sbh` (the layer's input only)
    ============================================  =========================================

    The layer is GPT-style (MLP 4h wide, multi-head attention, dropout); the formulas ignore
    small buffers (layer-norm statistics). With full recomputation the paper keeps the whole
    input on every tensor-parallel rank (2sbh; it notes 2sbh/t is possible with an extra
    all-gather, and does not use it), as here.

    Parameters
    ----------
    seq_len : array_like
        Tokens per sequence :math:`s`, whole numbers in [1, 1e8].
    micro_batch_size : array_like
        Sequences per micro-batch :math:`b`, whole numbers in [1, 65536].
    d_model : array_like
        Hidden size :math:`h`, whole numbers in [1, 1e6].
    n_heads : array_like
        Attention heads :math:`a`, whole numbers in [1, 1e5].
    tensor_parallel : array_like
        Tensor-parallel size :math:`t`, whole numbers in [1, 1024].
    sequence_parallel : bool
        Whether layer-norms and dropouts are split along the sequence over the tensor-parallel group.
    recomputation : str
        "none", "selective" or "full" (:data:`RECOMPUTATIONS`).

    References
    ----------
    Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer Models",
    arXiv:2205.05198, Section 4.1 (Equation 1), 4.2.1-4.2.2 (Equations 2 and 4), Section 5 and Table 2.

    Examples
    --------
    GPT-3 175B (:math:`a = 96`, :math:`h = 12288`, :math:`s = 2048`): :math:`5as/h = 80` against
    34 for the rest of the layer, so selective recomputation saves 70% (the paper's Section 5).

    >>> kw = dict(seq_len=2048, micro_batch_size=1, d_model=12288, n_heads=96)
    >>> round(1 - activation_bytes_per_layer(**kw, recomputation="selective")
    ...       / activation_bytes_per_layer(**kw), 2)
    0.7
    """
    arrays, sp, recompute = _activation_inputs(seq_len, micro_batch_size, d_model, n_heads, tensor_parallel,
                                               sequence_parallel, recomputation)
    s, b, h, a, t = broadcast(arrays)
    return scalar_or_array(_per_layer(s, b, h, a, t, sp, recompute))


def activation_bytes(
    n_layers: ArrayLike,
    seq_len: ArrayLike,
    micro_batch_size: ArrayLike,
    d_model: ArrayLike,
    n_heads: ArrayLike,
    tensor_parallel: ArrayLike = 1,
    sequence_parallel: bool = False,
    recomputation: str = "none",
) -> FloatOrArray:
    """Activations of the whole model on the most loaded accelerator, bytes: :math:`L` layers' worth.

    With pipeline parallelism over :math:`p` stages and the 1F1B schedule, the first stage holds
    :math:`L/p` layers for :math:`p` micro-batches in flight: :math:`L` layers' worth whatever
    :math:`p` (Korthikanti et al.'s Equation 5, :math:`sbhL/t\\,(34 + 5as/h)` with tensor and
    sequence parallelism). So this is :math:`L` x :func:`activation_bytes_per_layer`; the
    embeddings' dropout and the output layer are left out (the paper finds them negligible and
    leaves them out too, Section 4.3), and so is the interleaved schedule's extra factor
    :math:`(1 + (p-1)/(pm))`.

    Parameters
    ----------
    n_layers : array_like
        Transformer layers :math:`L`, whole numbers in [1, 10000].
    seq_len, micro_batch_size, d_model, n_heads, tensor_parallel, sequence_parallel, recomputation
        As :func:`activation_bytes_per_layer`.

    References
    ----------
    Korthikanti et al. 2022, arXiv:2205.05198, Section 4.2.3 (Equation 5), 4.3, Section 5 (full
    recomputation: 2sbhL; selective: Equation 6, 34sbhL/t).

    Examples
    --------
    The 530B MT-NLG shape (Table 3: :math:`a = 128`, :math:`h = 20480`, :math:`L = 105`,
    :math:`t = 8`), tensor + sequence parallel with selective recomputation, GB:

    >>> round(activation_bytes(105, 2048, 1, 20480, 128, 8, True, "selective") / 1e9, 1)
    18.7
    """
    L = _whole("n_layers", n_layers, 1e4)
    arrays, sp, recompute = _activation_inputs(seq_len, micro_batch_size, d_model, n_heads, tensor_parallel,
                                               sequence_parallel, recomputation)
    L, s, b, h, a, t = broadcast({"n_layers": L} | arrays)
    per = _per_layer(s, b, h, a, t, sp, recompute)
    return scalar_or_array(L * per)


@dataclass(frozen=True)
class TransformerShape:
    """The numbers of a GPT-style transformer that set its training memory.

    Attributes
    ----------
    name : str
    n_params : float
        Parameters, a count in [1, 1e15].
    n_layers : int
        Transformer layers, in [1, 10000].
    d_model : int
        Hidden size, in [1, 1e6].
    n_heads : int
        Attention heads, in [1, 1e5].
    source : str
        Where the numbers come from.

    References
    ----------
    Korthikanti et al. 2022, arXiv:2205.05198, Table 3 (the shapes in :data:`TRANSFORMER_SHAPES`).
    """

    name: str
    n_params: float
    n_layers: int
    d_model: int
    n_heads: int
    source: str = ""

    def __post_init__(self) -> None:
        store = object.__setattr__
        store(self, "name", text("name", self.name))
        store(self, "n_params", scalar("n_params", self.n_params, *_N_PARAMS_RANGE, unit="parameters"))
        store(self, "n_layers", integer("n_layers", self.n_layers, 1, 10_000))
        store(self, "d_model", integer("d_model", self.d_model, 1, 1_000_000))
        store(self, "n_heads", integer("n_heads", self.n_heads, 1, 100_000))
        store(self, "source", text("source", self.source, allow_empty=True))


def _korthikanti(name: str, n_params: float, n_layers: int, d_model: int, n_heads: int) -> TransformerShape:
    return TransformerShape(name, n_params, n_layers, d_model, n_heads,
                            source="Korthikanti et al. 2022, arXiv:2205.05198, Table 3 (model size nominal)")


#: The four model shapes Korthikanti et al. evaluate (Table 3; all with sequence length 2048,
#: vocabulary 51200, tensor parallel size 8). The parameter count is the table's nominal size.
TRANSFORMER_SHAPES: Mapping[str, TransformerShape] = MappingProxyType({
    "22B": _korthikanti("22B", 22e9, 48, 6144, 64),
    "GPT-3 175B": _korthikanti("GPT-3 175B", 175e9, 96, 12288, 96),
    "MT-NLG 530B": _korthikanti("MT-NLG 530B", 530e9, 105, 20480, 128),
    "1T": _korthikanti("1T", 1e12, 128, 25600, 160),
})


@dataclass(frozen=True)
class TrainingLayout:
    """How a training run is laid out over accelerators.

    Attributes
    ----------
    n_data_parallel : int
        Data-parallel ranks (model replicas), in [1, 1e7].
    tensor_parallel : int
        Tensor-parallel size (each layer split over this many accelerators), in [1, 1024].
    pipeline_parallel : int
        Pipeline stages (layers split into this many groups), in [1, 1024].
    zero_stage : int
        ZeRO stage 0-3 over the data-parallel ranks (:data:`ZERO_STAGES`).
    micro_batch_size : int
        Sequences per micro-batch, in [1, 65536].
    seq_len : int
        Tokens per sequence, in [1, 1e8]; default 2048 (Korthikanti et al.'s runs).
    sequence_parallel : bool
        Sequence parallelism with the tensor parallelism (Korthikanti et al. 2022, Section 4.2.2).
    recomputation : str
        "none", "selective" or "full" (:data:`RECOMPUTATIONS`).

    The layout uses ``n_data_parallel x tensor_parallel x pipeline_parallel`` accelerators
    (:attr:`n_accelerators`), at most 1e7.

    References
    ----------
    Rajbhandari et al. 2020, arXiv:1910.02054, Section 5; Korthikanti et al. 2022, arXiv:2205.05198,
    Sections 4-5.
    """

    n_data_parallel: int = 1
    tensor_parallel: int = 1
    pipeline_parallel: int = 1
    zero_stage: int = 0
    micro_batch_size: int = 1
    seq_len: int = 2048
    sequence_parallel: bool = False
    recomputation: str = "none"

    def __post_init__(self) -> None:
        store = object.__setattr__
        store(self, "n_data_parallel", integer("n_data_parallel", self.n_data_parallel, 1, MAX_ACCELERATORS))
        store(self, "tensor_parallel", integer("tensor_parallel", self.tensor_parallel, 1, _MAX_MODEL_PARALLEL))
        store(self, "pipeline_parallel",
              integer("pipeline_parallel", self.pipeline_parallel, 1, _MAX_MODEL_PARALLEL))
        store(self, "zero_stage", _zero_stage(self.zero_stage))
        store(self, "micro_batch_size", integer("micro_batch_size", self.micro_batch_size, 1, _MAX_MICRO_BATCH))
        store(self, "seq_len", integer("seq_len", self.seq_len, 1, _MAX_SEQ_LEN))
        store(self, "sequence_parallel", flag("sequence_parallel", self.sequence_parallel))
        store(self, "recomputation", _recomputation(self.recomputation))
        n = self.n_data_parallel * self.tensor_parallel * self.pipeline_parallel
        if n > MAX_ACCELERATORS:
            raise ValueError(f"n_data_parallel x tensor_parallel x pipeline_parallel must be at most "
                             f"{MAX_ACCELERATORS:,} accelerators, got {n:,}")

    @property
    def n_accelerators(self) -> int:
        """Accelerators the layout uses: data x tensor x pipeline parallel sizes."""
        return self.n_data_parallel * self.tensor_parallel * self.pipeline_parallel


@dataclass(frozen=True, eq=False)
class TrainingMemory(ArrayRecord):
    """Memory per accelerator of one training layout, by component (returned by :func:`training_memory`).

    Attributes
    ----------
    weights_bytes, gradients_bytes, optimizer_states_bytes : float
        Model states per accelerator (:func:`model_state_memory`), bytes.
    activations_bytes : float
        Activations on the most loaded accelerator (the first pipeline stage;
        :func:`activation_bytes`), bytes.
    total_bytes : float
        The four together, bytes.
    capacity_bytes : float
        Usable memory of one accelerator: memory x ``frac_memory_usable``, bytes.
    frac_memory_used : float
        ``total_bytes / capacity_bytes`` (above 1: does not fit).
    fits : bool
        True if the total fits the capacity.
    n_accelerators : int
        Accelerators the layout uses.
    """

    weights_bytes: float
    gradients_bytes: float
    optimizer_states_bytes: float
    activations_bytes: float
    total_bytes: float
    capacity_bytes: float
    frac_memory_used: float
    fits: bool
    n_accelerators: int


def training_memory(
    model: TransformerShape,
    layout: TrainingLayout,
    precision: TrainingPrecision = MIXED_PRECISION_ADAM,
    accelerator: Accelerator = REFERENCE_ACCELERATOR,
    frac_memory_usable: float = 1.0,
) -> TrainingMemory:
    """Memory per accelerator of a model trained with a layout, by component, against the accelerator's memory.

    Model states: :func:`model_state_memory` with :math:`N_m = t \\times p` (each accelerator holds
    :math:`1/(tp)` of the parameters; the embeddings' imbalance across stages is ignored) and
    ZeRO over the :math:`N_d` data-parallel ranks. Activations: :func:`activation_bytes` for
    the whole model's :math:`L` layers (the first pipeline stage holds that much with the 1F1B
    schedule). Data parallelism and ZeRO do not shrink activations.

    Parameters
    ----------
    model : TransformerShape
    layout : TrainingLayout
        Its ``pipeline_parallel`` must not exceed the model's layers.
    precision : TrainingPrecision
        Default :data:`MIXED_PRECISION_ADAM`.
    accelerator : Accelerator
        Default the H100 SXM (80 GB).
    frac_memory_usable : float
        Share of memory training may fill, in (0, 1]; 1 gives the bound (an estimate to set: the
        kit has no cited default for training).

    Returns
    -------
    TrainingMemory

    References
    ----------
    Rajbhandari et al. 2020, arXiv:1910.02054, Sections 3 and 5; Korthikanti et al. 2022,
    arXiv:2205.05198, Table 2, Equation 5, Figure 1 (parameters, optimiser state and
    activations of the Table 3 models against an 80 GB A100).

    Examples
    --------
    The 530B model of Korthikanti et al.'s Table 3 (t = 8, p = 35, micro-batch 1) on 80 GB accelerators:
    tensor parallelism alone does not fit; with sequence parallelism and selective recomputation it does.

    >>> m = TRANSFORMER_SHAPES["MT-NLG 530B"]
    >>> base = TrainingLayout(tensor_parallel=8, pipeline_parallel=35)
    >>> training_memory(m, base).fits
    False
    >>> from dataclasses import replace
    >>> r = training_memory(m, replace(base, sequence_parallel=True, recomputation="selective"))
    >>> r.fits, round(r.total_bytes / 1e9, 1), r.n_accelerators
    (True, 49.0, 280)
    """
    shape = instance("model", model, TransformerShape)
    lay = instance("layout", layout, TrainingLayout)
    prec = _precision(precision)
    acc = instance("accelerator", accelerator, Accelerator)
    f = scalar("frac_memory_usable", frac_memory_usable, 0.0, 1.0, low_open=True)
    if lay.pipeline_parallel > shape.n_layers:
        raise ValueError(f"layout.pipeline_parallel must be at most the model's n_layers ({shape.n_layers}) "
                         f"for model {shape.name!r}, got {lay.pipeline_parallel}")
    states = model_state_memory(shape.n_params, lay.n_data_parallel, lay.zero_stage, prec,
                                lay.tensor_parallel * lay.pipeline_parallel)
    acts = float(activation_bytes(shape.n_layers, lay.seq_len, lay.micro_batch_size, shape.d_model,
                                  shape.n_heads, lay.tensor_parallel, lay.sequence_parallel, lay.recomputation))
    total = float(states.total_bytes) + acts
    cap = acc.memory_bytes * f
    with np.errstate(over="ignore"):
        frac_used = finite_result("the share of memory used", np.float64(total) / cap,
                                  "frac_memory_usable and the accelerator's memory_bytes")
    return TrainingMemory(
        weights_bytes=float(states.weights_bytes),
        gradients_bytes=float(states.gradients_bytes),
        optimizer_states_bytes=float(states.optimizer_states_bytes),
        activations_bytes=acts,
        total_bytes=total,
        capacity_bytes=cap,
        frac_memory_used=float(frac_used),
        fits=bool(total <= cap),
        n_accelerators=lay.n_accelerators,
    )

