"""ClusterMemoryExplorer (issue 12): every control over its range, the bars and the readout from
compute_econ.cluster.memory, the ZeRO paper's per-device memory in the bars, the axis around the data,
refusals that keep the picture, and arguments refused by name."""

from __future__ import annotations

import html
from dataclasses import replace

import numpy as np
import pytest

from compute_econ import hardware
from compute_econ.cluster import memory
from compute_econ.cluster.memory import (MIXED_PRECISION_ADAM, MIXED_PRECISION_ADAM_8BIT, RECOMPUTATIONS,
                                         TRANSFORMER_SHAPES, ZERO_STAGES, TrainingLayout, TrainingPrecision,
                                         TransformerShape)
from _explorers import control_values, numeric_columns, sweep_every_control
from widgets import ClusterMemoryExplorer
from widgets._base import PRIMARY_SLIDER_CLASS, READOUT_CLASS
from widgets.cluster_memory import DATA_PARALLEL, RECOMPUTATION_LABELS, VIEW_CAPACITIES, ZERO_LABELS
from widgets._format import data_bytes

GB = 1e9
PARTS = ("weights", "gradients", "optimiser", "activations")
FIELDS = ("weights_bytes", "gradients_bytes", "optimizer_states_bytes", "activations_bytes")
#: The ZeRO paper's example model: 7.5B parameters (Rajbhandari et al. 2020, Figure 1). Only its parameters set the
#: model states the paper counts; its layers, hidden size and heads (a GPT-style shape of about that size, this
#: test's own) set only the activations drawn on top, which the paper's figure leaves out.
ZERO_MODEL = TransformerShape("ZeRO Figure 1 (7.5B)", 7.5e9, 40, 4096, 32, source="Rajbhandari et al. 2020, Figure 1 "
                              "(parameters); the shape is this test's")






def bars(ex, name: str) -> np.ndarray:
    """The parts of each bar of plot ``name`` (bars x parts), bytes, as the hover shows them."""
    data = ex.sources[name].data
    return np.column_stack([np.asarray(data[p], float) for p in PARTS]) * GB


def assert_axes_hold_the_data(ex, where: str) -> None:
    y = ex._y_range
    assert y.start == 0 and y.end > 0, where
    for fig, name, factors in ((ex._zero_fig, "zero", ZERO_LABELS), (ex._recompute_fig, "recomputation",
                                                                       RECOMPUTATION_LABELS)):
        assert fig.y_range is y and list(fig.x_range.factors) == list(factors), where
        data = ex.sources[name].data
        assert list(data["x"]) == list(factors), where
        tops = np.concatenate([np.asarray(data[f"y{k}"], float) for k in range(1, 5)])
        assert tops.size and tops.min() >= 0 and tops.max() <= y.end, f"{where}: a bar leaves the {name} plot"
        assert np.all(np.diff(np.column_stack([np.asarray(data[f"y{k}"], float) for k in range(1, 5)])) >= 0), where
    cap = ex.sources["capacity"].data["y"]
    assert len(cap) == 1 and 0 < cap[0] < y.end, f"{where}: the capacity line is outside the view"


def expected(model, layout, precision=MIXED_PRECISION_ADAM, accelerator="NVIDIA H100 SXM"):
    return memory.training_memory(model, layout, precision, hardware.get_accelerator(accelerator))


DEFAULT_LAYOUT = TrainingLayout(n_data_parallel=32, tensor_parallel=8, pipeline_parallel=4, zero_stage=1,
                                recomputation="selective")
GPT3 = TRANSFORMER_SHAPES["GPT-3 175B"]


def test_every_control_over_its_range_keeps_data_finite_axes_around_it_and_changes_something():
    """Each control over its options (a slider at six points, ends included), the others at the defaults."""
    ex = ClusterMemoryExplorer()
    sweep_every_control(ex, assert_axes_hold_the_data, reset=True, readout_forbids=("nan", "inf", "—"))


