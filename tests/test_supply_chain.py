"""Tests for compute_econ.supply.chain: bottleneck production of accelerators."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute_econ.supply import chain
from compute_econ.supply.chain import DEFAULT_INPUTS, SupplyInput

COWOS, HBM, WAFERS = chain.COWOS_PACKAGING, chain.HBM_STACKS, chain.LOGIC_WAFERS


def make_input(name="X", capacity=100.0, per_unit=2.0, growth=1.5, frac=1.0):
    return SupplyInput(name=name, unit="units", capacity_units_per_quarter=capacity, accelerators_per_unit=per_unit,
                       growth_per_year=growth, frac_to_accelerators=frac, source="test")


# ----------------------------------------------------------------------------- published values
def test_2024_deliveries_match_digitimes_high_end_gpu_estimate():
    """DIGITIMES Research (25 June 2024): 4.82 million high-end server GPUs shipped in 2024
    (NVIDIA 92.5 %, AMD 7.3 %). The default inputs count NVIDIA + AMD GPUs (70 % of CoWoS);
    the model's 2024 total must be within 25 % of that estimate."""
    total = chain.accelerators_in_year(DEFAULT_INPUTS, 2024)
    assert total == pytest.approx(4.82e6, rel=0.25)


def test_2024_deliveries_in_the_range_of_nvidia_plans_and_epoch():
    """Financial Times (Aug 2023), cited by Sevilla et al. 2024 (Epoch AI), chip-manufacturing section:
    NVIDIA planned 1.5-2 million H100s for 2024. The model counts all NVIDIA+AMD high-end GPUs (H100, H200,
    H20, MI300...), so it must exceed the H100-only plan but stay within 3x of it."""
    total = chain.accelerators_in_year(DEFAULT_INPUTS, 2024)
    assert 1.5e6 < total < 3 * 2.0e6


def test_cowos_capacity_path_matches_reports():
    """Sevilla et al. 2024 (Epoch AI): CoWoS 33,000-35,000 wafers/month at end 2024;
    TrendForce (8 Dec 2025): 75,000-80,000 wafers/month at end 2025 (within 10 %)."""
    cowos = chain.get_input(DEFAULT_INPUTS, COWOS)
    per_month = lambda q: cowos.capacity_units_per_quarter * cowos.growth_per_year ** (q / 4) / 3  # noqa: E731
    assert per_month(4) == pytest.approx(34_000, rel=0.10)  # 2025 Q1 ~ end-2024 rate
    assert per_month(8) == pytest.approx(77_500, rel=0.10)


def test_cowos_wafers_in_2024_match_equipment_maker_estimate():
    """Equipment makers' estimate (reported Nov 2023): ~240,000 CoWoS wafers in 2024 (within 10 %)."""
    cowos = chain.get_input(DEFAULT_INPUTS, COWOS)
    wafers = cowos.capacity_units_per_quarter * (cowos.growth_per_year ** (np.arange(4) / 4)).sum()
    assert wafers == pytest.approx(240_000, rel=0.10)


def test_wafer_row_follows_sevilla_2024_parameter_table_and_note_67():
    """Sevilla et al. 2024 (Epoch AI), 'Can AI scaling continue through 2030?', chip-manufacturing section.
    Parameter table under Figure 4, 'Dies per wafer': median 28 good H100-sized dies per 300 mm wafer.
    Note 66: about 130,000 5 nm and 50,000 3 nm wafers a month at the start of 2024, 180,000 together.
    Text: 'around 20% of these wafers' for data-centre GPUs; leading-edge wafer growth 5-20 % a year.
    Note 67: 2M H100s at 28 dies need 71,429 wafers, 'roughly 5%' (4.6 %) of the 5 nm node alone, not of
    5 nm and 3 nm together (the kit once read it that way and derived 18 dies per wafer)."""
    w = chain.get_input(DEFAULT_INPUTS, WAFERS)
    assert w.accelerators_per_unit == 28
    assert w.capacity_units_per_quarter == pytest.approx(3 * 180_000)
    assert w.frac_to_accelerators == pytest.approx(0.20)
    assert 1.05 <= w.growth_per_year <= 1.20
    wafers_for_2m_h100 = 2e6 / w.accelerators_per_unit
    assert wafers_for_2m_h100 == pytest.approx(71_429, rel=1e-4)
    assert wafers_for_2m_h100 / (130_000 * 12) == pytest.approx(0.046, abs=0.0005)  # of 5 nm alone
    assert wafers_for_2m_h100 / (w.capacity_units_per_quarter * 4) == pytest.approx(0.033, abs=0.001)  # of 5+3 nm


