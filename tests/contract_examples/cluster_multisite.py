"""Valid example calls for compute_econ.cluster.multisite (see __init__.py for the form)."""

from compute_econ import hardware
from compute_econ.cluster import multisite as ms

_RUN = ms.MultiSiteRun(n_params=70e9, n_accelerators=16_384, wan_rtt_s=0.02)

CALLS = {
    ms.wan_allreduce_time_s: lambda: dict(n_params=70e9, n_sites=[1, 2, 8], wan_bytes_per_s=125e9, wan_rtt_s=0.01,
                                          gradient_bytes_per_param=2.0),
    ms.communication_reduction: lambda: dict(sync_every_steps=[1, 500]),
    ms.accelerators_per_site: lambda: dict(site_power_watts=[50e6, 300e6], accelerator=hardware.H100_SXM,
                                           server_overhead_frac=0.82, pue=1.1),
    ms.sites_needed: lambda: dict(n_accelerators=200_000, site_power_watts=[100e6, 300e6],
                                  accelerator=hardware.H100_SXM, server_overhead_frac=0.82, pue=1.1),
    ms.MultiSiteRun: lambda: dict(n_params=70e9, n_accelerators=16_384, wan_rtt_s=0.02, accelerator=hardware.H100_SXM,
                                  gradient_bytes_per_param=2.0, frac_sync_overlapped=0.0, server_overhead_frac=0.82,
                                  pue=1.1, loss_gap_nats=0.0),
    ms.multisite_step: lambda: dict(run=_RUN, site_step_s=10.0, n_sites=[1, 2, 4], wan_bytes_per_s=50e9,
                                    sync_every_steps=[1, 100, 500]),
}
RESULTS = {
    ms.MultiSiteStep: "returned by multisite_step",
}
NONFINITE: dict = {}
