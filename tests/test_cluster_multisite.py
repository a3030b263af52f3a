"""Tests for compute_econ.cluster.multisite: WAN synchronisation across sites, sync every H steps, power per site."""

import numpy as np
import pytest

from compute_econ import supply, training
from compute_econ.cluster import multisite as ms
from compute_econ.cluster import parallelism as par
from compute_econ.hardware import H100_SXM


def test_diloco_abstract_500_times_less_communication_on_8_workers():
    """Douillard et al. 2023, arXiv:2311.08105, abstract: "DiLoCo on 8 workers ... communicating 500 times less".

    Synchronising every H = 500 steps over 8 sites sends exactly 1/500 of the WAN bytes, and the
    exposed sync time per step is exactly 1/500 of synchronous training's.
    """
    assert ms.DILOCO_COMMUNICATION_REDUCTION == 500 and ms.DILOCO_N_WORKERS == 8
    run = ms.MultiSiteRun(n_params=150e6, n_accelerators=64, wan_rtt_s=0.05)
    r = ms.multisite_step(run, 1.0, ms.DILOCO_N_WORKERS, 1e9, [1, ms.DILOCO_INNER_STEPS])
    sent, waited = np.asarray(r.wan_bytes_per_site_per_step), np.asarray(r.sync_exposed_per_step_s)
    assert sent[0] / sent[1] == pytest.approx(500.0, rel=1e-12)
    assert waited[0] / waited[1] == pytest.approx(500.0, rel=1e-12)
    np.testing.assert_array_equal(r.communication_reduction, [1.0, 500.0])


def test_wan_allreduce_reuses_the_ring_with_sites_as_ranks_and_half_the_round_trip_per_step():
    """Hierarchical all-reduce, cross-site stage: ring over n sites of N x 2 bytes at the WAN rate (Patarasuk & Yuan 2009)."""
    t = np.asarray(ms.wan_allreduce_time_s(70e9, [2, 4], 125e9, 0.010))
    expected = par.ring_allreduce_time_s(140e9, [2, 4], 125e9, 0.005)
    np.testing.assert_allclose(t, expected, rtol=1e-12)
    # by hand for 2 sites: 2(1)/2 x 140e9 / 125e9 + 2 x 0.005
    assert t[0] == pytest.approx(1.12 + 0.01, rel=1e-12)
    assert ms.wan_allreduce_time_s(70e9, 1, 125e9, 0.01) == 0.0


def test_one_site_is_the_site_step_alone():
    run = ms.MultiSiteRun(n_params=70e9, n_accelerators=16_384, wan_rtt_s=0.02)
    r = ms.multisite_step(run, 7.5, 1, 50e9)
    assert r.step_s == 7.5 and r.efficiency == 1.0 and r.wan_allreduce_s == 0.0
    assert r.site_power_watts == pytest.approx(training.cluster_power_watts(16_384, 700.0), rel=1e-12)


def test_step_and_efficiency_by_hand_every_step_and_every_h():
    run = ms.MultiSiteRun(n_params=70e9, n_accelerators=16_384, wan_rtt_s=0.02)
    r = ms.multisite_step(run, 10.0, 2, 50e9, [1, 500])
    sync = 140e9 / 50e9 + 2 * 0.01  # 2.82 s
    np.testing.assert_allclose(r.wan_allreduce_s, sync, rtol=1e-12)
    np.testing.assert_allclose(r.sync_exposed_per_step_s, [sync, sync / 500], rtol=1e-12)
    np.testing.assert_allclose(r.efficiency, [10 / (10 + sync), 10 / (10 + sync / 500)], rtol=1e-12)
    np.testing.assert_allclose(r.efficiency_every_step, 10 / (10 + sync), rtol=1e-12)
    np.testing.assert_allclose(r.accelerators_per_site, 8192)


def test_overlap_hides_the_stated_share():
    run = ms.MultiSiteRun(n_params=70e9, n_accelerators=1024, wan_rtt_s=0.0, frac_sync_overlapped=0.75)
    r = ms.multisite_step(run, 10.0, 2, 50e9, 1)
    assert r.sync_exposed_per_step_s == pytest.approx(0.25 * 2.8, rel=1e-12)


