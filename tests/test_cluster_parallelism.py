"""Tests for compute_econ.cluster.parallelism: all-reduce, links, tensor-parallel traffic, bubble, step time.

Published values are checked against the sources named in each test's docstring.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

from compute_econ import hardware
from compute_econ.cluster import parallelism as par
from compute_econ.hardware import A100_SXM, H100_SXM

GIB = 2**30


# -- ring all-reduce ----------------------------------------------------------------------------------

def test_ring_allreduce_time_is_bandwidth_term_plus_step_latencies():
    """Patarasuk & Yuan 2009: every rank sends 2(n-1)/n of the message, in 2(n-1) steps."""
    S, B, alpha = 4e9, 50e9, 10e-6
    for n in (2, 8, 1000):
        expected = 2 * (n - 1) / n * S / B + 2 * (n - 1) * alpha
        assert par.ring_allreduce_time_s(S, n, B, alpha) == pytest.approx(expected, rel=1e-12)


def test_ring_allreduce_one_rank_costs_nothing_and_two_ranks_move_the_message_once():
    assert par.ring_allreduce_time_s(GIB, 1, 50e9, 1e-3) == 0.0
    assert par.ring_allreduce_time_s(GIB, 2, 50e9, 0.0) == pytest.approx(GIB / 50e9)


def test_ring_allreduce_bandwidth_term_tends_to_twice_the_message_over_the_link():
    """Bandwidth optimality: the per-rank volume approaches 2S however many ranks join (not n x S)."""
    t = np.asarray(par.ring_allreduce_time_s(GIB, [2, 16, 1024, 100_000], 50e9, 0.0))
    assert np.all(np.diff(t) > 0)
    assert t[-1] == pytest.approx(2 * GIB / 50e9, rel=1e-4)
    assert t[-1] < 2 * GIB / 50e9


def test_ring_allreduce_is_vectorised_and_broadcasts():
    t = np.asarray(par.ring_allreduce_time_s([[1e9], [2e9]], [2, 4, 8], 50e9))
    assert t.shape == (2, 3)
    np.testing.assert_allclose(t[1] - 2 * (np.array([2, 4, 8]) - 1) * par.NETWORK_STEP_LATENCY_S,
                               2 * (t[0] - 2 * (np.array([2, 4, 8]) - 1) * par.NETWORK_STEP_LATENCY_S))


def test_nccl_tests_bus_bandwidth_of_a_ring_equals_the_link_bandwidth():
    """NVIDIA nccl-tests, doc/PERFORMANCE.md, "AllReduce": t = (S/B) * (2*(n-1)/n) at best, so
    busbw = algbw * 2*(n-1)/n recovers the link bandwidth B whatever the number of ranks.

    Worked example: 1 GiB over 8 H100s on NVLink at 450 GB/s per direction takes
    1.0737e9 / 450e9 * 14/8 = 4.18 ms: algbw = 257 GB/s, busbw = 450 GB/s.
    """
    t8 = par.ring_allreduce_time_s(GIB, 8, 450e9, 0.0)
    assert t8 * 1e3 == pytest.approx(4.1757, abs=1e-4)
    assert GIB / t8 / 1e9 == pytest.approx(257.14, abs=0.01)  # algbw = B n / (2(n-1))
    assert par.allreduce_bus_bytes_per_s(GIB, t8, 8) == pytest.approx(450e9, rel=1e-12)
    n = np.array([2, 8, 64, 16_384])
    t = par.ring_allreduce_time_s(GIB, n, 50e9, 0.0)
    np.testing.assert_allclose(par.allreduce_bus_bytes_per_s(GIB, t, n), 50e9, rtol=1e-12)


def test_latency_makes_bus_bandwidth_fall_below_the_link():
    t = par.ring_allreduce_time_s(1e6, 1024, 50e9)  # 1 MB: latency-bound
    assert par.allreduce_bus_bytes_per_s(1e6, t, 1024) < 0.1 * 50e9


@pytest.mark.parametrize("kwargs, name", [
    (dict(message_bytes=0.0, n_ranks=8, link_bytes_per_s=50e9), "message_bytes"),
    (dict(message_bytes=1e9, n_ranks=2.5, link_bytes_per_s=50e9), "n_ranks"),
    (dict(message_bytes=1e9, n_ranks=0, link_bytes_per_s=50e9), "n_ranks"),
    (dict(message_bytes=1e9, n_ranks=8, link_bytes_per_s=0.0), "link_bytes_per_s"),
    (dict(message_bytes=1e9, n_ranks=8, link_bytes_per_s=50e9, latency_s=-1e-6), "latency_s"),
])
def test_ring_allreduce_refuses_bad_input_naming_it(kwargs, name):
    with pytest.raises(ValueError, match=name):
        par.ring_allreduce_time_s(**kwargs)


# -- links ----------------------------------------------------------------------------------------------

def test_scale_up_bandwidth_halves_the_catalogues_bidirectional_figure():
    """NVIDIA H100 datasheet: NVLink 900 GB/s (total, bidirectional) -> 450 GB/s each way; A100: 600 -> 300."""
    assert par.scale_up_bytes_per_s(H100_SXM) == 450e9
    assert par.scale_up_bytes_per_s(A100_SXM) == 300e9


def test_scale_up_bandwidth_refuses_an_accelerator_without_an_interconnect():
    bare = dataclasses.replace(H100_SXM, interconnect_bytes_per_s=None)
    with pytest.raises(ValueError, match="interconnect_bytes_per_s"):
        par.scale_up_bytes_per_s(bare)
    with pytest.raises(ValueError, match="interconnect_bytes_per_s"):
        par.ParallelLayout(accelerator=bare)


def test_default_scale_out_is_400_gigabits_per_accelerator():
    """NVIDIA DGX BasePOD reference architecture, DGX H100: eight single-port ConnectX-7, up to 400 Gb/s, for 8 GPUs."""
    assert par.DEFAULT_SCALE_OUT_BYTES_PER_S == 50e9
    assert par.DEFAULT_ACCELERATORS_PER_NODE == 8


def test_group_link_is_nvlink_inside_a_node_and_the_nic_beyond():
    np.testing.assert_array_equal(par.group_link_bytes_per_s(H100_SXM, [1, 8, 9, 16_384]),
                                  [450e9, 450e9, 50e9, 50e9])
    gb200 = hardware.get_accelerator("NVIDIA GB200 (per GPU)")
    assert par.group_link_bytes_per_s(gb200, 72, accelerators_per_node=72) == 900e9  # an NVL72 rack
    assert par.group_link_bytes_per_s(H100_SXM, 16, scale_out_bytes_per_s=25e9) == 25e9


# -- tensor parallelism -------------------------------------------------------------------------------

def test_tensor_parallel_bytes_are_megatrons_8bsh_t_minus_1_over_t():
    """Narayanan et al. 2021, arXiv:2104.04473, Section 3.2: "a total communication of 8bsh((t-1)/t)
    per layer per device for each microbatch" (elements; x 2 bytes in BF16)."""
    b, s, h = 2, 2048, 12288
    for t in (2, 4, 8):
        assert par.tensor_parallel_bytes_per_layer(b, s, h, t) == pytest.approx(8 * b * s * h * (t - 1) / t * 2)
    assert par.tensor_parallel_bytes_per_layer(b, s, h, 1) == 0.0
    assert par.tensor_parallel_bytes_per_layer(b, s, h, 8, bytes_per_element=4.0) == pytest.approx(
        2 * par.tensor_parallel_bytes_per_layer(b, s, h, 8))


