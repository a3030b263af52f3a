"""Calendar years and log-linear trends: OLS fits of log10(value) on the year, intervals, projections.

Training compute of notable models has grown roughly exponentially, so a straight
line through ``log10(training_flop)`` against the calendar year summarises it:
its slope is the growth in orders of magnitude (OOM) per year, ``10**slope`` the
growth factor per year, and ``log10(2) / slope`` the doubling time. Projections
carry an ordinary-least-squares prediction interval, computed in log10 space
with a Student-t quantile (implemented here, no SciPy).

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
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from compute_econ._validate import as_float_array, in_range, positive, scalar_or_array

__all__ = [
    "decimal_year",
    "student_t_quantile",
    "LogLinearTrend",
    "fit_log_linear",
    "Projection",
    "project",
]

_LOG10_2 = math.log10(2.0)


# --------------------------------------------------------------------------- dates


def _one_decimal_year(name: str, value: Any) -> float:
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        d = value
    else:
        try:
            d = _dt.date.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise ValueError(
                f"{name} must be an ISO date 'yyyy-mm-dd', got {value!r}"
            ) from exc
    days_in_year = 366 if (d.year % 4 == 0 and (d.year % 100 != 0 or d.year % 400 == 0)) else 365
    return d.year + (d.timetuple().tm_yday - 1) / days_in_year


def decimal_year(iso_date: str | _dt.date | ArrayLike) -> float | np.ndarray:
    """Calendar date as a decimal year (1 January = ``year + 0``).

    .. math:: y = \\text{year} + (\\text{day of year} - 1) / \\text{days in year}

    Parameters
    ----------
    iso_date : str, datetime.date or sequence of them
        ISO 8601 date(s) ``yyyy-mm-dd``.

    Returns
    -------
    float or numpy.ndarray
        Decimal year(s), e.g. ``2020-07-02`` -> 2020.5 (a leap year).

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
    items = np.asarray(iso_date, dtype=object)
    out = np.array([_one_decimal_year("iso_date", v) for v in items.ravel()], dtype=float)
    return out.reshape(items.shape)


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


