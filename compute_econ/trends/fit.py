"""Calendar years and log-linear trends: OLS fits of log10(value) on the year, intervals, projections.

Training compute of notable models has grown roughly exponentially, so a straight
line through ``log10(training_flop)`` against the calendar year summarises it:
its slope is the growth in orders of magnitude (OOM) per year, ``10**slope`` the
growth factor per year, and ``log10(2) / slope`` the doubling time. Projections
carry an ordinary-least-squares prediction interval, computed in log10 space
with a Student-t quantile (implemented here with numpy and the standard library,
no SciPy; checked against SciPy in the tests).

Calendar years have the kit's one domain, :data:`compute_econ._validate.YEAR_RANGE`
(1950-2100): fitting, predicting and projecting outside it raise a ``ValueError``,
as do results that would overflow or underflow (no function returns NaN or inf).

References
----------
Sevilla et al. 2022, "Compute Trends Across Three Eras of Machine Learning",
arXiv:2202.05924, Section 3 and Table 2 (log-linear fits of training compute).
Montgomery, Peck & Vining 2012, Introduction to Linear Regression Analysis,
5th ed., Sections 2.2-2.5 (OLS, intervals for the slope, the mean and a new observation).
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import statistics
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from compute_econ._records import ArrayRecord
from compute_econ._validate import (
    GROWTH_FACTOR_RANGE,
    YEAR_RANGE,
    FloatOrArray,
    array,
    choice,
    finite_result,
    instance,
    integer,
    scalar,
    scalar_or_array,
    text,
)
from compute_econ._validate import year as _calendar_years

__all__ = [
    "decimal_year",
    "student_t_quantile",
    "LogLinearTrend",
    "fit_log_linear",
    "Projection",
    "project",
]

_LOG10_2 = math.log10(2.0)
# A trend's slope in log10 per year: the log10 of the kit's growth-factor domain (x0.01 to x100 a year).
_SLOPE_RANGE = (math.log10(GROWTH_FACTOR_RANGE[0]), math.log10(GROWTH_FACTOR_RANGE[1]))
#: log10 of the positive floats (the smallest subnormal to the largest double): a fitted level's domain.
_LOG10_RANGE = (math.log10(5e-324), math.log10(sys.float_info.max))


# --------------------------------------------------------------------------- dates


def _one_decimal_year(name: str, value: Any) -> float:
    """One ISO date (a string or a ``datetime.date``) as a decimal year in the kit's year domain."""
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        d = value
    elif isinstance(value, str):
        try:
            d = _dt.date.fromisoformat(value.strip())
        except ValueError:
            d = None
    else:
        d = None
    first, last = (int(y) for y in YEAR_RANGE)
    if d is None:
        shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
        raise ValueError(f"{name} must be an ISO date 'yyyy-mm-dd' (a string or a datetime.date) from "
                         f"{first}-01-01 to {last}-01-01, got {shown}")
    days_in_year = 366 if (d.year % 4 == 0 and (d.year % 100 != 0 or d.year % 400 == 0)) else 365
    out = d.year + (d.timetuple().tm_yday - 1) / days_in_year
    if not YEAR_RANGE[0] <= out <= YEAR_RANGE[1]:
        raise ValueError(f"{name} must be a date from {first}-01-01 to {last}-01-01 (the kit's calendar years), "
                         f"got {d.isoformat()!r}")
    return out


