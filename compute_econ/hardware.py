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
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from compute_econ import _data
from compute_econ._validate import (
    YEAR_RANGE,
    FloatOrArray,
    array,
    broadcast,
    choice,
    finite_result,
    flag,
    instance,
    integer,
    positive,
    scalar,
    scalar_or_array,
    text,
)

__all__ = [
    "Accelerator",
    "ACCELERATOR_COLUMNS",
    "load_accelerators",
    "get_accelerator",
    "peak_flop_per_s_for",
    "PRECISIONS",
    "BYTES_PER_ELEMENT",
    "STORAGE_FORMATS",
    "bytes_per_element",
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
    release_year : int
        Year the part was announced/first shipped (a calendar year in 1950-2100).
    source : str
        Datasheet (and table) the figures come from.
    vendor : str
    board_watts : float or None
        Maximum board power (TDP), W; None (the default) where the vendor publishes none.
    peak_flop_per_s_fp8 : float or None
        Dense FP8 tensor peak, FLOP/s; None for chips without FP8 units.
    interconnect_bytes_per_s : float or None
        Scale-up interconnect (NVLink, Infinity Fabric, ICI) per chip, bytes/s.
    price_usd, price_year, price_is_estimate, price_source
        Purchase price per accelerator where published or credibly estimated (USD > 0,
        its dollar year, whether it is an estimate, and where it comes from).
    note : str
        What the figures mean (per direction or total, estimates, derivations).

    Every number is one finite number (or None where optional); the validated value is
    what the record stores.

    References
    ----------
    Per instance, in ``source`` and ``price_source``.
    """

    name: str
    peak_flop_per_s: float
    memory_bytes: float
    memory_bytes_per_s: float
    release_year: int
    source: str
    vendor: str = ""
    board_watts: float | None = None
    peak_flop_per_s_fp8: float | None = None
    interconnect_bytes_per_s: float | None = None
    price_usd: float | None = None
    price_year: int | None = None
    price_is_estimate: bool = True
    price_source: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        store = functools.partial(object.__setattr__, self)
        store("name", text("name", self.name))
        for field, unit in (("peak_flop_per_s", "FLOP/s"), ("memory_bytes", "bytes"),
                            ("memory_bytes_per_s", "bytes/s")):
            store(field, scalar(field, getattr(self, field), 0.0, low_open=True, unit=unit))
        for field, unit in (("board_watts", "W"), ("peak_flop_per_s_fp8", "FLOP/s"),
                            ("interconnect_bytes_per_s", "bytes/s"), ("price_usd", "USD")):
            if getattr(self, field) is not None:
                store(field, scalar(field, getattr(self, field), 0.0, low_open=True, unit=unit))
        store("release_year", integer("release_year", self.release_year, *YEAR_RANGE))
        if self.price_year is not None:
            store("price_year", integer("price_year", self.price_year, *YEAR_RANGE))
        store("price_is_estimate", flag("price_is_estimate", self.price_is_estimate))
        store("source", text("source", self.source))
        for field in ("vendor", "price_source", "note"):
            store(field, text(field, getattr(self, field), allow_empty=True))
        if self.price_usd is not None:
            if self.price_year is None:
                raise ValueError(f"price_year is required with price_usd for {self.name!r}")
            if not self.price_source.strip():
                raise ValueError(f"price_source is required with price_usd for {self.name!r}")

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


def _optional_number(row: _data.CsvRow, where: str, field: str) -> float | None:
    """A numeric field of a catalogue row, None where it is empty."""
    value = _data.number(row.text(field), where, field)
    return None if math.isnan(value) else value


def _number(row: _data.CsvRow, where: str, field: str) -> float:
    """A required numeric field of a catalogue row."""
    return _data.number(row.text(field), where, field, required=True)


def _year(row: _data.CsvRow, where: str, field: str) -> int | None:
    """A year field of a catalogue row (a whole calendar year), None where it is empty."""
    value = _optional_number(row, where, field)
    return None if value is None else integer(field, value, *YEAR_RANGE)


def _parse_accelerators(table: _data.CsvTable) -> dict[str, Accelerator]:
    out: dict[str, Accelerator] = {}
    for row in table:
        name = row.text("name")
        where = table.where(row, name or "?")
        for field in _REQUIRED:
            if not row.text(field):
                raise ValueError(f"{where}: required field {field!r} is empty")

        num = functools.partial(_optional_number, row, where)
        req = functools.partial(_number, row, where)

        try:
            acc = Accelerator(
                name=name, vendor=row.text("vendor"), release_year=integer("release_year", req("release_year"), *YEAR_RANGE),
                peak_flop_per_s=req("peak_flop_per_s_bf16"), peak_flop_per_s_fp8=num("peak_flop_per_s_fp8"),
                memory_bytes=req("memory_bytes"), memory_bytes_per_s=req("memory_bytes_per_s"),
                interconnect_bytes_per_s=num("interconnect_bytes_per_s"), board_watts=num("board_watts"),
                price_usd=num("price_usd"), price_year=_year(row, where, "price_year"),
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
    return _parse_accelerators(_data.read_csv(_csv_path(path), "accelerators.csv", columns=ACCELERATOR_COLUMNS))


def _csv_path(path: Any) -> str | os.PathLike[str]:
    """A file path (str or path-like), checked before it reaches the file system."""
    path = instance("path", path, (str, os.PathLike))
    if "\x00" in os.fspath(path):
        raise ValueError(f"path must be a file path without NUL characters, got {path!r}")
    return path


def get_accelerator(name: str) -> Accelerator:
    """One catalogue row by name; ``ValueError`` listing the valid names otherwise.

    Parameters
    ----------
    name : str
        A name in the shipped catalogue (:data:`ACCELERATORS`), e.g. ``"NVIDIA H100 SXM"``.

    References
    ----------
    Each row's datasheet, in its ``source``.
    """
    catalogue = _shipped_accelerators()
    return catalogue[choice("name", name, sorted(catalogue))]


#: Bytes one number takes in each format the kit stores weights, activations or a KV cache in
#: (the one table of the kit: the roofline and the serving model both read it). BF16 (bfloat16)
#: is a 16-bit format (Kalamkar et al. 2019, "A Study of BFLOAT16 for Deep Learning Training",
#: arXiv:1905.12322, Section 2: 1 sign, 8 exponent, 7 mantissa bits); FP8 is 8-bit in both of
#: its encodings, E4M3 and E5M2 (Micikevicius et al. 2022, "FP8 Formats for Deep Learning",
#: arXiv:2209.05433, Section 3); INT8 weight-only quantisation stores one byte per weight and
#: computes in BF16 (Pope et al. 2022, arXiv:2211.05102, Section 3.5: PaLM 540B served with int8
#: weights); INT4 weight-only quantisation half a byte (Lin et al. 2023, "AWQ", arXiv:2306.00978,
#: Section 1).
BYTES_PER_ELEMENT: Mapping[str, float] = MappingProxyType({"bf16": 2.0, "fp8": 1.0, "int8": 1.0, "int4": 0.5})
#: Every format in :data:`BYTES_PER_ELEMENT` (what a number can be stored in).
STORAGE_FORMATS: tuple[str, ...] = tuple(BYTES_PER_ELEMENT)
#: The precisions the kit computes in: those with a dense peak in the catalogue.
PRECISIONS: tuple[str, ...] = ("bf16", "fp8")


def bytes_per_element(precision: str) -> float:
    """Bytes one number takes in memory at ``precision`` ("bf16": 2, "fp8": 1, "int8": 1, "int4": 0.5).

    Parameters
    ----------
    precision : str
        One of :data:`STORAGE_FORMATS`.

    Returns
    -------
    float
        Bytes per element (weights, activations, operands of a matmul, a KV cache).

    References
    ----------
    See :data:`BYTES_PER_ELEMENT` (Kalamkar et al. 2019; Micikevicius et al. 2022; Pope et al. 2022;
    Lin et al. 2023).

    Examples
    --------
    >>> bytes_per_element("bf16"), bytes_per_element("fp8"), bytes_per_element("int4")
    (2.0, 1.0, 0.5)
    """
    return BYTES_PER_ELEMENT[choice("precision", precision, STORAGE_FORMATS)]


def peak_flop_per_s_for(accelerator: Accelerator, precision: str = "bf16") -> float:
    """Dense peak FLOP/s of ``accelerator`` at ``precision`` ("bf16" or "fp8").

    Parameters
    ----------
    accelerator : Accelerator
    precision : str
        One of :data:`PRECISIONS`; "fp8" only on chips with FP8 units.

    References
    ----------
    The accelerator's datasheet, in its ``source`` (dense, not "with sparsity", figures).
    """
    acc = instance("accelerator", accelerator, Accelerator)
    precision = choice("precision", precision, PRECISIONS)
    if precision == "fp8":
        if acc.peak_flop_per_s_fp8 is None:
            raise ValueError(f"precision 'fp8' is not available on {acc.name} (it has no FP8 units); use 'bf16'")
        return acc.peak_flop_per_s_fp8
    return acc.peak_flop_per_s


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
) -> FloatOrArray:
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

    Returns
    -------
    float or numpy.ndarray
        FLOP/s, at most P (broadcast over the inputs).

    References
    ----------
    Williams, Waterman & Patterson 2009, "Roofline: an insightful visual performance
    model for multicore architectures", CACM 52(4), eq. in Section 2.
    """
    intensity = positive("intensity_flop_per_byte", intensity_flop_per_byte, "FLOP/byte")
    P = positive("peak_flop_per_s", peak_flop_per_s, "FLOP/s")
    W = positive("memory_bytes_per_s", memory_bytes_per_s, "bytes/s")
    intensity, P, W = broadcast({"intensity_flop_per_byte": intensity, "peak_flop_per_s": P, "memory_bytes_per_s": W})
    with np.errstate(over="ignore"):
        return scalar_or_array(np.minimum(P, intensity * W))  # I * W may overflow to inf; the roof P is finite


def ridge_point_flop_per_byte(peak_flop_per_s: ArrayLike, memory_bytes_per_s: ArrayLike) -> FloatOrArray:
    """The intensity where the roofline bends, P / W (FLOP per byte).

    Parameters
    ----------
    peak_flop_per_s : array_like
        Peak compute P, FLOP/s, > 0.
    memory_bytes_per_s : array_like
        Memory bandwidth W, bytes/s, > 0.

    Returns
    -------
    float or numpy.ndarray
        FLOP per byte.

    References
    ----------
    Williams, Waterman & Patterson 2009, CACM 52(4), Section 2.

    Examples
    --------
    >>> round(ridge_point_flop_per_byte(H100_SXM.peak_flop_per_s, H100_SXM.memory_bytes_per_s))
    295
    """
    P = positive("peak_flop_per_s", peak_flop_per_s, "FLOP/s")
    W = positive("memory_bytes_per_s", memory_bytes_per_s, "bytes/s")
    P, W = broadcast({"peak_flop_per_s": P, "memory_bytes_per_s": W})
    with np.errstate(over="ignore"):
        ridge = P / W
    return scalar_or_array(finite_result("the ridge point", ridge, "peak_flop_per_s, memory_bytes_per_s"))


def is_compute_bound(
    intensity_flop_per_byte: ArrayLike, peak_flop_per_s: ArrayLike, memory_bytes_per_s: ArrayLike
) -> bool | np.ndarray:
    """True where the intensity is at or above the ridge point (compute-bound), else memory-bound.

    Parameters
    ----------
    As :func:`attainable_flop_per_s`.

    References
    ----------
    Williams, Waterman & Patterson 2009, CACM 52(4), Section 2.
    """
    intensity = positive("intensity_flop_per_byte", intensity_flop_per_byte, "FLOP/byte")
    P = positive("peak_flop_per_s", peak_flop_per_s, "FLOP/s")
    W = positive("memory_bytes_per_s", memory_bytes_per_s, "bytes/s")
    intensity, P, W = broadcast({"intensity_flop_per_byte": intensity, "peak_flop_per_s": P, "memory_bytes_per_s": W})
    ridge = ridge_point_flop_per_byte(P, W)
    out = intensity >= ridge
    return bool(out) if np.ndim(out) == 0 else out


def _count(name: str, value: ArrayLike, unit: str = "") -> np.ndarray:
    """A size that counts things (matrix rows, sequences, tokens): >= 1, vectorised."""
    return array(name, value, 1.0, unit=unit)


def matmul_intensity(m: ArrayLike, k: ArrayLike, n: ArrayLike, bytes_per_element: ArrayLike = 2) -> FloatOrArray:
    """Arithmetic intensity of C[m,n] = A[m,k] · B[k,n]: 2mkn FLOP over the bytes of A, B and C.

    .. math:: I = \\frac{2mkn}{b\\,(mk + kn + mn)} = \\frac{2}{b\\,(1/m + 1/k + 1/n)}

    Each operand is read once and the result written once (ideal caching), so
    for a square n×n×n product at b bytes per element I = 2n/(3b): n/3 at BF16.

    Parameters
    ----------
    m, k, n : array_like
        Matrix dimensions, >= 1.
    bytes_per_element : array_like
        Bytes per number, > 0 (2 at BF16, 1 at FP8: :func:`bytes_per_element`).

    Returns
    -------
    float or numpy.ndarray
        FLOP per byte.

    References
    ----------
    Austin et al., "How to Scale Your Model" (jax-ml/scaling-book), chapter "All About Rooflines",
    section on matrix multiplication intensity.

    Examples
    --------
    >>> matmul_intensity(4096, 4096, 4096)  # n/3 at two bytes per element
    1365.3333333333333
    """
    M = _count("m", m)
    K = _count("k", k)
    N = _count("n", n)
    b = positive("bytes_per_element", bytes_per_element, "bytes")
    M, K, N, b = broadcast({"m": M, "k": K, "n": N, "bytes_per_element": b})
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        out = 2.0 / (b * (1.0 / M + 1.0 / K + 1.0 / N))  # the second form: no overflow of 2mkn
    return scalar_or_array(finite_result("matmul intensity", out, "bytes_per_element"))


def decode_intensity(batch_size: ArrayLike, bytes_per_param: ArrayLike = 2) -> FloatOrArray:
    """Arithmetic intensity of one decode step of a transformer serving ``batch_size`` sequences.

    Every weight is read from memory once per step and used for 2 FLOP per
    sequence (a multiply and an add), so with N parameters:

    .. math:: I \\approx \\frac{2 B N}{b N} = \\frac{2B}{b}

    i.e. about B FLOP per byte at BF16. The KV cache, which adds bytes that grow
    with context length, is ignored here, so this is an *upper* bound on decode
    intensity (Lesson 5 adds it).

    Parameters
    ----------
    batch_size : array_like
        Sequences decoded together, >= 1.
    bytes_per_param : array_like
        Bytes per weight, > 0 (2 at BF16, 1 at FP8: :func:`bytes_per_element`).

    Returns
    -------
    float or numpy.ndarray
        FLOP per byte.

    References
    ----------
    Austin et al., "How to Scale Your Model" (jax-ml/scaling-book), chapter "All About
    Transformer Inference" (generation is memory-bound at small batch); Kaplan et al. 2020,
    §2.1 (2N FLOP per token in the forward pass).
    """
    B = _count("batch_size", batch_size, "sequences")
    b = positive("bytes_per_param", bytes_per_param, "bytes")
    B, b = broadcast({"batch_size": B, "bytes_per_param": b})
    with np.errstate(over="ignore"):
        out = 2 * B / b
    return scalar_or_array(finite_result("decode intensity", out, "batch_size, bytes_per_param"))


def attention_intensity(seq_len: ArrayLike, head_dim: ArrayLike, bytes_per_element: ArrayLike = 2) -> FloatOrArray:
    """Arithmetic intensity of one attention head over a sequence (prefill/training, fused kernel).

    QKᵀ and the product with V each cost 2·s²·d FLOP (4·s²·d in all); a fused
    kernel (FlashAttention) reads Q, K, V and writes the output once, 4·s·d
    elements, so

    .. math:: I = \\frac{4 s^2 d}{4 s d\\, b} = \\frac{s}{b}

    Long sequences make attention compute-bound; the s×s score matrix is never
    written to memory. (``head_dim`` cancels; it is validated and broadcast.)

    Parameters
    ----------
    seq_len : array_like
        Tokens in the sequence, >= 1.
    head_dim : array_like
        Dimension of one head, >= 1.
    bytes_per_element : array_like
        Bytes per number, > 0 (:func:`bytes_per_element`).

    Returns
    -------
    float or numpy.ndarray
        FLOP per byte.

    References
    ----------
    Dao et al. 2022, "FlashAttention", arXiv:2205.14135, §3 (IO complexity: Θ(N d) HBM
    accesses for the fused kernel); FLOP count as in Kaplan et al. 2020, Table 1.
    """
    s = _count("seq_len", seq_len, "tokens")
    d = _count("head_dim", head_dim)
    b = positive("bytes_per_element", bytes_per_element, "bytes")
    s, d, b = broadcast({"seq_len": s, "head_dim": d, "bytes_per_element": b})  # d cancels but sets the shape
    with np.errstate(over="ignore"):
        out = s / b
    return scalar_or_array(finite_result("attention intensity", out, "seq_len, bytes_per_element"))


# --------------------------------------------------------------------------- MFU
def model_flop_per_s(n_params: ArrayLike, tokens_per_s: ArrayLike) -> FloatOrArray:
    """Model FLOP/s of training: 6 N FLOP per token times tokens per second.

    Parameters
    ----------
    n_params : array_like
        Parameters N, > 0.
    tokens_per_s : array_like
        Training throughput, tokens/s, > 0.

    Returns
    -------
    float or numpy.ndarray
        FLOP/s.

    References
    ----------
    Chowdhery et al. 2022, "PaLM", arXiv:2204.02311, Appendix B (6N per token, plus an
    attention term 12·L·H·Q·T that this simple form leaves out).
    """
    N = positive("n_params", n_params)
    r = positive("tokens_per_s", tokens_per_s, "tokens/s")
    N, r = broadcast({"n_params": N, "tokens_per_s": r})
    with np.errstate(over="ignore"):
        out = 6 * N * r
    return scalar_or_array(finite_result("model FLOP/s", out, "n_params, tokens_per_s"))


def mfu(achieved_flop_per_s: ArrayLike, peak_flop_per_s: ArrayLike) -> FloatOrArray:
    """Model FLOP utilisation: the model FLOP/s a run achieves over the hardware's peak.

    MFU counts only the FLOP the model needs (6N per token), not recomputed
    activations (those count in *hardware* FLOP utilisation, HFU), so it is
    comparable across implementations. What it hides: communication, stragglers,
    and, when measured over good steps only, the time lost to failures and restarts.
    A value above 1 means the inputs are inconsistent (e.g. a sparse peak).

    Parameters
    ----------
    achieved_flop_per_s : array_like
        Model FLOP/s achieved (:func:`model_flop_per_s`), > 0.
    peak_flop_per_s : array_like
        Dense peak of the hardware used, FLOP/s, > 0.

    Returns
    -------
    float or numpy.ndarray
        Fraction of peak.

    References
    ----------
    Chowdhery et al. 2022, "PaLM", arXiv:2204.02311, §4.1 and Appendix B (PaLM 540B: 46.2 % MFU).
    """
    a = positive("achieved_flop_per_s", achieved_flop_per_s, "FLOP/s")
    P = positive("peak_flop_per_s", peak_flop_per_s, "FLOP/s")
    a, P = broadcast({"achieved_flop_per_s": a, "peak_flop_per_s": P})
    with np.errstate(over="ignore"):
        out = a / P
    return scalar_or_array(finite_result("MFU", out, "achieved_flop_per_s, peak_flop_per_s"))


@dataclass(frozen=True)
class LocalMeasurement:
    """Result of :func:`measure_local_flop_s` (a result record).

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


#: Matrix sizes the benchmark chooses from when ``n`` is not given; the largest is also the
#: largest ``n`` it accepts, so one product stays within a few seconds on a slow laptop.
_CANDIDATE_SIZES = (256, 512, 768, 1024, 1536, 2048)
#: Time budget the benchmark accepts, s: (0, MAX_SECONDS].
_MAX_SECONDS = 10.0
#: Matrix sizes accepted for a fixed ``n``.
_N_RANGE = (16, _CANDIDATE_SIZES[-1])
#: Timed repeats at most (a tiny matrix repeats for microseconds; the list of times stays small).
_MAX_REPEATS = 10_000
_DTYPES = ("float32", "float64")


def _matmul_seconds(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> float:
    t0 = time.perf_counter()
    np.matmul(a, b, out=out)
    return time.perf_counter() - t0


def _benchmark_dtype(dtype: Any) -> np.dtype:
    """``np.float32``/``np.float64``, their ``np.dtype`` or their names; a ``ValueError`` otherwise."""
    name = None
    if isinstance(dtype, str):
        name = dtype
    elif isinstance(dtype, np.dtype):
        name = dtype.name
    elif isinstance(dtype, type) and issubclass(dtype, np.floating):
        name = np.dtype(dtype).name
    if name not in _DTYPES:
        raise ValueError(f"dtype must be np.float32 or np.float64 (or their names 'float32', 'float64'), "
                         f"got {dtype!r}")
    return np.dtype(name)


def measure_local_flop_s(
    seconds: float = 1.0,
    n: int | None = None,
    dtype: DTypeLike = np.float32,
) -> LocalMeasurement:
    """Measure this machine's matrix-multiply rate with NumPy (BLAS), in FLOP/s.

    Multiplies two n x n random matrices repeatedly: one warm-up, then timed
    repeats until ``seconds`` have elapsed (at least 3, unless they would take more
    than 3 x ``seconds``: a large fixed ``n`` on a slow machine stops after one).
    Each product counts :math:`2n^3` FLOP (n^3 multiply-adds). The best repeat is
    reported as the achieved rate (least disturbed by other processes); the median is
    kept too. If ``n`` is not given it is chosen from 256-2048 so that one product
    takes about a tenth of ``seconds``.

    Parameters
    ----------
    seconds : float
        Time budget for the timed repeats, in (0, 10] s (default 1 s). The
        whole call, including choosing n, takes roughly 1.2-1.5x this.
    n : int, optional
        Matrix size, a whole number in [16, 2048] (one 2048 product is about 17 GFLOP,
        a second or two on a laptop); default chosen adaptively.
    dtype : numpy dtype
        ``np.float32`` (default; closest to accelerator training precisions a
        CPU runs fast) or ``np.float64`` (or their names).

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
    budget = scalar("seconds", seconds, 0.0, _MAX_SECONDS, low_open=True, unit="s")
    size = None if n is None else integer("n", n, *_N_RANGE)
    dt = _benchmark_dtype(dtype)
    rng = np.random.default_rng(0)

    if size is None:
        probe = _CANDIDATE_SIZES[0]
        a = rng.standard_normal((probe, probe)).astype(dt)
        out = np.empty_like(a)
        _matmul_seconds(a, a, out)  # warm-up (threads, caches)
        t_probe = max(min(_matmul_seconds(a, a, out) for _ in range(3)), 1e-7)
        target = budget / 10.0
        size = probe
        for cand in _CANDIDATE_SIZES:
            if t_probe * (cand / probe) ** 3 <= target:
                size = cand

    a = rng.standard_normal((size, size)).astype(dt)
    b = rng.standard_normal((size, size)).astype(dt)
    out = np.empty_like(a)
    _matmul_seconds(a, b, out)  # warm-up
    times: list[float] = []
    start = time.perf_counter()
    while True:
        times.append(_matmul_seconds(a, b, out))
        elapsed = time.perf_counter() - start
        if len(times) >= _MAX_REPEATS:
            break
        if elapsed >= budget and (len(times) >= 3 or elapsed >= 3 * budget):
            break
    flop = 2.0 * size**3
    rates = flop / np.maximum(np.array(times), 1e-9)
    best, median = float(rates.max()), float(np.median(rates))
    return LocalMeasurement(
        achieved_flop_per_s=best,
        median_flop_per_s=median,
        matrix_size=size,
        n_repeats=len(times),
        seconds=elapsed,
        dtype=dt.name,
    )
