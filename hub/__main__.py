"""`make hub` / `python -m hub`: JupyterHub for a class on this machine, in the foreground (Ctrl+C stops it).

Environment (see hub/jupyterhub_config.py for the rest): HUB_PORT [8000], HUB_IP [127.0.0.1], HUB_WORK [hub/.run],
HUB_PASSWORD [generated, printed], HUB_CULL_TIMEOUT [3600], HUB_LESSONS_REPO and HUB_LESSONS_BRANCH (the
nbgitpuller link) [https://github.com/compute-econ/compute-econ, main].
"""

from __future__ import annotations

import os
import secrets
import signal
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from hub.harness import HUB_DIR, HubError, running_hub

DEFAULT_REPO = "https://github.com/compute-econ/compute-econ"


def nbgitpuller_link(hub_url: str, repo: str = DEFAULT_REPO, branch: str = "main") -> str:
    """The link that pulls the kit into each learner's home (folder = the repository's name) and opens its lessons."""
    folder = repo.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1]
    query = urlencode({"repo": repo, "branch": branch, "urlpath": f"lab/tree/{folder}/lessons"})
    return f"{hub_url}/hub/user-redirect/git-pull?{query}"


def check_lab_settings() -> str | None:
    """A warning if binder/overrides.json is not the lab settings of this environment (make hub installs it)."""
    want = HUB_DIR.parent / "binder" / "overrides.json"
    have = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    if not have.exists() or have.read_bytes() != want.read_bytes():
        return f"warning: {have} is not binder/overrides.json; `make hub` installs it (or copy it by hand)"
    return None


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # Ctrl+C, and a plain `kill`, stop the hub and everything it started (running_hub's exit).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    password = os.environ.get("HUB_PASSWORD") or secrets.token_urlsafe(9)
    if len(password) < 8:
        print("error: HUB_PASSWORD must have 8 characters or more (JupyterHub's shared-password login)", file=sys.stderr)
        return 2
    work = Path(os.environ.get("HUB_WORK") or HUB_DIR / ".run")
    port = int(os.environ.get("HUB_PORT", "8000"))
    repo = os.environ.get("HUB_LESSONS_REPO", DEFAULT_REPO)
    branch = os.environ.get("HUB_LESSONS_BRANCH", "main")
    warning = check_lab_settings()
    if warning:
        print(warning, file=sys.stderr)
    try:
        with running_hub(work, port=port, password=password) as hub:
            print(f"""
JupyterHub for compute-econ is running (log: {hub.log}).

  URL:       {hub.url}/
  log in:    any user name (e.g. learner1), password: {password}
  lessons:   {nbgitpuller_link(hub.url, repo, branch)}
             (the nbgitpuller link: pulls {repo} ({branch}) into the learner's home and opens its lessons;
             a later click pulls the instructor's fixes and keeps the learner's own edits)
  homes:     {work.resolve() / 'home'}/<user name>
  idle servers are stopped after {os.environ.get('HUB_CULL_TIMEOUT', '3600')} s (HUB_CULL_TIMEOUT); notebooks stay on disk

Ctrl+C stops the hub and every learner's server.""", flush=True)
            while hub.process.poll() is None:
                time.sleep(1)
            print(f"error: jupyterhub exited with {hub.process.returncode} (see {hub.log})", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        print("\nstopped: the hub, the proxy and every learner's server.")
        return 0
    except HubError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
