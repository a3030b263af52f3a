"""Accelerator catalogue, roofline and MFU (compute_econ.hardware)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from compute_econ import hardware as hw

CSV_HEADER = ",".join(hw.ACCELERATOR_COLUMNS)


@pytest.mark.parametrize(
    "name, bf16, fp8, mem_gb, bw_tb_s, watts",
    [
        # NVIDIA H100 datasheet, SXM column: 1,979 BF16 / 3,958 FP8 TFLOPS "with sparsity" (dense = half).
        ("NVIDIA H100 SXM", 989.4e12, 1978.9e12, 80, 3.35, 700),
        # NVIDIA A100 datasheet, 80GB SXM: 312 TFLOPS BF16 dense, no FP8.
        ("NVIDIA A100 SXM", 312e12, None, 80, 2.039, 400),
        # AMD Instinct MI300X datasheet: 1,307.4 BF16 / 2,614.9 FP8 TFLOPS dense, 192 GB HBM3, 5.3 TB/s, 750 W.
        ("AMD MI300X", 1307.4e12, 2614.9e12, 192, 5.3, 750),
        # Google Cloud TPU v5p docs: 459 TFLOPs bf16, 95 GB HBM2e, 2,765 GBps; no published power.
        ("Google TPU v5p", 459e12, None, 95, 2.765, None),
        # AWS Neuron docs, 'Trainium2 Architecture': 667 BF16 / 1,299 FP8 TFLOPS dense, 96 GiB at 2.9 TB/s.
        ("AWS Trainium2", 667e12, 1299e12, 103.1, 2.9, None),
    ],
)
def test_catalogue_matches_datasheets(name, bf16, fp8, mem_gb, bw_tb_s, watts):
    a = hw.get_accelerator(name)
    assert a.peak_flop_per_s == pytest.approx(bf16, rel=1e-4)
    assert a.peak_flop_per_s_fp8 == (None if fp8 is None else pytest.approx(fp8, rel=1e-4))
    assert a.memory_bytes == pytest.approx(mem_gb * 1e9, rel=1e-3)
    assert a.memory_bytes_per_s == pytest.approx(bw_tb_s * 1e12, rel=1e-3)
    assert a.board_watts == (None if watts is None else pytest.approx(watts))


def test_catalogue_covers_the_issue_list_and_every_row_is_sourced():
    cat = hw.load_accelerators()
    for name in ("NVIDIA A100 SXM", "NVIDIA H100 SXM", "NVIDIA H200", "NVIDIA B200", "NVIDIA GB200 (per GPU)",
                 "AMD MI300X", "AMD MI325X", "Google TPU v5p", "Google TPU v6e", "AWS Trainium2"):
        assert name in cat
    assert all(len(a.source) > 30 for a in cat.values())
    priced = [a for a in cat.values() if a.price_usd is not None]
    assert {a.name for a in priced} >= {"NVIDIA H100 SXM"}
    assert all(a.price_source and a.price_year for a in priced)
    # Dense peaks: FP8, where present, is twice BF16 on every chip listed (datasheets).
    with_fp8 = [a for a in cat.values() if a.peak_flop_per_s_fp8 is not None]
    assert {a.name for a in with_fp8} >= {"NVIDIA H100 SXM", "AMD MI300X", "AWS Trainium2"}
    for a in with_fp8:
        assert a.peak_flop_per_s_fp8 == pytest.approx(2 * a.peak_flop_per_s, rel=0.03), a.name
    assert hw.H100_SXM is cat["NVIDIA H100 SXM"]
    assert "estimate" in cat["NVIDIA GB200 (per GPU)"].note.lower()


@pytest.mark.parametrize("name, gb_per_s", [
    ("NVIDIA A100 SXM", 600),  # A100 datasheet: NVLink 600 GB/s, total bidirectional
    ("NVIDIA H100 SXM", 900),  # NVIDIA Hopper architecture page: "900 gigabytes/second (GB/s) bi-directional per GPU"
    ("AMD MI300X", 896),  # AMD MI300X data sheet: 7 Infinity Fabric links x 128 GB/s bidirectional
    ("Google TPU v5p", 1200),  # Google Cloud TPU v5p page: "Bidirectional ... ICI bandwidth (per chip) 1200 GBps"
    ("Google TPU v6e", 800),  # Google Cloud TPU v6e page: "Bidirectional ... ICI bandwidth (per chip) 800 GBps"
])
def test_interconnect_is_bidirectional_per_chip_in_every_row(name, gb_per_s):
    """Scale-up bandwidth is compared across rows, so every row counts both directions. TPU v5p was stored
    one way (600 GB/s: the older page's '4800 Gbps'), half of Google's bidirectional 1,200 GB/s."""
    assert hw.load_accelerators()[name].interconnect_bytes_per_s == pytest.approx(gb_per_s * 1e9)


def test_loader_reads_a_good_row(tmp_path):
    f = tmp_path / "acc.csv"
    f.write_text(CSV_HEADER + "\nX,V,2024,1e15,,80e9,3e12,,700,,,,src,,\n")
    x = hw.load_accelerators(f)["X"]
    assert (x.peak_flop_per_s, x.board_watts, x.release_year, x.price_usd) == (1e15, 700.0, 2024, None)


@pytest.mark.parametrize(
    "row, message",
    [
        ("X,V,2024,,,80e9,3e12,,700,,,,src,,", "peak_flop_per_s_bf16"),  # missing required field
        ("X,V,2024,1e15,,80e9,3e12,,-700,,,,src,,", "board_watts"),  # negative power
        ("X,V,2024,1e15,,80e9,fast,,700,,,,src,,", "memory_bytes_per_s"),  # not a number
        ("X,V,2024,1e15,,80e9,3e12,,700,30000,,true,src,,", "price_year"),  # price without its year
        ("X,V,2024,1e15,,80e9,3e12,,700,,,,,,", "source"),  # no source
        ("X,V,2024.5,1e15,,80e9,3e12,,700,,,,src,,", "release_year must be a whole number"),
        ("X,V,2024,1e15,,80e9,3e12,,700,30000,1890,true,src,seller,", "price_year must be a whole number in"),
    ],
)
def test_loader_validates_every_row(tmp_path, row, message):
    f = tmp_path / "acc.csv"
    f.write_text(CSV_HEADER + "\n" + row + "\n")
    with pytest.raises(ValueError, match=message) as exc:
        hw.load_accelerators(f)
    assert "line 2" in str(exc.value) and "('X')" in str(exc.value)


@pytest.mark.parametrize("path, match", [
    (3, "path must be a str or PathLike"), (["acc.csv"], "path must be a str or PathLike"),
    ("no-such-file.csv", "path must name an existing CSV file"), ("a\x00b", "path must be a file path without NUL"),
])
def test_loader_path_is_checked(path, match):
    with pytest.raises(ValueError, match=match):
        hw.load_accelerators(path)


def test_loader_rejects_duplicates_and_bad_header(tmp_path):
    f = tmp_path / "acc.csv"
    good = "X,V,2024,1e15,,80e9,3e12,,700,,,,src,,"
    f.write_text(CSV_HEADER + "\n" + good + "\n" + good + "\n")
    with pytest.raises(ValueError, match="duplicate"):
        hw.load_accelerators(f)
    f.write_text("name,peak\nX,1\n")
    with pytest.raises(ValueError, match="header"):
        hw.load_accelerators(f)


def test_get_accelerator_and_precision_errors():
    with pytest.raises(ValueError, match="name must be one of 'AMD MI300X', .*'NVIDIA H100 SXM'.*; got 'H100'"):
        hw.get_accelerator("H100")
    with pytest.raises(ValueError, match="name must be one of"):
        hw.get_accelerator(["NVIDIA H100 SXM"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no FP8"):
        hw.peak_flop_per_s_for(hw.A100_SXM, "fp8")
    with pytest.raises(ValueError, match="precision must be one of 'bf16', 'fp8'; got 'fp4'"):
        hw.peak_flop_per_s_for(hw.H100_SXM, "fp4")
    with pytest.raises(ValueError, match="accelerator must be an? Accelerator"):
        hw.peak_flop_per_s_for("NVIDIA H100 SXM", "bf16")  # type: ignore[arg-type]
    assert hw.peak_flop_per_s_for(hw.H100_SXM, "fp8") == hw.H100_SXM.peak_flop_per_s_fp8


def test_bytes_per_element_by_precision():
    """BF16 is a 16-bit format (Kalamkar et al. 2019, arXiv:1905.12322, Section 2); FP8 E4M3 and E5M2 are
    8-bit (Micikevicius et al. 2022, arXiv:2209.05433, Section 3). Every precision with a peak in the
    catalogue has a size."""
    assert (hw.bytes_per_element("bf16"), hw.bytes_per_element("fp8")) == (2, 1)
    assert hw.PRECISIONS == ("bf16", "fp8")
    assert dict(hw.BYTES_PER_ELEMENT) == {"bf16": 2, "fp8": 1, "int8": 1, "int4": 0.5}
    assert hw.STORAGE_FORMATS == ("bf16", "fp8", "int8", "int4")
    for bad in ("fp4", "BF16", 2, None):
        with pytest.raises(ValueError, match="precision must be one of 'bf16', 'fp8'"):
            hw.bytes_per_element(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        hw.BYTES_PER_ELEMENT["fp4"] = 0.5  # type: ignore[index]  # the table is read-only
    # FP8 halves the bytes, so doubles the intensity of every operation (and the decode step's)
    assert hw.matmul_intensity(1024, 1024, 1024, hw.bytes_per_element("fp8")) == pytest.approx(
        2 * hw.matmul_intensity(1024, 1024, 1024, hw.bytes_per_element("bf16")))


def test_h100_ridge_point():
    """989.4e12 FLOP/s over 3.35e12 bytes/s (H100 SXM datasheet): ~295 FLOP/byte."""
    assert hw.ridge_point_flop_per_byte(hw.H100_SXM.peak_flop_per_s, hw.H100_SXM.memory_bytes_per_s) == pytest.approx(
        295.3, abs=0.1)


def test_roofline_two_regimes_and_continuity():
    P, W = 1e15, 2e12
    ridge = P / W
    assert hw.attainable_flop_per_s(ridge / 10, P, W) == pytest.approx(ridge / 10 * W)
    assert hw.attainable_flop_per_s(ridge * 10, P, W) == pytest.approx(P)
    eps = 1e-9
    assert hw.attainable_flop_per_s(ridge * (1 - eps), P, W) == pytest.approx(P, rel=1e-8)
    assert not hw.is_compute_bound(ridge / 2, P, W) and hw.is_compute_bound(ridge * 2, P, W)


def test_decode_at_batch_one_is_memory_bound_and_big_matmul_compute_bound_on_every_chip():
    for a in hw.load_accelerators().values():
        assert not hw.is_compute_bound(hw.decode_intensity(1), a.peak_flop_per_s, a.memory_bytes_per_s)
        assert hw.is_compute_bound(hw.matmul_intensity(8192, 8192, 8192), a.peak_flop_per_s, a.memory_bytes_per_s)


def test_intensity_closed_forms():
    # Square matmul at 2 bytes: 2n^3 / (2 * 3n^2) = n/3.
    for n in (64, 1024, 8192):
        assert hw.matmul_intensity(n, n, n) == pytest.approx(n / 3)
    assert hw.decode_intensity(64) == pytest.approx(64.0)  # 2B/b at BF16
    assert hw.decode_intensity(64, bytes_per_param=1) == pytest.approx(128.0)  # FP8 weights
    assert hw.attention_intensity(4096, 128) == pytest.approx(2048.0)  # s/b


def test_mfu_palm():
    """PaLM 540B (Chowdhery et al. 2022, Table 3 / §4.1): 46.2 % MFU on TPU v4 (275 TFLOP/s peak BF16);
    the model FLOP/s that implies, divided back by the peak, recovers 46.2 %."""
    peak = 275e12 * 6144  # 6,144 TPU v4 chips
    achieved = 0.462 * peak
    tokens_per_s = achieved / (6 * 540e9)
    assert hw.mfu(hw.model_flop_per_s(540e9, tokens_per_s), peak) == pytest.approx(0.462)


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), "1", None, [], [[1.0], [1.0, 2.0]]])
def test_roofline_bad_input(bad):
    with pytest.raises(ValueError, match="intensity_flop_per_byte"):
        hw.attainable_flop_per_s(bad, 1e15, 1e12)
    with pytest.raises(ValueError, match="batch_size"):
        hw.decode_intensity(bad)


@pytest.mark.parametrize("call, names", [
    (lambda: hw.ridge_point_flop_per_byte(1e300, 1e-300), "peak_flop_per_s, memory_bytes_per_s"),
    (lambda: hw.matmul_intensity(64, 64, 64, 5e-324), "bytes_per_element"),
    (lambda: hw.decode_intensity(1e300, 1e-300), "batch_size, bytes_per_param"),
    (lambda: hw.attention_intensity(1e300, 128, 1e-300), "seq_len, bytes_per_element"),
    (lambda: hw.model_flop_per_s(1e300, 1e300), "n_params, tokens_per_s"),
    (lambda: hw.mfu(1e300, 1e-300), "achieved_flop_per_s, peak_flop_per_s"),
])
def test_results_that_would_overflow_raise_naming_the_inputs(call, names):
    with pytest.raises(ValueError, match=f"outside the model's range \\(check {names}\\)"):
        call()


def test_intensities_do_not_overflow_for_large_valid_sizes():
    """2mkn overflows a float for m = k = n = 1e103; the intensity itself is finite (2n/3b), and so is s/b."""
    assert hw.matmul_intensity(1e103, 1e103, 1e103) == pytest.approx(1e103 / 3)
    assert hw.attention_intensity(1e200, 128) == pytest.approx(5e199)
    assert hw.attainable_flop_per_s(1e300, 1e15, 1e12) == 1e15  # I x W overflows; the roof does not


def test_sizes_count_from_one():
    for call, name in ((lambda: hw.matmul_intensity(0.5, 64, 64), "m"), (lambda: hw.decode_intensity(0.5), "batch_size"),
                       (lambda: hw.attention_intensity(4096, 0.5), "head_dim")):
        with pytest.raises(ValueError, match=f"{name} must be >= 1"):
            call()


positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False)
peaks = st.floats(min_value=1e9, max_value=1e17, allow_nan=False)
bws = st.floats(min_value=1e8, max_value=1e14, allow_nan=False)


@given(positive, positive, peaks, bws)
def test_attainable_bounded_and_monotone(i1, i2, P, W):
    lo, hi = sorted((i1, i2))
    a_lo, a_hi = hw.attainable_flop_per_s(lo, P, W), hw.attainable_flop_per_s(hi, P, W)
    assert a_lo <= a_hi * (1 + 1e-12)
    for i, a in ((lo, a_lo), (hi, a_hi)):
        assert 0 < a <= P * (1 + 1e-12) and a <= i * W * (1 + 1e-12)
        assert math.isfinite(a)
    assert hw.attainable_flop_per_s(hi, P * 2, W) >= a_hi and hw.attainable_flop_per_s(hi, P, W * 2) >= a_hi


@given(st.integers(1, 65536), st.integers(1, 65536), st.integers(1, 65536), st.integers(1, 4096))
def test_intensities_positive_finite(m, k, n, b):
    for v in (hw.matmul_intensity(m, k, n), hw.decode_intensity(b), hw.attention_intensity(m, 128)):
        assert np.isfinite(v) and v > 0
