"""compute_econ.plan: the capstone - secure the compute for a frontier model (lesson 07).

Every other area answers one question; a lab has to answer them all at once, under uncertainty.
This package chains the kit's models into one plan and says whether it works:

* :mod:`~compute_econ.plan.model` - a frontier plan as one frozen dataclass (:class:`FrontierPlan`:
  a target, a deadline, a budget, serving demand, a compute strategy - own, contract, spot or a
  mix - and the supply and market conditions), and :func:`evaluate_plan`, which chains
  :mod:`~compute_econ.scaling` (model and data), :mod:`~compute_econ.training` and
  :mod:`~compute_econ.cluster` (accelerator-hours, goodput, memory), :mod:`~compute_econ.costs`
  (owning against renting), :mod:`~compute_econ.supply` (power, lead times), :mod:`~compute_econ.market`
  (dependence on few providers) and :mod:`~compute_econ.serving` (2N FLOP a token) into feasibility
  per constraint, cost, calendar time and the constraint that binds;
* :mod:`~compute_econ.plan.uncertainty` - each uncertain input with a cited range
  (:data:`UNCERTAIN_INPUTS`), a seeded, vectorised Monte Carlo of cost and finish date
  (:func:`simulate_plan`) and a one-at-a-time sensitivity (:func:`sensitivity`, the tornado chart);
* :mod:`~compute_econ.plan.scenarios` - named plans with sources: a lab that builds its own cluster
  fast on its own power (xAI's Colossus), one that relies on a hyperscaler partnership, and a
  public programme with a fixed grant.
"""

from . import model, scenarios, uncertainty
from .model import *  # noqa: F401,F403
from .scenarios import *  # noqa: F401,F403
from .uncertainty import *  # noqa: F401,F403

__all__ = ["model", "uncertainty", "scenarios"] + model.__all__ + uncertainty.__all__ + scenarios.__all__
