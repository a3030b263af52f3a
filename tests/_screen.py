"""What a learner can read in an executed lesson, and which numbers are in it (used by tests/test_lessons.py).

The text of a lesson is its markdown prose, every cell output (stdout, plain text, HTML) and every
widget's value saved in the notebook (explorer readouts, slider readouts). Numbers are read the way
a learner reads them: "9,212 days", "$0.77M", "35%", "3.1×10<sup>23</sup>", "1.9e+21", "70.8 B".
"""

from __future__ import annotations

import html
import re

SCALES = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12, "%": 1e-2}
_NUM = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?(?:e[-+]?\d+)?)(\s?(?:k|K|M|B|T|%)(?![A-Za-z]))?")


def lesson_text(nb) -> str:
    """Everything a learner sees after running the lesson: prose, outputs and saved widget values."""
    parts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    for c in nb.cells:
        for out in c.get("outputs", []):
            if "text" in out:
                parts.append(out["text"])
            data = out.get("data", {})
            for mime in ("text/plain", "text/html", "text/markdown"):
                if mime in data and "bokeh" not in str(data[mime])[:2000].lower():
                    parts.append(str(data[mime]))
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    for model in state.values():
        value = model.get("state", {}).get("value")
        if isinstance(value, str):
            parts.append(value)
        readout = model.get("state", {}).get("readout_format")
        if readout and isinstance(model.get("state", {}).get("value"), (int, float)):
            parts.append(str(model["state"]["value"]))
    return "\n".join(parts)


def _significant(literal: str) -> int:
    """Significant digits as displayed: "9212" 4, "0.35" 2, "140" 2, "3.150e+23" 4."""
    mantissa = literal.lower().split("e")[0]
    digits = mantissa.replace(".", "").lstrip("0")
    if "." not in mantissa:
        digits = digits.rstrip("0")
    return max(len(digits), 1)


def numbers(text: str) -> list[tuple[float, int]]:
    """Every number in ``text`` with its displayed significant digits, in each reading a learner could take
    (1.2M is 1.2 and 1.2e6; 35% is 35 and 0.35)."""
    t = html.unescape(text)
    t = re.sub(r"×\s*10<sup>\s*([-−]?\d+)\s*</sup>", lambda m: "e" + m.group(1).replace("−", "-"), t)
    t = re.sub(r"\\times\s*10\^\{?([-−]?\d+)\}?", lambda m: "e" + m.group(1).replace("−", "-"), t)
    t = re.sub(r"</?[A-Za-z][^<>]*>", " ", t)  # tags only: prose has "power < chips < data"
    t = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", t)
    t = t.replace("\u00a0", " ").replace("$", " ")
    out: list[tuple[float, int]] = []
    for m in _NUM.finditer(t):
        try:
            v = float(m.group(1))
        except ValueError:
            continue
        k = _significant(m.group(1))
        out.append((v, k))
        suffix = (m.group(2) or "").strip()
        if suffix in SCALES:
            out.append((v * SCALES[suffix], k))
    return out


def shown(expected: float, rtol: float, text_numbers: list[tuple[float, int]]) -> list[float]:
    """The numbers on screen that *are* the answer: the expected value rounded to the digits displayed
    (at least two), and close enough that the check would accept it if copied.

    Small whole-number answers (|x| < 100, e.g. a quarter or a count) are left out: "12" or "3" appear in
    every lesson for other reasons, and finding them is a coincidence, not the answer.
    """
    if expected == 0 or (float(expected).is_integer() and abs(expected) < 100):
        return []
    hits = []
    for v, k in text_numbers:
        if k < 2 or v == 0:
            continue
        if float(f"{expected:.{k}g}") == float(f"{v:.{k}g}") and abs(v - expected) <= rtol * abs(expected):
            hits.append(v)
    return hits
