"""The kernel side of the kit's accessibility (issue 16, WCAG 2.1 AA): every control of every explorer has a name
that says what it sets, which the page script (widgets/a11y.js) puts where a screen reader reads it.

The browser side (names and value texts on the page, live readouts, axe-core, the keyboard) is tested in
tests/browser/test_lessons_in_browser.py and tests/browser/test_book_in_browser.py.
"""

from __future__ import annotations

import html
import json
import re

import ipywidgets as ipw
import pytest

import widgets
from widgets._base import SR_ONLY_CLASS, EXPLORER_CSS, accessible_name, page_a11y_js

EXPLORERS = sorted(n for n in widgets.__all__ if n.endswith("Explorer") and n != "Explorer")


@pytest.fixture(scope="module")
def explorers():
    return {name: getattr(widgets, name)() for name in EXPLORERS}


@pytest.mark.parametrize("name", EXPLORERS)
def test_every_control_has_a_name_that_says_what_it_sets(name, explorers):
    explorer = explorers[name]
    for key, control in explorer.controls.items():
        text = accessible_name(control)
        # A name, not a label: "model" or "MFU" alone does not say what it sets; the kit's names run to some words.
        assert len(text.split()) >= 3, f"{name}.{key}: accessible name {text!r}"
        assert control.tooltip, f"{name}.{key}: no tooltip (its full name), only the description {control.description!r}"


@pytest.mark.parametrize("name", EXPLORERS)
def test_slider_names_give_a_unit_or_say_it_is_a_count(name, explorers):
    """A slider's name says in which unit it moves ("in FLOP", "per year", "a count", "a share")."""
    units = re.compile(r"\b(in|per|a count|a share|times|a multiple|percent|sigma|seed|year|quarter|stage|steps"
                       r"|sequences|tokens|accelerators|replicas|sites|size|fraction|months|years|over)\b")
    for key, control in explorers[name].controls.items():
        if isinstance(control, (ipw.FloatSlider, ipw.FloatLogSlider, ipw.IntSlider)):
            assert units.search(accessible_name(control)), f"{name}.{key}: {accessible_name(control)!r} gives no unit"


def test_control_names_must_name_controls():
    class Misnamed(widgets.ScalingExplorer):
        CONTROL_NAMES = {**widgets.ScalingExplorer.CONTROL_NAMES, "budgett": "a typo"}

    with pytest.raises(TypeError, match="budgett"):
        Misnamed()


def test_a_tooltip_the_explorer_set_wins_over_control_names(explorers):
    planner = explorers["PlannerExplorer"]
    assert planner.controls["budget_usd"].tooltip == "cash the lab can commit to get the model trained, in dollars"
    assert planner.controls["view"].tooltip == widgets.PlannerExplorer.CONTROL_NAMES["view"]


@pytest.mark.parametrize("name", EXPLORERS)
def test_the_page_finds_every_menus_name(name, explorers):
    """ipywidgets drops a menu's tooltip, so the explorer lists names by label in a hidden element for the script."""
    explorer = explorers[name]
    hidden = explorer.widget.children[-1]
    match = re.search(r'class="ce-control-names" hidden data-names="([^"]*)"', hidden.value)
    assert match, "no list of control names in the explorer's hidden element"
    names = json.loads(html.unescape(match.group(1)))
    for control in explorer.controls.values():
        if isinstance(control, ipw.Dropdown) and control.description:
            assert names[control.description] == accessible_name(control)


def test_the_page_script_and_styles_ship_with_the_package():
    script = page_a11y_js()
    for needle in ("aria-label", "aria-valuetext", 'role", "status"', "data-lm-suppress-shortcuts", "ce-control-names"):
        assert needle in script
    assert f".{SR_ONLY_CLASS}" in EXPLORER_CSS and ":focus-visible" in EXPLORER_CSS
