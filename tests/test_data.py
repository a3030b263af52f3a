"""The one CSV reader every table goes through (compute_econ/_data.py): what it refuses, and how it says so."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from compute_econ import _data

DATA = Path(__file__).resolve().parents[1] / "compute_econ" / "data"


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.csv")))
def test_every_shipped_table_reads_and_has_a_source_or_attribution(name):
    if name.startswith("epoch_"):
        # Epoch AI's snapshot is credited as a whole (the data README and every plot's credit line).
        table = _data.read_csv(None, name)
        assert "Epoch AI" in (DATA / "README.md").read_text(encoding="utf-8")
    else:  # every other row cites its own source: the reader refuses an empty one
        table = _data.read_csv(None, name, source_column="source")
    assert table.rows and table.label == name
    # the data README lists every shipped table
    assert name in (DATA / "README.md").read_text(encoding="utf-8")


def test_reading_a_users_file_and_its_errors(tmp_path):
    p = tmp_path / "mine.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    t = _data.read_csv(p, "unused.csv", columns=("a", "b"))
    assert t.label == "mine.csv" and t.rows[0].line == 2 and t.rows[0].text("b") == "2"
    with pytest.raises(ValueError, match="header must be a,c"):
        _data.read_csv(p, "x", columns=("a", "c"))
    p.write_text("a,b\n1,2,3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2: has more fields"):
        _data.read_csv(p, "x")
    p.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="empty"):
        _data.read_csv(p, "x")
    with pytest.raises(ValueError, match="no such file"):
        _data.read_csv(tmp_path / "nope.csv", "x")
    with pytest.raises(ValueError, match="directory"):
        _data.read_csv(tmp_path, "x")


def test_number_parses_or_names_the_column_and_range():
    assert _data.number("2.5e3", "f.csv line 3 ('X')", "watts") == 2500.0
    assert math.isnan(_data.number("", "w", "watts"))
    assert _data.number("0", "w", "n", low=0.0, low_inclusive=True) == 0.0
    for raw, words in (("", "is empty"), ("abc", "must be a number in \\(0, inf\\)"), ("-1", "must be in \\(0, inf\\)"),
                       ("nan", "must be in"), ("inf", "must be in")):
        with pytest.raises(ValueError, match=f"f.csv line 3 \\('X'\\): column 'watts' {words}"):
            _data.number(raw, "f.csv line 3 ('X')", "watts", required=True)
    with pytest.raises(ValueError, match=r"must be in \(0, 1\]"):
        _data.number("1.5", "w", "frac", high=1.0)


def test_the_reader_refuses_a_row_without_a_source_and_a_missing_required_column(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("name,value,source\na,1,datasheet\nb,2,\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"t.csv line 3: column 'source' is empty"):
        _data.read_csv(path, "unused.csv", source_column="source")
    with pytest.raises(ValueError, match=r"lacks the required column\(s\) unit"):
        _data.read_csv(path, "unused.csv", required=("name", "unit"))
    assert len(_data.read_csv(path, "unused.csv", required=("value", "name")).rows) == 2
