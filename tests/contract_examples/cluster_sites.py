"""Valid example calls for compute_econ.cluster.sites (see __init__.py for the form)."""

from compute_econ.cluster import sites

CALLS = {
    sites.ClusterSite: lambda: dict(name="example cluster", operator="example", accelerator="NVIDIA H100 SXM",
                                    n_accelerators=1024, source="contract test example", site_power_mw=2.0,
                                    power_basis="example", build_days=90.0, operational="2024-01",
                                    location="example", note=""),
    sites.load_clusters: lambda: dict(path=None),
    sites.get_cluster: lambda: dict(name="xAI Colossus (100k)"),
    sites.accelerators_per_month: lambda: dict(n_accelerators=[100_000.0, 200_000.0], build_days=122.0),
    sites.full_load_mw: lambda: dict(site=sites.get_cluster("xAI Colossus (100k)"), server_overhead_frac=0.82,
                                     pue=1.1, frac_of_max_power=1.0),
    sites.compare_power: lambda: dict(site=sites.get_cluster("xAI Colossus (200k)"), rel_tol=0.25,
                                      server_overhead_frac=0.82, pue=1.1, frac_of_max_power=1.0),
    sites.site_build: lambda: dict(site=sites.get_cluster("xAI Colossus (100k)"), site_ceiling_mw=5000.0,
                                   server_overhead_frac=0.82, pue=1.1),
}
RESULTS = {
    sites.PowerComparison: "returned by compare_power",
    sites.SiteBuild: "returned by site_build",
}
NONFINITE: dict = {}
