"""JupyterHub for a class (hub/): a real hub on this machine, started once by hub/harness.py, with three learners.

Checks what a class relies on: each learner's JupyterLab answers with the kit's lab settings; one learner's
token opens nothing of another's; a kernel killed mid-cell loses no saved notebook and the hub keeps serving
the others; the idle culler stops an idle server and the notebook stays on disk; nbgitpuller's re-pull keeps a
learner's edit; the hub leaves no process behind. Plus the Zero to JupyterHub config's keys against the chart.
Needs node and npm (configurable-http-proxy, `npm ci --prefix hub` on first use) and git.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

pytestmark = pytest.mark.slow

psutil = pytest.importorskip("psutil")
requests = pytest.importorskip("requests")
yaml = pytest.importorskip("yaml")

LEARNERS = ("ada", "bob", "cyd")
# One key binder/overrides.json overrides (JupyterLab's default is true).
OVERRIDES = json.loads((ROOT / "binder" / "overrides.json").read_text())
SETTING_PLUGIN = "@jupyterlab/apputils-extension:notification"


def _need_hub_tools() -> None:
    """Skip without the hub's tools locally; in CI (``CI=true``) they must be there, so the tests fail instead."""
    ci = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
    missing = [name for name in ("jupyterhub", "jupyterhub_idle_culler") if not _importable(name)]
    if not (ROOT / "hub" / "node_modules" / ".bin" / "configurable-http-proxy").exists() and not shutil.which("npm"):
        missing.append("configurable-http-proxy (npm)")
    if missing:
        (pytest.fail if ci else pytest.skip)(f"the hub's tools are missing: {', '.join(missing)}")


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"token {token}"}


def _notebook(sources: list[str]) -> dict:
    return {
        "cells": [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [],
                   "source": src} for i, src in enumerate(sources)],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """One hub for the module, three learners with running servers; start times in hub.start_seconds."""
    _need_hub_tools()
    from hub.harness import running_hub

    work = tmp_path_factory.mktemp("hub")
    with running_hub(work) as h:
        h.add_users(LEARNERS)
        with ThreadPoolExecutor(len(LEARNERS)) as pool:
            h.start_seconds = dict(zip(LEARNERS, pool.map(h.start_server, LEARNERS), strict=True))
        print(f"servers started in {h.start_seconds}")
        yield h


def test_learners_get_jupyterlab_with_the_kits_settings(hub):
    for name in LEARNERS:
        token = hub.user_token(name)
        lab = requests.get(hub.server_url(name) + "lab", headers=_auth(token), timeout=30)
        assert lab.status_code == 200 and "JupyterLab" in lab.text, (name, lab.status_code)
        r = requests.get(hub.server_url(name) + f"lab/api/settings/{SETTING_PLUGIN}", headers=_auth(token), timeout=30)
        assert r.status_code == 200, r.text[:300]
        # The server applies overrides.json to the schema's defaults (the learner has set nothing of their own).
        defaults = {k: v.get("default") for k, v in r.json()["schema"]["properties"].items()}
        for key, value in OVERRIDES[SETTING_PLUGIN].items():
            assert defaults[key] == value, f"{name}: {key} defaults to {defaults[key]!r}, overrides.json says {value!r}"
        # Each server serves its own home.
        assert hub.home(name).is_dir()
        assert hub.server_pid(name) is not None


def test_a_learner_cannot_open_anothers_files_or_kernels(hub):
    ada = hub.user_token("ada")
    bob_url = hub.server_url("bob")
    (hub.home("bob") / "private.txt").write_text("bob's answer\n")
    own = requests.get(bob_url + "api/contents/private.txt", headers=_auth(hub.user_token("bob")), timeout=30)
    assert own.status_code == 200  # the file is there, and bob's own token reads it
    for method, path in [("GET", "api/contents"), ("GET", "api/contents/private.txt"), ("GET", "api/kernels"),
                         ("POST", "api/kernels"), ("PUT", "api/contents/planted.txt")]:
        r = requests.request(method, bob_url + path, headers=_auth(ada), allow_redirects=False, timeout=30,
                             json={"type": "file", "format": "text", "content": "x"} if method == "PUT" else None)
        refused = r.status_code in (401, 403, 404) or (
            r.status_code in (302, 303) and "login" in r.headers.get("Location", ""))
        assert refused, f"ada's token on bob's {method} {path}: {r.status_code} {r.text[:200]}"
    assert not (hub.home("bob") / "planted.txt").exists()
    # No token at all: sent to the login page, never the file.
    r = requests.get(bob_url + "api/contents/private.txt", allow_redirects=False, timeout=30)
    assert r.status_code in (302, 303, 401, 403), r.status_code


