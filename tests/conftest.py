"""Test-suite settings shared by every test file.

Hypothesis: with ``CI=true`` (``.ci/run``) examples are derandomised (the same inputs every run,
no example database), so a red CI run is reproducible on any machine; locally it explores freely.
"""

from __future__ import annotations

import os
import sys

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI", "").lower() in {"1", "true", "yes"} else "dev")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Report the contract test's counts (callables, calls, share meeting the contract)."""
    contract = sys.modules.get("test_contract")
    stats = getattr(contract, "STATS", None)
    if stats and stats["calls"]:
        share = 100.0 * stats["met"] / stats["calls"]
        terminalreporter.write_line(
            f"contract: {stats['callables']} public callables fuzzed, {stats['calls']} calls with bad or drawn "
            f"values, {stats['met']} ({share:.1f} %) met the contract")


@pytest.fixture(scope="session")
def book_dir():
    """The static book, built once per session (or reused while its inputs are unchanged): tests/_book.py."""
    from _book import BookBuildFailed, built_book

    try:
        return built_book()
    except BookBuildFailed as exc:
        pytest.fail(str(exc))
