"""Valid example calls for compute_econ.hardware (see __init__.py for the form)."""

import dataclasses

import numpy as np

from compute_econ import hardware

CALLS = {
    hardware.Accelerator: lambda: dataclasses.asdict(hardware.H100_SXM),
    hardware.load_accelerators: lambda: dict(path=None),
    hardware.get_accelerator: lambda: dict(name="NVIDIA H100 SXM"),
    hardware.peak_flop_per_s_for: lambda: dict(accelerator=hardware.H100_SXM, precision="fp8"),
    hardware.bytes_per_element: lambda: dict(precision="bf16"),
    hardware.attainable_flop_per_s: lambda: dict(intensity_flop_per_byte=100.0, peak_flop_per_s=989.4e12,
                                                 memory_bytes_per_s=3.35e12),
    hardware.ridge_point_flop_per_byte: lambda: dict(peak_flop_per_s=989.4e12, memory_bytes_per_s=3.35e12),
    hardware.is_compute_bound: lambda: dict(intensity_flop_per_byte=100.0, peak_flop_per_s=989.4e12,
                                            memory_bytes_per_s=3.35e12),
    hardware.matmul_intensity: lambda: dict(m=4096, k=4096, n=4096, bytes_per_element=2),
    hardware.decode_intensity: lambda: dict(batch_size=32, bytes_per_param=2),
    hardware.attention_intensity: lambda: dict(seq_len=8192, head_dim=128, bytes_per_element=2),
    hardware.model_flop_per_s: lambda: dict(n_params=540e9, tokens_per_s=1e5),
    hardware.mfu: lambda: dict(achieved_flop_per_s=3.2e17, peak_flop_per_s=6.9e17),
    # A tiny matrix and budget, so each of the contract test's calls takes milliseconds.
    hardware.measure_local_flop_s: lambda: dict(seconds=0.01, n=16, dtype=np.float32),
}
RESULTS = {
    hardware.LocalMeasurement: "returned by measure_local_flop_s",
}
NONFINITE: dict = {}
