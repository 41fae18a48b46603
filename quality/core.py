"""The vocabulary of the quality gates: checks, their configuration and their results.

A check is data: a name, a layer, a severity, a description, a SQL query (built per run, so it can
follow a schema mapping and skip what does not exist) that returns a *small* frame, and the
Great Expectations expectations validated on that frame (`quality.runner`). Nothing here imports
Great Expectations or Dagster.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Layer = Literal["raw", "definitions", "marts"]
Severity = Literal["error", "warning"]
Status = Literal["passed", "failed", "skipped"]

LAYERS: tuple[Layer, ...] = ("raw", "definitions", "marts")

# Lower-is-better KPIs (kpis.md): targets run stretch ≤ challenge ≤ base, tiers are reached from
# above. Kept here rather than read from marts.dim_kpis so raw-layer checks need no mart.
LOWER_IS_BETTER_KPIS: tuple[str, ...] = ("avg_first_response_minutes", "avg_sales_cycle_days")

# Roles credited with orders, i.e. the roles that carry revenue, new_customers, collection_rate.
ORDER_ROLES: tuple[str, ...] = ("direct_sales", "channel_sales", "key_account", "ecommerce")


@dataclass(frozen=True)
class QualityConfig:
    """Settings of a validation run. Every field has a safe default."""

    # Receipts may exceed their invoice by at most this much in total (CNY, per invoice).
    receipt_tolerance: Decimal = Decimal("0.01")
    # Control totals (money) must agree to within this much per period (CNY).
    reconciliation_tolerance: Decimal = Decimal("0.005")
    # How many failing rows a result carries (the count is always complete).
    max_examples: int = 20
    # Logical schema → physical schema (or `database.schema`), e.g. {"marts": "audit.marts"} for
    # validating a write-audit-publish staging area. Unmapped schemas are used as they are.
    schemas: Mapping[str, str] = field(default_factory=dict)
    # The per-drop key check only looks at loads with load_id ≥ this (None: every current file
    # version), so a nightly run can limit it to the files it loaded.
    min_load_id: int | None = None
    # The definition checks look only at the rows computed after the build of the latest
    # publication, and at those whose inputs were loaded after it (quality/scope.py): the
    # nightly gate sets it. Off (every row) for a validation on demand.
    changed_rows_only: bool = False
    # With `changed_rows_only`: rows with `computed_at` after this count as changed (resolved by
    # `run_checks` from the latest publication; None there: every row).
    computed_after: dt.datetime | None = None
    lower_is_better_kpis: tuple[str, ...] = LOWER_IS_BETTER_KPIS
    # A check whose tables are missing is skipped (reported, not failed) unless this is set.
    fail_on_missing: bool = False


class SqlContext:
    """What a check's SQL builder may ask: physical names and whether a relation exists."""

    def __init__(self, config: QualityConfig, existing: frozenset[str]) -> None:
        self.config = config
        self._existing = existing

    def physical(self, relation: str) -> str:
        """`schema.table` after the schema mapping, unquoted and lower-cased (for lookups)."""
        schema, _, table = relation.rpartition(".")
        mapped = self.config.schemas.get(schema, schema)
        return f"{mapped}.{table}".lower()

    def rel(self, relation: str) -> str:
        """The quoted physical name of a logical relation, for use in SQL."""
        return ".".join(quote_ident(part) for part in self.physical(relation).split("."))

    def exists(self, relation: str) -> bool:
        return self.physical(relation) in self._existing

    def missing(self, relations: Sequence[str]) -> list[str]:
        return [r for r in relations if not self.exists(r)]


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_literal(value: object) -> str:
    """A SQL literal for a config value (numbers and strings only)."""
    if isinstance(value, bool) or value is None:
        raise TypeError(f"no SQL literal for {value!r}")
    if isinstance(value, int | float | Decimal):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def sql_list(values: Sequence[object]) -> str:
    return "(" + ", ".join(sql_literal(v) for v in values) + ")" if values else "(null)"


# An expectation factory gets the run's config and returns GX expectation objects (typed `Any`
# so this module does not import Great Expectations).
ExpectationFactory = Callable[[QualityConfig], Sequence[Any]]
SqlBuilder = Callable[[SqlContext], str | None]


@dataclass(frozen=True)
class Check:
    """One quality check.

    `sql` returns the query (or None when there is nothing to check, e.g. no raw table exists).
    With `expectations` None the query returns *violating rows* and the expectation is that there
    are none (the count is computed in SQL, only `max_examples` rows reach pandas). Otherwise the
    query returns a small aggregated frame (one row per period, say) validated by the given
    expectations; the rows they flag are the failing examples.
    """

    name: str
    layer: Layer
    severity: Severity
    description: str
    sql: SqlBuilder
    requires: tuple[str, ...] = ()
    expectations: ExpectationFactory | None = None
    row_label: str = "rows"


@dataclass(frozen=True)
class CheckResult:
    name: str
    layer: Layer
    severity: Severity
    success: bool
    observed: str
    failing_examples: list[dict[str, Any]]
    description: str
    status: Status = "passed"
    failing_count: int = 0
    duration_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "layer": self.layer,
            "severity": self.severity,
            "status": self.status,
            "success": self.success,
            "observed": self.observed,
            "failing_count": self.failing_count,
            "failing_examples": [jsonable(row) for row in self.failing_examples],
            "description": self.description,
            "duration_seconds": round(self.duration_seconds, 3),
        }


@dataclass(frozen=True)
class ValidationReport:
    results: list[CheckResult]
    started_at: dt.datetime
    finished_at: dt.datetime

    @property
    def errors(self) -> list[CheckResult]:
        """Failed error-level checks: any of them blocks publishing."""
        return [r for r in self.results if not r.success and r.severity == "error"]

    @property
    def warnings(self) -> list[CheckResult]:
        """Failed warning-level checks: reported, publishing proceeds."""
        return [r for r in self.results if not r.success and r.severity == "warning"]

    @property
    def skipped(self) -> list[CheckResult]:
        return [r for r in self.results if r.status == "skipped"]

    @property
    def passed(self) -> bool:
        return not self.errors

    def result(self, name: str) -> CheckResult:
        for r in self.results:
            if r.name == name:
                return r
        raise KeyError(f"no result for check {name!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "errors": [r.name for r in self.errors],
            "warnings": [r.name for r in self.warnings],
            "skipped": [r.name for r in self.skipped],
            "results": [r.to_dict() for r in self.results],
        }


def jsonable(value: Any) -> Any:
    """Plain JSON types: Decimal and dates as strings, containers recursively."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value else None  # NaN → null
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def to_json(value: Any) -> str:
    return json.dumps(jsonable(value), ensure_ascii=False, sort_keys=False)
