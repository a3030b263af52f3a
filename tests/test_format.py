"""Readout formatting (widgets/_format.py): no e-notation, no false precision, no false 100 %.

Issue 9 found ``6.257e+04`` t CO2, ``$462.87`` for a cost estimated to two or three
figures, and "owning beats renting above 100 % utilisation" when the break-even was 99.6 %.
"""

import pytest

from widgets._format import duration_days, megawatt_hours, megawatts, number, percent, sci, tonnes, usd


@pytest.mark.parametrize("x, text", [
    (62_570, "62,600"), (1234.5, "1,230"), (2.345, "2.35"), (0.01234, "0.0123"),
    (99.96, "100"), (999.96, "1,000"), (7, "7.00"), (0, "0"), (-4321, "-4,320"),
])
def test_number_has_three_figures_and_no_e_notation(x, text):
    assert number(x) == text


def test_number_hands_very_large_and_small_values_to_sci():
    assert number(2.5e16) == sci(2.5e16, 3) == "2.50×10<sup>16</sup>"
    assert number(2e-5) == sci(2e-5, 3)
    assert number(float("inf")) == "—"


@pytest.mark.parametrize("x, text", [
    (2.49, "$2.49"), (46.3, "$46.30"), (462.87, "$463"), (99.996, "$100"), (1234, "$1.2k"),
    (3.4e6, "$3.4M"), (1.22e11, "$122.0B"),
])
def test_usd_shows_cents_only_on_small_amounts(x, text):
    assert usd(x) == text


@pytest.mark.parametrize("share, text", [
    (0.42, "42%"), (0.996, "99.6%"), (0.9999, "99.99%"), (0.003, "0.3%"), (0.0, "0%"), (1.0, "100%"),
    (0.995, "99.5%"), (0.5, "50%"),
])
def test_percent_never_rounds_to_a_false_0_or_100(share, text):
    assert percent(share) == text


@pytest.mark.parametrize("text, expected", [
    # A run on 8 accelerators (the training-cost explorer at its small extremes) read "0.0 MW",
    # "0.00219 MWh", "8.01×10⁻⁴ t CO₂" and "0.0 hours" before these units stepped down.
    (megawatts(4.3), "4.30 MW"), (megawatts(0.0056), "5.60 kW"),
    (megawatt_hours(434.2), "434 MWh"), (megawatt_hours(0.00219), "2.19 kWh"),
    (tonnes(159.4), "159 t"), (tonnes(8.01e-4), "0.801 kg"),
    (duration_days(4.2), "4.2 days"), (duration_days(0.3 / 24), "18.0 minutes"),
    (duration_days(2e-6), "0.173 seconds"),
])
def test_small_quantities_step_down_a_unit_instead_of_reading_zero(text, expected):
    assert text == expected


def test_no_formatter_writes_e_notation():
    for x in (6.257e4, 1.5e9, 3.3e-3, 123456.789):
        for text in (number(x), usd(x), percent(x / 1e6)):
            assert "e+" not in text and "e-" not in text, text


def test_the_page_check_for_readouts_catches_each_fault():
    """tests/browser/test_explorer_axes.py reads every readout with these rules after every move."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "browser"))
    from test_explorer_axes import readout_faults

    assert readout_faults("energy 1.2e+05 MWh, 6.257e+04 t CO₂")
    assert readout_faults("rent $462.87 and own $1,234.50")
    assert readout_faults("owning beats renting above <b>100%</b> utilisation")
    assert not readout_faults(f"energy {number(1.2e5)} MWh, {number(6.257e4)} t CO₂, rent {usd(462.87)}, "
                              f"at $2.49/h, above <b>{percent(0.996)}</b> utilisation")


def test_short_durations_read_in_milliseconds_below_a_second():
    from widgets._format import seconds

    assert seconds(0.0184) == "18.4 ms"
    assert seconds(1.5) == "1.50 s"
    assert seconds(0.99999) == "1.00 s"  # a log slider's 1 s, not "1,000 ms"
    assert seconds(0.9994) == "999 ms"
    assert seconds(float("nan")) == "—"  # no unit after a missing value


@pytest.mark.parametrize(("n_bytes", "text"), [(55.3e9, "55.3 GB"), (16.7e12, "16.7 TB"), (469e6, "469 MB"),
                                               (810e9, "810 GB"), (0.0, "0 GB"), (float("inf"), "—")])
def test_data_bytes_in_decimal_units(n_bytes, text):
    from widgets._format import data_bytes

    assert data_bytes(n_bytes) == text
