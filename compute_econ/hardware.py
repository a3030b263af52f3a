"""Accelerators and the learner's own machine.

A small catalogue of datacentre accelerators (dense BF16 peak, memory, memory
bandwidth, board power), kept deliberately minimal: a later issue extends it
into a full catalogue. Plus a short NumPy matmul benchmark that measures the
FLOP/s the learner's own computer achieves, so lessons can compare "your
laptop" with an H100.

Peak figures are *dense*: NVIDIA datasheets headline tensor-core numbers "with
sparsity" (2:4 structured sparsity), which are twice the dense rate and are not
what large-model training achieves.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import DTypeLike

from compute_econ._validate import as_float_array, in_range, positive

__all__ = [
    "Accelerator",
    "H100_SXM",
    "A100_SXM",
    "REFERENCE_ACCELERATOR",
    "ACCELERATORS",
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
    board_watts : float
        Maximum board power (TDP), W.
    release_year : int
        Year the part was announced/first shipped.
    source : str
        Datasheet (and table) the figures come from.

    References
    ----------
    Per instance, in ``source``.
    """

    name: str
    peak_flop_per_s: float
    memory_bytes: float
    memory_bytes_per_s: float
    board_watts: float
    release_year: int
    source: str

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"name must be a non-empty string, got {self.name!r}")
        positive("peak_flop_per_s", self.peak_flop_per_s, "FLOP/s")
        positive("memory_bytes", self.memory_bytes, "bytes")
        positive("memory_bytes_per_s", self.memory_bytes_per_s, "bytes/s")
        positive("board_watts", self.board_watts, "W")
        in_range("release_year", self.release_year, 1990, 2100)
        if not isinstance(self.source, str) or not self.source.strip():
            raise ValueError(f"source must be a non-empty citation, got {self.source!r}")

    @property
    def flop_per_byte(self) -> float:
        """Ridge point of the roofline: peak FLOP/s divided by memory bytes/s (FLOP per byte).

        References
        ----------
        Williams, Waterman & Patterson 2009, "Roofline", CACM 52(4), Section 2.
        """
        return self.peak_flop_per_s / self.memory_bytes_per_s

    def __str__(self) -> str:
        return (
            f"{self.name}: {self.peak_flop_per_s / 1e12:g} TFLOP/s dense BF16, "
            f"{self.memory_bytes / 1e9:g} GB at {self.memory_bytes_per_s / 1e12:g} TB/s, "
            f"{self.board_watts:g} W ({self.release_year})"
        )


#: NVIDIA H100 SXM5 80 GB. The datasheet's "BF16 Tensor Core 1,979 TFLOPS" is
#: *with sparsity*; dense is half: 989.4e12 FLOP/s.
H100_SXM = Accelerator(
    name="NVIDIA H100 SXM5 80GB",
    peak_flop_per_s=989.4e12,  # dense BF16; datasheet 1,979 TFLOPS is with 2:4 sparsity
    memory_bytes=80e9,  # 80 GB HBM3
    memory_bytes_per_s=3.35e12,  # 3.35 TB/s
    board_watts=700.0,  # max TDP (configurable)
    release_year=2022,
    source=(
        "NVIDIA H100 Tensor Core GPU datasheet, H100 SXM column: BF16 Tensor Core 1,979 TFLOPS "
        "footnoted 'shown with sparsity; specifications 1/2 lower without sparsity', so dense = "
        "989.4 TFLOPS; 80 GB HBM3, 3.35 TB/s, up to 700 W"
    ),
)

#: NVIDIA A100 SXM4 80 GB: 312 TFLOP/s dense BF16 (624 with sparsity).
A100_SXM = Accelerator(
    name="NVIDIA A100 SXM4 80GB",
    peak_flop_per_s=312e12,  # dense BF16; 624 TFLOPS with sparsity
    memory_bytes=80e9,  # 80 GB HBM2e
    memory_bytes_per_s=2.039e12,  # 2,039 GB/s
    board_watts=400.0,
    release_year=2020,
    source=(
        "NVIDIA A100 Tensor Core GPU datasheet, A100 80GB SXM column (BF16 Tensor Core 312 TFLOPS "
        "dense, 624 with sparsity; 80 GB HBM2e, 2,039 GB/s, 400 W)"
    ),
)

#: The accelerator lessons use by default when none is chosen.
REFERENCE_ACCELERATOR = H100_SXM

#: Catalogue by name (a later issue extends it).
ACCELERATORS: dict[str, Accelerator] = {a.name: a for a in (A100_SXM, H100_SXM)}


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
