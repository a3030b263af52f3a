"""Interactive explorers for the compute-econ lessons (ipywidgets + Bokeh).

Each explorer asks :mod:`compute_econ` for arrays and draws them; none holds
economics of its own. Display one by leaving it as a cell's last expression::

    from widgets import setup_notebook, ScalingExplorer
    setup_notebook()          # loads BokehJS from the installed package (offline-safe)
    ScalingExplorer()
"""

import importlib
from typing import Any

# Where each public name lives. Imported on first use (PEP 562), so that a Jupyter server loading
# the save hook (widgets.saving) does not import Bokeh, ipywidgets and every explorer.
_EXPORTS = {
    "Explorer": "._base", "setup_notebook": "._base", "check": ".exercises",
    "ScalingExplorer": ".scaling", "ComputeTrendExplorer": ".trends", "RooflineExplorer": ".roofline",
    "TrainingCostExplorer": ".training_cost", "SupplyChainExplorer": ".supply_chain",
    "BuildOutExplorer": ".build_out", "ScarcityMarketExplorer": ".scarcity",
    "ContractVsSpotExplorer": ".contract_vs_spot", "ConcentrationExplorer": ".concentration",
    "ScalingLimitsExplorer": ".scaling_limits", "ServingExplorer": ".serving", "LatencyExplorer": ".serving",
    "LifetimeComputeExplorer": ".serving", "Predict": ".predict", "runs_table": ".tables", "accelerators_table": ".tables",
    "architectures_table": ".tables", "api_prices_table": ".tables",
    "ClusterMemoryExplorer": ".cluster_memory", "ParallelismExplorer": ".parallelism", "GoodputExplorer": ".goodput",
    "MultiSiteExplorer": ".multisite", "PlannerExplorer": ".planner",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
