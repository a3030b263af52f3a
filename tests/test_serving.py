"""compute_econ.serving: published values reproduced, the queue checked by simulation, and the model's invariants.

Published-value tests cite their source (paper + table/section, configuration file,
benchmark page) in the test's name or docstring. Where the model is a bound (the roofline),
the test compares it with a published measurement and states the tolerance.
"""

from __future__ import annotations

import functools
import heapq
import math
import statistics
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute_econ import hardware, scaling, serving
from compute_econ.serving import (
    Deployment,
    ModelArchitecture,
    decode_step,
    erlang_c,
    get_architecture,
    kv_cache_bytes_per_token,
    memory_use,
    mmc_wait,
    prefill,
    wait_exceedance,
)

DATA = Path(__file__).resolve().parents[1] / "compute_econ" / "data"
LLAMA2_70B = get_architecture("Llama 2 70B")
LLAMA31_70B = get_architecture("Llama 3.1 70B")
LLAMA31_405B = get_architecture("Llama 3.1 405B")
LLAMA31_8B = get_architecture("Llama 3.1 8B")
DEEPSEEK_V3 = get_architecture("DeepSeek-V3")
H100 = hardware.H100_SXM
NODE = Deployment(accelerator=H100, n_accelerators=8)


# --------------------------------------------------------------------------- the table of architectures


def test_the_shipped_table_has_the_models_the_lesson_needs_each_with_a_source():
    table = serving.load_model_architectures()
    assert set(table) == {"Llama 3.1 8B", "Llama 2 70B", "Llama 3.1 70B", "Llama 3.1 405B", "DeepSeek-V3"}
    for arch in table.values():
        assert "arXiv:" in arch.source
    assert DEEPSEEK_V3.is_mixture_of_experts and DEEPSEEK_V3.attention == "mla"
    assert not any(a.is_mixture_of_experts for n, a in table.items() if n != "DeepSeek-V3")


@pytest.mark.parametrize("name, d_ff, published_b", [
    ("Llama 3.1 8B", 14336, 8.0), ("Llama 3.1 70B", 28672, 70.0), ("Llama 3.1 405B", 53248, 405.0),
    ("Llama 2 70B", 28672, 70.0),
])
def test_llama_parameter_counts_follow_from_the_published_shapes(name, d_ff, published_b):
    """Llama Team 2024, arXiv:2407.21783, Table 3 (layers, model and FFN dimension, heads, KV heads);
    Llama 2: the config.json shapes (intermediate_size 28672). Untied embeddings, SwiGLU (3 matrices),
    two RMSNorm vectors per layer and one final: the count must match the table and the model's name."""
    a = get_architecture(name)
    kv = a.n_kv_heads * a.head_dim
    per_layer = 2 * a.d_model * a.d_model + 2 * a.d_model * kv + 3 * a.d_model * d_ff + 2 * a.d_model
    count = a.n_layers * per_layer + 2 * a.vocab_size * a.d_model + a.d_model
    assert a.n_params_total == count
    assert a.n_params_total == pytest.approx(published_b * 1e9, rel=0.02)
    assert a.head_dim * a.n_heads == a.d_model


def test_deepseek_v3_parameters_and_shapes_from_its_report():
    """DeepSeek-AI 2024, arXiv:2412.19437, Section 4.2: 61 layers, hidden 7168, 128 heads of 128, d_c = 512,
    d_h^R = 64, 256 routed experts with 8 active; 671B total, 37B activated per token."""
    a = DEEPSEEK_V3
    assert (a.n_layers, a.d_model, a.n_heads, a.head_dim) == (61, 7168, 128, 128)
    assert (a.kv_lora_rank, a.rope_head_dim, a.n_routed_experts, a.n_experts_per_token) == (512, 64, 256, 8)
    assert (a.n_params_total, a.n_params_active) == (671e9, 37e9)


# --------------------------------------------------------------------------- KV cache: published values


def test_kv_cache_per_token_of_llama_2_70b_and_llama_3_70b_from_their_configs():
    """Touvron et al. 2023 (Llama 2), Table 1 (GQA) and config.json (80 layers, 8 KV heads, head dim 8192/64 = 128);
    Llama 3.1 70B, arXiv:2407.21783 Table 3 (same shapes): 80 x 8 x 128 x 2 (K and V) x 2 bytes (BF16)."""
    assert kv_cache_bytes_per_token(LLAMA2_70B, "bf16") == 80 * 8 * 128 * 2 * 2 == 327_680
    assert kv_cache_bytes_per_token(LLAMA31_70B, "bf16") == 327_680
    assert kv_cache_bytes_per_token(LLAMA31_70B, "fp8") == 163_840
    # without grouped-query attention (all 64 heads cached) it would be 8 times larger
    mha = ModelArchitecture(**{**LLAMA31_70B.__dict__, "n_kv_heads": 64})
    assert kv_cache_bytes_per_token(mha) == 8 * 327_680


def test_kv_cache_per_token_of_llama_31_405b_and_8b_from_table_3():
    """Llama Team 2024, arXiv:2407.21783, Table 3: 405B has 126 layers, 8 KV heads; 8B has 32 layers, 8 KV heads."""
    assert kv_cache_bytes_per_token(LLAMA31_405B) == 126 * 8 * 128 * 2 * 2 == 516_096
    assert kv_cache_bytes_per_token(LLAMA31_8B) == 32 * 8 * 128 * 2 * 2 == 131_072


def test_deepseek_v3_mla_cache_per_token_is_nine_halves_head_dims_per_layer():
    """DeepSeek-V2, arXiv:2405.04434, Table 1: MLA caches (d_c + d_h^R) l = 9/2 d_h l elements per token
    (d_c = 4 d_h, d_h^R = d_h / 2), against 2 n_h d_h l for multi-head attention. With DeepSeek-V3's values
    (arXiv:2412.19437, Section 4.2): 4.5 x 128 x 61 = 35,136 elements, 70,272 bytes in BF16, 57 times less
    than caching all 128 heads."""
    assert DEEPSEEK_V3.kv_elements_per_token == 4.5 * 128 * 61 == 35_136
    assert kv_cache_bytes_per_token(DEEPSEEK_V3, "bf16") == 70_272
    mha_elements = 2 * 128 * 128 * 61
    assert mha_elements / DEEPSEEK_V3.kv_elements_per_token == pytest.approx(56.9, abs=0.05)


