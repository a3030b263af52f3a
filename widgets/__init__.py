"""Interactive explorers for the compute-econ lessons (ipywidgets + Bokeh).

Each explorer asks :mod:`compute_econ` for arrays and draws them; none holds
economics of its own. Display one by leaving it as a cell's last expression::

    from widgets import setup_notebook, ScalingExplorer
    setup_notebook()          # loads BokehJS from the installed package (offline-safe)
    ScalingExplorer()
"""

from ._base import Explorer, setup_notebook
from .build_out import BuildOutExplorer
from .concentration import ConcentrationExplorer
from .contract_vs_spot import ContractVsSpotExplorer
from .exercises import check
from .roofline import RooflineExplorer
from .scaling import ScalingExplorer
from .scaling_limits import ScalingLimitsExplorer
from .scarcity import ScarcityMarketExplorer
from .supply_chain import SupplyChainExplorer
from .tables import accelerators_table, runs_table
from .training_cost import TrainingCostExplorer
from .trends import ComputeTrendExplorer

__all__ = [
    "Explorer", "setup_notebook", "check", "ScalingExplorer", "ComputeTrendExplorer", "RooflineExplorer",
    "TrainingCostExplorer", "SupplyChainExplorer", "BuildOutExplorer", "ScarcityMarketExplorer",
    "ContractVsSpotExplorer", "ConcentrationExplorer", "ScalingLimitsExplorer", "runs_table", "accelerators_table",
]
