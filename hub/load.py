"""Load test of a real hub: a class logs in, runs a lesson, and moves a slider together (``make hub-load``).

For each class size N (default 1, 10, 20, 40), on one hub started with :func:`hub.harness.running_hub`:

1. the learners not yet logged in are added and their servers started *at once* (as a class does when the
   instructor says "log in"): the seconds each server takes to answer;
2. each new learner's kernel runs a lesson's code cells in order (``lessons/01_scaling_laws.ipynb`` by
   default), as Run All does, then shows the lesson's explorer;
3. all N learners move the explorer's main slider together, ``--burst`` times each, ``--gap-ms`` apart: each
   move is what JupyterLab sends when a slider moves (an ipywidgets ``comm_msg`` with the new value, over the
   kernel's websocket through the hub's proxy), and its latency is the time until the kernel has sent the
   explorer's new picture and is idle again: what the learner waits for before the plot can change;
4. memory per learner (resident and unique, of the server and of the kernel, from psutil by process id) and
   the CPU the kernels used during the burst.

Failures (a server that does not start, a cell that raises, a move with no answer within ``--timeout``) are
counted, not hidden. Everything the hub started is stopped by process id when the run ends.

Run ``python -m hub.load --help``; ``make hub-load`` runs the full sizes and writes the table to
``test-artifacts/hub-load.md`` (and JSON beside it).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hub.kernel_client import KernelSession

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
LESSON = ROOT / "lessons" / "01_scaling_laws.ipynb"

#: What each learner's kernel shows after the lesson: the explorer whose main slider the class moves.
EXPLORER_CODE = """
from widgets import ScalingExplorer
from IPython.display import display
_load_explorer = ScalingExplorer()
display(_load_explorer)
_load_slider = _load_explorer.controls["budget"]
print(_load_slider.model_id, _load_slider.base, _load_slider.min, _load_slider.max, _load_slider.step)
"""


def lesson_cells(path: Path = LESSON) -> list[str]:
    """The code cells of a lesson, in order (what Run All executes)."""
    import nbformat

    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code" and c.source.strip()]


# -- one class size --------------------------------------------------------------------------------------------

@dataclass
class Learner:
    name: str
    session: KernelSession | None = None
    comm_id: str = ""
    values: list[float] = field(default_factory=list)
    start_s: float = float("nan")
    lesson_s: float = float("nan")


@dataclass
class LevelResult:
    """What one class size measured (times in seconds unless named ms, memory in MB)."""

    learners: int
    started_now: int
    server_start_median_s: float
    server_start_max_s: float
    lesson_median_s: float
    moves: int
    update_median_ms: float
    update_p95_ms: float
    update_max_ms: float
    patched_share: float
    server_rss_mb: float
    kernel_rss_mb: float
    server_uss_mb: float
    kernel_uss_mb: float
    kernel_cpu_share_during_burst: float
    burst_s: float
    failures: list[str]


def _percentile(xs: Sequence[float], q: float) -> float:
    s = sorted(xs)
    if not s:
        return float("nan")
    k = (len(s) - 1) * q / 100.0
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def _memory(hub: Any, learners: Sequence[Learner]) -> tuple[list[float], list[float], list[float], list[float], list]:
    """Resident and unique MB of each learner's server and kernels (psutil, by the server's pid), and the kernels'
    processes."""
    import psutil

    srv_rss, ker_rss, srv_uss, ker_uss, kernels = [], [], [], [], []
    for learner in learners:
        pid = hub.server_pid(learner.name)
        if pid is None:
            continue
        server = psutil.Process(pid)
        info = server.memory_full_info()
        srv_rss.append(info.rss / 1e6)
        srv_uss.append(info.uss / 1e6)
        for child in server.children(recursive=True):
            if "ipykernel" in " ".join(child.cmdline()):
                k = child.memory_full_info()
                ker_rss.append(k.rss / 1e6)
                ker_uss.append(k.uss / 1e6)
                kernels.append(child)
    return srv_rss, ker_rss, srv_uss, ker_uss, kernels


def run_level(hub: Any, learners: list[Learner], new: list[Learner], cells: Sequence[str], *, burst: int,
              gap_ms: float, timeout_s: float) -> LevelResult:
    """Log ``new`` in, run the lesson in their kernels, then move every learner's slider ``burst`` times together."""
    failures: list[str] = []
    hub.add_users([learner.name for learner in new])

    def start(learner: Learner) -> None:
        learner.start_s = hub.start_server(learner.name, timeout_s=600)

    def prepare(learner: Learner) -> None:
        learner.session = KernelSession(hub.server_url(learner.name), hub.user_token(learner.name))
        t0 = time.perf_counter()
        for cell in cells:
            learner.session.execute(cell, timeout_s=600)
        got, _ = learner.session.execute(EXPLORER_CODE, timeout_s=600)
        learner.lesson_s = time.perf_counter() - t0
        text = "".join(m["content"].get("text", "") for m in got if m["msg_type"] == "stream")
        comm_id, base_text, low, high, step = text.split()[-5:]
        learner.comm_id = comm_id
        base, lo, hi, st = float(base_text), float(low), float(high), float(step)
        n = int(round((hi - lo) / st))
        learner.values = [base ** (lo + st * ((i * 7) % (n + 1))) for i in range(1, burst + 1)]

    with cf.ThreadPoolExecutor(max_workers=max(1, len(new))) as pool:
        for learner, fut in [(lr, pool.submit(start, lr)) for lr in new]:
            try:
                fut.result()
            except Exception as err:  # noqa: BLE001 - counted and reported
                failures.append(f"{learner.name}: server did not start: {err}")
    with cf.ThreadPoolExecutor(max_workers=max(1, len(new))) as pool:
        for learner, fut in [(lr, pool.submit(prepare, lr)) for lr in new if lr.start_s == lr.start_s]:
            try:
                fut.result()
            except Exception as err:  # noqa: BLE001
                failures.append(f"{learner.name}: lesson failed: {err}")

    ready = [lr for lr in learners if lr.session is not None and lr.comm_id]
    for learner in ready:  # idle while the others logged in: the server may have dropped the websocket
        assert learner.session is not None
        learner.session.reconnect()
    _, _, _, _, kernels = _memory(hub, ready)
    cpu0 = sum(sum(k.cpu_times()[:2]) for k in kernels)
    latencies: list[float] = []
    patched: list[bool] = []
    lock = threading.Lock()
    barrier = threading.Barrier(max(1, len(ready)))

    def burst_of(learner: Learner) -> None:
        assert learner.session is not None
        barrier.wait()
        for value in learner.values:
            t_next = time.perf_counter() + gap_ms / 1000.0
            try:
                seconds, got_patch = learner.session.move(learner.comm_id, value, timeout_s=timeout_s)
            except Exception as err:  # noqa: BLE001
                with lock:
                    failures.append(f"{learner.name}: a move failed: {err}")
                continue
            with lock:
                latencies.append(seconds)
                patched.append(got_patch)
            time.sleep(max(0.0, t_next - time.perf_counter()))

    t0 = time.perf_counter()
    with cf.ThreadPoolExecutor(max_workers=max(1, len(ready))) as pool:
        list(pool.map(burst_of, ready))
    burst_s = time.perf_counter() - t0
    cpu1 = sum(sum(k.cpu_times()[:2]) for k in kernels if k.is_running())
    srv_rss, ker_rss, srv_uss, ker_uss, _ = _memory(hub, ready)
    mean = lambda xs: statistics.fmean(xs) if xs else float("nan")  # noqa: E731
    starts = [lr.start_s for lr in new if lr.start_s == lr.start_s]
    lessons = [lr.lesson_s for lr in new if lr.lesson_s == lr.lesson_s]
    return LevelResult(
        learners=len(learners), started_now=len(new),
        server_start_median_s=statistics.median(starts) if starts else float("nan"),
        server_start_max_s=max(starts) if starts else float("nan"),
        lesson_median_s=statistics.median(lessons) if lessons else float("nan"),
        moves=len(latencies), update_median_ms=1e3 * _percentile(latencies, 50),
        update_p95_ms=1e3 * _percentile(latencies, 95), update_max_ms=1e3 * max(latencies, default=float("nan")),
        patched_share=(sum(patched) / len(patched)) if patched else 0.0,
        server_rss_mb=mean(srv_rss), kernel_rss_mb=mean(ker_rss), server_uss_mb=mean(srv_uss),
        kernel_uss_mb=mean(ker_uss), kernel_cpu_share_during_burst=(cpu1 - cpu0) / burst_s / max(1, len(ready)),
        burst_s=burst_s, failures=failures)


