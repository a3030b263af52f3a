# JupyterHub on one machine for a class: `make hub` (or `python -m hub`) starts it; hub/harness.py starts it
# for the tests and the load test. Run by hand: `jupyterhub -f hub/jupyterhub_config.py` from the kit's venv.
#
# Every setting a class may change comes from an environment variable (defaults in brackets):
#   HUB_WORK          the work folder: sqlite db, cookie secret, learners' homes, logs   [hub/.run]
#   HUB_IP            the address to listen on                                            [127.0.0.1]
#   HUB_PORT          the public port                                                     [8000]
#   HUB_PROXY_API_PORT  configurable-http-proxy's API port (localhost only)               [HUB_PORT + 1]
#   HUB_HUB_PORT      the hub process's own port (localhost only, behind the proxy)       [HUB_PORT + 2]
#   HUB_PASSWORD      the shared trial password (8 characters or more)                    [none: nobody logs in]
#   HUB_CULL_TIMEOUT  seconds of inactivity before the idle culler stops a server        [3600]
#   HUB_CULL_EVERY    how often the culler looks, in seconds                             [min(300, timeout / 2)]
#   HUB_API_TOKEN     token of the `harness` service (admin of users and servers); unset: no such service
#
# State lives in HUB_WORK, never in the repository root (hub/.run/ is gitignored).
import hashlib
import os
import sys
import tempfile
from pathlib import Path

c = get_config()  # noqa: F821  (injected by JupyterHub when it loads this file)

HUB_DIR = Path(__file__).resolve().parent
WORK = Path(os.environ.get("HUB_WORK") or HUB_DIR / ".run").resolve()
WORK.mkdir(parents=True, exist_ok=True)
(WORK / "home").mkdir(exist_ok=True)
# The Python environment that runs the hub also runs the learners' servers and kernels (the kit's .venv).
BIN = Path(sys.executable).parent

# --- Network -------------------------------------------------------------------------------------------
# Only this machine can reach the hub by default. To serve a room, listen on the machine's address on the
# local network: HUB_IP=0.0.0.0 make hub (then learners open http://<machine's address>:8000). Beyond a
# trial, put it behind HTTPS (JupyterHub.ssl_key / ssl_cert, or a reverse proxy such as nginx or Caddy):
# the shared password otherwise travels in clear.
IP = os.environ.get("HUB_IP", "127.0.0.1")
PORT = int(os.environ.get("HUB_PORT", "8000"))
c.JupyterHub.bind_url = f"http://{IP}:{PORT}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("HUB_HUB_PORT", str(PORT + 2)))

# --- State: the database and the cookie secret in the work folder -------------------------------------
c.JupyterHub.db_url = f"sqlite:///{WORK / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(WORK / "jupyterhub_cookie_secret")
# The proxy's pid file would otherwise land in the current folder.
c.ConfigurableHTTPProxy.pid_file = str(WORK / "jupyterhub-proxy.pid")