def _kernel_process(server_pid: int, kernel_id: str):
    for p in psutil.Process(server_pid).children(recursive=True):
        try:
            if any(kernel_id in arg for arg in p.cmdline()):
                return p
        except psutil.Error:
            continue
    return None


def test_a_dying_kernel_loses_no_saved_notebook_and_others_keep_working(hub):
    from hub.kernel_client import execute, start_kernel

    ada, ada_url = hub.user_token("ada"), hub.server_url("ada")
    bob, bob_url = hub.user_token("bob"), hub.server_url("bob")
    nb = _notebook(["x = 6 * 7  # ada's own work", "import time\nfor _ in range(600):\n    time.sleep(0.1)"])
    r = requests.put(ada_url + "api/contents/work.ipynb", headers=_auth(ada), timeout=30,
                     json={"type": "notebook", "format": "json", "content": nb})
    assert r.status_code in (200, 201), r.text[:300]
    saved = (hub.home("ada") / "work.ipynb").read_bytes()

    kernel_a = start_kernel(ada_url, ada)
    kernel_b = start_kernel(bob_url, bob)
    reply, _ = execute(bob_url, bob, kernel_b, "print(6 * 7)", timeout=60)
    assert reply["status"] == "ok" and reply["stdout"].strip() == "42"

    # Ada runs the long cell; the kernel's process is killed while it is busy.
    threading.Thread(target=lambda: _ignore(execute, ada_url, ada, kernel_a, nb["cells"][1]["source"], 20),
                     daemon=True).start()
    deadline = time.monotonic() + 30
    while requests.get(ada_url + f"api/kernels/{kernel_a}", headers=_auth(ada), timeout=10).json()[
            "execution_state"] != "busy":
        assert time.monotonic() < deadline, "ada's kernel never got busy"
        time.sleep(0.1)
    victim = _kernel_process(hub.server_pid("ada"), kernel_a)
    assert victim is not None, "ada's kernel process not found under her server"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(10)

    # The notebook is intact on disk and through the server, which still answers.
    assert (hub.home("ada") / "work.ipynb").read_bytes() == saved
    r = requests.get(ada_url + "api/contents/work.ipynb", headers=_auth(ada), timeout=30)
    assert r.status_code == 200
    assert [c["source"] for c in r.json()["content"]["cells"]] == [c["source"] for c in nb["cells"]]
    assert requests.get(ada_url + "api/status", headers=_auth(ada), timeout=30).status_code == 200
    # Bob's kernel still runs code, and so do the hub and cyd's server.
    reply, seconds = execute(bob_url, bob, kernel_b, "print(sum(range(10)))", timeout=60)
    assert reply["status"] == "ok" and reply["stdout"].strip() == "45", reply
    assert requests.get(hub.server_url("cyd") + "api/status", headers=_auth(hub.user_token("cyd")),
                        timeout=30).status_code == 200
    assert requests.get(hub.url + "/hub/api", timeout=30).status_code == 200
    print(f"bob's kernel answered in {seconds * 1000:.0f} ms after ada's kernel died")


def _ignore(fn, *args):
    try:
        fn(*args)
    except Exception:
        pass  # ada's cell never finishes: her kernel is killed under it


# ------------------------------------------------------------------------- nbgitpuller: a re-pull keeps edits
def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "instructor", "GIT_AUTHOR_EMAIL": "i@example.org",
           "GIT_COMMITTER_NAME": "instructor", "GIT_COMMITTER_EMAIL": "i@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def _write_nb(path: Path, sources: list[str]) -> None:
    path.write_text(json.dumps(_notebook(sources), indent=1) + "\n")