def decimal_year(iso_date: str | _dt.date | ArrayLike) -> FloatOrArray:
    """Calendar date as a decimal year (1 January = ``year + 0``).

    .. math:: y = \\text{year} + (\\text{day of year} - 1) / \\text{days in year}

    Parameters
    ----------
    iso_date : str, datetime.date or a non-empty sequence of them
        ISO 8601 date(s) ``yyyy-mm-dd``, from 1950-01-01 to 2100-01-01 (the kit's calendar years).

    Returns
    -------
    float or numpy.ndarray
        Decimal year(s), e.g. ``2020-07-02`` -> 2020.5 (a leap year).

    Raises
    ------
    ValueError
        For anything that is not an ISO date (numbers, ``None``, an empty list) or a date
        outside the kit's years.

    References
    ----------
    ISO 8601 calendar dates; the day-fraction convention is the one used for
    publication dates in Epoch AI's Notable AI Models plots.

    Examples
    --------
    >>> decimal_year("2021-01-01")
    2021.0
    >>> round(decimal_year("2020-07-02"), 3)
    2020.5
    """
    if isinstance(iso_date, (str, _dt.date)):
        return _one_decimal_year("iso_date", iso_date)
    if not isinstance(iso_date, (list, tuple, np.ndarray)):
        return _one_decimal_year("iso_date", iso_date)  # refuses it, naming iso_date
    items = np.asarray(iso_date, dtype=object)  # a ragged list gives entries that are lists, refused below
    if items.size == 0:
        raise ValueError(f"iso_date must not be empty (one or more ISO dates 'yyyy-mm-dd'), got {iso_date!r}")
    out = np.array([_one_decimal_year("iso_date", v) for v in items.ravel()], dtype=float)
    return out.reshape(items.shape)


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _power10(what: str, log10_value: Any, inputs: str) -> np.ndarray:
    """``10**log10_value``, or a ``ValueError`` if it overflows to inf or underflows to 0 (naming ``inputs``)."""
    with np.errstate(all="ignore"):
        value = np.power(10.0, log10_value)
    finite_result(what, value, inputs)
    if np.any(value <= 0):
        raise ValueError(f"{what} underflows to 0 for these inputs: they are outside the model's range "
                         f"(check {inputs})")
    return value


# ----------------------------------------------------------------- Student-t

_NORMAL = statistics.NormalDist()
_LOG_HALF = math.log(0.5)
_LOG_2 = math.log(2.0)
_LOG_SQRT_PI = 0.5 * math.log(math.pi)
_LOG_T_MIN = math.log(1e-300)  # the search for t > 0 runs in log t between these
_LOG_T_MAX = math.log(sys.float_info.max)
#: From this many degrees of freedom the Cornish-Fisher expansion is exact to ~1e-13 at any p
#: (its first omitted term is O(z^11 / df^5)); below it the CDF is inverted.
_CORNISH_FISHER_DF = 1e5


def _log1pexp(u: float) -> float:
    """``log(1 + exp(u))`` without overflow."""
    return u + math.log1p(math.exp(-u)) if u > 0 else math.log1p(math.exp(u))


def _stirling_tail(x: float) -> float:
    """``lgamma(x) - ((x - 1/2) log x - x + log(2 pi)/2)``, Stirling's series to x^-7 (for x >= 1000)."""
    y = 1.0 / (x * x)
    return (1.0 / 12.0 - y * (1.0 / 360.0 - y * (1.0 / 1260.0 - y / 1680.0))) / x


