"""Valid example calls for compute_econ.serving (see __init__.py for the form)."""

from compute_econ import hardware, serving

_LLAMA = serving.get_architecture("Llama 3.1 70B")
_NODE = serving.Deployment(accelerator=hardware.H100_SXM, n_accelerators=8)

CALLS = {
    serving.ModelArchitecture: lambda: dict(
        name="example dense model", n_params_total=8e9, n_params_active=8e9, n_layers=32, d_model=4096, n_heads=32,
        n_kv_heads=8, head_dim=128, vocab_size=128256, context_tokens=131072, source="contract test example",
        attention="gqa", kv_lora_rank=0, rope_head_dim=0, n_routed_experts=0, n_experts_per_token=0,
        release_year=2024, note=""),
    serving.load_model_architectures: lambda: dict(path=None),
    serving.get_architecture: lambda: dict(name="DeepSeek-V3"),
    serving.bytes_per_element: lambda: dict(precision="fp8"),
    serving.weight_bytes: lambda: dict(architecture=_LLAMA, precision="bf16"),
    serving.kv_cache_bytes_per_token: lambda: dict(architecture=_LLAMA, precision="bf16"),
    serving.kv_cache_bytes: lambda: dict(architecture=_LLAMA, batch_size=32, context_tokens=8192, precision="bf16"),
    serving.params_read_per_step: lambda: dict(architecture=serving.get_architecture("DeepSeek-V3"), tokens_in_step=64),
    serving.attention_flop_per_token: lambda: dict(architecture=_LLAMA, context_tokens=4096),
    serving.Deployment: lambda: dict(
        accelerator=hardware.H100_SXM, n_accelerators=8, weight_precision="fp8", kv_precision="fp8",
        frac_memory_usable=0.9, frac_peak_flop=0.5, frac_peak_bandwidth=0.8, tp_efficiency=0.9,
        attention_sharding="heads"),
    serving.kv_replication: lambda: dict(architecture=_LLAMA, deployment=_NODE),
    serving.memory_use: lambda: dict(architecture=_LLAMA, deployment=_NODE, batch_size=16, context_tokens=4096),
    serving.max_batch_size: lambda: dict(architecture=_LLAMA, deployment=_NODE, context_tokens=4096),
    serving.decode_step: lambda: dict(architecture=_LLAMA, deployment=_NODE, batch_size=16, context_tokens=4096),
    serving.prefill: lambda: dict(architecture=_LLAMA, deployment=_NODE, prompt_tokens=2048, batch_size=4),
    serving.usd_per_m_tokens: lambda: dict(usd_per_accelerator_hour=2.0, n_accelerators=8, tokens_per_s=2000.0,
                                           frac_time_busy=0.7),
    serving.serving_estimate: lambda: dict(architecture=_LLAMA, deployment=_NODE, batch_size=32, prompt_tokens=1000,
                                           output_tokens=500, usd_per_accelerator_hour=2.0, frac_time_busy=0.7),
    serving.throughput_latency_frontier: lambda: dict(architecture=_LLAMA, deployment=_NODE, prompt_tokens=1000,
                                                      output_tokens=500, usd_per_accelerator_hour=2.0,
                                                      frac_time_busy=0.7),
    serving.erlang_c: lambda: dict(n_servers=10, offered_load_erlangs=8.0),
    serving.mmc_wait: lambda: dict(arrival_rate_per_s=8.0, service_time_s=1.0, n_servers=10, percentile=0.95,
                                   slots_per_replica=1),
    serving.wait_exceedance: lambda: dict(arrival_rate_per_s=200.0, service_time_s=20.0, n_servers=126,
                                          wait_s=[0.0, 1.0, 10.0], slots_per_replica=32),
    serving.replicas_for_wait_target: lambda: dict(arrival_rate_per_s=10.0, service_time_s=20.0, target_wait_s=1.0,
                                                   percentile=0.95, slots_per_replica=64),
    serving.max_utilisation_for_wait_target: lambda: dict(n_servers=8, service_time_s=20.0, target_wait_s=1.0,
                                                          percentile=0.95, slots_per_replica=8),
    serving.plan_for_demand: lambda: dict(arrival_rate_per_s=10.0, service_time_s=20.0, slots_per_replica=64,
                                          target_wait_s=1.0, usd_per_replica_hour=16.0, tokens_per_request=1500.0,
                                          percentile=0.95),
    serving.lifetime_compute: lambda: dict(n_params_active=37e9, training_tokens=14.8e12, tokens_served=1e13),
    serving.lifetime_cost: lambda: dict(training_usd=5.576e6, usd_per_m_tokens=1.1, tokens_served=1e13),
    serving.ApiPrice: lambda: dict(model="example model", provider="example provider", date="2024-07-18",
                                   usd_per_m_input=0.15, usd_per_m_output=0.6, reasoning=False,
                                   source="contract test example", note=""),
    serving.load_api_prices: lambda: dict(path=None),
    serving.PriceTrend: lambda: dict(benchmark="MMLU", threshold_model="GPT-3", score_threshold=43.9,
                                     start_date="2021-11-20", end_date="2024-10-03", n_models=9,
                                     decline_factor_per_year=11.77, ci90_low=8.287, ci90_high=16.72, r_squared=0.96,
                                     source="contract test example"),
    serving.load_inference_price_trends: lambda: dict(path=None),
    serving.projected_price_usd_per_m: lambda: dict(usd_per_m_now=10.0, years=2.0, decline_factor_per_year=46.25),
    serving.blended_price_usd_per_m: lambda: dict(usd_per_m_input=0.27, usd_per_m_output=1.1, frac_input=0.75),
    serving.bill_usd: lambda: dict(input_tokens=1000, output_tokens=300, usd_per_m_input=1.0, usd_per_m_output=4.0,
                                   reasoning_tokens=2000),
    serving.reasoning_bill_multiplier: lambda: dict(input_tokens=1000, output_tokens=300, reasoning_tokens=2000,
                                                    usd_per_m_input=1.0, usd_per_m_output=4.0),
}
RESULTS = {
    serving.MemoryUse: "returned by memory_use",
    serving.DecodeStep: "returned by decode_step",
    serving.Prefill: "returned by prefill",
    serving.ServingEstimate: "returned by serving_estimate and throughput_latency_frontier",
    serving.QueueWait: "returned by mmc_wait",
    serving.DemandPlan: "returned by plan_for_demand",
    serving.LifetimeCompute: "returned by lifetime_compute",
    serving.LifetimeCost: "returned by lifetime_cost",
}
NONFINITE = {
    (serving.QueueWait, "mean_wait_s"): "inf where arrivals reach capacity (utilisation >= 1): the queue grows without "
                                        "bound (stable is False)",
    (serving.QueueWait, "percentile_wait_s"): "inf where utilisation >= 1 (stable is False)",
    (serving.QueueWait, "mean_response_s"): "inf where utilisation >= 1 (stable is False)",
}
