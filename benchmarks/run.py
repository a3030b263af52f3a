"""Benchmarks: how fast an explorer answers a slider move, against a naive baseline.

Run with ``make bench`` (or ``python benchmarks/run.py``). Prints a table; nothing
here asserts a time (timings belong in a benchmark, not in a test).

What is timed
-------------
* **explorer**: setting a control's ``.value`` on a built explorer, i.e. the
  observer, the vectorised model call, the assignment of new columns to the
  ``ColumnDataSource``s and Bokeh's serialisation of the document patch that
  ``jupyter_bokeh.BokehModel`` sends to the browser. One sample per change,
  a few hundred changes over the control's whole range.
* **naive baseline**: what a typical ``interact`` notebook does per change:
  evaluate the model point by point in a Python loop, search the grid for the
  optimum, then build new Bokeh figures and serialise a fresh document for
  display (``BokehModel(figure)``, the same bundle ``show`` would send).
* **lessons**: wall time to execute each lesson headless with nbclient
  (kernel start included), as "Restart and run all" would.

Targets (issue #2): explorer median under 5 ms, and at least 20x faster than the baseline.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bokeh.layouts import row  # noqa: E402
from bokeh.plotting import figure  # noqa: E402
from jupyter_bokeh.widgets import BokehModel  # noqa: E402

from compute_econ import costs, hardware, scaling, training, trends  # noqa: E402
from widgets import ComputeTrendExplorer, RooflineExplorer, ScalingExplorer, TrainingCostExplorer  # noqa: E402
from widgets.scaling import DECADES_FLOP, HALF_WIDTH_DECADES, N_POINTS  # noqa: E402

TARGET_MEDIAN_MS = 5.0
TARGET_SPEEDUP = 20.0


def _time_changes(set_value, values) -> list[float]:
    out = []
    for v in values:
        t0 = time.perf_counter()
        set_value(v)
        out.append(time.perf_counter() - t0)
    return out


# -- naive baselines ------------------------------------------------------------
def naive_scaling_update(budget: float, fit_key: str) -> BokehModel:
    """Per change: scalar model calls in Python loops, a grid search, new figures, new document."""
    fit = scaling.FITS[fit_key]
    curves = []
    for c in list(DECADES_FLOP) + [budget]:
        ns = [10 ** (6 + 10 * i / 399) for i in range(400)]  # a fixed grid, searched point by point
        losses = [float(fit.loss(n, c / (6 * n))) for n in ns]
        best = min(range(len(ns)), key=losses.__getitem__)
        centre = ns[best]
        lo, hi = centre / 10**HALF_WIDTH_DECADES, centre * 10**HALF_WIDTH_DECADES
        xs = [lo * (hi / lo) ** (k / (N_POINTS - 1)) for k in range(N_POINTS)]
        curves.append((xs, [float(fit.loss(n, c / (6 * n))) for n in xs], centre, losses[best]))
    iso = figure(x_axis_type="log", width=520, height=400)
    for xs, ys, n_best, l_best in curves:
        iso.line(xs, ys)
        iso.scatter([n_best], [l_best])
    cs = [10 ** (18 + 10 * i / 40) for i in range(41)]
    tpp = figure(x_axis_type="log", y_axis_type="log", width=520, height=400)
    tpp.line(cs, [float(scaling.compute_optimal(c, fit=fit).tokens_per_param) for c in cs])
    return BokehModel(row(iso, tpp))


def naive_trend_update(year: int, runs: trends.TrainingRuns) -> BokehModel:
    """Per change: refit in a Python loop, project point by point, new figure, new document."""
    ys = [math.log10(v) for v in runs.training_flop]
    xs = list(runs.year)
    sel = [(x, y) for x, y in zip(xs, ys) if x >= 2017]
    n = len(sel)
    mx = sum(x for x, _ in sel) / n
    my = sum(y for _, y in sel) / n
    sxx = sum((x - mx) ** 2 for x, _ in sel)
    b = sum((x - mx) * (y - my) for x, y in sel) / sxx
    s = math.sqrt(sum((y - my - b * (x - mx)) ** 2 for x, y in sel) / (n - 2))
    t = 1.7  # ~t quantile for 90%, as a hand-written notebook would hard-code it
    grid = [2017 + (year - 2017) * k / 49 for k in range(50)]
    half = [t * s * math.sqrt(1 + 1 / n + (g - mx) ** 2 / sxx) for g in grid]
    centre = [my + b * (g - mx) for g in grid]
    p = figure(y_axis_type="log", width=900, height=440)
    p.scatter(xs, list(runs.training_flop))
    p.line(grid, [10**c for c in centre])
    p.varea(grid, [10 ** (c - h) for c, h in zip(centre, half)], [10 ** (c + h) for c, h in zip(centre, half)])
    return BokehModel(p)


def naive_roofline_update(batch: int, acc_name: str) -> BokehModel:
    """Per change: the roofline point by point in Python, each operation by hand, a new figure and document."""
    acc = hardware.get_accelerator(acc_name)
    peak, bw = acc.peak_flop_per_s, acc.memory_bytes_per_s
    xs = [10 ** (-1 + 6 * i / 199) for i in range(200)]
    ys = [min(peak, x * bw) for x in xs]
    ops = [float(hardware.matmul_intensity(4096, 4096, 4096))] + [
        float(hardware.decode_intensity(b)) for b in (1, 8, 32, 128, 256, batch)]
    p = figure(x_axis_type="log", y_axis_type="log", width=820, height=430)
    p.line(xs, ys)
    p.scatter(ops, [min(peak, o * bw) for o in ops])
    return BokehModel(p)


def naive_training_cost_update(n_params: float, n_tokens: float) -> BokehModel:
    """Per change: every point of every curve in a Python loop, three new figures, a new document."""
    acc = hardware.get_accelerator("NVIDIA H100 SXM")
    flop = float(scaling.training_flop(n_params, n_tokens))
    sizes = [2**k for k in range(3, 19)]
    days = [float(training.wall_clock_days(flop, acc.peak_flop_per_s, 0.4, n)) for n in sizes]
    us = [0.05 + 0.95 * i / 95 for i in range(96)]
    owned = [float(costs.owned_cost_per_accelerator_hour(costs.H100_OWNERSHIP, u)) for u in us]
    hours = float(training.accelerator_hours(flop, acc.peak_flop_per_s, 0.4))
    b = figure(x_range=["rent", "own"], width=380, height=360)
    b.vbar(x=["rent", "own"], top=[hours * 3.49, hours * owned[-1]], width=0.6)
    d = figure(x_axis_type="log", y_axis_type="log", width=330, height=360)
    d.line(sizes, days)
    o = figure(width=360, height=360, y_axis_type="log")
    o.line(us, owned)
    return BokehModel(row(b, d, o))


# -- runs ---------------------------------------------------------------------------
def bench_scaling(n_changes: int) -> dict:
    ex = ScalingExplorer()
    budgets = np.logspace(18, 28, n_changes)
    rng = np.random.default_rng(0)
    rng.shuffle(budgets)
    fast = _time_changes(lambda v: setattr(ex.controls["budget"], "value", float(v)), budgets)
    n_naive = max(10, n_changes // 10)
    naive = _time_changes(lambda v: naive_scaling_update(float(v), "hoffmann2022"), budgets[:n_naive])
    return dict(name="ScalingExplorer: budget slider", fast=fast, naive=naive)


def bench_trend(n_changes: int) -> dict:
    ex = ComputeTrendExplorer(local_flop_per_s=1e11)
    years = np.tile(np.arange(2025, 2036), n_changes // 11 + 1)[:n_changes]
    years = np.where(np.arange(n_changes) % 2 == 0, years, 2030)  # every sample is a real change
    fast = _time_changes(lambda v: setattr(ex.controls["year"], "value", int(v)), years)
    runs = trends.load_training_runs()
    n_naive = max(10, n_changes // 10)
    naive = _time_changes(lambda v: naive_trend_update(int(v), runs), years[:n_naive])
    return dict(name="ComputeTrendExplorer: year slider", fast=fast, naive=naive)


def bench_roofline(n_changes: int) -> dict:
    ex = RooflineExplorer()
    batches = np.resize(np.arange(1, 257), n_changes)
    fast = _time_changes(lambda v: setattr(ex.controls["batch_size"], "value", int(v)), batches)
    n_naive = max(10, n_changes // 10)
    naive = _time_changes(lambda v: naive_roofline_update(int(v), "NVIDIA H100 SXM"), batches[:n_naive])
    return dict(name="RooflineExplorer: batch-size slider", fast=fast, naive=naive)


def bench_training_cost(n_changes: int) -> dict:
    ex = TrainingCostExplorer()
    params = np.logspace(8, 13, n_changes)
    np.random.default_rng(1).shuffle(params)
    fast = _time_changes(lambda v: setattr(ex.controls["n_params"], "value", float(v)), params)
    n_naive = max(10, n_changes // 10)
    naive = _time_changes(lambda v: naive_training_cost_update(float(v), 1.4e12), params[:n_naive])
    return dict(name="TrainingCostExplorer: parameters slider", fast=fast, naive=naive)


def bench_lessons() -> list[dict]:
    import nbformat
    from nbclient import NotebookClient

    out = []
    for path in sorted((ROOT / "lessons").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        t0 = time.perf_counter()
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        out.append(dict(lesson=path.name, seconds=time.perf_counter() - t0))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--changes", type=int, default=300, help="slider changes per explorer (default 300)")
    ap.add_argument("--no-lessons", action="store_true", help="skip timing lesson execution")
    args = ap.parse_args()

    print(f"compute-econ benchmarks · Python {platform.python_version()} · {platform.machine()} · "
          f"numpy {np.__version__}\n")
    rows = []
    print(f"| explorer update | n | median ms | p90 ms | naive median ms | speed-up | targets (<{TARGET_MEDIAN_MS:g} ms, ≥{TARGET_SPEEDUP:g}×) |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for result in (bench_scaling(args.changes), bench_trend(args.changes), bench_roofline(args.changes),
                   bench_training_cost(args.changes)):
        fast_ms = statistics.median(result["fast"]) * 1e3
        p90_ms = float(np.percentile(result["fast"], 90)) * 1e3
        naive_ms = statistics.median(result["naive"]) * 1e3
        speedup = naive_ms / fast_ms
        ok = fast_ms < TARGET_MEDIAN_MS and speedup >= TARGET_SPEEDUP
        rows.append(dict(name=result["name"], n=len(result["fast"]), median_ms=fast_ms, p90_ms=p90_ms,
                         naive_median_ms=naive_ms, n_naive=len(result["naive"]), speedup=speedup, meets_targets=ok))
        print(f"| {result['name']} | {len(result['fast'])} | {fast_ms:.2f} | {p90_ms:.2f} | {naive_ms:.1f} "
              f"(n={len(result['naive'])}) | {speedup:.0f}× | {'met' if ok else 'MISSED'} |")

    lessons = [] if args.no_lessons else bench_lessons()
    if lessons:
        print("\n| lesson (headless, nbclient, kernel start included) | seconds |")
        print("|---|---:|")
        for item in lessons:
            print(f"| {item['lesson']} | {item['seconds']:.1f} |")
        print(f"| **all lessons** | **{sum(i['seconds'] for i in lessons):.1f}** |")

    results_dir = ROOT / "benchmarks" / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / "latest.json").write_text(json.dumps(dict(explorers=rows, lessons=lessons), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
