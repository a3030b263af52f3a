"""compute_econ.trends: the growth of training compute, its cost, and who trains at the frontier.

Three small modules, re-exported here so a lesson can write ``trends.fit_notable_trend(...)``:

* :mod:`~compute_econ.trends.fit` - calendar years, log-linear (exponential) trends fitted
  by least squares, their intervals and projections;
* :mod:`~compute_econ.trends.notable` - Epoch AI's "Data on Notable AI Models" (a shipped
  snapshot, or a newer CSV from Epoch), selections, trends of compute, cost, accelerators
  and power, and shares of models by developer and by country;
* :mod:`~compute_econ.trends.runs` - the kit's curated table of landmark training runs,
  each row citing its paper, used for worked examples.

References
----------
Sevilla et al. 2022, "Compute Trends Across Three Eras of Machine Learning", arXiv:2202.05924.
Epoch AI, "Data on Notable AI Models", https://epoch.ai/data/notable-ai-models (CC-BY 4.0).
"""

from . import fit, notable, runs
from .fit import *  # noqa: F401,F403
from .notable import *  # noqa: F401,F403
from .runs import *  # noqa: F401,F403

__all__ = ["fit", "notable", "runs"] + fit.__all__ + notable.__all__ + runs.__all__