def test_kv_cache_grows_with_batch_and_context():
    one = serving.kv_cache_bytes(LLAMA31_70B, 1, 1)
    assert serving.kv_cache_bytes(LLAMA31_70B, 32, 8192) == 32 * 8192 * one
    with pytest.raises(ValueError, match="context_tokens must be at most Llama 2 70B's context window of 4,096"):
        serving.kv_cache_bytes(LLAMA2_70B, 1, 8192)


# --------------------------------------------------------------------------- memory


def test_deepseek_v3_does_not_fit_one_node_of_h100s_in_fp8_but_fits_h200s():
    """671B parameters at one byte (FP8, as released: DeepSeek-V3 README) exceed 8 x 80 GB x 0.9 usable;
    8 x 141 GB H200s hold them with room for a KV cache."""
    fp8 = dict(n_accelerators=8, weight_precision="fp8", kv_precision="bf16")
    on_h100 = memory_use(DEEPSEEK_V3, Deployment(accelerator=H100, **fp8), 1, 4096)
    on_h200 = memory_use(DEEPSEEK_V3, Deployment(accelerator=hardware.ACCELERATORS["NVIDIA H200"], **fp8), 1, 4096)
    assert on_h100.weights_bytes == 671e9 and not on_h100.fits and on_h100.max_batch_size == 0
    assert on_h200.fits and on_h200.max_batch_size >= 100


def test_max_batch_is_where_memory_runs_out():
    m = memory_use(LLAMA31_70B, NODE, [1, 100, 1000], 8192)
    capacity = 8 * 80e9 * 0.9
    weights = 70_553_706_496 * 2
    expected = math.floor((capacity - weights) / (8192 * 327_680))
    assert m.max_batch_size[0] == expected == 162
    assert list(m.fits) == [True, True, False]
    assert memory_use(LLAMA31_70B, NODE, expected, 8192).fits
    assert not memory_use(LLAMA31_70B, NODE, expected + 1, 8192).fits


def test_tensor_parallelism_beyond_the_kv_heads_duplicates_the_cache_and_batch_sharding_does_not():
    """Pope et al. 2022, arXiv:2211.05102, Section 3.3: sharding few KV heads over many chips replicates them."""
    assert serving.kv_replication(LLAMA31_70B, Deployment(n_accelerators=8)) == 1.0
    assert serving.kv_replication(LLAMA31_70B, Deployment(n_accelerators=16)) == 2.0
    assert serving.kv_replication(LLAMA31_70B, Deployment(n_accelerators=3)) == 9 / 8  # 3 heads on each of 3
    assert serving.kv_replication(DEEPSEEK_V3, Deployment(n_accelerators=8)) == 8.0
    assert serving.kv_replication(DEEPSEEK_V3, Deployment(n_accelerators=8, attention_sharding="batch")) == 1.0


# --------------------------------------------------------------------------- a mixture of experts


def test_a_mixture_of_experts_reads_its_active_parameters_for_one_token_and_nearly_all_at_large_batch():
    assert serving.params_read_per_step(DEEPSEEK_V3, 1) == pytest.approx(37e9, rel=1e-12)
    reads = np.asarray(serving.params_read_per_step(DEEPSEEK_V3, [1, 8, 32, 256, 4096]))
    assert np.all(np.diff(reads) > 0)
    assert reads[-2] / 671e9 > 0.999
    # expected share of routed experts touched by 32 tokens, each picking 8 of 256: 1 - (248/256)^32
    routed = (671e9 - 37e9) * 256 / 248
    assert reads[2] == pytest.approx(671e9 - routed + routed * (1 - (248 / 256) ** 32), rel=1e-12)
    # a dense model reads everything whatever the batch
    assert serving.params_read_per_step(LLAMA31_70B, 1) == LLAMA31_70B.n_params_total


def test_a_moe_decode_step_computes_with_active_parameters_but_reads_more_as_the_batch_grows():
    dep = Deployment(accelerator=hardware.ACCELERATORS["NVIDIA H200"], n_accelerators=8, weight_precision="fp8")
    small, large = decode_step(DEEPSEEK_V3, dep, [1, 256], 1024).weight_bytes_read
    assert small == pytest.approx(37e9) and large > 670e9
    flop = decode_step(DEEPSEEK_V3, dep, 1, 1024).flop
    assert flop == pytest.approx(2 * 37e9 + serving.attention_flop_per_token(DEEPSEEK_V3, 1024))


# --------------------------------------------------------------------------- speed: the roofline


def test_decode_at_batch_one_is_the_weights_over_the_bandwidth():
    """Pope et al. 2022, Section 2: small-batch generation reads every weight per token. A 70B model in
    BF16 on 8 H100s (3.35 TB/s each, the datasheet): 141.1 GB / 26.8 TB/s = 5.26 ms."""
    step = decode_step(LLAMA31_70B, NODE, 1, 1)
    weights = 70_553_706_496 * 2
    kv = 327_680
    assert step.memory_bound
    assert step.time_per_token_s == pytest.approx((weights + kv) / (8 * 3.35e12), rel=1e-12)
    assert 185 < step.tokens_per_s_per_user < 195


def test_decode_turns_compute_bound_near_the_ridge_point():
    """Roofline (Williams et al. 2009): at short context a decode step has ~B FLOP per byte in BF16
    (hardware.decode_intensity, which leaves out the KV cache: here 3% of the bytes), so it turns
    compute-bound near the H100's ridge of 989.4/3.35 = 295."""
    steps = decode_step(LLAMA31_8B, Deployment(), [128, 256, 512], 16)
    assert list(steps.memory_bound) == [True, True, False]
    assert steps.intensity_flop_per_byte[1] == pytest.approx(hardware.decode_intensity(256), rel=0.05)
    assert steps.intensity_flop_per_byte[1] < hardware.decode_intensity(256)


def test_long_contexts_keep_decode_memory_bound_at_any_batch():
    """At 128K tokens each sequence's KV cache (43 GB for Llama 3.1 70B in BF16) costs more bytes per
    FLOP than the weights: the step stays memory-bound however large the batch."""
    steps = decode_step(LLAMA31_70B, NODE, [1, 64, 4096], 131_072)
    assert np.all(steps.memory_bound)


def test_prefill_is_compute_bound_and_its_time_is_the_flop_over_the_peak():
    p = prefill(LLAMA31_70B, NODE, 4096)
    flop = 2 * LLAMA31_70B.n_params_active * 4096 + 4 * 80 * 64 * 128 * 4096 * 4097 / 2
    assert p.compute_bound
    assert p.time_s == pytest.approx(flop / (8 * 989.4e12), rel=1e-12)


