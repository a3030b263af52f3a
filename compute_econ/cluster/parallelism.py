"""Data, tensor and pipeline parallelism: what communication and idle time cost a training step.

A training run on ``n = d x t x p`` accelerators splits the work three ways (Narayanan et al.
2021, Section 2): ``d`` data-parallel replicas each see a share of the batch and average their
gradients with an all-reduce once per step; each replica splits every layer over ``t``
accelerators (tensor parallelism, four all-reduces of the layer's activations per layer and
micro-batch) and its layers into ``p`` pipeline stages, which idle while the pipeline fills
and drains (the bubble). This module prices each of these in seconds:

* :func:`ring_allreduce_time_s` - an all-reduce over a ring: ``2(n-1)/n x bytes / bandwidth``
  plus ``2(n-1)`` step latencies (Patarasuk & Yuan 2009); :func:`allreduce_bus_bytes_per_s` -
  nccl-tests' "bus bandwidth", the measured rate put back on the scale of one link.
* :func:`scale_up_bytes_per_s` and :func:`group_link_bytes_per_s` - the per-direction link a
  collective runs over: NVLink inside a node (the catalogue's bidirectional figure halved),
  the scale-out network (InfiniBand/Ethernet, one NIC per accelerator) once a group spans nodes.
* :func:`tensor_parallel_bytes_per_layer` and :func:`tensor_parallel_time_s` - Megatron's tensor
  parallelism, per layer and micro-batch.
* :func:`pipeline_bubble_fraction` and :func:`pipeline_bubble_ratio` - idle share of a step
  (GPipe) and idle time over ideal time (Narayanan et al.), with interleaving.
* :class:`ParallelLayout`, :func:`step_time` and :class:`StepTime` - a whole step: compute,
  exposed communication and bubble, and the efficiency against compute alone, vectorised over
  the data-parallel size so a curve shows why 16,000 accelerators do not run 16,000 times as fast.

Units: bytes, bytes per second **per direction** (the rate one accelerator can send while it
receives as much), seconds, FLOP.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
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
    integer,
    scalar,
    scalar_or_array,
)
from compute_econ.hardware import H100_SXM, Accelerator
from compute_econ.scaling import training_flop

__all__ = [
    "DEFAULT_SCALE_OUT_BYTES_PER_S",
    "DEFAULT_ACCELERATORS_PER_NODE",
    "NVLINK_STEP_LATENCY_S",
    "NETWORK_STEP_LATENCY_S",
    "DEFAULT_GRADIENT_BYTES_PER_PARAM",
    "MAX_ACCELERATORS",
    "LLAMA3_405B_TABLE4_LAYOUT",
    "LLAMA3_405B_MFU",
    "ring_allreduce_time_s",
    "allreduce_bus_bytes_per_s",
    "scale_up_bytes_per_s",
    "group_link_bytes_per_s",
    "tensor_parallel_bytes_per_layer",
    "tensor_parallel_time_s",
    "pipeline_bubble_ratio",
    "pipeline_bubble_fraction",
    "ParallelLayout",
    "StepTime",
    "step_time",
]

#: Scale-out (InfiniBand/Ethernet) bandwidth per accelerator, bytes/s per direction: 400 Gb/s = 50 GB/s.
#: A DGX H100 has "four OSFP ports serving eight single-port NVIDIA ConnectX-7 VPI, ... up to 400 Gb/s
#: InfiniBand/Ethernet" for its eight GPUs (NVIDIA DGX BasePOD reference architecture, "Core Components",
#: DGX H100/H200 system), one NIC per GPU (NVIDIA DGX H100 User Guide, Table 6, "Network Modules", maps
#: each ConnectX-7 port to one GPU). Llama 3's clusters also use 400 Gb/s between GPUs (Dubey et al.
#: 2024, arXiv:2407.21783, Section 3.3.1).
DEFAULT_SCALE_OUT_BYTES_PER_S = 400e9 / 8
#: Accelerators joined by NVLink in one node: eight in a DGX/HGX H100 (same sources).
DEFAULT_ACCELERATORS_PER_NODE = 8
#: Latency of one ring step over NVLink, s: 3.4 us, NCCL's hardware latency for the ring algorithm
#: with its Simple protocol (the one large messages use) over NVLink (NCCL, src/graph/tuning.cc, ``hwLat``).
NVLINK_STEP_LATENCY_S = 3.4e-6
#: Latency of one ring step over the network, s: 14 us, NCCL's ``hwLat`` for Ring/Simple over the
#: network (same file; older releases used 9.6 us). A ring of n ranks takes 2(n-1) steps.
NETWORK_STEP_LATENCY_S = 14e-6
#: Gradient bytes per parameter all-reduced by data parallelism: 2 (16-bit gradients under mixed
#: precision; Rajbhandari et al. 2020, "ZeRO", arXiv:1910.02054, Section 3.1: "fp16 parameters and
#: gradients", 2 bytes each). Pass 4 for FP32 gradient reduction.
DEFAULT_GRADIENT_BYTES_PER_PARAM = 2.0
#: The most accelerators (and ranks in one collective) the model takes: ten times the largest
#: clusters reported (xAI's Colossus, 100,000 H100s, later doubled).
MAX_ACCELERATORS = 2_000_000
#: The layout Llama 3 405B was pre-trained with on 8,192 and 16,384 H100s: tensor 8, pipeline 16 (data 64 or
#: 128), a global batch of 2,048 sequences of 8,192 tokens (16M tokens) per step (Dubey et al. 2024,
#: arXiv:2407.21783, Section 3.3.2, Table 4; 32 or 16 sequences per data-parallel group).
LLAMA3_405B_TABLE4_LAYOUT: Mapping[str, int] = MappingProxyType({
    "tensor_parallel_size": 8, "pipeline_parallel_size": 16, "global_batch_size": 2048, "sequence_tokens": 8192})
#: Llama 3 405B's measured BF16 MFU of the whole step (model FLOP/s over peak, communication and bubble
#: included), by number of H100s, with :data:`LLAMA3_405B_TABLE4_LAYOUT`: 43% on 8,192 and 41% on 16,384
#: (Dubey et al. 2024, Table 4). The table's third row (16,384 GPUs, 38%) adds context parallelism over
#: 131,072-token sequences, which this module does not model.
LLAMA3_405B_MFU: Mapping[int, float] = MappingProxyType({8192: 0.43, 16384: 0.41})

_MAX_BYTES = 1e16  # 10 PB in one message: beyond any model's gradients
_LINK_RANGE = (1e6, 1e15)  # 1 MB/s to 1 PB/s per direction
_MAX_LATENCY_S = 1.0
_MAX_TOKENS = 1e7  # tokens per sequence
_MAX_WIDTH = 1e6  # hidden size
_MAX_BATCH = 1e9  # sequences in a global batch


def _counts(name: str, value: Any, low: float, high: float) -> np.ndarray:
    """Whole numbers in [low, high], vectorised (``8.0`` is 8; ``2.5`` is refused)."""
    arr = array(name, value, low, high)
    if not np.array_equal(arr, np.floor(arr)):
        bad = arr[arr != np.floor(arr)].flat[0] if arr.ndim else float(arr)
        raise ValueError(f"{name} must be whole numbers in [{low:g}, {high:g}], got {bad!r}")
    return arr


def _link(name: str, value: Any) -> np.ndarray:
    return array(name, value, *_LINK_RANGE, unit="bytes/s")


def _latency(name: str, value: Any) -> np.ndarray:
    return array(name, value, 0.0, _MAX_LATENCY_S, unit="s")


def ring_allreduce_time_s(message_bytes: ArrayLike, n_ranks: ArrayLike, link_bytes_per_s: ArrayLike,
                          latency_s: ArrayLike = NETWORK_STEP_LATENCY_S) -> FloatOrArray:
    """Time of an all-reduce of ``message_bytes`` over a ring of ``n_ranks``, seconds.

    .. math::

        t = \\frac{2(n-1)}{n}\\,\\frac{S}{B} + 2(n-1)\\,\\alpha

    The ring splits the message into ``n`` chunks; a reduce-scatter then an all-gather move each
    chunk ``n-1`` times, so every rank sends (and receives) ``2(n-1)/n`` of the message over its
    own link of ``B`` bytes/s per direction, in ``2(n-1)`` steps of latency ``alpha``. The
    bandwidth term is optimal: no all-reduce over point-to-point links can do better
    (Patarasuk & Yuan 2009). One rank needs no communication (0 s).

    Parameters
    ----------
    message_bytes : array_like
        Size of the array each rank holds and all ranks sum, bytes, in (0, 1e16].
    n_ranks : array_like
        Ranks in the ring, whole numbers in [1, :data:`MAX_ACCELERATORS`].
    link_bytes_per_s : array_like
        Bandwidth of each rank's link, bytes/s per direction, in [1e6, 1e15] (NVLink on an
        H100: 450e9; one 400 Gb/s NIC: 50e9).
    latency_s : array_like
        Latency per ring step, s, in [0, 1]; default :data:`NETWORK_STEP_LATENCY_S` (NCCL's
        figure for a network hop; :data:`NVLINK_STEP_LATENCY_S` inside a node).

    Returns
    -------
    float or numpy.ndarray
        Seconds (arrays broadcast).

    References
    ----------
    Patarasuk & Yuan 2009, "Bandwidth optimal all-reduce algorithms for clusters of
    workstations", J. Parallel Distrib. Comput. 69(2), 117-124; NVIDIA nccl-tests,
    doc/PERFORMANCE.md, "AllReduce": ``t = (S/B) * (2*(n-1)/n)`` at best.

    Examples
    --------
    One GiB of BF16 gradients over eight H100s on NVLink (450 GB/s per direction), then over
    1,024 ranks on 400 Gb/s NICs:

    >>> round(ring_allreduce_time_s(2**30, 8, 450e9, NVLINK_STEP_LATENCY_S) * 1e3, 2)
    4.22
    >>> round(ring_allreduce_time_s(2**30, 1024, 50e9), 3)
    0.072
    """
    S = array("message_bytes", message_bytes, 0.0, _MAX_BYTES, low_open=True, unit="bytes")
    n = _counts("n_ranks", n_ranks, 1, MAX_ACCELERATORS)
    B = _link("link_bytes_per_s", link_bytes_per_s)
    alpha = _latency("latency_s", latency_s)
    S, n, B, alpha = broadcast({"message_bytes": S, "n_ranks": n, "link_bytes_per_s": B, "latency_s": alpha})
    t = 2.0 * (n - 1.0) / n * S / B + 2.0 * (n - 1.0) * alpha
    return scalar_or_array(finite_result("all-reduce time", t, "message_bytes, link_bytes_per_s"))


def allreduce_bus_bytes_per_s(message_bytes: ArrayLike, time_s: ArrayLike, n_ranks: ArrayLike) -> FloatOrArray:
    """nccl-tests' "bus bandwidth" of an all-reduce: the measured rate ``S/t`` times ``2(n-1)/n``, bytes/s.

    The algorithm bandwidth ``S/t`` of an all-reduce falls as ranks are added even on perfect
    hardware; multiplying by ``2(n-1)/n`` gives a figure that does not depend on ``n`` and can be
    compared with one link's peak (per direction). With zero latency, the bus bandwidth of
    :func:`ring_allreduce_time_s` is exactly the link bandwidth.

    Parameters
    ----------
    message_bytes : array_like
        Bytes all-reduced, in (0, 1e16].
    time_s : array_like
        Measured (or modelled) time, s, in [1e-9, 1e9].
    n_ranks : array_like
        Ranks, whole numbers in [1, :data:`MAX_ACCELERATORS`].

    References
    ----------
    NVIDIA nccl-tests, doc/PERFORMANCE.md, "Bus bandwidth", "AllReduce":
    ``B = S/t * (2*(n-1)/n) = algbw * (2*(n-1)/n)``.

    Examples
    --------
    >>> t = ring_allreduce_time_s(2**30, 8, 450e9, latency_s=0.0)
    >>> round(allreduce_bus_bytes_per_s(2**30, t, 8) / 1e9, 6)
    450.0
    """
    S = array("message_bytes", message_bytes, 0.0, _MAX_BYTES, low_open=True, unit="bytes")
    t = array("time_s", time_s, 1e-9, 1e9, unit="s")
    n = _counts("n_ranks", n_ranks, 1, MAX_ACCELERATORS)
    S, t, n = broadcast({"message_bytes": S, "time_s": t, "n_ranks": n})
    return scalar_or_array(finite_result("bus bandwidth", S / t * 2.0 * (n - 1.0) / n, "message_bytes, time_s"))


def _accelerator(value: Any) -> Accelerator:
    return instance("accelerator", value, Accelerator)


def scale_up_bytes_per_s(accelerator: Accelerator) -> float:
    """NVLink (or other scale-up) bandwidth of one accelerator per direction, bytes/s: the catalogue's figure halved.

    The catalogue's ``interconnect_bytes_per_s`` is the **total bidirectional** bandwidth per
    chip as datasheets quote it (H100 SXM: "NVLink 900 GB/s"); a chip sends half of it while it
    receives the other half, and collective algorithms (and nccl-tests' bus bandwidth) use the
    per-direction rate. So an H100 sends at 450 GB/s. (AWS does not say whether Trainium2's
    figure counts both directions; the catalogue's note says so.)

    Parameters
    ----------
    accelerator : Accelerator

    References
    ----------
    NVIDIA H100 datasheet (NVLink 900 GB/s, bidirectional); NVIDIA nccl-tests,
    doc/PERFORMANCE.md ("The measurement is of a unidirectional bandwidth").

    Examples
    --------
    >>> scale_up_bytes_per_s(H100_SXM) / 1e9
    450.0
    """
    acc = _accelerator(accelerator)
    if acc.interconnect_bytes_per_s is None:
        raise ValueError(f"accelerator {acc.name!r} has no interconnect_bytes_per_s in the catalogue; "
                         "pass an accelerator with one")
    return acc.interconnect_bytes_per_s / 2.0


def group_link_bytes_per_s(accelerator: Accelerator, ranks_spanned: ArrayLike,
                           accelerators_per_node: int = DEFAULT_ACCELERATORS_PER_NODE,
                           scale_out_bytes_per_s: float = DEFAULT_SCALE_OUT_BYTES_PER_S) -> FloatOrArray:
    """The per-direction bandwidth a ring collective runs at: NVLink inside a node, the NIC once it spans nodes.

    A group whose ranks lie among ``ranks_spanned`` consecutive accelerators stays in one node
    while ``ranks_spanned <= accelerators_per_node`` and runs at :func:`scale_up_bytes_per_s`;
    beyond, the ring must cross the scale-out network, and its slowest hop (one NIC per
    accelerator) sets the pace.

    Parameters
    ----------
    accelerator : Accelerator
    ranks_spanned : array_like
        Consecutive accelerators the group spreads over, whole numbers in [1, :data:`MAX_ACCELERATORS`]
        (a tensor-parallel group: ``t``; a data-parallel group laid out after it: ``t x d``).
    accelerators_per_node : int
        NVLink domain size, in [1, 1e5]; default 8 (DGX/HGX H100).
    scale_out_bytes_per_s : float
        Network bandwidth per accelerator per direction, bytes/s, in [1e6, 1e15]; default
        :data:`DEFAULT_SCALE_OUT_BYTES_PER_S` (400 Gb/s).

    References
    ----------
    Narayanan et al. 2021, arXiv:2104.04473, Sections 1 and 3.2 (tensor parallelism across
    nodes goes "through inter-server links, which are slower than the high-bandwidth NVLink");
    sources of :data:`DEFAULT_SCALE_OUT_BYTES_PER_S`.

    Examples
    --------
    >>> group_link_bytes_per_s(H100_SXM, [8, 16]) / 1e9
    array([450.,  50.])
    """
    intra = scale_up_bytes_per_s(accelerator)
    span = _counts("ranks_spanned", ranks_spanned, 1, MAX_ACCELERATORS)
    per_node = integer("accelerators_per_node", accelerators_per_node, 1, 100_000)
    out = scalar("scale_out_bytes_per_s", scale_out_bytes_per_s, *_LINK_RANGE, unit="bytes/s")
    return scalar_or_array(np.where(span <= per_node, intra, out))


def _activation_shape(micro_batch_size: ArrayLike, sequence_tokens: ArrayLike, d_model: ArrayLike,
                      tensor_parallel_size: ArrayLike) -> list[np.ndarray]:
    b = _counts("micro_batch_size", micro_batch_size, 1, _MAX_BATCH)
    s = _counts("sequence_tokens", sequence_tokens, 1, _MAX_TOKENS)
    h = _counts("d_model", d_model, 1, _MAX_WIDTH)
    t = _counts("tensor_parallel_size", tensor_parallel_size, 1, MAX_ACCELERATORS)
    return broadcast({"micro_batch_size": b, "sequence_tokens": s, "d_model": h, "tensor_parallel_size": t})


def tensor_parallel_bytes_per_layer(micro_batch_size: ArrayLike, sequence_tokens: ArrayLike, d_model: ArrayLike,
                                    tensor_parallel_size: ArrayLike, bytes_per_element: float = 2.0) -> FloatOrArray:
    """Bytes one accelerator sends for tensor parallelism per transformer layer and micro-batch.

    .. math::

        8\\,b\\,s\\,h\\,\\frac{t-1}{t} \\times \\text{bytes per element}

    Megatron's tensor parallelism all-reduces the layer's output activations (``b x s x h``
    elements) twice in the forward pass and twice in the backward pass; each ring all-reduce
    sends ``2(t-1)/t`` of it. One accelerator (``t = 1``) sends nothing.

    Parameters
    ----------
    micro_batch_size : array_like
        Sequences per micro-batch ``b``, whole numbers in [1, 1e9].
    sequence_tokens : array_like
        Tokens per sequence ``s``, whole numbers in [1, 1e7].
    d_model : array_like
        Hidden size ``h``, whole numbers in [1, 1e6].
    tensor_parallel_size : array_like
        Tensor-parallel group size ``t``, whole numbers in [1, :data:`MAX_ACCELERATORS`].
    bytes_per_element : float
        Bytes per activation, in (0, 8]; default 2 (BF16).

    References
    ----------
    Shoeybi et al. 2019, "Megatron-LM", arXiv:1909.08053, Section 3 (two all-reduces in the
    forward and two in the backward pass per layer); Narayanan et al. 2021, arXiv:2104.04473,
    Section 3.2 ("a total communication of 8bsh((t-1)/t) per layer per device for each microbatch").

    Examples
    --------
    GPT-3's width (h = 12,288), 2,048 tokens, one sequence, t = 8, BF16: 352 MB per layer.

    >>> round(tensor_parallel_bytes_per_layer(1, 2048, 12288, 8) / 1e6, 1)
    352.3
    """
    b, s, h, t = _activation_shape(micro_batch_size, sequence_tokens, d_model, tensor_parallel_size)
    e = scalar("bytes_per_element", bytes_per_element, 0.0, 8.0, low_open=True, unit="bytes")
    return scalar_or_array(8.0 * b * s * h * (t - 1.0) / t * e)


def tensor_parallel_time_s(micro_batch_size: ArrayLike, sequence_tokens: ArrayLike, d_model: ArrayLike,
                           tensor_parallel_size: ArrayLike, link_bytes_per_s: ArrayLike,
                           latency_s: ArrayLike = NVLINK_STEP_LATENCY_S, bytes_per_element: float = 2.0) -> FloatOrArray:
    """Time of tensor parallelism's four all-reduces for one transformer layer and micro-batch, seconds.

    Four times :func:`ring_allreduce_time_s` of the ``b x s x h`` activations over ``t`` ranks,
    not overlapped with compute (Megatron's all-reduces sit between the matrix multiplications
    that need their result). Its bytes are :func:`tensor_parallel_bytes_per_layer`.

    Parameters
    ----------
    micro_batch_size, sequence_tokens, d_model, tensor_parallel_size : array_like
        As :func:`tensor_parallel_bytes_per_layer`.
    link_bytes_per_s : array_like
        Per-direction bandwidth of the group's link, bytes/s, in [1e6, 1e15]; see
        :func:`group_link_bytes_per_s` (NVLink inside a node, the NIC across nodes).
    latency_s : array_like
        Latency per ring step, s, in [0, 1]; default :data:`NVLINK_STEP_LATENCY_S`.
    bytes_per_element : float
        Bytes per activation, in (0, 8]; default 2 (BF16).

    References
    ----------
    Shoeybi et al. 2019, arXiv:1909.08053, Section 3; Narayanan et al. 2021, arXiv:2104.04473,
    Sections 2.3 and 3.2.

    Examples
    --------
    The layer above inside a node of H100s (450 GB/s), then with t = 16 over 400 Gb/s NICs:

    >>> round(tensor_parallel_time_s(1, 2048, 12288, 8, 450e9) * 1e3, 2)
    0.97
    >>> round(tensor_parallel_time_s(1, 2048, 12288, 16, 50e9, NETWORK_STEP_LATENCY_S) * 1e3, 1)
    9.2

    (Inside the node, 0.19 ms of the 0.97 ms are the 56 ring steps' latency.)
    """
    b, s, h, t = _activation_shape(micro_batch_size, sequence_tokens, d_model, tensor_parallel_size)
    e = scalar("bytes_per_element", bytes_per_element, 0.0, 8.0, low_open=True, unit="bytes")
    B = _link("link_bytes_per_s", link_bytes_per_s)
    alpha = _latency("latency_s", latency_s)
    b, s, h, t, B, alpha = broadcast({"micro_batch_size": b, "sequence_tokens": s, "d_model": h,
                                      "tensor_parallel_size": t, "link_bytes_per_s": B, "latency_s": alpha})
    time = 4.0 * (2.0 * (t - 1.0) / t * b * s * h * e / B + 2.0 * (t - 1.0) * alpha)
    return scalar_or_array(finite_result("tensor-parallel time", time, "micro_batch_size, link_bytes_per_s"))


def _pipeline(n_stages: ArrayLike, n_micro_batches: ArrayLike, n_virtual_stages: ArrayLike) -> list[np.ndarray]:
    p = _counts("n_stages", n_stages, 1, MAX_ACCELERATORS)
    m = array("n_micro_batches", n_micro_batches, 1.0, _MAX_BATCH)
    v = _counts("n_virtual_stages", n_virtual_stages, 1, 1000)
    return broadcast({"n_stages": p, "n_micro_batches": m, "n_virtual_stages": v})


def pipeline_bubble_ratio(n_stages: ArrayLike, n_micro_batches: ArrayLike, n_virtual_stages: ArrayLike = 1) -> FloatOrArray:
    """Idle time of a pipeline over its ideal (busy) time: ``(p-1) / (v m)``.

    With ``p`` stages and ``m`` micro-batches, a flush at the end of every batch leaves ``p-1``
    forward and ``p-1`` backward passes of idle time (the bubble) against ``m`` of each of
    useful work, for GPipe's schedule and for 1F1B alike. Giving each device ``v`` interleaved
    model chunks divides the bubble by ``v`` (at ``v`` times the point-to-point traffic).

    Parameters
    ----------
    n_stages : array_like
        Pipeline stages ``p`` (devices in the pipeline), whole numbers in [1, :data:`MAX_ACCELERATORS`].
    n_micro_batches : array_like
        Micro-batches per batch and pipeline ``m``, in [1, 1e9] (a real run uses a whole
        number; fractions give a smooth curve).
    n_virtual_stages : array_like
        Model chunks per device ``v``, whole numbers in [1, 1000]; 1 = no interleaving.

    References
    ----------
    Narayanan et al. 2021, arXiv:2104.04473, Section 2.2.1 ("Bubble time fraction (pipeline
    bubble size) = t_pb / t_id = (p-1)/m") and Section 2.2.2 (interleaved: ``1/v (p-1)/m``).

    Examples
    --------
    >>> pipeline_bubble_ratio(8, 32)
    0.21875
    >>> pipeline_bubble_ratio(8, 32, n_virtual_stages=2)
    0.109375
    """
    p, m, v = _pipeline(n_stages, n_micro_batches, n_virtual_stages)
    return scalar_or_array((p - 1.0) / (v * m))


def pipeline_bubble_fraction(n_stages: ArrayLike, n_micro_batches: ArrayLike,
                             n_virtual_stages: ArrayLike = 1) -> FloatOrArray:
    """Share of a pipelined step spent idle in the bubble: ``(p-1) / (v m + p - 1)``.

    The step takes ``m + (p-1)/v`` micro-batch times, of which ``(p-1)/v`` are bubble; with
    ``v = 1`` this is GPipe's ``(p-1)/(m+p-1)``. It is :func:`pipeline_bubble_ratio` ``r``
    expressed as a share of the whole step: ``r / (1 + r)``.

    Parameters
    ----------
    n_stages, n_micro_batches, n_virtual_stages : array_like
        As :func:`pipeline_bubble_ratio`.

    References
    ----------
    Huang et al. 2019, "GPipe", arXiv:1811.06965, Section 2.3 (bubble overhead
    ``O((K-1)/(M+K-1))``, "negligible when M >= 4 x K"); Narayanan et al. 2021,
    arXiv:2104.04473, Section 2.2.

    Examples
    --------
    >>> pipeline_bubble_fraction(4, [4, 16])
    array([0.42857143, 0.15789474])
    """
    p, m, v = _pipeline(n_stages, n_micro_batches, n_virtual_stages)
    return scalar_or_array((p - 1.0) / (v * m + p - 1.0))


@dataclass(frozen=True)
class ParallelLayout:
    """How a training run is spread over accelerators, apart from the data-parallel size.

    The data-parallel size ``d`` is an argument of :func:`step_time` (so it can be an array
    and draw a curve); everything else about the layout and the hardware is here.

    Attributes
    ----------
    tensor_parallel_size : int
        ``t``, accelerators splitting every layer, in [1, 1024]; Megatron keeps it within a
        node (8), since beyond it the all-reduces cross the network.
    pipeline_parallel_size : int
        ``p``, pipeline stages, in [1, 10000].
    micro_batch_size : int
        Sequences per micro-batch ``b``, in [1, 1e6].
    n_virtual_stages : int
        Interleaved model chunks per device ``v``, in [1, 1000]; 1 = the 1F1B schedule.
    accelerator : Accelerator
        Catalogue row; its BF16 peak and NVLink bandwidth are used. Default the H100 SXM.
    frac_peak_flop : float
        Model FLOP utilisation of the compute itself (no communication, no bubble), in (0, 1];
        1 (the default) gives the bound. Activation recomputation belongs here: it lowers MFU to
        at most 3/4. For scale: Llama 3 405B reached 38-43% MFU for the *whole* step on 8,192-16,384
        H100s (Dubey et al. 2024, arXiv:2407.21783, Table 4), so its compute alone ran above that.
    frac_allreduce_overlapped : float
        Share of the data-parallel all-reduce hidden behind the backward pass, in [0, 1].
    accelerators_per_node : int
        NVLink domain, in [1, 100000]; default :data:`DEFAULT_ACCELERATORS_PER_NODE`.
    scale_out_bytes_per_s : float
        Network bandwidth per accelerator per direction, bytes/s, in [1e6, 1e15]; default
        :data:`DEFAULT_SCALE_OUT_BYTES_PER_S` (400 Gb/s).
    nvlink_latency_s, network_latency_s : float
        Latency per ring step inside a node and across nodes, s, in [0, 1]; defaults NCCL's
        (:data:`NVLINK_STEP_LATENCY_S`, :data:`NETWORK_STEP_LATENCY_S`).
    activation_bytes_per_element : float
        Bytes per activation all-reduced by tensor parallelism, in (0, 8]; default 2 (BF16).
    gradient_bytes_per_param : float
        Bytes per gradient all-reduced by data parallelism, in (0, 8]; default
        :data:`DEFAULT_GRADIENT_BYTES_PER_PARAM` (2).

    References
    ----------
    Narayanan et al. 2021, arXiv:2104.04473, Section 3.1 (notation p, t, d, B, b, m) and
    Takeaway #1 (tensor parallelism up to the node size, pipeline parallelism across nodes);
    Dubey et al. 2024, arXiv:2407.21783, Section 3.3.2 (Llama 3's 4D parallelism, Table 4).
    """

    tensor_parallel_size: int = 8
    pipeline_parallel_size: int = 1
    micro_batch_size: int = 1
    n_virtual_stages: int = 1
    accelerator: Accelerator = H100_SXM
    frac_peak_flop: float = 1.0
    frac_allreduce_overlapped: float = 0.0
    accelerators_per_node: int = DEFAULT_ACCELERATORS_PER_NODE
    scale_out_bytes_per_s: float = DEFAULT_SCALE_OUT_BYTES_PER_S
    nvlink_latency_s: float = NVLINK_STEP_LATENCY_S
    network_latency_s: float = NETWORK_STEP_LATENCY_S
    activation_bytes_per_element: float = 2.0
    gradient_bytes_per_param: float = DEFAULT_GRADIENT_BYTES_PER_PARAM

    def __post_init__(self) -> None:
        store = object.__setattr__
        store(self, "tensor_parallel_size", integer("tensor_parallel_size", self.tensor_parallel_size, 1, 1024))
        store(self, "pipeline_parallel_size", integer("pipeline_parallel_size", self.pipeline_parallel_size, 1, 10_000))
        store(self, "micro_batch_size", integer("micro_batch_size", self.micro_batch_size, 1, 1_000_000))
        store(self, "n_virtual_stages", integer("n_virtual_stages", self.n_virtual_stages, 1, 1000))
        store(self, "accelerator", _accelerator(self.accelerator))
        scale_up_bytes_per_s(self.accelerator)  # refuses an accelerator without an interconnect figure
        store(self, "frac_peak_flop", scalar("frac_peak_flop", self.frac_peak_flop, 0.0, 1.0, low_open=True))
        store(self, "frac_allreduce_overlapped",
              scalar("frac_allreduce_overlapped", self.frac_allreduce_overlapped, 0.0, 1.0))
        store(self, "accelerators_per_node", integer("accelerators_per_node", self.accelerators_per_node, 1, 100_000))
        store(self, "scale_out_bytes_per_s",
              scalar("scale_out_bytes_per_s", self.scale_out_bytes_per_s, *_LINK_RANGE, unit="bytes/s"))
        for field in ("nvlink_latency_s", "network_latency_s"):
            store(self, field, scalar(field, getattr(self, field), 0.0, _MAX_LATENCY_S, unit="s"))
        for field in ("activation_bytes_per_element", "gradient_bytes_per_param"):
            store(self, field, scalar(field, getattr(self, field), 0.0, 8.0, low_open=True, unit="bytes"))

    @property
    def model_parallel_size(self) -> int:
        """``t x p``: accelerators holding one copy of the model."""
        return self.tensor_parallel_size * self.pipeline_parallel_size

    def _link_and_latency(self, ranks_spanned: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        inside = ranks_spanned <= self.accelerators_per_node
        link = np.where(inside, scale_up_bytes_per_s(self.accelerator), self.scale_out_bytes_per_s)
        latency = np.where(inside, self.nvlink_latency_s, self.network_latency_s)
        return link, latency

    def __str__(self) -> str:
        return (f"t={self.tensor_parallel_size}, p={self.pipeline_parallel_size}, b={self.micro_batch_size}, "
                f"v={self.n_virtual_stages} on {self.accelerator.name}")


@dataclass(frozen=True, eq=False)
class StepTime(ArrayRecord):
    """One training step of a layout, broken down (returned by :func:`step_time`).

    Every time is seconds of wall clock per optimiser step, as every accelerator sees it.

    Attributes
    ----------
    n_accelerators : float or numpy.ndarray
        ``d x t x p``.
    data_parallel_size : float or numpy.ndarray
        ``d``, as given (broadcast).
    n_micro_batches : float or numpy.ndarray
        ``m = B / (b d)``, micro-batches per pipeline per step.
    compute_s : float or numpy.ndarray
        ``6 N B s / (n x peak x MFU)``: the ideal step, compute alone.
    tensor_parallel_s : float or numpy.ndarray
        Tensor-parallel all-reduces over the step (all micro-batches, the stage's layers).
    bubble_s : float or numpy.ndarray
        Pipeline bubble: ``(p-1)/v`` micro-batch times of compute plus tensor-parallel traffic.
    data_parallel_allreduce_s : float or numpy.ndarray
        The whole gradient all-reduce over ``d`` ranks.
    data_parallel_exposed_s : float or numpy.ndarray
        The part not hidden behind the backward pass.
    exposed_communication_s : float or numpy.ndarray
        ``tensor_parallel_s + data_parallel_exposed_s``.
    step_s : float or numpy.ndarray
        ``compute_s + exposed_communication_s + bubble_s``.
    efficiency : float or numpy.ndarray
        ``compute_s / step_s``, in (0, 1]: the share of the ideal speed-up kept.
    effective_accelerators : float or numpy.ndarray
        ``n x efficiency``: how many accelerators' worth of compute the cluster delivers.
    tokens_per_s : float or numpy.ndarray
        ``B s / step_s``.
    model_flop_per_s_per_accelerator : float or numpy.ndarray
        ``6 N B s / (n x step_s)``: achieved model FLOP/s per accelerator (MFU x peak x efficiency).
    tensor_parallel_crosses_nodes : bool
        True when ``t`` exceeds the node, so tensor parallelism runs over the network.
    """

    n_accelerators: FloatOrArray
    data_parallel_size: FloatOrArray
    n_micro_batches: FloatOrArray
    compute_s: FloatOrArray
    tensor_parallel_s: FloatOrArray
    bubble_s: FloatOrArray
    data_parallel_allreduce_s: FloatOrArray
    data_parallel_exposed_s: FloatOrArray
    exposed_communication_s: FloatOrArray
    step_s: FloatOrArray
    efficiency: FloatOrArray
    effective_accelerators: FloatOrArray
    tokens_per_s: FloatOrArray
    model_flop_per_s_per_accelerator: FloatOrArray
    tensor_parallel_crosses_nodes: bool


def step_time(layout: ParallelLayout, data_parallel_size: ArrayLike, *, n_params: float, n_layers: int,
              d_model: int, global_batch_size: ArrayLike, sequence_tokens: int) -> StepTime:
    """Time of one training step for a layout: compute, exposed communication and pipeline bubble.

    For ``n = d t p`` accelerators, a global batch of ``B`` sequences of ``s`` tokens and a
    dense model of ``N`` parameters, ``L`` layers and width ``h``:

    .. math::

        T_c &= \\frac{6 N B s}{n\\,P\\,\\text{MFU}}, \\qquad m = \\frac{B}{b\\,d},\\\\
        T_{tp} &= m\\,\\frac{L}{p}\\,4\\,\\text{AR}(b s h\\,e,\\ t), \\qquad
        T_{bubble} = \\frac{p-1}{v\\,m}\\,(T_c + T_{tp}),\\\\
        T_{dp} &= (1-f)\\,\\text{AR}\\!\\left(\\frac{N}{t p}\\,g,\\ d\\right), \\qquad
        T = T_c + T_{tp} + T_{bubble} + T_{dp},

    with AR the ring all-reduce time (:func:`ring_allreduce_time_s`) over NVLink when the group
    fits in a node, over the network otherwise. Ranks are laid out tensor-parallel first, then
    data-parallel, then pipeline (Megatron-Core's default ``order="tp-cp-ep-dp-pp"`` in
    ``initialize_model_parallel``), so a data-parallel group spans ``t d`` accelerators; Llama 3
    orders [TP, CP, PP, DP], which also takes it across nodes whenever ``t`` fills a node. The
    efficiency ``T_c / T`` is the share of the ideal (compute-only) speed-up kept. With a fixed
    global batch, adding data-parallel replicas shrinks the compute per step while the gradient
    all-reduce stays and the pipeline has fewer micro-batches to fill its bubble.

    Not modelled: point-to-point sends between pipeline stages (``b s h / t`` per micro-batch
    with Megatron's scatter/gather, Narayanan et al. Section 4.1; small next to the rest),
    overlap of tensor-parallel traffic with compute, attention FLOP beyond ``6N``, stragglers,
    failures (see :mod:`compute_econ.cluster.failures`).

    Parameters
    ----------
    layout : ParallelLayout
        ``t``, ``p``, ``b``, ``v``, accelerator, MFU, overlap, links.
    data_parallel_size : array_like
        ``d``, whole numbers in [1, :data:`MAX_ACCELERATORS`]; ``d t p`` at most
        :data:`MAX_ACCELERATORS`, and ``b d`` at most the global batch (each replica needs a
        micro-batch).
    n_params : float
        ``N``, parameters of the (dense) model, in [1e6, 1e14]; for a
        :class:`~compute_econ.serving.ModelArchitecture` pass ``n_params_total``.
    n_layers : int
        ``L``, transformer layers, in [1, 10000], and at least ``p x v`` (every model chunk of a
        pipeline stage holds at least one layer).
    d_model : int
        ``h``, hidden size, in [1, 1e6].
    global_batch_size : array_like
        ``B``, sequences per step, in [1, 1e9] (broadcasts with ``data_parallel_size``).
    sequence_tokens : int
        ``s``, tokens per sequence, in [1, 1e7].

    Returns
    -------
    StepTime

    References
    ----------
    Kaplan et al. 2020, arXiv:2001.08361, Section 2.1 (training FLOP ~ 6N per token);
    Narayanan et al. 2021, arXiv:2104.04473, Sections 2.2 (bubble), 3.2 (tensor-parallel
    traffic), 3.3 (data parallelism, ring all-reduce scaling with (d-1)/d) and 3.4 (equation 1,
    step time ``(b'/b + p - 1)(t_f + t_b)``); Patarasuk & Yuan 2009 (ring all-reduce);
    NVIDIA Megatron-LM, megatron/core/parallel_state.py, ``initialize_model_parallel`` (rank order).

    Examples
    --------
    A 70B model (80 layers, width 8,192), t = 8, p = 4, 1,024 sequences of 4,096 tokens, at
    40% MFU, on 32 (d = 1) and 4,096 (d = 128) H100s:

    >>> layout = ParallelLayout(tensor_parallel_size=8, pipeline_parallel_size=4, frac_peak_flop=0.4)
    >>> r = step_time(layout, [1, 128], n_params=70e9, n_layers=80, d_model=8192,
    ...               global_batch_size=1024, sequence_tokens=4096)
    >>> r.n_accelerators
    array([  32., 4096.])
    >>> r.efficiency.round(2)
    array([0.84, 0.56])
    >>> r.effective_accelerators.round(0)
    array([  27., 2291.])
    """
    lay = instance("layout", layout, ParallelLayout)
    d = _counts("data_parallel_size", data_parallel_size, 1, MAX_ACCELERATORS)
    N = scalar("n_params", n_params, 1e6, 1e14)
    L = integer("n_layers", n_layers, 1, 10_000)
    h = integer("d_model", d_model, 1, int(_MAX_WIDTH))
    B = array("global_batch_size", global_batch_size, 1.0, _MAX_BATCH)
    s = integer("sequence_tokens", sequence_tokens, 1, int(_MAX_TOKENS))
    d, B = broadcast({"data_parallel_size": d, "global_batch_size": B})
    t, p, b, v = lay.tensor_parallel_size, lay.pipeline_parallel_size, lay.micro_batch_size, lay.n_virtual_stages
    n = d * t * p
    if np.any(n > MAX_ACCELERATORS):
        raise ValueError(f"data_parallel_size x tensor x pipeline sizes must be at most {MAX_ACCELERATORS:,} "
                         f"accelerators, got {float(n.max()):,.0f}")
    m = B / (b * d)
    if np.any(m < 1.0):
        short = m < 1.0
        bad_d, bad_B = float(np.asarray(d)[short].flat[0]), float(np.asarray(B)[short].flat[0])
        raise ValueError(f"data_parallel_size x micro_batch_size must be at most global_batch_size (every replica "
                         f"needs a micro-batch per step), got data_parallel_size={bad_d:g} with "
                         f"micro_batch_size={b} and global_batch_size={bad_B:g}")
    if p * v > L:
        raise ValueError(f"layout.pipeline_parallel_size x layout.n_virtual_stages must be at most n_layers (every "
                         f"model chunk holds at least one layer), got {p} x {v} = {p * v} with n_layers={L}")

    # The module's own formulas, on arrays already validated and broadcast: 6ND (scaling.training_flop),
    # the tensor-parallel all-reduces of a layer, the bubble ratio and the ring all-reduce of the gradients.
    flop = np.asarray(training_flop(N, B * s))
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is caught just below, with its cause
        compute = flop / (n * lay.accelerator.peak_flop_per_s * lay.frac_peak_flop)

        tp_link, tp_latency = lay._link_and_latency(np.asarray(float(t)))
        layer_s = np.asarray(tensor_parallel_time_s(b, s, h, t, tp_link, tp_latency, lay.activation_bytes_per_element))
        tensor = m * (L / p) * layer_s

        bubble = np.asarray(pipeline_bubble_ratio(p, m, v)) * (compute + tensor)

        dp_link, dp_latency = lay._link_and_latency(d * t)
        grad_bytes = N / (t * p) * lay.gradient_bytes_per_param
        dp = np.asarray(ring_allreduce_time_s(grad_bytes, d, dp_link, dp_latency))
        dp_exposed = (1.0 - lay.frac_allreduce_overlapped) * dp

        exposed = tensor + dp_exposed
        step = compute + exposed + bubble
    finite_result("step time", step, "n_params, global_batch_size, sequence_tokens, layout.frac_peak_flop")
    efficiency = compute / step
    return StepTime(
        n_accelerators=scalar_or_array(n),
        data_parallel_size=scalar_or_array(d),
        n_micro_batches=scalar_or_array(m),
        compute_s=scalar_or_array(compute),
        tensor_parallel_s=scalar_or_array(tensor),
        bubble_s=scalar_or_array(bubble),
        data_parallel_allreduce_s=scalar_or_array(dp),
        data_parallel_exposed_s=scalar_or_array(dp_exposed),
        exposed_communication_s=scalar_or_array(exposed),
        step_s=scalar_or_array(step),
        efficiency=scalar_or_array(efficiency),
        effective_accelerators=scalar_or_array(n * efficiency),
        tokens_per_s=scalar_or_array(B * s / step),
        model_flop_per_s_per_accelerator=scalar_or_array(flop / (n * step)),
        tensor_parallel_crosses_nodes=bool(t > lay.accelerators_per_node),
    )