def test_tensor_parallel_time_is_four_ring_allreduces_of_the_activations():
    """Shoeybi et al. 2019, arXiv:1909.08053, Section 3: two all-reduces forward, two backward, per layer."""
    b, s, h, t = 1, 4096, 8192, 8
    one = par.ring_allreduce_time_s(b * s * h * 2.0, t, 450e9, par.NVLINK_STEP_LATENCY_S)
    assert par.tensor_parallel_time_s(b, s, h, t, 450e9) == pytest.approx(4 * one, rel=1e-12)
    # and its bandwidth part moves exactly tensor_parallel_bytes_per_layer
    assert par.tensor_parallel_time_s(b, s, h, t, 450e9, latency_s=0.0) == pytest.approx(
        par.tensor_parallel_bytes_per_layer(b, s, h, t) / 450e9, rel=1e-12)
    assert par.tensor_parallel_time_s(b, s, h, 1, 450e9) == 0.0


def test_tensor_parallel_across_nodes_is_an_order_of_magnitude_slower():
    inside = par.tensor_parallel_time_s(1, 2048, 12288, 8, par.group_link_bytes_per_s(H100_SXM, 8))
    across = par.tensor_parallel_time_s(1, 2048, 12288, 16, par.group_link_bytes_per_s(H100_SXM, 16),
                                        latency_s=par.NETWORK_STEP_LATENCY_S)
    assert across > 8 * inside


