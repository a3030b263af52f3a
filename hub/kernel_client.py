"""A kernel client over a Jupyter server's websocket (``api/kernels/{id}/channels``), as a JupyterLab tab talks.

:class:`KernelSession` holds one websocket to one kernel: it runs code (``execute``) and sets a widget's value
as the page does when a slider moves (``move``, an ipywidgets ``comm_msg``); each call returns once the kernel
is idle again, with every message it caused. :func:`start_kernel` and :func:`execute` are the one-call forms.
Used by tests/test_hub.py and the load test (hub/load.py); needs requests and websocket-client.
"""

from __future__ import annotations

import json
import socket
import time
import uuid
from typing import Any

import requests
import websocket


def start_kernel(server_url: str, token: str, name: str = "python3", timeout: float = 60) -> str:
    """Start a kernel on the server at ``server_url`` (".../user/<name>/"); its id."""
    r = requests.post(server_url.rstrip("/") + "/api/kernels", json={"name": name}, timeout=timeout,
                      headers={"Authorization": f"token {token}"})
    r.raise_for_status()
    return str(r.json()["id"])


class KernelSession:
    """One websocket to a kernel on a learner's server (a new kernel unless ``kernel_id`` is given)."""

    def __init__(self, server_url: str, token: str, kernel_id: str | None = None, timeout_s: float = 120.0) -> None:
        self.server_url = server_url.rstrip("/") + "/"
        self.headers = {"Authorization": f"token {token}"}
        self.session_id = uuid.uuid4().hex
        self.kernel_id = kernel_id or start_kernel(self.server_url, token, timeout=timeout_s)
        self.timeout_s = timeout_s
        self.ws = self._connect()

    def _connect(self) -> websocket.WebSocket:
        ws_url = (self.server_url.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
                  + f"api/kernels/{self.kernel_id}/channels")
        # TCP_NODELAY, as browsers set it: without it a small message waits for the previous one's ACK (Nagle's
        # algorithm against delayed ACKs), and every move measured 40 ms longer than a learner waits.
        return websocket.create_connection(f"{ws_url}?session_id={self.session_id}", header=self.headers,
                                           timeout=self.timeout_s,
                                           sockopt=((socket.IPPROTO_TCP, socket.TCP_NODELAY, 1),))

    def reconnect(self) -> None:
        """A fresh websocket to the same kernel. The server pings an open websocket every 30 s and drops it if
        no pong comes; a browser answers at once, this client only while it reads, so a session left idle for
        minutes (while the rest of the class logs in) is reconnected before it is used again, as JupyterLab
        reconnects a tab."""
        self.close()
        self.ws = self._connect()

    def __enter__(self) -> KernelSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, channel: str, msg_type: str, content: dict) -> str:
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "username": "learner", "session": self.session_id,
                       "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content, "buffers": [], "channel": channel}))
        return msg_id

    def _until_idle(self, msg_id: str, timeout_s: float, reply: str | None = None) -> list[dict]:
        """Every message answering ``msg_id``, until the kernel says it is idle again and, if ``reply`` names one,
        its shell reply has come too (the two channels are not ordered); ``TimeoutError`` if not in time."""
        deadline = time.monotonic() + timeout_s
        got: list[dict] = []
        idle = replied = False
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no answer from kernel {self.kernel_id} within {timeout_s} s")
            self.ws.settimeout(left)
            try:
                raw = self.ws.recv()
            except websocket.WebSocketTimeoutException as err:
                raise TimeoutError(f"no answer from kernel {self.kernel_id} within {timeout_s} s") from err
            if not isinstance(raw, str):
                continue  # binary frames (buffers): not used here
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            got.append(msg)
            idle = idle or (msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle")
            replied = replied or reply is None or msg["msg_type"] == reply
            if idle and replied:
                return got

    def run(self, code: str, timeout_s: float = 120.0) -> tuple[dict[str, Any], float, list[dict]]:
        """Run ``code``: the execute_reply's content with the cell's stdout as ``"stdout"``, the seconds until the
        kernel was idle again, and every message it caused."""
        t0 = time.perf_counter()
        msg_id = self._send("shell", "execute_request", {"code": code, "silent": False, "store_history": True,
                                                          "user_expressions": {}, "allow_stdin": False,
                                                          "stop_on_error": True})
        got = self._until_idle(msg_id, timeout_s, reply="execute_reply")
        seconds = time.perf_counter() - t0
        reply = next((m["content"] for m in got if m["msg_type"] == "execute_reply"), {"status": "unknown"})
        stdout = "".join(m["content"].get("text", "") for m in got
                         if m["msg_type"] == "stream" and m["content"].get("name") == "stdout")
        return {**reply, "stdout": stdout}, seconds, got

    def execute(self, code: str, timeout_s: float = 120.0) -> tuple[list[dict], float]:
        """Run ``code``, raising ``RuntimeError`` if it raises; the messages it caused and the seconds until idle."""
        reply, seconds, got = self.run(code, timeout_s)
        if reply.get("status") == "error":
            raise RuntimeError(f"{reply.get('ename')}: {reply.get('evalue')}")
        return got, seconds

    def move(self, comm_id: str, value: float, timeout_s: float = 30.0) -> tuple[float, bool]:
        """Set a widget's value as the page does (``comm_msg``, method ``update``): the seconds until the kernel is
        idle again, and whether a Bokeh patch (the explorer's new picture) came back."""
        t0 = time.perf_counter()
        msg_id = self._send("shell", "comm_msg", {"comm_id": comm_id, "data": {
            "method": "update", "state": {"value": value}, "buffer_paths": []}})
        got = self._until_idle(msg_id, timeout_s)
        patched = any(m["msg_type"] == "comm_msg" and "PATCH-DOC" in json.dumps(m["content"].get("data", {}))
                      for m in got)
        return time.perf_counter() - t0, patched

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001 - closing a socket the hub may already have dropped
            pass


def execute(server_url: str, token: str, kernel_id: str, code: str, timeout: float = 60) -> tuple[dict[str, Any], float]:
    """Run ``code`` in kernel ``kernel_id`` over a websocket of its own: (the execute_reply's content plus the
    cell's stdout as ``"stdout"``, seconds until the kernel was idle). ``TimeoutError`` if it is not in time."""
    with KernelSession(server_url, token, kernel_id=kernel_id, timeout_s=timeout) as session:
        reply, seconds, _ = session.run(code, timeout)
        return reply, seconds
