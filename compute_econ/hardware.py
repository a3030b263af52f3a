"""Accelerators, the roofline, MFU, and the learner's own machine.

* A catalogue of datacentre accelerators (``data/accelerators.csv``): dense
  BF16 and FP8 peaks, memory capacity and bandwidth, scale-up interconnect,
  board power and, where one is published or credibly estimated, a price; each
  row cites its datasheet and says which figures are estimates.
* The roofline model (Williams, Waterman & Patterson 2009): attainable FLOP/s
  for an arithmetic intensity, the ridge point, and the intensity of typical
  transformer operations.
* Model FLOP utilisation (MFU) as in the PaLM paper.
* A short NumPy matmul benchmark of the learner's own computer.

Peak figures are *dense*: datasheets headline tensor-core numbers "with
sparsity" (2:4 structured sparsity), twice the dense rate, which large-model
training does not achieve.
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from compute_econ import _data
from compute_econ._validate import as_float_array, in_range, positive, scalar_or_array

__all__ = [
    "Accelerator",
    "ACCELERATOR_COLUMNS",
    "load_accelerators",
    "get_accelerator",
    "peak_flop_per_s_for",
    "H100_SXM",
    "A100_SXM",
    "REFERENCE_ACCELERATOR",
    "ACCELERATORS",
    "attainable_flop_per_s",
    "ridge_point_flop_per_byte",
    "is_compute_bound",
    "matmul_intensity",
    "decode_intensity",
    "attention_intensity",
    "model_flop_per_s",
    "mfu",
    "LocalMeasurement",
    "measure_local_flop_s",
]


@dataclass(frozen=True)
class Accelerator:
    """One accelerator model, with units in every field name.

    Attributes
    ----------
    name : str
        Product name.
    peak_flop_per_s : float
        Dense BF16 tensor peak, FLOP/s (not the "with sparsity" figure).
    memory_bytes : float
        On-package memory (HBM), bytes (decimal: 80 GB = 80e9).
    memory_bytes_per_s : float
        Peak memory bandwidth, bytes/s.
    board_watts : float or None
        Maximum board power (TDP), W; None where the vendor publishes none.
    release_year : int
        Year the part was announced/first shipped.
    source : str
        Datasheet (and table) the figures come from.
    vendor : str
    peak_flop_per_s_fp8 : float or None
        Dense FP8 tensor peak, FLOP/s; None for chips without FP8 units.
    interconnect_bytes_per_s : float or None
        Scale-up interconnect (NVLink, Infinity Fabric, ICI) per chip, bytes/s.
    price_usd, price_year, price_is_estimate, price_source
        Purchase price per accelerator where published or credibly estimated.
    note : str
        What the figures mean (per direction or total, estimates, derivations).

    References
    ----------
    Per instance, in ``source`` and ``price_source``.
    """

    name: str
    peak_flop_per_s: float
    memory_bytes: float
    memory_bytes_per_s: float
    board_watts: float | None
    release_year: int
    source: str
    vendor: str = ""
    peak_flop_per_s_fp8: float | None = None
    interconnect_bytes_per_s: float | None = None
    price_usd: float | None = None
    price_year: int | None = None
    price_is_estimate: bool = True
    price_source: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"name must be a non-empty string, got {self.name!r}")
        positive("peak_flop_per_s", self.peak_flop_per_s, "FLOP/s")
        positive("memory_bytes", self.memory_bytes, "bytes")
        positive("memory_bytes_per_s", self.memory_bytes_per_s, "bytes/s")
        for field, unit in (("board_watts", "W"), ("peak_flop_per_s_fp8", "FLOP/s"),
                            ("interconnect_bytes_per_s", "bytes/s"), ("price_usd", "USD")):
            if getattr(self, field) is not None:
                positive(field, getattr(self, field), unit)
        in_range("release_year", self.release_year, 1990, 2100)
        if self.price_usd is not None:
            if self.price_year is None:
                raise ValueError(f"price_year is required with price_usd for {self.name!r}")
            if not self.price_source.strip():
                raise ValueError(f"price_source is required with price_usd for {self.name!r}")
        if not isinstance(self.source, str) or not self.source.strip():
            raise ValueError(f"source must be a non-empty citation, got {self.source!r}")

    @property
    def flop_per_byte(self) -> float:
        """Ridge point of the roofline at BF16: peak FLOP/s over memory bytes/s (FLOP per byte).

        References
        ----------
        Williams, Waterman & Patterson 2009, "Roofline", CACM 52(4), Section 2.
        """
        return self.peak_flop_per_s / self.memory_bytes_per_s

    def __str__(self) -> str:
        power = f"{self.board_watts:g} W" if self.board_watts else "power not published"
        return (
            f"{self.name}: {self.peak_flop_per_s / 1e12:g} TFLOP/s dense BF16, "
            f"{self.memory_bytes / 1e9:g} GB at {self.memory_bytes_per_s / 1e12:g} TB/s, "
            f"{power} ({self.release_year})"
        )


#: Columns of ``data/accelerators.csv``.
ACCELERATOR_COLUMNS = (
    "name", "vendor", "release_year", "peak_flop_per_s_bf16", "peak_flop_per_s_fp8", "memory_bytes",
    "memory_bytes_per_s", "interconnect_bytes_per_s", "board_watts", "price_usd", "price_year",
    "price_is_estimate", "source", "price_source", "note",
)
_REQUIRED = ("name", "vendor", "release_year", "peak_flop_per_s_bf16", "memory_bytes", "memory_bytes_per_s", "source")


def _parse_accelerators(table: _data.CsvTable) -> dict[str, Accelerator]:
    out: dict[str, Accelerator] = {}
    for row in table:
        name = row.text("name")
        where = table.where(row, name or "?")
        for field in _REQUIRED:
            if not row.text(field):
                raise ValueError(f"{where}: required field {field!r} is empty")

        def num(field: str) -> float | None:
            value = _data.number(row.text(field), where, field)
            return None if math.isnan(value) else value

        try:
            acc = Accelerator(
                name=name, vendor=row.text("vendor"), release_year=int(num("release_year")),
                peak_flop_per_s=num("peak_flop_per_s_bf16"), peak_flop_per_s_fp8=num("peak_flop_per_s_fp8"),
                memory_bytes=num("memory_bytes"), memory_bytes_per_s=num("memory_bytes_per_s"),
                interconnect_bytes_per_s=num("interconnect_bytes_per_s"), board_watts=num("board_watts"),
                price_usd=num("price_usd"),
                price_year=int(num("price_year")) if num("price_year") else None,
                price_is_estimate=(row.text("price_is_estimate") or "true").lower() != "false",
                source=row.text("source"), price_source=row.text("price_source"), note=row.text("note"),
            )
        except ValueError as exc:
            if str(exc).startswith(where):
                raise
            raise ValueError(f"{where}: {exc}") from exc
        if name in out:
            raise ValueError(f"{where}: duplicate name {name!r}")
        out[name] = acc
    return out


@functools.lru_cache(maxsize=1)
def _shipped_accelerators() -> dict[str, Accelerator]:
    return _parse_accelerators(_data.read_csv(None, "accelerators.csv", columns=ACCELERATOR_COLUMNS))


def load_accelerators(path: str | Path | None = None) -> dict[str, Accelerator]:
    """The accelerator catalogue by name, every row validated.

    Parameters
    ----------
    path : path, optional
        A CSV with :data:`ACCELERATOR_COLUMNS`; default the shipped
        ``compute_econ/data/accelerators.csv`` (read once, cached).

    Raises
    ------
    ValueError
        Naming the line, the accelerator and the field, for a missing required
        field, a non-numeric or non-positive number, a bad header or a duplicate name.
    """
    if path is None:
        return dict(_shipped_accelerators())
    return _parse_accelerators(_data.read_csv(path, "accelerators.csv", columns=ACCELERATOR_COLUMNS))


def get_accelerator(name: str) -> Accelerator:
    """One catalogue row by name; ``ValueError`` listing the valid names otherwise."""
    catalogue = _shipped_accelerators()
    if name not in catalogue:
        raise ValueError(f"accelerator must be one of {sorted(catalogue)}, got {name!r}")
    return catalogue[name]


def peak_flop_per_s_for(accelerator: Accelerator, precision: str = "bf16") -> float:
    """Dense peak FLOP/s of ``accelerator`` at ``precision`` ("bf16" or "fp8")."""
    if precision == "bf16":
        return accelerator.peak_flop_per_s
    if precision == "fp8":
        if accelerator.peak_flop_per_s_fp8 is None:
            raise ValueError(f"precision 'fp8' is not available on {accelerator.name} (it has no FP8 units); use 'bf16'")
        return accelerator.peak_flop_per_s_fp8
    raise ValueError(f"precision must be 'bf16' or 'fp8', got {precision!r}")


#: The whole catalogue, by name.
ACCELERATORS: dict[str, Accelerator] = load_accelerators()
#: NVIDIA H100 SXM5 80 GB (catalogue row; dense BF16 989.4e12 FLOP/s).
H100_SXM = ACCELERATORS["NVIDIA H100 SXM"]
#: NVIDIA A100 SXM4 80 GB (catalogue row; dense BF16 312e12 FLOP/s).
A100_SXM = ACCELERATORS["NVIDIA A100 SXM"]
#: The accelerator lessons use by default when none is chosen.
REFERENCE_ACCELERATOR = H100_SXM


# --------------------------------------------------------------------------- roofline
def attainable_flop_per_s(
    intensity_flop_per_byte: ArrayLike, peak_flop_per_s: ArrayLike, memory_bytes_per_s: ArrayLike
) -> float | np.ndarray:
    """Roofline: the most FLOP/s an operation of this arithmetic intensity can reach.

    .. math:: R(I) = \\min(P,\\; I \\cdot W)

    Parameters
    ----------
    intensity_flop_per_byte : array_like
        Arithmetic intensity I, FLOP per byte moved to/from memory, > 0.
    peak_flop_per_s : array_like
        Peak compute P, FLOP/s, > 0.
    memory_bytes_per_s : array_like
        Memory bandwidth W, bytes/s, > 0.

    References
    ----------
    Williams, Waterman & Patterson 2009, "Roofline: an insightful visual performance
    model for multicore architectures", CACM 52(4), eq. in Section 2.
    """
    I = positive("intensity_flop_per_byte", intensity_flop_per_byte, "FLOP/byte")
    P = positive("peak_flop_per_s", peak_flop_per_s, "FLOP/s")
    W = positive("memory_bytes_per_s", memory_bytes_per_s, "bytes/s")
    return scalar_or_array(np.minimum(P, I * W))


def ridge_point_flop_per_byte(peak_flop_per_s: ArrayLike, memory_bytes_per_s: ArrayLike) -> float | np.ndarray:
    """The intensity where the roofline bends, P / W (FLOP per byte); Williams et al. 2009, Section 2."""
    P = positive("peak_flop_per_s", peak_flop_per_s, "FLOP/s")
    W = positive("memory_bytes_per_s", memory_bytes_per_s, "bytes/s")
    return scalar_or_array(P / W)


def is_compute_bound(
    intensity_flop_per_byte: ArrayLike, peak_flop_per_s: ArrayLike, memory_bytes_per_s: ArrayLike
) -> bool | np.ndarray:
    """True where the intensity is at or above the ridge point (compute-bound), else memory-bound."""
    I = positive("intensity_flop_per_byte", intensity_flop_per_byte, "FLOP/byte")
    ridge = ridge_point_flop_per_byte(peak_flop_per_s, memory_bytes_per_s)
    out = I >= ridge
    return bool(out) if np.ndim(out) == 0 else out


def matmul_intensity(m: ArrayLike, k: ArrayLike, n: ArrayLike, bytes_per_element: ArrayLike = 2) -> float | np.ndarray:
    """Arithmetic intensity of C[m,n] = A[m,k] · B[k,n]: 2mkn FLOP over the bytes of A, B and C.

    .. math:: I = \\frac{2mkn}{b\\,(mk + kn + mn)}

    Each operand is read once and the result written once (ideal caching), so
    for a square n×n×n product at b bytes per element I = 2n/(3b): n/3 at BF16.

    References
    ----------
    Austin et al., "How to Scale Your Model" (jax-ml/scaling-book), chapter "All About Rooflines",
    section on matrix multiplication intensity.
    """
    M = positive("m", m)
    K = positive("k", k)
    N = positive("n", n)
    b = positive("bytes_per_element", bytes_per_element, "bytes")
    return scalar_or_array(2 * M * K * N / (b * (M * K + K * N + M * N)))


def decode_intensity(batch_size: ArrayLike, bytes_per_param: ArrayLike = 2) -> float | np.ndarray:
    """Arithmetic intensity of one decode step of a transformer serving ``batch_size`` sequences.

    Every weight is read from memory once per step and used for 2 FLOP per
    sequence (a multiply and an add), so with N parameters:

    .. math:: I \\approx \\frac{2 B N}{b N} = \\frac{2B}{b}

    i.e. about B FLOP per byte at BF16. The KV cache, which adds bytes that grow
    with context length, is ignored here, so this is an *upper* bound on decode
    intensity (Lesson 5 adds it).

    References
    ----------
    Austin et al., "How to Scale Your Model" (jax-ml/scaling-book), chapter "All About
    Transformer Inference" (generation is memory-bound at small batch); Kaplan et al. 2020,
    §2.1 (2N FLOP per token in the forward pass).
    """
    B = positive("batch_size", batch_size, "sequences")
    b = positive("bytes_per_param", bytes_per_param, "bytes")
    return scalar_or_array(2 * B / b)


def attention_intensity(seq_len: ArrayLike, head_dim: ArrayLike, bytes_per_element: ArrayLike = 2) -> float | np.ndarray:
    """Arithmetic intensity of one attention head over a sequence (prefill/training, fused kernel).

    QKᵀ and the product with V each cost 2·s²·d FLOP (4·s²·d in all); a fused
    kernel (FlashAttention) reads Q, K, V and writes the output once, 4·s·d
    elements, so

    .. math:: I = \\frac{4 s^2 d}{4 s d\\, b} = \\frac{s}{b}

    Long sequences make attention compute-bound; the s×s score matrix is never
    written to memory.

    References
    ----------
    Dao et al. 2022, "FlashAttention", arXiv:2205.14135, §3 (IO complexity: Θ(N d) HBM
    accesses for the fused kernel); FLOP count as in Kaplan et al. 2020, Table 1.
    """
    s = positive("seq_len", seq_len, "tokens")
    d = positive("head_dim", head_dim)
    b = positive("bytes_per_element", bytes_per_element, "bytes")
    return scalar_or_array(4 * s * s * d / (4 * s * d * b))


# --------------------------------------------------------------------------- MFU
def model_flop_per_s(n_params: ArrayLike, tokens_per_s: ArrayLike) -> float | np.ndarray:
    """Model FLOP/s of training: 6 N FLOP per token times tokens per second.

    References
    ----------
    Chowdhery et al. 2022, "PaLM", arXiv:2204.02311, Appendix B (6N per token, plus an
    attention term 12·L·H·Q·T that this simple form leaves out).
    """
    N = positive("n_params", n_params)
    r = positive("tokens_per_s", tokens_per_s, "tokens/s")
    return scalar_or_array(6 * N * r)


def mfu(achieved_flop_per_s: ArrayLike, peak_flop_per_s: ArrayLike) -> float | np.ndarray:
    """Model FLOP utilisation: the model FLOP/s a run achieves over the hardware's peak.

    MFU counts only the FLOP the model needs (6N per token), not recomputed
    activations (those count in *hardware* FLOP utilisation, HFU), so it is
    comparable across implementations. What it hides: communication, stragglers,
    and, when measured over good steps only, the time lost to failures and restarts.

    References
    ----------
    Chowdhery et al. 2022, "PaLM", arXiv:2204.02311, §4.1 and Appendix B (PaLM 540B: 46.2 % MFU).
    """
    a = positive("achieved_flop_per_s", achieved_flop_per_s, "FLOP/s")
    P = positive("peak_flop_per_s", peak_flop_per_s, "FLOP/s")
    return scalar_or_array(a / P)


@dataclass(frozen=True)
class LocalMeasurement:
    """Result of :func:`measure_local_flop_s`.

    Attributes
    ----------
    achieved_flop_per_s : float
        Best achieved rate over the repeats, FLOP/s.
    median_flop_per_s : float
        Median over the repeats, FLOP/s (what a long job would see).
    matrix_size : int
        n of the n x n matrices multiplied.
    n_repeats : int
        Timed multiplications (after one warm-up).
    seconds : float
        Wall-clock time spent in the timed repeats, s.
    dtype : str
        NumPy dtype name used ("float32" or "float64").
    """

    achieved_flop_per_s: float
    median_flop_per_s: float
    matrix_size: int
    n_repeats: int
    seconds: float
    dtype: str

    def __str__(self) -> str:
        return (
            f"{self.achieved_flop_per_s / 1e9:.1f} GFLOP/s ({self.dtype} matmul, n={self.matrix_size}, "
            f"best of {self.n_repeats}; median {self.median_flop_per_s / 1e9:.1f} GFLOP/s)"
        )


_CANDIDATE_SIZES = (256, 512, 768, 1024, 1536, 2048)


def _matmul_seconds(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> float:
    t0 = time.perf_counter()
    np.matmul(a, b, out=out)
    return time.perf_counter() - t0


def measure_local_flop_s(
    seconds: float = 1.0,
    n: int | None = None,
    dtype: DTypeLike = np.float32,
) -> LocalMeasurement:
    """Measure this machine's matrix-multiply rate with NumPy (BLAS), in FLOP/s.

    Multiplies two n x n random matrices repeatedly: one warm-up, then timed
    repeats until ``seconds`` have elapsed (at least 3). Each product counts
    :math:`2n^3` FLOP (n^3 multiply-adds). The best repeat is reported as the
    achieved rate (least disturbed by other processes); the median is kept too.
    If ``n`` is not given it is chosen from 256-2048 so that one product takes
    about a tenth of ``seconds``.

    Parameters
    ----------
    seconds : float
        Time budget for the timed repeats, in (0, 10] s (default 1 s). The
        whole call, including choosing n, takes roughly 1.2-1.5x this.
    n : int, optional
        Matrix size, 16-8192; default chosen adaptively.
    dtype : numpy dtype
        ``np.float32`` (default; closest to accelerator training precisions a
        CPU runs fast) or ``np.float64``.

    Returns
    -------
    LocalMeasurement

    References
    ----------
    Golub & Van Loan 2013, Matrix Computations, 4th ed., Section 1.1.15
    (2n^3 flops for an n x n matrix product); Dongarra et al. 2003, "The
    LINPACK Benchmark", Concurrency Computat. 15(9) (timing methodology:
    warm-up, repeat, best time).
    """
    budget = float(in_range("seconds", seconds, 0.0, 10.0, low_inclusive=False))
    dt = np.dtype(dtype)
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"dtype must be float32 or float64, got {dt.name!r}")
    rng = np.random.default_rng(0)

    if n is None:
        probe = 256
        a = rng.standard_normal((probe, probe)).astype(dt)
        out = np.empty_like(a)
        _matmul_seconds(a, a, out)  # warm-up (threads, caches)
        t_probe = max(min(_matmul_seconds(a, a, out) for _ in range(3)), 1e-7)
        target = budget / 10.0
        size = probe
        for cand in _CANDIDATE_SIZES:
            if t_probe * (cand / probe) ** 3 <= target:
                size = cand
    else:
        as_float_array("n", n)
        if int(n) != n:
            raise ValueError(f"n must be an integer, got {n!r}")
        in_range("n", n, 16, 8192)
        size = int(n)

    a = rng.standard_normal((size, size)).astype(dt)
    b = rng.standard_normal((size, size)).astype(dt)
    out = np.empty_like(a)
    _matmul_seconds(a, b, out)  # warm-up
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < 3 or (time.perf_counter() - start) < budget:
        times.append(_matmul_seconds(a, b, out))
        if len(times) >= 10_000:
            break
    elapsed = time.perf_counter() - start
    flop = 2.0 * size**3
    rates = flop / np.maximum(np.array(times), 1e-9)
    best, median = float(rates.max()), float(np.median(rates))
    if not (math.isfinite(best) and best > 0):  # pragma: no cover - defensive
        raise RuntimeError(f"benchmark produced a non-finite rate {best!r}")
    return LocalMeasurement(
        achieved_flop_per_s=best,
        median_flop_per_s=median,
        matrix_size=size,
        n_repeats=len(times),
        seconds=elapsed,
        dtype=dt.name,
    )
