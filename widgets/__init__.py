"""Interactive explorers for the compute-econ lessons (ipywidgets + Bokeh).

Each explorer asks :mod:`compute_econ` for arrays and draws them; none holds
economics of its own. Display one by leaving it as a cell's last expression::

    from widgets import setup_notebook, ScalingExplorer
    setup_notebook()          # loads BokehJS from the installed package (offline-safe)
    ScalingExplorer()
"""

from ._base import Explorer, setup_notebook
from .exercises import check
from .roofline import RooflineExplorer
from .scaling import ScalingExplorer
from .tables import accelerators_table, runs_table
from .training_cost import TrainingCostExplorer
from .trends import ComputeTrendExplorer

__all__ = [
    "Explorer", "setup_notebook", "check", "ScalingExplorer", "ComputeTrendExplorer", "RooflineExplorer",
    "TrainingCostExplorer", "runs_table", "accelerators_table",
]
