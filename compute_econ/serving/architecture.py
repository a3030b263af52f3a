"""What a model holds in memory: its weights, and the KV cache of every sequence it is serving.

* :class:`ModelArchitecture` - the numbers of a published architecture that set the cost of
  serving it (parameters held and used per token, layers, heads, key/value heads, head
  dimension, context window, and, for DeepSeek-V3, the compressed latent cache of
  multi-head latent attention and the experts of a mixture of experts); a small table of
  real ones with sources is ``data/model_architectures.csv`` (:func:`load_model_architectures`).
* :func:`weight_bytes`, :func:`kv_cache_bytes_per_token`, :func:`kv_cache_bytes` - memory by
  number format.
* :func:`params_read_per_step` - a mixture of experts holds all its experts but a decode step
  reads only those its tokens are routed to; at a large batch that is nearly all of them.
* :func:`attention_flop_per_token` - what attending to the cache costs, on top of 2N per token.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from compute_econ import _data, hardware
from compute_econ._validate import (
    YEAR_RANGE,
    FloatOrArray,
    array,
    broadcast,
    choice,
    finite_result,
    instance,
    integer,
    scalar,
    scalar_or_array,
    text,
)

__all__ = [
    "BYTES_PER_ELEMENT",
    "PRECISIONS",
    "ATTENTION_KINDS",
    "ARCHITECTURE_COLUMNS",
    "MAX_BATCH_SIZE",
    "MAX_CONTEXT_TOKENS",
    "ModelArchitecture",
    "load_model_architectures",
    "get_architecture",
    "bytes_per_element",
    "weight_bytes",
    "kv_cache_bytes_per_token",
    "kv_cache_bytes",
    "params_read_per_step",
    "attention_flop_per_token",
]

#: Bytes per element of each storage format, and the formats: the kit's one table, in
#: :mod:`compute_econ.hardware` (BF16, FP8, INT8, INT4, with their sources).
BYTES_PER_ELEMENT = hardware.BYTES_PER_ELEMENT
PRECISIONS: tuple[str, ...] = hardware.STORAGE_FORMATS
bytes_per_element = hardware.bytes_per_element
#: Attention kinds: "gqa" covers multi-head (KV heads = heads), grouped-query and multi-query
#: attention; "mla" is DeepSeek's multi-head latent attention.
ATTENTION_KINDS: tuple[str, ...] = ("gqa", "mla")

#: The largest batch (sequences decoded together) the model accepts: far beyond any replica.
MAX_BATCH_SIZE = 1e6
#: The longest context (tokens) the model accepts: far beyond any published context window.
MAX_CONTEXT_TOKENS = 1e8

#: Columns of ``data/model_architectures.csv``.
ARCHITECTURE_COLUMNS = (
    "name", "n_params_total", "n_params_active", "n_layers", "d_model", "n_heads", "n_kv_heads", "head_dim",
    "vocab_size", "context_tokens", "attention", "kv_lora_rank", "rope_head_dim", "n_routed_experts",
    "n_experts_per_token", "release_year", "source", "note",
)

_N_PARAMS_RANGE = (1e6, 1e15)


def _store(record: object, name: str, value: object) -> None:
    object.__setattr__(record, name, value)


@dataclass(frozen=True)
class ModelArchitecture:
    """The numbers of a transformer that set what serving it costs.

    Attributes
    ----------
    name : str
        Model name.
    n_params_total : float
        Parameters held in memory, a count in [1e6, 1e15] (all experts of a mixture of experts).
    n_params_active : float
        Parameters used for each token, at most ``n_params_total``; equal to it for a dense model.
    n_layers, d_model, n_heads : int
        Transformer layers, hidden size, attention (query) heads.
    n_kv_heads : int
        Key/value heads; ``n_heads`` for multi-head attention, fewer for grouped-query attention
        (it must divide ``n_heads``), 1 for multi-query attention.
    head_dim : int
        Dimension of one attention head.
    vocab_size : int
        Vocabulary size (tokens).
    context_tokens : int
        Longest context the model was trained for, tokens.
    attention : str
        ``"gqa"`` (multi-head, grouped-query, multi-query) or ``"mla"`` (multi-head latent attention).
    kv_lora_rank, rope_head_dim : int
        For ``"mla"`` only (0 otherwise): the dimension of the compressed key-value latent
        :math:`d_c` and of the decoupled rotary key :math:`d_h^R`, the two vectors cached per layer.
    n_routed_experts, n_experts_per_token : int
        For a mixture of experts: routed experts per layer and how many each token uses
        (0 and 0 for a dense model). Shared experts count as always-active parameters.
    release_year : int
        Year of release (a calendar year).
    source : str
        Paper (table, section) and configuration the numbers come from.
    note : str
        What is derived or estimated.

    References
    ----------
    Per instance, in ``source``.
    """

    name: str
    n_params_total: float
    n_params_active: float
    n_layers: int
    d_model: int
    n_heads: int
    n_kv_heads: int
    head_dim: int
    vocab_size: int
    context_tokens: int
    source: str
    attention: str = "gqa"
    kv_lora_rank: int = 0
    rope_head_dim: int = 0
    n_routed_experts: int = 0
    n_experts_per_token: int = 0
    release_year: int = 2024
    note: str = ""

    def __post_init__(self) -> None:
        _store(self, "name", text("name", self.name))
        total = scalar("n_params_total", self.n_params_total, *_N_PARAMS_RANGE)
        _store(self, "n_params_total", total)
        active = scalar("n_params_active", self.n_params_active, *_N_PARAMS_RANGE)
        if active > total:
            raise ValueError(f"n_params_active must be at most n_params_total ({total:g}), got {active:g}")
        _store(self, "n_params_active", active)
        for field, high in (("n_layers", 10_000), ("d_model", 1_000_000), ("n_heads", 100_000),
                            ("n_kv_heads", 100_000), ("head_dim", 100_000), ("vocab_size", 100_000_000),
                            ("context_tokens", MAX_CONTEXT_TOKENS)):
            _store(self, field, integer(field, getattr(self, field), 1, high))
        _store(self, "attention", choice("attention", self.attention, ATTENTION_KINDS))
        if self.n_kv_heads > self.n_heads or self.n_heads % self.n_kv_heads:
            raise ValueError(f"n_kv_heads must divide n_heads ({self.n_heads}), got {self.n_kv_heads}")
        for field in ("kv_lora_rank", "rope_head_dim"):
            value = integer(field, getattr(self, field), 0, 100_000)
            if self.attention == "mla" and value == 0:
                raise ValueError(f"{field} must be at least 1 for attention 'mla', got 0")
            if self.attention != "mla" and value != 0:
                raise ValueError(f"{field} must be 0 unless attention is 'mla', got {value}")
            _store(self, field, value)
        experts = integer("n_routed_experts", self.n_routed_experts, 0, 100_000)
        per_token = integer("n_experts_per_token", self.n_experts_per_token, 0, 100_000)
        if experts and not 1 <= per_token < experts:
            raise ValueError(f"n_experts_per_token must be in [1, n_routed_experts ({experts})), got {per_token}")
        if not experts and per_token:
            raise ValueError(f"n_experts_per_token must be 0 when n_routed_experts is 0, got {per_token}")
        if experts and active >= total:
            raise ValueError(f"n_params_active must be below n_params_total ({total:g}) for a mixture of "
                             f"experts, got {active:g}")
        if not experts and active != total:
            raise ValueError(f"n_params_active must equal n_params_total ({total:g}) for a dense model "
                             f"(n_routed_experts 0), got {active:g}")
        _store(self, "n_routed_experts", experts)
        _store(self, "n_experts_per_token", per_token)
        _store(self, "release_year", integer("release_year", self.release_year, *YEAR_RANGE))
        _store(self, "source", text("source", self.source))
        _store(self, "note", text("note", self.note, allow_empty=True))

    @property
    def is_mixture_of_experts(self) -> bool:
        """True when tokens are routed to a few of many experts."""
        return self.n_routed_experts > 0

    @property
    def kv_elements_per_token(self) -> int:
        """Numbers cached per token over all layers (see :func:`kv_cache_bytes_per_token`)."""
        if self.attention == "mla":
            return self.n_layers * (self.kv_lora_rank + self.rope_head_dim)
        return 2 * self.n_layers * self.n_kv_heads * self.head_dim

    def __str__(self) -> str:
        kind = (f"MoE, {self.n_params_active / 1e9:.0f}B of {self.n_params_total / 1e9:.0f}B active"
                if self.is_mixture_of_experts else f"dense, {self.n_params_total / 1e9:.1f}B")
        attn = "MLA" if self.attention == "mla" else f"{self.n_kv_heads} KV heads of {self.n_heads}"
        return f"{self.name}: {kind}, {self.n_layers} layers, {attn}, {self.context_tokens:,}-token context"


def _parse(table: _data.CsvTable) -> dict[str, ModelArchitecture]:
    out: dict[str, ModelArchitecture] = {}
    for row in table:
        name = row.text("name")
        where = table.where(row, name or "?")

        def req(field: str, low: float = 0.0, inclusive: bool = False, row: _data.CsvRow = row,
                where: str = where) -> float:
            return _data.number(row.text(field), where, field, required=True, low=low, low_inclusive=inclusive)

        def whole(field: str, inclusive: bool = False, row: _data.CsvRow = row, where: str = where) -> int:
            value = req(field, 0.0, inclusive, row, where)
            if not float(value).is_integer():
                raise ValueError(f"{where}: column {field!r} must be a whole number, got {row.text(field)!r}")
            return int(value)

        try:
            arch = ModelArchitecture(
                name=name, n_params_total=req("n_params_total"), n_params_active=req("n_params_active"),
                n_layers=whole("n_layers"), d_model=whole("d_model"), n_heads=whole("n_heads"),
                n_kv_heads=whole("n_kv_heads"), head_dim=whole("head_dim"), vocab_size=whole("vocab_size"),
                context_tokens=whole("context_tokens"), attention=row.text("attention"),
                kv_lora_rank=whole("kv_lora_rank", inclusive=True), rope_head_dim=whole("rope_head_dim", inclusive=True),
                n_routed_experts=whole("n_routed_experts", inclusive=True),
                n_experts_per_token=whole("n_experts_per_token", inclusive=True),
                release_year=whole("release_year"), source=row.text("source"), note=row.text("note"),
            )
        except ValueError as exc:
            if str(exc).startswith(where):
                raise
            raise ValueError(f"{where}: {exc}") from exc
        if name in out:
            raise ValueError(f"{where}: duplicate name {name!r}")
        out[name] = arch
    return out


def _read(path: str | os.PathLike[str] | None) -> dict[str, ModelArchitecture]:
    return _parse(_data.read_csv(path, "model_architectures.csv", required=ARCHITECTURE_COLUMNS,
                                 source_column="source"))


@functools.lru_cache(maxsize=1)
def _shipped() -> Mapping[str, ModelArchitecture]:
    return MappingProxyType(_read(None))


def load_model_architectures(path: str | os.PathLike[str] | None = None) -> dict[str, ModelArchitecture]:
    """The table of real architectures by name, every row validated.

    Parameters
    ----------
    path : str or path-like, optional
        A CSV with the columns :data:`ARCHITECTURE_COLUMNS` (others may follow); default the
        shipped ``compute_econ/data/model_architectures.csv`` (Llama 3.1 8B, Llama 2 70B,
        Llama 3.1 70B, Llama 3.1 405B, DeepSeek-V3).

    Raises
    ------
    ValueError
        Naming the file, line, model and column, for a missing column or source, a
        non-numeric or out-of-range number, inconsistent heads or experts, or a duplicate name.

    References
    ----------
    Each row's paper and configuration, in its ``source``.

    Examples
    --------
    >>> sorted(load_model_architectures())[:2]
    ['DeepSeek-V3', 'Llama 2 70B']
    """
    if path is None:
        return dict(_shipped())
    path = instance("path", path, (str, os.PathLike))
    if "\x00" in os.fspath(path):
        raise ValueError(f"path must be a file path without NUL characters, got {path!r}")
    return _read(path)


def get_architecture(name: str) -> ModelArchitecture:
    """One row of the shipped table by name; a ``ValueError`` listing the names otherwise.

    Parameters
    ----------
    name : str
        e.g. ``"Llama 3.1 70B"`` or ``"DeepSeek-V3"``.

    References
    ----------
    The row's ``source``.

    Examples
    --------
    >>> get_architecture("Llama 3.1 405B").n_layers
    126
    """
    table = _shipped()
    return table[choice("name", name, sorted(table))]


def _architecture(value: Any) -> ModelArchitecture:
    return instance("architecture", value, ModelArchitecture)


def weight_bytes(architecture: ModelArchitecture, precision: str = "bf16") -> float:
    """Bytes of all the weights at ``precision``: every parameter is held, active or not.

    .. math:: M_W = N_\\text{total} \\cdot b

    Parameters
    ----------
    architecture : ModelArchitecture
    precision : str
        Number format of the weights, one of :data:`PRECISIONS`.

    References
    ----------
    Pope et al. 2022, "Efficiently Scaling Transformer Inference", arXiv:2211.05102, Section 2
    (memory: parameters and KV cache); DeepSeek-AI 2024, arXiv:2412.19437, Section 4.2 (all
    671B parameters are held, 37B activated per token).

    Examples
    --------
    >>> weight_bytes(get_architecture("Llama 3.1 70B")) / 1e9  # GB in BF16
    141.107412992
    """
    arch = _architecture(architecture)
    return arch.n_params_total * bytes_per_element(precision)


def kv_cache_bytes_per_token(architecture: ModelArchitecture, precision: str = "bf16") -> float:
    """Bytes of key-value cache each token of context takes, over all layers.

    Grouped-query (and multi-head, multi-query) attention caches a key and a value vector per
    KV head per layer; multi-head latent attention caches one compressed latent :math:`c^{KV}`
    of dimension :math:`d_c` and one decoupled rotary key of dimension :math:`d_h^R` per layer:

    .. math::

        \\text{GQA: } 2\\, L\\, n_{kv}\\, d_h\\, b \\qquad\\qquad \\text{MLA: } L\\,(d_c + d_h^R)\\, b

    Llama 2 70B and Llama 3.1 70B: 2 x 80 x 8 x 128 x 2 = 327,680 bytes per token in BF16
    (with all 64 heads cached it would be 8 times more). DeepSeek-V3: 61 x (512 + 64) x 2 =
    70,272 bytes, for a model ten times larger.

    Parameters
    ----------
    architecture : ModelArchitecture
    precision : str
        Number format of the cache, one of :data:`PRECISIONS` (BF16 or FP8 in practice).

    References
    ----------
    Ainslie et al. 2023, "GQA", arXiv:2305.13245, Section 2 (key/value heads shared by groups of
    query heads); DeepSeek-AI 2024, "DeepSeek-V2", arXiv:2405.04434, Section 2.1 and Table 1
    (KV cache per token: MHA 2 n_h d_h l, GQA 2 n_g d_h l, MLA (d_c + d_h^R) l elements);
    DeepSeek-AI 2024, arXiv:2412.19437, Sections 2.1.1 and 4.2 (d_c = 512, d_h^R = 64).

    Examples
    --------
    >>> kv_cache_bytes_per_token(get_architecture("Llama 2 70B"))
    327680.0
    >>> kv_cache_bytes_per_token(get_architecture("DeepSeek-V3"))
    70272.0
    """
    arch = _architecture(architecture)
    return arch.kv_elements_per_token * bytes_per_element(precision)


def _tokens(name: str, value: ArrayLike, high: float) -> np.ndarray:
    return array(name, value, 1.0, high, unit="tokens")


def _batch(value: ArrayLike, name: str = "batch_size") -> np.ndarray:
    """A batch size (sequences decoded together): a number or array in [1, :data:`MAX_BATCH_SIZE`]."""
    return array(name, value, 1.0, MAX_BATCH_SIZE, unit="sequences")


def _context(architecture: ModelArchitecture, value: ArrayLike, name: str = "context_tokens") -> np.ndarray:
    """Context lengths in [1, the model's context window], tokens."""
    arr = _tokens(name, value, MAX_CONTEXT_TOKENS)
    limit = architecture.context_tokens
    if (arr > limit).any():
        raise ValueError(f"{name} must be at most {architecture.name}'s context window of {limit:,} tokens, "
                         f"got {float(arr.max()):g}")
    return arr


def kv_cache_bytes(
    architecture: ModelArchitecture, batch_size: ArrayLike, context_tokens: ArrayLike, precision: str = "bf16"
) -> FloatOrArray:
    """Bytes of KV cache for ``batch_size`` sequences of ``context_tokens`` tokens each.

    .. math:: M_{KV} = B \\cdot T \\cdot m_{kv}

    with :math:`m_{kv}` from :func:`kv_cache_bytes_per_token`.

    Parameters
    ----------
    architecture : ModelArchitecture
    batch_size : array_like
        Sequences held at once, in [1, 1e6].
    context_tokens : array_like
        Tokens per sequence (prompt plus output so far), in [1, the model's context window].
    precision : str
        Number format of the cache.

    References
    ----------
    Pope et al. 2022, arXiv:2211.05102, Section 2 (the KV cache grows with batch and context).

    Examples
    --------
    >>> kv_cache_bytes(get_architecture("Llama 3.1 70B"), 32, 8192) / 1e9  # GB in BF16
    85.89934592
    """
    arch = _architecture(architecture)
    per_token = kv_cache_bytes_per_token(arch, precision)
    B, T = broadcast({"batch_size": _batch(batch_size), "context_tokens": _context(arch, context_tokens)})
    return scalar_or_array(B * T * per_token)


def params_read_per_step(architecture: ModelArchitecture, tokens_in_step: ArrayLike) -> FloatOrArray:
    """Parameters a forward pass over ``tokens_in_step`` tokens reads from memory (expected value).

    A dense model reads all its parameters. A mixture of experts reads its always-active part
    :math:`S` (attention, shared experts, dense layers, embeddings) and each routed expert that
    at least one token is routed to. With :math:`E` routed experts, :math:`k` per token,
    routing assumed uniform and independent across tokens, the expected share of routed expert
    parameters touched by :math:`n` tokens is :math:`1 - (1 - k/E)^n`, so

    .. math::

        N_\\text{read}(n) = S + R\\,\\bigl(1 - (1 - k/E)^n\\bigr),\\quad
        R = (N_\\text{total} - N_\\text{active})\\,\\frac{E}{E - k},\\quad S = N_\\text{total} - R

    One token reads exactly :math:`N_\\text{active}`; DeepSeek-V3 (256 experts, 8 per token) reads
    64% of its routed experts at a batch of 32 and 99.97% at 256: **at large batch a decode step
    of a mixture of experts reads nearly all its weights**, while computing with the active ones
    only. Uniform routing is an assumption (DeepSeek-V3 balances expert load during training,
    Section 2.1.2, so it is the natural first guess; real routing is somewhat skewed, which
    touches fewer experts), and serving with expert parallelism across many devices spreads
    these reads but does not remove them.

    Parameters
    ----------
    architecture : ModelArchitecture
    tokens_in_step : array_like
        Tokens in one forward pass (the batch for a decode step, batch x prompt for a prefill), >= 1.

    References
    ----------
    DeepSeek-AI 2024, arXiv:2412.19437, Section 2.1.2 (DeepSeekMoE: shared plus routed experts,
    8 of 256 activated per token; auxiliary-loss-free load balancing) and Section 4.2; the
    occupancy formula is the expected number of occupied bins when n tokens each pick k of E
    experts (Feller 1968, "An Introduction to Probability Theory", Vol. 1, Section II.11).

    Examples
    --------
    >>> ds = get_architecture("DeepSeek-V3")
    >>> round(params_read_per_step(ds, 1) / 1e9, 1), round(params_read_per_step(ds, 256) / 1e9)
    (37.0, 671)
    """
    arch = _architecture(architecture)
    n = array("tokens_in_step", tokens_in_step, 1.0, MAX_BATCH_SIZE * MAX_CONTEXT_TOKENS, unit="tokens")
    if not arch.is_mixture_of_experts:
        return scalar_or_array(np.full(n.shape, arch.n_params_total))
    E, k = arch.n_routed_experts, arch.n_experts_per_token
    routed = (arch.n_params_total - arch.n_params_active) * E / (E - k)
    always = arch.n_params_total - routed
    touched = -np.expm1(n * math.log1p(-k / E))
    return scalar_or_array(always + routed * touched)


def attention_flop_per_token(architecture: ModelArchitecture, context_tokens: ArrayLike) -> FloatOrArray:
    """FLOP one new token spends attending to ``context_tokens`` cached tokens, over all layers.

    Grouped-query attention: scores :math:`QK^T` and the weighted sum of values each cost
    :math:`2 n_h d_h T` per layer. Multi-head latent attention computed with the up-projections
    absorbed (as DeepSeek-V3's inference code does) attends in the latent space: scores
    :math:`2 n_h (d_c + d_h^R) T`, values :math:`2 n_h d_c T`:

    .. math::

        \\text{GQA: } 4\\, L\\, n_h d_h T \\qquad\\qquad \\text{MLA: } 2\\, L\\, n_h (2 d_c + d_h^R)\\, T

    This adds to the :math:`2 N_\\text{active}` FLOP per token of the weight matrices.

    Parameters
    ----------
    architecture : ModelArchitecture
    context_tokens : array_like
        Tokens attended to, in [1, the model's context window].

    References
    ----------
    Chowdhery et al. 2022, "PaLM", arXiv:2204.02311, Appendix B (attention adds 12 L H Q T per
    token in training, i.e. 4 L H Q T in the forward pass); DeepSeek-AI 2024, arXiv:2405.04434,
    Section 2.1.2 (absorbing W^UK into W^Q and W^UV into W^O at inference) and
    deepseek-ai/DeepSeek-V3 inference/model.py (attn_impl "absorb": scores over kv_lora_rank +
    qk_rope_head_dim, values over kv_lora_rank).

    Examples
    --------
    >>> attention_flop_per_token(get_architecture("Llama 3.1 70B"), 8192) / 1e9  # GFLOP
    21.47483648
    """
    arch = _architecture(architecture)
    T = _context(arch, context_tokens)
    if arch.attention == "mla":
        per = 2.0 * arch.n_layers * arch.n_heads * (2 * arch.kv_lora_rank + arch.rope_head_dim)
    else:
        per = 4.0 * arch.n_layers * arch.n_heads * arch.head_dim
    return scalar_or_array(finite_result("attention FLOP per token", per * T, "context_tokens"))