def test_cowos_packages_per_wafer_from_trendforce():
    """TrendForce (18 Mar 2024), on TSMC's advanced-packaging plan: for the NVIDIA H100, 'after integrating
    components via CoWoS, each wafer yields approximately 28 chips' (cited by Sevilla et al. 2024, note 62)."""
    assert chain.get_input(DEFAULT_INPUTS, COWOS).accelerators_per_unit == 28


def test_h100_has_five_hbm_stacks():
    """NVIDIA H100 SXM5: 80 GB HBM3 in five active 16 GB stacks (H100 architecture whitepaper)."""
    hbm = chain.get_input(DEFAULT_INPUTS, HBM)
    assert 1 / hbm.accelerators_per_unit == pytest.approx(5)
    assert "16 GB" in hbm.unit


def test_cowos_binds_in_2024_as_epoch_reports():
    """Sevilla et al. 2024 (Epoch AI), chip-manufacturing section: in 2024 advanced packaging (CoWoS),
    not logic wafers, limited AI accelerator output."""
    r = chain.deliveries(DEFAULT_INPUTS, np.arange(4))
    assert set(r.binding_name) == {COWOS}


def test_defaults_are_sourced_and_estimates_marked():
    assert [x.name for x in DEFAULT_INPUTS] == ["CoWoS packaging", "HBM stacks", "Leading-edge logic wafers"]
    for x in DEFAULT_INPUTS:
        assert x.source and x.is_estimate and x.note


# ----------------------------------------------------------------------------- behaviour
def test_capacity_compounds_per_quarter():
    x = make_input(capacity=100, per_unit=2, growth=16.0, frac=0.5)
    cap = chain.input_capacity_accelerators([x], [0, 1, 2, 4])
    assert cap.shape == (1, 4)
    np.testing.assert_allclose(cap[0], [100.0, 200.0, 400.0, 1600.0])  # 16x/yr = 2x per quarter


def test_binding_switches_when_a_slower_input_is_overtaken():
    fast = make_input("fast", capacity=10, per_unit=1, growth=4.0)
    slow = make_input("slow", capacity=40, per_unit=1, growth=1.0)
    r = chain.deliveries([fast, slow], np.arange(12))
    # fast is 10 * 4^(q/4): it ties with slow (40) at q = 4, where the first input counts as binding.
    assert r.binding_name[:5] == ("fast",) * 5
    assert r.binding_name[5:] == ("slow",) * 7
    assert r.binding_changes == (chain.BindingChange(quarter=5.0, from_name="fast", to_name="slow"),)
    np.testing.assert_allclose(r.accelerators_per_quarter[5:], 40.0)


def test_no_change_gives_no_binding_changes():
    r = chain.deliveries([make_input("a", capacity=1), make_input("b", capacity=5)], np.arange(8))
    assert r.binding_changes == ()
    assert r.binding_name == ("a",) * 8


def test_accelerators_in_year_is_the_sum_of_its_quarters():
    r = chain.deliveries(DEFAULT_INPUTS, np.arange(8))
    assert chain.accelerators_in_year(DEFAULT_INPUTS, 2025) == pytest.approx(r.accelerators_per_quarter[4:8].sum())


def test_quarter_labels():
    assert chain.quarter_label(0) == "2024 Q1"
    assert chain.quarter_label(5) == "2025 Q2"
    assert chain.quarter_label(23.9) == "2029 Q4"


def test_scale_capacity_and_replace_input_leave_the_others_alone():
    doubled = chain.scale_capacity(DEFAULT_INPUTS, COWOS, 2.0)
    assert chain.get_input(doubled, COWOS).capacity_units_per_quarter == 90_000
    assert chain.get_input(doubled, HBM) is chain.get_input(DEFAULT_INPUTS, HBM)
    original = chain.get_input(DEFAULT_INPUTS, WAFERS).growth_per_year
    slower = chain.replace_input(DEFAULT_INPUTS, WAFERS, growth_per_year=1.0)
    assert chain.get_input(slower, WAFERS).growth_per_year == 1.0
    assert original != 1.0 and chain.get_input(DEFAULT_INPUTS, WAFERS).growth_per_year == original  # untouched


