"""Run checks: SQL in DuckDB, Great Expectations on the small pandas frame it returns.

GX's SQL engine does not work with DuckDB through duckdb-engine (every expectation comes back
N/A), so GX only ever sees pandas frames: either the violating rows (at most `max_examples` of
them; the full count is computed in SQL) or a small aggregate (one row per month, say). The GX
context is ephemeral and in memory: no files, no Data Docs, no analytics.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb
import pyarrow as pa

from quality.core import (
    Check,
    CheckResult,
    Layer,
    QualityConfig,
    SqlContext,
    ValidationReport,
)
from quality.scope import published_computed_through
from quality.suites import select_checks

log = logging.getLogger(__name__)

FAILING_COUNT_COLUMN = "_failing_count"


class GxValidator:
    """One ephemeral GX context with a pandas data source; validates frames on demand."""

    def __init__(self) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        self._gx = gx
        project_config = DataContextConfig(
            analytics_enabled=False,
            store_backend_defaults=InMemoryStoreBackendDefaults(),
            progress_bars=ProgressBarsConfig(globally=False),
        )
        context = gx.get_context(mode="ephemeral", project_config=project_config)
        source = context.data_sources.add_pandas(name="quality_frames")
        asset = source.add_dataframe_asset(name="check_frame")
        self._batch_definition = asset.add_batch_definition_whole_dataframe("whole_frame")

    def validate(self, name: str, frame: Any, expectations: Sequence[Any]) -> Any:
        """Validate `expectations` (GX expectation objects) on a pandas frame, COMPLETE format."""
        suite = self._gx.ExpectationSuite(name=name, expectations=list(expectations))
        batch = self._batch_definition.get_batch(batch_parameters={"dataframe": frame})
        return batch.validate(suite, result_format="COMPLETE")

    def row_count_zero(self) -> list[Any]:
        return [self._gx.expectations.ExpectTableRowCountToEqual(value=0)]


def existing_relations(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Every table and view as `schema.name` (current database) and `database.schema.name`."""
    rows = con.execute(
        """
        with relations as (
            select database_name, schema_name, table_name as name from duckdb_tables()
            union all
            select database_name, schema_name, view_name from duckdb_views()
        )
        select lower(schema_name || '.' || name) from relations
        where database_name = current_database()
        union all
        select lower(database_name || '.' || schema_name || '.' || name) from relations
        """
    ).fetchall()
    return frozenset(row[0] for row in rows)


def _result(check: Check, **kwargs: Any) -> CheckResult:
    return CheckResult(
        name=check.name,
        layer=check.layer,
        severity=check.severity,
        description=check.description,
        **kwargs,
    )


def _not_run(check: Check, config: QualityConfig, observed: str) -> CheckResult:
    if config.fail_on_missing:
        return _result(
            check, success=False, status="failed", observed=observed, failing_examples=[]
        )
    return _result(check, success=True, status="skipped", observed=observed, failing_examples=[])


def _violations(
    con: duckdb.DuckDBPyConnection,
    check: Check,
    sql: str,
    config: QualityConfig,
    validator: GxValidator,
) -> CheckResult:
    wrapped = (
        f"select *, count(*) over () as {FAILING_COUNT_COLUMN} from ({sql}) as violations "
        f"order by all limit {int(config.max_examples)}"
    )
    table = con.sql(wrapped).to_arrow_table()
    count = table.column(FAILING_COUNT_COLUMN)[0].as_py() if table.num_rows else 0
    table = table.drop_columns([FAILING_COUNT_COLUMN])
    outcome = validator.validate(check.name, table.to_pandas(), validator.row_count_zero())
    return _result(
        check,
        success=bool(outcome.success),
        status="passed" if outcome.success else "failed",
        observed=f"{count} {check.row_label}",
        failing_examples=table.to_pylist(),
        failing_count=count,
    )


