"""JupyterHub for a class: hub/jupyterhub_config.py, hub/harness.py (python -m hub: make hub)."""
