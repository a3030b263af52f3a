"""The multi-site explorer (issue 12): every control over its range, the numbers from compute_econ.cluster, the
published points where their sources put them, axes that hold the data, and a refusal that keeps the picture."""

from __future__ import annotations

import html

import numpy as np
import pytest

from compute_econ import cluster, training
from compute_econ.cluster import multisite
from compute_econ.hardware import H100_SXM
from _explorers import assert_inside, numeric_columns, sweep_every_control
from widgets import MultiSiteExplorer
from widgets._base import PRIMARY_SLIDER_CLASS, READOUT_CLASS
from widgets._format import megawatts, percent, seconds
from widgets.multisite import H_GRID, SITES






def figures(ex):
    """(figure, [(x, y, source)], y axis is log) of both plots; both x axes are log."""
    s = ex.sources
    return [(ex._efficiency_fig, [("h", "efficiency", s[n]) for n in ("curve", "marks")], False),
            (ex._power_fig, [("sites", "mw", s[n]) for n in ("power", "ceiling", "site_marks")], True)]


def marks(ex, label: str) -> tuple[float, float]:
    """(x, y) of the marked point called ``label`` (each plot's marks share one source)."""
    for name, x, y in (("marks", "h", "efficiency"), ("site_marks", "sites", "mw")):
        data = ex.sources[name].data
        if label in data["label"]:
            i = list(data["label"]).index(label)
            return data[x][i], data[y][i]
    raise KeyError(label)


SYNC, DILOCO, CHOSEN_H = "H = 1: synchronous (Gemini Ultra)", "H = 500: DiLoCo", "chosen H"
FORCED, CHOSEN_SITES = "fewest sites under the ceiling", "chosen sites"


def assert_axes_hold_the_data(ex, where: str) -> None:
    for fig, series, y_log in figures(ex):
        assert_inside(fig, series, where)
        assert fig.x_range.start > 0, f"{where}: a log x axis starts at or below 0"
        assert fig.y_range.start > 0 if y_log else fig.y_range.start < fig.y_range.end, f"{where}: bad y axis"


def model(n_sites=2, h=500, gbps=400, rtt_ms=20.0, n_acc=200_000, n_params=405e9,
          step=multisite.LLAMA3_405B_STEP_S, sync=H_GRID):
    run = multisite.MultiSiteRun(n_params=n_params, n_accelerators=n_acc, wan_rtt_s=rtt_ms / 1e3)
    return run, multisite.multisite_step(run, step, n_sites, gbps * 1e9 / 8, sync)


def test_every_control_over_its_range_keeps_data_finite_axes_around_it_and_changes_something():
    ex = MultiSiteExplorer()

    def more_sites_than_accelerators(name, value, ex):
        # The one refusal the controls can reach: more sites than accelerators (16 sites, 10 H100s).
        assert name == "n_accelerators" and value < SITES[1], f"{name}={value!r}: refused: {ex.error}"
        assert "n_sites must be at most run.n_accelerators" in ex.error, ex.error
        assert "cannot compute" in ex.readout.value
        return True

    sweep_every_control(ex, assert_axes_hold_the_data, expected_refusal=more_sites_than_accelerators,
                        readout_forbids=("nan", "inf", "—"))


def test_browser_contract_classes():
    ex = MultiSiteExplorer()
    assert READOUT_CLASS in ex.readout._dom_classes
    primary = [name for name, c in ex.controls.items() if PRIMARY_SLIDER_CLASS in c._dom_classes]
    assert primary == ["n_sites"]


@pytest.mark.parametrize("kwargs", [{}, dict(n_sites=5, sync_every_steps=20, wan_gbps=3_200, rtt_ms=60.0),
                                    dict(n_sites=16, sync_every_steps=1, n_params=1e12, site_step_s=2.0)])
