"""The layering of DESIGN.md, enforced: models never import the UI stack."""

import subprocess
import sys


def test_compute_econ_imports_no_jupyter_or_plotting():
    """Importing every compute_econ module leaves ipywidgets, bokeh and IPython unloaded."""
    code = (
        "import sys, pkgutil, importlib, compute_econ\n"
        "for m in pkgutil.iter_modules(compute_econ.__path__):\n"
        "    importlib.import_module('compute_econ.' + m.name)\n"
        "bad = sorted(n for n in ('ipywidgets', 'bokeh', 'IPython', 'jupyter_bokeh', 'pandas') if n in sys.modules)\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"compute_econ pulled in: {out.stdout.strip()}"


def test_compute_econ_public_modules():
    """The package's documented surface (DESIGN.md: one module per area) is importable from the top."""
    import compute_econ

    for name in ("scaling", "trends", "hardware", "training", "costs"):
        assert name in compute_econ.__all__
        assert hasattr(compute_econ, name)
