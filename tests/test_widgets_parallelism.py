"""The parallelism explorer (issue 12): every control over its range, the numbers from compute_econ.cluster.step_time,
curves that stop where the model refuses, Llama 3's measured MFU where Table 4 puts it, and refusals that keep the
picture."""

from __future__ import annotations

import numpy as np
import pytest

from compute_econ import hardware, serving
from compute_econ.cluster import parallelism as par
from _explorers import sweep_every_control, assert_inside, numeric_columns
from widgets import ParallelismExplorer
from widgets._base import PRIMARY_SLIDER_CLASS
from widgets._format import count, number, percent, seconds
from widgets.parallelism import LLAMA3_405B, MODELS, REPLICAS

#: Refusals the model gives for a layout that cannot exist (and only those): more replicas than micro-batches, more
#: accelerators than it takes, more pipeline chunks than layers.
MODEL_REFUSALS = ("must be at most global_batch_size", "must be at most 2,000,000 accelerators",
                  "must be at most n_layers")






def figures(ex):
    """(figure, [(x column, y column, source)], y axis is log) of both plots."""
    s = ex.sources
    return [(ex._step_fig, [("n", y, s["curve"]) for y in ("compute", "tensor", "allreduce", "total")]
             + [("n", "total", s["chosen"])], False),
            (ex._eff_fig, [("n", y, s["curve"]) for y in ("efficiency", "mfu")]
             + [("n", "share", s["ideal"]), ("n", "efficiency", s["chosen"]), ("n", "mfu", s["chosen"]),
                ("n", "mfu", s["llama"])], False)]


def assert_axes_hold_the_data(ex, where: str) -> None:
    for fig, series, _ in figures(ex):
        assert_inside(fig, series, where, allow_empty=True)
        assert fig.x_range.start > 0, f"{where}: the log accelerator axis starts at or below 0"
        assert fig.y_range.start == 0.0 < fig.y_range.end, f"{where}: bad y axis"
        assert fig.y_range.end <= 1.06 * max(np.max(np.asarray(src.data[y], float)) for _, y, src in series
                                             if len(src.data[y])), f"{where}: the y axis is far above the data"


def _model(ex, data_parallel_size=None) -> par.StepTime:
    """compute_econ.cluster.step_time for the explorer's controls, called directly."""
    inputs = ex.model_inputs()
    shape = MODELS[inputs.model]
    d = inputs.data_parallel_size if data_parallel_size is None else data_parallel_size
    return par.step_time(inputs.layout, d, n_params=shape.n_params, n_layers=shape.n_layers, d_model=shape.d_model,
                         global_batch_size=inputs.global_batch_size, sequence_tokens=inputs.sequence_tokens)


def test_every_control_over_its_range_keeps_data_finite_axes_around_it_and_changes_something():
    ex = ParallelismExplorer()

    def the_models_reasons(name, value, ex):
        assert any(reason in ex.error for reason in MODEL_REFUSALS), f"{name}={value!r}: refused: {ex.error}"
        assert "cannot compute" in ex.readout.value
        return True

    # Each control goes back where it began (the last value may be one the model refuses).
    sweep_every_control(ex, assert_axes_hold_the_data, expected_refusal=the_models_reasons, reset=True,
                        allow_empty_columns=True)
    assert ex.error is None


