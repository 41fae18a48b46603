"""The `payroll` schema: period lifecycle, exported batches, frozen snapshots and adjustments.

Tables are created on first use (`ensure_payroll_schema`). Names and columns of `batches` and the
`frozen_*` tables are a contract with `exports.trace`, which reads them.
"""

from __future__ import annotations

import duckdb

from ingestion.warehouse import relation_exists

SCHEMA = "payroll"

_DDL = (
    f"create schema if not exists {SCHEMA}",
    # one row per payout period: its current status and what its approval pinned
    f"""create table if not exists {SCHEMA}.periods (
        period_type varchar not null,
        period varchar not null,
        status varchar not null,
        period_start_date date,
        period_end_date date,
        approved_publication_id bigint,
        approved_fingerprint varchar,
        batch_id varchar,
        updated_at timestamp not null,
        updated_by varchar not null
    )""",
    # append-only: every status change, who made it, when and why
    f"""create table if not exists {SCHEMA}.period_events (
        event_id bigint not null,
        period_type varchar not null,
        period varchar not null,
        from_status varchar,
        to_status varchar not null,
        actor varchar not null,
        event_at timestamp not null,
        note varchar,
        publication_id bigint
    )""",
    f"""create table if not exists {SCHEMA}.batches (
        batch_id varchar not null,
        period_type varchar not null,
        period varchar not null,
        publication_id bigint,
        run_id varchar,
        load_watermark bigint,
        file_name varchar not null,
        file_sha256 varchar not null,
        row_count bigint not null,
        control_total decimal(18, 2) not null,
        exported_at timestamp not null,
        exported_by varchar not null
    )""",
    # the exact lines of each exported file (names included), so a re-export is byte-identical
    f"""create table if not exists {SCHEMA}.batch_lines (
        batch_id varchar not null,
        line_number integer not null,
        payroll_id varchar not null,
        employee_id varchar not null,
        employee_name varchar not null,
        period varchar not null,
        component varchar not null,
        amount decimal(18, 2) not null,
        currency varchar not null,
        adjustment_id varchar
    )""",
    # late-data and manual adjustment lines, paid in the payout period (period_type, period)
    f"""create table if not exists {SCHEMA}.adjustments (
        adjustment_id varchar not null,
        kind varchar not null,
        employee_id varchar not null,
        payroll_id varchar,
        period_type varchar not null,
        period varchar not null,
        source_period varchar,
        source_batch_id varchar,
        amount decimal(18, 2) not null,
        frozen_payout_amount decimal(18, 2),
        recalculated_payout_amount decimal(18, 2),
        earlier_adjustments_amount decimal(18, 2),
        reason varchar not null,
        status varchar not null,
        author varchar not null,
        created_at timestamp not null,
        approver varchar,
        approved_at timestamp,
        updated_at timestamp not null,
        exported_batch_id varchar
    )""",
    f"""create table if not exists {SCHEMA}.adjustment_source_rows (
        adjustment_id varchar not null,
        source_model varchar not null,
        source_key varchar not null,
        event_date date,
        amount decimal(18, 2),
        source_file_path varchar,
        source_line_number bigint,
        load_id bigint
    )""",
)


def ensure_payroll_schema(con: duckdb.DuckDBPyConnection) -> None:
    for statement in _DDL:
        con.execute(statement)


def has_payroll_schema(con: duckdb.DuckDBPyConnection) -> bool:
    return relation_exists(con, f"{SCHEMA}.periods")