# -- pipeline bubble -----------------------------------------------------------------------------------

def test_bubble_ratio_is_narayanans_p_minus_1_over_m_divided_by_v():
    """Narayanan et al. 2021, arXiv:2104.04473, Section 2.2.1: "Bubble time fraction (pipeline bubble
    size) = t_pb / t_id = (p-1)/m"; Section 2.2.2 (interleaved): "1/v . (p-1)/m"."""
    assert par.pipeline_bubble_ratio(8, 32) == pytest.approx(7 / 32)
    assert par.pipeline_bubble_ratio(8, 32, 4) == pytest.approx(7 / 128)
    assert par.pipeline_bubble_ratio(1, 5) == 0.0


def test_bubble_fraction_is_gpipes_share_of_the_step():
    """Huang et al. 2019, GPipe, arXiv:1811.06965, Section 2.3: bubble O((K-1)/(M+K-1)), "negligible when
    M >= 4 x K" (read in quotations of the paper: at M = 4K it is under a fifth of the step)."""
    K = np.array([2, 4, 8, 64])
    frac = par.pipeline_bubble_fraction(K, 4 * K)
    np.testing.assert_allclose(frac, (K - 1) / (5 * K - 1))
    assert np.all(frac < 0.2)
    r = par.pipeline_bubble_ratio(K, 4 * K, 2)
    np.testing.assert_allclose(par.pipeline_bubble_fraction(K, 4 * K, 2), r / (1 + r))