@pytest.mark.parametrize("kwargs", [
    dict(),
    dict(model="GPT-3 175B", data_parallel_size=8, tensor_parallel_size=8, pipeline_parallel_size=16,
         micro_batch_size=2, global_batch_size=1024, sequence_tokens=2048, frac_peak_flop=0.45,
         frac_allreduce_overlapped=0.5, scale_out_gbit_per_s=200, n_virtual_stages=2),
    dict(model="Llama 3.1 8B", data_parallel_size=512, tensor_parallel_size=1, pipeline_parallel_size=1,
         global_batch_size=512, scale_out_gbit_per_s=100),
    dict(model="1T", data_parallel_size=4, tensor_parallel_size=16, pipeline_parallel_size=64,
         global_batch_size=65536, micro_batch_size=16, frac_peak_flop=0.1),
])
def test_the_curves_and_the_chosen_point_are_the_models_numbers(kwargs):
    ex = ParallelismExplorer(**kwargs)
    assert ex.error is None
    r = ex.result
    curve = _model(ex, r.replicas)
    n = np.asarray(curve.n_accelerators)
    data = ex.sources["curve"].data
    np.testing.assert_allclose(data["n"], n, rtol=1e-12)
    # stacked bottom to top in accelerator-seconds: compute, tensor-parallel traffic, exposed all-reduce, bubble
    np.testing.assert_allclose(data["compute"], n * curve.compute_s, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(data["tensor"]) - data["compute"], n * curve.tensor_parallel_s,
                               rtol=1e-9, atol=1e-9 * max(data["total"]))
    np.testing.assert_allclose(np.asarray(data["allreduce"]) - data["tensor"], n * curve.data_parallel_exposed_s,
                               rtol=1e-9, atol=1e-9 * max(data["total"]))
    np.testing.assert_allclose(data["total"], n * curve.step_s, rtol=1e-12)
    np.testing.assert_allclose(data["efficiency"], curve.efficiency, rtol=1e-12)
    peak = hardware.H100_SXM.peak_flop_per_s
    np.testing.assert_allclose(data["mfu"], np.asarray(curve.model_flop_per_s_per_accelerator) / peak, rtol=1e-12)
    np.testing.assert_allclose(data["mfu"], ex.model_inputs().layout.frac_peak_flop * np.asarray(curve.efficiency),
                               rtol=1e-12)  # MFU achieved = MFU of the compute x efficiency
    chosen = _model(ex)
    assert ex.result.chosen == chosen
    point = ex.sources["chosen"].data
    assert point["n"] == [pytest.approx(float(chosen.n_accelerators))]
    assert point["total"] == [pytest.approx(float(chosen.step_s * chosen.n_accelerators))]
    assert point["efficiency"] == [pytest.approx(float(chosen.efficiency))]
    assert ex._chosen_line.location == ex._eff_chosen_line.location == float(chosen.n_accelerators)
    text = ex.readout.value
    for words in (f"{float(chosen.n_accelerators):,.0f} accelerator", f"<b>{seconds(float(chosen.step_s))}</b> a step",
                  f"<b>{percent(float(chosen.efficiency))}</b> of the ideal speed-up",
                  f"the work of <b>{number(float(chosen.effective_accelerators))}</b>",
                  f"{count(float(chosen.tokens_per_s))} tokens/s"):
        assert words in text, words


def test_the_default_is_llama_3s_layout_on_16384_accelerators_and_says_why_they_do_not_give_16384_times():
    """Llama 3 405B's Table 4 layout (tensor 8, pipeline 16, 2,048 sequences of 8,192 tokens) at 16,384 H100s, with
    ParallelLayout's defaults for the rest: 41% of the ideal speed-up, the work of 6,660 accelerators; the largest
    loss is the bubble, 16 micro-batches for 16 stages."""
    ex = ParallelismExplorer()
    lay = ex.model_inputs().layout
    assert (lay.tensor_parallel_size, lay.pipeline_parallel_size, ex.start.global_batch_size,
            ex.start.sequence_tokens) == tuple(par.LLAMA3_405B_TABLE4_LAYOUT.values())
    assert lay == par.ParallelLayout(tensor_parallel_size=8, pipeline_parallel_size=16)
    assert MODELS[LLAMA3_405B].n_layers == serving.get_architecture(LLAMA3_405B).n_layers == 126
    chosen = ex.result.chosen
    assert float(chosen.n_accelerators) == 16_384 and round(float(chosen.effective_accelerators), -1) == 6660
    assert "<b>16,384 accelerators</b>" in ex.readout.value and "deliver the work of <b>6,660</b>" in ex.readout.value
    assert "Largest loss: the <b>pipeline bubble</b>" in ex.readout.value
    assert "<b>16 micro-batches</b> of 1 to fill 16 stages" in ex.readout.value
    eff = np.asarray(ex.sources["curve"].data["efficiency"])
    assert eff[0] > 0.8 and np.all(np.diff(eff) < 0)  # one replica keeps most of it; every replica added loses more