def test_more_bandwidth_and_longer_intervals_never_lower_efficiency():
    run = ms.MultiSiteRun(n_params=400e9, n_accelerators=100_000, wan_rtt_s=0.03)
    bw = np.geomspace(1e9, 1e13, 9)
    e = ms.multisite_step(run, 5.0, 4, bw, 1).efficiency
    assert np.all(np.diff(e) > 0)
    H = np.array([1, 10, 100, 1000])
    e = ms.multisite_step(run, 5.0, 4, 1e11, H).efficiency
    assert np.all(np.diff(e) > 0)


def test_quality_cost_is_the_stated_assumption_and_zero_when_synchronous():
    run = ms.MultiSiteRun(n_params=1e9, n_accelerators=64, loss_gap_nats=0.02)
    r = ms.multisite_step(run, 1.0, 8, 1e9, [1, 500])
    np.testing.assert_array_equal(r.loss_gap_nats, [0.0, 0.02])
    assert ms.MultiSiteRun(n_params=1e9, n_accelerators=64).loss_gap_nats == 0.0


def test_sites_needed_from_the_power_ceiling():
    """A site holds floor(P / all-in W) accelerators (supply.max_accelerators_for_power); the cluster needs ceil(n / that)."""
    per_site = supply.max_accelerators_for_power(100e6, H100_SXM)
    assert ms.accelerators_per_site(100e6) == per_site == 71301.0
    np.testing.assert_array_equal(ms.sites_needed(200_000, [100e6, 300e6]), [3.0, 1.0])
    assert ms.sites_needed(71301, 100e6) == 1.0 and ms.sites_needed(71302, 100e6) == 2.0


def test_power_per_site_falls_as_the_run_is_split():
    run = ms.MultiSiteRun(n_params=70e9, n_accelerators=100_000)
    r = ms.multisite_step(run, 10.0, [1, 2, 4], 1e12)
    np.testing.assert_array_equal(r.accelerators_per_site, [100_000, 50_000, 25_000])
    np.testing.assert_allclose(r.site_power_watts,
                               training.cluster_power_watts(np.array([100_000, 50_000, 25_000]), 700.0), rtol=1e-12)


def test_llama3_405b_site_step_from_table_4_and_within_the_parallelism_models_bound():
    """Dubey et al. 2024, arXiv:2407.21783, Table 4: 16,384 H100s (TP 8, PP 16, DP 128), 16M tokens per batch
    (2,048 x 8,192), 400 TFLOPs per GPU: 6 x 405e9 x 16M / (16,384 x 400e12) = 6.22 s per step. The parallelism model
    for that layout with kernels at peak (the bound of test_cluster_parallelism's Table 4 test) is faster."""
    assert ms.LLAMA3_405B_STEP_S == pytest.approx(6 * 405e9 * 2048 * 8192 / (16_384 * 400e12), rel=1e-12)
    assert round(ms.LLAMA3_405B_STEP_S, 2) == 6.22
    lay = par.ParallelLayout(tensor_parallel_size=8, pipeline_parallel_size=16, n_virtual_stages=7,
                             frac_allreduce_overlapped=1.0)
    bound = par.step_time(lay, 128, n_params=405e9, n_layers=126, d_model=16384, global_batch_size=2048,
                          sequence_tokens=8192)
    assert bound.n_accelerators == 16_384 and float(bound.step_s) < ms.LLAMA3_405B_STEP_S


@pytest.mark.parametrize("call, name", [
    (lambda: ms.wan_allreduce_time_s(70e9, 2.5, 1e9), "n_sites"),
    (lambda: ms.wan_allreduce_time_s(70e9, 2, 0.0), "wan_bytes_per_s"),
    (lambda: ms.wan_allreduce_time_s(70e9, 2, 1e9, 2.0), "wan_rtt_s"),
    (lambda: ms.communication_reduction(0), "sync_every_steps"),
    (lambda: ms.sites_needed(1000, 100.0), "site_power_watts"),
    (lambda: ms.sites_needed(0, 100e6), "n_accelerators"),
    (lambda: ms.MultiSiteRun(n_params=1e9, n_accelerators=10.5), "n_accelerators"),  # type: ignore[arg-type]
    (lambda: ms.MultiSiteRun(n_params=1e9, n_accelerators=8, loss_gap_nats=-1), "loss_gap_nats"),
    (lambda: ms.multisite_step(ms.MultiSiteRun(n_params=1e9, n_accelerators=4), 1.0, 8, 1e9), "n_sites"),
    (lambda: ms.multisite_step(ms.MultiSiteRun(n_params=1e9, n_accelerators=4), 0.0, 2, 1e9), "site_step_s"),
])
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()