def test_bubble_in_terms_of_data_parallel_size_matches_narayanan_section_3_3_1():
    """Narayanan et al. 2021, Section 3.3.1: with t = 1, p = n/d and m = b'/d, (p-1)/m = (n-d)/b'."""
    n, b_prime = 64, 128
    d = np.array([1, 2, 4, 8, 16])
    np.testing.assert_allclose(par.pipeline_bubble_ratio(n // d, b_prime / d), (n - d) / b_prime)


def test_bubble_refuses_fewer_than_one_micro_batch():
    with pytest.raises(ValueError, match="n_micro_batches"):
        par.pipeline_bubble_fraction(4, 0.5)


# -- layout and step time ------------------------------------------------------------------------------

def test_layout_stores_validated_values_and_refuses_bad_ones():
    lay = par.ParallelLayout(tensor_parallel_size=8.0, frac_peak_flop=1)  # type: ignore[arg-type]
    assert type(lay.tensor_parallel_size) is int and type(lay.frac_peak_flop) is float
    assert lay.model_parallel_size == 8
    for field, bad in (("tensor_parallel_size", 0), ("pipeline_parallel_size", 2.5), ("frac_peak_flop", 0.0),
                       ("frac_allreduce_overlapped", 1.5), ("scale_out_bytes_per_s", -1.0),
                       ("network_latency_s", float("nan")), ("accelerator", "H100"), ("n_virtual_stages", 0)):
        with pytest.raises(ValueError, match=field):
            par.ParallelLayout(**{field: bad})  # type: ignore[arg-type]


_MODEL: dict[str, Any] = dict(n_params=70e9, n_layers=80, d_model=8192, sequence_tokens=4096)


def test_one_accelerator_has_no_overhead_and_compute_is_6nd_over_peak_times_mfu():
    """Kaplan et al. 2020, Section 2.1: training FLOP ~ 6N per token."""
    lay = par.ParallelLayout(tensor_parallel_size=1, frac_peak_flop=0.5)
    r = par.step_time(lay, 1, global_batch_size=4, **_MODEL)
    assert r.compute_s == pytest.approx(6 * 70e9 * 4 * 4096 / (989.4e12 * 0.5))
    assert r.step_s == r.compute_s and r.efficiency == 1.0 and r.effective_accelerators == 1.0
    assert r.model_flop_per_s_per_accelerator == pytest.approx(0.5 * 989.4e12)


def test_step_time_adds_up_its_breakdown():
    lay = par.ParallelLayout(tensor_parallel_size=8, pipeline_parallel_size=4, frac_peak_flop=0.4,
                             frac_allreduce_overlapped=0.3)
    r = par.step_time(lay, [1, 8, 64, 256], global_batch_size=1024, **_MODEL)
    np.testing.assert_allclose(r.step_s, r.compute_s + r.exposed_communication_s + r.bubble_s)
    np.testing.assert_allclose(r.exposed_communication_s, r.tensor_parallel_s + r.data_parallel_exposed_s)
    np.testing.assert_allclose(r.efficiency, r.compute_s / r.step_s)
    np.testing.assert_allclose(r.n_accelerators, [32, 256, 2048, 8192])
    np.testing.assert_allclose(r.n_micro_batches, 1024 / np.array([1, 8, 64, 256]))
    np.testing.assert_allclose(r.tokens_per_s, 1024 * 4096 / r.step_s)
    np.testing.assert_allclose(r.compute_s * r.n_accelerators, np.asarray(r.compute_s)[0] * 32)  # ideal: linear


def test_pieces_match_the_building_blocks():
    """The step's tensor-parallel time is m x L/p x tensor_parallel_time_s; its bubble is (p-1)/(v m) of the
    busy time; its gradient all-reduce is a ring over d ranks of N/(t p) x 2 bytes."""
    lay = par.ParallelLayout(tensor_parallel_size=8, pipeline_parallel_size=4, n_virtual_stages=2)
    r = par.step_time(lay, 16, global_batch_size=512, **_MODEL)
    m = 512 / 16
    assert r.tensor_parallel_s == pytest.approx(m * 80 / 4 * par.tensor_parallel_time_s(1, 4096, 8192, 8, 450e9))
    assert r.bubble_s == pytest.approx(par.pipeline_bubble_ratio(4, m, 2) * (r.compute_s + r.tensor_parallel_s))
    assert r.data_parallel_allreduce_s == pytest.approx(par.ring_allreduce_time_s(70e9 / 32 * 2, 16, 50e9))


def test_data_parallel_group_inside_one_node_uses_nvlink():
    lay = par.ParallelLayout(tensor_parallel_size=1)
    r = par.step_time(lay, 8, global_batch_size=64, n_params=1e9, n_layers=24, d_model=2048, sequence_tokens=2048)
    assert r.data_parallel_allreduce_s == pytest.approx(
        par.ring_allreduce_time_s(2e9, 8, 450e9, par.NVLINK_STEP_LATENCY_S))
    r16 = par.step_time(lay, 16, global_batch_size=64, n_params=1e9, n_layers=24, d_model=2048, sequence_tokens=2048)
    assert r16.data_parallel_allreduce_s == pytest.approx(par.ring_allreduce_time_s(2e9, 16, 50e9))
    # ranks are laid out tensor-parallel first: with t = 8, two replicas already span two nodes
    kw: dict[str, Any] = dict(global_batch_size=64, n_params=8e9, n_layers=24, d_model=2048, sequence_tokens=2048)
    r_t4 = par.step_time(par.ParallelLayout(tensor_parallel_size=4), 2, **kw)
    r_t8 = par.step_time(par.ParallelLayout(tensor_parallel_size=8), 2, **kw)
    assert r_t4.data_parallel_allreduce_s == pytest.approx(
        par.ring_allreduce_time_s(8e9 / 4 * 2, 2, 450e9, par.NVLINK_STEP_LATENCY_S))
    assert r_t8.data_parallel_allreduce_s == pytest.approx(par.ring_allreduce_time_s(8e9 / 8 * 2, 2, 50e9))


def test_overlap_hides_the_data_parallel_allreduce():
    kw: dict[str, Any] = dict(global_batch_size=1024, **_MODEL)
    r0 = par.step_time(par.ParallelLayout(frac_allreduce_overlapped=0.0), 64, **kw)
    r_half = par.step_time(par.ParallelLayout(frac_allreduce_overlapped=0.5), 64, **kw)
    r1 = par.step_time(par.ParallelLayout(frac_allreduce_overlapped=1.0), 64, **kw)
    assert r0.data_parallel_allreduce_s > 0
    assert r0.data_parallel_exposed_s == r0.data_parallel_allreduce_s
    assert r_half.data_parallel_exposed_s == pytest.approx(0.5 * r0.data_parallel_allreduce_s)
    assert r1.data_parallel_exposed_s == 0.0
    assert r0.efficiency < r_half.efficiency < r1.efficiency


def test_interleaving_divides_the_bubble():
    kw: dict[str, Any] = dict(global_batch_size=256, **_MODEL)
    r1 = par.step_time(par.ParallelLayout(pipeline_parallel_size=8), 8, **kw)
    r4 = par.step_time(par.ParallelLayout(pipeline_parallel_size=8, n_virtual_stages=4), 8, **kw)
    assert r4.bubble_s == pytest.approx(r1.bubble_s / 4)


def test_tensor_parallelism_beyond_the_node_crosses_the_network_and_costs_more():
    kw: dict[str, Any] = dict(global_batch_size=512, **_MODEL)
    r8 = par.step_time(par.ParallelLayout(tensor_parallel_size=8, pipeline_parallel_size=2), 8, **kw)
    r16 = par.step_time(par.ParallelLayout(tensor_parallel_size=16, pipeline_parallel_size=1), 8, **kw)
    assert not r8.tensor_parallel_crosses_nodes and r16.tensor_parallel_crosses_nodes
    assert r16.tensor_parallel_s > 10 * r8.tensor_parallel_s
    assert r16.efficiency < r8.efficiency


def test_why_16000_accelerators_do_not_give_16000_times_the_speed():
    """Fixed global batch (strong scaling): as d grows, compute per step shrinks, the gradient all-reduce
    does not, and fewer micro-batches fill the pipeline; the efficiency falls and n x efficiency < n."""
    lay = par.ParallelLayout(tensor_parallel_size=8, pipeline_parallel_size=16, frac_peak_flop=0.4)
    d = np.array([1, 2, 4, 8, 16, 32, 64, 128])
    r = par.step_time(lay, d, n_params=405e9, n_layers=126, d_model=16384, global_batch_size=2048,
                      sequence_tokens=8192)
    eff = np.asarray(r.efficiency)
    assert np.asarray(r.n_accelerators)[-1] == 16_384
    assert np.all(np.diff(eff) < 0)
    assert np.all(np.diff(r.tokens_per_s) > 0)  # still faster, less than in proportion
    assert np.asarray(r.effective_accelerators)[-1] < 0.9 * 16_384
    assert eff[0] > 0.8


def test_step_time_refuses_more_replicas_than_micro_batches_and_oversized_clusters():
    lay = par.ParallelLayout(micro_batch_size=2)
    with pytest.raises(ValueError, match="data_parallel_size"):
        par.step_time(lay, [1, 1024], global_batch_size=1024, **_MODEL)
    with pytest.raises(ValueError, match="data_parallel_size"):
        par.step_time(par.ParallelLayout(pipeline_parallel_size=100), 10_000, global_batch_size=1e6, **_MODEL)
    with pytest.raises(ValueError, match="data_parallel_size"):
        par.step_time(lay, 1.5, global_batch_size=1024, **_MODEL)
    with pytest.raises(ValueError, match="layout"):
        par.step_time("t=8", 8, global_batch_size=1024, **_MODEL)  # type: ignore[arg-type]


def test_step_time_refuses_more_pipeline_chunks_than_layers():
    """A pipeline of p stages with v interleaved chunks each cuts the model into p x v chunks of at least one layer."""
    kw: dict[str, Any] = dict(global_batch_size=1024, **_MODEL)  # 80 layers
    assert par.step_time(par.ParallelLayout(pipeline_parallel_size=80), 1, **kw).n_accelerators == 640
    assert par.step_time(par.ParallelLayout(pipeline_parallel_size=16, n_virtual_stages=5), 1, **kw).bubble_s > 0
    for p, v in ((81, 1), (16, 6), (64, 2)):
        with pytest.raises(ValueError, match=r"n_virtual_stages must be at most n_layers .* n_layers=80"):
            par.step_time(par.ParallelLayout(pipeline_parallel_size=p, n_virtual_stages=v), 1, **kw)


# -- published figures -----------------------------------------------------------------------------------

def test_narayanan_table_1_trillion_parameter_throughput_is_within_the_models_bound():
    """Narayanan et al. 2021, arXiv:2104.04473, Table 1, last row: 1008 B parameters, 128 layers, h = 25,600,
    t = 8, p = 64, 3,072 A100s (d = 6), batch 3,072, s = 2,048, achieved 163 teraFLOP/s per GPU (52% of
    312) counting the recomputation pass (equation 3, 96 B s l h^2: 8N per token, not 6N). Section 5:
    eight 200 Gb/s HDR InfiniBand HCAs per 8-GPU node (25 GB/s per GPU). With the most favourable
    unknowns (micro-batch 1, v = 2 chunks for 2 layers per stage, data-parallel all-reduce fully
    overlapped) and the kernels at peak (MFU 3/4 = 6N/8N with recomputation), the model's bound on
    hardware FLOP/s per GPU, peak x efficiency, must lie between the measured 163 and the peak."""
    P = 12 * 128 * 25600**2 * (1 + 13 / (12 * 25600) + (51200 + 2048) / (12 * 128 * 25600))  # equation (2)
    assert P / 1e9 == pytest.approx(1008.0, abs=0.1)
    lay = par.ParallelLayout(tensor_parallel_size=8, pipeline_parallel_size=64, micro_batch_size=1,
                             n_virtual_stages=2, accelerator=A100_SXM, frac_peak_flop=0.75,
                             frac_allreduce_overlapped=1.0, scale_out_bytes_per_s=200e9 / 8)
    r = par.step_time(lay, 6, n_params=P, n_layers=128, d_model=25600, global_batch_size=3072, sequence_tokens=2048)
    assert r.n_accelerators == 3072 and r.n_micro_batches == 512
    bound_flop_per_s = 312e12 * r.efficiency
    assert 163e12 < bound_flop_per_s < 312e12
    assert r.efficiency < 0.95  # tensor parallelism and the bubble cost something even at best


def test_narayanan_equation_4_gpt3_training_time_of_34_days():
    """Narayanan et al. 2021, Section 5.1, equation (4): GPT-3 (P = 175 B) on T = 300 B tokens with n = 1,024
    A100s at X = 140 teraFLOP/s per GPU takes 8TP/(nX) = 34 days. X counts 8P FLOP per token
    (recomputation), so the model FLOP rate is 6/8 of it: MFU = 140 x 0.75 / 312. The kit's compute
    time per step, times T/(B s) steps at batch 1,536 and s = 2,048, gives the same 34 days."""
    mfu = 140e12 * 0.75 / 312e12
    lay = par.ParallelLayout(tensor_parallel_size=8, pipeline_parallel_size=16, accelerator=A100_SXM,
                             frac_peak_flop=mfu)
    r = par.step_time(lay, 8, n_params=175e9, n_layers=96, d_model=12288, global_batch_size=1536,
                      sequence_tokens=2048)
    steps = 300e9 / (1536 * 2048)
    days = float(r.compute_s) * steps / 86400
    assert round(days) == 34
    assert days == pytest.approx(8 * 300e9 * 175e9 / (1024 * 140e12) / 86400, rel=1e-9)


def _llama3_405b(data_parallel_size, n_virtual_stages, overlap):
    lay = par.ParallelLayout(tensor_parallel_size=8, pipeline_parallel_size=16, micro_batch_size=1,
                             n_virtual_stages=n_virtual_stages, frac_peak_flop=1.0,
                             frac_allreduce_overlapped=overlap)
    return par.step_time(lay, data_parallel_size, n_params=405e9, n_layers=126, d_model=16384,
                         global_batch_size=2048, sequence_tokens=8192)


def test_llama3_table_4_mfu_is_within_the_models_bound_and_falls_from_8k_to_16k_gpus():
    """Dubey et al. 2024, "The Llama 3 Herd of Models", arXiv:2407.21783, Section 3.3.2, Table 4 (Llama 3 405B:
    126 layers, width 16,384, Table 3): 8,192 H100s with TP 8, PP 16, DP 64, 8,192-token sequences, 32
    sequences per DP group (16M tokens per batch) reach 43% BF16 MFU; 16,384 H100s with DP 128 and 16 per
    group reach 41%, "due to the lower batch size per DP group needed to keep the global tokens per batch
    constant". Section 3.3.1: 400 Gbps between GPUs (the kit's default scale-out).

    With kernels at peak (MFU of the compute 1), micro-batch 1, seven interleaved chunks (7.9 layers per
    stage) and the sharded-data-parallel traffic fully overlapped, the model's efficiency bounds the
    measured MFU from above; and the model explains the drop: halving the micro-batches per pipeline
    raises the bubble's share."""
    best = _llama3_405b(np.array([64, 128]), n_virtual_stages=7, overlap=1.0)
    np.testing.assert_array_equal(best.n_accelerators, [8192, 16384])
    np.testing.assert_array_equal(best.n_micro_batches, [32, 16])
    eff = np.asarray(best.efficiency)
    assert eff[0] > 0.43 and eff[1] > 0.41
    assert eff[1] < eff[0]
    bubble_share = np.asarray(best.bubble_s) / np.asarray(best.step_s)
    assert bubble_share[1] > bubble_share[0]


def test_llama3_table_4_constants_are_the_rows_the_bound_holds():
    """Dubey et al. 2024, arXiv:2407.21783, Table 4: TP 8, PP 16, 2,048 sequences of 8,192 tokens (16M tokens per
    batch); 43% MFU on 8,192 H100s (DP 64, 32 sequences per DP group) and 41% on 16,384 (DP 128, 16 per group).
    The kit's constants are those rows, and each lies under the model's bound at its own layout."""
    layout = par.LLAMA3_405B_TABLE4_LAYOUT
    assert dict(layout) == dict(tensor_parallel_size=8, pipeline_parallel_size=16, global_batch_size=2048,
                                sequence_tokens=8192)
    assert dict(par.LLAMA3_405B_MFU) == {8192: 0.43, 16384: 0.41}
    t, p = layout["tensor_parallel_size"], layout["pipeline_parallel_size"]
    n = np.array(sorted(par.LLAMA3_405B_MFU))
    d = n // (t * p)
    np.testing.assert_array_equal(layout["global_batch_size"] / d, [32, 16])  # sequences per DP group
    assert layout["global_batch_size"] * layout["sequence_tokens"] == 16 * 2**20  # "16M" tokens
    best = _llama3_405b(d, n_virtual_stages=7, overlap=1.0)
    assert np.all(np.asarray(best.efficiency) > [par.LLAMA3_405B_MFU[k] for k in n])
