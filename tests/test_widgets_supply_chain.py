"""SupplyChainExplorer and BuildOutExplorer driven without a browser."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from bokeh.models import Line

from compute_econ.supply import buildout, chain
from widgets.build_out import BuildOutExplorer
from widgets.supply_chain import SupplyChainExplorer


def text(explorer) -> str:
    return re.sub(r"<[^>]+>", "", explorer.readout.value)



# ----------------------------------------------------------------------------- supply chain
def test_supply_chain_readout_and_lines_match_the_model():
    ex = SupplyChainExplorer(horizon_years=7, report_year=2027)
    want = chain.deliveries(chain.DEFAULT_INPUTS, np.arange(28))
    np.testing.assert_allclose(ex.result.deliveries.accelerators_per_quarter, want.accelerators_per_quarter)
    data = ex.sources["inputs"].data
    np.testing.assert_allclose(data["deliveries"], want.accelerators_per_quarter)
    np.testing.assert_allclose(data["cowos"], want.per_input[0])
    assert data["year"][0] == chain.BASE_YEAR
    assert list(ex.sources["binding"].data["name"]) == list(want.binding_name)
    np.testing.assert_allclose(ex.sources["changes"].data["year"], [2024 + ch.quarter / 4 for ch in want.binding_changes])
    t = text(ex)
    assert "Deliverable in 2024: 4.86 M" in t  # chain.accelerators_in_year(DEFAULT_INPUTS, 2024) = 4.86e6
    assert f"{chain.accelerators_in_year(chain.DEFAULT_INPUTS, 2024) / 1e6:.2f} M" in t
    assert f"{chain.accelerators_in_year(chain.DEFAULT_INPUTS, 2027) / 1e6:.1f} M" in t
    assert "Binding now (2024 Q1): CoWoS packaging" in t
    assert want.binding_changes
    for ch in want.binding_changes:
        assert f"{ch.to_name} from {chain.quarter_label(ch.quarter)}" in t


def test_supply_chain_cowos_slider_moves_only_the_cowos_line():
    ex = SupplyChainExplorer()
    before = {k: np.array(v, dtype=float) for k, v in ex.sources["inputs"].data.items() if k != "year"}
    ex.controls["cowos_capacity_x"].value = 2.0
    after = ex.sources["inputs"].data
    np.testing.assert_allclose(after["cowos"], 2 * before["cowos"])
    np.testing.assert_allclose(after["hbm"], before["hbm"])
    np.testing.assert_allclose(after["wafers"], before["wafers"])
    # Twice the packaging: HBM binds from the start and 2024 deliveries rise.
    assert ex.result.deliveries.binding_name[0] == "HBM stacks"
    assert ex.result.deliveries.accelerators_per_quarter[0] > before["deliveries"][0]


def test_supply_chain_growth_slider_changes_when_the_bottleneck_moves():
    ex = SupplyChainExplorer()
    first = ex.result.deliveries.binding_changes[0]
    ex.controls["wafers_growth_per_year"].value = 1.6  # faster wafers: CoWoS binds for longer
    later = ex.result.deliveries.binding_changes
    # Wafers still overtake CoWoS within the seven years, two years later (2026 Q1 -> 2028 Q1): no vacuous pass
    # when the change disappears.
    assert len(later) == 1 and (later[0].from_name, later[0].to_name) == (first.from_name, first.to_name)
    assert (first.quarter, later[0].quarter) == (8.0, 16.0)
    assert ex.sources["changes"].data["year"][0] == pytest.approx(2028.0)


def test_supply_chain_matches_inputs_by_name_not_position(monkeypatch):
    """Reordered inputs (a reordered CSV) keep each line, slider and marker colour with its own input."""
    reordered = tuple(reversed(chain.DEFAULT_INPUTS))
    monkeypatch.setattr(chain, "DEFAULT_INPUTS", reordered)
    ex = SupplyChainExplorer()
    want = chain.deliveries(reordered, np.arange(28))
    data = ex.sources["inputs"].data
    for key, name in (("cowos", chain.COWOS_PACKAGING), ("hbm", chain.HBM_STACKS), ("wafers", chain.LOGIC_WAFERS)):
        np.testing.assert_allclose(data[key], want.allowed_by(name))
        assert ex.controls[f"{key}_growth_per_year"].value == chain.get_input(reordered, name).growth_per_year
    ex.controls["cowos_capacity_x"].value = 2.0
    cowos = chain.get_input(reordered, chain.COWOS_PACKAGING)
    np.testing.assert_allclose(ex.sources["inputs"].data["cowos"], 2 * want.allowed_by(chain.COWOS_PACKAGING))
    assert chain.get_input(ex.inputs(), chain.COWOS_PACKAGING).capacity_units_per_quarter == \
        2 * cowos.capacity_units_per_quarter
    # each binding marker takes the colour of its input's line
    line_colour = {r.glyph.y: r.glyph.line_color for r in ex._figure.renderers if isinstance(r.glyph, Line)}
    key_of = {chain.COWOS_PACKAGING: "cowos", chain.HBM_STACKS: "hbm", chain.LOGIC_WAFERS: "wafers"}
    binding = ex.sources["binding"].data
    assert len(set(binding["name"])) >= 2
    for name, colour in zip(binding["name"], binding["color"], strict=True):
        assert colour == line_colour[key_of[name]]


def test_supply_chain_shows_an_unchanging_bottleneck():
    ex = SupplyChainExplorer()
    ex.controls["cowos_capacity_x"].value = 0.25
    ex.controls["cowos_growth_per_year"].value = 1.0
    assert set(ex.result.deliveries.binding_name) == {"CoWoS packaging"}
    assert "keeps binding" in text(ex)
    assert len(ex.sources["changes"].data["year"]) == 0


# ----------------------------------------------------------------------------- build-out
def test_build_out_readout_matches_model():
    ex = BuildOutExplorer(shock_mw=5000.0, shock_quarter=4, lead_time_quarters=16)
    want = buildout.simulate_build_out(buildout.BuildOutScenario(shock_mw=5000.0, shock_quarter=4,
                                                                 lead_time_quarters=16, horizon_quarters=40))
    np.testing.assert_allclose(ex.result.capacity_mw, want.capacity_mw)
    data = ex.sources["series"].data
    np.testing.assert_allclose(np.asarray(data["capacity_gw"]) * 1000, want.capacity_mw)
    np.testing.assert_allclose(np.asarray(data["shortage_gw"]) * 1000, want.shortage_mw)
    t = text(ex)
    assert f"Peak shortage {want.peak_shortage_mw / 1000:,.2f} GW in quarter 4" in t
    assert "16 quarters (4.0 years) after the shock" in t
    assert ex._catch_up_line.visible and ex._catch_up_line.location == pytest.approx(5.0)


def test_build_out_shock_slider_sets_peak_shortage():
    ex = BuildOutExplorer()
    ex.controls["shock_mw"].value = 12_000.0
    assert ex.result.peak_shortage_mw == pytest.approx(12_000.0)
    assert max(ex.sources["series"].data["shortage_gw"]) == pytest.approx(12.0)
    ex.controls["shock_mw"].value = 0.0
    assert "no shortage" in text(ex)
    assert not ex._catch_up_line.visible


def test_build_out_longer_lead_time_longer_shortage():
    ex = BuildOutExplorer()
    ex.controls["lead_time_quarters"].value = 8
    short = ex.result.shortage_quarters
    ex.controls["lead_time_quarters"].value = 24
    assert ex.result.shortage_quarters == 24 > short == 8


def test_build_out_low_build_rate_never_catches_up_and_says_so():
    ex = BuildOutExplorer()
    assert ex.controls["build_rate_mw_per_quarter"].value == math.inf
    ex.controls["build_rate_mw_per_quarter"].value = 500.0
    assert ex.result.catch_up_quarter is None
    assert "not caught up within 10 years" in text(ex)
    assert "nan" not in ex.readout.value.lower() and "inf" not in text(ex).lower()