def test_controls_moved_to_their_ends_one_after_another_keep_the_axes_around_the_data():
    """As the browser test moves them (each to its first and last option or end, and left there): some
    combinations cannot exist, and the model says so; the plots keep the last picture, inside the axes."""
    ex = ClusterMemoryExplorer()
    refusals = []
    for name, control in ex.controls.items():
        values = control_values(control)
        for value in (values[0], values[-1]):
            before = numeric_columns(ex)
            control.value = value
            where = f"{name}={value!r}"
            if ex.error is not None:
                # The model's two refusals: more pipeline stages than the model has layers, more than ten million
                # accelerators. The readout says why; the plots keep the last picture.
                assert "n_layers" in ex.error or "at most 10,000,000 accelerators" in ex.error, ex.error
                assert "cannot compute" in ex.readout.value and html.escape(ex.error) in ex.readout.value
                assert numeric_columns(ex).keys() == before.keys()
                assert all(np.array_equal(v, before[k]) for k, v in numeric_columns(ex).items()), where
                refusals.append(where)
            assert_axes_hold_the_data(ex, where)
    # The ranks at 4,096 and the pipeline at 96 stages leave room for 25 tensor-parallel ranks at most; the
    # controls after it keep the refusal (4,096 x 64 x 96 accelerators).
    assert refusals[0] == "tensor_parallel=64" and "at most 10,000,000 accelerators" in ex.error


def test_every_control_at_its_extremes_together():
    """The largest and the smallest pictures: a trillion parameters on one 32 GB accelerator unsharded (bars cut at
    the top of the view, marked, and said so), and the smallest model spread over nine million accelerators
    (1.2 GB against 256 GB: labelled bars under the line)."""
    big = ClusterMemoryExplorer(model="1T", accelerator="Google TPU v6e", n_data_parallel=1, tensor_parallel=1,
                                pipeline_parallel=1, zero_stage=0, recomputation="none", micro_batch_size=64)
    assert_axes_hold_the_data(big, "1T on one TPU v6e")
    tops = np.asarray(big.sources["zero"].data["y4"])
    assert np.allclose(tops, VIEW_CAPACITIES * 32.0)  # cut at four times the 32 GB
    assert all(label.startswith("▲ ") and label.endswith("✗") for label in big.sources["zero"].data["label"])
    total = big.result.memory.total_bytes
    assert total > 1e13 and f"(the tallest is {data_bytes(total)})" in big.readout.value
    assert "run past the view" in big.readout.value and "times as much" in big.readout.value
    assert "No single change" in big.readout.value and "the activations dominate" in big.readout.value
    small = ClusterMemoryExplorer(model="22B", accelerator="AMD MI325X", n_data_parallel=3072, tensor_parallel=64,
                                  pipeline_parallel=48, zero_stage=3, recomputation="full", sequence_parallel=True)
    assert_axes_hold_the_data(small, "22B over nine million accelerators")
    assert small.result.memory.fits and small.result.memory.total_bytes < 2 * GB
    assert small._y_range.end == pytest.approx(1.16 * 256)  # the capacity line stays in view
    assert "run past" not in small.readout.value and all(not s.startswith("▲") for s in
                                                         small.sources["zero"].data["label"])


def test_browser_contract_classes():
    ex = ClusterMemoryExplorer()
    assert READOUT_CLASS in ex.readout._dom_classes
    primary = [c for c in ex.controls.values() if PRIMARY_SLIDER_CLASS in c._dom_classes]
    assert primary == [ex.controls["n_data_parallel"]]
    assert list(primary[0].options) == list(DATA_PARALLEL) and DATA_PARALLEL[0] == 1 and DATA_PARALLEL[-1] == 4096
    assert np.allclose(np.diff(np.log2(DATA_PARALLEL[1::2])), 1)  # a log scale: two steps an octave


