"""Tests for compute_econ.cluster.sites: real clusters, their power and build time, against the kit's models."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from compute_econ import cluster
from compute_econ.cluster import sites
from compute_econ.hardware import H100_SXM
from compute_econ.supply.ceiling import all_in_watts_per_accelerator

HEADER = ",".join(sites.CLUSTER_COLUMNS)


def test_reexported_from_cluster_package():
    assert cluster.load_clusters is sites.load_clusters
    assert "compare_power" in cluster.__all__


def test_colossus_100k_as_published():
    """NVIDIA press release, 2024-10-28: 100,000 Hopper GPUs in Memphis, built in 122 days;
    Teslarati 2024-12-06: activated in July 2024 with 100,000 H100s."""
    c = sites.get_cluster("xAI Colossus (100k)")
    assert (c.operator, c.accelerator, c.n_accelerators, c.build_days, c.operational) == (
        "xAI", "NVIDIA H100 SXM", 100_000, 122.0, "2024-07")
    assert "Memphis" in c.location
    assert c.site_power_mw is None  # no site power published for this phase
    assert "122 days" in c.source and "19 days" in c.source


def test_colossus_200k_as_published():
    """NVIDIA 2024-10-28: doubling to 200,000 Hopper GPUs; Tom's Hardware (2025), quoting the Greater Memphis
    Chamber: 150 MW from MLGW and TVA, and 150 MW of Megapack batteries as backup."""
    c = sites.get_cluster("xAI Colossus (200k)")
    assert (c.n_accelerators, c.site_power_mw, c.build_days) == (200_000, 150.0, None)
    assert "grid" in c.power_basis and "batteries" in c.power_basis


def test_meta_two_clusters_as_published():
    """Meta Engineering, 'Building Meta's GenAI Infrastructure', 2024-03-12: two 24,576-GPU clusters,
    one RoCE, one InfiniBand; no power or build time published."""
    metas = [c for c in sites.load_clusters() if c.operator == "Meta"]
    assert sorted(c.name for c in metas) == ["Meta GenAI cluster (InfiniBand)", "Meta GenAI cluster (RoCE)"]
    assert [c.n_accelerators for c in metas] == [24_576, 24_576]
    assert all(c.site_power_mw is None and c.build_days is None for c in metas)


def test_every_row_has_a_source_and_a_catalogue_accelerator():
    rows = sites.load_clusters()
    assert len(rows) == 4
    for c in rows:
        assert c.source.strip() and c.note.strip(), c.name
        assert c.board_watts == 700.0, c.name


def test_full_load_power_is_the_kits_all_in_watts_times_the_count():
    c = sites.get_cluster("xAI Colossus (100k)")
    per = all_in_watts_per_accelerator(H100_SXM)  # 700 W x 1.82 x 1.1 ~ 1,402.5 W
    assert sites.full_load_mw(c) == pytest.approx(100_000 * per / 1e6)
    assert sites.full_load_mw(c) == pytest.approx(140.25)
    assert sites.full_load_mw(c, frac_of_max_power=0.75) == pytest.approx(0.75 * 140.25)
    assert sites.full_load_mw(sites.get_cluster("Meta GenAI cluster (RoCE)")) == pytest.approx(34.468, rel=1e-4)


def test_colossus_grid_power_is_about_half_the_kits_full_load_estimate():
    """Tom's Hardware (2025): 150 MW of grid power for 200,000 GPUs. The kit's all-in estimate at full load
    (700 W x (1 + 0.82) x PUE 1.1 per GPU) is 280.5 MW: the grid connection is 0.53 of it, outside a ±25 %
    band, so the grid alone runs only ~107,000 of the GPUs at full load (~143,000 at the kit's average
    training draw of 0.75); the rest of the power comes from batteries and gas turbines, as reported."""
    full = sites.compare_power(sites.get_cluster("xAI Colossus (200k)"))
    assert full.kit_mw == pytest.approx(280.5)
    assert full.ratio == pytest.approx(150.0 / 280.5)
    assert round(full.ratio, 2) == 0.53
    assert full.within_band is False
    assert full.accelerators_published_power_feeds == 106_951.0
    avg = sites.compare_power(sites.get_cluster("xAI Colossus (200k)"), frac_of_max_power=0.75)
    assert avg.ratio == pytest.approx(0.713, abs=1e-3)
    assert avg.within_band is False
    assert avg.accelerators_published_power_feeds == 142_602.0
    # a band wide enough to hold it says so
    assert sites.compare_power(sites.get_cluster("xAI Colossus (200k)"), rel_tol=0.5).within_band is True


def test_compare_power_refuses_a_cluster_without_published_power():
    with pytest.raises(ValueError, match=r"site must have a published site_power_mw.*Colossus \(200k\)"):
        sites.compare_power(sites.get_cluster("Meta GenAI cluster (RoCE)"))


def test_colossus_build_pace_and_lead_times():
    """122 days (NVIDIA 2024-10-28) is 4.0 months: ~24,950 GPUs a month, six times faster than the kit's
    8-quarter (24-month) construction lead time and twelve times faster than its 16-quarter grid wait."""
    b = sites.site_build(sites.get_cluster("xAI Colossus (100k)"))
    assert b.build_months == pytest.approx(122 / (365.25 / 12))
    assert b.accelerators_per_month == pytest.approx(24_948.8, abs=0.1)
    assert (b.construction_lead_months, b.grid_lead_months) == (24.0, 48.0)
    assert b.build_months is not None
    assert b.construction_lead_months / b.build_months == pytest.approx(5.99, abs=0.01)
    assert b.frac_of_ceiling == pytest.approx(140.25 / 5000.0)
    assert b.accelerators_at_ceiling == 3_565_062.0  # H100s a 5 GW campus feeds at full load


def test_site_build_without_a_published_build_time_gives_none():
    b = sites.site_build(sites.get_cluster("xAI Colossus (200k)"), site_ceiling_mw=150.0)
    assert b.build_months is None and b.accelerators_per_month is None
    assert b.frac_of_ceiling == pytest.approx(280.5 / 150.0)
    assert b.accelerators_at_ceiling == 106_951.0


def test_accelerators_per_month_vectorised():
    got = np.asarray(sites.accelerators_per_month([100_000.0, 200_000.0], [122.0, 244.0]))
    assert got.shape == (2,)
    assert got.tolist() == pytest.approx([24_948.77, 24_948.77], abs=0.01)


@pytest.mark.parametrize("kwargs, word", [
    (dict(n_accelerators=0.5, build_days=10.0), "n_accelerators"),
    (dict(n_accelerators=10.0, build_days=0.0), "build_days"),
    (dict(n_accelerators=10.0, build_days=float("nan")), "build_days"),
])
def test_accelerators_per_month_bad_input(kwargs, word):
    with pytest.raises(ValueError, match=word):
        sites.accelerators_per_month(**kwargs)


def _site(**over: Any) -> sites.ClusterSite:
    kw: dict[str, Any] = dict(name="x", operator="y", accelerator="NVIDIA H100 SXM", n_accelerators=8, source="test")
    kw.update(over)
    return sites.ClusterSite(**kw)


@pytest.mark.parametrize("over, message", [
    (dict(accelerator="H100"), r"accelerator must be a name in the kit's catalogue .*got 'H100'"),
    (dict(n_accelerators=0), r"n_accelerators must be a whole number in \[1"),
    (dict(site_power_mw=-1.0), r"site_power_mw must be .*\(0, 1e\+06\]"),
    (dict(build_days="122"), r"build_days"),
    (dict(source=""), r"source must be a non-empty string"),
])
def test_cluster_site_validates(over, message):
    with pytest.raises(ValueError, match=message):
        _site(**over)


def test_cluster_site_stores_validated_values():
    s = _site(n_accelerators=8.0, site_power_mw=2, build_days=30)
    assert type(s.n_accelerators) is int and type(s.site_power_mw) is float and type(s.build_days) is float


def test_get_cluster_unknown_name_lists_the_names():
    with pytest.raises(ValueError, match=r"name must be one of 'xAI Colossus \(100k\)'.*got 'Colossus'"):
        sites.get_cluster("Colossus")


def test_load_user_csv_and_its_errors(tmp_path):
    good = tmp_path / "c.csv"
    good.write_text(HEADER + "\nA,B,NVIDIA H200,16,1.5,measured,30,2025-01,here,my source,\n", encoding="utf-8")
    (row,) = sites.load_clusters(good)
    assert (row.accelerator, row.n_accelerators, row.site_power_mw, row.build_days) == ("NVIDIA H200", 16, 1.5, 30.0)
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\nA,B,NVIDIA H100 SXM,16,-3,,,,,src,\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.csv line 2 \('A'\): column 'site_power_mw' must be in"):
        sites.load_clusters(bad)
    unknown = tmp_path / "unknown.csv"
    unknown.write_text(HEADER + "\nA,B,GPU-9000,16,,,,,,src,\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"unknown.csv line 2 \('A'\): accelerator must be a name"):
        sites.load_clusters(unknown)
    nosource = tmp_path / "nosource.csv"
    nosource.write_text(HEADER + "\nA,B,NVIDIA H100 SXM,16,,,,,,,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="column 'source' is empty"):
        sites.load_clusters(nosource)