def test_the_curves_stop_at_the_most_replicas_the_model_takes():
    """Every replica needs a micro-batch (d x b <= B), and a layout holds at most MAX_ACCELERATORS: the curves end at
    the largest such d, which step_time takes, and one replica more it refuses."""
    for kwargs, limit, d_max in ((dict(), "batch", 2048),
                                 (dict(micro_batch_size=4, global_batch_size=4096), "batch", 1024),
                                 (dict(tensor_parallel_size=64, pipeline_parallel_size=64, global_batch_size=65536,
                                       data_parallel_size=16), "accelerators", par.MAX_ACCELERATORS // 4096),
                                 (dict(model="Llama 3.1 8B", tensor_parallel_size=1, pipeline_parallel_size=1,
                                       global_batch_size=65536), "batch", 65536)):
        ex = ParallelismExplorer(**kwargs)
        r = ex.result
        assert (r.limit, r.max_replicas, float(r.replicas[-1]), float(r.replicas[0])) == (limit, d_max, d_max, 1.0)
        lay = ex.model_inputs().layout
        n = ex.sources["curve"].data["n"]
        assert n[-1] == d_max * lay.tensor_parallel_size * lay.pipeline_parallel_size
        assert np.all(np.isin(REPLICAS[:int(np.log2(d_max)) + 1], r.replicas))  # every slider position on the curve
        _model(ex, d_max)
        with pytest.raises(ValueError, match="must be at most"):
            _model(ex, d_max + 1)
        assert f"Curves end at {n[-1]:,.0f} accelerators ({d_max:,} replicas)" in ex.readout.value
    widest = ParallelismExplorer(tensor_parallel_size=64, pipeline_parallel_size=64, global_batch_size=65536,
                                 data_parallel_size=16)
    assert "the model takes at most 2,000,000 accelerators" in widest.readout.value


def test_llama_3s_measured_mfu_is_marked_where_table_4_puts_it_against_the_models_mfu_achieved():
    """Dubey et al. 2024, arXiv:2407.21783, Table 4: 43% MFU on 8,192 H100s, 41% on 16,384 (the kit's
    LLAMA3_405B_MFU), marked for Llama 3.1 405B only, on the plot whose dashed line is the same quantity (MFU of the
    whole step), with the model's own value at those sizes in the readout when the layout is Table 4's."""
    ex = ParallelismExplorer()
    llama = ex.sources["llama"].data
    assert list(llama["n"]) == [8192.0, 16384.0] and list(llama["mfu"]) == [0.43, 0.41]
    assert ex._llama_item.visible
    model = _model(ex, np.array([64, 128]))
    mfu = np.asarray(model.model_flop_per_s_per_accelerator) / hardware.H100_SXM.peak_flop_per_s
    assert f"; the model: {percent(mfu[0])} and {percent(mfu[1])}." in ex.readout.value
    assert "43% on 8,192 and 41% on 16,384 H100s" in ex.readout.value
    curve = ex.sources["curve"].data
    for k, n in enumerate((8192, 16384)):  # the model's dashed line passes through those sizes at those values
        assert curve["mfu"][list(curve["n"]).index(n)] == pytest.approx(mfu[k])
    ex.controls["pipeline_parallel_size"].value = 8  # another layout: the points stay, the comparison goes
    assert len(ex.sources["llama"].data["n"]) == 2 and "H100s with tensor 8, pipeline 16" in ex.readout.value
    ex.controls["model"].value = "GPT-3 175B"
    assert len(ex.sources["llama"].data["n"]) == 0 and not ex._llama_item.visible
    assert "Diamonds" not in ex.readout.value
    assert_axes_hold_the_data(ex, "GPT-3")


def test_a_small_batch_keeps_the_llama_points_inside_the_axis():
    """With 32 sequences the curve stops at 4,096 accelerators, but the measured points at 8,192 and 16,384 stay on
    the plot."""
    ex = ParallelismExplorer(global_batch_size=32, data_parallel_size=16)
    assert ex.sources["curve"].data["n"][-1] == 4096
    assert ex._step_fig.x_range.end >= 16384
    assert_axes_hold_the_data(ex, "small batch")


@pytest.mark.parametrize("changes, reason", [
    (dict(data_parallel_size=4096), "must be at most global_batch_size"),
    (dict(micro_batch_size=2, data_parallel_size=2048), "must be at most global_batch_size"),
    (dict(tensor_parallel_size=64, pipeline_parallel_size=64, data_parallel_size=1024),
     "must be at most 2,000,000 accelerators"),
    (dict(model="Llama 3.1 8B", pipeline_parallel_size=64), "must be at most n_layers"),
    (dict(n_virtual_stages=4, pipeline_parallel_size=32), "must be at most n_layers"),
])
def test_a_layout_the_model_refuses_keeps_the_last_picture_and_says_why(changes, reason):
    ex = ParallelismExplorer()
    before, result = numeric_columns(ex), ex.result
    start = {name: ex.controls[name].value for name in changes}
    ex.set(**changes)  # one update, as a learner's last move
    assert ex.error is not None and reason in ex.error
    assert "cannot compute" in ex.readout.value and reason in ex.readout.value
    assert ex.result is result
    after = numeric_columns(ex)
    assert all(np.array_equal(after[k], before[k]) for k in before)
    with pytest.raises(ValueError, match=reason):  # the model's own refusal, not the explorer's
        _model(ex)
    ex.set(**start)
    assert ex.error is None and ex.result.chosen == _model(ex)


def test_the_largest_loss_is_named_with_its_cause():
    ex = ParallelismExplorer(model="Llama 3.1 8B", tensor_parallel_size=1, pipeline_parallel_size=1,
                             data_parallel_size=1)
    assert "Nothing is lost" in ex.readout.value and ex.result.chosen.step_s == ex.result.chosen.compute_s
    ex.controls["data_parallel_size"].value = 1024  # gradients over the network, each replica's compute small
    c = ex.result.chosen
    assert float(c.data_parallel_exposed_s) > max(float(c.tensor_parallel_s), float(c.bubble_s))
    assert "<b>gradient all-reduce</b>" in ex.readout.value and "the 400 Gb/s network" in ex.readout.value
    ex.controls["scale_out_gbit_per_s"].value = 100
    assert "the 100 Gb/s network" in ex.readout.value
    assert float(ex.result.chosen.data_parallel_exposed_s) > 3 * float(c.data_parallel_exposed_s)
    ex.controls["data_parallel_size"].value = 4  # 4 replicas: the all-reduce stays inside one node
    assert ex.result.data_link_bytes_per_s == par.scale_up_bytes_per_s(hardware.H100_SXM)
    assert "cross NVLink" in ex.readout.value
    ex.set(data_parallel_size=16, tensor_parallel_size=8)
    assert "<b>tensor-parallel traffic</b>" in ex.readout.value and "over NVLink inside a node" in ex.readout.value
    assert "spans more than a node" not in ex.readout.value


def test_tensor_parallelism_beyond_the_node_is_said_to_cross_the_network():
    ex = ParallelismExplorer(tensor_parallel_size=8, pipeline_parallel_size=16, data_parallel_size=64)
    inside = float(ex.result.chosen.tensor_parallel_s)
    ex.set(tensor_parallel_size=16, pipeline_parallel_size=8)
    c = ex.result.chosen
    assert c.tensor_parallel_crosses_nodes and float(c.tensor_parallel_s) > 5 * inside
    assert "spans more than a node of 8" in ex.readout.value
    assert "crosses the network at 50.0 GB/s, not NVLink's 450 GB/s" in ex.readout.value


def test_the_explorer_fits_the_page_and_marks_its_main_slider():
    ex = ParallelismExplorer()
    assert PRIMARY_SLIDER_CLASS in ex.controls["data_parallel_size"]._dom_classes
    assert ex._step_fig.width + ex._eff_fig.width <= 900
    assert ex._step_fig.x_range is ex._eff_fig.x_range  # one accelerator axis for both plots
    assert ex.readout.value.count("<br>") == 2  # three lines: the size, the largest loss, where the curves end


@pytest.mark.parametrize("kwargs, name", [
    (dict(model="GPT-4"), "model"), (dict(data_parallel_size=3), "data_parallel_size"),
    (dict(data_parallel_size=2**18), "data_parallel_size"), (dict(tensor_parallel_size=3), "tensor_parallel_size"),
    (dict(tensor_parallel_size=128), "tensor_parallel_size"),
    (dict(pipeline_parallel_size=128), "pipeline_parallel_size"),
    (dict(n_virtual_stages=5), "n_virtual_stages"), (dict(micro_batch_size=3), "micro_batch_size"),
    (dict(global_batch_size=100), "global_batch_size"), (dict(sequence_tokens=1000), "sequence_tokens"),
    (dict(frac_peak_flop=0.05), "frac_peak_flop"), (dict(frac_peak_flop=1.5), "frac_peak_flop"),
    (dict(frac_allreduce_overlapped=-0.1), "frac_allreduce_overlapped"),
    (dict(scale_out_gbit_per_s=300), "scale_out_gbit_per_s"),
])
def test_arguments_outside_their_controls_are_refused_naming_them(kwargs, name):
    with pytest.raises(ValueError, match=name):
        ParallelismExplorer(**kwargs)


def test_a_layout_the_model_refuses_at_construction_is_the_callers_error():
    with pytest.raises(ValueError, match="must be at most global_batch_size"):
        ParallelismExplorer(data_parallel_size=4096)
