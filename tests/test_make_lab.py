"""`make lab` opens the lessons: the server it starts sends a learner's browser to /lab/tree/lessons.

The command is taken from the Makefile itself (`make -n lab`), started with a free port and no
browser, and asked for its root page, as the learner's browser does on `make lab`.
"""

from __future__ import annotations

import http.client
import os
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_lab_opens_the_lessons_folder(tmp_path):
    dry = subprocess.run(["make", "-n", "-s", "lab", "LAB_ARGS=--allow-root"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    line = next(ln for ln in dry.splitlines() if " lab " in ln and "jupyter" in ln)
    argv = shlex.split(line)
    env = dict(os.environ, **dict(a.split("=", 1) for a in argv if "=" in a and not a.startswith("-")))
    cmd = [a for a in argv if not ("=" in a and not a.startswith("-"))]
    cmd[0] = str(Path(sys.executable).with_name("jupyter"))  # the test venv's jupyter, as make's .venv/bin/jupyter
    port = _free_port()
    cmd += ["--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--IdentityProvider.token=",
            "--ServerApp.password=", f"--LabApp.workspaces_dir={tmp_path}"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=dict(env, JUPYTER_RUNTIME_DIR=str(tmp_path)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/")
                resp = conn.getresponse()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail(f"`make lab`'s server did not answer on port {port}")
                time.sleep(0.25)
        assert resp.status in (301, 302), resp.status
        assert resp.getheader("Location", "").split("?")[0].endswith("/lab/tree/lessons")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
