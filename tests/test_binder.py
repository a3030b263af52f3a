"""Binder config (binder/): a fast lint of the files, and a slow rebuild of the Binder env.

The slow part approximates what repo2docker does, without Docker: a fresh venv with the
Python of binder/runtime.txt, the packages repo2docker's base env brings, then
`pip install -r binder/requirements.txt`, then binder/postBuild from a copy of the
repository; then `pip check`, the JupyterLab extensions, the settings, the kernel spec,
and every lesson executed by a kernel of that venv. It skips the conda base env and apt.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"

_spec = importlib.util.spec_from_file_location(
    "compile_binder_requirements", ROOT / "tools" / "compile_binder_requirements.py"
)
cbr = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cbr)

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# The top-level packages of repo2docker 2026.4.0's python-3.12 base env
# (repo2docker/buildpacks/conda/environment.py-3.12.yml, versions from its linux-64 lock;
# jupyterhub-singleuser is the `jupyterhub` distribution on PyPI). binder/requirements.txt
# is pip-installed on top of these, so its pins must not break them.
REPO2DOCKER_BASE_ENV = [
    "ipywidgets==8.1.7",
    "jupyter-offlinenotebook==0.3.2",
    "jupyter-resource-usage==1.2.0",
    "jupyter_server==2.17.0",
    "jupyterhub==5.4.0",
    "jupyterlab==4.4.9",
    "notebook==7.4.7",
]
REQUIRED_LABEXTENSIONS = ["@bokeh/jupyter_bokeh", "@jupyter-widgets/jupyterlab-manager"]
NEWS_KEY = "@jupyterlab/apputils-extension:notification"
LESSON_TIMEOUT_S = 300


# ---------------------------------------------------------------- fast: the files themselves


def _pins() -> dict[str, tuple[str, str]]:
    """{canonical name: (name as written, version)} from binder/requirements.txt."""
    pins = {}
    for line in (BINDER / "requirements.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        m = cbr.PIN_LINE.match(line.strip())
        assert m, f"binder/requirements.txt: {line!r} is not name==version"
        name = re.sub(r"[-_.]+", "-", m.group(1)).lower()
        assert name not in pins, f"binder/requirements.txt pins {name} twice"
        pins[name] = (m.group(1), m.group(2))
    return pins


def test_runtime_txt_names_a_supported_python():
    text = (BINDER / "runtime.txt").read_text()
    assert re.fullmatch(r"python-3\.\d+\n?", text), f"runtime.txt must be one line 'python-3.X', got {text!r}"
    major, minor = map(int, cbr.runtime_version().split("."))
    assert (major, minor) >= (3, 11), "pyproject.toml requires Python >= 3.11"


def test_binder_folder_holds_no_config_that_would_override_ours():
    # With binder/ present repo2docker reads only binder/; .binder/ as well is an error;
    # environment.yml would switch to conda and ignore runtime.txt; a Dockerfile wins over all.
    assert not (ROOT / ".binder").exists()
    for name in ("environment.yml", "Dockerfile", "Pipfile", "setup.py", "Project.toml", "default.nix"):
        assert not (BINDER / name).exists(), f"binder/{name} would change how repo2docker builds"


def test_requirements_txt_is_fully_pinned_and_has_no_local_paths():
    text = (BINDER / "requirements.txt").read_text()
    pins = _pins()  # asserts every line is name==version
    assert len(pins) > 20, "expected every transitive dependency, not only the direct ones"
    assert "python tools/compile_binder_requirements.py" in text, "header should say how to regenerate"
    assert "compute-econ" not in pins, "the kit is installed by postBuild, not from requirements.txt"


def test_requirements_txt_is_not_stale():
    """Every pyproject/requirements.in requirement is pinned, to a version it allows.

    Fix: python tools/compile_binder_requirements.py
    """
    pins = _pins()
    wanted = cbr.input_requirements()
    fix = "binder/requirements.txt is stale; regenerate: python tools/compile_binder_requirements.py"
    try:
        from packaging.requirements import Requirement
        from packaging.utils import canonicalize_name
    except ImportError:  # pragma: no cover - packaging comes with pip/pytest in practice
        Requirement = None
    problems = []
    for spec in wanted:
        if Requirement is None:
            name = re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", spec).group(0)).lower()
            if name not in pins:
                problems.append(f"{spec}: not pinned")
            continue
        req = Requirement(spec)
        if req.marker and not req.marker.evaluate({"python_version": cbr.runtime_version()}):
            continue
        name = canonicalize_name(req.name)
        if name not in pins:
            problems.append(f"{spec}: not pinned")
        elif not req.specifier.contains(pins[name][1], prereleases=True):
            problems.append(f"{spec}: pinned {pins[name][0]}=={pins[name][1]}")
    assert not problems, fix + "\n  " + "\n  ".join(problems)
    digest = next(
        (line[len(cbr.DIGEST_PREFIX):].strip() for line in (BINDER / "requirements.txt").read_text().splitlines()
         if line.startswith(cbr.DIGEST_PREFIX)), None)
    assert digest == cbr.inputs_digest(wanted, cbr.runtime_version()), (
        fix + "\n  (pyproject.toml dependencies, binder/requirements.in or runtime.txt changed since)")


def test_postbuild_is_a_strict_bash_script():
    text = (BINDER / "postBuild").read_text()
    assert text.startswith("#!/bin/bash\n")
    assert re.search(r"^set -[a-z]*e[a-z]*", text, re.M), "without set -e repo2docker ignores failures"
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert "lab build" not in code, "JupyterLab 4 extensions are prebuilt; no `jupyter lab build`"
    assert "binder/overrides.json" in text and "--no-deps" in text
    subprocess.run(["bash", "-n", str(BINDER / "postBuild")], check=True)


def test_postbuild_is_executable_in_git():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    out = subprocess.run(["git", "ls-files", "-s", "binder/postBuild"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert out, "binder/postBuild is not tracked by git (repo2docker builds what is committed)"
    assert out.split()[0] == "100755", "git update-index --chmod=+x binder/postBuild"


def test_overrides_json_turns_the_news_off():
    overrides = json.loads((BINDER / "overrides.json").read_text())
    news = overrides[NEWS_KEY]
    assert news["fetchNews"] == "false" and news["checkForUpdates"] is False
    # Check the keys and types against the schema of the JupyterLab we test with, if present.
    schema_path = (Path(sys.prefix) / "share/jupyter/lab/schemas/@jupyterlab/apputils-extension"
                   / "notification.json")
    if not schema_path.exists():
        pytest.skip(f"no JupyterLab schema at {schema_path} to check the values against")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(schema_path.read_text())
    jsonschema.validate(news, {k: v for k, v in schema.items() if not k.startswith("jupyter.lab")})


# ---------------------------------------------------------------- slow: rebuild the Binder env


def _run(cmd, env, cwd=None, timeout=900, check=True):
    proc = subprocess.run([str(c) for c in cmd], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)
    if check and proc.returncode != 0:
        pytest.fail(f"{' '.join(map(str, cmd))} exited {proc.returncode}\n"
                    f"--- stdout\n{proc.stdout[-4000:]}\n--- stderr\n{proc.stderr[-4000:]}")
    return proc


def _pip_cache_dir() -> str:
    if os.environ.get("PIP_CACHE_DIR"):
        return os.environ["PIP_CACHE_DIR"]
    return str(Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pip")


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory):
    version = cbr.runtime_version()
    python = cbr.find_python(version)
    if python is None:
        if not IN_CI:
            pytest.skip(f"binder/runtime.txt asks for Python {version}, not found here "
                        f"(set BINDER_PYTHON=/path/to/python{version})")
        python = sys.executable
        warnings.warn(f"CI: binder/runtime.txt asks for Python {version}, not found; approximating the "
                      f"Binder env with this interpreter, Python {sys.version.split()[0]}", stacklevel=2)
    tmp = tmp_path_factory.mktemp("binder")
    # repo2docker copies the repository into the image; copy the working tree likewise.
    repo = tmp / "repo"
    shutil.copytree(ROOT, repo, ignore=shutil.ignore_patterns(
        ".git", ".venv", "*.egg-info", "build", "dist", "__pycache__", ".pytest_cache",
        ".hypothesis", ".ipynb_checkpoints", "test-artifacts", "node_modules"))
    venv = tmp / "venv"
    home = tmp / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "PYTHON", "BOKEH_", "VIRTUAL_ENV", "CONDA", "IPYTHON"))}
    env.update(HOME=str(home), PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
               PIP_CACHE_DIR=_pip_cache_dir(), PIP_DISABLE_PIP_VERSION_CHECK="1",
               NB_PYTHON_PREFIX=str(venv), KERNEL_PYTHON_PREFIX=str(venv), VIRTUAL_ENV=str(venv))
    py = venv / "bin" / "python"
    times = {}
    t0 = time.perf_counter()
    _run([python, "-m", "venv", venv], env)
    _run([py, "-m", "pip", "install", "-q", "--upgrade", "pip"], env)
    times["venv"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    _run([py, "-m", "pip", "install", "-q", "--only-binary=:all:", *REPO2DOCKER_BASE_ENV], env)
    times["base env"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    _run([py, "-m", "pip", "install", "-q", "--only-binary=:all:", "-r", repo / "binder/requirements.txt"],
         env)
    times["requirements.txt"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    post = _run([repo / "binder/postBuild"], env, cwd=repo)
    times["postBuild"] = time.perf_counter() - t0
    yield dict(python=python, venv=venv, py=py, env=env, repo=repo, tmp=tmp, times=times,
               postbuild_output=post.stdout + post.stderr)
    print("\nbinder env build times (s): " + ", ".join(f"{k} {v:.1f}" for k, v in times.items()))


@pytest.mark.slow
def test_binder_env_is_consistent(binder_env):
    out = _run([binder_env["py"], "-m", "pip", "check"], binder_env["env"], check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    # requirements.txt's pins won over the base env's versions.
    frozen = _run([binder_env["py"], "-m", "pip", "freeze"], binder_env["env"]).stdout.lower()
    for name, (written, version) in _pins().items():
        assert f"{written.lower()}=={version}" in frozen or f"{name}=={version}" in frozen, written
    kit = _run([binder_env["py"], "-m", "pip", "show", "compute-econ"], binder_env["env"], check=False)
    assert kit.returncode == 0 and "Editable project location" not in kit.stdout, "postBuild installs the kit"
    assert not (binder_env["repo"] / "build").exists(), "postBuild leaves no build/ in the repository"


@pytest.mark.slow
def test_binder_env_has_the_lab_extensions(binder_env):
    out = _run([binder_env["venv"] / "bin" / "jupyter", "labextension", "list"], binder_env["env"])
    listing = re.sub(r"\x1b\[[0-9;]*m", "", out.stdout + out.stderr)  # drop the colours
    for ext in REQUIRED_LABEXTENSIONS:
        assert re.search(rf"{re.escape(ext)} v\S+ enabled\s+OK", listing), f"{ext} not enabled/OK:\n{listing}"
    assert not re.search(r"(enabled|disabled)\s+X", listing), f"an extension misses a dependency:\n{listing}"


@pytest.mark.slow
def test_binder_env_saves_notebooks_through_the_kit_hook(binder_env):
    """pip installs the kit's server config from the wheel, and the Binder env's server lists the extension
    that keeps saved lessons small (widgets/saving.py)."""
    cfg = binder_env["venv"] / "etc/jupyter/jupyter_server_config.d/compute_econ.json"
    assert json.loads(cfg.read_text())["ServerApp"]["jpserver_extensions"] == {"widgets.saving": True,
                                                                                "widgets.nodelay": True}
    out = _run([binder_env["venv"] / "bin" / "jupyter", "server", "extension", "list"], binder_env["env"])
    listing = re.sub(r"\x1b\[[0-9;]*m", "", out.stdout + out.stderr)
    assert re.search(r"widgets\.saving\s+enabled", listing), listing
    assert re.search(r"widgets\.saving\s.*OK", listing), listing
    assert re.search(r"widgets\.nodelay\s+enabled", listing), listing


@pytest.mark.slow
def test_binder_env_has_the_lab_settings(binder_env):
    landed = binder_env["venv"] / "share/jupyter/lab/settings/overrides.json"
    assert json.loads(landed.read_text()) == json.loads((BINDER / "overrides.json").read_text())
    schema = binder_env["venv"] / "share/jupyter/lab/schemas/@jupyterlab/apputils-extension/notification.json"
    props = json.loads(schema.read_text())["properties"]
    assert set(json.loads(landed.read_text())[NEWS_KEY]) <= set(props), "a setting the pinned JupyterLab lacks"


EXECUTE = textwrap.dedent(r'''
    import json, os, sys, time
    import nbformat
    from nbclient import NotebookClient
    timeout, paths = int(sys.argv[1]), sys.argv[2:]
    results = []
    for path in paths:
        if path == "-":
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(sys.stdin.read())])
            cwd = os.getcwd()
        else:
            nb = nbformat.read(path, as_version=4)
            cwd = os.path.dirname(os.path.abspath(path))
        t0 = time.perf_counter()
        try:
            NotebookClient(nb, timeout=timeout, kernel_name="python3",
                           resources={"metadata": {"path": cwd}}).execute()
            outputs = [o.get("text", "") for c in nb.cells if c.cell_type == "code"
                       for o in c.outputs if o.get("output_type") == "stream"]
            results.append(dict(path=path, ok=True, s=time.perf_counter() - t0, stdout="".join(outputs)))
        except Exception as e:  # report, so one broken lesson does not hide the others
            results.append(dict(path=path, ok=False, s=time.perf_counter() - t0,
                                error=f"{type(e).__name__}: {e}"[-3000:]))
    print("RESULTS " + json.dumps(results))
''')


def _execute(binder_env, paths, stdin=None, cwd=None):
    script = binder_env["tmp"] / "execute.py"
    script.write_text(EXECUTE)
    proc = subprocess.run([str(binder_env["py"]), str(script), str(LESSON_TIMEOUT_S), *map(str, paths)],
                          env=binder_env["env"], cwd=cwd or binder_env["tmp"], input=stdin,
                          capture_output=True, text=True, timeout=LESSON_TIMEOUT_S * (len(paths) + 1))
    line = next((out for out in proc.stdout.splitlines() if out.startswith("RESULTS ")), None)
    assert line, f"executor failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return json.loads(line[len("RESULTS "):])


KERNEL_PROBE = r'''
import json, os, sys
from importlib.resources import files
from bokeh.settings import settings
import compute_econ, widgets
print(json.dumps(dict(
    prefix=sys.prefix, bokeh_env=os.environ.get("BOKEH_RESOURCES"), bokeh=settings.resources(),
    kit=compute_econ.__file__, widgets=widgets.__file__,
    csvs=sorted(p.name for p in (files("compute_econ") / "data").iterdir() if p.name.endswith(".csv")))))
'''


@pytest.mark.slow
def test_binder_kernel_uses_the_env_and_inline_bokeh(binder_env):
    [result] = _execute(binder_env, ["-"], stdin=KERNEL_PROBE)
    assert result["ok"], result.get("error")
    seen = json.loads(result["stdout"])
    venv = str(binder_env["venv"])
    assert seen["prefix"] == venv, "the python3 kernel should run the Binder env's Python"
    assert seen["bokeh_env"] == "inline" and seen["bokeh"] == "inline", "postBuild's kernel spec sets it"
    # The kit comes from site-packages (postBuild's install, package data included), not the source tree.
    assert seen["kit"].startswith(venv) and seen["widgets"].startswith(venv)
    shipped = sorted(p.name for p in (ROOT / "compute_econ" / "data").glob("*.csv"))
    assert seen["csvs"] == shipped


@pytest.mark.slow
def test_binder_env_runs_every_lesson(binder_env):
    lessons = sorted((binder_env["repo"] / "lessons").glob("*.ipynb"))
    assert len(lessons) >= 5, "the Binder repository copy has lost lessons"
    results = _execute(binder_env, lessons)
    print("\nlesson execution times (s): " + ", ".join(f"{Path(r['path']).stem} {r['s']:.1f}" for r in results))
    failed = [f"{Path(r['path']).name}: {r['error']}" for r in results if not r["ok"]]
    assert not failed, "\n\n".join(failed)