def test_doubling_cowos_in_2024_raises_2024_deliveries_until_hbm_binds():
    base = chain.accelerators_in_year(DEFAULT_INPUTS, 2024)
    more = chain.accelerators_in_year(chain.scale_capacity(DEFAULT_INPUTS, COWOS, 2.0), 2024)
    assert base < more < 2 * base  # HBM or wafers take over before CoWoS doubles output
    r = chain.deliveries(chain.scale_capacity(DEFAULT_INPUTS, COWOS, 2.0), np.arange(4))
    assert COWOS not in r.binding_name[:1]


# ----------------------------------------------------------------------------- validation
@pytest.mark.parametrize("field, value, match", [
    ("capacity_units_per_quarter", -1.0, "capacity_units_per_quarter"),
    ("accelerators_per_unit", 0.0, "accelerators_per_unit"),
    ("growth_per_year", 0.0, "growth_per_year"),
    ("growth_per_year", float("nan"), "growth_per_year"),
    ("frac_to_accelerators", 1.2, "frac_to_accelerators"),
    ("name", " ", "name"),
    ("unit", "", "unit"),
])
def test_supply_input_rejects_bad_fields(field, value, match):
    with pytest.raises(ValueError, match=match):
        dataclasses.replace(make_input(), **{field: value})


def test_bad_calls_raise_value_errors():
    with pytest.raises(ValueError, match="quarters"):
        chain.input_capacity_accelerators(DEFAULT_INPUTS, [-1, 0])
    with pytest.raises(ValueError, match="at least one"):
        chain.deliveries([], [0])
    with pytest.raises(ValueError, match="SupplyInput"):
        chain.deliveries(["CoWoS"], [0])
    with pytest.raises(ValueError, match="name must be one of"):
        chain.scale_capacity(DEFAULT_INPUTS, "EUV", 2.0)
    with pytest.raises(ValueError, match="factor"):
        chain.scale_capacity(DEFAULT_INPUTS, COWOS, -1.0)
    with pytest.raises(ValueError, match="year"):
        chain.accelerators_in_year(DEFAULT_INPUTS, 2020)


def _csv(rows: str) -> str:
    return ",".join(chain.SUPPLY_INPUT_COLUMNS) + "\n" + rows


@pytest.mark.parametrize("row, match", [
    ("A,wafers,-5,1,1.5,1,true,src,n\n", r"line 2 \('A'\).*capacity_units_per_quarter"),
    ("A,wafers,abc,1,1.5,1,true,src,n\n", r"line 2 \('A'\).*'capacity_units_per_quarter' must be a number"),
    ("A,wafers,5,1,1.5,1,true,,n\n", r"inputs.csv line 2: column 'source' is empty"),
    ("A,wafers,5,1,1.5,1,true,s,n\nA,wafers,5,1,1.5,1,true,s,n\n", r"line 3 \('A'\).*duplicate"),
    ("B,wafers,5,1,1.5,2,true,s,n\n", r"line 2 \('B'\).*frac_to_accelerators"),
])
def test_loader_names_the_bad_row(tmp_path, row, match):
    path = tmp_path / "inputs.csv"
    path.write_text(_csv(row))
    with pytest.raises(ValueError, match=match):
        chain.load_supply_inputs(path)


def test_loader_rejects_bad_header(tmp_path):
    path = tmp_path / "inputs.csv"
    path.write_text("name,capacity\nA,5\n")
    with pytest.raises(ValueError, match="header"):
        chain.load_supply_inputs(path)


def test_loader_reads_a_valid_file(tmp_path):
    path = tmp_path / "inputs.csv"
    path.write_text(_csv("A,wafers,5,2,1.5,0.5,false,src,\n"))
    (a,) = chain.load_supply_inputs(path)
    assert a.accelerators_per_quarter == pytest.approx(5.0) and not a.is_estimate