@pytest.mark.parametrize("kwargs", [
    {},
    dict(zero_stage=0, micro_batch_size=4, sequence_parallel=True),
    dict(model="MT-NLG 530B", n_data_parallel=6, tensor_parallel=16, pipeline_parallel=35, zero_stage=2,
         recomputation="none", precision="adam_8bit", accelerator="NVIDIA B200"),
    dict(model="22B", n_data_parallel=1, tensor_parallel=1, pipeline_parallel=1, zero_stage=3, recomputation="full"),
])
def test_bars_and_readout_are_the_models(kwargs):
    """Each bar of the left plot is compute_econ.cluster.training_memory of the chosen layout at that ZeRO stage,
    each bar of the right one at that recomputation; the chosen one is outlined in both; the readout gives the
    chosen layout's total, capacity and verdict, and min_accelerators."""
    ex = ClusterMemoryExplorer(**kwargs)
    inputs = ex.model_inputs()
    model, lay, prec, acc = inputs.model, inputs.layout, inputs.precision, inputs.accelerator
    chosen = expected(model, lay, prec, acc)
    assert ex.result.memory == chosen
    want = np.array([[getattr(expected(model, replace(lay, zero_stage=s), prec, acc), f) for f in FIELDS]
                     for s in ZERO_STAGES])
    np.testing.assert_allclose(bars(ex, "zero"), want, rtol=1e-12)
    want = np.array([[getattr(expected(model, replace(lay, recomputation=r), prec, acc), f) for f in FIELDS]
                     for r in RECOMPUTATIONS])
    np.testing.assert_allclose(bars(ex, "recomputation"), want, rtol=1e-12)
    for name, i in (("zero", lay.zero_stage), ("recomputation", RECOMPUTATIONS.index(lay.recomputation))):
        data = ex.sources[name].data
        assert [w > 0 for w in data["line"]] == [k == i for k in range(len(data["x"]))]
        assert data["style"][i] == "bold" and data["alpha"][i] > max(a for k, a in enumerate(data["alpha"]) if k != i)
        assert data["label"][i].endswith("✓" if chosen.fits else "✗")
        assert data["y4"][i] == pytest.approx(min(chosen.total_bytes, VIEW_CAPACITIES * chosen.capacity_bytes) / GB)
    assert ex.sources["capacity"].data["y"] == [pytest.approx(hardware.get_accelerator(acc).memory_bytes / GB)]
    text = ex.readout.value
    assert text.startswith("<b>Fits</b>" if chosen.fits else "<b>Does not fit</b>")
    assert f"<b>{data_bytes(chosen.total_bytes)}</b> per accelerator against the {data_bytes(chosen.capacity_bytes)}" in text
    n_min = int(memory.min_accelerators(model.n_params, hardware.get_accelerator(acc), prec))
    assert f"Fewest accelerators: <b>{n_min:,}</b> {acc} hold its" in text
    assert f" on {lay.n_accelerators:,} accelerator" in text
    names = dict(zip(FIELDS, ("Weights", "Gradients", "Optimiser states", "Activations"), strict=True))
    field = max(FIELDS, key=lambda f: getattr(chosen, f))
    assert f"{names[field]} are the largest part ({data_bytes(getattr(chosen, field))}" in text