def test_curve_points_and_readout_are_the_models(kwargs):
    ex = MultiSiteExplorer(**kwargs)
    st = ex.model_inputs()
    run, want = model(st.n_sites, st.sync_every_steps, st.wan_gbps, st.rtt_ms, st.n_accelerators, st.n_params,
                      st.site_step_s)
    np.testing.assert_array_equal(ex.sources["curve"].data["h"], H_GRID)
    np.testing.assert_allclose(ex.sources["curve"].data["efficiency"], want.efficiency, rtol=1e-12)
    _, chosen = model(st.n_sites, st.sync_every_steps, st.wan_gbps, st.rtt_ms, st.n_accelerators, st.n_params,
                      st.site_step_s, sync=st.sync_every_steps)
    assert marks(ex, CHOSEN_H) == (float(st.sync_every_steps), pytest.approx(float(chosen.efficiency), rel=1e-12))
    text = ex.readout.value
    assert f"<b>{seconds(float(chosen.wan_allreduce_s))}</b>, against a site step of {seconds(st.site_step_s)}" in text
    assert f"(H = 1, as Gemini Ultra did) keeps <b>{percent(float(chosen.efficiency_every_step))}</b>" in text
    if st.sync_every_steps > 1:
        assert f"every {st.sync_every_steps:,} steps keeps <b>{percent(float(chosen.efficiency))}</b>" in text
    # The power curve: multisite_step over 1-16 sites; the chosen split on it.
    sites = np.arange(1.0, SITES[1] + 1)
    power = multisite.multisite_step(run, st.site_step_s, sites, st.wan_gbps * 1e9 / 8).site_power_watts
    np.testing.assert_array_equal(ex.sources["power"].data["sites"], sites)
    np.testing.assert_allclose(ex.sources["power"].data["mw"], np.asarray(power) / 1e6, rtol=1e-12)
    per_site = float(np.asarray(power)[st.n_sites - 1])
    assert marks(ex, CHOSEN_SITES) == (st.n_sites, pytest.approx(per_site / 1e6, rel=1e-12))
    assert f"Each site needs <b>{megawatts(per_site / 1e6)}</b>" in text


def test_the_published_points_sit_where_their_sources_put_them():
    """H = 1 is synchronous training (Gemini Team 2023, arXiv:2312.11805, Section 3: Gemini Ultra, data-parallel
    across superpods in several data centres); H = 500 is DiLoCo's "500 times less" communication (Douillard et al.
    2023, arXiv:2311.08105, abstract). Each marker sits on the model's curve at its H."""
    ex = MultiSiteExplorer(sync_every_steps=50)
    _, want = model(sync=np.array([1, multisite.DILOCO_INNER_STEPS, 50]))
    eff = np.asarray(want.efficiency)
    assert marks(ex, SYNC) == (1.0, pytest.approx(eff[0], rel=1e-12))
    assert marks(ex, DILOCO) == (500.0, pytest.approx(eff[1], rel=1e-12))
    assert marks(ex, CHOSEN_H) == (50.0, pytest.approx(eff[2], rel=1e-12))
    assert eff[0] < eff[2] < eff[1]  # the default link: synchronous loses most of the speed, DiLoCo keeps it
    assert marks(ex, SYNC)[1] < 0.3 < 0.99 < marks(ex, DILOCO)[1]
    # Each marker has its own shape as well as its own colour.
    assert len(set(ex.sources["marks"].data["marker"])) == 3 and len(set(ex.sources["site_marks"].data["marker"])) == 2


def test_defaults_are_colossus_doubled_llama3_405b_and_its_ceiling_forces_two_sites():
    """Colossus after its doubling: 200,000 H100s on a 150 MW grid connection (clusters.csv: NVIDIA, 2024-10-28;
    Tom's Hardware). At the kit's full-load 1,402.5 W each it needs 280.5 MW, so no 150 MW site holds it: the
    ceiling forces 2 sites (of 100,000 H100s, 140 MW each). The site's step is Llama 3 405B's (Table 4)."""
    colossus = cluster.get_cluster("xAI Colossus (200k)")
    ex = MultiSiteExplorer()
    st = ex.start
    assert (st.n_accelerators, st.site_ceiling_mw) == (colossus.n_accelerators, colossus.site_power_mw) == (200_000,
                                                                                                            150.0)
    assert (st.n_params, st.site_step_s) == (405e9, multisite.LLAMA3_405B_STEP_S)
    assert st.sync_every_steps == multisite.DILOCO_INNER_STEPS and (st.wan_gbps, st.rtt_ms) == (400, 20.0)
    needed = float(cluster.sites_needed(200_000, 150e6))
    assert needed == st.n_sites == 2 and ex.result.sites_needed == needed
    assert marks(ex, FORCED)[0] == 2.0
    forced_mw = marks(ex, FORCED)[1]
    assert forced_mw == pytest.approx(float(training.cluster_power_watts(100_000, 700.0)) / 1e6, rel=1e-12)
    assert forced_mw <= 150.0 < ex.sources["power"].data["mw"][0]  # one site would be over the ceiling
    assert list(ex.sources["ceiling"].data["mw"]) == [150.0, 150.0]
    fits = float(cluster.accelerators_per_site(150e6, H100_SXM))
    assert f"a 150 MW site holds {fits:,.0f}, so the ceiling forces <b>2 sites</b>" in ex.readout.value
    assert "under the 150 MW ceiling" in ex.readout.value
    ex.controls["n_sites"].value = 1
    assert "<b>over</b> the 150 MW ceiling" in ex.readout.value and "<b>One site</b>" in ex.readout.value
    np.testing.assert_array_equal(ex.sources["curve"].data["efficiency"], 1.0)