# ----------------------------------------------------------------- Student-t


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 400):
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
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    ln_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    front = math.exp(ln_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def _t_cdf(t: float, df: float) -> float:
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def student_t_quantile(p: float, df: float) -> float:
    """Quantile (inverse CDF) of Student's t distribution with ``df`` degrees of freedom.

    The CDF is evaluated through the regularised incomplete beta function,
    :math:`F(t) = 1 - \\tfrac12 I_{\\nu/(\\nu+t^2)}(\\nu/2, 1/2)` for
    :math:`t \\ge 0`, and inverted by bisection to ~1e-12 relative accuracy.

    Parameters
    ----------
    p : float
        Probability in (0, 1).
    df : float
        Degrees of freedom, > 0.

    Returns
    -------
    float
        ``t`` with ``P(T <= t) = p``.

    References
    ----------
    Abramowitz & Stegun 1964, Handbook of Mathematical Functions, eq. 26.7.1
    (t CDF via the incomplete beta function) and 26.5.8 (continued fraction);
    Press et al. 2007, Numerical Recipes 3rd ed., Section 6.4.

    Examples
    --------
    >>> round(student_t_quantile(0.975, 5), 4)
    2.5706
    """
    p = float(in_range("p", p, 0.0, 1.0, low_inclusive=False, high_inclusive=False))
    df = float(positive("df", df))
    return _student_t_quantile(p, df)


@functools.lru_cache(maxsize=1024)
def _student_t_quantile(p: float, df: float) -> float:
    """The bisection behind :func:`student_t_quantile`, memoised: an explorer asks for the
    same (level, degrees of freedom) on every slider move, and each solve takes ~1 ms."""
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -_student_t_quantile(1.0 - p, df)
    lo, hi = 0.0, 1.0
    while _t_cdf(hi, df) < p:
        hi *= 2.0
        if hi > 1e300:  # pragma: no cover - unreachable for p < 1
            break
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if _t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-13 * max(1.0, hi):
            break
    return 0.5 * (lo + hi)


# ------------------------------------------------------------------- trends


@dataclass(frozen=True)
class LogLinearTrend:
    """An OLS fit of ``log10(value)`` on calendar year.

    .. math:: \\log_{10} y = b_0 + b_1 (t - \\bar t)

    with ``b1 = slope_log10_per_year`` and ``b0 = intercept_log10`` (the fitted
    log10 value at the mean year ``year_mean``, which keeps the fit well
    conditioned).

    Attributes
    ----------
    slope_log10_per_year : float
        Growth in orders of magnitude per year.
    intercept_log10 : float
        Fitted ``log10(value)`` at ``year_mean``.
    year_mean : float
        Mean of the fitted years (decimal years).
    residual_std_log10 : float
        Residual standard deviation in log10 units, ``sqrt(SSR / (n - 2))``.
    sxx : float
        ``sum((t - year_mean)**2)`` in year^2.
    n : int
        Number of points fitted.
    start_year, end_year : float
        Earliest and latest fitted year.
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
        for name in ("slope_log10_per_year", "intercept_log10", "year_mean", "start_year", "end_year"):
            as_float_array(name, getattr(self, name))
        in_range("residual_std_log10", self.residual_std_log10, 0.0, math.inf)
        positive("sxx", self.sxx, "year^2")
        if int(self.n) != self.n or self.n < 3:
            raise ValueError(f"n must be an integer >= 3 (valid range: [3, inf)), got {self.n!r}")

    @property
    def ooms_per_year(self) -> float:
        """Orders of magnitude per year (the slope)."""
        return float(self.slope_log10_per_year)

    @property
    def growth_per_year(self) -> float:
        """Growth factor per year, ``10**slope`` (e.g. 4.5 means x4.5 each year)."""
        return float(10.0**self.slope_log10_per_year)

    @property
    def doubling_time_years(self) -> float:
        """Years to double, ``log10(2) / slope``; negative for a declining trend (a halving time), inf if flat."""
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
        return int(self.n) - 2

    def predict_log10(self, year: ArrayLike) -> float | np.ndarray:
        """Central fitted ``log10(value)`` at ``year`` (decimal years; vectorised)."""
        t = as_float_array("year", year)
        return scalar_or_array(self.intercept_log10 + self.slope_log10_per_year * (t - self.year_mean))

    def predict(self, year: ArrayLike) -> float | np.ndarray:
        """Central fitted value (e.g. training FLOP) at ``year`` (decimal years; vectorised).

        References
        ----------
        Sevilla et al. 2022, arXiv:2202.05924, Section 3.
        """
        return scalar_or_array(10.0 ** np.asarray(self.predict_log10(year)))

    def band(self, year: ArrayLike, level: float = 0.9, *, kind: str = "prediction") -> tuple[Any, Any]:
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
            Decimal year(s).
        level : float
            Coverage in (0, 1), default 0.9.
        kind : {"prediction", "mean"}
            Interval for a new observation (default) or for the trend line.

        Returns
        -------
        (low, high) : tuple of float or numpy.ndarray
            Bounds in the units of the fitted values (e.g. FLOP).

        References
        ----------
        Montgomery, Peck & Vining 2012, Introduction to Linear Regression
        Analysis, 5th ed., Section 2.4.2 (eq. 2.43, mean response) and
        Section 2.5 (eq. 2.45, prediction of a new observation).
        """
        level = float(in_range("level", level, 0.0, 1.0, low_inclusive=False, high_inclusive=False))
        if kind not in ("prediction", "mean"):
            raise ValueError(f"kind must be 'prediction' or 'mean', got {kind!r}")
        t = as_float_array("year", year)
        k = 1.0 if kind == "prediction" else 0.0
        centre = self.intercept_log10 + self.slope_log10_per_year * (t - self.year_mean)
        se = self.residual_std_log10 * np.sqrt(k + 1.0 / self.n + (t - self.year_mean) ** 2 / self.sxx)
        q = student_t_quantile(0.5 + level / 2.0, self.dof)
        return scalar_or_array(10.0 ** (centre - q * se)), scalar_or_array(10.0 ** (centre + q * se))

    def growth_interval(self, level: float = 0.9) -> tuple[float, float]:
        """Confidence interval for the growth factor per year, ``10**(b1 +/- t * s / sqrt(Sxx))``.

        References
        ----------
        Montgomery, Peck & Vining 2012, Section 2.4.1 (eq. 2.30, interval for the slope).
        """
        level = float(in_range("level", level, 0.0, 1.0, low_inclusive=False, high_inclusive=False))
        q = student_t_quantile(0.5 + level / 2.0, self.dof)
        half = q * self.residual_std_log10 / math.sqrt(self.sxx)
        return 10.0 ** (self.slope_log10_per_year - half), 10.0 ** (self.slope_log10_per_year + half)

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
        Decimal years, 1-D.
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
        Fewer than 3 points, mismatched lengths, non-finite years, non-positive
        values, or all years equal.

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
    t = as_float_array("years", years).ravel()
    y = positive("values", values).ravel()
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
    intercept = float(logy.mean())
    resid = logy - (intercept + slope * dt)
    s = math.sqrt(float(resid @ resid) / (t.size - 2))
    return LogLinearTrend(
        slope_log10_per_year=slope,
        intercept_log10=intercept,
        year_mean=t_mean,
        residual_std_log10=s,
        sxx=sxx,
        n=int(t.size),
        start_year=float(t.min()),
        end_year=float(t.max()),
        source=source,
    )


@dataclass(frozen=True, eq=False)  # holds numpy arrays: compare by identity
class Projection:
    """A trend projected over years: central value and an interval band.

    Attributes
    ----------
    year, central, low, high : float or numpy.ndarray
        Decimal years and the central/low/high values (units of the fit, e.g.
        FLOP); floats when projected to a single year.
    level : float
        Coverage of the band.
    """

    year: float | np.ndarray
    central: float | np.ndarray
    low: float | np.ndarray
    high: float | np.ndarray
    level: float


def project(trend: LogLinearTrend, years: ArrayLike, level: float = 0.9) -> Projection:
    """Project ``trend`` to ``years`` with an OLS prediction interval of coverage ``level``.

    Parameters
    ----------
    trend : LogLinearTrend
    years : array_like
        Decimal years.
    level : float
        Coverage in (0, 1), default 0.9.

    Returns
    -------
    Projection
        year, central, low, high: floats for a scalar ``years``, arrays of the
        same shape otherwise (the package's scalar-in, scalar-out convention).

    References
    ----------
    Montgomery, Peck & Vining 2012, Section 2.5 (prediction interval);
    Epoch AI 2024 (4-5x/year) as the baseline the fitted trend is checked against.
    """
    t = as_float_array("years", years)
    low, high = trend.band(t, level)
    central = trend.predict(t)
    if t.ndim == 0:
        return Projection(year=float(t), central=float(central), low=float(low), high=float(high), level=float(level))
    return Projection(
        year=_readonly(t.copy()),
        central=_readonly(np.asarray(central, dtype=float)),
        low=_readonly(np.asarray(low, dtype=float)),
        high=_readonly(np.asarray(high, dtype=float)),
        level=float(level),
    )
