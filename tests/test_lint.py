"""Lint and types hold for the whole kit (issue 10): ruff and mypy, configured in pyproject.toml.

They run inside `make test` (so in CI) as tests; `make lint` runs the same two commands alone.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing():
    out = _run(str(BIN / "ruff"), "check", "--no-cache", ".")
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def test_mypy_finds_nothing():
    out = _run(sys.executable, "-m", "mypy", "--no-incremental")
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