def _sources(path: Path) -> list[str]:
    cells = json.loads(path.read_text())["cells"]
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells]


def test_a_repull_keeps_the_learners_edits(hub, tmp_path):
    """nbgitpuller's documented merge: the learner's changes are committed locally, then upstream is merged with
    `git merge -Xours`: upstream changes to other files and to other lines of the same file come in; where both
    changed the same lines, the learner's version wins; a learner's untracked file that upstream adds is renamed."""
    if shutil.which("git") is None:
        pytest.skip("git is missing")
    from nbgitpuller.pull import GitPuller

    upstream = tmp_path / "compute-econ"
    (upstream / "lessons").mkdir(parents=True)
    _git(upstream, "init", "-q", "-b", "main")
    lesson = Path("lessons") / "00_lesson.ipynb"
    _write_nb(upstream / lesson, ["budget = 1e23", "print(budget / 6)", "# Exercise 1\nanswer = ..."])
    (upstream / "lessons" / "notes.md").write_text("Lesson notes\n")
    _git(upstream, "add", "-A")
    _git(upstream, "commit", "-q", "-m", "lessons")

    home = hub.home("cyd")
    repo_dir = home / "compute-econ"
    url = upstream.as_uri()  # file://: a shallow clone, as from GitHub

    def pull() -> None:
        for _ in GitPuller(url, str(repo_dir), branch="main").pull():
            pass

    pull()
    assert _sources(repo_dir / lesson)[2] == "# Exercise 1\nanswer = ..."

    # The learner answers the exercise (the last cell) and keeps a scratch file.
    _write_nb(repo_dir / lesson, ["budget = 1e23", "print(budget / 6)", "# Exercise 1\nanswer = 42  # mine"])
    (repo_dir / "lessons" / "scratch.py").write_text("mine\n")

    # The instructor fixes another file and another cell of the same notebook ...
    (upstream / "lessons" / "notes.md").write_text("Lesson notes, fixed\n")
    _write_nb(upstream / lesson, ["budget = 3e23  # fixed", "print(budget / 6)", "# Exercise 1\nanswer = ..."])
    _git(upstream, "commit", "-q", "-am", "fix: the budget and the notes")
    pull()
    assert (repo_dir / "lessons" / "notes.md").read_text() == "Lesson notes, fixed\n"
    assert _sources(repo_dir / lesson) == ["budget = 3e23  # fixed", "print(budget / 6)",
                                           "# Exercise 1\nanswer = 42  # mine"]

    # ... then the very cell the learner edited: a conflict, which nbgitpuller resolves for the learner.
    _write_nb(upstream / lesson, ["budget = 3e23  # fixed", "print(budget / 6)", "# Exercise 1 (reworded)\nanswer = ..."])
    _git(upstream, "commit", "-q", "-am", "fix: exercise 1's wording")
    pull()
    sources = _sources(repo_dir / lesson)  # still valid JSON: a notebook, not a file with conflict markers
    assert sources[0] == "budget = 3e23  # fixed"
    assert sources[2].endswith("answer = 42  # mine"), sources[2]
    assert (repo_dir / "lessons" / "scratch.py").read_text() == "mine\n"
    assert "<<<<<<<" not in (repo_dir / lesson).read_text()
    # The learner's server sees the merged lesson.
    r = requests.get(hub.server_url("cyd") + f"api/contents/compute-econ/{lesson.as_posix()}",
                     headers=_auth(hub.user_token("cyd")), timeout=30)
    assert r.status_code == 200 and r.json()["content"]["cells"][2]["source"].endswith("answer = 42  # mine")


