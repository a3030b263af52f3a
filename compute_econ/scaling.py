"""Scaling laws: training FLOP, parametric loss fits and compute-optimal allocation.

How much compute does a model need, and how should a fixed budget be split
between parameters (N) and training tokens (D)? This module answers with the
published fits, each a frozen dataclass that carries its source:

* :data:`HOFFMANN_2022` - Chinchilla, approach 3 (Hoffmann et al. 2022).
* :data:`BESIROGLU_2024` - Epoch AI's replication of that fit (Besiroglu et al. 2024).
* :data:`KAPLAN_2020` - the earlier OpenAI law (Kaplan et al. 2020).

Everything is vectorised: pass a scalar to get a Python ``float`` back, pass
arrays (broadcasting like numpy) to get arrays back. Bad input (zero, negative,
NaN, a string, an array where one number belongs) raises a ``ValueError`` naming
the parameter, its value and the valid range; inputs whose results would overflow
or underflow the floating-point range raise a ``ValueError`` naming the inputs to
check, so no function returns NaN or inf.

Units: parameters and tokens are counts; ``*_flop`` is a count of floating-point
operations (never a rate); losses are in nats per token on each fit's own
evaluation set, so the *levels* of different fits are not comparable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._records import ArrayRecord
from ._validate import (
    FloatOrArray,
    finite_result,
    in_range,
    non_negative,
    positive,
    scalar,
    scalar_or_array,
    text,
)

__all__ = [
    "FLOP_PER_PARAM_PER_TRAINING_TOKEN",
    "FLOP_PER_PARAM_PER_INFERENCE_TOKEN",
    "MUENNIGHOFF_R_D_STAR",
    "training_flop",
    "n_params_for_flop",
    "n_tokens_for_flop",
    "ChinchillaFit",
    "KaplanFit",
    "HOFFMANN_2022",
    "HOFFMANN_2022_UNROUNDED",
    "BESIROGLU_2024",
    "KAPLAN_2020",
    "FITS",
    "DEFAULT_FIT",
    "get_fit",
    "ComputeOptimal",
    "compute_optimal",
    "compute_for_optimal_tokens",
    "isoflop_curve",
    "InferenceAwareOptimal",
    "chinchilla_optimal_for_loss",
    "inference_aware_optimal",
    "effective_data_tokens",
]

# Forward + backward pass: 2 FLOP per parameter per token forward, 4 backward.
# Kaplan et al. 2020, arXiv:2001.08361, §2.1 (C ≈ 6 N D).
FLOP_PER_PARAM_PER_TRAINING_TOKEN = 6.0
# Forward pass only, as used for serving cost.
# Kaplan et al. 2020, §2.1 (C_forward ≈ 2 N); Sardana et al. 2023, arXiv:2401.00448, §2.
FLOP_PER_PARAM_PER_INFERENCE_TOKEN = 2.0
# Fitted decay constant for repeated data: repeated tokens lose value over ~R_D* epochs.
# Muennighoff et al. 2023, arXiv:2305.16264, §3 / eq. 5; the authors' fit gives
# rd_star = 15.387756 (huggingface/datablations README, "Parametric Fit").
MUENNIGHOFF_R_D_STAR = 15.4

_INF = math.inf
_LOG_6 = math.log(FLOP_PER_PARAM_PER_TRAINING_TOKEN)


def _broadcast(**arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """The arrays broadcast to one shape; a ``ValueError`` naming them if their shapes do not broadcast."""
    try:
        return tuple(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{name} {np.shape(a)}" for name, a in arrays.items())
        raise ValueError(f"{' and '.join(arrays)} must broadcast to one shape (numpy rules), got shapes {shapes}") from None


def _positive_result(what: str, value: np.ndarray, inputs: str) -> np.ndarray:
    """``value`` if every entry is finite and > 0; else a ``ValueError`` saying the inputs are outside the range.

    A count or a budget that overflows to inf or underflows to 0 from positive inputs is not an
    answer: the inputs are beyond what floating point (and the model) can represent.
    """
    finite_result(what, value, inputs)
    if np.any(np.asarray(value) <= 0):
        raise ValueError(f"{what} underflows to 0 for these inputs: they are outside the model's range "
                         f"(check {inputs})")
    return value


# --------------------------------------------------------------------------- #
# Training FLOP                                                               #
# --------------------------------------------------------------------------- #


def training_flop(n_params: ArrayLike, n_tokens: ArrayLike) -> FloatOrArray:
    """Training compute of a dense transformer, C ≈ 6·N·D.

    .. math:: C = 6 N D

    Parameters
    ----------
    n_params : array_like
        Number of model parameters N (count, > 0).
    n_tokens : array_like
        Number of training tokens D (count, > 0).

    Returns
    -------
    float or ndarray
        Training compute in FLOP (a count, not a rate).

    References
    ----------
    Kaplan et al. 2020, "Scaling Laws for Neural Language Models",
    arXiv:2001.08361, §2.1 (C ≈ 6ND; 2N FLOP forward + 4N backward per token).

    Examples
    --------
    >>> training_flop(175e9, 300e9)  # GPT-3 175B
    3.15e+23
    """
    N = positive("n_params", n_params)
    D = positive("n_tokens", n_tokens)
    N, D = _broadcast(n_params=N, n_tokens=D)
    with np.errstate(all="ignore"):
        C = FLOP_PER_PARAM_PER_TRAINING_TOKEN * N * D
    return scalar_or_array(_positive_result("training FLOP", C, "n_params, n_tokens"))


def n_params_for_flop(training_flop: ArrayLike, n_tokens: ArrayLike) -> FloatOrArray:
    """Parameters N that a compute budget affords at a given token count: N = C / (6 D).

    Parameters
    ----------
    training_flop : array_like
        Training compute C in FLOP (> 0).
    n_tokens : array_like
        Training tokens D (count, > 0).

    Returns
    -------
    float or ndarray
        Number of parameters N.

    References
    ----------
    Kaplan et al. 2020, arXiv:2001.08361, §2.1 (inverse of C ≈ 6ND).
    """
    C = positive("training_flop", training_flop, "FLOP")
    D = positive("n_tokens", n_tokens)
    C, D = _broadcast(training_flop=C, n_tokens=D)
    with np.errstate(all="ignore"):
        N = C / FLOP_PER_PARAM_PER_TRAINING_TOKEN / D
    return scalar_or_array(_positive_result("number of parameters", N, "training_flop, n_tokens"))


def n_tokens_for_flop(training_flop: ArrayLike, n_params: ArrayLike) -> FloatOrArray:
    """Training tokens D that a compute budget affords at a given model size: D = C / (6 N).

    Parameters
    ----------
    training_flop : array_like
        Training compute C in FLOP (> 0).
    n_params : array_like
        Number of parameters N (count, > 0).

    Returns
    -------
    float or ndarray
        Number of training tokens D.

    References
    ----------
    Kaplan et al. 2020, arXiv:2001.08361, §2.1 (inverse of C ≈ 6ND).
    """
    C = positive("training_flop", training_flop, "FLOP")
    N = positive("n_params", n_params)
    C, N = _broadcast(training_flop=C, n_params=N)
    with np.errstate(all="ignore"):
        D = C / FLOP_PER_PARAM_PER_TRAINING_TOKEN / N
    return scalar_or_array(_positive_result("number of training tokens", D, "training_flop, n_params"))


# --------------------------------------------------------------------------- #
# Loss fits                                                                   #
# --------------------------------------------------------------------------- #


def _scalar_param(name: str, value: float, *, allow_zero: bool = False) -> float:
    """A fit constant: one finite number, > 0 (or >= 0 if ``allow_zero``)."""
    return scalar(name, value, 0.0, low_open=not allow_zero)


@dataclass(frozen=True)
class ChinchillaFit:
    """Parametric loss L(N, D) = E + A/N^alpha + B/D^beta (Chinchilla form).

    Fields
    ------
    name : str
        Human-readable label.
    E : float
        Irreducible loss in nats/token (>= 0): the entropy of the text.
    A, B : float
        Scale of the parameter- and data-limited terms (> 0).
    alpha, beta : float
        Exponents of N and D (> 0).
    source : str
        Paper and table/equation the constants come from.

    References
    ----------
    Hoffmann et al. 2022, "Training Compute-Optimal Large Language Models",
    arXiv:2203.15556, §3.3 eq. 2 (functional form) and eq. 10 / Appendix D.2 (fitted values).
    """

    name: str
    E: float
    A: float
    B: float
    alpha: float
    beta: float
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", text("name", self.name))
        object.__setattr__(self, "E", _scalar_param("E", self.E, allow_zero=True))
        for field in ("A", "B", "alpha", "beta"):
            object.__setattr__(self, field, _scalar_param(field, getattr(self, field)))
        object.__setattr__(self, "source", text("source", self.source, allow_empty=True))

    # Allocation exponents and prefactor of Hoffmann et al. 2022 eq. 4.
    @property
    def a(self) -> float:
        """Exponent of N_opt ∝ C^a: a = beta / (alpha + beta) (Hoffmann 2022 eq. 4)."""
        return self.beta / (self.alpha + self.beta)

    @property
    def b(self) -> float:
        """Exponent of D_opt ∝ C^b: b = alpha / (alpha + beta) (Hoffmann 2022 eq. 4)."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def log_G(self) -> float:
        """Natural log of the prefactor G, computed in logarithms (finite for any valid constants)."""
        with np.errstate(all="ignore"):
            return float((np.log(self.alpha) + np.log(self.A) - np.log(self.beta) - np.log(self.B))
                         / np.float64(self.alpha + self.beta))

    @property
    def G(self) -> float:
        """Prefactor G = (alpha A / (beta B))^(1/(alpha+beta)) (Hoffmann 2022 eq. 4).

        Raises
        ------
        ValueError
            If G overflows or underflows (constants far outside any published fit).
        """
        with np.errstate(all="ignore"):
            g = np.exp(np.float64(self.log_G))
        return float(_positive_result("G", g, "A, B, alpha, beta"))

    def _loss(self, N: np.ndarray, D: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return self.E + self.A * N ** (-self.alpha) + self.B * D ** (-self.beta)

    def loss(self, n_params: ArrayLike, n_tokens: ArrayLike) -> FloatOrArray:
        """Predicted final training loss in nats/token.

        .. math:: L(N, D) = E + A / N^{\\alpha} + B / D^{\\beta}

        Parameters
        ----------
        n_params : array_like
            Number of parameters N (> 0).
        n_tokens : array_like
            Number of training tokens D (> 0).

        Returns
        -------
        float or ndarray
            Loss in nats per token (on the fit's evaluation set).

        References
        ----------
        Hoffmann et al. 2022, arXiv:2203.15556, §3.3 eq. 2.
        """
        N = positive("n_params", n_params)
        D = positive("n_tokens", n_tokens)
        N, D = _broadcast(n_params=N, n_tokens=D)
        return scalar_or_array(finite_result("loss", self._loss(N, D), "n_params, n_tokens"))

    def __str__(self) -> str:
        return (
            f"{self.name}: L(N, D) = {self.E:g} + {self.A:g}/N^{self.alpha:g} + {self.B:g}/D^{self.beta:g}"
            f"  (N_opt ∝ C^{self.a:.3f}, D_opt ∝ C^{self.b:.3f})"
            + (f"\n  source: {self.source}" if self.source else "")
        )


@dataclass(frozen=True)
class KaplanFit:
    """Kaplan et al. 2020 loss law L(N, D) = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D.

    The loss is the cross-entropy on WebText2 in nats/token, and N counts
    **non-embedding** parameters, so the *level* of this loss is not comparable
    with the Chinchilla-form fits (MassiveText, all parameters). Compare the
    allocation instead: how N and D should grow with compute.

    Fields
    ------
    name : str
        Human-readable label.
    alpha_n, alpha_d : float
        Exponents of the parameter- and data-limited laws (> 0).
    n_c : float
        Critical non-embedding parameter count N_c (> 0).
    d_c : float
        Critical token count D_c (> 0).
    source : str
        Paper and table/equation the constants come from.

    References
    ----------
    Kaplan et al. 2020, arXiv:2001.08361, §1.2 eqs. 1.1, 1.2 and 1.5; constants from §1.2
    (alpha_N = 0.076, N_c = 8.8e13; alpha_D = 0.095, D_c = 5.4e13). Note: Table 2's joint
    fit of eq. 1.5 has slightly different constants (alpha_D = 0.103, N_c = 6.4e13, D_c = 1.8e13).
    """

    name: str
    alpha_n: float
    alpha_d: float
    n_c: float
    d_c: float
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", text("name", self.name))
        for field in ("alpha_n", "alpha_d", "n_c", "d_c"):
            object.__setattr__(self, field, _scalar_param(field, getattr(self, field)))
        object.__setattr__(self, "source", text("source", self.source, allow_empty=True))

    @property
    def a(self) -> float:
        """Exponent of N_opt ∝ C^a when eq. 1.5 is minimised along C = 6ND: alpha_D / (alpha_N + alpha_D)."""
        return self.alpha_d / (self.alpha_n + self.alpha_d)

    @property
    def b(self) -> float:
        """Exponent of D_opt ∝ C^b along C = 6ND: alpha_N / (alpha_N + alpha_D)."""
        return self.alpha_n / (self.alpha_n + self.alpha_d)

    def loss_n(self, n_params: ArrayLike) -> FloatOrArray:
        """Loss of a model with N non-embedding parameters trained to convergence: (N_c/N)^alpha_N.

        References
        ----------
        Kaplan et al. 2020, arXiv:2001.08361, eq. 1.1.
        """
        N = positive("n_params", n_params)
        with np.errstate(all="ignore"):
            loss = (self.n_c / N) ** self.alpha_n
        return scalar_or_array(finite_result("loss", loss, "n_params"))

    def loss_d(self, n_tokens: ArrayLike) -> FloatOrArray:
        """Loss of a large model trained with early stopping on D tokens: (D_c/D)^alpha_D.

        References
        ----------
        Kaplan et al. 2020, arXiv:2001.08361, eq. 1.2.
        """
        D = positive("n_tokens", n_tokens)
        with np.errstate(all="ignore"):
            loss = (self.d_c / D) ** self.alpha_d
        return scalar_or_array(finite_result("loss", loss, "n_tokens"))

    def _loss(self, N: np.ndarray, D: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return ((self.n_c / N) ** (np.float64(self.alpha_n) / self.alpha_d) + self.d_c / D) ** self.alpha_d

    def loss(self, n_params: ArrayLike, n_tokens: ArrayLike) -> FloatOrArray:
        """Loss in nats/token (WebText2) as a function of N and D.

        .. math:: L(N, D) = \\left[\\left(\\frac{N_c}{N}\\right)^{\\alpha_N/\\alpha_D} + \\frac{D_c}{D}\\right]^{\\alpha_D}

        Parameters
        ----------
        n_params : array_like
            Non-embedding parameters N (> 0).
        n_tokens : array_like
            Training tokens D (> 0).

        References
        ----------
        Kaplan et al. 2020, arXiv:2001.08361, eq. 1.5.
        """
        N = positive("n_params", n_params)
        D = positive("n_tokens", n_tokens)
        N, D = _broadcast(n_params=N, n_tokens=D)
        return scalar_or_array(finite_result("loss", self._loss(N, D), "n_params, n_tokens"))

    def __str__(self) -> str:
        return (
            f"{self.name}: L(N, D) = [({self.n_c:.3g}/N)^({self.alpha_n:g}/{self.alpha_d:g}) + "
            f"{self.d_c:.3g}/D]^{self.alpha_d:g}  (N_opt ∝ C^{self.a:.3f} along C = 6ND)"
            + (f"\n  source: {self.source}" if self.source else "")
        )


HOFFMANN_2022 = ChinchillaFit(
    "Hoffmann et al. 2022 (Chinchilla, approach 3)",
    E=1.69,
    A=406.4,
    B=410.7,
    alpha=0.34,
    beta=0.28,
    source=(
        "Hoffmann et al. 2022, 'Training Compute-Optimal Large Language Models', arXiv:2203.15556, "
        "§3.3 eq. 10 / Appendix D.2 (rounded published values; MassiveText loss, nats/token)"
    ),
)

#: The same approach-3 fit with the unrounded estimates found in the TeX source
#: of arXiv:2203.15556 (E, alpha, beta; A and B unchanged). Besiroglu et al. 2024
#: (arXiv:2404.10102, §2) show that the rounding in the paper's body biases the
#: predicted optimum: with these values Gopher's 5.76e23 FLOP gives the ~40B
#: parameters of Hoffmann Table A3, the rounded ones ~32B. The values were checked
#: against secondary reports of Besiroglu et al., not the TeX source itself.
HOFFMANN_2022_UNROUNDED = ChinchillaFit(
    "Hoffmann et al. 2022 (approach 3, unrounded)",
    E=1.6934,
    A=406.4,
    B=410.7,
    alpha=0.3392,
    beta=0.2849,
    source=(
        "Hoffmann et al. 2022, arXiv:2203.15556, TeX source of §3.3 eq. 10, as reported by "
        "Besiroglu et al. 2024, arXiv:2404.10102, §2"
    ),
)

BESIROGLU_2024 = ChinchillaFit(
    "Besiroglu et al. 2024 (Epoch AI replication)",
    E=1.8172,
    A=482.01,
    B=2085.43,
    alpha=0.3478,
    beta=0.3658,
    source=(
        "Besiroglu, Erdil, Barnett, You 2024, 'Chinchilla Scaling: A replication attempt', "
        "arXiv:2404.10102, Table 1 (refit of Hoffmann's eq. 2 to data reconstructed from Hoffmann Fig. 4)"
    ),
)

KAPLAN_2020 = KaplanFit(
    "Kaplan et al. 2020 (OpenAI)",
    alpha_n=0.076,
    alpha_d=0.095,
    n_c=8.8e13,
    d_c=5.4e13,
    source=(
        "Kaplan et al. 2020, 'Scaling Laws for Neural Language Models', arXiv:2001.08361, "
        "§1.2 eqs. 1.1, 1.2, 1.5 and Appendix A Table 5 (WebText2 loss, nats/token; N = non-embedding "
        "parameters); the single-variable constants of eqs. 1.1-1.2 used in eq. 1.5 (the joint fit, §4.2 Table 2, "
        "has alpha_D 0.103, N_c 6.4e13, D_c 1.8e13)"
    ),
)

#: The fit the lessons teach and every function uses unless told otherwise: Besiroglu et al. 2024's
#: replication of Hoffmann et al.'s approach 3. Hoffmann's constants as printed are rounded, and the
#: rounding biases the optimum (Besiroglu et al. 2024, §2): about 98 tokens per parameter at 1e24 FLOP
#: where the replication, like Hoffmann's own approaches 1 and 2, gives about 20.
DEFAULT_FIT = BESIROGLU_2024

FITS: dict[str, ChinchillaFit | KaplanFit] = {
    "hoffmann2022": HOFFMANN_2022,
    "besiroglu2024": BESIROGLU_2024,
    "kaplan2020": KAPLAN_2020,
}


def get_fit(name_or_fit: str | ChinchillaFit | KaplanFit) -> ChinchillaFit | KaplanFit:
    """The fit for a key of :data:`FITS` (e.g. ``"hoffmann2022"``), or the fit object itself.

    Raises
    ------
    ValueError
        If ``name_or_fit`` is neither a known key nor a fit; the message lists the valid keys.
    """
    return _get_fit(name_or_fit, "name_or_fit")


def _get_fit(value: object, param: str) -> ChinchillaFit | KaplanFit:
    """:func:`get_fit`, with the caller's parameter named in the error (``fit`` for the models)."""
    if isinstance(value, (ChinchillaFit, KaplanFit)):
        return value
    if isinstance(value, str) and value in FITS:
        return FITS[value]
    shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
    raise ValueError(f"{param} must be one of {sorted(FITS)} or a ChinchillaFit/KaplanFit, got {shown}")


# --------------------------------------------------------------------------- #
# Compute-optimal allocation                                                  #
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, eq=False)
class ComputeOptimal(ArrayRecord):
    """The loss-minimising split of a training budget (floats, or arrays of one shape).

    Fields: ``compute_flop`` (FLOP), ``n_params`` (count), ``n_tokens`` (count),
    ``loss`` (nats/token on the fit's data set), ``tokens_per_param`` (D/N).
    A result record (compare with ``==``, field by field).
    """

    compute_flop: FloatOrArray
    n_params: FloatOrArray
    n_tokens: FloatOrArray
    loss: FloatOrArray
    tokens_per_param: FloatOrArray


def _log_n_opt(log_k: np.ndarray, fit: ChinchillaFit | KaplanFit) -> np.ndarray:
    """log N_opt for log(C/6) = log_k, in closed form for either fit family."""
    with np.errstate(all="ignore"):
        if isinstance(fit, ChinchillaFit):
            # Hoffmann 2022 eq. 4: N_opt = G (C/6)^a.
            return fit.log_G + fit.a * log_k
        # Kaplan eq. 1.5 along D = K/N (K = C/6): L = f^alpha_D with
        # f(N) = (N_c/N)^p + D_c N / K, p = alpha_N/alpha_D. L is increasing in f, and
        # f'(N) = 0  <=>  N^(p+1) = p N_c^p K / D_c, a unique minimum (f is convex in log N).
        p = np.float64(fit.alpha_n) / fit.alpha_d
        return (np.log(p) + p * math.log(fit.n_c) - math.log(fit.d_c) + log_k) / (p + 1.0)


def compute_optimal(
    compute_flop: ArrayLike, fit: str | ChinchillaFit | KaplanFit = DEFAULT_FIT
) -> ComputeOptimal:
    """The model size and token count that minimise a fit's loss at a training budget C = 6ND.

    For a :class:`ChinchillaFit` (Hoffmann et al. 2022 eq. 4):

    .. math::
        N_{opt} = G (C/6)^{a}, \\quad D_{opt} = G^{-1} (C/6)^{b}, \\quad
        G = \\left(\\frac{\\alpha A}{\\beta B}\\right)^{1/(\\alpha+\\beta)}, \\;
        a = \\frac{\\beta}{\\alpha+\\beta}, \\; b = \\frac{\\alpha}{\\alpha+\\beta}

    For a :class:`KaplanFit`, eq. 1.5 minimised along the isoFLOP line
    N·D = C/6, which has the closed form
    :math:`N_{opt}^{p+1} = p N_c^{p} (C/6) / D_c` with :math:`p = \\alpha_N/\\alpha_D`,
    so :math:`N_{opt} \\propto C^{\\alpha_D/(\\alpha_N+\\alpha_D)} \\approx C^{0.56}`.
    This is *not* Kaplan's headline N_opt ∝ C^0.73 (their §6.1), which comes from
    a different analysis (L(N, S_min) with early-stopped training, C_min); the
    L(N, D) law with C = 6ND gives the smaller exponent.

    Computed in logarithms (log D_opt = log(C/6) - log N_opt), so 6·N·D reproduces C to
    rounding error and no budget, however small or large, underflows to a NaN ratio.

    Parameters
    ----------
    compute_flop : array_like
        Training budget C in FLOP (> 0).
    fit : str or ChinchillaFit or KaplanFit
        A fit or a key of :data:`FITS`. Default :data:`DEFAULT_FIT` (the replication, :data:`BESIROGLU_2024`).

    Returns
    -------
    ComputeOptimal
        ``compute_flop, n_params, n_tokens, loss, tokens_per_param``; floats for a
        scalar budget, arrays of the budget's shape otherwise.

    References
    ----------
    Hoffmann et al. 2022, arXiv:2203.15556, §3.3 eq. 4 (Appendix D.2);
    Kaplan et al. 2020, arXiv:2001.08361, eq. 1.5 with C ≈ 6ND (§2.1).

    Examples
    --------
    >>> opt = compute_optimal(5.76e23, fit="besiroglu2024")  # Gopher's budget
    >>> round(opt.n_params / 1e9), round(opt.tokens_per_param)
    (72, 18)
    """
    fit = _get_fit(fit, "fit")
    C = positive("compute_flop", compute_flop, "FLOP")
    log_k = np.log(C) - _LOG_6
    log_n = _log_n_opt(log_k, fit)
    log_d = log_k - log_n
    inputs = "compute_flop, fit"
    with np.errstate(all="ignore"):
        N = _positive_result("compute-optimal number of parameters", np.exp(log_n), inputs)
        D = _positive_result("compute-optimal number of tokens", np.exp(log_d), inputs)
        ratio = _positive_result("tokens per parameter", np.exp(log_d - log_n), inputs)
    return ComputeOptimal(
        compute_flop=scalar_or_array(C),
        n_params=scalar_or_array(N),
        n_tokens=scalar_or_array(D),
        loss=scalar_or_array(finite_result("loss", fit._loss(N, D), inputs)),
        tokens_per_param=scalar_or_array(ratio),
    )


def compute_for_optimal_tokens(
    n_tokens: ArrayLike, fit: str | ChinchillaFit | KaplanFit = DEFAULT_FIT
) -> FloatOrArray:
    """The training budget whose compute-optimal dataset is ``n_tokens``: the inverse of ``compute_optimal(C).n_tokens``.

    In every fit here, log N_opt is a straight line in log(C/6) (slope ``a`` < 1), so
    log D_opt = log(C/6) - log N_opt is one too and inverts exactly:
    :math:`C = 6\\,\\exp\\bigl((\\log D + c_0) / (1 - a)\\bigr)` with :math:`\\log N_{opt} = c_0 + a \\log(C/6)`.
    For a Chinchilla-type fit this is :math:`C = 6\\,(G D)^{1/b}`.

    Parameters
    ----------
    n_tokens : array_like
        Training tokens D (> 0), e.g. the stock of public text.
    fit : str or ChinchillaFit or KaplanFit
        A fit or a key of :data:`FITS`. Default :data:`DEFAULT_FIT` (the replication, :data:`BESIROGLU_2024`).

    Returns
    -------
    float or numpy.ndarray
        Budget C in FLOP; ``compute_optimal(C, fit).n_tokens`` gives back ``n_tokens``.

    References
    ----------
    Hoffmann et al. 2022, arXiv:2203.15556, §3.3 eq. 4 (D_opt = G^-1 (C/6)^b), inverted.

    Examples
    --------
    >>> f"{compute_for_optimal_tokens(300e12, fit='besiroglu2024'):.2g}"
    '3.9e+28'
    """
    fit = _get_fit(fit, "fit")
    D = positive("n_tokens", n_tokens, "tokens")
    c0 = float(_log_n_opt(np.array(0.0), fit))
    a = float(_log_n_opt(np.array(1.0), fit)) - c0
    with np.errstate(all="ignore"):
        C = FLOP_PER_PARAM_PER_TRAINING_TOKEN * np.exp((np.log(D) + c0) / (1.0 - a))
    return scalar_or_array(_positive_result("training budget", C, "n_tokens, fit"))


def isoflop_curve(
    compute_flop: ArrayLike, n_params: ArrayLike, fit: str | ChinchillaFit | KaplanFit = DEFAULT_FIT
) -> FloatOrArray:
    """Loss along an isoFLOP line: each model size N trained on D = C/(6N) tokens.

    Broadcasts like numpy, e.g. ``isoflop_curve(c[:, None], n[None, :])`` gives one
    curve (row) per budget.

    Parameters
    ----------
    compute_flop : array_like
        Training budget C in FLOP (> 0).
    n_params : array_like
        Model sizes N (> 0).
    fit : str or ChinchillaFit or KaplanFit
        A fit or a key of :data:`FITS`. Default :data:`DEFAULT_FIT` (the replication, :data:`BESIROGLU_2024`).

    Returns
    -------
    float or ndarray
        Loss in nats/token, of the broadcast shape of the inputs.

    References
    ----------
    Hoffmann et al. 2022, arXiv:2203.15556, §3.2 (approach 2, IsoFLOP profiles, Fig. 3).
    """
    fit = _get_fit(fit, "fit")
    C = positive("compute_flop", compute_flop, "FLOP")
    N = positive("n_params", n_params)
    C, N = _broadcast(compute_flop=C, n_params=N)
    with np.errstate(all="ignore"):
        D = C / FLOP_PER_PARAM_PER_TRAINING_TOKEN / N
    return scalar_or_array(finite_result("loss", fit._loss(N, D), "compute_flop, n_params"))


# --------------------------------------------------------------------------- #
# Inference-aware optimum                                                     #
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, eq=False)
class InferenceAwareOptimal(ArrayRecord):
    """The cheapest model over its lifetime that reaches a target loss.

    Fields: ``n_params`` and ``n_tokens`` (counts), ``training_flop`` (6ND),
    ``inference_flop`` (2·N·D_inf), ``total_flop`` (their sum), all in FLOP, and
    ``loss`` (nats/token, equal to the target). A result record (compare with ``==``).
    """

    n_params: FloatOrArray
    n_tokens: FloatOrArray
    training_flop: FloatOrArray
    inference_flop: FloatOrArray
    total_flop: FloatOrArray
    loss: FloatOrArray


