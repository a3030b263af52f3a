"""Valid example calls for compute_econ.cluster.failures (see __init__.py for the form)."""

from compute_econ.cluster import failures

CALLS = {
    failures.job_mtbf_hours: lambda: dict(component_mtbf_hours=50_000.0, n_components=16_384),
    failures.component_mtbf_hours: lambda: dict(job_mtbf_hours=3.09, n_components=16_384),
    failures.observed_mtbf_hours: lambda: dict(days=54.0, n_interruptions=419),
    failures.interruptions_per_day: lambda: dict(job_mtbf_hours=3.09),
    failures.young_interval_hours: lambda: dict(checkpoint_hours=0.01, job_mtbf_hours=3.09),
    failures.daly_interval_hours: lambda: dict(checkpoint_hours=0.01, job_mtbf_hours=3.09),
    failures.goodput_frac: lambda: dict(interval_hours=0.25, checkpoint_hours=0.01, restart_hours=0.1,
                                        job_mtbf_hours=3.09),
    failures.estimate_goodput: lambda: dict(
        ideal_accelerator_hours=30.84e6, n_accelerators=[8_192.0, 16_384.0], accelerator_mtbf_hours=50_000.0,
        checkpoint_hours=0.01, restart_hours=0.1, interval_hours=0.25, usd_per_accelerator_hour=3.49,
        price_year=2024),
    failures.ReliabilityLog: lambda: dict(name="example log", accelerator="H100", n_accelerators=1024, days=30.0,
                                          n_interruptions=50, note="", source="contract test example"),
    failures.load_reliability_logs: lambda: dict(path=None),
    failures.InterruptionCause: lambda: dict(component="Faulty GPU", category="GPU", interruptions=10,
                                             pct_printed=2.5, source="contract test example"),
    failures.load_llama3_interruption_causes: lambda: dict(path=None),
    failures.share_by_category: lambda: dict(causes=failures.load_llama3_interruption_causes()),
}
RESULTS = {
    failures.GoodputEstimate: "returned by estimate_goodput",
}
NONFINITE: dict = {}
