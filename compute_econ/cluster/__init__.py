"""compute_econ.cluster: running at scale - memory, parallelism, failures and goodput (lesson 06).

Small modules, re-exported here so a lesson can write ``cluster.zero_memory(...)``:

* :mod:`~compute_econ.cluster.memory` - bytes per parameter for training under mixed precision, what
  ZeRO sharding saves, activation memory and recomputation, the fewest accelerators a model needs;
* :mod:`~compute_econ.cluster.parallelism` - data, tensor and pipeline parallelism: all-reduce time
  over a ring, tensor-parallel traffic inside and across nodes, the pipeline bubble, step time and
  efficiency;
* :mod:`~compute_econ.cluster.failures` - interruptions that grow with the cluster, checkpointing
  (Young/Daly), goodput, and what it costs a frontier run in days and dollars;
* :mod:`~compute_econ.cluster.multisite` - a run split across data centres joined by a wide-area link:
  synchronisation against compute, and what synchronising every H steps buys;
* :mod:`~compute_econ.cluster.sites` - real clusters (accelerators, megawatts, months to build), tied to
  :mod:`compute_econ.supply`.
"""

from . import failures, memory, multisite, parallelism, sites
from .failures import *  # noqa: F401,F403
from .memory import *  # noqa: F401,F403
from .multisite import *  # noqa: F401,F403
from .parallelism import *  # noqa: F401,F403
from .sites import *  # noqa: F401,F403

__all__ = (["memory", "parallelism", "failures", "multisite", "sites"] + memory.__all__ + parallelism.__all__
           + failures.__all__ + multisite.__all__ + sites.__all__)
