"""compute_econ: small, pure-numpy models of the economics of AI compute.

Modules, one per area (see DESIGN.md in the repository; CONTRIBUTING.md says how to add one):

* :mod:`compute_econ.scaling` - training FLOP, loss fits, compute-optimal allocation
* :mod:`compute_econ.trends` - notable training runs and the growth of compute
* :mod:`compute_econ.hardware` - accelerator catalogue, roofline, MFU, and the learner's own machine
* :mod:`compute_econ.training` - FLOP to accelerator-hours, wall-clock time, power, energy
* :mod:`compute_econ.costs` - renting vs owning, break-even utilisation, the cost of a run
* :mod:`compute_econ.supply` - bottlenecks (chips, packaging, HBM, power), build-out lead times, price and rationing under scarcity
* :mod:`compute_econ.market` - concentration (HHI, CR4), long-term contracts vs spot, dependence on few providers
* :mod:`compute_econ.serving` - what a token costs: memory, prefill and decode, cost per token, queueing, prices
* :mod:`compute_econ.cluster` - running at scale: training memory, parallelism, failures and goodput
* :mod:`compute_econ.plan` - the capstone: one frontier plan chained through the others, its constraints, a Monte Carlo and a tornado

Nothing here imports Jupyter, ipywidgets or Bokeh; every function works from a
script or a test as well as from a lesson.
"""

from . import cluster, costs, hardware, market, plan, scaling, serving, supply, training, trends

__all__ = ["cluster", "costs", "hardware", "market", "plan", "scaling", "serving", "supply", "training", "trends"]
__version__ = "0.1.0"
