# TEST ONLY: a JupyterLab with NO authentication, for the browser tests.
#
# Loaded by tests/browser/conftest.py with `--config=<this file>`; never use it
# for a real server. The per-run values (port, root_dir, workspaces dir, user
# settings dir) are passed on the command line by the fixture. Mirrors
# jupyterlab.galata.configure_jupyter_server (see
# /work/shared/reference/jupyter-bokeh-binder-notes.md, section 2.3).
c = get_config()  # noqa: F821 - injected by traitlets

c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port_retries = 0  # the fixture picked a free port; fail rather than wander
c.ServerApp.open_browser = False
c.IdentityProvider.token = ""  # jupyter_server 2.x name (ServerApp.token is deprecated)
c.ServerApp.password = ""
c.ServerApp.disable_check_xsrf = True
c.ServerApp.allow_root = True  # CI runs as root; Jupyter refuses to start otherwise
c.LabApp.expose_app_in_browser = True  # window.jupyterapp: run commands from the tests
c.LabApp.news_url = None  # belt and braces; the toast itself is turned off in user settings
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
# As `make lab` (Makefile KERNEL_ARGS): kernels on Unix sockets, not unencrypted TCP.
c.KernelManager.transport = "ipc"