def _aggregate(
    con: duckdb.DuckDBPyConnection,
    check: Check,
    sql: str,
    config: QualityConfig,
    validator: GxValidator,
) -> CheckResult:
    assert check.expectations is not None
    table = con.sql(sql).to_arrow_table()
    outcome = validator.validate(check.name, table.to_pandas(), check.expectations(config))
    failing: set[int] = set()
    raised: list[str] = []
    for item in outcome.results:
        if not item.success:
            failing.update(int(i) for i in (item.result or {}).get("unexpected_index_list") or [])
        info = item.exception_info or {}
        if info.get("raised_exception"):
            raised.append(str(info.get("exception_message")))
    rows = sorted(failing)
    examples = table.take(pa.array(rows[: config.max_examples], pa.int64())).to_pylist()
    observed = f"{len(rows)} of {table.num_rows} {check.row_label} fail"
    if raised:
        observed = f"expectation raised: {'; '.join(raised)}"
    return _result(
        check,
        success=bool(outcome.success),
        status="passed" if outcome.success else "failed",
        observed=observed,
        failing_examples=examples,
        failing_count=len(rows),
    )


def resolve_scope(con: duckdb.DuckDBPyConnection, config: QualityConfig) -> QualityConfig:
    """With `changed_rows_only`, the boundary of "changed" from the latest publication."""
    if not config.changed_rows_only or config.computed_after is not None:
        return config
    return dataclasses.replace(config, computed_after=published_computed_through(con))


def run_check(
    con: duckdb.DuckDBPyConnection,
    check: Check,
    *,
    config: QualityConfig | None = None,
    validator: GxValidator | None = None,
    existing: frozenset[str] | None = None,
) -> CheckResult:
    """Run one check. A query error fails the check (it is never silently passed)."""
    return _run_check(
        con, check, resolve_scope(con, config or QualityConfig()), validator, existing
    )


def _run_check(
    con: duckdb.DuckDBPyConnection,
    check: Check,
    config: QualityConfig,
    validator: GxValidator | None,
    existing: frozenset[str] | None,
) -> CheckResult:
    """`run_check` with the scope already resolved (`run_checks` resolves it once per run)."""
    ctx = SqlContext(config, existing if existing is not None else existing_relations(con))
    started = time.perf_counter()
    missing = ctx.missing(check.requires)
    if missing:
        result = _not_run(check, config, "not built: " + ", ".join(missing))
    else:
        sql = check.sql(ctx)
        if sql is None:
            result = _not_run(check, config, "not built: none of its tables exist")
        else:
            validator = validator or GxValidator()
            try:
                if check.expectations is None:
                    result = _violations(con, check, sql, config, validator)
                else:
                    result = _aggregate(con, check, sql, config, validator)
            except duckdb.Error as exc:
                message = str(exc).splitlines()[0]
                result = _result(
                    check,
                    success=False,
                    status="failed",
                    observed=f"check query failed: {message}",
                    failing_examples=[],
                )
    elapsed = time.perf_counter() - started
    result = dataclasses.replace(result, duration_seconds=elapsed)
    log.info(
        "quality check %s: %s (%s) in %.2fs", check.name, result.status, result.observed, elapsed
    )
    return result


def run_checks(
    con: duckdb.DuckDBPyConnection,
    layers: Iterable[Layer] | None = None,
    *,
    config: QualityConfig | None = None,
    checks: Sequence[Check] | None = None,
    names: Iterable[str] | None = None,
) -> ValidationReport:
    """Run the checks of `layers` (default: all), optionally only those named, in order."""
    config = resolve_scope(con, config or QualityConfig())
    selected = select_checks(layers=layers, names=names, checks=checks)
    started_at = _now()
    existing = existing_relations(con)
    validator = GxValidator()
    results = [_run_check(con, check, config, validator, existing) for check in selected]
    return ValidationReport(results=results, started_at=started_at, finished_at=_now())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