def _log_beta_half(a: float) -> float:
    """``log B(a, 1/2)``; for large ``a`` from Stirling's series, as ``lgamma(a) - lgamma(a + 1/2)`` cancels."""
    if a < 1000.0:
        return math.lgamma(a) + _LOG_SQRT_PI - math.lgamma(a + 0.5)
    log_ratio = a * math.log1p(0.5 / a) - 0.5 + 0.5 * math.log(a) + _stirling_tail(a + 0.5) - _stirling_tail(a)
    return _LOG_SQRT_PI - log_ratio  # log_ratio = lgamma(a + 1/2) - lgamma(a)


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz), for x < (a+1)/(a+b+2).

    It converges in O(sqrt(max(a, b))) terms there (Press et al. 2007, Section 6.4), so well within
    the cap for the degrees of freedom it is used for (< 1e5).
    """
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 100_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return h


def _t_tail(log_t: float, df: float) -> tuple[bool, float, float]:
    """At t = exp(log_t) > 0: (central, log value, log density) of Student's t with ``df`` degrees of freedom.

    With x = df / (df + t^2), P(T > t) = I_x(df/2, 1/2) / 2 (Abramowitz & Stegun 26.7.1). In the tail
    (``central`` False) the log value is log P(T > t); near the centre it is log(1 - 2 P(T > t)) =
    log I_{1-x}(1/2, df/2), which keeps full relative precision for small t. Everything is done in
    logarithms, so neither a tail probability of 1e-300 nor t = 1e300 underflows or overflows.
    """
    a, b = 0.5 * df, 0.5
    u = 2.0 * log_t - math.log(df)  # log(t^2 / df)
    log_x = -_log1pexp(u)  # log(df / (df + t^2))
    log_1mx = -_log1pexp(-u)  # log(t^2 / (df + t^2))
    log_beta = _log_beta_half(a)
    log_density = -0.5 * math.log(df) - log_beta + (a + b) * log_x
    x = math.exp(log_x)
    if x < (a + 1.0) / (a + b + 2.0):
        log_sf = _LOG_HALF + a * log_x + b * log_1mx - log_beta - math.log(a) + math.log(_betacf(a, b, x))
        return False, log_sf, log_density
    log_ic = b * log_1mx + a * log_x - log_beta - math.log(b) + math.log(_betacf(b, a, math.exp(log_1mx)))
    return True, log_ic, log_density


def _cornish_fisher(z: float, df: float) -> float:
    """Student-t quantile from the normal quantile ``z``: Cornish-Fisher expansion to df^-4 (A&S 26.7.5)."""
    z2 = z * z
    g1 = (z2 + 1.0) * z / 4.0
    g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0
    g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0
    g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0
    return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df


@functools.lru_cache(maxsize=1024)
def _t_upper_quantile(tail: float, df: float) -> float:
    """t > 0 with P(T > t) = ``tail`` (0 < tail < 1/2); inf if t exceeds the largest float.

    Memoised: an explorer asks for the same (level, degrees of freedom) on every slider move.
    """
    if tail >= 0.5:  # a coverage so small that 1 - level rounds to 1: the median
        return 0.0
    guess = _cornish_fisher(-_NORMAL.inv_cdf(tail), df)
    if df >= _CORNISH_FISHER_DF:
        return guess
    if 0.5 * df == 0.0:  # df/2 underflows: every quantile but the median is beyond the floats
        return math.inf
    log_tail, log_centre = math.log(tail), math.log1p(-2.0 * tail)

    def excess(log_t: float) -> tuple[float, float]:
        """g(log t) > 0 while t is below the quantile, and -dg/dlog t (> 0)."""
        central, log_value, log_density = _t_tail(log_t, df)
        if central:
            return log_centre - log_value, math.exp(log_t + _LOG_2 + log_density - log_value)
        return log_value - log_tail, math.exp(log_t + log_density - log_value)

    lo, hi = _LOG_T_MIN, _LOG_T_MAX
    if excess(hi)[0] > 0:
        return math.inf
    s = min(max(math.log(guess) if 0.0 < guess < math.inf else 0.0, lo), hi)
    for _ in range(400):  # safeguarded Newton in log t: a few steps, or bisection of a bracket of width 1400
        g, slope = excess(s)
        if g == 0.0:
            break
        if g > 0.0:
            lo = s
        else:
            hi = s
        step = s + g / slope if slope > 0.0 else 0.5 * (lo + hi)
        if not lo < step < hi:
            step = 0.5 * (lo + hi)
        done = abs(step - s) <= 2e-16 * max(1.0, abs(s))
        s = step
        if done:
            break
    return math.exp(s)


def _t_quantile_upper_or_raise(tail: float, df: float, inputs: str) -> float:
    t = _t_upper_quantile(tail, df)
    if not math.isfinite(t):
        raise ValueError(f"the Student-t quantile is beyond the floating-point range for these inputs: they are "
                         f"outside the model's range (check {inputs})")
    return t


def student_t_quantile(p: float, df: float) -> float:
    """Quantile (inverse CDF) of Student's t distribution with ``df`` degrees of freedom.

    The CDF is evaluated through the regularised incomplete beta function,
    :math:`P(T > t) = \\tfrac12 I_{\\nu/(\\nu+t^2)}(\\nu/2, 1/2)`, in logarithms, and
    inverted by a safeguarded Newton iteration in log t to ~1e-13 relative accuracy.
    From 1e5 degrees of freedom the Cornish-Fisher expansion around the normal quantile
    (Wichura's AS 241, :class:`statistics.NormalDist`) is used instead: it is exact to
    ~1e-13 there and tends to the normal quantile as ``df`` grows (1.95996 at p = 0.975).

    Parameters
    ----------
    p : float
        Probability in (0, 1).
    df : float
        Degrees of freedom, > 0 (need not be whole).

    Returns
    -------
    float
        ``t`` with ``P(T <= t) = p``.

    Raises
    ------
    ValueError
        If ``p`` or ``df`` is outside its range, or the quantile exceeds the largest float
        (e.g. ``p = 1e-300`` with one degree of freedom, a Cauchy distribution).

    References
    ----------
    Abramowitz & Stegun 1964, Handbook of Mathematical Functions, eq. 26.7.1
    (t CDF via the incomplete beta function), 26.5.8 (continued fraction) and 26.7.5
    (Cornish-Fisher expansion of the t quantile); Press et al. 2007, Numerical Recipes
    3rd ed., Section 6.4; Wichura 1988, Algorithm AS 241, Applied Statistics 37(3).

    Examples
    --------
    >>> round(student_t_quantile(0.975, 5), 4)
    2.5706
    >>> round(student_t_quantile(0.975, 1e15), 4)
    1.96
    """
    p = scalar("p", p, 0.0, 1.0, low_open=True, high_open=True)
    df = scalar("df", df, 0.0, low_open=True)
    if p == 0.5:
        return 0.0
    tail = 1.0 - p if p > 0.5 else p  # exact: 1 - p has no rounding error for p in (1/2, 1)
    t = _t_quantile_upper_or_raise(tail, df, "p, df")
    return t if p > 0.5 else -t


# ------------------------------------------------------------------- trends


@dataclass(frozen=True)
class LogLinearTrend:
    """An OLS fit of ``log10(value)`` on calendar year.

    .. math:: \\log_{10} y = b_0 + b_1 (t - \\bar t)

    with ``b1 = slope_log10_per_year`` and ``b0 = intercept_log10`` (the fitted
    log10 value at the mean year ``year_mean``, which keeps the fit well
    conditioned). Built by :func:`fit_log_linear`, or by hand to project a
    published trend; every field is checked and stored as a number.

    Attributes
    ----------
    slope_log10_per_year : float
        Growth in orders of magnitude per year, in [-2, 2]: the kit's growth factors run
        from x0.01 to x100 a year (:data:`compute_econ._validate.GROWTH_FACTOR_RANGE`).
    intercept_log10 : float
        Fitted ``log10(value)`` at ``year_mean`` (the log10 of a positive float, [-323.3, 308.25]).
    year_mean : float
        Mean of the fitted years (decimal years), between ``start_year`` and ``end_year``.
    residual_std_log10 : float
        Residual standard deviation in log10 units, ``sqrt(SSR / (n - 2))`` (>= 0).
    sxx : float
        ``sum((t - year_mean)**2)`` in year^2 (> 0).
    n : int
        Number of points fitted (>= 3).
    start_year, end_year : float
        Earliest and latest fitted year (calendar years, 1950-2100).
    source : str
        What was fitted (data set and citation).

    References
    ----------
    Sevilla et al. 2022, arXiv:2202.05924, Section 3 (log-linear trend fits);
    Montgomery, Peck & Vining 2012, Introduction to Linear Regression Analysis,
    5th ed., Section 2.5 (prediction interval for a new observation).
    """

    slope_log10_per_year: float
    intercept_log10: float
    year_mean: float
    residual_std_log10: float
    sxx: float
    n: int
    start_year: float
    end_year: float
    source: str = ""

    def __post_init__(self) -> None:
        put = functools.partial(object.__setattr__, self)
        put("slope_log10_per_year", scalar("slope_log10_per_year", self.slope_log10_per_year, *_SLOPE_RANGE,
                                           unit="OOM per year"))
        put("intercept_log10", scalar("intercept_log10", self.intercept_log10, *_LOG10_RANGE))
        for name in ("start_year", "year_mean", "end_year"):
            put(name, scalar(name, getattr(self, name), *YEAR_RANGE))
        if not self.start_year <= self.year_mean <= self.end_year:
            raise ValueError(f"year_mean must lie between start_year and end_year, got start_year={self.start_year:g}, "
                             f"year_mean={self.year_mean:g}, end_year={self.end_year:g}")
        put("residual_std_log10", scalar("residual_std_log10", self.residual_std_log10, 0.0))
        put("sxx", scalar("sxx", self.sxx, 0.0, low_open=True, unit="year^2"))
        put("n", integer("n", self.n, 3))
        put("source", text("source", self.source, allow_empty=True))

    @property
    def ooms_per_year(self) -> float:
        """Orders of magnitude per year (the slope)."""
        return self.slope_log10_per_year

    @property
    def growth_per_year(self) -> float:
        """Growth factor per year, ``10**slope`` (e.g. 4.5 means x4.5 each year)."""
        return 10.0**self.slope_log10_per_year

    @property
    def doubling_time_years(self) -> float:
        """Years to double, ``log10(2) / slope``; negative for a declining trend (a halving time).

        A flat trend (slope exactly 0) never doubles: the answer is ``inf``, documented here.
        """
        if self.slope_log10_per_year == 0:
            return math.inf
        return _LOG10_2 / self.slope_log10_per_year

    @property
    def doubling_time_months(self) -> float:
        """Doubling time in months (``12 * doubling_time_years``)."""
        return 12.0 * self.doubling_time_years

    @property
    def dof(self) -> int:
        """Residual degrees of freedom, ``n - 2``."""
        return self.n - 2

    def _log10_at(self, t: np.ndarray) -> np.ndarray:
        return self.intercept_log10 + self.slope_log10_per_year * (t - self.year_mean)

    def _band_log10(self, t: np.ndarray, level: float, kind: str, inputs: str) -> tuple[np.ndarray, np.ndarray]:
        """Centre and half-width (log10) of the interval at validated years ``t``."""
        k = 1.0 if kind == "prediction" else 0.0
        se = self.residual_std_log10 * np.sqrt(k + 1.0 / self.n + (t - self.year_mean) ** 2 / self.sxx)
        q = _t_quantile_upper_or_raise(0.5 * (1.0 - level), float(self.dof), inputs)
        with np.errstate(all="ignore"):
            return self._log10_at(t), q * se

    def predict_log10(self, year: ArrayLike) -> FloatOrArray:
        """Central fitted ``log10(value)`` at ``year`` (decimal years, 1950-2100; vectorised)."""
        return scalar_or_array(self._log10_at(_calendar_years("year", year)))

    def predict(self, year: ArrayLike) -> FloatOrArray:
        """Central fitted value (e.g. training FLOP) at ``year`` (decimal years, 1950-2100; vectorised).

        Raises
        ------
        ValueError
            If the value overflows or underflows the floating-point range.

        References
        ----------
        Sevilla et al. 2022, arXiv:2202.05924, Section 3.
        """
        t = _calendar_years("year", year)
        return scalar_or_array(_power10("the trend's value", self._log10_at(t), "year"))

    def band(self, year: ArrayLike, level: float = 0.9, *, kind: str = "prediction") -> tuple[FloatOrArray, FloatOrArray]:
        """Lower and upper bounds of an OLS interval around the trend at ``year``.

        .. math::

            \\log_{10} y_0 \\pm t_{(1+\\text{level})/2,\\,n-2}\\; s\\,
            \\sqrt{k + \\tfrac1n + \\tfrac{(t_0-\\bar t)^2}{S_{xx}}}

        with ``k = 1`` for a prediction interval (where a new run may fall) and
        ``k = 0`` for a confidence interval of the trend line itself. The band
        is narrowest at the mean year and widens away from it.

        Parameters
        ----------
        year : array_like
            Decimal year(s), 1950-2100.
        level : float
            Coverage in (0, 1), default 0.9.
        kind : {"prediction", "mean"}
            Interval for a new observation (default) or for the trend line.

        Returns
        -------
        (low, high) : tuple of float or numpy.ndarray
            Bounds in the units of the fitted values (e.g. FLOP).

        Raises
        ------
        ValueError
            For bad input, or bounds beyond the floating-point range (naming ``year`` and ``level``).

        References
        ----------
        Montgomery, Peck & Vining 2012, Introduction to Linear Regression
        Analysis, 5th ed., Section 2.4.2 (eq. 2.43, mean response) and
        Section 2.5 (eq. 2.45, prediction of a new observation).
        """
        level = scalar("level", level, 0.0, 1.0, low_open=True, high_open=True)
        kind = choice("kind", kind, ("prediction", "mean"))
        t = _calendar_years("year", year)
        centre, half = self._band_log10(t, level, kind, "year, level")
        low = _power10("the interval's lower bound", centre - half, "year, level")
        high = _power10("the interval's upper bound", centre + half, "year, level")
        return scalar_or_array(low), scalar_or_array(high)

    def growth_interval(self, level: float = 0.9) -> tuple[float, float]:
        """Confidence interval for the growth factor per year, ``10**(b1 +/- t * s / sqrt(Sxx))``.

        References
        ----------
        Montgomery, Peck & Vining 2012, Section 2.4.1 (eq. 2.30, interval for the slope).
        """
        level = scalar("level", level, 0.0, 1.0, low_open=True, high_open=True)
        q = _t_quantile_upper_or_raise(0.5 * (1.0 - level), float(self.dof), "level")
        with np.errstate(all="ignore"):
            half = q * self.residual_std_log10 / math.sqrt(self.sxx)
        low = _power10("the growth interval's lower bound", self.slope_log10_per_year - half, "level")
        high = _power10("the growth interval's upper bound", self.slope_log10_per_year + half, "level")
        return float(low), float(high)

    def __str__(self) -> str:
        return (
            f"LogLinearTrend: x{self.growth_per_year:.2f}/year ({self.ooms_per_year:.3f} OOM/year, "
            f"doubling every {self.doubling_time_months:.1f} months), n={self.n}, "
            f"{self.start_year:.1f}-{self.end_year:.1f}, residual sd {self.residual_std_log10:.2f} OOM"
        )


def fit_log_linear(years: ArrayLike, values: ArrayLike, *, source: str = "") -> LogLinearTrend:
    """Fit ``log10(values)`` against ``years`` by ordinary least squares.

    Parameters
    ----------
    years : array_like
        Decimal years, 1-D, 1950-2100 (the kit's calendar years).
    values : array_like
        Positive values (e.g. training FLOP), same length as ``years``.
    source : str, optional
        Description/citation of the data, stored on the result.

    Returns
    -------
    LogLinearTrend

    Raises
    ------
    ValueError
        Fewer than 3 points, mismatched lengths, years outside 1950-2100, non-positive
        values, all years equal, or values growing faster than x100 a year (or shrinking
        faster than x0.01), the kit's range of growth factors.

    References
    ----------
    Sevilla et al. 2022, arXiv:2202.05924, Section 3 (OLS on log compute vs.
    publication date); Montgomery, Peck & Vining 2012, Section 2.2.

    Examples
    --------
    >>> fit = fit_log_linear([2000, 2001, 2002, 2003], [1, 10, 100, 1000])
    >>> round(fit.growth_per_year, 6)
    10.0
    """
    t = array("years", years, *YEAR_RANGE, ndim=1)
    y = array("values", values, 0.0, math.inf, low_open=True, ndim=1)
    source = text("source", source, allow_empty=True)
    if t.size != y.size:
        raise ValueError(f"years and values must have the same length, got {t.size} and {y.size}")
    if t.size < 3:
        raise ValueError(f"need at least 3 points to fit a trend with an interval (valid range: n >= 3), got {t.size}")
    logy = np.log10(y)
    t_mean = float(t.mean())
    dt = t - t_mean
    sxx = float(dt @ dt)
    if sxx <= 0:
        raise ValueError(f"years must not all be equal, got {t[0]!r} for every point")
    slope = float(dt @ (logy - logy.mean()) / sxx)
    if not _SLOPE_RANGE[0] <= slope <= _SLOPE_RANGE[1]:
        raise ValueError(f"values change by x{10.0 ** slope:.3g} per year along years, outside the kit's growth "
                         f"factors (x{GROWTH_FACTOR_RANGE[0]:g} to x{GROWTH_FACTOR_RANGE[1]:g} a year); check years and values")
    intercept = float(logy.mean())
    resid = logy - (intercept + slope * dt)
    s = math.sqrt(float(resid @ resid) / (t.size - 2))
    return LogLinearTrend(
        slope_log10_per_year=slope,
        intercept_log10=intercept,
        year_mean=min(max(t_mean, float(t.min())), float(t.max())),  # the mean, kept inside the span by rounding
        residual_std_log10=s,
        sxx=sxx,
        n=int(t.size),
        start_year=float(t.min()),
        end_year=float(t.max()),
        source=source,
    )


@dataclass(frozen=True, eq=False)
class Projection(ArrayRecord):
    """A trend projected over years: central value and an interval band (a result record).

    Attributes
    ----------
    year, central, low, high : float or numpy.ndarray
        Decimal years and the central/low/high values (units of the fit, e.g.
        FLOP); floats when projected to a single year, read-only arrays otherwise.
    level : float
        Coverage of the band.
    """

    year: FloatOrArray
    central: FloatOrArray
    low: FloatOrArray
    high: FloatOrArray
    level: float


def project(trend: LogLinearTrend, years: ArrayLike, level: float = 0.9) -> Projection:
    """Project ``trend`` to ``years`` with an OLS prediction interval of coverage ``level``.

    Parameters
    ----------
    trend : LogLinearTrend
    years : array_like
        Decimal years, 1950-2100 (the kit's calendar years).
    level : float
        Coverage in (0, 1), default 0.9.

    Returns
    -------
    Projection
        year, central, low, high: floats for a scalar ``years``, arrays of the
        same shape otherwise (the package's scalar-in, scalar-out convention).

    Raises
    ------
    ValueError
        For bad input, including years outside 1950-2100, or values beyond the
        floating-point range (naming ``years`` and ``level``).

    References
    ----------
    Montgomery, Peck & Vining 2012, Section 2.5 (prediction interval);
    Epoch AI 2024 (4-5x/year) as the baseline the fitted trend is checked against.
    """
    trend = instance("trend", trend, LogLinearTrend)
    t = _calendar_years("years", years)
    level = scalar("level", level, 0.0, 1.0, low_open=True, high_open=True)
    centre, half = trend._band_log10(t, level, "prediction", "years, level")
    inputs = "years, level"
    central = _power10("the projected value", centre, "years")
    low = _power10("the projection's lower bound", centre - half, inputs)
    high = _power10("the projection's upper bound", centre + half, inputs)
    if t.ndim == 0:
        return Projection(year=float(t), central=float(central), low=float(low), high=float(high), level=level)
    return Projection(
        year=_readonly(t.copy()),
        central=_readonly(np.asarray(central, dtype=float)),
        low=_readonly(np.asarray(low, dtype=float)),
        high=_readonly(np.asarray(high, dtype=float)),
        level=level,
    )
