"""The static book, built once for the tests (tests/test_book.py and tests/browser/test_book_in_browser.py).

:func:`built_book` runs ``python -m book --out test-artifacts/book`` in a subprocess (the kernels it starts
inherit this environment) and returns the folder. The build is reused while its inputs are unchanged: a
fingerprint of the lessons, ``book/``, ``widgets/`` and ``compute_econ/`` is written next to it, so the browser
tests run after the non-browser ones (or alone, again) do not execute the lessons a second time. A lock file
keeps two pytest processes from building at once.
"""

from __future__ import annotations

import fcntl
import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
BOOK = ARTIFACTS / "book"
STAMP = ARTIFACTS / "book.fingerprint"
LOG = ARTIFACTS / "book-build.log"
INPUTS = ("lessons", "book", "widgets", "compute_econ")


class BookBuildFailed(RuntimeError):
    """``python -m book`` failed; the message holds the end of its output."""


def fingerprint() -> str:
    """A hash of every file the book is built from (node_modules and caches left out)."""
    digest = hashlib.sha256(sys.executable.encode())
    for top in INPUTS:
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and "node_modules" not in path.parts and "__pycache__" not in path.parts:
                digest.update(path.relative_to(ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def built_book() -> Path:
    """The book under ``test-artifacts/book``, built now unless a build of the same inputs is already there."""
    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / "book.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        wanted = fingerprint()
        if (BOOK / "index.html").is_file() and STAMP.is_file() and STAMP.read_text() == wanted:
            return BOOK
        STAMP.unlink(missing_ok=True)
        done = subprocess.run([sys.executable, "-m", "book", "--out", str(BOOK)], cwd=ROOT, capture_output=True,
                              text=True)
        LOG.write_text(done.stdout + "\n" + done.stderr)
        if done.returncode != 0:
            raise BookBuildFailed(f"python -m book failed (exit {done.returncode}), log in {LOG}:\n"
                                  f"{(done.stdout + done.stderr)[-4000:]}")
        STAMP.write_text(wanted)
        return BOOK