def test_tensor_parallelism_divides_time_by_the_accelerators_times_its_efficiency():
    one = decode_step(LLAMA31_8B, Deployment(n_accelerators=1), 1, 1024).time_per_token_s
    eight = decode_step(LLAMA31_8B, Deployment(n_accelerators=8), 1, 1024).time_per_token_s
    lossy = decode_step(LLAMA31_8B, Deployment(n_accelerators=8, tp_efficiency=0.5), 1, 1024).time_per_token_s
    assert eight == pytest.approx(one / 8)
    assert lossy == pytest.approx(2 * eight)


def test_fp8_weights_halve_the_bytes_and_double_the_peak():
    bf16 = decode_step(LLAMA31_70B, NODE, 1, 1)
    fp8 = decode_step(LLAMA31_70B, Deployment(n_accelerators=8, weight_precision="fp8"), 1, 1)
    assert fp8.weight_bytes_read == bf16.weight_bytes_read / 2
    assert Deployment(weight_precision="fp8").flop_per_s == pytest.approx(2 * Deployment().flop_per_s, rel=1e-4)
    with pytest.raises(ValueError, match="weight_precision 'fp8' needs FP8 units, which NVIDIA A100 SXM lacks"):
        Deployment(accelerator=hardware.A100_SXM, weight_precision="fp8")


# --------------------------------------------------------------------------- speed: against measurements

# NVIDIA TensorRT-LLM, docs/source/performance.md (v0.6.1 throughput, v0.5 first-token latency), H100 80GB
# with FP8 weights and FP8 KV cache ("--enable_fp8 --fp8_kv_cache"), Llama2-70b build flags as in
# data/model_architectures.csv.
TRTLLM_H100_FP8_LLAMA70B = {
    "throughput_batch64_tp2_in2048_out2048_tok_per_s_per_gpu": 547,
    "ttft_batch1_tp4_in2048_s": 0.109,
    "ttft_batch1_tp4_in128_s": 0.026,
}


def _trtllm(n_accelerators: int) -> Deployment:
    return Deployment(accelerator=H100, n_accelerators=n_accelerators, weight_precision="fp8", kv_precision="fp8")


def test_decode_bound_of_llama_2_70b_on_h100s_against_nvidia_tensorrt_llm():
    """NVIDIA TensorRT-LLM docs/source/performance.md, "Peak Throughput, H100 GPUs (FP8)": LLaMA 70B, batch 64,
    TP 2, 2048 tokens in and 2048 out: 547 output tokens/s per GPU. The same run from the roofline (a prefill
    of 64 prompts, then 2048 decode steps whose context grows from 2049 to 4096) is bounded at 1,841 tokens/s per
    GPU: NVIDIA's measurement reaches 30% of the bound (tolerance: 25-35%). By hand: 69.0 GB of FP8 weights plus
    64 x context x 163,840 B of KV cache per step over 2 x 3.35 TB/s."""
    dep = _trtllm(2)
    B, P, n_out = 64, 2048, 2048
    context = P + 1 + np.arange(n_out)
    decode_s = np.sum((68_976_648_192 + B * context * 163_840) / (2 * 3.35e12))
    prefill_flop = B * (2 * 68_976_648_192 * P + 4 * 80 * 64 * 128 * P * (P + 1) / 2)
    prefill_s = prefill_flop / (2 * 1978.9e12)
    by_hand = B * n_out / (prefill_s + decode_s) / 2
    model_s = prefill(LLAMA2_70B, dep, P, B).time_s + np.sum(decode_step(LLAMA2_70B, dep, B, context).time_per_token_s)
    bound = B * n_out / model_s / 2
    assert bound == pytest.approx(by_hand, rel=1e-9)
    assert memory_use(LLAMA2_70B, dep, B, P + n_out).fits
    whole = serving.batch_generation(LLAMA2_70B, dep, B, P, n_out)  # the same run, as lesson 05 computes it
    assert whole.output_tokens_per_s_per_accelerator == pytest.approx(by_hand, rel=1e-9)
    assert whole.total_s == pytest.approx(prefill_s + decode_s, rel=1e-9) and whole.fits
    measured = TRTLLM_H100_FP8_LLAMA70B["throughput_batch64_tp2_in2048_out2048_tok_per_s_per_gpu"]
    assert measured <= bound
    assert 0.25 <= measured / bound <= 0.35


def test_time_to_first_token_of_llama_2_70b_on_h100s_against_nvidia_tensorrt_llm():
    """NVIDIA TensorRT-LLM docs/source/performance.md, "Low Latency, H100 GPUs (FP8)": LLaMA 70B, batch 1, TP 4:
    first-token latency 109 ms for 2048 input tokens and 26 ms for 128. The bounds: 36.4 ms (compute-bound,
    2.9e14 FLOP over 4 x 1,979 TFLOP/s) and 5.1 ms (memory-bound: the weights once over 4 x 3.35 TB/s). The
    measurements reach 33% and 20% of them (tolerance: +-5 points)."""
    dep = _trtllm(4)
    long, short = prefill(LLAMA2_70B, dep, [2048, 128]).time_s
    assert long == pytest.approx(0.03639, rel=1e-3) and short == pytest.approx(0.00515, rel=1e-2)
    assert 0.28 <= long / TRTLLM_H100_FP8_LLAMA70B["ttft_batch1_tp4_in2048_s"] <= 0.38
    assert 0.15 <= short / TRTLLM_H100_FP8_LLAMA70B["ttft_batch1_tp4_in128_s"] <= 0.25


# Pope et al. 2022, "Efficiently Scaling Transformer Inference", arXiv:2211.05102, abstract and Section 1:
# PaLM 540B on 64 TPU v4 chips with int8 weights, 2048-token context: 29 ms per token at low batch size.
# PaLM 540B: Chowdhery et al. 2022, arXiv:2204.02311, Table 1 (118 layers, 48 heads, d_model 18,432) and
# Section 2 (multi-query attention: one shared key/value head; 256k vocabulary); 540.35B parameters (Table 2).
# Head size 256 as commonly reported for PaLM: the KV cache is under 3% of the bytes read here.
# TPU v4: 275 TFLOP/s BF16, 32 GiB HBM at 1,200 GB/s (Google Cloud TPU documentation, "TPU v4").
PALM_540B = ModelArchitecture(
    name="PaLM 540B", n_params_total=540.35e9, n_params_active=540.35e9, n_layers=118, d_model=18432, n_heads=48,
    n_kv_heads=1, head_dim=256, vocab_size=256_000, context_tokens=2048, release_year=2022,
    source="Chowdhery et al. 2022, arXiv:2204.02311, Tables 1-2 and Section 2")
