"""A minimal kernel client over a Jupyter server's websocket (api/kernels/{id}/channels), as a browser tab talks.

Used by tests/test_hub.py and the load test; needs websocket-client (in the venv with JupyterLab).
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import requests
import websocket


def start_kernel(server_url: str, token: str, name: str = "python3", timeout: float = 60) -> str:
    """Start a kernel on the server at `server_url` (".../user/<name>/"); its id."""
    r = requests.post(server_url + "api/kernels", json={"name": name}, timeout=timeout,
                      headers={"Authorization": f"token {token}"})
    r.raise_for_status()
    return str(r.json()["id"])


def _ws_url(server_url: str, kernel_id: str) -> str:
    return server_url.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + f"api/kernels/{kernel_id}/channels"


def execute(server_url: str, token: str, kernel_id: str, code: str, timeout: float = 60) -> tuple[dict[str, Any], float]:
    """Run `code` in the kernel; (the execute_reply's content plus the cell's stdout as "stdout", seconds from
    the request to the execute_reply; the call returns once the kernel is idle again, all output in). Raises TimeoutError if no reply comes in `timeout` seconds."""
    session = uuid.uuid4().hex
    msg_id = uuid.uuid4().hex
    msg = {
        "header": {"msg_id": msg_id, "username": "harness", "session": session, "msg_type": "execute_request",
                   "version": "5.3", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
        "parent_header": {},
        "metadata": {},
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True},
        "channel": "shell",
        "buffers": [],
    }
    ws = websocket.create_connection(_ws_url(server_url, kernel_id), timeout=timeout,
                                     header=[f"Authorization: token {token}"])
    try:
        t0 = time.monotonic()
        ws.send(json.dumps(msg))
        stdout: list[str] = []
        result: dict[str, Any] | None = None
        seconds = 0.0
        idle = False
        while True:
            left = timeout - (time.monotonic() - t0)
            if left <= 0:
                raise TimeoutError(f"no execute_reply from kernel {kernel_id} in {timeout} s")
            ws.settimeout(left)
            try:
                raw = ws.recv()
            except websocket.WebSocketTimeoutException as e:
                raise TimeoutError(f"no execute_reply from kernel {kernel_id} in {timeout} s") from e
            if not isinstance(raw, str):
                continue  # binary frames (buffers): not used here
            reply = json.loads(raw)
            if reply.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = reply.get("msg_type") or reply.get("header", {}).get("msg_type")
            if kind == "stream" and reply["content"].get("name") == "stdout":
                stdout.append(reply["content"]["text"])
            elif kind == "execute_reply":
                result, seconds = reply["content"], time.monotonic() - t0
            elif kind == "status" and reply["content"].get("execution_state") == "idle":
                idle = True
            if result is not None and idle:  # the reply, and every output before the kernel went idle
                return {**result, "stdout": "".join(stdout)}, seconds
    finally:
        ws.close()
