"""Tests for compute_econ.hardware: accelerator specs and the local matmul benchmark."""

from __future__ import annotations

import dataclasses
import math
import time

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
        ("release_year", 1850, "release_year must be in"),
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


def test_measure_local_flop_s_fixed_size_float64():
    m = measure_local_flop_s(seconds=0.05, n=128, dtype=np.float64)
    assert m.matrix_size == 128 and m.dtype == "float64"
    assert m.achieved_flop_per_s > 0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"seconds": 0.0}, "seconds"),
        ({"seconds": -1.0}, "seconds"),
        ({"seconds": 60.0}, "seconds"),
        ({"seconds": float("nan")}, "seconds"),
        ({"n": 8}, "n must be in"),
        ({"n": 100.5}, "n must be an integer"),
        ({"dtype": np.int32}, "dtype"),
    ],
)
def test_measure_local_flop_s_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        measure_local_flop_s(**kwargs)
