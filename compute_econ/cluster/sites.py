"""Real training clusters: how many accelerators, how many megawatts, how many months to build.

A small table of large training clusters whose size was published (``compute_econ/data/clusters.csv``,
:func:`load_clusters`): xAI's Colossus in Memphis (100,000 H100s built in 122 days, then doubled to
200,000 Hopper GPUs on a 150 MW grid connection) and Meta's two 24,576-GPU H100 clusters. Each row
keeps only what a source printed; the ``note`` says what is the kit's assumption (e.g. the SXM form).

The functions tie a row to the kit's models:

* :func:`full_load_mw` - the site power the kit's energy model gives for the cluster at full load
  (board watts from the catalogue x the server overhead x PUE,
  :func:`compute_econ.training.cluster_power_watts`);
* :func:`compare_power` - that estimate against the published megawatts (the ratio, whether it lies
  within a band, and how many accelerators the published power could feed);
* :func:`accelerators_per_month` - the pace of a build;
* :func:`site_build` - what the site means for :mod:`compute_econ.supply`: its share of a frontier
  campus's power ceiling, the accelerators that ceiling would feed, and its build time against the
  kit's construction and grid-connection lead times.

References
----------
NVIDIA press release, "NVIDIA Ethernet Networking Accelerates World's Largest AI Supercomputer, Built
by xAI", 2024-10-28; Tom's Hardware, "Musk's Colossus is fully operational with 200,000 GPUs backed by
Tesla batteries" (2025); Meta Engineering, "Building Meta's GenAI Infrastructure", 2024-03-12. Every
row's ``source`` column gives the quote and address.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from compute_econ import _data
from compute_econ._validate import (
    FloatOrArray,
    broadcast,
    finite_result,
    instance,
    integer,
    positive,
    scalar,
    scalar_or_array,
    text,
)
from compute_econ.hardware import ACCELERATORS
from compute_econ.supply.buildout import (
    FRONTIER_CAMPUS_MW,
    LEAD_TIME_CONSTRUCTION_QUARTERS,
    LEAD_TIME_GRID_POWER_QUARTERS,
)
from compute_econ.supply.ceiling import max_accelerators_for_power
from compute_econ.training import DEFAULT_PUE, DEFAULT_SERVER_OVERHEAD_FRAC, cluster_power_watts

__all__ = [
    "DAYS_PER_MONTH",
    "MONTHS_PER_QUARTER",
    "DEFAULT_POWER_REL_TOL",
    "CLUSTER_COLUMNS",
    "ClusterSite",
    "load_clusters",
    "get_cluster",
    "accelerators_per_month",
    "full_load_mw",
    "PowerComparison",
    "compare_power",
    "SiteBuild",
    "site_build",
]

#: Mean days in a month of the Gregorian calendar, 365.25 / 12 = 30.44.
DAYS_PER_MONTH = 365.25 / 12.0
MONTHS_PER_QUARTER = 3.0
#: The band :func:`compare_power` calls agreement: published MW within ±25 % of the kit's estimate. The
#: kit's choice (an estimate of how far server overhead and PUE vary between sites), not a published figure.
DEFAULT_POWER_REL_TOL = 0.25

#: Columns of ``clusters.csv``, in order.
CLUSTER_COLUMNS: tuple[str, ...] = ("name", "operator", "accelerator", "n_accelerators", "site_power_mw",
                                    "power_basis", "build_days", "operational", "location", "source", "note")

_MAX_COUNT = 1e9  # accelerators: far above any cluster built (200,000 in 2025)
_MAX_MW = 1e6  # 1,000 GW: far above any site
_MAX_DAYS = 1e5


def _optional(name: str, value: object, high: float, unit: str) -> float | None:
    return None if value is None else scalar(name, value, 0.0, high, low_open=True, unit=unit)


@dataclass(frozen=True)
class ClusterSite:
    """One real training cluster, as its sources published it.

    Attributes
    ----------
    name, operator : str
        e.g. "xAI Colossus (100k)", "xAI".
    accelerator : str
        A name in the kit's catalogue (:data:`compute_econ.hardware.ACCELERATORS`), e.g. "NVIDIA H100 SXM".
    n_accelerators : int
        Accelerators in the cluster, in [1, 1e9].
    source : str
        Publisher, title, date and address of each figure.
    site_power_mw : float or None
        Published site power, MW, in (0, 1e6]; ``None`` if none was published.
    power_basis : str
        What the published MW is (a grid connection, a measured draw, ...).
    build_days : float or None
        Published time to build, days, in (0, 1e5]; ``None`` if none was published.
    operational : str
        When it began training ("2024-07"), or "" if not published.
    location, note : str
        Where it is; which figures are the kit's assumptions or estimates.

    References
    ----------
    Each row's ``source`` (``compute_econ/data/clusters.csv``).
    """

    name: str
    operator: str
    accelerator: str
    n_accelerators: int
    source: str
    site_power_mw: float | None = None
    power_basis: str = ""
    build_days: float | None = None
    operational: str = ""
    location: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        store = object.__setattr__
        store(self, "name", text("name", self.name))
        store(self, "operator", text("operator", self.operator))
        if not isinstance(self.accelerator, str) or self.accelerator not in ACCELERATORS:
            raise ValueError(f"accelerator must be a name in the kit's catalogue ({', '.join(sorted(ACCELERATORS))}), "
                             f"got {self.accelerator!r}")
        store(self, "n_accelerators", integer("n_accelerators", self.n_accelerators, 1, _MAX_COUNT))
        store(self, "source", text("source", self.source))
        store(self, "site_power_mw", _optional("site_power_mw", self.site_power_mw, _MAX_MW, "MW"))
        store(self, "power_basis", text("power_basis", self.power_basis, allow_empty=True))
        store(self, "build_days", _optional("build_days", self.build_days, _MAX_DAYS, "days"))
        for field in ("operational", "location", "note"):
            store(self, field, text(field, getattr(self, field), allow_empty=True))

    @property
    def board_watts(self) -> float:
        """Board power (TDP) of one accelerator from the catalogue, W."""
        watts = ACCELERATORS[self.accelerator].board_watts
        if watts is None:
            raise ValueError(f"accelerator {self.accelerator!r} has no published board power in the catalogue")
        return float(watts)

    @property
    def build_months(self) -> float | None:
        """Published build time in months (``build_days / DAYS_PER_MONTH``), or ``None``."""
        return None if self.build_days is None else self.build_days / DAYS_PER_MONTH


def _optional_number(row: _data.CsvRow, where: str, column: str, high: float) -> float | None:
    x = _data.number(row.text(column), where, column, high=high)
    return None if np.isnan(x) else x


def _parse(table: _data.CsvTable) -> tuple[ClusterSite, ...]:
    out = []
    for row in table:
        name = row.text("name")
        where = table.where(row, name)

        try:
            out.append(ClusterSite(
                name=name, operator=row.text("operator"), accelerator=row.text("accelerator"),
                n_accelerators=int(_data.number(row.text("n_accelerators"), where, "n_accelerators", required=True,
                                                low=1.0, low_inclusive=True, high=_MAX_COUNT)),
                source=row.text("source"), site_power_mw=_optional_number(row, where, "site_power_mw", _MAX_MW),
                power_basis=row.text("power_basis"), build_days=_optional_number(row, where, "build_days", _MAX_DAYS),
                operational=row.text("operational"), location=row.text("location"), note=row.text("note"),
            ))
        except ValueError as exc:
            if str(exc).startswith(where):
                raise
            raise ValueError(f"{where}: {exc}") from exc
    return tuple(out)


@functools.lru_cache(maxsize=1)
def _shipped() -> tuple[ClusterSite, ...]:
    return _parse(_data.read_csv(None, "clusters.csv", columns=CLUSTER_COLUMNS, source_column="source"))


def load_clusters(path: str | os.PathLike[str] | None = None) -> tuple[ClusterSite, ...]:
    """Real training clusters (accelerators, published MW and build time), every row validated.

    Parameters
    ----------
    path : str or path-like, optional
        A CSV with the columns :data:`CLUSTER_COLUMNS`; default the shipped ``compute_econ/data/clusters.csv``.

    Raises
    ------
    ValueError
        Naming the file, line, row and column, for a missing column or source, an accelerator not in the
        catalogue, or a bad number.

    References
    ----------
    Each row's ``source``: NVIDIA press release 2024-10-28 and Tom's Hardware (xAI Colossus); Meta
    Engineering 2024-03-12 (Meta's 24,576-GPU clusters).

    Examples
    --------
    >>> colossus = load_clusters()[0]
    >>> colossus.n_accelerators, colossus.build_days, round(colossus.build_months, 1)
    (100000, 122.0, 4.0)
    """
    if path is None:
        return _shipped()
    p: str | os.PathLike[str] = instance("path", path, (str, os.PathLike))
    if "\x00" in os.fspath(p):
        raise ValueError(f"path must be a file path without NUL characters, got {p!r}")
    return _parse(_data.read_csv(p, "clusters.csv", columns=CLUSTER_COLUMNS, source_column="source"))


def get_cluster(name: str) -> ClusterSite:
    """One shipped cluster by name (``ValueError`` listing the names otherwise).

    Examples
    --------
    >>> get_cluster("Meta GenAI cluster (RoCE)").n_accelerators
    24576
    """
    sites = {s.name: s for s in _shipped()}
    if not isinstance(name, str) or name not in sites:
        raise ValueError(f"name must be one of {', '.join(repr(n) for n in sites)}; got {name!r}")
    return sites[name]


def accelerators_per_month(n_accelerators: ArrayLike, build_days: ArrayLike) -> FloatOrArray:
    """Pace of a build: accelerators installed per month, ``n / (build_days / DAYS_PER_MONTH)``.

    Parameters
    ----------
    n_accelerators : array_like
        Accelerators built, >= 1.
    build_days : array_like
        Days the build took, > 0.

    Returns
    -------
    float or numpy.ndarray
        Accelerators per month (of :data:`DAYS_PER_MONTH` days).

    References
    ----------
    Colossus: 100,000 GPUs in 122 days (NVIDIA press release, 2024-10-28).

    Examples
    --------
    >>> round(accelerators_per_month(100_000, 122.0))
    24949
    """
    n = np.asarray(positive("n_accelerators", n_accelerators, "(a count)"))
    if np.any(n < 1.0):
        raise ValueError(f"n_accelerators must be >= 1, got {n_accelerators!r}")
    d = positive("build_days", build_days, "days")
    n, d = broadcast({"n_accelerators": n, "build_days": np.asarray(d)})
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        pace = n * DAYS_PER_MONTH / d
    return scalar_or_array(finite_result("accelerators per month", pace, "n_accelerators, build_days"))


def _site(site: object) -> ClusterSite:
    return instance("site", site, ClusterSite)


def full_load_mw(
    site: ClusterSite,
    server_overhead_frac: ArrayLike = DEFAULT_SERVER_OVERHEAD_FRAC,
    pue: ArrayLike = DEFAULT_PUE,
    frac_of_max_power: ArrayLike = 1.0,
) -> FloatOrArray:
    """The kit's estimate of a cluster's site power, MW: n x board watts x (1 + overhead) x PUE (x draw).

    Parameters
    ----------
    site : ClusterSite
        A cluster (:func:`load_clusters`); its accelerator's board watts come from the catalogue.
    server_overhead_frac, pue, frac_of_max_power : array_like
        As in :func:`compute_econ.training.cluster_power_watts` (defaults 0.82, 1.1 and 1, full load).

    Returns
    -------
    float or numpy.ndarray
        MW.

    References
    ----------
    Cottier et al. 2024, arXiv:2405.21015, Section 2, via :func:`compute_econ.training.cluster_power_watts`.

    Examples
    --------
    >>> round(full_load_mw(get_cluster("xAI Colossus (100k)")), 1)  # 100,000 H100s x 1,402.5 W
    140.2
    """
    s = _site(site)
    watts = cluster_power_watts(s.n_accelerators, s.board_watts, server_overhead_frac, pue, frac_of_max_power)
    return scalar_or_array(np.asarray(watts) / 1e6)


@dataclass(frozen=True)
class PowerComparison:
    """A cluster's published megawatts against the kit's full-load estimate (from :func:`compare_power`).

    Attributes
    ----------
    name, power_basis : str
        The cluster and what its published MW is.
    published_mw, kit_mw : float
        Published site power and the kit's estimate, MW.
    ratio : float
        ``published_mw / kit_mw``.
    rel_tol : float
        The band: agreement when ``|ratio - 1| <= rel_tol``.
    within_band : bool
        Whether it is.
    accelerators_published_power_feeds : float
        Accelerators of this kind the published power runs at full load, by the kit's all-in watts
        (:func:`compute_econ.supply.ceiling.max_accelerators_for_power`).
    """

    name: str
    power_basis: str
    published_mw: float
    kit_mw: float
    ratio: float
    rel_tol: float
    within_band: bool
    accelerators_published_power_feeds: float


def compare_power(
    site: ClusterSite,
    rel_tol: float = DEFAULT_POWER_REL_TOL,
    server_overhead_frac: float = DEFAULT_SERVER_OVERHEAD_FRAC,
    pue: float = DEFAULT_PUE,
    frac_of_max_power: float = 1.0,
) -> PowerComparison:
    """Does the kit's all-in power model match a cluster's published megawatts?

    Parameters
    ----------
    site : ClusterSite
        A cluster with a published ``site_power_mw``.
    rel_tol : float
        Half-width of the agreement band, in (0, 1]; default :data:`DEFAULT_POWER_REL_TOL` (0.25).
    server_overhead_frac : float
        >= 0, at most 10; default 0.82 (DGX H100).
    pue : float
        In [1, 10]; default 1.1.
    frac_of_max_power : float
        Draw as a fraction of maximum, in (0, 1]; default 1 (full load).

    Raises
    ------
    ValueError
        If ``site`` has no published power.

    References
    ----------
    :func:`full_load_mw`; the row's ``source``.

    Examples
    --------
    >>> c = compare_power(get_cluster("xAI Colossus (200k)"))
    >>> c.published_mw, round(c.kit_mw, 1), round(c.ratio, 2), c.within_band
    (150.0, 280.5, 0.53, False)
    """
    s = _site(site)
    if s.site_power_mw is None:
        with_power = [x.name for x in _shipped() if x.site_power_mw is not None]
        raise ValueError(f"site must have a published site_power_mw; {s.name!r} has none "
                         f"(shipped clusters with one: {', '.join(with_power)})")
    tol = scalar("rel_tol", rel_tol, 0.0, 1.0, low_open=True)
    f = scalar("server_overhead_frac", server_overhead_frac, 0.0, 10.0)
    u = scalar("pue", pue, 1.0, 10.0)
    d = scalar("frac_of_max_power", frac_of_max_power, 0.0, 1.0, low_open=True)
    kit = float(full_load_mw(s, f, u, d))
    inputs = "server_overhead_frac, pue, frac_of_max_power"
    ratio = float(finite_result("the ratio of published to estimated power", s.site_power_mw / kit, inputs))
    with np.errstate(over="ignore"):
        power_at_full_draw_w = float(finite_result("the published power at full draw", s.site_power_mw * 1e6 / d,
                                                   inputs))
    feeds = float(max_accelerators_for_power(power_at_full_draw_w, s.board_watts, f, u))
    return PowerComparison(name=s.name, power_basis=s.power_basis, published_mw=s.site_power_mw, kit_mw=kit,
                           ratio=ratio, rel_tol=tol, within_band=bool(abs(ratio - 1.0) <= tol),
                           accelerators_published_power_feeds=feeds)


@dataclass(frozen=True)
class SiteBuild:
    """What building a cluster means for :mod:`compute_econ.supply` (from :func:`site_build`).

    Attributes
    ----------
    name : str
        The cluster.
    kit_mw : float
        The kit's full-load site power, MW (:func:`full_load_mw`).
    site_ceiling_mw : float
        The power ceiling compared with, MW (default a 5 GW frontier campus).
    frac_of_ceiling : float
        ``kit_mw / site_ceiling_mw``.
    accelerators_at_ceiling : float
        Accelerators of this kind the ceiling feeds at full load.
    build_months : float or None
        Published build time, months; ``None`` if not published.
    accelerators_per_month : float or None
        Pace of the build; ``None`` if no build time was published.
    construction_lead_months, grid_lead_months : float
        The kit's lead times for building a data centre and for a large grid connection, months
        (:data:`compute_econ.supply.buildout.LEAD_TIME_CONSTRUCTION_QUARTERS`, ``LEAD_TIME_GRID_POWER_QUARTERS``).
    """

    name: str
    kit_mw: float
    site_ceiling_mw: float
    frac_of_ceiling: float
    accelerators_at_ceiling: float
    build_months: float | None
    accelerators_per_month: float | None
    construction_lead_months: float
    grid_lead_months: float


def site_build(
    site: ClusterSite,
    site_ceiling_mw: float = FRONTIER_CAMPUS_MW,
    server_overhead_frac: float = DEFAULT_SERVER_OVERHEAD_FRAC,
    pue: float = DEFAULT_PUE,
) -> SiteBuild:
    """A cluster against the supply models: its power vs a site ceiling, its build time vs the lead times.

    Parameters
    ----------
    site : ClusterSite
        A cluster (:func:`load_clusters`).
    site_ceiling_mw : float
        Power a single site can get, MW, in (0, 1e6]; default
        :data:`compute_econ.supply.buildout.FRONTIER_CAMPUS_MW` (5,000 MW).
    server_overhead_frac : float
        >= 0, at most 10; default 0.82.
    pue : float
        In [1, 10]; default 1.1.

    References
    ----------
    Sevilla et al. 2024, Epoch AI, "Can AI scaling continue through 2030?", power section (1-5 GW
    campuses); the lead times' sources in :mod:`compute_econ.supply.buildout`.

    Examples
    --------
    >>> b = site_build(get_cluster("xAI Colossus (100k)"))
    >>> round(b.frac_of_ceiling, 3), round(b.build_months, 1), b.construction_lead_months
    (0.028, 4.0, 24.0)
    """
    s = _site(site)
    ceiling = scalar("site_ceiling_mw", site_ceiling_mw, 0.0, _MAX_MW, low_open=True, unit="MW")
    f = scalar("server_overhead_frac", server_overhead_frac, 0.0, 10.0)
    u = scalar("pue", pue, 1.0, 10.0)
    kit = float(full_load_mw(s, f, u))
    pace = None if s.build_days is None else float(accelerators_per_month(s.n_accelerators, s.build_days))
    return SiteBuild(
        name=s.name, kit_mw=kit, site_ceiling_mw=ceiling,
        frac_of_ceiling=float(finite_result("the share of the ceiling", kit / ceiling,
                                            "site_ceiling_mw, server_overhead_frac, pue")),
        accelerators_at_ceiling=float(max_accelerators_for_power(ceiling * 1e6, s.board_watts, f, u)),
        build_months=s.build_months, accelerators_per_month=pace,
        construction_lead_months=LEAD_TIME_CONSTRUCTION_QUARTERS * MONTHS_PER_QUARTER,
        grid_lead_months=LEAD_TIME_GRID_POWER_QUARTERS * MONTHS_PER_QUARTER,
    )
