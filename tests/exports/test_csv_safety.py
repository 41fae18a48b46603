"""The formula-injection rule: the SQL form (BI CSVs) and the Python form (payroll file) agree."""

import duckdb
import pytest

from exports.csv_safety import neutralise_text, neutralised_text_sql

CASES = {
    '=HYPERLINK("http://x","y")': True,
    "+cmd|' /C calc'!A0": True,
    "-1+1": True,
    "@SUM(A1:A2)": True,
    "\t=1": True,
    "\r=1": True,
    "   =1": True,
    "\u3000=1": True,  # ideographic space first
    "张三": False,
    "a-b": False,
    "li@example.com": False,
    'say "hi"': False,
    "": False,
    "E0001": False,
}


@pytest.mark.parametrize(("value", "is_formula"), CASES.items())
def test_python_and_sql_rules_agree(value: str, is_formula: bool) -> None:
    expected = f"'{value}" if is_formula else value
    assert neutralise_text(value) == expected
    con = duckdb.connect()
    (from_sql,) = con.execute(f"select {neutralised_text_sql('$v')}", {"v": value}).fetchone()
    assert from_sql == expected
