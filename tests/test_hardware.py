"""Tests for compute_econ.hardware: accelerator specs and the local matmul benchmark."""

from __future__ import annotations

import dataclasses
import math
import time
from typing import Any

import numpy as np
import pytest

from compute_econ.hardware import (
    A100_SXM,
    ACCELERATORS,
    H100_SXM,
    REFERENCE_ACCELERATOR,
    Accelerator,
    LocalMeasurement,
    measure_local_flop_s,
)


def test_h100_sxm_matches_datasheet_dense_bf16():
    """NVIDIA H100 datasheet, SXM column: BF16 1,979 TFLOPS *with sparsity* -> 989.4e12 dense;
    80 GB HBM3; 3.35 TB/s; up to 700 W."""
    assert H100_SXM.peak_flop_per_s == pytest.approx(989.4e12)
    assert H100_SXM.peak_flop_per_s == pytest.approx(1979e12 / 2, rel=1e-3)  # not the sparse figure
    assert H100_SXM.memory_bytes == 80e9
    assert H100_SXM.memory_bytes_per_s == pytest.approx(3.35e12)
    assert H100_SXM.board_watts == 700
    assert "sparsity" in H100_SXM.source


def test_a100_sxm_matches_datasheet_dense_bf16():
    """NVIDIA A100 datasheet, 80GB SXM column: BF16 312 TFLOPS dense (624 sparse), 2,039 GB/s, 400 W."""
    assert A100_SXM.peak_flop_per_s == pytest.approx(312e12)
    assert A100_SXM.memory_bytes == 80e9
    assert A100_SXM.memory_bytes_per_s == pytest.approx(2.039e12)
    assert A100_SXM.board_watts == 400


def test_reference_and_catalogue():
    assert REFERENCE_ACCELERATOR is H100_SXM
    assert ACCELERATORS[H100_SXM.name] is H100_SXM and ACCELERATORS[A100_SXM.name] is A100_SXM
    # H100/A100 dense BF16 ratio ~3.2x (989.4 / 312)
    assert H100_SXM.peak_flop_per_s / A100_SXM.peak_flop_per_s == pytest.approx(3.17, abs=0.01)
    # roofline ridge point, FLOP per byte
    assert H100_SXM.flop_per_byte == pytest.approx(989.4e12 / 3.35e12)
    assert "989.4 TFLOP/s" in str(H100_SXM)


def test_accelerator_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        H100_SXM.peak_flop_per_s = 1.0  # type: ignore[misc]
    faster = dataclasses.replace(H100_SXM, name="what-if", peak_flop_per_s=2e15)
    assert faster.peak_flop_per_s == 2e15 and H100_SXM.peak_flop_per_s == 989.4e12


@pytest.mark.parametrize(
    "field, value, match",
    [
        ("peak_flop_per_s", 0.0, "peak_flop_per_s must be > 0"),
        ("peak_flop_per_s", -1e12, "peak_flop_per_s must be > 0"),
        ("peak_flop_per_s", float("nan"), "peak_flop_per_s must be a finite number"),
        ("memory_bytes", 0.0, "memory_bytes must be > 0"),
        ("memory_bytes_per_s", -3.0, "memory_bytes_per_s must be > 0"),
        ("board_watts", 0.0, "board_watts must be > 0"),
        ("release_year", 1850, r"release_year must be a whole number in \[1950, 2100\], got 1850"),
        ("release_year", 2022.5, "release_year must be a whole number"),
        ("peak_flop_per_s", "989e12", "peak_flop_per_s must be one number"),
        ("memory_bytes", [80e9], "memory_bytes must be one number"),
        ("board_watts", [], "board_watts must be one number"),
        ("price_usd", np.array([1.0, 2.0]), "price_usd must be one number"),
        ("price_is_estimate", "no", "price_is_estimate must be True or False"),
        ("vendor", None, "vendor must be a string"),
        ("source", "", "source"),
        ("name", " ", "name"),
    ],
)
def test_accelerator_validation(field, value, match):
    with pytest.raises(ValueError, match=match):
        dataclasses.replace(H100_SXM, **{field: value})


def test_measure_local_flop_s_is_finite_positive_and_keeps_to_its_time_budget():
    """A lesson cell calls it: it must stop after about `seconds` (capped), not run away."""
    t0 = time.perf_counter()
    m = measure_local_flop_s(seconds=0.2)
    elapsed = time.perf_counter() - t0
    assert isinstance(m, LocalMeasurement)
    assert elapsed < 3.0
    assert math.isfinite(m.achieved_flop_per_s) and m.achieved_flop_per_s > 0
    assert m.median_flop_per_s <= m.achieved_flop_per_s
    assert m.n_repeats >= 3
    assert 256 <= m.matrix_size <= 2048
    assert m.dtype == "float32"
    # a laptop is far from an H100 but faster than 10 MFLOP/s
    assert 1e7 < m.achieved_flop_per_s < H100_SXM.peak_flop_per_s


def test_accelerator_stores_the_validated_values():
    numpy_values: dict[str, Any] = {"peak_flop_per_s": np.float64(1e15), "release_year": 2022.0,
                                    "price_year": np.int64(2023)}
    a = dataclasses.replace(H100_SXM, **numpy_values)
    assert type(a.peak_flop_per_s) is float and a.peak_flop_per_s == 1e15
    assert type(a.release_year) is int and a.release_year == 2022 and type(a.price_year) is int
    tpu = dataclasses.replace(H100_SXM, board_watts=None)  # no published power: None is the default
    assert tpu.board_watts is None
    assert {f.name: f.default for f in dataclasses.fields(Accelerator)}["board_watts"] is None


def test_measure_local_flop_s_fixed_size_float64():
    m = measure_local_flop_s(seconds=0.05, n=128, dtype=np.float64)
    assert m.matrix_size == 128 and m.dtype == "float64"
    assert m.achieved_flop_per_s > 0
    assert measure_local_flop_s(seconds=0.01, n=16, dtype="float32").dtype == "float32"


def test_measure_local_flop_s_large_fixed_size_stops_near_its_budget():
    """A product at n = 1024 is 2.1 GFLOP, more than 1.5 ms even at 1 TFLOP/s: with a 0.5 ms budget the
    benchmark stops after one timed repeat instead of insisting on three (at n = 2048 on a slow laptop,
    three repeats would be several seconds past the budget)."""
    m = measure_local_flop_s(seconds=0.0005, n=1024)
    assert m.n_repeats == 1 and m.matrix_size == 1024


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"seconds": 0.0}, "seconds"),
        ({"seconds": -1.0}, "seconds"),
        ({"seconds": 60.0}, "seconds"),
        ({"seconds": float("nan")}, "seconds"),
        ({"seconds": "1"}, "seconds must be one number"),
        ({"n": 8}, r"n must be a whole number in \[16, 2048\], got 8"),
        ({"n": 4096}, r"n must be a whole number in \[16, 2048\], got 4096"),
        ({"n": 100.5}, "n must be a whole number"),
        ({"n": True}, "n must be a whole number"),
        ({"dtype": np.int32}, "dtype must be np.float32 or np.float64"),
        ({"dtype": None}, "dtype must be np.float32 or np.float64"),
        ({"dtype": "float16"}, "dtype must be np.float32 or np.float64"),
        ({"dtype": object()}, "dtype must be np.float32 or np.float64"),
    ],
)
def test_measure_local_flop_s_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        measure_local_flop_s(**kwargs)
