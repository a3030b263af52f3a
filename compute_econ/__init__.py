"""compute_econ: small, pure-numpy models of the economics of AI compute.

Modules, one per area (see DESIGN.md):

* :mod:`compute_econ.scaling` - training FLOP, loss fits, compute-optimal allocation
* :mod:`compute_econ.trends` - notable training runs and the growth of compute
* :mod:`compute_econ.hardware` - accelerators, and measuring the learner's own machine
* :mod:`compute_econ.training` - FLOP to accelerator-hours and wall-clock time

Nothing here imports Jupyter, ipywidgets or Bokeh; every function works from a
script or a test as well as from a lesson.
"""

from . import hardware, scaling, training, trends

__all__ = ["hardware", "scaling", "training", "trends"]
__version__ = "0.1.0"
