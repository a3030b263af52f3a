"""Kernel websockets send each message at once (widgets/nodelay.py): the server sets TCP_NODELAY on them.

What it saves is measured by the hub's load test (hub/load.py): about 40 ms per kernel round trip on Linux,
where the receiver delays its acknowledgement of the first small message of a reply.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from widgets import nodelay

ROOT = Path(__file__).resolve().parents[1]


def _handler_class():
    calls = []

    class Handler:
        async def open(self, kernel_id):
            calls.append(("open", kernel_id))
            return "opened"

        def set_nodelay(self, value):
            calls.append(("nodelay", value))

    return Handler, calls


def _run(coroutine):
    """Run a coroutine that awaits nothing real, without an event loop (a test in the same process may hold one:
    Playwright's sync API keeps its loop running)."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    raise AssertionError("the wrapped open waited on something")


def test_open_sets_nodelay_first_and_still_opens():
    handler, calls = _handler_class()
    assert nodelay.enable_nodelay(handler) is True
    assert _run(handler().open("k1")) == "opened"
    assert calls == [("nodelay", True), ("open", "k1")]


def test_a_synchronous_open_is_wrapped_too():
    calls = []

    class Handler:
        def open(self):
            calls.append("open")

        def set_nodelay(self, value):
            calls.append(value)

    nodelay.enable_nodelay(Handler)
    assert _run(Handler().open()) is None
    assert calls == [True, "open"]


def test_enabling_twice_wraps_once():
    handler, calls = _handler_class()
    assert nodelay.enable_nodelay(handler) is True
    assert nodelay.enable_nodelay(handler) is False
    _run(handler().open("k"))
    assert calls.count(("nodelay", True)) == 1


def test_the_extension_is_enabled_for_every_server_in_the_environment():
    cfg = json.loads((ROOT / "jupyter-config" / "jupyter_server_config.d" / "compute_econ.json").read_text())
    assert cfg["ServerApp"]["jpserver_extensions"]["widgets.nodelay"] is True
    assert nodelay._jupyter_server_extension_points() == [{"module": "widgets.nodelay"}]


def _socket_option_of(pid: int, fd: int) -> int:
    """TCP_NODELAY of another process's socket: the descriptor duplicated with pidfd_getfd (Linux 5.6)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    try:
        mine = libc.syscall(438, pidfd, fd, 0)  # SYS_pidfd_getfd on x86_64 and arm64
        if mine < 0:
            raise OSError(ctypes.get_errno(), "pidfd_getfd")
        sock = socket.socket(fileno=mine)
        try:
            return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        finally:
            sock.close()  # closes this process's copy only
    finally:
        os.close(pidfd)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the server's socket through pidfd_getfd")
@pytest.mark.parametrize(("extensions", "expected"), [("{'widgets.nodelay': True}", 1),
                                                      ("{'widgets.nodelay': False}", 0)])
def test_a_real_servers_kernel_websocket_has_tcp_nodelay(tmp_path, extensions, expected):
    """A real Jupyter server: the server's end of a kernel websocket has TCP_NODELAY with the kit's extension,
    and (tornado's default) not without it."""
    import psutil
    import requests
    import websocket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "jupyter", "server", "--no-browser", f"--port={port}",
                               f"--ServerApp.jpserver_extensions={extensions}", "--IdentityProvider.token=t",
                               f"--ServerApp.root_dir={tmp_path}", "--allow-root"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        headers = {"Authorization": "token t"}
        for _ in range(240):
            try:
                requests.get(f"http://127.0.0.1:{port}/api/status", headers=headers, timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.25)
        kernel = requests.post(f"http://127.0.0.1:{port}/api/kernels", headers=headers, json={}, timeout=60).json()
        ws = websocket.create_connection(f"ws://127.0.0.1:{port}/api/kernels/{kernel['id']}/channels",
                                         header=headers, timeout=60)
        try:
            client_port = ws.sock.getsockname()[1]
            conns = [c for c in psutil.Process(server.pid).net_connections(kind="tcp")
                     if c.raddr and c.raddr.port == client_port]
            assert len(conns) == 1
            assert _socket_option_of(server.pid, conns[0].fd) == expected
        finally:
            ws.close()
            requests.delete(f"http://127.0.0.1:{port}/api/kernels/{kernel['id']}", headers=headers, timeout=60)
    finally:
        server.terminate()
        server.wait(30)