# ------------------------------------------------------------- the culler, and no process left behind
def test_idle_server_is_culled_notebook_kept_and_no_process_left(tmp_path):
    """A hub of its own with a 10 s idle timeout, checked every 2 s (the culler has no minimum of its own: the
    hub sees a server's activity when the server reports it, so an untouched server is idle from its start)."""
    _need_hub_tools()
    from hub.harness import running_hub
    from hub.kernel_client import start_kernel

    seen: dict[int, float] = {}

    def note(h) -> None:
        for p in h.processes():
            try:
                seen[p.pid] = p.create_time()
            except psutil.Error:
                pass

    with running_hub(tmp_path / "work", cull_timeout_s=10, cull_every_s=2) as h:
        h.add_users(["dee"])
        h.start_server("dee")
        token = h.user_token("dee")
        r = requests.put(h.server_url("dee") + "api/contents/mine.ipynb", headers=_auth(token), timeout=30,
                         json={"type": "notebook", "format": "json", "content": _notebook(["mine = 1"])})
        assert r.status_code in (200, 201)
        start_kernel(h.server_url("dee"), token)
        note(h)
        kinds = {" ".join(psutil.Process(pid).cmdline()) for pid in seen if psutil.pid_exists(pid)}
        assert any("ipykernel" in k for k in kinds) and any("configurable-http-proxy" in k for k in kinds), kinds
        server_pid = h.server_pid("dee")
        t0 = time.monotonic()
        while h.user_model("dee").get("servers", {}).get(""):
            assert time.monotonic() - t0 < 60, "the idle server was not culled in 60 s"
            time.sleep(1)
        print(f"culled {time.monotonic() - t0:.1f} s after its last request")
        assert not psutil.pid_exists(server_pid) or psutil.Process(server_pid).status() == psutil.STATUS_ZOMBIE
        assert _sources(h.home("dee") / "mine.ipynb") == ["mine = 1"]
        # The learner comes back: a fresh server, the notebook there.
        h.start_server("dee")
        note(h)
        r = requests.get(h.server_url("dee") + "api/contents/mine.ipynb", headers=_auth(token), timeout=30)
        assert r.status_code == 200 and r.json()["content"]["cells"][0]["source"] == "mine = 1"
    left = []
    for pid, created in seen.items():
        try:
            p = psutil.Process(pid)
            if p.create_time() == created and p.status() != psutil.STATUS_ZOMBIE:
                left.append(f"{pid} {' '.join(p.cmdline())[:120]}")
        except psutil.NoSuchProcess:
            pass
    assert len(seen) >= 5 and not left, left


# ------------------------------------------------------------------------- Zero to JupyterHub
Z2JH_KEYS = ROOT / "tests" / "hub_fixtures" / "z2jh_4.4.0_keys.txt"


def _leaf_paths(node, prefix=()):
    if isinstance(node, dict) and node:
        for k, v in node.items():
            yield from _leaf_paths(v, (*prefix, str(k)))
    else:
        yield prefix


def test_z2jh_config_uses_only_documented_keys():
    config = yaml.safe_load((ROOT / "hub" / "z2jh" / "config.yaml").read_text())
    lines = [ln.split() for ln in Z2JH_KEYS.read_text().splitlines() if ln and not ln.startswith("#")]
    keys = {ln[0] for ln in lines}
    free = {ln[0] for ln in lines if ln[1:] == ["*"]}

    def documented(path: tuple[str, ...]) -> bool:
        for i in range(1, len(path) + 1):
            head = ".".join(path[:i])
            if head in free:
                return True  # a pass-through object: anything below it goes to KubeSpawner
            if head not in keys:
                return False
        return True

    paths = list(_leaf_paths(config))
    assert paths and not [p for p in paths if not documented(p)], [".".join(p) for p in paths if not documented(p)]
    for needed in ["singleuser.image.name", "singleuser.memory.guarantee", "singleuser.memory.limit",
                   "singleuser.cpu.guarantee", "singleuser.cpu.limit", "singleuser.defaultUrl", "cull.enabled",
                   "cull.timeout", "singleuser.lifecycleHooks.postStart.exec.command"]:
        assert tuple(needed.split(".")) in paths, needed
    assert config["cull"]["enabled"] is True and config["singleuser"]["defaultUrl"] == "/lab"
    text = (ROOT / "hub" / "z2jh" / "config.yaml").read_text()
    for line in text.splitlines():  # every sizing number says where it comes from (the load test)
        if line.strip().startswith(("guarantee:", "limit:")):
            assert "# from hub/SIZING.md" in line, line