# ----------------------------------------------------------------------------- the contract
def test_rows_are_found_by_name_whatever_the_order_of_the_inputs():
    """Deliveries.allowed_by gives an input's row by name: reversing the inputs (a reordered CSV) changes
    the rows' order but not what each name gets."""
    forward = chain.deliveries(DEFAULT_INPUTS, np.arange(8))
    backward = chain.deliveries(tuple(reversed(DEFAULT_INPUTS)), np.arange(8))
    assert backward.names == tuple(reversed(forward.names))
    for name in (COWOS, HBM, WAFERS):
        np.testing.assert_array_equal(backward.allowed_by(name), forward.allowed_by(name))
    np.testing.assert_array_equal(forward.allowed_by(COWOS), forward.per_input[0])
    assert not np.array_equal(backward.allowed_by(COWOS), backward.per_input[0])
    with pytest.raises(ValueError, match="name must be one of"):
        forward.allowed_by("EUV")
    with pytest.raises(ValueError, match="name must be a non-empty string"):
        forward.allowed_by(np.array([0, 1]))


@pytest.mark.parametrize("call", [
    lambda: chain.deliveries(DEFAULT_INPUTS, [3532]),
    lambda: chain.deliveries(DEFAULT_INPUTS, [0, 401]),
    lambda: chain.input_capacity_accelerators(DEFAULT_INPUTS, [-1, 0]),
    lambda: chain.binding_changes([0, 3532], [0, 1], ("a", "b")),
])
def test_quarters_have_the_kits_one_domain(call):
    """Quarters from quarter 0 lie in [0, 400] everywhere in the kit (issue 10: quarters=[3532] returned inf)."""
    with pytest.raises(ValueError, match=r"quarters must be in \[0, 400\] quarters"):
        call()


def test_quarter_label_refuses_quarters_outside_the_domain():
    assert chain.quarter_label(400) == "2124 Q1"
    with pytest.raises(ValueError, match=r"quarter must be in \[0, 400\]"):
        chain.quarter_label(3532)


def test_an_overflowing_capacity_is_refused_naming_the_inputs():
    """Valid numbers whose product overflows: a ValueError saying the inputs are outside the model's range."""
    with pytest.raises(ValueError, match="outside the model's range.*capacity_units_per_quarter"):
        make_input(capacity=1e300, per_unit=1e10)
    huge = make_input(capacity=1e150, per_unit=1.0, growth=100.0)  # 1e150 x 100^100 overflows by quarter 400
    assert np.isfinite(chain.deliveries([huge], [0, 4]).accelerators_per_quarter).all()
    with pytest.raises(ValueError, match="outside the model's range.*quarters"):
        chain.deliveries([huge], [0, 400])


def test_too_many_quarters_at_once_are_refused():
    with pytest.raises(ValueError, match="quarters must hold at most"):
        chain.deliveries(DEFAULT_INPUTS, np.zeros(4_000_000))


@pytest.mark.parametrize("field, value, match", [
    ("capacity_units_per_quarter", "9", "capacity_units_per_quarter must be one number"),
    ("capacity_units_per_quarter", [], "capacity_units_per_quarter must be one number"),
    ("capacity_units_per_quarter", [100.0], "capacity_units_per_quarter must be one number"),
    ("growth_per_year", 150.0, r"growth_per_year must be in \[0.01, 100\] x per year"),
    ("growth_per_year", 0.005, r"growth_per_year must be in \[0.01, 100\]"),
    ("is_estimate", "yes", "is_estimate must be True or False"),
    ("source", "", "source must be a non-empty string"),
    ("note", None, "note must be a string"),
])
def test_supply_input_refuses_what_it_cannot_store(field, value, match):
    with pytest.raises(ValueError, match=match):
        dataclasses.replace(make_input(), **{field: value})


def test_supply_input_stores_validated_floats():
    x = make_input(capacity=np.int64(100), per_unit=np.float32(2.0), growth=2, frac=1)
    assert all(type(v) is float for v in (x.capacity_units_per_quarter, x.accelerators_per_unit,
                                          x.growth_per_year, x.frac_to_accelerators))
    assert x.capacity_units_per_quarter == 100.0 and x.growth_per_year == 2.0


def test_inputs_must_be_a_sequence_of_uniquely_named_supply_inputs():
    with pytest.raises(ValueError, match="inputs must be a non-empty list or tuple"):
        chain.deliveries(DEFAULT_INPUTS[0], [0])
    with pytest.raises(ValueError, match="inputs must have unique names"):
        chain.deliveries([make_input("a"), make_input("a")], [0])


