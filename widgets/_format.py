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


def usd(x: float) -> str:
    """Dollars, readable: ``$950.00``, ``$1.2k``, ``$3.4M``, ``$122.4B``, ``$1.5T``."""
    if not math.isfinite(x):
        return "—"
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= scale:
            return f"${x / scale:,.1f}{suffix}"
    return f"${x:,.2f}"


def duration_days(days: float) -> str:
    """Days as the most readable unit: hours, days or years."""
    if not math.isfinite(days):
        return "—"
    if days < 1:
        return f"{days * 24:.1f} hours"
    if days < 365.25 * 2:
        return f"{days:,.0f} days" if days >= 10 else f"{days:.1f} days"
    years = days / 365.25
    if years < 1e4:
        return f"{years:,.0f} years"
    return f"{sci(years)} years"
