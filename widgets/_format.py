"""Number formatting for readouts: presentation only, no economics."""

from __future__ import annotations

import math

_SUFFIXES = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")]


def sci(x: float, digits: int = 2) -> str:
    """``3.14e+23`` -> ``3.1×10²³`` (HTML-safe, readable in a sentence)."""
    if not math.isfinite(x):
        return "—"
    if x == 0:
        return "0"
    exp = math.floor(math.log10(abs(x)))
    mant = x / 10**exp
    if round(mant, digits - 1) >= 10:
        mant /= 10
        exp += 1
    return f"{mant:.{digits - 1}f}×10<sup>{exp}</sup>"


def count(x: float, digits: int = 3) -> str:
    """Human count: ``7.0e10`` -> ``70.0 B``; ``1.4e12`` -> ``1.40 T``."""
    if not math.isfinite(x):
        return "—"
    for scale, suffix in _SUFFIXES:
        if abs(x) >= scale:
            v = x / scale
            if abs(v) >= 1000:
                return sci(x)
            return f"{v:.{max(digits - len(str(int(abs(v)))), 0)}f} {suffix}"
    return f"{x:.{digits}g}"


def number(x: float, digits: int = 3) -> str:
    """A quantity to ``digits`` significant figures, with thousands separators, never in e-notation.

    ``62_570`` -> ``62,600``; ``1234.5`` -> ``1,230``; ``2.345`` -> ``2.35``; ``0.01234`` -> ``0.0123``.
    From 10^15 up (and below 10^-3) it is written as ``sci``.
    """
    if not math.isfinite(x):
        return "—"
    if x == 0:
        return "0"
    if not 1e-3 <= abs(x) < 1e15:
        return sci(x, digits)
    exp = math.floor(math.log10(abs(x)))
    rounded = round(x, digits - 1 - exp)
    decimals = max(digits - 1 - math.floor(math.log10(abs(rounded))), 0)  # 99.96 -> 100, not 100.0
    return f"{rounded:,.{decimals}f}"


def usd(x: float) -> str:
    """Dollars, readable, never more digits than the estimate carries.

    ``$2.49``, ``$46.30``, ``$463``, ``$1.2k``, ``$3.4M``, ``$122.4B``, ``$1.5T``: cents only
    below $100 (an hourly price), whole dollars up to $1,000, then one decimal of a suffix.
    """
    if not math.isfinite(x):
        return "—"
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= scale:
            return f"${x / scale:,.1f}{suffix}"
    if abs(x) >= 99.995:
        return f"${x:,.0f}"
    return f"${x:,.2f}"


def percent(share: float) -> str:
    """A share as a percentage that never rounds to a false 0 % or 100 %.

    ``0.42`` -> ``42%``; ``0.996`` -> ``99.6%`` (not ``100%``); ``0.003`` -> ``0.3%``;
    exactly 0 and 1 stay ``0%`` and ``100%``.
    """
    if not math.isfinite(share):
        return "—"
    pct = 100 * share
    if 0 < pct < 1 or 99 < pct < 100:
        digits = 1
        while digits < 4 and round(pct, digits) in (0, 100):
            digits += 1
        return f"{pct:.{digits}f}%"
    return f"{pct:.0f}%"


def _with_unit(x: float, unit: str, thousandth: str) -> str:
    """``x`` in ``unit``, or in ``thousandth`` (a thousandth of it) when below one: never a false 0.0."""
    if not math.isfinite(x):
        return "—"
    if 0 < abs(x) < 0.9995:  # not "1,000 ms" for 0.9999 s
        return f"{number(x * 1e3)} {thousandth}"
    return f"{number(x)} {unit}"


def seconds(s: float) -> str:
    """A short duration in s, or ms below a second (a first token in ``18.4 ms``, not ``0.0184 s``)."""
    return _with_unit(s, "s", "ms")


def megawatts(mw: float) -> str:
    """Power in MW, or kW below 1 MW (a small cluster draws ``5.60 kW``, not ``0.0 MW``)."""
    return _with_unit(mw, "MW", "kW")


def megawatt_hours(mwh: float) -> str:
    """Energy in MWh, or kWh below 1 MWh (``2.19 kWh``, not ``0.00219 MWh``)."""
    return _with_unit(mwh, "MWh", "kWh")


def data_bytes(n_bytes: float) -> str:
    """Bytes in decimal units, as the models count them: ``55.3 GB``, ``16.7 TB``, ``469 MB`` (0 reads ``0 GB``)."""
    if not math.isfinite(n_bytes):
        return "—"
    for scale, unit in ((1e12, "TB"), (1e9, "GB")):
        if n_bytes >= scale or (unit == "GB" and n_bytes == 0):
            return f"{number(n_bytes / scale)} {unit}"
    return f"{number(n_bytes / 1e6)} MB"


def tonnes(t: float) -> str:
    """Mass in tonnes, or kg below one tonne (``0.801 kg``, not ``8.01×10⁻⁴ t``)."""
    return _with_unit(t, "t", "kg")


def duration_days(days: float) -> str:
    """Days as the most readable unit: seconds, minutes, hours, days or years."""
    if not math.isfinite(days):
        return "—"
    if days * 24 * 60 < 1:
        return f"{number(days * 86400)} seconds"
    if days * 24 < 1:
        return f"{number(days * 24 * 60)} minutes"
    if days < 1:
        return f"{days * 24:.1f} hours"
    if days < 365.25 * 2:
        return f"{days:,.0f} days" if days >= 10 else f"{days:.1f} days"
    years = days / 365.25
    if years < 1e4:
        return f"{years:,.0f} years"
    return f"{sci(years)} years"