def test_replace_input_names_an_unknown_field_and_scale_capacity_an_overflowing_factor():
    with pytest.raises(ValueError, match="capacity is not a field of SupplyInput"):
        chain.replace_input(DEFAULT_INPUTS, COWOS, capacity=5.0)
    with pytest.raises(ValueError, match="growth_per_year must be in"):
        chain.replace_input(DEFAULT_INPUTS, COWOS, growth_per_year=500.0)
    with pytest.raises(ValueError, match="factor 1e\\+305 takes the capacity of 'CoWoS packaging' outside"):
        chain.scale_capacity(DEFAULT_INPUTS, COWOS, 1e305)


def test_binding_changes_checks_its_index_against_the_names():
    assert chain.binding_changes([0, 1, 2], [0, 1, 1], ("a", "b")) == (chain.BindingChange(1.0, "a", "b"),)
    with pytest.raises(ValueError, match="binding_index must be in"):
        chain.binding_changes([0, 1], [0, 2], ("a", "b"))
    with pytest.raises(ValueError, match="binding_index must hold whole numbers"):
        chain.binding_changes([0, 1], [0, 0.5], ("a", "b"))
    with pytest.raises(ValueError, match="quarters and binding_index must be 1-d arrays of one length"):
        chain.binding_changes([0, 1, 2], [0, 1], ("a", "b"))
    with pytest.raises(ValueError, match="names must be a non-empty list or tuple of strings"):
        chain.binding_changes([0], [0], "ab")


@pytest.mark.parametrize("year", [2023, 2101, 2024.5, "2025", True])
def test_accelerators_in_year_takes_a_whole_year_of_the_kits_domain(year):
    with pytest.raises(ValueError, match="year must be a whole number in \\[2024, 2100\\]"):
        chain.accelerators_in_year(DEFAULT_INPUTS, year)


def test_loader_refuses_a_path_that_is_not_a_path_and_an_unclear_estimate_flag(tmp_path):
    with pytest.raises(ValueError, match="path must be None or the path of a CSV file"):
        chain.load_supply_inputs(3.0)
    path = tmp_path / "inputs.csv"
    path.write_text(_csv("A,wafers,5,1,1.5,1,maybe,src,n\n"))
    with pytest.raises(ValueError, match=r"line 2 \('A'\).*is_estimate.*true or false"):
        chain.load_supply_inputs(path)


# ----------------------------------------------------------------------------- properties
supply_input = st.builds(
    make_input,
    name=st.just("X"),
    capacity=st.floats(0.0, 1e7),
    per_unit=st.floats(1e-3, 100.0),
    growth=st.floats(0.5, 5.0),
    frac=st.floats(0.0, 1.0),
)
input_lists = st.lists(supply_input, min_size=1, max_size=4).map(
    lambda xs: tuple(dataclasses.replace(x, name=f"in{i}") for i, x in enumerate(xs)))
quarter_arrays = st.lists(st.floats(0.0, 40.0), min_size=1, max_size=12).map(np.array)


@settings(max_examples=100, deadline=None)
@given(inputs=input_lists, quarters=quarter_arrays)
def test_deliveries_never_exceed_any_input_and_are_finite(inputs, quarters):
    r = chain.deliveries(inputs, quarters)
    assert np.all(np.isfinite(r.accelerators_per_quarter)) and np.all(r.accelerators_per_quarter >= 0)
    assert np.all(r.accelerators_per_quarter <= r.per_input + 1e-9 * np.abs(r.per_input))


@settings(max_examples=100, deadline=None)
@given(inputs=input_lists, quarters=quarter_arrays, which=st.integers(0, 3), factor=st.floats(1.0, 10.0))
def test_raising_any_capacity_never_lowers_deliveries(inputs, quarters, which, factor):
    name = inputs[which % len(inputs)].name
    before = chain.deliveries(inputs, quarters).accelerators_per_quarter
    after = chain.deliveries(chain.scale_capacity(inputs, name, factor), quarters).accelerators_per_quarter
    assert np.all(after >= before * (1 - 1e-12))


@settings(max_examples=100, deadline=None)
@given(inputs=input_lists, quarters=quarter_arrays)
def test_binding_input_is_the_argmin(inputs, quarters):
    r = chain.deliveries(inputs, quarters)
    cols = np.arange(r.quarters.size)
    np.testing.assert_array_equal(r.per_input[r.binding_index, cols], r.per_input.min(axis=0))
    assert r.binding_name == tuple(r.names[i] for i in r.binding_index)
