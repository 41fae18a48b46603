"""Check that the pandas baseline's KPIs equal the pipeline's `marts.fct_kpi_values`, exactly."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

COMPARED_KPIS = ("revenue", "new_customers", "collection_rate", "customer_retention_rate")

Key = tuple[str, str, str, str]  # employee_id, role, period, kpi_code
Values = tuple[Decimal | None, Decimal | None, Decimal | None]  # numerator, denominator, value


class ResultsDiffer(Exception):
    """The pandas baseline and the pipeline disagree: the benchmark must not report figures."""


@dataclass
class Comparison:
    rows_pipeline: int
    rows_pandas: int
    differences: list[str] = field(default_factory=list)
    total_differences: int = 0

    @property
    def equal(self) -> bool:
        return self.total_differences == 0

    def to_dict(self) -> dict[str, object]:
        return {
            "kpis": list(COMPARED_KPIS),
            "rows_pipeline": self.rows_pipeline,
            "rows_pandas": self.rows_pandas,
            "equal": self.equal,
            "total_differences": self.total_differences,
            "first_differences": self.differences,
        }


def _dec(text: str | None) -> Decimal | None:
    return None if text in (None, "") else Decimal(text).quantize(Decimal("0.000001"))


def pipeline_values(warehouse: Path) -> dict[Key, Values]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select entity_id, role, period, kpi_code, numerator, denominator, value "
            "from marts.fct_kpi_values where entity_type = 'employee' and period_type = 'month' "
            f"and kpi_code in ({', '.join(repr(k) for k in COMPARED_KPIS)})"
        ).fetchall()
    finally:
        con.close()
    return {
        (e, r, p, k): (_dec(_text(n)), _dec(_text(d)), _dec(_text(v)))
        for e, r, p, k, n, d, v in rows
    }


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def pandas_values(results_csv: Path) -> dict[Key, Values]:
    with results_csv.open(encoding="utf-8", newline="") as handle:
        return {
            (row["employee_id"], row["role"], row["period"], row["kpi_code"]): (
                _dec(row["numerator"]),
                _dec(row["denominator"]),
                _dec(row["value"]),
            )
            for row in csv.DictReader(handle)
        }


def compare(warehouse: Path, results_csv: Path, *, show: int = 10) -> Comparison:
    pipeline = pipeline_values(warehouse)
    baseline = pandas_values(results_csv)
    comparison = Comparison(len(pipeline), len(baseline))
    for key in sorted(pipeline.keys() | baseline.keys()):
        ours, theirs = pipeline.get(key), baseline.get(key)
        if ours == theirs:
            continue
        comparison.total_differences += 1
        if len(comparison.differences) < show:
            comparison.differences.append(
                f"{'/'.join(key)}: pipeline (numerator, denominator, value) = "
                f"{_show(ours)}, pandas = {_show(theirs)}"
            )
    return comparison


def _show(values: Values | None) -> str:
    if values is None:
        return "missing"
    return "(" + ", ".join("null" if v is None else str(v) for v in values) + ")"
