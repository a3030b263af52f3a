"""The hub's load test, short (``make hub-load`` runs the class sizes 1, 10, 20 and 40; see hub/load.py).

Two learners log in to a real hub on localhost, run lesson 1's code in their kernels, and move its
explorer's slider together through the hub's proxy, as JupyterLab sends a slider's move. Every move must get
the explorer's new picture back; the measurement itself (latency, memory, CPU) is the load test's table in
INSTRUCTORS.md, not an assertion here.
"""

from __future__ import annotations

import math

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def two_learners():
    from hub import load

    return load.run(levels=[1, 2], burst=6, gap_ms=50.0, timeout_s=60.0)


def test_a_class_of_two_moves_the_slider_through_the_hub(two_learners):
    first, second = two_learners
    assert [r.learners for r in two_learners] == [1, 2] and [r.started_now for r in two_learners] == [1, 1]
    for r in two_learners:
        assert r.failures == []
        assert r.moves == 6 * r.learners
        assert r.patched_share == 1.0, "a move came back without the explorer's new picture"
        assert 0 < r.update_median_ms <= r.update_p95_ms <= r.update_max_ms
        assert r.server_start_median_s > 0 and r.lesson_median_s > 0


def test_memory_and_cpu_are_measured_for_every_learner(two_learners):
    for r in two_learners:
        for mb in (r.server_rss_mb, r.kernel_rss_mb, r.server_uss_mb, r.kernel_uss_mb):
            assert math.isfinite(mb) and 10 < mb < 5_000
        assert r.kernel_uss_mb <= r.kernel_rss_mb
        assert 0 < r.kernel_cpu_share_during_burst < 2


def test_levels_must_grow():
    from hub import load

    with pytest.raises(ValueError, match="levels must be increasing"):
        load.run(levels=[10, 1])
    with pytest.raises(ValueError, match="levels must be increasing"):
        load.run(levels=[0])


def test_the_table_has_a_row_per_size(two_learners):
    from hub import load

    rows = [load._row(r) for r in two_learners]
    head_columns = load.TABLE_HEAD.splitlines()[0].count("|")
    assert all(row.count("|") == head_columns for row in rows)
    assert rows[0].startswith("| 1 |") and rows[1].startswith("| 2 |")
