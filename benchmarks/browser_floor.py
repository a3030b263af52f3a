"""The floor under the browser benchmark: the thinnest slider -> Bokeh update, measured as the kit's explorers are.

``python benchmarks/browser_floor.py`` (``--help``) measures, with the very probe of
``browser_latency.py`` (same JupyterLab set-up, same Chromium, same key presses and stamps), a
*floor* cell: one ``ipywidgets.IntSlider`` (``.ce-primary-slider``), one ``HTML`` readout
(``.ce-readout``) and one small Bokeh figure (one line of 50 points, fixed ranges) shown through
``jupyter_bokeh.BokehModel``, whose observer assigns the ``ColumnDataSource``'s data; no kit code.
The floor cell is measured in an otherwise empty notebook (``floor-empty``) and appended to a copy
of a real lesson, run whole, so the page around it holds that lesson's text, tables and explorers
(``floor-in-02``). Rounds interleave the floors with the kit's lessons (``--lessons``), so a load on
the machine affects both alike; the load average and the CPU pressure (Linux PSI, the share of
the last 10 s in which a runnable task waited for a CPU) are printed for each explorer. With
``--variant`` (repeatable) each round runs every notebook once per lab set-up (``VARIANTS``: extra
JupyterLab user settings and kernel environment), each with its own server and browser.

The floor is what no kit-side change can beat on this machine: the rest of an explorer's time is
what the kit adds (its plots, its page) to the same path.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_latency import (CHROMIUM, CHROMIUM_ARGS, NAME_JS, PROBE_JS, ROOT, USER_SETTINGS,  # noqa: E402
                             LabDriver, _explorer_name, lab_server, measure, print_table, summarise)

FLOOR_CELL = '''\
import numpy as np
import ipywidgets as ipw
from bokeh.io import output_notebook
from bokeh.models import ColumnDataSource
from bokeh.plotting import figure
from jupyter_bokeh.widgets import BokehModel

output_notebook(hide_banner=True)
floor_x = np.linspace(0.0, 1.0, 50)
floor_source = ColumnDataSource(data=dict(x=floor_x, y=floor_x))
floor_fig = figure(width=450, height=300, x_range=(0, 1), y_range=(0, 11), title="floor")
floor_fig.line("x", "y", source=floor_source, line_width=2)
floor_slider = ipw.IntSlider(value=1, min=0, max=10, description="k")
floor_slider.add_class("ce-primary-slider")
floor_readout = ipw.HTML("k = 1")
floor_readout.add_class("ce-readout")

def floor_update(change):
    floor_source.data = dict(x=floor_x, y=change["new"] * floor_x ** 2 + 0.5)
    floor_readout.value = f"k = {change['new']}"

floor_slider.observe(floor_update, names="value")
# The kit's explorers turn noUiSlider's 300 ms "tap" animation off (widgets._base.EXPLORER_CSS); so does the floor.
floor_box = ipw.VBox([floor_slider, floor_readout, BokehModel(floor_fig), ipw.HTML(
    "<style>.ce-floor .noUi-state-tap .noUi-connect, .ce-floor .noUi-state-tap .noUi-origin "
    "{ transition: none; }</style>", layout=ipw.Layout(display="none"))])
floor_box.add_class("ce-floor")
floor_box
'''


def _code_cell(source: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": f"floor-{abs(hash(source)) % 10**8}",
            "metadata": {}, "outputs": [], "source": source.splitlines(keepends=True)}


def write_floor_notebooks(where: Path, padded_from: list[str]) -> dict[str, str]:
    """The floor notebooks, by label -> path relative to ROOT."""
    out = {}
    empty = {"cells": [_code_cell(FLOOR_CELL)], "metadata": {"kernelspec": {
        "display_name": "Python 3", "language": "python", "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}
    (where / "floor-empty.ipynb").write_text(json.dumps(empty))
    out["floor-empty"] = (where / "floor-empty.ipynb").relative_to(ROOT).as_posix()
    for lesson in padded_from:
        nb = json.loads((ROOT / lesson).read_text())
        nb["cells"].append(_code_cell(FLOOR_CELL))
        label = f"floor-in-{Path(lesson).name[:2]}"
        # Next to the lessons, so their relative paths (data, images) still resolve.
        path = ROOT / "lessons" / f"_{label}.ipynb"
        path.write_text(json.dumps(nb))
        out[label] = path.relative_to(ROOT).as_posix()
    return out


# Lab set-ups to compare in one run (--variant): extra user settings and kernel environment.
VARIANTS = {
    "base": ({}, {}),
    # The notebook toolbar's execution indicator: a React item in a FAST toolbar; each kernel status change
    # re-renders it and the toolbar re-lists its focusable items (getClientRects: a layout of the page).
    "noexec": ({"@jupyterlab/notebook-extension/panel.jupyterlab-settings": {
        "toolbar": [{"name": "executionProgress", "disabled": True}]}}, {}),
    # ... and ipywidgets' echo of every value the page sends (one more message before the plot's patch).
    "noexec+noecho": ({"@jupyterlab/notebook-extension/panel.jupyterlab-settings": {
        "toolbar": [{"name": "executionProgress", "disabled": True}]}}, {"JUPYTER_WIDGETS_ECHO": "0"}),
}


def _cpu_pressure() -> float | None:
    """Linux PSI: the share of the last 10 s in which some runnable task waited for a CPU (%), or None."""
    try:
        return float(Path("/proc/pressure/cpu").read_text().split()[1].split("=")[1])
    except (OSError, IndexError, ValueError):
        return None


def measure_notebook(page, lab: LabDriver, rel: str, label: str, moves: int, gap_ms: float,
                     floor_only: bool) -> list[dict]:
    lab.open_notebook(rel)
    lab.run_all(timeout_ms=300_000)
    page.wait_for_timeout(1000)
    page.evaluate(PROBE_JS)
    results = []
    count = page.evaluate("() => window.__ceLatency.count()")
    for index in range(count):
        src = page.evaluate(NAME_JS, index)
        is_floor = "floor_slider" in src
        if floor_only and not is_floor:
            continue
        name = label if is_floor else f"{_explorer_name(src)} (lesson {label[:2]})"
        load = os.getloadavg()[0]
        pressure = _cpu_pressure()
        r = summarise(name, measure(page, lab, index, moves, gap_ms))
        r["load1"] = load
        r["cpu_pressure_avg10_start"] = pressure
        r["cpu_pressure_avg10_end"] = _cpu_pressure()
        results.append(r)
        print(f"  {name}: median {r['median_ms']:.0f} ms, sent->doc {r['kernel_median_ms']:.0f}, "
              f"doc->frame {r['redraw_median_ms']:.0f} (load {load:.2f}, cpu pressure {pressure}->{r['cpu_pressure_avg10_end']} %)", file=sys.stderr, flush=True)
    lab.shutdown_kernels()
    return results


def _round(plan, settings: dict, args, tag: str) -> list[dict]:
    from playwright.sync_api import sync_playwright

    results = []
    with tempfile.TemporaryDirectory() as tmp, \
            lab_server(Path(tmp), settings, Path(tmp) / "jupyter-lab.log") as url, \
            sync_playwright() as p:
        print(f"{tag} (load {os.getloadavg()[0]:.2f}, cpu pressure {_cpu_pressure()} %)", file=sys.stderr, flush=True)
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1366, "height": 850}).new_page()
        lab = LabDriver(url, page)
        for label, rel, floor_only in plan:
            results += measure_notebook(page, lab, rel, label, args.moves, args.gap_ms, floor_only)
        browser.close()
    for r in results:
        r["variant"] = tag
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=24)
    ap.add_argument("--gap-ms", type=float, default=250)
    ap.add_argument("--rounds", type=int, default=2, help="rounds of (floors, lessons), interleaved")
    ap.add_argument("--lessons", nargs="*", default=["lessons/00_compute_is_the_new_currency.ipynb",
                                                     "lessons/02_from_flop_to_dollars.ipynb"])
    ap.add_argument("--pad-with", nargs="*", default=["lessons/02_from_flop_to_dollars.ipynb"])
    ap.add_argument("--no-floor", action="store_true")
    ap.add_argument("--variant", action="append", choices=sorted(VARIANTS),
                    help="lab set-up(s) to compare, each round in turn (default: base)")
    ap.add_argument("--json", type=Path, help="write every round's results here")
    args = ap.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="_floor-", dir=ROOT / "benchmarks"))
    floors = {} if args.no_floor else write_floor_notebooks(scratch, args.pad_with)
    # Interleaved: floor-empty, first lesson, padded floor, second lesson, ...
    fl = [(label, rel, True) for label, rel in floors.items()]
    ks = [(Path(lesson).name, lesson, False) for lesson in args.lessons]
    plan = [x for pair in itertools.zip_longest(fl, ks) for x in pair if x]
    all_rounds = []
    variants = args.variant or ["base"]
    try:
        for rnd in range(args.rounds):
            for variant in variants:
                extra_settings, extra_env = VARIANTS[variant]
                saved_env = {k: os.environ.get(k) for k in extra_env}
                os.environ.update(extra_env)
                try:
                    results = _round(plan, {**USER_SETTINGS, **extra_settings}, args, f"{variant} r{rnd + 1}")
                finally:
                    for k, v in saved_env.items():
                        if v is None:
                            os.environ.pop(k, None)
                        else:
                            os.environ[k] = v
                print(f"\nVariant {variant}, round {rnd + 1}, load average at end {os.getloadavg()[0]:.2f}, "
                      f"cpu pressure avg10 {_cpu_pressure()} %\n")
                measured = [r for r in results if not r["name"].startswith("floor")]
                kit = print_table(measured) if measured else None
                print()
                print_table([r for r in results if r["name"].startswith("floor")], total="floors (all presses)",
                            targets=False)
                all_rounds.append(dict(variant=variant, round=rnd + 1, results=results, kit=kit))
                sys.stdout.flush()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        for label in floors:
            if label != "floor-empty":
                (ROOT / "lessons" / f"_{label}.ipynb").unlink(missing_ok=True)
    if args.json:
        args.json.write_text(json.dumps(all_rounds, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
