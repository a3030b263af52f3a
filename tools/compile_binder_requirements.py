"""Pin every package Binder installs into binder/requirements.txt.

    python tools/compile_binder_requirements.py            # regenerate
    python tools/compile_binder_requirements.py --python /path/to/python3.12

Builds a throwaway venv with the Python named in binder/runtime.txt, installs
pyproject.toml's [project] dependencies plus binder/requirements.in from
wheels only (--only-binary=:all:), checks it with `pip check`, and writes
`pip freeze --exclude-editable` (every transitive dependency, name==version)
with a header saying how it was made. The kit itself is not in the file:
binder/postBuild installs it, so the heavy pip layer of the image does not
depend on the repository's content (repo2docker copies the repo after it).

Run it again after any change to the dependencies in pyproject.toml or to
binder/requirements.in; tests/test_binder.py fails while the file is stale.
Needs Python >= 3.11 to run (tomllib) and network access to the package index.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
RUNTIME_TXT = BINDER / "runtime.txt"
REQUIREMENTS_IN = BINDER / "requirements.in"
REQUIREMENTS_TXT = BINDER / "requirements.txt"
PYPROJECT = ROOT / "pyproject.toml"

PIN_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!_-]+)$")
DIGEST_PREFIX = "# inputs-sha256: "


def runtime_version(path: Path = RUNTIME_TXT) -> str:
    """The "X.Y" Python version binder/runtime.txt asks for (`python-X.Y`)."""
    text = path.read_text().strip()
    m = re.fullmatch(r"python-(3\.\d+)", text)
    if not m:
        raise ValueError(f"{path}: expected one line 'python-3.X', got {text!r}")
    return m.group(1)


def _reports_version(exe: str, version: str) -> bool:
    try:
        out = subprocess.run(
            [exe, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and out.stdout.strip() == version


def find_python(version: str) -> str | None:
    """An interpreter for Python `version` ("3.12") on this machine, or None.

    Looks at $BINDER_PYTHON, `pythonX.Y` on PATH (pyenv shims included),
    pyenv's versions directory and the usual system locations.
    """
    candidates = [os.environ.get("BINDER_PYTHON"), shutil.which(f"python{version}")]
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/{version}.*/bin/python{version}"), reverse=True)
    candidates += [f"/usr/local/bin/python{version}", f"/usr/bin/python{version}"]
    for exe in candidates:
        if exe and _reports_version(exe, version):
            return exe
    return None


def _strip_comment(line: str) -> str:
    return line.split(" #", 1)[0].strip() if not line.lstrip().startswith("#") else ""


def pyproject_requirements(path: Path = PYPROJECT) -> list[str]:
    """pyproject.toml's [project] dependencies (the kit's runtime requirements)."""
    with path.open("rb") as f:
        return list(tomllib.load(f)["project"].get("dependencies", []))


def extra_requirements(path: Path = REQUIREMENTS_IN) -> list[str]:
    """Requirement lines of binder/requirements.in (comments and blanks dropped)."""
    if not path.exists():
        return []
    return [r for r in (_strip_comment(line) for line in path.read_text().splitlines()) if r]


def input_requirements() -> list[str]:
    return pyproject_requirements() + extra_requirements()


def inputs_digest(requirements: list[str], version: str) -> str:
    """Order-insensitive fingerprint of what requirements.txt was compiled from."""
    norm = sorted({re.sub(r"\s+", "", r).lower() for r in requirements})
    return hashlib.sha256("\n".join([f"python-{version}", *norm]).encode()).hexdigest()


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    print("+", " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, **kw)


def compile_requirements(python: str, version: str) -> str:
    reqs = input_requirements()
    with tempfile.TemporaryDirectory(prefix="binder-compile-") as tmp:
        venv = Path(tmp) / "venv"
        _run([python, "-m", "venv", str(venv)])
        vpy = str(venv / "bin" / "python")
        _run([vpy, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        _run([vpy, "-m", "pip", "install", "--quiet", "--only-binary=:all:", *reqs])
        _run([vpy, "-m", "pip", "check"])
        frozen = _run(
            [vpy, "-m", "pip", "freeze", "--all", "--exclude-editable"],
            capture_output=True, text=True,
        ).stdout
        full_version = _run([vpy, "-c", "import platform; print(platform.python_version())"],
                            capture_output=True, text=True).stdout.strip()
    pins = []
    for line in frozen.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.lower().startswith("pip=="):
            continue
        if not PIN_LINE.match(line):
            raise SystemExit(f"error: `pip freeze` gave a line that is not name==version: {line!r}")
        pins.append(line)
    pins.sort(key=lambda pin: re.sub(r"[-_.]+", "-", pin.split("==")[0]).lower())
    header = [
        "# binder/requirements.txt: every package Binder pip-installs, fully pinned. GENERATED, do not edit.",
        "# Regenerate: python tools/compile_binder_requirements.py",
        "# Inputs: pyproject.toml [project] dependencies + binder/requirements.in",
        f"# Resolved in a fresh venv with Python {full_version} ({platform.system().lower()} "
        f"{platform.machine()}), wheels only (--only-binary=:all:), on {dt.date.today().isoformat()};",
        "# then `pip check` and `pip freeze --all --exclude-editable` (pip itself dropped).",
        "# The kit is not listed: binder/postBuild installs it (keeps this pip layer cacheable).",
        DIGEST_PREFIX + inputs_digest(reqs, version),
    ]
    return "\n".join(header + pins) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--python", help="interpreter to resolve with (default: the one binder/runtime.txt names)")
    ap.add_argument("--output", type=Path, default=REQUIREMENTS_TXT)
    args = ap.parse_args(argv)
    version = runtime_version()
    python = args.python or find_python(version)
    if python is None:
        print(f"error: binder/runtime.txt asks for Python {version}, and no python{version} was found; "
              f"pass --python or set BINDER_PYTHON", file=sys.stderr)
        return 2
    if not _reports_version(python, version):
        print(f"error: {python} is not Python {version} (binder/runtime.txt)", file=sys.stderr)
        return 2
    text = compile_requirements(python, version)
    args.output.write_text(text)
    n = sum(1 for line in text.splitlines() if line and not line.startswith("#"))
    print(f"wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}: {n} pins")
    return 0


if __name__ == "__main__":
    sys.exit(main())
