"""Raw and staging checks: what the loader's per-value typing cannot see.

Types, enums, patterns and required values are enforced by the loader (bad rows go to
`meta.quarantine`), so these checks look across rows and columns: keys repeated inside one file,
signs of money, tax against amounts, receipts against invoices, roster ranges, target ordering.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingestion.contract import ENTITIES
from quality.core import Check, SqlContext, quote_ident, sql_list, sql_literal
from quality.suites.ingestion import key_text, loads_in_scope, restated_in_scope


def _key_unique_per_drop_sql(ctx: SqlContext) -> str | None:
    """Keys repeated within one file version of the loads in scope, with their lines.

    Two passes: repeated keys are found by a grouping on (load, key) alone, then only their rows
    are grouped again with their file and line numbers. Collecting an ordered list of line
    numbers for every key of every file (a first run checks all of history) cost more than the
    grouping itself.
    """
    current = ctx.rel("meta.current_file_versions")
    parts = []
    for entity in ENTITIES:
        relation = f"raw.{entity.qualified_name}"
        if not ctx.exists(relation):
            continue
        table = ctx.rel(relation)
        keys = ", ".join(quote_ident(k) for k in entity.key_columns)
        parts.append(
            f"""
            select
                '{entity.qualified_name}' as entity,
                _file_path as file_path,
                {key_text(entity)} as key,
                count(*) as occurrences,
                list(_line_number order by _line_number) as line_numbers
            from {table}
            inner join (
                select _load_id, {keys}
                from {table}
                where _load_id in (select load_id from {current})
                    and {loads_in_scope(ctx, "_load_id")}
                group by _load_id, {keys}
                having count(*) > 1
            ) as repeated_keys using (_load_id, {keys})
            group by _file_path, _load_id, {keys}
            having count(*) > 1"""
        )
    return "\nunion all\n".join(parts) if parts else None


@dataclass(frozen=True)
class MoneyColumns:
    """Money columns of one staging model that must not be negative, and its key."""

    entity: str  # contract `<source>__<entity>`
    model: str  # staging model
    key: tuple[str, ...]
    columns: tuple[tuple[str, str], ...]  # (contract column, staging column)


# Every `dec` column of the contract except gross margin, which may legitimately be negative
# (goods sold below cost). tests/quality checks this list against the contract.
MONEY_COLUMNS: tuple[MoneyColumns, ...] = (
    MoneyColumns(
        "hr__employees",
        "stg_hr__employees",
        ("employee_id", "valid_from"),
        (("performance_pay_base", "performance_pay_base_amount"),),
    ),
    MoneyColumns(
        "crm__opportunities", "stg_crm__opportunities", ("opportunity_id",), (("amount", "amount"),)
    ),
    MoneyColumns(
        "crm__orders",
        "stg_crm__orders",
        ("order_id",),
        (("amount_incl_tax", "amount_incl_tax"), ("tax_amount", "tax_amount")),
    ),
    MoneyColumns(
        "ecommerce__orders",
        "stg_ecommerce__orders",
        ("order_id",),
        (
            ("gmv_amount", "gmv_amount"),
            ("paid_amount", "paid_amount"),
            ("refunded_amount", "refunded_amount"),
            ("tax_amount", "tax_amount"),
        ),
    ),
    MoneyColumns(
        "ecommerce__order_lines",
        "stg_ecommerce__order_lines",
        ("order_id", "line_no"),
        (
            ("unit_price", "unit_price_amount"),
            ("line_amount", "line_amount"),
            ("unit_cost", "unit_cost_amount"),
        ),
    ),
    MoneyColumns(
        "finance__invoices",
        "stg_finance__invoices",
        ("invoice_id",),
        (("amount_incl_tax", "amount_incl_tax"), ("tax_amount", "tax_amount")),
    ),
    MoneyColumns(
        "finance__receipts", "stg_finance__receipts", ("receipt_id",), (("amount", "amount"),)
    ),
)
MONEY_COLUMNS_ALLOWED_NEGATIVE: tuple[tuple[str, str], ...] = (
    ("crm__orders", "gross_margin_amount"),
)


def _money_non_negative_sql(ctx: SqlContext) -> str | None:
    parts = []
    for money in MONEY_COLUMNS:
        relation = f"staging.{money.model}"
        if not ctx.exists(relation):
            continue
        money_key = " || '|' || ".join(f"cast({quote_ident(k)} as varchar)" for k in money.key)
        for _, column in money.columns:
            parts.append(
                f"""
                select
                    '{money.model}' as model,
                    '{column}' as column_name,
                    {money_key} as key,
                    cast({quote_ident(column)} as decimal(18, 2)) as amount,
                    source_file_path,
                    source_line_number
                from {ctx.rel(relation)}
                where {quote_ident(column)} < 0"""
            )
    return "\nunion all\n".join(parts) if parts else None


def _tax_not_above_amount_sql(ctx: SqlContext) -> str | None:
    # (model, key, amount column, filter): shop orders only once paid (an unpaid or cancelled
    # order has paid_amount 0 but its tax on the placed value).
    sources = (
        ("stg_crm__orders", "order_id", "amount_incl_tax", "true"),
        ("stg_ecommerce__orders", "order_id", "paid_amount", "paid_at is not null"),
        ("stg_finance__invoices", "invoice_id", "amount_incl_tax", "true"),
    )
    parts = [
        f"""
        select
            '{model}' as model,
            {key} as key,
            cast({amount} as decimal(18, 2)) as amount,
            tax_amount,
            source_file_path,
            source_line_number
        from {ctx.rel(f"staging.{model}")}
        where tax_amount > {amount} and {condition}"""
        for model, key, amount, condition in sources
        if ctx.exists(f"staging.{model}")
    ]
    return "\nunion all\n".join(parts) if parts else None


def _receipts_within_invoice_sql(ctx: SqlContext) -> str:
    """Live invoices whose receipts sum to more than their amount plus the tolerance.

    On a nightly run only the invoices the loads in scope touched are summed: an invoice with a
    new or changed version, or with a new or changed receipt (staging rows carry the load of
    their version). An invoice no load in scope touched was checked by the run that loaded it —
    the scope holds every load since the last publication, so a failed run's loads are checked
    again — and removed receipts only lower a sum. A restated invoices or receipts file in scope
    can bring back an older version whose load is out of scope, so then every invoice is summed,
    as on a first run. (At M the whole check took 2.4 s of a nightly gate.)
    """
    tolerance = sql_literal(ctx.config.receipt_tolerance)
    receipts = ctx.rel("staging.stg_finance__receipts")
    invoices = ctx.rel("staging.stg_finance__invoices")
    receipts_in_scope = ""
    scope = loads_in_scope(ctx, "load_id")
    if scope != "true":
        restated = restated_in_scope(ctx, ("finance/invoices", "finance/receipts"))
        receipts_in_scope = f"""
            where {restated} or invoice_id in (
                select invoice_id from {invoices} where {scope}
                union all
                select invoice_id from {receipts} where {scope}
            )"""
    return f"""
        with receipt_totals as (
            select
                invoice_id,
                sum(amount) as receipts_amount,
                count(*) as receipt_count,
                list(receipt_id order by receipt_id) as receipt_ids
            from {receipts}{receipts_in_scope}
            group by invoice_id
        )
        select
            invoices.invoice_id,
            invoices.amount_incl_tax as invoice_amount,
            receipt_totals.receipts_amount,
            receipt_totals.receipts_amount - invoices.amount_incl_tax as excess_amount,
            receipt_totals.receipt_ids
        from {invoices} as invoices
        inner join receipt_totals on invoices.invoice_id = receipt_totals.invoice_id
        where
            invoices.status <> 'void'
            and receipt_totals.receipts_amount > coalesce(invoices.amount_incl_tax, 0) + {tolerance}
    """


def _employee_ranges_sql(ctx: SqlContext) -> str:
    employees = ctx.rel("staging.stg_hr__employees")
    return f"""
        with active as (
            select
                employee_id,
                valid_from,
                valid_to,
                coalesce(valid_to, date '9999-12-31') as valid_until,
                role,
                team_id,
                source_file_path,
                source_line_number
            from {employees}
            where status = 'active'
        )
        select
            'overlap' as problem,
            earlier.employee_id,
            earlier.valid_from,
            earlier.valid_to,
            later.valid_from as other_valid_from,
            later.valid_to as other_valid_to,
            earlier.source_file_path,
            earlier.source_line_number,
            later.source_line_number as other_source_line_number
        from active as earlier
        inner join active as later
            on
                earlier.employee_id = later.employee_id
                and earlier.valid_from < later.valid_from
                and later.valid_from <= earlier.valid_until
        union all
        select
            'valid_to before valid_from' as problem,
            employee_id,
            valid_from,
            valid_to,
            null,
            null,
            source_file_path,
            source_line_number,
            null
        from active
        where valid_to < valid_from
    """


def _targets_ordered_sql(ctx: SqlContext) -> str:
    lower = sql_list(ctx.config.lower_is_better_kpis)
    return f"""
        select
            target_id,
            version,
            scope_type,
            scope_id,
            period,
            kpi_code,
            base_value,
            challenge_value,
            stretch_value,
            kpi_code in {lower} as is_lower_better,
            source_file_path,
            source_line_number
        from {ctx.rel("staging.stg_plan__targets")}
        where
            case
                when kpi_code in {lower}
                    then base_value < challenge_value or challenge_value < stretch_value
                else base_value > challenge_value or challenge_value > stretch_value
            end
    """


CHECKS: tuple[Check, ...] = (
    Check(
        name="raw_key_unique_per_drop",
        layer="raw",
        severity="warning",
        description="A key appears at most once in one file version (current versions loaded "
        "since the latest publication, like the ingestion checks). Staging keeps the last line, "
        "so a repeat is reported with its file and lines, not blocked.",
        sql=_key_unique_per_drop_sql,
        requires=("meta.current_file_versions",),
        row_label="keys repeated within a file",
    ),
    Check(
        name="money_non_negative",
        layer="raw",
        severity="error",
        description="Money columns (amounts, tax, receipts, prices, pay base) are never negative "
        "(gross margin excepted). A negative amount would flow into revenue, collection and pay.",
        sql=_money_non_negative_sql,
        row_label="negative amounts",
    ),
    Check(
        name="tax_not_above_amount",
        layer="raw",
        severity="error",
        description="tax_amount ≤ amount: CRM orders' amount_incl_tax, paid shop orders' "
        "paid_amount, invoices' amount_incl_tax (revenue_excl_tax would turn negative).",
        sql=_tax_not_above_amount_sql,
        row_label="rows with tax above amount",
    ),
    Check(
        name="receipts_within_invoice",
        layer="raw",
        severity="error",
        description="Receipts on a live (non-void) invoice sum to at most its amount_incl_tax "
        "plus the tolerance (receipt_tolerance, default 0.01 CNY per invoice): over-collection "
        "would inflate the collection rate that gates pay.",
        sql=_receipts_within_invoice_sql,
        requires=("staging.stg_finance__receipts", "staging.stg_finance__invoices"),
        row_label="over-collected invoices",
    ),
    Check(
        name="employee_ranges_not_overlapping",
        layer="raw",
        severity="error",
        description="Active roster rows of one employee do not overlap (and none ends before it "
        "starts): an event on an overlapping day would be credited twice.",
        sql=_employee_ranges_sql,
        requires=("staging.stg_hr__employees",),
        row_label="overlapping or inverted ranges",
    ),
    Check(
        name="targets_ordered",
        layer="raw",
        severity="error",
        description="Every target version has base ≤ challenge ≤ stretch (stretch ≤ challenge ≤ "
        "base for lower-is-better KPIs: avg_first_response_minutes, avg_sales_cycle_days).",
        sql=_targets_ordered_sql,
        requires=("staging.stg_plan__targets",),
        row_label="misordered targets",
    ),
)
