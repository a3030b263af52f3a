"""Valid example calls for compute_econ.cluster.parallelism (see __init__.py for the form)."""

from compute_econ import hardware
from compute_econ.cluster import parallelism as par

_LAYOUT = par.ParallelLayout(tensor_parallel_size=8, pipeline_parallel_size=4, micro_batch_size=1,
                             n_virtual_stages=2, frac_peak_flop=0.4, frac_allreduce_overlapped=0.5)

CALLS = {
    par.ring_allreduce_time_s: lambda: dict(message_bytes=2**30, n_ranks=[8, 1024], link_bytes_per_s=50e9,
                                            latency_s=par.NETWORK_STEP_LATENCY_S),
    par.allreduce_bus_bytes_per_s: lambda: dict(message_bytes=2**30, time_s=4.2e-3, n_ranks=8),
    par.scale_up_bytes_per_s: lambda: dict(accelerator=hardware.H100_SXM),
    par.group_link_bytes_per_s: lambda: dict(accelerator=hardware.H100_SXM, ranks_spanned=[8, 16],
                                             accelerators_per_node=8, scale_out_bytes_per_s=50e9),
    par.tensor_parallel_bytes_per_layer: lambda: dict(micro_batch_size=1, sequence_tokens=2048, d_model=12288,
                                                      tensor_parallel_size=8, bytes_per_element=2.0),
    par.tensor_parallel_time_s: lambda: dict(micro_batch_size=1, sequence_tokens=2048, d_model=12288,
                                             tensor_parallel_size=8, link_bytes_per_s=450e9,
                                             latency_s=par.NVLINK_STEP_LATENCY_S, bytes_per_element=2.0),
    par.pipeline_bubble_ratio: lambda: dict(n_stages=8, n_micro_batches=[8, 32], n_virtual_stages=2),
    par.pipeline_bubble_fraction: lambda: dict(n_stages=8, n_micro_batches=[8, 32], n_virtual_stages=1),
    par.ParallelLayout: lambda: dict(
        tensor_parallel_size=8, pipeline_parallel_size=16, micro_batch_size=1, n_virtual_stages=2,
        accelerator=hardware.H100_SXM, frac_peak_flop=0.4, frac_allreduce_overlapped=0.5, accelerators_per_node=8,
        scale_out_bytes_per_s=50e9, nvlink_latency_s=3.4e-6, network_latency_s=14e-6,
        activation_bytes_per_element=2.0, gradient_bytes_per_param=2.0),
    par.step_time: lambda: dict(layout=_LAYOUT, data_parallel_size=[1, 8, 128], n_params=70e9, n_layers=80,
                                d_model=8192, global_batch_size=1024, sequence_tokens=4096),
}
RESULTS = {
    par.StepTime: "returned by step_time",
}
NONFINITE: dict = {}
