"""compute_econ.serving: what a token costs, and why serving is the bill that grows with every user.

Six small modules, re-exported here so a lesson can write ``serving.decode_step(...)``:

* :mod:`~compute_econ.serving.architecture` - real architectures (``data/model_architectures.csv``:
  Llama 3.1 8B, Llama 2 70B, Llama 3.1 70B, Llama 3.1 405B, DeepSeek-V3), weights by number
  format, the KV cache per token (grouped-query and multi-head latent attention), and the
  experts a mixture of experts reads;
* :mod:`~compute_econ.serving.speed` - a replica on one or more accelerators (tensor
  parallelism): what fits in memory, prefill (compute-bound: time to first token) and decode
  (memory-bound at small batch: time per output token), from the roofline;
* :mod:`~compute_econ.serving.cost` - dollars per million input and output tokens from an
  hourly price, and the throughput-latency frontier over batch sizes;
* :mod:`~compute_econ.serving.queueing` - random arrivals (M/M/c, Erlang C): the wait, the
  replicas a percentile target needs, the utilisation where latency explodes, and the cost;
* :mod:`~compute_econ.serving.lifetime` - training against cumulative serving compute and cost;
* :mod:`~compute_econ.serving.prices` - published API prices, Epoch AI's price-decline rates,
  and what reasoning tokens do to the bill.

Speeds are roofline **bounds** unless a :class:`Deployment` is given achieved fractions of
peak; the tests compare them with published measurements.
"""

from . import architecture, cost, lifetime, prices, queueing, speed
from .architecture import *  # noqa: F401,F403
from .cost import *  # noqa: F401,F403
from .lifetime import *  # noqa: F401,F403
from .prices import *  # noqa: F401,F403
from .queueing import *  # noqa: F401,F403
from .speed import *  # noqa: F401,F403

__all__ = (["architecture", "speed", "cost", "queueing", "lifetime", "prices"] + architecture.__all__ + speed.__all__
           + cost.__all__ + queueing.__all__ + lifetime.__all__ + prices.__all__)