def test_a_ceiling_that_forces_more_sites_than_the_slider_extends_the_power_curve_to_them():
    ex = MultiSiteExplorer(n_accelerators=1_000_000)
    ex.controls["site_ceiling_mw"].value = 10 ** ex.controls["site_ceiling_mw"].min
    ceiling_w = ex.model_inputs().site_ceiling_mw * 1e6
    needed = float(cluster.sites_needed(1_000_000, ceiling_w))
    assert needed > SITES[1] and ex.result.sites_needed == needed
    sites = np.asarray(ex.sources["power"].data["sites"])
    assert sites[-1] == needed and marks(ex, FORCED)[0] == needed
    assert marks(ex, FORCED)[1] <= ceiling_w / 1e6 < ex.sources["power"].data["mw"][int(needed) - 2]
    assert f"forces <b>{needed:.0f} sites</b> (more than this slider's 16)" in ex.readout.value
    assert_axes_hold_the_data(ex, "a 10 MW ceiling")


def test_more_sites_than_accelerators_is_refused_and_keeps_the_last_picture():
    ex = MultiSiteExplorer(n_sites=16)
    ex.controls["n_accelerators"].value = 20
    before = numeric_columns(ex)
    result = ex.result
    ex.controls["n_accelerators"].value = 10
    assert ex.error is not None and "n_sites must be at most run.n_accelerators (10), got 16" in ex.error
    assert "cannot compute" in ex.readout.value and html.escape(ex.error) in ex.readout.value
    assert ex.result is result
    after = numeric_columns(ex)
    assert after.keys() == before.keys() and all(np.array_equal(after[k], v) for k, v in before.items())
    ex.controls["n_sites"].value = 8  # back inside: a new picture, its power curve ending at the 10 accelerators
    assert ex.error is None and "cannot compute" not in ex.readout.value
    np.testing.assert_array_equal(ex.sources["power"].data["sites"], np.arange(1.0, 11.0))


def test_the_quality_cost_is_the_stated_assumption():
    ex = MultiSiteExplorer()
    assert "0 nats here (DiLoCo's abstract reports none" in ex.readout.value
    ex = MultiSiteExplorer(loss_gap_nats=0.02)
    assert ex.result.run.loss_gap_nats == 0.02
    assert float(np.asarray(ex.result.by_interval.loss_gap_nats)[-1]) == 0.02
    assert "not a model output: 0.02 nats here (your figure)" in ex.readout.value


def test_synchronous_choice_reports_what_diloco_would_keep():
    ex = MultiSiteExplorer(sync_every_steps=1)
    _, want = model(sync=np.array([1, multisite.DILOCO_INNER_STEPS]))
    assert f"every 500 steps (DiLoCo) would keep {percent(float(want.efficiency[1]))}" in ex.readout.value


def test_a_move_of_the_sites_slider_makes_one_model_call(monkeypatch):
    ex = MultiSiteExplorer()
    calls = []
    step = multisite.multisite_step

    def counted(*args, **kwargs):
        calls.append(args)
        return step(*args, **kwargs)

    monkeypatch.setattr(multisite, "multisite_step", counted)
    ex.controls["n_sites"].value = 7
    assert len(calls) == 1 and np.array_equal(calls[0][4], H_GRID)
    ex.controls["n_sites"].value = 2  # seen before: kept
    assert len(calls) == 1


@pytest.mark.parametrize("name, value, match", [
    ("n_sites", 17, r"n_sites must be .*\[1, 16\]"),
    ("sync_every_steps", 3, "sync_every_steps must be one of"),
    ("wan_gbps", 300, "wan_gbps must be one of"),
    ("n_accelerators", 123, "n_accelerators must be one of"),
    ("rtt_ms", 250.0, r"rtt_ms must be in \[0, 200\]"),
    ("n_params", 1e14, r"n_params must be in \[1e\+09, 1e\+13\]"),
    ("site_step_s", 0.01, r"site_step_s must be in \[0\.1, 100\]"),
    ("site_ceiling_mw", 5.0, r"site_ceiling_mw must be in \[10, 10000\]"),
    ("loss_gap_nats", -0.1, r"loss_gap_nats must be in \[0, 10\]"),
])
def test_arguments_out_of_range_raise_a_value_error_naming_them(name, value, match):
    with pytest.raises(ValueError, match=match):
        MultiSiteExplorer(**{name: value})
