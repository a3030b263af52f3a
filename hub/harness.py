"""Start and drive a real JupyterHub (hub/jupyterhub_config.py) from Python.

Used by `make hub` (python -m hub), tests/test_hub.py and the load test (hub/load.py)::

    with running_hub(Path("/tmp/hubwork")) as hub:
        hub.add_users(["ada", "bob"])
        seconds = hub.start_server("ada")
        requests.get(hub.server_url("ada") + "api/contents", headers={"Authorization": f"token {hub.user_token('ada')}"})

The hub runs as a subprocess in its own process group and session, with its state (sqlite db, cookie
secret), the learners' homes and its log in the work folder. On exit every process it started (the hub,
configurable-http-proxy, the idle culler, the single-user servers and their kernels) is stopped by process id
and the harness checks that none is left.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import psutil
import requests

HUB_DIR = Path(__file__).resolve().parent
CONFIG = HUB_DIR / "jupyterhub_config.py"
PROXY = HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
# Every process the hub starts carries this variable (the spawner keeps it: see the config's env_keep),
# so that the harness finds them by pid even if one was orphaned (a kernel whose server died).
MARKER = "CE_HUB_HARNESS_ID"


class HubError(RuntimeError):
    pass


def ensure_proxy() -> Path:
    """configurable-http-proxy from hub/package-lock.json, installed with `npm ci --prefix hub` on first use."""
    if PROXY.exists():
        return PROXY
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise HubError(
            "JupyterHub needs configurable-http-proxy, which runs on Node.js, and neither node nor npm was found. "
            "Install Node.js 20 or newer with npm (Debian/Ubuntu: `sudo apt-get install nodejs npm`; macOS: "
            "`brew install node`; others: https://nodejs.org), then run `make hub` again."
        )
    subprocess.run([npm, "ci", "--prefix", str(HUB_DIR), "--no-audit", "--no-fund"], check=True)
    if not PROXY.exists():
        raise HubError(f"`npm ci --prefix {HUB_DIR}` did not install {PROXY}")
    return PROXY


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _free_ports(n: int, first: int | None = None) -> list[int]:
    ports: list[int] = [] if first is None else [first]
    while len(ports) < n:
        p = free_port()
        if p not in ports:
            ports.append(p)
    return ports


class Hub:
    """A running hub: its URL, an admin token, and the REST calls the tests and the load test need."""

    url: str  # "http://127.0.0.1:PORT"
    api_token: str  # token of the `harness` service (admin:users, admin:servers, tokens)

    def __init__(self, url: str, api_token: str, work: Path, process: subprocess.Popen, marker: str,
                 log: Path | None, password: str | None) -> None:
        self.url = url
        self.api_token = api_token
        self.work = work
        self.process = process
        self.marker = marker
        self.log = log
        self.password = password
        self._tokens: dict[str, str] = {}
        self.session = requests.Session()
        self.session.trust_env = False  # localhost: never through an http_proxy from the environment

    # --- the hub's REST API ----------------------------------------------------------------------------
    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        """A call to /hub/api<path> with the admin token (raises on 4xx/5xx unless `ok=` lists the code)."""
        ok = kwargs.pop("ok", ())
        kwargs.setdefault("timeout", 30)
        r = self.session.request(method, f"{self.url}/hub/api{path}",
                                 headers={"Authorization": f"token {self.api_token}"}, **kwargs)
        if r.status_code >= 400 and r.status_code not in ok:
            raise HubError(f"{method} /hub/api{path}: {r.status_code} {r.text[:500]}")
        return r

    def user_model(self, name: str) -> dict:
        return self.api("GET", f"/users/{name}").json()

    def add_users(self, names: Sequence[str]) -> None:
        existing = {u["name"] for u in self.api("GET", "/users").json()}
        new = [n for n in names if n not in existing]
        if new:
            self.api("POST", "/users", json={"usernames": new})

    def start_server(self, name: str, timeout_s: float = 180) -> float:
        """Start `name`'s server; seconds from the request until the server answers through the proxy."""
        t0 = time.monotonic()
        deadline = t0 + timeout_s
        self.api("POST", f"/users/{name}/server", ok=(400,))  # 400: already running / pending
        while True:
            server = self.user_model(name).get("servers", {}).get("")
            if server and server.get("ready"):
                break
            if server is None and time.monotonic() - t0 > 5:
                raise HubError(f"{name}'s server failed to start (see {self.log})")
            if time.monotonic() > deadline:
                raise HubError(f"{name}'s server not ready after {timeout_s} s (see {self.log})")
            time.sleep(0.1)
        headers = {"Authorization": f"token {self.user_token(name)}"}
        while True:
            with suppress(requests.RequestException):
                r = self.session.get(self.server_url(name) + "api/status", headers=headers, timeout=10)
                if r.status_code == 200:
                    return time.monotonic() - t0
            if time.monotonic() > deadline:
                raise HubError(f"{name}'s server is ready for the hub but does not answer (see {self.log})")
            time.sleep(0.1)

    def server_url(self, name: str) -> str:
        return f"{self.url}/user/{name}/"

    def user_token(self, name: str) -> str:
        """A token of `name`'s, good for their own server only (scope access:servers!server=<name>/)."""
        if name not in self._tokens:
            r = self.api("POST", f"/users/{name}/tokens",
                         json={"scopes": [f"access:servers!server={name}/"], "note": "hub/harness.py"})
            self._tokens[name] = r.json()["token"]
        return self._tokens[name]

    def stop_server(self, name: str, timeout_s: float = 60) -> None:
        self.api("DELETE", f"/users/{name}/server", ok=(400,))
        deadline = time.monotonic() + timeout_s
        while self.user_model(name).get("servers", {}).get(""):
            if time.monotonic() > deadline:
                raise HubError(f"{name}'s server did not stop in {timeout_s} s")
            time.sleep(0.1)

    def home(self, name: str) -> Path:
        return self.work / "home" / name

    def server_pid(self, name: str) -> int | None:
        """The pid of `name`'s single-user server (from the spawner's state), or None if it has none."""
        server = self.user_model(name).get("servers", {}).get("")
        pid = ((server or {}).get("state") or {}).get("pid")
        if pid and psutil.pid_exists(pid):
            return int(pid)
        return None

    # --- processes ----------------------------------------------------------------------------------------
    def processes(self) -> list[psutil.Process]:
        """Every live process this hub started: the hub and its descendants, and any process with its marker."""
        found: dict[int, psutil.Process] = {}
        with suppress(psutil.Error):
            root = psutil.Process(self.process.pid)
            found[root.pid] = root
            for p in root.children(recursive=True):
                found[p.pid] = p
        for p in psutil.process_iter():
            if p.pid in found:
                continue
            with suppress(psutil.Error):
                if p.environ().get(MARKER) == self.marker:
                    found[p.pid] = p
        return list(found.values())


