"""Valid example calls for compute_econ.cluster.memory (see __init__.py for the form)."""

from compute_econ import hardware
from compute_econ.cluster import memory

_MODEL = memory.TRANSFORMER_SHAPES["GPT-3 175B"]
_LAYOUT = memory.TrainingLayout(n_data_parallel=4, tensor_parallel=8, pipeline_parallel=8, zero_stage=1,
                                micro_batch_size=1, seq_len=2048, sequence_parallel=True,
                                recomputation="selective")

CALLS = {
    memory.TrainingPrecision: lambda: dict(name="example recipe", weight_bytes_per_param=2.0,
                                           gradient_bytes_per_param=2.0, optimizer_bytes_per_param=12.0,
                                           source="contract test example"),
    memory.model_state_memory: lambda: dict(n_params=7.5e9, n_data_parallel=64, zero_stage=2,
                                            precision=memory.MIXED_PRECISION_ADAM, n_model_parallel=1),
    memory.max_n_params: lambda: dict(memory_bytes=32e9, n_data_parallel=64, zero_stage=1,
                                      precision=memory.MIXED_PRECISION_ADAM, n_model_parallel=1),
    memory.min_accelerators: lambda: dict(n_params=70e9, accelerator=hardware.H100_SXM,
                                          precision=memory.MIXED_PRECISION_ADAM, frac_memory_usable=0.9),
    memory.activation_bytes_per_layer: lambda: dict(seq_len=2048, micro_batch_size=1, d_model=12288, n_heads=96,
                                                    tensor_parallel=8, sequence_parallel=True,
                                                    recomputation="none"),
    memory.activation_bytes: lambda: dict(n_layers=96, seq_len=2048, micro_batch_size=1, d_model=12288,
                                          n_heads=96, tensor_parallel=8, sequence_parallel=False,
                                          recomputation="selective"),
    memory.TransformerShape: lambda: dict(name="example shape", n_params=7e9, n_layers=32, d_model=4096,
                                          n_heads=32, source="contract test example"),
    memory.TrainingLayout: lambda: dict(n_data_parallel=4, tensor_parallel=8, pipeline_parallel=8, zero_stage=1,
                                        micro_batch_size=1, seq_len=2048, sequence_parallel=True,
                                        recomputation="selective"),
    memory.training_memory: lambda: dict(model=_MODEL, layout=_LAYOUT, precision=memory.MIXED_PRECISION_ADAM,
                                         accelerator=hardware.H100_SXM, frac_memory_usable=0.9),
}
RESULTS = {
    memory.ModelStateMemory: "returned by model_state_memory",
    memory.TrainingMemory: "returned by training_memory",
}
NONFINITE: dict = {}