def run(levels: Sequence[int] = (1, 10, 20, 40), *, burst: int = 20, gap_ms: float = 200.0, timeout_s: float = 30.0,
        lesson: Path = LESSON, work: Path | None = None) -> list[LevelResult]:
    """Grow one hub's class through ``levels`` (learners logged in so far), measuring each (see the module doc)."""
    from hub.harness import running_hub

    if list(levels) != sorted(set(levels)) or not levels or levels[0] < 1:
        raise ValueError(f"levels must be increasing class sizes of at least 1, got {list(levels)!r}")
    cells = lesson_cells(lesson)
    results: list[LevelResult] = []
    with tempfile.TemporaryDirectory(prefix="ce-hub-load-") as tmp:
        with running_hub(Path(work) if work else Path(tmp), log=ARTIFACTS / "hub-load-hub.log") as hub:
            learners: list[Learner] = []
            try:
                for n in levels:
                    new = [Learner(f"learner{i + 1:02d}") for i in range(len(learners), n)]
                    learners += new
                    result = run_level(hub, learners, new, cells, burst=burst, gap_ms=gap_ms, timeout_s=timeout_s)
                    results.append(result)
                    print(_row(result), flush=True)
            finally:
                for learner in learners:
                    if learner.session is not None:
                        learner.session.close()
    return results