def _require_chinchilla(fit: str | ChinchillaFit | KaplanFit) -> ChinchillaFit:
    fit = _get_fit(fit, "fit")
    if not isinstance(fit, ChinchillaFit):
        raise ValueError(
            f"fit must be a ChinchillaFit (one of {sorted(k for k, f in FITS.items() if isinstance(f, ChinchillaFit))}), "
            f"got {fit.name!r}"
        )
    return fit


def _target_loss(target_loss: ArrayLike, fit: ChinchillaFit) -> np.ndarray:
    """Validate that the target is reachable: L > E (the fit's irreducible loss)."""
    return in_range("target_loss", target_loss, fit.E, _INF, low_inclusive=False, high_inclusive=False)


def chinchilla_optimal_for_loss(
    target_loss: ArrayLike, fit: str | ChinchillaFit = DEFAULT_FIT
) -> ComputeOptimal:
    """The compute-optimal model that reaches a target loss, and the budget it needs.

    On the compute-optimal frontier alpha·A/N^alpha = beta·B/D^beta, so with
    R = L - E the two reducible terms are beta·R/(alpha+beta) and alpha·R/(alpha+beta):

    .. math::
        N = \\left(\\frac{A(\\alpha+\\beta)}{\\beta R}\\right)^{1/\\alpha}, \\quad
        D = \\left(\\frac{B(\\alpha+\\beta)}{\\alpha R}\\right)^{1/\\beta}, \\quad C = 6ND

    Parameters
    ----------
    target_loss : array_like
        Loss in nats/token; must exceed the fit's irreducible loss E.
    fit : str or ChinchillaFit
        A Chinchilla-form fit or its key. Default :data:`DEFAULT_FIT` (the replication, :data:`BESIROGLU_2024`).

    Returns
    -------
    ComputeOptimal

    References
    ----------
    Hoffmann et al. 2022, arXiv:2203.15556, eq. 4 (first-order condition of eq. 2 under C = 6ND).
    """
    fit = _require_chinchilla(fit)
    L = _target_loss(target_loss, fit)
    inputs = "target_loss, fit"
    with np.errstate(all="ignore"):
        # In logarithms: log N = (log(A s / beta) - log R) / alpha, and likewise for D.
        log_r = np.log(L - fit.E)
        s = np.float64(fit.alpha) + fit.beta
        log_n = (np.log(fit.A) + np.log(s) - np.log(fit.beta) - log_r) / fit.alpha
        log_d = (np.log(fit.B) + np.log(s) - np.log(fit.alpha) - log_r) / fit.beta
        N = _positive_result("number of parameters", np.exp(log_n), inputs)
        D = _positive_result("number of tokens", np.exp(log_d), inputs)
        C = _positive_result("training FLOP", FLOP_PER_PARAM_PER_TRAINING_TOKEN * np.exp(log_n + log_d), inputs)
        ratio = _positive_result("tokens per parameter", np.exp(log_d - log_n), inputs)
    return ComputeOptimal(
        compute_flop=scalar_or_array(C),
        n_params=scalar_or_array(N),
        n_tokens=scalar_or_array(D),
        loss=scalar_or_array(L),
        tokens_per_param=scalar_or_array(ratio),
    )