def _wait_answers(hub: Hub, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        if hub.process.poll() is not None:
            tail = hub.log.read_text(errors="replace")[-3000:] if hub.log and hub.log.exists() else ""
            raise HubError(f"jupyterhub exited with {hub.process.returncode} while starting:\n{tail}")
        with suppress(requests.RequestException):
            if hub.session.get(f"{hub.url}/hub/api", timeout=5).status_code == 200:
                return
        if time.monotonic() > deadline:
            raise HubError(f"the hub did not answer at {hub.url}/hub/api in {timeout_s} s (see {hub.log})")
        time.sleep(0.2)


def _stop(hub: Hub, timeout_s: float = 30) -> list[str]:
    """Stop the hub (it stops the servers and the proxy), then anything left, by pid. Returns what survived."""
    procs = hub.processes()
    with suppress(ProcessLookupError):
        hub.process.send_signal(signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        hub.process.wait(timeout_s)
    procs += [p for p in hub.processes() if p.pid not in {q.pid for q in procs}]
    alive = [p for p in procs if p.is_running()]
    for p in alive:
        with suppress(psutil.Error):
            p.terminate()
    _, alive = psutil.wait_procs(alive, timeout=5)
    for p in alive:
        with suppress(psutil.Error):
            p.kill()
    _, alive = psutil.wait_procs(alive, timeout=5)
    if hub.process.poll() is None:
        hub.process.kill()
        hub.process.wait(5)
    left = {p.pid: p for p in [*alive, *hub.processes()] if p.is_running()}
    out = []
    for p in left.values():
        with suppress(psutil.Error):
            if p.status() != psutil.STATUS_ZOMBIE:
                out.append(f"{p.pid} {' '.join(p.cmdline())[:200]}")
    return out


def _default_sigint() -> None:
    # A parent started in the background by a shell ignores SIGINT, and children inherit that; JupyterHub
    # stops its services and servers with SIGINT first, so the hub must not inherit it ignored.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextmanager
def running_hub(work: Path, *, port: int | None = None, cull_timeout_s: int | None = None,
                log: Path | None = None, password: str | None = None, echo: bool = False,
                cull_every_s: int | None = None, ip: str | None = None) -> Iterator[Hub]:
    """A hub on 127.0.0.1 (or `ip`), state in `work`, its output in `log` (default work/jupyterhub.log;
    `echo=True`: the terminal). `cull_timeout_s`: the idle culler's timeout (default: the config's 3600 s),
    checked every `cull_every_s` (default: a third of it, at most 300 s, at least 1 s)."""
    ensure_proxy()
    work = Path(work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    port, proxy_api_port, hub_port = _free_ports(3, port)
    token = secrets.token_hex(32)
    marker = secrets.token_hex(8)
    env = dict(os.environ)
    env.update(HUB_WORK=str(work), HUB_PORT=str(port), HUB_PROXY_API_PORT=str(proxy_api_port),
               HUB_HUB_PORT=str(hub_port), HUB_API_TOKEN=token, **{MARKER: marker})
    if ip is not None:
        env["HUB_IP"] = ip
    if password is not None:
        env["HUB_PASSWORD"] = password
    if cull_timeout_s is not None:
        env["HUB_CULL_TIMEOUT"] = str(cull_timeout_s)
        env["HUB_CULL_EVERY"] = str(cull_every_s or max(1, min(300, cull_timeout_s // 3)))
    elif cull_every_s is not None:
        env["HUB_CULL_EVERY"] = str(cull_every_s)
    if echo:
        log = None
        out = None
    else:
        log = Path(log) if log is not None else work / "jupyterhub.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        out = open(log, "ab")  # noqa: SIM115  (closed below)
    # The venv's python runs the hub; its servers and kernels come from the same venv (see the config).
    process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)], cwd=work, env=env,
                               stdout=out, stderr=subprocess.STDOUT if out else None, start_new_session=True,
                               preexec_fn=_default_sigint)
    host = env.get("HUB_IP", "127.0.0.1")
    host = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    hub = Hub(f"http://{host}:{port}", token, work, process, marker, log, env.get("HUB_PASSWORD"))
    try:
        _wait_answers(hub, 90)
        yield hub
    finally:
        left = _stop(hub)
        if out is not None:
            out.close()
        if left:
            raise HubError("processes the hub started are still running after it stopped: " + "; ".join(left))
