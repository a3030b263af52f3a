"""Reading the kit's CSV tables: one place that opens them and words their errors.

Every table in ``compute_econ/data`` (and any CSV of the same form a user
passes by path) is read here: the shipped file through ``importlib.resources``
(so it works from an installed wheel), a user's file from disk. Errors name
the file, the line, the row's label and the column, so a learner who edits a
CSV or downloads a newer one reads what is wrong and where.
"""

from __future__ import annotations

import csv
import importlib.resources
import io
import math
import os
from dataclasses import dataclass
from collections.abc import Iterator, Mapping, Sequence


@dataclass(frozen=True)
class CsvRow:
    """One data row: its 1-based line number (the header is line 1) and its fields."""

    line: int
    fields: Mapping[str, str]

    def text(self, column: str) -> str:
        """The field, stripped ("" when empty or absent)."""
        return (self.fields.get(column) or "").strip()


@dataclass(frozen=True)
class CsvTable:
    """A CSV read as text rows, with the label its errors use (the file name)."""

    label: str
    header: tuple[str, ...]
    rows: tuple[CsvRow, ...]

    def __iter__(self) -> Iterator[CsvRow]:
        return iter(self.rows)

    def where(self, row: CsvRow, name: str = "") -> str:
        """``"file.csv line 12 ('GPT-3')"``: the prefix of every error about ``row``."""
        return f"{self.label} line {row.line}" + (f" ({name!r})" if name else "")


def read_csv(
    path: str | os.PathLike[str] | None,
    shipped: str,
    *,
    columns: Sequence[str] | None = None,
    required: Sequence[str] = (),
    source_column: str | None = None,
) -> CsvTable:
    """Read the shipped table ``data/<shipped>`` (``path=None``) or a user's CSV at ``path``.

    Parameters
    ----------
    path : path-like or None
        A user's CSV; ``None`` reads the copy shipped inside the package.
    shipped : str
        File name under ``compute_econ/data``.
    columns : sequence of str, optional
        If given, the header must be exactly these columns, in this order.
    required : sequence of str, optional
        Columns that must be in the header (in any order; others may follow).
    source_column : str, optional
        The column that cites each row's source: it must be present, and not
        empty in any row (every number in the kit has a source).

    Raises
    ------
    ValueError
        If the file is empty, has no data rows, a row has more fields than
        the header, the header differs from ``columns`` or lacks a ``required``
        column, or a row has no source.
    """
    if path is None:
        text = importlib.resources.files("compute_econ").joinpath("data", shipped).read_text(encoding="utf-8")
        label = shipped
    else:
        p = os.fspath(path)
        try:
            with open(p, encoding="utf-8-sig", newline="") as fh:
                text = fh.read()
        except FileNotFoundError:
            raise ValueError(f"path must name an existing CSV file, got {p!r} (no such file)") from None
        except IsADirectoryError:
            raise ValueError(f"path must name a CSV file, got the directory {p!r}") from None
        label = os.path.basename(p)
    reader = csv.DictReader(io.StringIO(text))
    header = tuple(h.strip() for h in (reader.fieldnames or ()))
    if not header:
        raise ValueError(f"{label}: the file is empty (expected a header line of column names)")
    if columns is not None and header != tuple(columns):
        raise ValueError(f"{label}: header must be {','.join(columns)}, got {','.join(header)}")
    missing = [c for c in (*required, *([source_column] if source_column else [])) if c not in header]
    if missing:
        raise ValueError(f"{label}: header lacks the required column(s) {', '.join(missing)} "
                         f"(it has {','.join(header)})")
    reader.fieldnames = list(header)
    rows = []
    for rec in reader:
        line = reader.line_num
        if None in rec:
            raise ValueError(f"{label} line {line}: has more fields than the header's {len(header)} columns")
        row = CsvRow(line, rec)
        if source_column and not row.text(source_column):
            raise ValueError(f"{label} line {line}: column {source_column!r} is empty "
                             "(every row must cite where its numbers come from)")
        rows.append(row)
    if not rows:
        raise ValueError(f"{label}: no data rows after the header")
    return CsvTable(label, header, tuple(rows))


def number(
    raw: str,
    where: str,
    column: str,
    *,
    required: bool = False,
    low: float = 0.0,
    low_inclusive: bool = False,
    high: float = math.inf,
) -> float:
    """Parse a numeric field; NaN if empty and not ``required``.

    The valid range defaults to ``(0, inf)``; a ``ValueError`` names the row
    (``where``), the column, the text found and the valid range.
    """
    raw = (raw or "").strip()
    lb = "[" if low_inclusive else "("
    hb = "]" if math.isfinite(high) else ")"
    valid = f"{lb}{low:g}, {high:g}{hb}"
    if not raw:
        if required:
            raise ValueError(f"{where}: column {column!r} is empty (a number in {valid} is required)")
        return math.nan
    try:
        x = float(raw)
    except ValueError:
        raise ValueError(f"{where}: column {column!r} must be a number in {valid}, got {raw!r}") from None
    too_low = x < low if low_inclusive else x <= low
    if not math.isfinite(x) or too_low or x > high:
        raise ValueError(f"{where}: column {column!r} must be in {valid}, got {raw!r}")
    return x