_BISECTION_STEPS = 64  # halves a bracket of width < 200 in log D to ~1e-17


def inference_aware_optimal(
    target_loss: ArrayLike,
    inference_tokens: ArrayLike,
    fit: str | ChinchillaFit = DEFAULT_FIT,
) -> InferenceAwareOptimal:
    """Minimise lifetime compute 6ND + 2N·D_inf subject to L(N, D) = target_loss.

    Serving D_inf tokens costs 2N FLOP each, so a model that will be used a lot
    should be smaller and trained on more tokens than the Chinchilla optimum.
    The first-order conditions of the Lagrangian give, with x = A/N^alpha and
    y = B/D^beta (x + y = L - E),

    .. math:: \\alpha x = \\beta y \\,\\left(1 + \\frac{D_{inf}}{3D}\\right)

    whose left side minus right side increases in D; it is solved for D by a
    vectorised bisection in log D (no Python loop per input), then
    N = (A / (L - E - y))^{1/alpha}. ``inference_tokens = 0`` gives the
    Chinchilla-optimal model for that loss (:func:`chinchilla_optimal_for_loss`).

    Parameters
    ----------
    target_loss : array_like
        Loss in nats/token; must exceed the fit's irreducible loss E.
    inference_tokens : array_like
        Lifetime tokens served D_inf (count, >= 0). Broadcasts with ``target_loss``.
    fit : str or ChinchillaFit
        A Chinchilla-form fit or its key. Default :data:`DEFAULT_FIT` (the replication, :data:`BESIROGLU_2024`).

    Returns
    -------
    InferenceAwareOptimal

    References
    ----------
    Sardana, Portes, Doubov, Frankle 2023, "Beyond Chinchilla-Optimal: Accounting
    for Inference in Language Model Scaling Laws", arXiv:2401.00448, §2
    (minimise 6N·D_tr + 2N·D_inf subject to the Chinchilla loss equalling a target).
    """
    fit = _require_chinchilla(fit)
    L = _target_loss(target_loss, fit)
    T = non_negative("inference_tokens", inference_tokens)
    L, T = _broadcast(target_loss=L, inference_tokens=T)
    with np.errstate(all="ignore"):
        return _inference_aware(L, T, fit)