def test_the_zero_papers_per_device_memory_in_the_bars():
    """Rajbhandari et al. 2020, Figure 1: 7.5B parameters, 64 data-parallel ranks, mixed-precision Adam (K = 12):
    120 GB with plain data parallelism, 31.4 GB with P_os, 16.6 GB with P_os+g and 1.9 GB with P_os+g+p per device.
    The model states of the four bars (weights, gradients and optimiser states; the activations sit on top) are those
    figures, whichever stage is chosen."""
    for stage in ZERO_STAGES:
        ex = ClusterMemoryExplorer(model=ZERO_MODEL, n_data_parallel=64, tensor_parallel=1, pipeline_parallel=1,
                                   zero_stage=stage)
        states = bars(ex, "zero")[:, :3].sum(axis=1) / GB
        assert [round(float(x), 1) for x in states] == [120.0, 31.4, 16.6, 1.9]
        assert ex.controls["model"].value == ZERO_MODEL.name and ex.result.memory.weights_bytes == pytest.approx(
            2 * 7.5e9 / (64 if stage == 3 else 1))
    assert ex.model_inputs().model is ZERO_MODEL
    ex.controls["model"].value = "GPT-3 175B"  # the caller's model sits in the menu beside the shipped ones
    ex.controls["model"].value = ZERO_MODEL.name
    assert ex.result.memory.total_bytes == pytest.approx(expected(ZERO_MODEL, ex.model_inputs().layout).total_bytes)


@pytest.mark.parametrize("name, pipeline, micro_batch", [("22B", 1, 4), ("GPT-3 175B", 8, 1), ("MT-NLG 530B", 35, 1),
                                                           ("1T", 64, 1)])
def test_korthikanti_figure_1_too_big_with_tensor_parallelism_alone_fits_with_the_present_work(name, pipeline,
                                                                                               micro_batch):
    """Korthikanti et al. 2022, Section 1 and Figure 1: each Table 3 model (t = 8, its pipeline size and micro-batch)
    exceeds an 80 GB A100 with tensor parallelism alone and fits with sequence parallelism and selective
    recomputation ("present work"): the readout's verdict, and the chosen bar against the line."""
    ex = ClusterMemoryExplorer(model=name, accelerator="NVIDIA A100 SXM", n_data_parallel=1, tensor_parallel=8,
                               pipeline_parallel=pipeline, micro_batch_size=micro_batch, zero_stage=0,
                               recomputation="none")
    assert ex.readout.value.startswith("<b>Does not fit</b>") and ex.sources["recomputation"].data["label"][0][-1] == "✗"
    ex.set(sequence_parallel=True, recomputation="selective")
    assert ex.readout.value.startswith("<b>Fits</b>") and ex.sources["recomputation"].data["label"][1][-1] == "✓"
    assert ex.sources["recomputation"].data["y4"][1] < ex.sources["capacity"].data["y"][0] == 80.0


def test_defaults_fit_and_one_notch_makes_them_not_fit():
    """GPT-3 175B on 1,024 H100s (32 x 8 x 4), ZeRO 1, selective recomputation: 55.3 GB of 80 GB. A notch down of the
    ZeRO stage, of the data-parallel ranks (twice) or up of the micro-batch breaks it, and the readout names a change
    that makes it fit again."""
    ex = ClusterMemoryExplorer()
    st = ex.start
    assert st.model == GPT3 and st.layout == DEFAULT_LAYOUT and st.accelerator == "NVIDIA H100 SXM"
    assert st.precision == MIXED_PRECISION_ADAM
    assert ex.result.memory.fits and round(ex.result.memory.total_bytes / GB, 1) == 55.3
    assert "Activations are the largest part" in ex.readout.value
    ex.controls["zero_stage"].value = 0
    assert not ex.result.memory.fits and round(ex.result.memory.total_bytes / GB, 1) == 118.9
    assert "<b>One change that makes it fit:</b> ZeRO stage 1 (55.3 GB)" in ex.readout.value
    assert "Optimiser states are the largest part" in ex.readout.value and "ZeRO stage 1 shards them" in ex.readout.value
    ex.controls["zero_stage"].value = 1
    ex.controls["micro_batch_size"].value = 2
    assert not ex.result.memory.fits and "ZeRO stage 2" in ex.readout.value  # 76.1 GB
    ex.controls["micro_batch_size"].value = 1
    ex.controls["n_data_parallel"].value = 3
    assert ex.result.memory.fits
    ex.controls["n_data_parallel"].value = 2
    assert not ex.result.memory.fits
    ex.controls["recomputation"].value = "none"
    ex.controls["n_data_parallel"].value = 32
    assert ex.result.memory.fits and ex.result.memory.frac_memory_used > 0.99  # fits, barely: 79.5 GB


