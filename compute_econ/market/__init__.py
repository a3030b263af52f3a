"""compute_econ.market: who sells the compute: concentration, long-term contracts vs spot, and dependence on few providers.

Four small modules, re-exported here so a lesson can write ``market.hhi(...)``:

* :mod:`~compute_econ.market.concentration` - **concentration.** Market shares to the
  Herfindahl-Hirschman Index (:func:`hhi`, 0-10,000) and the k-firm concentration ratio
  (:func:`cr_k`, :func:`cr4`), labelled with the US merger-guideline thresholds
  (:func:`concentration_level`); the HHI change of a merger (:func:`merger_delta_hhi`) and the
  2023 Merger Guidelines' structural presumption (:func:`presumed_anticompetitive`,
  :func:`assess_merger`).
* :mod:`~compute_econ.market.shares` - **the shares data.** Sourced shares for markets of the
  AI supply chain from ``data/market_shares.csv`` (:func:`load_market_shares`), one
  :class:`MarketShares` per market.
* :mod:`~compute_econ.market.contracts` - **long-term contract vs spot.** A Monte Carlo
  (:func:`simulate_contract_vs_spot`) of a buyer who needs the same accelerator-hours every
  period: locking capacity on a take-or-pay contract, or buying on a spot market whose price
  is a log-normal random walk and which, some periods, has no capacity for this buyer at all.
* :mod:`~compute_econ.market.dependence` - **dependence on few providers.** The chance that a
  lab spread evenly over ``n`` providers loses all (or a given fraction) of its compute in a
  period (:func:`p_lose_access`), and the expected fraction lost
  (:func:`expected_frac_compute_lost`).

Shares are fractions (``frac_*`` in [0, 1]); HHI uses the agencies' 0-10,000 scale
(shares in percent, squared and summed).
"""

from . import concentration, contracts, dependence, shares
from .concentration import *  # noqa: F401,F403
from .contracts import *  # noqa: F401,F403
from .dependence import *  # noqa: F401,F403
from .shares import *  # noqa: F401,F403

__all__ = (["concentration", "contracts", "dependence", "shares"]
           + concentration.__all__ + shares.__all__ + contracts.__all__ + dependence.__all__)