def _inference_aware(L: np.ndarray, T: np.ndarray, fit: ChinchillaFit) -> InferenceAwareOptimal:
    """The bisection behind :func:`inference_aware_optimal` (inputs validated and broadcast)."""
    al, be, A, B = fit.alpha, fit.beta, fit.A, fit.B
    R = L - fit.E

    # g(u) = alpha (R - y) - beta y (1 + T/(3D)),  D = e^u,  y = B e^{-beta u}; increasing in u.
    def g(u: np.ndarray) -> np.ndarray:
        y = B * np.exp(-be * u)
        return al * R - (al + be) * y - be * y * T * np.exp(-u) / 3.0

    # Bracket: at u_lo (y = R, x = 0) g < 0. At u_hi each subtracted term is < alpha R / 2.
    u_lo = np.log(B / R) / be
    u_hi_1 = np.log(2.0 * (al + be) * B / (al * R)) / be
    u_hi_2 = np.log(2.0 * be * B * T / (3.0 * al * R)) / (be + 1.0)  # -inf when T == 0
    u_hi = np.maximum(np.maximum(u_hi_1, u_hi_2), u_lo) + 1.0
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (u_lo + u_hi)
        neg = g(mid) < 0
        u_lo = np.where(neg, mid, u_lo)
        u_hi = np.where(neg, u_hi, mid)
    u = 0.5 * (u_lo + u_hi)
    D = np.exp(u)
    y = B * np.exp(-be * u)
    N = (A / (R - y)) ** (1.0 / al)
    train = FLOP_PER_PARAM_PER_TRAINING_TOKEN * N * D
    infer = FLOP_PER_PARAM_PER_INFERENCE_TOKEN * N * T
    inputs = "target_loss, inference_tokens, fit"
    for what, value in (("number of parameters", N), ("number of tokens", D), ("training FLOP", train)):
        _positive_result(what, value, inputs)
    total = finite_result("lifetime FLOP", train + infer, inputs)
    return InferenceAwareOptimal(
        n_params=scalar_or_array(N),
        n_tokens=scalar_or_array(D),
        training_flop=scalar_or_array(train),
        inference_flop=scalar_or_array(infer),
        total_flop=scalar_or_array(total),
        loss=scalar_or_array(finite_result("loss", fit._loss(N, D), inputs)),
    )