def test_the_one_change_is_the_first_that_fits():
    """Sharding first (a higher ZeRO stage), then sequence parallelism, more recomputation, a larger accelerator;
    none: say what dominates."""
    ex = ClusterMemoryExplorer(zero_stage=3, micro_batch_size=4)  # activations of four sequences: 128 GB
    assert not ex.result.memory.fits
    lay = replace(ex.model_inputs().layout, sequence_parallel=True)
    assert f"<b>One change that makes it fit:</b> sequence parallelism ({data_bytes(expected(GPT3, lay).total_bytes)})" \
        in ex.readout.value
    ex.controls["sequence_parallel"].value = True
    ex.controls["micro_batch_size"].value = 8
    lay = replace(ex.model_inputs().layout, recomputation="full")
    assert f"full recomputation ({data_bytes(expected(GPT3, lay).total_bytes)})" in ex.readout.value
    ex = ClusterMemoryExplorer(n_data_parallel=1, tensor_parallel=4, pipeline_parallel=8, zero_stage=0,
                               recomputation="full")  # 92 GB: one rank shards nothing, nothing to recompute
    assert not ex.result.memory.fits and 80 * GB < ex.result.memory.total_bytes < 95 * GB
    # the smallest memory of the catalogue that holds it (the H200 has 141 GB)
    assert "<b>One change that makes it fit:</b> the Google TPU v5p, with 95.0 GB" in ex.readout.value
    assert "ZeRO stage 1 shards them over the data-parallel ranks, and there is one" in ex.readout.value
    ex.controls["accelerator"].value = "Google TPU v5p"
    assert ex.result.memory.fits and "One change" not in ex.readout.value


def test_a_layout_the_model_refuses_keeps_the_picture_and_says_why():
    ex = ClusterMemoryExplorer(pipeline_parallel=64)
    before, result = numeric_columns(ex), ex.result
    ex.controls["model"].value = "22B"  # 48 layers cannot fill 64 pipeline stages
    assert ex.error is not None and "n_layers (48)" in ex.error and "cannot compute" in ex.readout.value
    assert ex.result is result and all(np.array_equal(v, before[k]) for k, v in numeric_columns(ex).items())
    ex.controls["pipeline_parallel"].value = 48
    assert ex.error is None and ex.result.memory.n_accelerators == 32 * 8 * 48
    ex.set(n_data_parallel=4096, tensor_parallel=64)  # 4,096 x 64 x 48: 12.6 million accelerators
    assert ex.error is not None and "at most 10,000,000 accelerators" in ex.readout.value
    with pytest.raises(ValueError, match=r"pipeline_parallel must be a whole number in \[1, 48\]"):
        ClusterMemoryExplorer(model="22B", pipeline_parallel=49)  # at construction: the caller's error


