"""Setting up, as a new user meets it: the README's offline claims and the package build.

Issue 9: the README said nbconvert's slides showed the saved plots and only reveal.js came from a
CDN; the HTML actually loads reveal.js, MathJax, jQuery and require.js from CDNs and shows no plot.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_readme_says_which_hosts_nbconvert_slides_fetch(tmp_path):
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "slides", "--output-dir", str(tmp_path),
                    str(ROOT / "lessons" / "01_scaling_laws.ipynb")], check=True, capture_output=True, timeout=120)
    html = next(tmp_path.glob("*.slides.html")).read_text(encoding="utf-8")
    # What the browser loads when the deck is opened: scripts and stylesheets (not links in the text).
    loaded = re.findall(r"<(?:script|link)\b[^>]*(?:src|href)=[\"'](https?://[^\"']+)", html)
    hosts = {urlparse(u).hostname for u in loaded}
    assert hosts, "nbconvert's slides load nothing from the network any more: update the README"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    para = next(p for p in readme.split("\n\n") if "nbconvert --to slides" in p)
    assert "not** an offline" in para or "not an offline" in para
    for host in hosts:
        assert host in para, f"the README does not say that nbconvert's slides load from {host}"
    assert "no plots" in para


@pytest.mark.slow
def test_the_kit_builds_without_setuptools_warnings(tmp_path):
    """Issue 9: every set-up printed setuptools deprecation warnings (the license as a TOML table,
    compute_econ.data missing from `packages`). Build the wheel as pip does for `make lab` and Binder."""
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(tmp_path / "wheel"),
                          str(ROOT)], capture_output=True, text=True, timeout=600,
                         cwd=tmp_path, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    assert out.returncode == 0, out.stderr[-2000:]
    log = out.stdout + out.stderr
    warnings = [line.strip() for line in log.splitlines() if re.search(r"\w*Warning\b|\bwarning:", line)
                and "byte-compiling is disabled" not in line]
    assert not warnings, "\n".join(warnings[:5])
    wheel = next((tmp_path / "wheel").glob("compute_econ-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    assert sum(n.startswith("compute_econ/data/") and n.endswith(".csv") for n in names) >= 5
    # Package data is found the same way everywhere (importlib.resources): the kit works imported
    # from the zipped wheel itself, every shipped table read by its loader.
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); import compute_econ\n"
        "assert compute_econ.__file__.startswith(sys.argv[1]), compute_econ.__file__\n"
        "n = 0\n"
        "for mod in compute_econ.__all__:\n"
        "    m = getattr(compute_econ, mod)\n"
        "    for name in getattr(m, '__all__', ()):\n"
        "        if name.startswith('load_'):\n"
        "            assert getattr(m, name)(), name\n"
        "            n += 1\n"
        "print(n)\n"
    )
    ran = subprocess.run([sys.executable, "-I", "-c", probe, str(wheel)], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert int(ran.stdout.split()[-1]) >= 5  # accelerators, market shares, supply inputs, notable models, runs


@pytest.mark.slow
def test_an_editable_install_prints_no_setuptools_warning(tmp_path):
    """Issue 10: `pip install -e .` (what `make lab` and `make test` run) printed setuptools' warning about
    its meta-path finder ("be careful with folders in your working directory"); the packages are mapped
    from the repository's top (`package-dir`), so the install is a plain .pth file and says nothing."""
    import venv

    venv.EnvBuilder(with_pip=False).create(tmp_path / "venv")
    target = tmp_path / "venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    out = subprocess.run([sys.executable, "-m", "pip", "--python", str(target), "install", "--no-deps", "-e",
                          str(ROOT)], capture_output=True, text=True, timeout=600, cwd=tmp_path,
                         env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    assert out.returncode == 0, out.stderr[-2000:]
    log = out.stdout + out.stderr
    warnings = [line.strip() for line in log.splitlines()
                if re.search(r"\w*Warning\b|\bwarning:|careful with folders", line)
                and "Location 'file://" not in line]  # this machine's pip configuration, not the kit
    assert not warnings, "\n".join(warnings[:5])
