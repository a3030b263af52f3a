"""`make lab` opens the lessons: the server it starts sends a learner's browser to /lab/tree/lessons,
and the kernels it starts come up without warnings.

The command is taken from the Makefile itself (`make -n lab`), started with a free port and no
browser, and asked for its root page, as the learner's browser does on `make lab`; then a
kernel is started through the server's REST API, as opening a lesson does.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import http.client
import json
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _kernel_info(port: int, kernel_id: str, timeout_s: float = 60) -> dict:
    """A kernel_info_request over /api/kernels/<id>/channels, as JupyterLab sends when it opens a kernel."""
    from tornado.websocket import websocket_connect

    ws = await websocket_connect(f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels")
    msg_id = uuid.uuid4().hex
    await ws.write_message(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "kernel_info_request", "username": "test", "session": uuid.uuid4().hex,
                   "date": "", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "content": {}, "channel": "shell", "buffers": []}))
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            raw = await asyncio.wait_for(ws.read_message(), deadline - time.monotonic())
            assert raw is not None, "the server closed the kernel's websocket"
            msg = json.loads(raw)
            if msg.get("msg_type") == "kernel_info_reply" and msg["parent_header"].get("msg_id") == msg_id:
                return msg
        raise AssertionError(f"no kernel_info_reply from the kernel in {timeout_s} s")
    finally:
        ws.close()


def _request(port: int, method: str, path: str):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request(method, path, body=b"{}" if method == "POST" else None)
    return conn.getresponse()


def test_make_lab_opens_the_lessons_folder_and_starts_quiet_kernels(tmp_path):
    dry = subprocess.run(["make", "-n", "-s", "lab", "LAB_ARGS=--allow-root"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    line = next(ln for ln in dry.splitlines() if " lab " in ln and "jupyter" in ln)
    argv = shlex.split(line)
    env = dict(os.environ, **dict(a.split("=", 1) for a in argv if "=" in a and not a.startswith("-")))
    cmd = [a for a in argv if not ("=" in a and not a.startswith("-"))]
    cmd[0] = str(Path(sys.executable).with_name("jupyter"))  # the test venv's jupyter, as make's .venv/bin/jupyter
    port = _free_port()
    cmd += ["--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--IdentityProvider.token=",
            "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True", f"--LabApp.workspaces_dir={tmp_path}"]
    # A short runtime dir: a Unix socket path must stay under 104 bytes (macOS; 108 on Linux).
    runtime = tempfile.mkdtemp(prefix="ce-rt-")
    log_path = tmp_path / "lab.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=dict(env, JUPYTER_RUNTIME_DIR=runtime), stdout=log,
                            stderr=subprocess.STDOUT)
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

        # Open a kernel as a lesson does, and ask it something over the server's websocket.
        resp = _request(port, "POST", "/api/kernels")
        assert resp.status == 201, resp.status
        kernel_id = json.loads(resp.read())["id"]
        # In a thread of its own: after the browser tests, Playwright's event loop runs in this one.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            reply = pool.submit(asyncio.run, _kernel_info(port, kernel_id)).result()
        assert reply["content"]["status"] == "ok", reply
        connection = json.loads(next(Path(runtime).glob(f"kernel-{kernel_id}*.json")).read_text())
        assert connection["transport"] == "ipc", connection["transport"]
        _request(port, "DELETE", f"/api/kernels/{kernel_id}")
        time.sleep(1)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
    # ipykernel >= 7 warns on every start of a kernel on TCP: "Kernel is running over TCP without encryption".
    server_log = log_path.read_text()
    assert "without encryption" not in server_log, server_log[-3000:]
    assert "Traceback" not in server_log, server_log[-3000:]
