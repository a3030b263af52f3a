"""compute_econ.cluster.memory: published memory figures reproduced, and the model's invariants."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from compute_econ import hardware
from compute_econ.cluster import memory as mem

GB = 1e9
GIB = 2.0**30
# NVIDIA V100 SXM2 32 GB, the GPU of the ZeRO paper's Table 1 and Section 5.4 (only its memory matters here).
V100_32GB = hardware.Accelerator(name="NVIDIA V100 32GB", peak_flop_per_s=125e12, memory_bytes=32e9,
                                 memory_bytes_per_s=900e9, release_year=2018,
                                 source="NVIDIA V100 datasheet (32 GB HBM2)")


# -- ZeRO (Rajbhandari et al. 2020, arXiv:1910.02054) ------------------------------------------------

def test_zero_section_3_1_mixed_precision_adam_is_16_bytes_per_parameter_gpt2_needs_24_gb():
    """ZeRO Section 3.1: 2 + 2 + K bytes with K = 12, i.e. 16 bytes; GPT-2 (1.5B) needs 24 GB, its fp16 weights 3 GB."""
    p = mem.MIXED_PRECISION_ADAM
    assert (p.weight_bytes_per_param, p.gradient_bytes_per_param, p.optimizer_bytes_per_param) == (2.0, 2.0, 12.0)
    m = mem.model_state_memory(1.5e9)
    assert m.total_bytes == pytest.approx(24 * GB)
    assert m.weights_bytes == pytest.approx(3 * GB)


def test_zero_figure_1_per_device_memory_of_7_5b_model_on_64_ranks():
    """ZeRO Figure 1 and Sections 5.1-5.3: Psi = 7.5B, N_d = 64, K = 12 -> 120 GB (baseline DP), 31.4 GB (P_os),
    16.6 GB (P_os+g), 1.9 GB in the text of Section 5.3 (1.88 GB in the figure)."""
    totals = [float(mem.model_state_memory(7.5e9, 64, stage).total_bytes) / GB for stage in mem.ZERO_STAGES]
    assert round(totals[0], 1) == 120.0
    assert round(totals[1], 1) == 31.4
    assert round(totals[2], 1) == 16.6
    assert round(totals[3], 1) == 1.9
    assert round(totals[3], 2) == 1.88


def test_zero_stage_formulas_by_component():
    """ZeRO Figure 1: (2+2+K)Psi, 2Psi+2Psi+KPsi/N_d, 2Psi+(2+K)Psi/N_d, (2+2+K)Psi/N_d, component by component."""
    Psi, Nd = 7.5e9, 64
    expect = {
        0: (2 * Psi, 2 * Psi, 12 * Psi),
        1: (2 * Psi, 2 * Psi, 12 * Psi / Nd),
        2: (2 * Psi, 2 * Psi / Nd, 12 * Psi / Nd),
        3: (2 * Psi / Nd, 2 * Psi / Nd, 12 * Psi / Nd),
    }
    for stage, (w, g, o) in expect.items():
        m = mem.model_state_memory(Psi, Nd, stage)
        assert (m.weights_bytes, m.gradients_bytes, m.optimizer_states_bytes) == pytest.approx((w, g, o))
        assert m.total_bytes == pytest.approx(w + g + o)


def test_zero_section_5_4_largest_models_on_32_gb_with_64_ranks():
    """ZeRO Section 5.4: with N_d = 64 (32 GB V100s), models up to 7.5B, 14B and 128B with P_os, P_os+g, P_os+g+p."""
    largest = [mem.max_n_params(32 * GB, 64, stage) for stage in (1, 2, 3)]
    assert 7.5e9 <= largest[0] < 8e9
    assert 14e9 <= largest[1] < 15e9
    assert largest[2] == pytest.approx(128e9)
    # and the inverse: those models' states take at most 32 GB per GPU
    for n, stage in ((7.5e9, 1), (14e9, 2), (128e9, 3)):
        assert mem.model_state_memory(n, 64, stage).total_bytes <= 32 * GB * (1 + 1e-12)


def test_zero_section_1_trillion_parameters_need_16_tb_16_gb_each_on_1024_gpus():
    """ZeRO Section 1: a trillion parameters with Adam in 16-bit need ~16 TB; over 1024 GPUs, 16 GB each, within 32 GB;
    and with 16-way model parallelism x 64-way data parallelism (1024 GPUs), the same N_d x N_m reduction."""
    assert mem.model_state_memory(1e12).total_bytes == pytest.approx(16e12)
    assert mem.model_state_memory(1e12, 1024, 3).total_bytes == pytest.approx(16e12 / 1024)
    assert mem.model_state_memory(1e12, 64, 3, n_model_parallel=16).total_bytes == pytest.approx(16e12 / 1024)
    assert mem.min_accelerators(1e12, V100_32GB) == 500.0  # 16 TB / 32 GB: 1024 GPUs are enough


def test_model_parallel_divides_every_component():
    one = mem.model_state_memory(70e9, 8, 1)
    split = mem.model_state_memory(70e9, 8, 1, n_model_parallel=16)
    for field in ("weights_bytes", "gradients_bytes", "optimizer_states_bytes", "total_bytes"):
        assert getattr(split, field) == pytest.approx(getattr(one, field) / 16)


def test_model_state_memory_is_vectorised_and_never_grows_with_stage_or_ranks():
    n_dp = np.array([1, 2, 8, 64, 1024])
    by_stage = np.array([mem.model_state_memory(7.5e9, n_dp, s).total_bytes for s in mem.ZERO_STAGES])
    assert by_stage.shape == (4, 5)
    assert np.all(np.diff(by_stage, axis=0) <= 0)      # each stage saves, or at N_d = 1 changes nothing
    assert np.all(np.diff(by_stage[1:], axis=1) < 0)   # sharding over more ranks saves
    assert np.allclose(by_stage[:, 0], 120e9)          # one rank: nothing to share
    assert np.allclose(by_stage[0], 120e9)             # stage 0 replicates everything


def test_custom_precision_changes_the_bytes():
    eight_bit_states = mem.TrainingPrecision(name="example", optimizer_bytes_per_param=6.0)
    assert eight_bit_states.bytes_per_param == 10.0
    assert mem.model_state_memory(1e9, precision=eight_bit_states).total_bytes == pytest.approx(10e9)
    assert mem.min_accelerators(80e9, precision=eight_bit_states) == 10.0


def test_min_accelerators_rounds_up_and_respects_the_usable_share():
    assert mem.min_accelerators(5e9) == 1.0                    # 80 GB on one 80 GB H100: exactly one
    assert mem.min_accelerators(5.01e9) == 2.0
    assert mem.min_accelerators(1e12) == 200.0                 # 16 TB / 80 GB, not 201 from rounding
    assert mem.min_accelerators(1e12, frac_memory_usable=0.5) == 400.0
    assert mem.min_accelerators(4.1e9, frac_memory_usable=0.41) == 2.0  # 65.6 GB / 32.8 GB; floats give 2.0000000000000004
    assert mem.min_accelerators(1e12, hardware.get_accelerator("NVIDIA B200")) == np.ceil(16e12 / 180e9)
    assert np.array_equal(mem.min_accelerators([70e9, 405e9]), [14.0, 81.0])


# -- Korthikanti et al. 2022 (arXiv:2205.05198) ------------------------------------------------------

_GPT3: dict[str, Any] = dict(seq_len=2048, micro_batch_size=1, d_model=12288, n_heads=96)
_MTNLG: dict[str, Any] = dict(seq_len=2048, micro_batch_size=1, d_model=20480, n_heads=128)


def test_korthikanti_table_2_rows():
    """Korthikanti et al. Table 2 (Equations 1, 2, 4): activations per layer for each technique, bytes."""
    s, b, h, a, t = 2048, 4, 6144, 64, 8  # the 22B model of Table 3, micro-batch 4
    sbh, x = s * b * h, 5 * a * s / h
    rows = {
        (1, False, "none"): sbh * (34 + x),
        (t, False, "none"): sbh * (10 + 24 / t + x / t),
        (t, True, "none"): sbh * (34 / t + x / t),
        (t, False, "selective"): sbh * (10 + 24 / t),
        (t, True, "selective"): sbh * 34 / t,
        (t, True, "full"): sbh * 2,
        (1, False, "full"): sbh * 2,
    }
    for (tp, sp, rec), expected in rows.items():
        got = mem.activation_bytes_per_layer(s, b, h, a, tp, sp, rec)
        assert got == pytest.approx(expected), (tp, sp, rec)


def test_korthikanti_equation_4_is_equation_1_divided_by_t():
    """Korthikanti et al. Section 4.2.2: with tensor and sequence parallelism, Equation 1 divided by t."""
    t = np.array([1, 2, 4, 8, 16])
    none = mem.activation_bytes_per_layer(**_GPT3)
    both = mem.activation_bytes_per_layer(**_GPT3, tensor_parallel=t, sequence_parallel=True)
    assert np.allclose(both, none / t)
    # without sequence parallelism the 10 sbh of layer-norms and dropouts is not divided
    tp_only = np.asarray(mem.activation_bytes_per_layer(**_GPT3, tensor_parallel=t))
    assert np.all(tp_only[1:] > np.asarray(both)[1:])


def test_korthikanti_section_5_selective_recomputation_saves_70_and_65_percent():
    """Korthikanti et al. Section 5: 5as/h = 80 for GPT-3 and 64 for MT-NLG against 34 for the rest of the layer;
    selective recomputation saves 70% and 65% of the activations."""
    for shape, share in ((_GPT3, 0.70), (_MTNLG, 0.65)):
        kept = mem.activation_bytes_per_layer(**shape, tensor_parallel=8, sequence_parallel=True,
                                              recomputation="selective")
        full = mem.activation_bytes_per_layer(**shape, tensor_parallel=8, sequence_parallel=True)
        assert round(1 - float(kept) / float(full), 2) == share
    sbh = 2048 * 12288
    assert mem.activation_bytes_per_layer(**_GPT3) / sbh == pytest.approx(34 + 80)
    assert mem.activation_bytes_per_layer(**_MTNLG) / (2048 * 20480) == pytest.approx(34 + 64)


def test_korthikanti_appendix_b_530b_first_stage_output_tensors_2_73_gb():
    """Korthikanti et al. Appendix B: for the 530B model (s = 2048, b = 1, h = 20480, p = 35), the p layer-output
    tensors of 2 bytes per element on the first stage take sbhp = 2.73 GB (binary GB, 2**30 bytes): p copies of one
    s x b x h 16-bit tensor, which is what full recomputation keeps per layer (Table 2, 2sbh)."""
    one_tensor = mem.activation_bytes_per_layer(**_MTNLG, tensor_parallel=8, recomputation="full")
    assert round(float(one_tensor) * 35 / GIB, 2) == 2.73


def test_korthikanti_equation_5_first_stage_holds_all_layers_and_equation_6():
    """Korthikanti et al. Equation 5 (sbhL/t (34 + 5as/h)), Equation 6 (34 sbhL/t) and full recomputation (2sbhL)."""
    L, s, h, a, t = 105, 2048, 20480, 128, 8
    sbhL = s * h * L
    assert mem.activation_bytes(L, s, 1, h, a, t, True) == pytest.approx(sbhL / t * (34 + 5 * a * s / h))
    assert mem.activation_bytes(L, s, 1, h, a, t, True, "selective") == pytest.approx(34 * sbhL / t)
    assert mem.activation_bytes(L, s, 1, h, a, t, False, "full") == pytest.approx(2 * sbhL)


def test_korthikanti_figure_1_baseline_does_not_fit_80_gb_present_work_does():
    """Korthikanti et al. Section 1 and Figure 1: for the four Table 3 models (t = 8, their p and micro-batch, no data
    parallelism), parameters, optimiser state and activations exceed an 80 GB A100 with tensor parallelism alone; with
    sequence parallelism and selective recomputation ("present work") they fit. Model states here use ZeRO's 16 bytes
    per parameter (the paper's figure does not state its bytes per parameter)."""
    a100 = hardware.get_accelerator("NVIDIA A100 SXM")
    table_3 = {"22B": (1, 4), "GPT-3 175B": (8, 1), "MT-NLG 530B": (35, 1), "1T": (64, 1)}
    for name, (p, b) in table_3.items():
        base = mem.TrainingLayout(tensor_parallel=8, pipeline_parallel=p, micro_batch_size=b, seq_len=2048)
        model = mem.TRANSFORMER_SHAPES[name]
        assert not mem.training_memory(model, base, accelerator=a100).fits, name
        present = replace(base, sequence_parallel=True, recomputation="selective")
        assert mem.training_memory(model, present, accelerator=a100).fits, name


# -- layouts ----------------------------------------------------------------------------------------

def test_training_memory_components_add_up_and_match_the_pieces():
    model = mem.TRANSFORMER_SHAPES["GPT-3 175B"]
    layout = mem.TrainingLayout(n_data_parallel=16, tensor_parallel=8, pipeline_parallel=8, zero_stage=2,
                                micro_batch_size=2, seq_len=4096, sequence_parallel=True, recomputation="selective")
    r = mem.training_memory(model, layout, accelerator=hardware.H100_SXM, frac_memory_usable=0.9)
    states = mem.model_state_memory(175e9, 16, 2, n_model_parallel=64)
    assert (r.weights_bytes, r.gradients_bytes, r.optimizer_states_bytes) == pytest.approx(
        (states.weights_bytes, states.gradients_bytes, states.optimizer_states_bytes))
    assert r.activations_bytes == pytest.approx(mem.activation_bytes(96, 4096, 2, 12288, 96, 8, True, "selective"))
    assert r.total_bytes == pytest.approx(r.weights_bytes + r.gradients_bytes + r.optimizer_states_bytes
                                          + r.activations_bytes)
    assert r.capacity_bytes == pytest.approx(72e9)
    assert r.frac_memory_used == pytest.approx(r.total_bytes / 72e9)
    assert r.fits is (r.total_bytes <= 72e9)
    assert r.n_accelerators == 16 * 8 * 8 == layout.n_accelerators


def test_data_parallelism_and_zero_do_not_shrink_activations_but_recomputation_does():
    model = mem.TRANSFORMER_SHAPES["22B"]
    base = mem.TrainingLayout(tensor_parallel=8, micro_batch_size=4)
    r0 = mem.training_memory(model, base)
    r3 = mem.training_memory(model, replace(base, n_data_parallel=64, zero_stage=3))
    assert r3.activations_bytes == r0.activations_bytes
    assert r3.optimizer_states_bytes == pytest.approx(r0.optimizer_states_bytes / 64)
    acts = [mem.training_memory(model, replace(base, recomputation=r)).activations_bytes
            for r in mem.RECOMPUTATIONS]
    assert acts[0] > acts[1] > acts[2]


def test_usable_share_decides_fit():
    model = mem.TRANSFORMER_SHAPES["MT-NLG 530B"]
    layout = mem.TrainingLayout(tensor_parallel=8, pipeline_parallel=35, sequence_parallel=True,
                                recomputation="selective")
    assert mem.training_memory(model, layout).fits            # 49 GB of 80 GB
    assert not mem.training_memory(model, layout, frac_memory_usable=0.5).fits


# -- bad input --------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, name", [
    (lambda: mem.model_state_memory(7.5e9, 64, 4), "zero_stage"),
    (lambda: mem.model_state_memory(7.5e9, 2.5), "n_data_parallel"),
    (lambda: mem.model_state_memory(0.0), "n_params"),
    (lambda: mem.model_state_memory(7.5e9, [1, 2], n_model_parallel=[1, 2, 3]), "n_model_parallel"),
    (lambda: mem.activation_bytes_per_layer(2048, 1, 4096, 32, recomputation="some"), "recomputation"),
    (lambda: mem.activation_bytes_per_layer(2048, 0, 4096, 32), "micro_batch_size"),
    (lambda: mem.activation_bytes_per_layer(2048, 1, 4096, 32, sequence_parallel=1),  # type: ignore[arg-type]
     "sequence_parallel"),
    (lambda: mem.min_accelerators(1e12, frac_memory_usable=0.0), "frac_memory_usable"),
    (lambda: mem.TrainingPrecision(name="x", weight_bytes_per_param=0.0), "weight_bytes_per_param"),
    (lambda: mem.TrainingLayout(tensor_parallel=2048), "tensor_parallel"),
    (lambda: mem.TrainingLayout(n_data_parallel=1_000_000, tensor_parallel=8, pipeline_parallel=8), "n_data_parallel"),
    (lambda: mem.training_memory(mem.TRANSFORMER_SHAPES["22B"], mem.TrainingLayout(pipeline_parallel=64)),
     "pipeline_parallel"),
    (lambda: mem.training_memory("22B", mem.TrainingLayout()), "model"),  # type: ignore[arg-type]
])
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_layout_stores_validated_values():
    layout = mem.TrainingLayout(n_data_parallel=4.0, zero_stage=np.int64(2))  # type: ignore[arg-type]
    assert type(layout.n_data_parallel) is int and layout.n_data_parallel == 4
    assert type(layout.zero_stage) is int and layout.zero_stage == 2