TPU_V4 = hardware.Accelerator(
    name="Google TPU v4", peak_flop_per_s=275e12, memory_bytes=32 * 2**30, memory_bytes_per_s=1200e9,
    board_watts=None, release_year=2021, source="Google Cloud TPU documentation, TPU v4")


def test_pope_et_al_palm_540b_latency_per_token_against_the_decode_bound():
    """Pope et al. 2022, abstract: 29 ms per token for PaLM 540B with int8 weights on 64 TPU v4 chips at low
    batch. The roofline bound at batch 1 and 2048 tokens of context: 540 GB over 64 x 1.2 TB/s = 7.0 ms plus
    0.2 ms of KV cache: the measurement is 4.0 times the bound (tolerance 3.5-4.5; the rest is the
    communication between 64 chips and overheads the bound leaves out)."""
    dep = Deployment(accelerator=TPU_V4, n_accelerators=64, weight_precision="int8")
    step = decode_step(PALM_540B, dep, 1, 2048)
    assert step.memory_bound and step.fits
    assert step.time_per_token_s == pytest.approx(540.35e9 / (64 * 1.2e12), rel=0.04)
    assert 3.5 <= 0.029 / step.time_per_token_s <= 4.5


# --------------------------------------------------------------------------- cost per token


def test_cost_per_million_tokens_from_an_hourly_price():
    assert serving.usd_per_m_tokens(2.0, 8, 2000.0) == pytest.approx(2.0 * 8 / (3600 * 2000) * 1e6)
    assert serving.usd_per_m_tokens(2.0, 8, 2000.0, 0.5) == pytest.approx(2 * serving.usd_per_m_tokens(2.0, 8, 2000.0))


def test_output_tokens_cost_several_times_input_tokens_and_less_so_at_larger_batch():
    est = serving.serving_estimate(LLAMA31_70B, NODE, [1, 32, 128], 1000, 500, 2.0)
    ratio = np.asarray(est.output_to_input_cost_ratio)
    assert np.all(ratio > 1) and np.all(np.diff(ratio) < 0)
    assert ratio[0] > 100 and 2 < ratio[-1] < 6  # published prices: output 1-5 x input (data/api_prices.csv)
    assert np.allclose(est.usd_per_m_output / est.usd_per_m_input, ratio)


def test_input_tokens_are_cheap_once_prompts_are_batched():
    """A short prompt alone is memory-bound (the weights are read for a few tokens); a batch of prompts is
    compute-bound, so the input price is the FLOP's: 2N per token at the peak."""
    est = serving.serving_estimate(LLAMA31_70B, NODE, [1, 64], 16, 16, 2.0)
    assert est.usd_per_m_input[1] < est.usd_per_m_input[0] / 10
    flop_per_token = 2 * LLAMA31_70B.n_params_active + 4 * 80 * 64 * 128 * 17 / 2
    assert est.input_tokens_per_s_per_accelerator[1] == pytest.approx(989.4e12 / flop_per_token, rel=1e-9)


def test_owning_enters_through_the_costs_model():
    """An owned H100's cost per used hour (costs.owned_cost_per_accelerator_hour) is the hourly price."""
    from compute_econ import costs

    owned = float(costs.owned_cost_per_accelerator_hour(costs.H100_OWNERSHIP, 0.6))
    est = serving.serving_estimate(LLAMA31_70B, NODE, 32, 1000, 500, owned)
    rented = serving.serving_estimate(LLAMA31_70B, NODE, 32, 1000, 500, 2 * owned)
    assert rented.usd_per_m_output == pytest.approx(2 * est.usd_per_m_output)
    assert est.usd_per_replica_hour == pytest.approx(8 * owned)


def test_the_frontier_runs_from_batch_one_to_where_memory_runs_out():
    f = serving.throughput_latency_frontier(LLAMA31_70B, NODE, 1000, 500, 2.0)
    assert f.batch_size[0] == 1 and f.batch_size[-1] == f.max_batch_size
    assert np.all(f.fits)
    assert np.all(np.diff(f.usd_per_m_output) < 0)
    assert np.all(np.diff(f.tokens_per_s_per_user) < 0)
    assert not memory_use(LLAMA31_70B, NODE, f.max_batch_size + 1, 1500).fits
    with pytest.raises(ValueError, match="nothing fits: the weights of Llama 3.1 70B"):
        serving.throughput_latency_frontier(LLAMA31_70B, Deployment(n_accelerators=1), 1000, 500, 2.0)
    with pytest.raises(ValueError, match="prompt_tokens \\+ output_tokens must be at most"):
        serving.serving_estimate(LLAMA2_70B, NODE, 1, 4000, 500, 2.0)


def test_request_latency_is_first_token_plus_output_times_time_per_token():
    est = serving.serving_estimate(LLAMA31_70B, NODE, 16, 2000, 300, 2.0)
    assert est.request_latency_s == pytest.approx(est.time_to_first_token_s + 300 * est.time_per_output_token_s)
    assert est.time_to_first_token_s == pytest.approx(prefill(LLAMA31_70B, NODE, 2000).time_s)
    assert est.time_per_output_token_s == pytest.approx(decode_step(LLAMA31_70B, NODE, 16, 2150).time_per_token_s)


# --------------------------------------------------------------------------- queueing: Erlang C


def test_erlang_c_textbook_closed_forms_for_one_and_two_servers():
    """Kleinrock 1975, Queueing Systems Vol. 1, Section 3.2 (M/M/1: P(wait) = rho, W = rho s / (1 - rho));
    M/M/2 from the C formula: 2 rho^2 / (1 + rho)."""
    for rho in (0.1, 0.5, 0.9, 0.99):
        assert erlang_c(1, rho) == pytest.approx(rho, rel=1e-12)
        assert erlang_c(2, 2 * rho) == pytest.approx(2 * rho**2 / (1 + rho), rel=1e-12)
        assert mmc_wait(rho, 1.0, 1).mean_wait_s == pytest.approx(rho / (1 - rho), rel=1e-12)


def test_erlang_b_table_value_and_exact_rational_arithmetic():
    """The Erlang B table value B(10 servers, 5 erlangs) = 0.01838 (e.g. Gross et al. 2008, Section 2.5,
    and any Erlang B table); C = c B / (c - a (1 - B)) = 0.03610. Checked against the definition summed in
    exact rational arithmetic, for small and large systems."""
    b = serving.queueing._erlang_b_scalar(10, 5.0)
    assert round(b, 5) == 0.01838
    assert erlang_c(10, 5.0) == pytest.approx(10 * b / (10 - 5 * (1 - b)), rel=1e-12)
    assert round(erlang_c(10, 5.0), 4) == 0.0361

    def exact(c: int, a: int) -> float:
        top = Fraction(a) ** c / math.factorial(c) * Fraction(c, c - a)
        return float(top / (sum(Fraction(a) ** k / math.factorial(k) for k in range(c)) + top))

    for c, a in ((10, 5), (50, 45), (100, 90), (400, 380)):
        assert erlang_c(c, float(a)) == pytest.approx(exact(c, a), rel=1e-10)