# --------------------------------------------------------------------------- #
# Data-constrained scaling                                                    #
# --------------------------------------------------------------------------- #


def effective_data_tokens(
    unique_tokens: ArrayLike, epochs: ArrayLike, r_d_star: ArrayLike = MUENNIGHOFF_R_D_STAR
) -> FloatOrArray:
    """Effective data D' of training for several epochs on U unique tokens.

    Repeated tokens are worth less each time; their value decays exponentially
    with the number of repetitions R_D = epochs - 1:

    .. math:: D' = U + U R_D^* \\left(1 - e^{-R_D / R_D^*}\\right)

    A few epochs are nearly as good as fresh data (4 epochs give ~0.93 of 4U);
    with many epochs D' saturates at U (1 + R_D^*) ≈ 16.4 U.

    Parameters
    ----------
    unique_tokens : array_like
        Unique tokens U_D (count, > 0).
    epochs : array_like
        Passes over the unique data (>= 1; 1 means no repetition).
    r_d_star : array_like
        Decay constant R_D* (> 0). Default 15.4, the authors' fit.

    Returns
    -------
    float or ndarray
        Effective number of training tokens D'.

    References
    ----------
    Muennighoff et al. 2023, "Scaling Data-Constrained Language Models",
    arXiv:2305.16264, §3.1 eq. 5; fitted R_D* = 15.4 (§3 / Appendix; 15.387756 in the
    authors' huggingface/datablations README).

    Examples
    --------
    >>> effective_data_tokens(1e9, 1)
    1000000000.0
    """
    U = positive("unique_tokens", unique_tokens)
    epochs_ = in_range("epochs", epochs, 1.0, _INF, high_inclusive=False)
    r_star = positive("r_d_star", r_d_star)
    U, epochs_, r_star = _broadcast(unique_tokens=U, epochs=epochs_, r_d_star=r_star)
    R_D = epochs_ - 1.0
    with np.errstate(all="ignore"):
        d_eff = U * (1.0 + r_star * -np.expm1(-R_D / r_star))
    return scalar_or_array(_positive_result("effective data", d_eff, "unique_tokens, epochs, r_d_star"))
