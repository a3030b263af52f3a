"""Exercise feedback for the lessons: ``check(exercise_id, answer)``.

The expected answer of each exercise is computed from :mod:`compute_econ` when
it is checked, never stored as a literal and never shown: the learner reads
"correct", or "not yet" with a hint that points at the method. An answer is
accepted within a relative tolerance that reflects how precisely the question
can be answered (reading a plot vs computing exactly).

Exercises are registered per lesson in :data:`EXERCISES`; a test checks that
every id used by a lesson exists and that each exercise accepts its own
expected value and rejects a wrong one.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any
from collections.abc import Callable

import dataclasses

from compute_econ import cluster, costs, hardware, market, plan, scaling, serving, supply, training, trends
from compute_econ.supply import pricing
from . import book


@dataclass(frozen=True)
class Exercise:
    """One auto-checked question.

    ``expected`` is a function so the answer comes from the model at check
    time; ``rtol`` is the accepted relative error; ``hint`` is shown on a
    wrong answer and must not give the number away. A question with
    ``choices`` takes one of them as its answer (case and surrounding spaces
    ignored).
    """

    question: str
    expected: Callable[[], float | str]
    rtol: float
    hint: str
    unit: str = ""
    #: For a question answered by naming one of a few options (a constraint, an input): the options.
    #: ``expected`` then returns one of them, and ``rtol`` is unused.
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feedback:
    """The result of a check; displays as a coloured box in a notebook."""

    exercise_id: str
    correct: bool | None  # None: not answered yet
    message: str

    def _repr_html_(self) -> str:
        colour = {True: "#e6f4ea", False: "#fdecea", None: "#eef2f7"}[self.correct]
        border = {True: "#34a853", False: "#d93025", None: "#8a9ab0"}[self.correct]
        return (
            f'<div class="ce-feedback" style="background:{colour};border-left:4px solid {border};'
            f'padding:6px 10px;margin:4px 0">{self.message}</div>'
        )

    def __repr__(self) -> str:  # plain-text front ends
        mark = {True: "correct", False: "not yet", None: "not answered"}[self.correct]
        return f"[{self.exercise_id}: {mark}] {html.unescape(self.message)}"

    def __bool__(self) -> bool:
        return bool(self.correct)


def _optimal_params_at_llama31_budget() -> float:
    # Llama 3.1 405B's budget, 3.8e25 FLOP (Llama 3 paper, arXiv:2407.21783, §3.2.1), under the lessons' fit.
    return float(scaling.compute_optimal(3.8e25).n_params)


def _flop_30b_on_2_5t() -> float:
    return float(scaling.training_flop(30e9, 2.5e12))


def _frontier_language_growth_since_2018() -> float:
    return float(trends.fit_notable_trend(domain="Language", frontier_only=True, start_year=2018.0).growth_per_year)


def _llama31_on_one_h100_days() -> float:
    return float(training.accelerator_days(3.8e25, hardware.H100_SXM.peak_flop_per_s, 0.4))


def _orders_of_magnitude_transformer_to_llama31() -> float:
    runs = trends.load_training_runs()
    return math.log10(runs.row("Llama 3.1 405B")["training_flop"] / runs.row("Transformer (big)")["training_flop"])


def _optimal_tokens_for_3e24() -> float:
    return float(scaling.compute_optimal(3e24).n_tokens)


def _overtrained_ratio_llama3_8b() -> float:
    # Llama 3 8B: 8e9 parameters trained on 15e12 tokens (Llama 3 paper, arXiv:2407.21783, §1).
    return 15e12 / 8e9 / float(scaling.compute_optimal(scaling.training_flop(8e9, 15e12)).tokens_per_param)


def _fresh_tokens_from_3_epochs_of_2t() -> float:
    return float(scaling.effective_data_tokens(2e12, 3.0)) / 1e12


def _h100():
    return hardware.get_accelerator("NVIDIA H100 SXM")


def _mi300x_fp8_ridge() -> float:
    m = hardware.get_accelerator("AMD MI300X")
    return float(hardware.ridge_point_flop_per_byte(hardware.peak_flop_per_s_for(m, "fp8"), m.memory_bytes_per_s))


def _llama31_70b_mfu() -> float:
    # Llama 3.1 70B: 70e9 parameters, ~15e12 tokens, 7.0M H100-hours (Llama 3.1 model card, MODEL_CARD.md).
    return float(training.implied_mfu(scaling.training_flop(70e9, 15e12), _h100().peak_flop_per_s,
                                      accelerator_hours=7.0e6))


def _mw_50k_b200() -> float:
    b200 = hardware.get_accelerator("NVIDIA B200")
    assert b200.board_watts is not None  # published (NVIDIA's datasheet, compute_econ/data/accelerators.csv)
    return float(training.cluster_power_watts(50_000, b200.board_watts)) / 1e6


def _chinchilla_rent_committed_usd() -> float:
    # Chinchilla's 5.76e23 FLOP (Hoffmann et al. 2022) on H100s at 40% MFU, at Lambda's 3-year committed price.
    hours = training.accelerator_hours(5.76e23, _h100().peak_flop_per_s, 0.4)
    return float(costs.rental_cost_usd(hours, costs.H100_LAMBDA_2024.committed_usd_per_hour))


def _break_even_2_50() -> float:
    return float(costs.break_even_utilisation(costs.H100_OWNERSHIP, 2.50).utilisation)


def _notable_accelerators_doubling_months_since_2010() -> float:
    return float(trends.fit_notable_trend(quantity="hardware_quantity", start_year=2010.0).doubling_time_months)


# -- lesson 03 helpers ----------------------------------------------------------


def _tripled_cowos_doubled_hbm_2024q1() -> float:
    inputs = supply.scale_capacity(supply.DEFAULT_INPUTS, "CoWoS packaging", 3.0)
    inputs = supply.scale_capacity(inputs, "HBM stacks", 2.0)
    return float(supply.deliveries(inputs, [0]).accelerators_per_quarter[0])


def _first_binding_change_quarter_twice_the_wafer_share() -> float:
    wafers = supply.get_input(supply.DEFAULT_INPUTS, "Leading-edge logic wafers")
    inputs = supply.replace_input(supply.DEFAULT_INPUTS, "Leading-edge logic wafers",
                                  frac_to_accelerators=2 * wafers.frac_to_accelerators)
    return float(supply.deliveries(inputs, list(range(40))).binding_changes[0].quarter)


def _shortage_years_interconnection_queue() -> float:
    scenario = supply.BuildOutScenario(lead_time_quarters=supply.LEAD_TIME_INTERCONNECTION_QUEUE_QUARTERS)
    quarters = supply.simulate_build_out(scenario).quarters_to_catch_up
    assert quarters is not None  # the default build rate is unlimited: capacity always catches up
    return float(quarters) / 4.0


def _b200s_on_1_gw() -> float:
    return float(supply.max_accelerators_for_power(1e9, hardware.get_accelerator("NVIDIA B200")))


def _b200_run_flop_1_gw_100_days() -> float:
    b200 = hardware.get_accelerator("NVIDIA B200")
    return float(supply.largest_training_run_flop(1e9, b200.peak_flop_per_s, b200, days=100, mfu=0.4))


def _ooms_2030_power_run_over_llama31() -> float:
    llama_flop = trends.load_training_runs().row("Llama 3.1 405B")["training_flop"]
    return math.log10(float(supply.power_limited_flop(2030)) / llama_flop)


# -- lesson 04 helpers ----------------------------------------------------------


def _hbm_hhi_leader_at_40() -> float:
    hbm = market.load_market_shares()["HBM memory"]
    return float(market.hhi(market.set_share(hbm.frac_shares, 0, 0.40)))


def _delta_hhi_amazon_oracle() -> float:
    cloud = market.load_market_shares()["cloud infrastructure"]
    i, j = cloud.firms.index("Amazon"), cloud.firms.index("Oracle")
    return float(market.merger_delta_hhi(cloud.frac_shares, i, j))


def _price_with_1_2m_new_lab() -> float:
    buyers = pricing.DEFAULT_BUYERS + (pricing.new_frontier_lab(1.2e6),)
    return float(pricing.clear_market(buyers, pricing.DEFAULT_SUPPLY).usd_per_hour)


def _p_lose_all_3_providers() -> float:
    # Each provider lost with probability 0.10, a common shock (e.g. export controls) with 0.01.
    return float(market.p_lose_access(0.10, 3, p_common_shock=0.01))


def _frontier_country_hhi_since_2022() -> float:
    return float(trends.developer_shares(by="country", start_year=2022.0).hhi_bounds()[0])


def _spot_p95_default_seed() -> float:
    return float(market.simulate_contract_vs_spot(seed=0).spot.cost_percentiles_usd[95])


def _kv_gb_405b_128k() -> float:
    # One 131,072-token sequence of Llama 3.1 405B, KV cache in BF16 (shapes: arXiv:2407.21783, Table 3).
    return float(serving.kv_cache_bytes(serving.get_architecture("Llama 3.1 405B"), 1, 131_072)) / 1e9


def _llama8b_one_h100_tokens_per_s() -> float:
    step = serving.decode_step(serving.get_architecture("Llama 3.1 8B"), serving.Deployment(), 1, 1024)
    return float(step.tokens_per_s_per_user)


def _llama70b_fp8_batch64_usd_per_m_output() -> float:
    deployment = serving.Deployment(n_accelerators=8, weight_precision="fp8")
    estimate = serving.serving_estimate(serving.get_architecture("Llama 3.1 70B"), deployment, 64, 1024, 512,
                                        costs.H100_LAMBDA_2024.on_demand_usd_per_hour)
    return float(estimate.usd_per_m_output)


def _replicas_for_50_requests_per_s() -> float:
    return float(serving.replicas_for_wait_target(50.0, 20.0, 1.0, 0.95, slots_per_replica=64))


def _llama405b_serving_share_at_100t() -> float:
    # Llama 3.1 405B: 405B parameters, 15.6T training tokens (arXiv:2407.21783, Section 3.2.1).
    return float(serving.lifetime_compute(405e9, 15.6e12, 100e12).frac_serving)


def _price_after_two_years_at_epoch_median() -> float:
    return float(serving.projected_price_usd_per_m(10.0, 2.0, serving.EPOCH_2025_MEDIAN_DECLINE_PER_YEAR))


# -- lesson 06: running at scale ----------------------------------------------------------------------------------
def _zero3_gb_175b_1024() -> float:
    # GPT-3 175B, mixed-precision Adam (16 bytes a parameter), ZeRO stage 3 over 1,024 ranks (arXiv:1910.02054, §5).
    return float(cluster.model_state_memory(175e9, 1024, 3).total_bytes) / 1e9


def _bubble_16_stages_64_micro_batches() -> float:
    # GPipe's bubble share (p - 1) / (m + p - 1) for 16 stages and 64 micro-batches (arXiv:2104.04473, §2.2).
    return float(cluster.pipeline_bubble_fraction(16, 64))


def _llama3_gpu_mtbf_hours() -> float:
    # Each GPU's MTBF implied by Llama 3's 419 unexpected interruptions on 16,384 GPUs in 54 days (arXiv:2407.21783,
    # §3.3.4), from the shipped log.
    log = next(r for r in cluster.load_reliability_logs() if r.name.endswith("unexpected interruptions"))
    return float(log.accelerator_mtbf_hours)


def _interruptions_per_day_250k() -> float:
    return float(cluster.interruptions_per_day(cluster.job_mtbf_hours(_llama3_gpu_mtbf_hours(), 250_000)))


def _goodput_250k_at_daly() -> float:
    # Llama 3's per-GPU rate on 250,000 GPUs, the kit's checkpoint (33 s) and restart (5 min) estimates, Daly's optimum.
    est = cluster.estimate_goodput(1e7, 250_000, _llama3_gpu_mtbf_hours(), cluster.LLAMA3_CHECKPOINT_HOURS_ESTIMATE,
                                   cluster.LLAMA3_RESTART_HOURS_ESTIMATE)
    return float(est.goodput_frac)


def _sites_for_a_million_h100s_at_300_mw() -> float:
    return float(cluster.sites_needed(1_000_000, 300e6))


def _grant_power_load_isambard_size() -> float:
    # The public-grant brief with Isambard-AI's 5,448 accelerators instead of 3,500.
    return float(plan.evaluate_plan(dataclasses.replace(plan.PUBLIC_GRANT, n_accelerators=5448)).load["power"])


def _own_fast_on_contract_binding() -> str:
    return str(plan.evaluate_plan(plan.OWN_FAST.with_strategy("contract")).binding)


def _own_fast_on_spot_total_usd() -> float:
    return float(plan.evaluate_plan(plan.OWN_FAST.with_strategy("spot")).total_usd)


def _partnership_finish_top_input() -> str:
    return plan.sensitivity(plan.PARTNERSHIP, "finish_months").names[0]


EXERCISES: dict[str, Exercise] = {
    # -- lesson 00 ------------------------------------------------------------
    "00-30b-flop": Exercise(
        "A 30-billion-parameter model is trained on 2.5 trillion tokens. How many FLOP does its training take?",
        _flop_30b_on_2_5t, 0.03,
        "Training costs about 6 FLOP per parameter per token: 2 for the forward pass, 4 for the backward pass.",
        "FLOP",
    ),
    "00-ooms": Exercise(
        "How many orders of magnitude (powers of ten) more compute did Llama 3.1 405B (2024) use than "
        "the original Transformer (big) of 2017?",
        _orders_of_magnitude_transformer_to_llama31, 0.06,
        "Look both runs up in the table (`runs.row(name)`), divide, and take log10 of the ratio (`math.log10`).",
        "orders of magnitude",
    ),
    "00-growth": Exercise(
        "By what factor per year has the training compute of frontier language models grown since 2018 "
        "(the trend fitted to Epoch AI's data)?",
        _frontier_language_growth_since_2018, 0.05,
        "Set the explorer to frontier models only, the Language domain and 'since 2018', and read the growth; or call "
        "`trends.fit_notable_trend(domain=..., frontier_only=True, start_year=...)` and take its `growth_per_year`.",
        "× per year",
    ),
    "00-llama-h100-days": Exercise(
        "How many days would Llama 3.1 405B's training (3.8e25 FLOP) take on a single H100 at 40% MFU?",
        _llama31_on_one_h100_days, 0.05,
        "FLOP ÷ (peak FLOP/s × MFU) gives accelerator-seconds; divide by 86,400 for days. "
        "The H100's dense BF16 peak is in `hardware.H100_SXM`.",
        "GPU-days",
    ),
    # -- lesson 01 ------------------------------------------------------------
    "01-llama-budget-optimal-n": Exercise(
        "Llama 3.1 405B was trained with 3.8e25 FLOP. How many parameters does the replication's fit call "
        "compute-optimal for that budget?",
        _optimal_params_at_llama31_budget, 0.05,
        "Set the explorer's budget to 3.8e25 FLOP with the replication (Besiroglu et al.) fit, or call "
        "`scaling.compute_optimal(budget)`: N* is its `n_params`.",
        "parameters",
    ),
    "01-tokens-3e24": Exercise(
        "How many training tokens are compute-optimal for a 3e24 FLOP budget under the replication's fit?",
        _optimal_tokens_for_3e24, 0.05,
        "Use `scaling.compute_optimal(3e24)`: D* is its `n_tokens`. Check: 6·N*·D* should give back the budget.",
        "tokens",
    ),
    "01-llama3-8b-overtraining": Exercise(
        "Llama 3 8B saw 15T tokens. How many times more tokens per parameter is that than the replication's "
        "compute-optimal ratio for its budget?",
        _overtrained_ratio_llama3_8b, 0.1,
        "Its budget is 6·N·D. Compare its actual D/N with `scaling.compute_optimal(budget).tokens_per_param`.",
        "×",
    ),
    "01-three-epochs": Exercise(
        "You have 2 trillion unique tokens and train for 3 epochs. According to Muennighoff et al., that is worth how "
        "many trillion tokens of fresh data?",
        _fresh_tokens_from_3_epochs_of_2t, 0.03,
        "Use `scaling.effective_data_tokens(unique_tokens, epochs)` and divide by 1e12.",
        "T tokens",
    ),
    # -- lesson 02 ------------------------------------------------------------
    "02-mi300x-fp8-ridge": Exercise(
        "What is the ridge point of an AMD MI300X at FP8, in FLOP per byte?",
        _mi300x_fp8_ridge, 0.05,
        "The ridge is where peak FLOP/s equals intensity × bandwidth: divide the dense FP8 peak by the memory "
        "bandwidth (both in the catalogue row), or choose the chip and FP8 in the roofline explorer.",
        "FLOP/byte",
    ),
    "02-llama70b-mfu": Exercise(
        "Meta's model card gives 7.0M H100-hours for Llama 3.1 70B, trained on about 15T tokens. What MFU does 6ND "
        "over those hours imply?",
        _llama31_70b_mfu, 0.05,
        "MFU = FLOP needed (6·N·D) ÷ (peak FLOP/s × seconds held); convert hours to seconds. "
        "`training.implied_mfu` does it.",
        "fraction",
    ),
    "02-50k-b200-mw": Exercise(
        "How many MW of site power do 50,000 B200s need at full load (default server overhead and PUE)?",
        _mw_50k_b200, 0.05,
        "Board watts × (1 + server overhead) × PUE × number of GPUs; `training.cluster_power_watts` does it "
        "(the B200's row: `hardware.get_accelerator(\"NVIDIA B200\")`). Answer in MW.",
        "MW",
    ),
    "02-chinchilla-rent": Exercise(
        "What does renting H100s at Lambda's 3-year committed price cost for Chinchilla's 5.76e23 FLOP at 40% MFU?",
        _chinchilla_rent_committed_usd, 0.05,
        "First accelerator-hours = FLOP ÷ (peak × MFU) ÷ 3600, then multiply by "
        "`costs.H100_LAMBDA_2024.committed_usd_per_hour`.",
        "USD",
    ),
    "02-break-even": Exercise(
        "Above what utilisation does owning an H100 (default assumptions) beat renting at $2.50/hour?",
        _break_even_2_50, 0.03,
        "Use `costs.break_even_utilisation(costs.H100_OWNERSHIP, 2.50)`, or find where the owned-cost curve "
        "crosses the rental line in the explorer.",
        "fraction",
    ),
    "02-accelerators-doubling": Exercise(
        "On the trend fitted to Epoch AI's data for *all* notable models since 2010 (not only the frontier), how many "
        "months does the number of accelerators used in training take to double?",
        _notable_accelerators_doubling_months_since_2010, 0.03,
        "In the explorer of section 6, plot the number of accelerators for all notable models published since 2010 and "
        "read the doubling time; or take `doubling_time_months` of "
        "`trends.fit_notable_trend(quantity=\"hardware_quantity\", start_year=...)`.",
        "months",
    ),
    # -- lesson 03 ------------------------------------------------------------
    "03-triple-cowos-double-hbm": Exercise(
        "If TSMC had three times the CoWoS packaging capacity in 2024 Q1 and memory makers twice the HBM (all else as "
        "estimated), how many H100-equivalents could have been delivered that quarter?",
        _tripled_cowos_doubled_hbm_2024q1, 0.03,
        "Deliveries are the minimum over the inputs: scale each, then ask which is now the lowest. "
        "Use `supply.scale_capacity` twice and `supply.deliveries`.",
        "accelerators per quarter",
    ),
    "03-binding-change-quarter": Exercise(
        "If AI accelerators could take twice their share of the leading-edge wafers (40 % instead of 20 %), in which "
        "quarter (counting 2024 Q1 as quarter 0) would the binding input first change?",
        _first_binding_change_quarter_twice_the_wafer_share, 0.03,
        "Use `supply.replace_input(supply.DEFAULT_INPUTS, \"Leading-edge logic wafers\", frac_to_accelerators=...)`, "
        "then `supply.deliveries(inputs, range(40)).binding_changes`; or double the wafers' capacity in the explorer "
        "and read the readout. Count quarters from 2024 Q1 (Q1 of the next year is quarter four).",
        "quarter",
    ),
    "03-queue-shortage-years": Exercise(
        "A 5 GW campus arrives in quarter four and new power takes as long as the typical interconnection queue "
        "(LBNL's Queued Up). How many years after the shock does capacity catch up (other settings at their defaults)?",
        _shortage_years_interconnection_queue, 0.03,
        "Set the build-out explorer's lead time to `supply.LEAD_TIME_INTERCONNECTION_QUEUE_QUARTERS` and read how "
        "long after the shock the shortage ends; divide quarters by four.",
        "years",
    ),
    "03-b200s-per-gw": Exercise(
        "How many NVIDIA B200s can a 1 GW site run at full load (kit defaults for server overhead and PUE)?",
        _b200s_on_1_gw, 0.03,
        "Divide the site's watts by the all-in watts of one B200: board power x (1 + server overhead) x PUE "
        "(`supply.all_in_watts_per_accelerator`; the B200's row is `hardware.get_accelerator(\"NVIDIA B200\")`).",
        "GPUs",
    ),
    "03-b200-gw-run-flop": Exercise(
        "How many FLOP can those B200s do in a 100-day training run at 40% MFU (dense BF16)?",
        _b200_run_flop_1_gw_100_days, 0.05,
        "GPUs x peak FLOP/s x MFU x seconds in 100 days; `supply.largest_training_run_flop` does it "
        "(note that `days` comes before `mfu`).",
        "FLOP",
    ),
    "03-ooms-2030-vs-llama": Exercise(
        "By how many orders of magnitude does the kit's 2030 power-limited run exceed Llama 3.1 405B's training compute?",
        _ooms_2030_power_run_over_llama31, 0.02,
        "Take log10 of the ratio: `supply.power_limited_flop(2030)` over Llama 3.1 405B's row in "
        "`trends.load_training_runs()`.",
        "orders of magnitude",
    ),
    # -- lesson 04 ------------------------------------------------------------
    "04-hbm-hhi-leader-40": Exercise(
        "If SK hynix's share of HBM fell to 40 % and Samsung and Micron took the rest in proportion to their "
        "shipped shares, what would the HHI of the HBM market be?",
        _hbm_hhi_leader_at_40, 0.01,
        "Rescale the other two so the three shares still sum to 1 (`market.set_share(shares, 0, 0.40)`), then "
        "square each share in percent and add them up (`market.hhi`). Or move the leader's share in the "
        "concentration explorer with HBM selected.",
        "HHI (0-10,000)",
    ),
    "04-merger-delta-hhi": Exercise(
        "If Amazon bought Oracle's cloud business (shares unchanged), by how much would the HHI of cloud "
        "infrastructure rise?",
        _delta_hhi_amazon_oracle, 0.02,
        "The change is 2 x s_i x s_j with shares in percent; `market.merger_delta_hhi(shares, i, j)` takes the "
        "firms' positions in `cloud.firms`. Or merge them in the concentration explorer.",
        "HHI points",
    ),
    "04-price-new-lab": Exercise(
        "A new frontier lab wants 1.2 million H100-equivalents at today's price. At what rental price does the "
        "default market clear once it arrives (no new capacity)?",
        _price_with_1_2m_new_lab, 0.02,
        "Add `pricing.new_frontier_lab(1.2e6)` to `pricing.DEFAULT_BUYERS` and call `pricing.clear_market` with "
        "`pricing.DEFAULT_SUPPLY`; or set the scarcity explorer's new-lab slider to 1.2.",
        "USD per accelerator-hour",
    ),
    "04-lose-all-3": Exercise(
        "A lab spreads its compute evenly over 3 providers. Each is lost in a year with probability 0.10, "
        "independently, and a common shock that cuts all of them at once has probability 0.01. "
        "What is the chance of losing all access in that year?",
        _p_lose_all_3_providers, 0.02,
        "Either the common shock happens, or it does not and all three providers fail on their own: "
        "q + (1 - q) p^n. `market.p_lose_access` does it.",
        "probability",
    ),
    "04-frontier-country-hhi": Exercise(
        "From Epoch AI's data, what is the HHI (lower bound, 'others' as a fringe) of frontier-model development "
        "by country, counting only models published since 2022?",
        _frontier_country_hhi_since_2022, 0.02,
        "Call `trends.developer_shares(by=\"country\", start_year=...)` and take the first value of its "
        "`hhi_bounds()`; or count the models since 2022 by country and square the shares in percent.",
        "HHI (0-10,000)",
    ),
    "04-spot-p95": Exercise(
        "With the default contract and spot market and the default seed, what is the 95th percentile of the total "
        "cost of buying only on the spot market?",
        _spot_p95_default_seed, 0.01,
        "Run `market.simulate_contract_vs_spot(seed=0)` and look at the spot strategy's `cost_percentiles_usd`.",
        "USD",
    ),
    "05-kv-405b-128k": Exercise(
        "How many gigabytes of KV cache does one 131,072-token conversation with Llama 3.1 405B take in BF16?",
        _kv_gb_405b_128k, 0.03,
        "Bytes per token (2 for K and V x layers x KV heads x head dimension x 2 bytes, or "
        "`serving.kv_cache_bytes_per_token`) times the tokens; divide by 1e9.",
        "GB",
    ),
    "05-8b-one-h100": Exercise(
        "What is the roofline bound on tokens per second for one user of Llama 3.1 8B on a single H100 in BF16 "
        "(batch 1, 1,024 tokens of context)?",
        _llama8b_one_h100_tokens_per_s, 0.03,
        "At batch 1 each token reads every weight once: bytes of weights plus KV cache over the memory bandwidth "
        "is the time per token. `serving.decode_step(arch, serving.Deployment(), 1, 1024)` does it.",
        "tokens/s",
    ),
    "05-70b-fp8-batch64-output": Exercise(
        "Serving Llama 3.1 70B on 8 H100s with FP8 weights at batch 64 (1,024 tokens in, 512 out) at Lambda's "
        "2024 on-demand price: how many dollars per million output tokens?",
        _llama70b_fp8_batch64_usd_per_m_output, 0.03,
        "Set the ServingExplorer's precision to FP8 and the batch to 64, or call `serving.serving_estimate` "
        "with `serving.Deployment(n_accelerators=8, weight_precision=\"fp8\")` and read `usd_per_m_output`.",
        "USD per million tokens",
    ),
    "05-replicas-50-per-s": Exercise(
        "Demand grows to 50 requests per second (20 s each, 64 slots per replica). How many replicas keep the "
        "95th-percentile wait under 1 s?",
        _replicas_for_50_requests_per_s, 0.02,
        "Set the LatencyExplorer's request rate to 50 and its batch slots per replica to 64, or call "
        "`serving.replicas_for_wait_target` with `slots_per_replica=64`. A whole number of replicas.",
        "replicas",
    ),
    "05-405b-serving-share": Exercise(
        "Llama 3.1 405B was trained on 15.6 trillion tokens. Once it has served 100 trillion tokens, what share "
        "of its lifetime compute (training plus serving) is serving? (A fraction, e.g. 0.5.)",
        _llama405b_serving_share_at_100t, 0.02,
        "Training costs about 6ND FLOP, serving about 2N per token: serving / (training + serving). "
        "`serving.lifetime_compute` does it.",
        "fraction",
    ),
    "05-price-in-two-years": Exercise(
        "A capability costs $10 per million tokens today. If its price falls at Epoch AI's median rate, what does "
        "it cost in two years, in dollars per million tokens?",
        _price_after_two_years_at_epoch_median, 0.03,
        "The price falls by the same factor every year: divide by it twice "
        "(`serving.projected_price_usd_per_m`).",
        "USD per million tokens",
    ),
    "06-zero3-175b-1024": Exercise(
        "GPT-3 175B trained in mixed precision with Adam and ZeRO stage 3 over 1,024 data-parallel ranks: how many "
        "gigabytes of model states does each accelerator hold?",
        _zero3_gb_175b_1024, 0.03,
        "Stage 3 splits weights, gradients and optimiser states alike: 16 bytes a parameter, shared by every rank "
        "(`cluster.model_state_memory`).",
        "GB",
    ),
    "06-bubble-16-stages": Exercise(
        "A pipeline of 16 stages runs 64 micro-batches per step, without interleaving: what share of the step is "
        "the bubble?",
        _bubble_16_stages_64_micro_batches, 0.03,
        "The bubble lasts (stages - 1) micro-batch times out of (micro-batches + stages - 1) "
        "(`cluster.pipeline_bubble_fraction`).",
        "a fraction",
    ),
    "06-interruptions-250k": Exercise(
        "At the per-GPU failure rate implied by Llama 3's 54-day log, how many interruptions a day would a job on "
        "250,000 GPUs see?",
        _interruptions_per_day_250k, 0.01,
        "Failure rates add: the job's MTBF is the GPU's MTBF divided by the number of GPUs; a day has 24 hours "
        "(`cluster.job_mtbf_hours`).",
        "interruptions a day",
    ),
    "06-goodput-250k": Exercise(
        "The same 250,000-GPU job, with the lesson's checkpoint (33 s) and restart (5 minutes) estimates, "
        "checkpointing at Daly's optimum: what share of its time is useful work?",
        _goodput_250k_at_daly, 0.03,
        "`cluster.estimate_goodput` with the GPU MTBF from the log, 250,000 GPUs and the two estimates; its "
        "goodput_frac is the share (any run size gives the same share).",
        "a fraction",
    ),
    "06-sites-1m-h100": Exercise(
        "A lab wants to train on 1,000,000 H100s, but no site it can find draws more than 300 MW. How many sites "
        "does it need?",
        _sites_for_a_million_h100s_at_300_mw, 0.001,
        "Divide the site's megawatts by each H100's all-in watts (board, server and cooling) to get the H100s a "
        "site holds, then round the number of sites up (`cluster.sites_needed`).",
        "sites",
    ),
    "07-feasible": Exercise(
        "The public-grant brief, but with Isambard-AI's 5,448 accelerators instead of 3,500: how many times the "
        "site's 5 MW does the owned cluster need (its power load)?",
        _grant_power_load_isambard_size, 0.02,
        "`plan.evaluate_plan` on `dataclasses.replace(plan.PUBLIC_GRANT, n_accelerators=...)`; the result's "
        "`load` holds used / limit for each constraint.",
        "times the limit",
    ),
    "07-binding": Exercise(
        "The own-fast brief, renting everything on a contract instead (`plan.OWN_FAST.with_strategy('contract')`): "
        "which constraint has the highest load?",
        _own_fast_on_contract_binding, 0.0,
        "Evaluate the plan and read its `binding`, or compare the five loads yourself: a load above 1 is violated, "
        "and the highest one binds.",
        choices=plan.CONSTRAINTS,
    ),
    "07-cost": Exercise(
        "The own-fast brief bought entirely on the spot market (strategy 'spot'): what is its total cost (training, "
        "experiments, failures and serving), in dollars?",
        _own_fast_on_spot_total_usd, 0.03,
        "`plan.evaluate_plan(plan.OWN_FAST.with_strategy('spot')).total_usd`; the answer is in dollars, not "
        "billions.",
        "USD",
    ),
    "07-tornado": Exercise(
        "Which uncertain input moves the partnership plan's finish date the most? Give its field name.",
        _partnership_finish_top_input, 0.0,
        "`plan.sensitivity(plan.PARTNERSHIP, 'finish_months')` ranks the inputs by swing; its `names` are the "
        "field names.",
        choices=plan.model.UNCERTAIN_FIELDS,
    ),
}


def _check_choice(exercise_id: str, ex: Exercise, answer: Any) -> Feedback:
    options = ", ".join(f"<code>{html.escape(repr(c))}</code>" for c in ex.choices)
    given = answer.strip().lower() if isinstance(answer, str) else None
    if given not in {c.lower() for c in ex.choices}:
        return Feedback(exercise_id, False, f"Your answer should be one of {options}, not "
                                            f"{html.escape(repr(answer))}.")
    if given == str(ex.expected()).lower():
        return Feedback(exercise_id, True, "<b>Correct.</b>")
    return Feedback(exercise_id, False, f"<b>Not yet.</b> <i>Hint:</i> {html.escape(ex.hint)}")


def check(exercise_id: str, answer: Any) -> Feedback:
    """Check a learner's answer; say "correct" or give a hint, never the answer.

    Parameters
    ----------
    exercise_id : str
        A key of :data:`EXERCISES` (the lesson gives it).
    answer : float or str
        The learner's number, or for a question with choices one of them (a
        string). ``...`` (the placeholder in the lessons) means "not answered yet".
    """
    if exercise_id not in EXERCISES:
        raise ValueError(f"exercise_id must be one of {sorted(EXERCISES)}, got {exercise_id!r}")
    ex = EXERCISES[exercise_id]
    if book.in_book():  # no kernel behind the page: where to check, never the answer
        return Feedback(exercise_id, None, f"Work it out, then check your answer in the live lesson. "
                                           f"{book.live_lesson_html('check it')}")
    if answer is ... or answer is None:
        what = "your answer" if ex.choices else "your number"
        return Feedback(exercise_id, None, f"Not answered yet: replace <code>...</code> with {what} and run the cell.")
    if ex.choices:
        return _check_choice(exercise_id, ex, answer)
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Feedback(exercise_id, False, f"Your answer should be a single number ({html.escape(ex.unit)}), "
                                            f"not {html.escape(type(answer).__name__)}.")
    if not math.isfinite(value):
        return Feedback(exercise_id, False, "Your answer is not a finite number.")
    expected = float(ex.expected())
    if math.isclose(value, expected, rel_tol=ex.rtol):
        return Feedback(exercise_id, True, f"<b>Correct.</b> (accepted within ±{100 * ex.rtol:.2g} %)")
    direction = "too high" if value > expected else "too low"
    ratio = max(value, expected) / min(abs(value), abs(expected)) if value > 0 else math.inf
    scale = " — off by more than a factor of 10: check the units and powers of ten." if ratio > 10 else "."
    return Feedback(exercise_id, False, f"<b>Not yet:</b> your answer is {direction}{scale} "
                                        f"<i>Hint:</i> {html.escape(ex.hint)}")