def test_erlang_c_is_stable_for_a_million_servers():
    """Log space: no overflow of a^c or c! at c = 10^6 (a naive sum overflows above c = 170)."""
    value = erlang_c(1_000_000, 999_000.0)
    assert 0 < value < 1
    assert erlang_c(1_000_000, 1_000_000.0) == 1.0  # saturated: everyone waits
    with pytest.raises(ValueError, match="n_servers must be in \\[1, 1e\\+06\\]"):
        erlang_c(1_000_001, 1.0)
    with pytest.raises(ValueError, match="n_servers must be whole numbers"):
        erlang_c(2.5, 1.0)


@functools.lru_cache(maxsize=4)
def _simulate_mmc(arrival_rate: float, service_time: float, servers: int, n: int, seed: int) -> np.ndarray:
    """Waits of n customers of a first-come-first-served M/M/c queue (the first 10% dropped as warm-up; kept for
    the tests that read the same run)."""
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(1.0 / arrival_rate, n))
    services = rng.exponential(service_time, n)
    free = [0.0] * servers  # when each server next becomes free
    waits = np.empty(n)
    for i in range(n):
        earliest = heapq.heappop(free)
        start = max(earliest, arrivals[i])
        waits[i] = start - arrivals[i]
        heapq.heappush(free, start + services[i])
    return waits[n // 10:]


@pytest.mark.parametrize("arrival_rate, service_time, servers", [(0.7, 1.0, 1), (7.5, 1.0, 10), (40.0, 1.0, 50)])
def test_erlang_c_against_a_seeded_simulation(arrival_rate, service_time, servers):
    """A discrete-event simulation of M/M/c (300,000 customers, seed 2025): the probability of waiting within
    0.02, the mean wait and the 95th-percentile wait within 10% of the closed forms."""
    waits = _simulate_mmc(arrival_rate, service_time, servers, 300_000, 2025)
    q = mmc_wait(arrival_rate, service_time, servers, 0.95)
    assert (waits > 0).mean() == pytest.approx(q.prob_wait, abs=0.02)
    assert waits.mean() == pytest.approx(q.mean_wait_s, rel=0.10)
    assert np.quantile(waits, 0.95) == pytest.approx(q.percentile_wait_s, rel=0.10)


@pytest.mark.parametrize("arrival_rate, service_time, servers", [(0.7, 1.0, 1), (7.5, 1.0, 10), (40.0, 1.0, 50)])
def test_wait_distribution_against_the_same_seeded_simulation(arrival_rate, service_time, servers):
    """The share of simulated requests waiting longer than t, at a quarter, half, one and one and a half times the
    p95 wait, is within 0.005 of C e^{-(c/s - lambda) t} (the largest gap seen is 0.003); at t = 0 it is Erlang C."""
    waits = _simulate_mmc(arrival_rate, service_time, servers, 300_000, 2025)
    q = mmc_wait(arrival_rate, service_time, servers, 0.95)
    ts = np.array([0.25, 0.5, 1.0, 1.5]) * q.percentile_wait_s
    model = wait_exceedance(arrival_rate, service_time, servers, ts)
    empirical = np.array([(waits > t).mean() for t in ts])
    np.testing.assert_allclose(empirical, model, atol=0.005)
    assert wait_exceedance(arrival_rate, service_time, servers, 0.0) == pytest.approx(q.prob_wait, rel=1e-12)


def test_wait_distribution_crosses_one_minus_the_percentile_at_the_percentile_wait():
    """P(W > t_p) = 1 - p wherever the percentile wait t_p is above 0 (Gross et al. 2008, Section 2.3); where fewer
    than 1 - p wait at all (t_p = 0), even P(W > 0) = C is at most 1 - p."""
    lam = np.array([9.0, 7.5, 40.0, 199.0, 200.0, 2.0])
    s = np.array([1.0, 1.0, 1.0, 20.0, 20.0, 1.0])
    c = np.array([10, 10, 50, 4032, 4064, 10])
    for p in (0.5, 0.9, 0.95, 0.99):
        q = mmc_wait(lam, s, c, p)
        pct = np.asarray(q.percentile_wait_s)
        at = np.asarray(wait_exceedance(lam, s, c, pct))
        waits = pct > 0
        assert waits.any() and (~waits).any(), p  # both branches are checked
        np.testing.assert_allclose(at[waits], 1 - p, rtol=1e-9)
        assert np.all(at[~waits] <= 1 - p)


def test_wait_distribution_falls_with_the_wait_and_broadcasts():
    t = np.linspace(0.0, 3.0, 31)
    curves = wait_exceedance(200.0, 20.0, np.array([[126], [127], [140]]), t, slots_per_replica=32)
    assert curves.shape == (3, 31)
    assert np.all(np.diff(curves, axis=1) < 0)  # stable queues: strictly falling in t
    assert np.all(np.diff(curves, axis=0) < 0)  # more replicas: fewer wait longer than any t
    # on a log scale a straight line in t: equal steps in t multiply the share by the same factor
    ratios = curves[:, 1:] / curves[:, :-1]
    np.testing.assert_allclose(ratios, ratios[:, :1] * np.ones_like(ratios), rtol=1e-9)


def test_wait_distribution_of_an_overloaded_queue_is_one_at_every_wait():
    out = wait_exceedance([5.0, 10.0, 12.0], 1.0, 10, [[0.0], [1.0], [1e6]])
    np.testing.assert_array_equal(out[:, 1:], 1.0)
    assert np.all(out[:, 0] < 1.0)


def test_wait_distribution_is_finite_for_extreme_valid_inputs_and_refuses_bad_ones():
    instant = wait_exceedance(1.0, 5e-324, 1, [0.0, 1.0])  # service all but instant: (c - a) / s overflows
    assert 0.0 <= instant[0] < 1e-300 and instant[1] == 0.0
    assert wait_exceedance(1e3, 1.0, 1_000_000, 1e9) == 0.0
    with pytest.raises(ValueError, match="wait_s must be in"):
        wait_exceedance(1.0, 1.0, 2, -1.0)
    with pytest.raises(ValueError, match="at most 1,000,000 values"):
        wait_exceedance(np.ones((1001, 1)), 1.0, 2, np.ones(1001))
    with pytest.raises(ValueError, match="must broadcast together"):
        wait_exceedance([1.0, 2.0], 1.0, 2, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("lam, s, c", [(9.0, 1.0, 10), (200.0, 20.0, 4032), (12.0, 1.0, 10), (10.0, 1.0, 10),
                                       (0.0, 1.0, 3), (1.0, 5e-324, 1), (2.0, 1.0, 10), (999_000.0, 1.0, 1_000_000)])
def test_one_queue_in_plain_floats_is_the_vectorised_queue(lam, s, c):
    """mmc_wait and wait_exceedance take a shortcut for one queue (plain floats, no numpy): the same numbers."""
    one, many = mmc_wait(lam, s, c, 0.95), mmc_wait([lam, lam], s, c, 0.95)
    for field in ("utilisation", "prob_wait", "mean_wait_s", "percentile_wait_s", "mean_response_s", "stable"):
        np.testing.assert_allclose(getattr(one, field), getattr(many, field)[0], rtol=1e-13, err_msg=field)
    waits = [0.0, 0.5, 3.0]
    np.testing.assert_allclose(wait_exceedance(lam, s, c, waits), wait_exceedance([[lam]], s, c, waits)[0], rtol=1e-13)


def test_slots_per_replica_multiplies_the_servers():
    """n_servers replicas of slots_per_replica slots are n_servers x slots_per_replica servers, in every call."""
    a = mmc_wait(200.0, 20.0, [126, 127], 0.95, slots_per_replica=32)
    b = mmc_wait(200.0, 20.0, [126 * 32, 127 * 32], 0.95)
    for field in ("n_servers", "utilisation", "prob_wait", "mean_wait_s", "percentile_wait_s"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert list(a.n_servers) == [4032.0, 4064.0]
    np.testing.assert_array_equal(wait_exceedance(200.0, 20.0, 126, [0.0, 1.0], slots_per_replica=32),
                                  wait_exceedance(200.0, 20.0, 4032, [0.0, 1.0]))
    assert (serving.max_utilisation_for_wait_target(127, 20.0, 1.0, 0.95, slots_per_replica=32)
            == serving.max_utilisation_for_wait_target(127 * 32, 20.0, 1.0, 0.95))
    for bad in (0, 2.5, [2, 4], True, "8"):
        with pytest.raises(ValueError, match="slots_per_replica"):
            mmc_wait(1.0, 1.0, 4, 0.95, slots_per_replica=bad)
    with pytest.raises(ValueError, match="n_servers x slots_per_replica must be at most 1,000,000"):
        wait_exceedance(1.0, 1.0, 1001, 0.0, slots_per_replica=1000)
    with pytest.raises(ValueError, match="n_servers x slots_per_replica"):
        serving.max_utilisation_for_wait_target(2, 1.0, 1.0, 0.95, slots_per_replica=600_000)


def test_an_overloaded_queue_waits_forever_and_says_so():
    q = mmc_wait([5.0, 10.0, 12.0], 1.0, 10)
    assert list(q.stable) == [True, False, False]
    assert np.isinf(q.mean_wait_s[1:]).all() and np.isfinite(q.mean_wait_s[0])
    assert list(q.prob_wait[1:]) == [1.0, 1.0]


def test_fewest_replicas_meet_the_target_and_one_fewer_does_not():
    lam, s, target, slots = 100.0, 20.0, 1.0, 64
    r = serving.replicas_for_wait_target(lam, s, target, 0.95, slots)
    assert mmc_wait(lam, s, r * slots, 0.95).percentile_wait_s <= target
    assert mmc_wait(lam, s, (r - 1) * slots, 0.95).percentile_wait_s > target
    with pytest.raises(ValueError, match="needs more than 1,000,000 servers"):
        serving.replicas_for_wait_target(1e5, 9.99, 0.0, 0.999999, 1)


def test_the_knee_moves_towards_full_utilisation_as_the_service_grows():
    """Halfin & Whitt 1981: many servers can run busier for the same wait (pooling)."""
    knees = [serving.max_utilisation_for_wait_target(c, 1.0, 0.5) for c in (1, 10, 100, 1000)]
    assert all(a < b for a, b in zip(knees, knees[1:], strict=False))
    for c, knee in zip((1, 10, 100, 1000), knees, strict=True):
        assert mmc_wait(knee * c * 0.999, 1.0, c).percentile_wait_s <= 0.5
        assert mmc_wait(min(knee * c * 1.01 + 1e-6, c * 0.999999), 1.0, c).percentile_wait_s > 0.5


def test_the_latency_target_is_paid_for_in_idle_slots():
    plan = serving.plan_for_demand([1.0, 10.0, 100.0], 20.0, 64, 1.0, 16.0, 1500.0)
    assert np.allclose(plan.usd_per_m_tokens * plan.utilisation, plan.usd_per_m_tokens_fully_busy)
    assert np.all(np.diff(plan.usd_per_m_tokens) < 0)  # a busier service is cheaper per token
    assert np.all(plan.percentile_wait_s <= 1.0)


# --------------------------------------------------------------------------- training vs serving


def test_serving_overtakes_training_after_three_times_the_training_tokens():
    """Kaplan et al. 2020, Section 2.1 (6N per training token, 2N per token served); Sardana et al. 2023, Section 2."""
    life = serving.lifetime_compute(37e9, 14.8e12, [1e12, 44.4e12, 1e14])
    assert life.training_flop == pytest.approx(6 * 37e9 * 14.8e12)
    assert life.breakeven_tokens_served == pytest.approx(3 * 14.8e12)
    assert list(life.serving_exceeds_training) == [False, False, True]
    assert life.frac_serving[1] == pytest.approx(0.5)


def test_deepseek_v3_training_cost_from_its_report():
    """DeepSeek-AI 2024, arXiv:2412.19437, Table 1: 2,788K H800 GPU-hours at $2 per GPU-hour = $5.576M."""
    assert serving.DEEPSEEK_V3_TRAINING_GPU_HOURS * 2.0 == pytest.approx(serving.DEEPSEEK_V3_TRAINING_USD)
    cost = serving.lifetime_cost(serving.DEEPSEEK_V3_TRAINING_USD, 1.10, 5.576e12 / 1.10)
    assert cost.frac_serving == pytest.approx(0.5)


def test_inference_aware_scaling_trains_smaller_for_a_model_that_will_be_served_a_lot():
    target = float(scaling.DEFAULT_FIT.loss(70e9, 1.4e12))
    plain, aware = (scaling.inference_aware_optimal(target, t) for t in (0.0, 1e14))
    plain_life = serving.lifetime_compute(plain.n_params, plain.n_tokens, 1e14)
    assert aware.n_params < plain.n_params
    assert aware.total_flop < plain_life.total_flop


# --------------------------------------------------------------------------- prices over time


def test_epoch_ai_price_decline_rates_reproduced_from_the_shipped_fits():
    """Epoch AI, "LLM inference prices have fallen rapidly but unequally across tasks" (2025-03-12): "the price
    to achieve GPT-4's performance on a set of PhD-level science questions fell by 40x per year"; "ranging from
    9x to 900x per year". Epoch's notebook (llm_price_trends.ipynb) prints the 0th, 50th and 100th percentiles
    of the 21 fits: 9.24, 46.25, 851.16."""
    trends = serving.load_inference_price_trends()
    factors = [t.decline_factor_per_year for t in trends]
    assert len(trends) == 21
    assert statistics.median(factors) == pytest.approx(serving.EPOCH_2025_MEDIAN_DECLINE_PER_YEAR, abs=0.01)
    assert (min(factors), max(factors)) == pytest.approx(serving.EPOCH_2025_DECLINE_RANGE_PER_YEAR, abs=0.01)
    gpqa = next(t for t in trends if t.benchmark == "GPQA Diamond" and t.threshold_model == "GPT-4-0314")
    assert gpqa.decline_factor_per_year == pytest.approx(40, rel=0.06)
    assert round(min(factors)) == 9 and round(max(factors), -2) == 900


def test_projected_price_falls_by_the_factor_each_year():
    assert serving.projected_price_usd_per_m(10.0, 1.0) == pytest.approx(10.0 / 46.25)
    assert serving.projected_price_usd_per_m(10.0, 2.0, 9.24) == pytest.approx(10.0 / 9.24**2)
    assert serving.projected_price_usd_per_m(10.0, 0.0, 851.2) == 10.0


# The 3:1 blended prices in Epoch AI's price data (epoch-research/llm-benchmark-efficiency, commit 34b9233:
# data/aa_data_with_math5.csv and data/epoch_ai_price_data_not_in_aa_with_benchmarks.csv), USD per million.
EPOCH_BLENDED_USD_PER_M = {
    "GPT-4 (8K)": 37.5, "GPT-4 Turbo": 15.0, "Claude 3 Opus": 30.0, "Claude 3 Haiku": 0.5, "GPT-4o": 7.5,
    "Claude 3.5 Sonnet": 6.0, "GPT-4o mini": 0.26, "GPT-4o (2024-08-06)": 4.38, "o1-preview": 26.25, "o1": 26.25,
    "DeepSeek-V3": 0.4775, "DeepSeek-R1": 0.96, "o3-mini": 1.925, "GPT-3.5 Turbo": 2.0,
}


def test_published_api_prices_blend_to_epoch_ais_figures():
    """Each row's input and output price, blended 3:1 as Artificial Analysis and Epoch AI do, gives Epoch AI's
    recorded price to the cent."""
    prices = serving.load_api_prices()
    assert {p.model for p in prices} == set(EPOCH_BLENDED_USD_PER_M)
    for p in prices:
        blended = serving.blended_price_usd_per_m(p.usd_per_m_input, p.usd_per_m_output)
        assert blended == pytest.approx(EPOCH_BLENDED_USD_PER_M[p.model], abs=0.006), p.model
        assert 1.0 <= p.output_to_input_ratio <= 5.0
    assert [p.date for p in prices] == sorted(p.date for p in prices)
    assert {p.model for p in prices if p.reasoning} == {"o1-preview", "o1", "DeepSeek-R1", "o3-mini"}


def test_a_reasoning_model_costs_more_per_question_than_its_price_per_token_says():
    """Epoch AI's GPQA Diamond runs (data/epoch_ai_eval_data.csv): DeepSeek-V3 626 output tokens per question,
    DeepSeek-R1 7,595 (12 times); at DeepSeek's prices (data/api_prices.csv) a question costs 22 times as much,
    though R1's price per token is only 2 times V3's."""
    v3_in, v3_out = serving.GPQA_TOKENS_PER_QUESTION["DeepSeek-V3"]
    r1_in, r1_out = serving.GPQA_TOKENS_PER_QUESTION["DeepSeek-R1"]
    assert r1_out / v3_out == pytest.approx(12.1, abs=0.05)
    ratio = serving.bill_usd(r1_in, r1_out, 0.55, 2.19) / serving.bill_usd(v3_in, v3_out, 0.27, 1.10)
    assert ratio == pytest.approx(22.2, abs=0.1)
    assert serving.reasoning_bill_multiplier(1000, 250, 4500, 1.0, 4.0) == pytest.approx(10.0)
    assert serving.bill_usd(1000, 250, 1.0, 4.0, reasoning_tokens=4500) == pytest.approx(0.02)


# --------------------------------------------------------------------------- data: errors name where


def test_a_users_architecture_table_and_its_errors(tmp_path):
    text = (DATA / "model_architectures.csv").read_text(encoding="utf-8")
    path = tmp_path / "models.csv"
    path.write_text(text, encoding="utf-8")
    assert serving.load_model_architectures(path) == serving.load_model_architectures()
    header, first, *rest = text.splitlines()
    path.write_text("\n".join([header, first.replace(",32,8,128,128256,", ",32,7,128,128256,", 1)]), encoding="utf-8")
    with pytest.raises(ValueError, match=r"models.csv line 2 \('Llama 3.1 8B'\): n_kv_heads must divide n_heads"):
        serving.load_model_architectures(path)
    path.write_text("\n".join([header, first.replace(",gqa,", ",xyz,", 1)]), encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 2 \('Llama 3.1 8B'\): attention must be one of 'gqa', 'mla'"):
        serving.load_model_architectures(path)
    path.write_text("\n".join([header.replace("rope_head_dim", "rope"), first]), encoding="utf-8")
    with pytest.raises(ValueError, match="lacks the required column\\(s\\) rope_head_dim"):
        serving.load_model_architectures(path)
    with pytest.raises(ValueError, match="name must be one of"):
        get_architecture("GPT-5")


def test_a_users_price_table_and_its_errors(tmp_path):
    text = (DATA / "api_prices.csv").read_text(encoding="utf-8")
    header, first = text.splitlines()[:2]
    path = tmp_path / "prices.csv"
    path.write_text("\n".join([header, first.replace("2023-03-01", "2023-13-01")]), encoding="utf-8")
    with pytest.raises(ValueError, match=r"prices.csv line 2 \('GPT-3.5 Turbo'\): date must be a date as YYYY-MM-DD"):
        serving.load_api_prices(path)
    path.write_text("\n".join([header, first.replace(",false,", ",maybe,")]), encoding="utf-8")
    with pytest.raises(ValueError, match="column 'reasoning' must be true or false, got 'maybe'"):
        serving.load_api_prices(path)


def test_architecture_consistency_is_enforced():
    base = dict(LLAMA31_8B.__dict__)
    with pytest.raises(ValueError, match="n_params_active must equal n_params_total"):
        ModelArchitecture(**{**base, "n_params_active": 4e9})
    with pytest.raises(ValueError, match="kv_lora_rank must be 0 unless attention is 'mla'"):
        ModelArchitecture(**{**base, "kv_lora_rank": 512})
    with pytest.raises(ValueError, match="n_experts_per_token must be in \\[1, n_routed_experts"):
        ModelArchitecture(**{**dict(DEEPSEEK_V3.__dict__), "n_experts_per_token": 256})


# --------------------------------------------------------------------------- properties

BATCHES = st.floats(min_value=1.0, max_value=4096.0)
CONTEXTS = st.floats(min_value=64.0, max_value=131072.0)
ARCHS = st.sampled_from([LLAMA31_8B, LLAMA31_70B, LLAMA31_405B, DEEPSEEK_V3])
DEPLOYMENTS = st.builds(Deployment, accelerator=st.sampled_from([H100, hardware.ACCELERATORS["NVIDIA H200"]]),
                        n_accelerators=st.sampled_from([1, 2, 8, 16]), weight_precision=st.sampled_from(["bf16", "fp8"]))


@settings(max_examples=60, deadline=None)
@given(arch=ARCHS, dep=DEPLOYMENTS, b1=BATCHES, b2=BATCHES, context=CONTEXTS)
def test_cost_per_output_token_falls_and_each_user_slows_as_the_batch_grows(arch, dep, b1, b2, context):
    small, large = sorted((b1, b2))
    steps = decode_step(arch, dep, [small, large], context)
    per_token_time = steps.time_per_token_s / steps.batch_size  # replica-seconds per output token
    assert per_token_time[1] <= per_token_time[0] * (1 + 1e-12)
    assert steps.tokens_per_s_per_user[1] <= steps.tokens_per_s_per_user[0] * (1 + 1e-12)


@settings(max_examples=60, deadline=None)
@given(arch=ARCHS, dep=DEPLOYMENTS, context=CONTEXTS)
def test_the_largest_batch_fits_and_one_more_does_not(arch, dep, context):
    largest = float(serving.max_batch_size(arch, dep, context))
    assert largest == int(largest) < serving.MAX_BATCH_SIZE
    assert memory_use(arch, dep, max(largest, 1.0), context).fits == (largest >= 1)
    assert not memory_use(arch, dep, largest + 1, context).fits


@settings(max_examples=60, deadline=None)
@given(lam=st.floats(0.0, 500.0), s=st.floats(0.01, 10.0), c=st.integers(1, 2000), extra=st.integers(1, 50))
def test_more_servers_never_raise_the_wait(lam, s, c, extra):
    fewer, more = mmc_wait(lam, s, [c, c + extra], 0.95).mean_wait_s, mmc_wait(lam, s, [c, c + extra], 0.95).percentile_wait_s
    assert fewer[1] <= fewer[0]
    assert more[1] <= more[0]
    probs = erlang_c([c, c + extra], lam * s)
    assert 0.0 <= probs[1] <= probs[0] <= 1.0


@settings(max_examples=60, deadline=None)
@given(c=st.integers(1, 5000), a1=st.floats(0.0, 5000.0), a2=st.floats(0.0, 5000.0))
def test_erlang_c_rises_with_the_load(c, a1, a2):
    low, high = sorted((a1, a2))
    values = erlang_c(c, [low, high])
    assert 0.0 <= values[0] <= values[1] + 1e-12 <= 1.0 + 1e-12


@settings(max_examples=40, deadline=None)
@given(load=st.floats(1.0, 20.0), s=st.floats(0.1, 60.0), target=st.floats(0.0, 30.0),
       p=st.floats(0.5, 0.999), slots=st.integers(1, 128))
def test_the_replica_count_is_the_fewest_that_meets_the_target(load, s, target, p, slots):
    """Offered load of at least one replica's slots, so at least two replicas are needed and r - 1 is a real check."""
    lam = load * slots / s
    r = serving.replicas_for_wait_target(lam, s, target, p, slots)
    assert r >= 2
    assert mmc_wait(lam, s, r * slots, p).percentile_wait_s <= target + 1e-9
    assert mmc_wait(lam, s, (r - 1) * slots, p).percentile_wait_s > target - 1e-9


@settings(max_examples=60, deadline=None)
@given(n=st.floats(1e6, 1e13), d=st.floats(1e6, 1e14), t1=st.floats(0.0, 1e16), t2=st.floats(0.0, 1e16))
def test_serving_share_grows_with_tokens_served(n, d, t1, t2):
    low, high = sorted((t1, t2))
    life = serving.lifetime_compute(n, d, [low, high])
    assert life.frac_serving[0] <= life.frac_serving[1]
    assert life.breakeven_tokens_served == pytest.approx(3 * d)


@settings(max_examples=60, deadline=None)
@given(p=st.floats(0.01, 1000.0), t1=st.floats(0.0, 10.0), t2=st.floats(0.0, 10.0), f=st.floats(1.0, 1000.0))
def test_price_projections_compose(p, t1, t2, f):
    step = serving.projected_price_usd_per_m(serving.projected_price_usd_per_m(p, t1, f), t2, f)
    assert step == pytest.approx(serving.projected_price_usd_per_m(p, t1 + t2, f), rel=1e-9)


def test_batch_generation_refuses_a_request_longer_than_the_context_window():
    with pytest.raises(ValueError, match="prompt_tokens \\+ output_tokens must be at most Llama 2 70B's context window"):
        serving.batch_generation(LLAMA2_70B, Deployment(n_accelerators=2), 1, 2048, 2049)
    one = serving.batch_generation(LLAMA2_70B, Deployment(n_accelerators=2), 1, 2048, 2048)
    assert one.decode_s == pytest.approx(float(np.sum(decode_step(LLAMA2_70B, Deployment(n_accelerators=2), 1,
                                                                   np.arange(2049, 4097)).time_per_token_s)))