TABLE_HEAD = ("| learners | servers started at once: median / max (s) | lesson run (s, median) | slider update "
              "median / p95 / max (ms) | new picture sent | memory per learner: server + kernel, resident (MB) | "
              "unique (MB) | kernel CPU per learner while moving | failures |\n"
              "|---|---|---|---|---|---|---|---|---|")


def _row(r: LevelResult) -> str:
    return (f"| {r.learners} | {r.started_now}: {r.server_start_median_s:.1f} / {r.server_start_max_s:.1f} | "
            f"{r.lesson_median_s:.1f} | {r.update_median_ms:.0f} / {r.update_p95_ms:.0f} / {r.update_max_ms:.0f} | "
            f"{100 * r.patched_share:.0f} % | {r.server_rss_mb:.0f} + {r.kernel_rss_mb:.0f} | "
            f"{r.server_uss_mb:.0f} + {r.kernel_uss_mb:.0f} | {100 * r.kernel_cpu_share_during_burst:.0f} % of a core | "
            f"{len(r.failures)} |")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--levels", type=int, nargs="+", default=[1, 10, 20, 40], help="class sizes, increasing")
    ap.add_argument("--burst", type=int, default=20, help="slider moves per learner per size (default 20)")
    ap.add_argument("--gap-ms", type=float, default=200.0, help="pause between one learner's moves (default 200)")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds a move may take before it counts as failed")
    ap.add_argument("--out", type=Path, default=ARTIFACTS / "hub-load.md", help="where the table goes (and .json)")
    args = ap.parse_args(argv)
    print(TABLE_HEAD, flush=True)
    results = run(args.levels, burst=args.burst, gap_ms=args.gap_ms, timeout_s=args.timeout)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    import os
    import platform

    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    args.out.write_text(f"Hub load test on {machine}; burst of {args.burst} moves per learner, "
                        f"{args.gap_ms:.0f} ms apart.\n\n{TABLE_HEAD}\n" + "\n".join(_row(r) for r in results) + "\n")
    args.out.with_suffix(".json").write_text(json.dumps([asdict(r) for r in results], indent=1))
    for r in results:
        for f in r.failures[:10]:
            print(f"  failure at {r.learners}: {f}", file=sys.stderr)
    print(f"wrote {args.out}")
    return 1 if any(r.failures for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