# --- The proxy: configurable-http-proxy from npm, pinned in hub/package-lock.json -------------------
# `npm ci --prefix hub` installs it (make hub and the harness do it on first use: hub/harness.py).
c.ConfigurableHTTPProxy.command = [str(HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(os.environ.get('HUB_PROXY_API_PORT', str(PORT + 1)))}"

# --- Who may log in ------------------------------------------------------------------------------------
# A trial: any user name with one shared password (HUB_PASSWORD; `make hub` prints it). This is
# JupyterHub's SharedPasswordAuthenticator, the successor of DummyAuthenticator's password, which
# JupyterHub 5.3 deprecated. Anyone who knows the password can log in as any learner: fine for a
# trial on localhost, not for a class. For a class use one of (none is a dependency of the kit):
#   - NativeAuthenticator (jupyterhub-nativeauthenticator): learners sign up, you approve them;
#   - OAuthenticator (oauthenticator): your institution's Google, GitHub, Azure AD, or any OpenID Connect login;
#   - LTI 1.3 (jupyterhub-ltiauthenticator): launched from the LMS (Canvas, Moodle, Blackboard).
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ.get("HUB_PASSWORD") or None
c.Authenticator.allow_all = True

# --- The learners' servers -----------------------------------------------------------------------------
# SimpleLocalProcessSpawner: every learner's server and kernels run as the hub's own Unix user, with a
# home at <work>/home/<name>. The isolation this gives: the hub's authentication separates the servers
# (a learner's token or cookie opens only their own server, its files and its kernels; the tests check
# it), and each server's root_dir is that learner's home. It is NOT operating-system isolation: a learner's
# code runs as the same Unix user as everyone else's, so a kernel can read or kill another learner's
# files and processes (`open('../bob/…')`). For OS isolation use LocalProcessSpawner with one system user
# per learner (the hub runs as root, homes under /home, Unix permissions separate them), DockerSpawner
# (one container per learner), or Zero to JupyterHub on Kubernetes (one pod per learner: hub/z2jh/).
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(WORK / "home" / "{username}")
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.args = [
    # JupyterLab refuses to run as root unless told (containers, classroom VMs), as in `make lab`.
    *(["--allow-root"] if os.geteuid() == 0 else []),
    # Kernels talk to their server over Unix sockets, not TCP on localhost (as `make lab`).
    "--KernelManager.transport=ipc",
]
c.Spawner.notebook_dir = c.SimpleLocalProcessSpawner.home_dir_template  # --ServerApp.root_dir = the home
c.Spawner.default_url = "/lab"


def _runtime_dir(spawner) -> str:
    # Kernels' Unix sockets live in the Jupyter runtime folder; a socket path must stay under 108 bytes,
    # which <work>/home/<name>/.local/share/jupyter/runtime/kernel-<uuid>-ipc-N may exceed. A short
    # folder per learner and work folder instead (private to the hub's user).
    key = hashlib.sha256(f"{WORK}\0{spawner.user.name}".encode()).hexdigest()[:12]
    path = Path(tempfile.gettempdir()) / f"ce-hub-{key}"
    path.mkdir(mode=0o700, exist_ok=True)
    return str(path)


c.Spawner.environment = {
    # BokehJS from the installed package, never a CDN (offline rooms; as in make lab and binder/postBuild).
    "BOKEH_RESOURCES": "inline",
    "JUPYTER_RUNTIME_DIR": _runtime_dir,
}
# The lab settings of binder/overrides.json (no news or update pop-up) are in effect because
# `make hub` depends on the install that copies them into <venv>/share/jupyter/lab/settings/,
# which every JupyterLab started from this venv reads. nbgitpuller, installed in the same venv
# (the `hub` extra), enables itself as a server extension: /user/<name>/git-pull works.
# From the hub's environment: PATH (nbgitpuller runs `git`; learners' terminals), the locale, and the mark
# hub/harness.py puts on every process the hub starts (to find them all by pid when it stops the hub).
c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL", "JUPYTERHUB_SINGLEUSER_APP", "CE_HUB_HARNESS_ID"]
# A class logs in at once: on the 2-core machine of the load test (hub/SIZING.md) 20 servers starting together
# took 77 s each to answer, and with JupyterHub's 30 s (http_timeout) or the 60 s first set here half of them
# were given up. Generous limits: a slow start is better than a learner told to try again.
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 240

# --- Services: the idle culler, and the harness's admin token ------------------------------------------
CULL_TIMEOUT = int(os.environ.get("HUB_CULL_TIMEOUT", "3600"))
CULL_EVERY = int(os.environ.get("HUB_CULL_EVERY", "0")) or max(1, min(300, CULL_TIMEOUT // 2))
services = [
    {
        # Stops a learner's server after CULL_TIMEOUT s without activity (no open tab, no running
        # kernel reporting activity). Their notebooks stay on disk in their home; the next login
        # starts a fresh server. Users themselves are never deleted.
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={CULL_TIMEOUT}",
            f"--cull-every={CULL_EVERY}",
        ],
    }
]
roles = [
    {
        # JupyterHub 2+ gives a service no permissions unless a role grants them; these are the
        # culler's documented scopes (jupyterhub-idle-culler README, without --cull-users).
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
if os.environ.get("HUB_API_TOKEN"):
    # The harness (hub/harness.py: tests, load test, make hub) drives the hub through its REST API with
    # this token: it adds users, starts and stops their servers and issues each learner a token.
    services.append({"name": "harness", "api_token": os.environ["HUB_API_TOKEN"]})
    roles.append(
        {
            "name": "harness",
            "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"],
            "services": ["harness"],
        }
    )
c.JupyterHub.services = services
c.JupyterHub.load_roles = roles

c.JupyterHub.cleanup_servers = True  # stopping the hub stops the learners' servers
c.JupyterHub.log_datefmt = "%H:%M:%S"
