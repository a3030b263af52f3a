"""compute_econ.supply: why compute is scarce, and who gets what there is.

Five small modules, re-exported here so a lesson can write ``supply.deliveries(...)``:

* :mod:`~compute_econ.supply.chain` - accelerators per quarter as the minimum over
  their inputs (leading-edge wafers, CoWoS packaging, HBM stacks) and which one binds;
* :mod:`~compute_econ.supply.buildout` - data-centre power capacity that comes online
  only after a lead time, against a demand shock: shortage, then catch-up;
* :mod:`~compute_econ.supply.ceiling` - power as a ceiling on cluster and run size;
* :mod:`~compute_econ.supply.constraints` - the largest feasible training run by year
  under power, chip, data and latency limits (after Sevilla et al. 2024, "Can AI
  scaling continue through 2030?"), its parameters read from a table with sources;
* :mod:`~compute_econ.supply.pricing` - the rental price that clears a capacity-capped
  market with several buyer types, and rationing when the price does not clear.

Concentration and contracts vs spot live in :mod:`compute_econ.market`.
"""

from . import buildout, ceiling, chain, constraints, pricing
from .buildout import *  # noqa: F401,F403
from .ceiling import *  # noqa: F401,F403
from .chain import *  # noqa: F401,F403
from .constraints import *  # noqa: F401,F403
from .pricing import *  # noqa: F401,F403

__all__ = (["buildout", "ceiling", "chain", "constraints", "pricing"] + chain.__all__ + buildout.__all__
           + ceiling.__all__ + constraints.__all__ + pricing.__all__)