@pytest.mark.parametrize("kwargs, message", [
    (dict(n_data_parallel=5), r"n_data_parallel must be one of 1, 2, 3, 4, 6, 8"),
    (dict(tensor_parallel=128), r"tensor_parallel must be one of 1, 2, 4, 8, 16, 32, 64"),
    (dict(pipeline_parallel=97), r"pipeline_parallel must be a whole number in \[1, 96\]"),
    (dict(zero_stage=4), r"zero_stage must be one of 0, 1, 2, 3"),
    (dict(micro_batch_size=3), r"micro_batch_size must be one of"),
    (dict(recomputation="partial"), r"recomputation must be one of 'none', 'selective', 'full'"),
    (dict(sequence_parallel=1), r"sequence_parallel must be True or False"),
    (dict(model="GPT-4"), r"model must be one of '22B', 'GPT-3 175B'"),
    (dict(model=replace(GPT3, n_layers=90)), r"model 'GPT-3 175B' has the name of one the explorer offers"),
    (dict(precision="sgd"), r"precision must be one of 'adam', 'adam_8bit'"),
    (dict(accelerator="H100"), r"accelerator must be one of 'NVIDIA A100 SXM'"),
    (dict(seq_len=0), r"seq_len must be a whole number in \[1, "),
])
def test_arguments_out_of_range_raise_a_value_error_naming_them(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ClusterMemoryExplorer(**kwargs)


def test_eight_bit_adam_keeps_a_quarter_of_adams_states():
    """Dettmers et al. 2021, Section 2.1: Adam's two states take 8 bytes per parameter in 32 bits and 2 in 8 bits (8 GB
    and 2 GB for a billion parameters). With the fp32 weights of mixed precision (4 bytes), 6 bytes of optimiser
    states against Adam's 12; weights and gradients unchanged."""
    p = MIXED_PRECISION_ADAM_8BIT
    assert isinstance(p, TrainingPrecision) and p.bytes_per_param == 10.0 and "arXiv:2110.02861" in p.source
    full = memory.model_state_memory(1e9, precision=MIXED_PRECISION_ADAM)
    small = memory.model_state_memory(1e9, precision=p)
    fp32_weights = 4e9
    assert full.optimizer_states_bytes - fp32_weights == pytest.approx(8e9)
    assert small.optimizer_states_bytes - fp32_weights == pytest.approx(2e9)
    assert (small.weights_bytes, small.gradients_bytes) == (full.weights_bytes, full.gradients_bytes)
    ex = ClusterMemoryExplorer(precision="adam_8bit")
    assert ex.result.memory == expected(GPT3, DEFAULT_LAYOUT, p)
    assert "8-bit Adam (10 B/param)" in dict((v, k) for k, v in ex.controls["precision"].options)["adam_8bit"]


def test_the_callers_own_precision_joins_the_menu():
    fp32 = TrainingPrecision("fp32 Adam (this test's)", 4.0, 4.0, 8.0)
    ex = ClusterMemoryExplorer(precision=fp32)
    assert ex.model_inputs().precision is fp32 and ex.controls["precision"].value == fp32.name
    assert ex.result.memory == expected(GPT3, DEFAULT_LAYOUT, fp32)
    ex.controls["precision"].value = "adam"
    assert ex.result.memory == expected(GPT3, DEFAULT_LAYOUT)
    assert ClusterMemoryExplorer(precision=MIXED_PRECISION_ADAM).controls["precision"].value == "adam"


def test_a_move_of_the_ranks_slider_calls_the_model_once(monkeypatch):
    """The bars' model states over every rank the slider offers are kept, so a move costs the chosen layout's
    training_memory alone; a ZeRO stage already seen costs nothing."""
    ex = ClusterMemoryExplorer()
    calls, depth = [], [0]

    def counted(name, real):
        def call(*args, **kwargs):
            if not depth[0]:
                calls.append(name)  # the explorer's calls, not the ones a model function makes inside
            depth[0] += 1
            try:
                return real(*args, **kwargs)
            finally:
                depth[0] -= 1
        return call

    for name in ("training_memory", "model_state_memory", "activation_bytes", "min_accelerators"):
        monkeypatch.setattr(memory, name, counted(name, getattr(memory, name)))
    ex.controls["n_data_parallel"].value = 64
    assert calls == ["training_memory"]
    assert ex.result.memory == expected(GPT3, replace(DEFAULT_LAYOUT, n_data_parallel=64))
    calls.clear()
    ex.controls["zero_stage"].value = 2
    ex.controls["n_data_parallel"].value = 32
    ex.controls["zero_stage"].value = 1  # the defaults again: drawn from what was kept
    assert calls == ["training_memory", "training_memory"]
