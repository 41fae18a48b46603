"""A hand-made mini company: only the tables (and columns) the quality checks read.

Every builder returns fresh rows, so a test can break one value and load the lot:

    tables = definitions_company()
    tables["intermediate.int_orders_unified"].row(order_key="crm:O1")["role"] = "key_account"
    load(con, tables)

The clean data passes every check; the numbers are small enough to follow by hand:

- E1 (direct_sales, team T1) from 2026-01-01; E2 (ecommerce, team T2) 2026-01-01 … 2026-02-28.
- Customer C1: first order crm:O1 (2026-01-10, 100.00) by E1, then crm:O2 (2026-02-05, 50.00).
- Customer C2: crm:O3 cancelled (2026-01-20), first valid order crm:O4 (2026-02-10, 70.00).
- Customer C3: first order ecommerce:S1 (2026-02-15, 30.00) by E2; ecommerce:S2 (2026-03-02,
  20.00) after E2 left: uncredited.
- Receipts: 60.00 (January) and 40.00 (February) credited to E1, 10.00 in March uncredited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb

D = Decimal


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@dataclass
class Table:
    columns: tuple[tuple[str, str], ...]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, **values: Any) -> dict[str, Any]:
        unknown = set(values) - {name for name, _ in self.columns}
        if unknown:
            raise KeyError(f"unknown columns {sorted(unknown)}")
        self.rows.append(values)
        return values

    def row(self, **match: Any) -> dict[str, Any]:
        """The one row whose values include `match`."""
        found = [r for r in self.rows if all(r.get(k) == v for k, v in match.items())]
        assert len(found) == 1, f"{len(found)} rows match {match}"
        return found[0]


Tables = dict[str, Table]


def load(con: duckdb.DuckDBPyConnection, tables: Tables) -> None:
    for relation, table in tables.items():
        schema = relation.split(".")[0]
        con.execute(f"create schema if not exists {schema}")
        ddl = ", ".join(f"{name} {type_}" for name, type_ in table.columns)
        con.execute(f"create or replace table {relation} ({ddl})")
        if table.rows:
            names = [name for name, _ in table.columns]
            marks = ", ".join("?" for _ in names)
            con.executemany(
                f"insert into {relation} values ({marks})",
                [[row.get(n) for n in names] for row in table.rows],
            )


PROVENANCE = (("source_file_path", "varchar"), ("source_line_number", "bigint"))


# --------------------------------------------------------------------------- raw / staging


def current_file_versions(*pairs: tuple[str, int]) -> Table:
    table = Table((("file_path", "varchar"), ("load_id", "bigint")))
    for path, load_id in pairs:
        table.add(file_path=path, load_id=load_id)
    return table


def raw_orders() -> Table:
    """raw.ecommerce__orders: two drops; load 3 restated load 1's file."""
    table = Table(
        (
            ("order_id", "varchar"),
            ("paid_amount", "decimal(18,2)"),
            ("updated_at", "timestamp"),  # null: no version is older than another
            ("_file_path", "varchar"),
            ("_line_number", "bigint"),
            ("_load_id", "bigint"),
            ("_extract_date", "date"),
        )
    )
    for load_id, path, ids in (
        (1, "ecommerce/2026-10-28/orders.csv", ["EO1", "EO2", "EO2"]),  # superseded
        (2, "ecommerce/2026-10-29/orders.csv", ["EO3", "EO4"]),
        (3, "ecommerce/2026-10-28/orders.csv", ["EO1", "EO2"]),
    ):
        for line, order_id in enumerate(ids, start=2):
            table.add(
                order_id=order_id,
                paid_amount=D("1.00"),
                _file_path=path,
                _line_number=line,
                _load_id=load_id,
            )
    return table


def raw_company() -> Tables:
    crm_orders = Table(
        (
            ("order_id", "varchar"),
            ("amount_incl_tax", "decimal(18,2)"),
            ("tax_amount", "decimal(18,2)"),
            ("gross_margin_amount", "decimal(18,2)"),
            *PROVENANCE,
        )
    )
    crm_orders.add(
        order_id="O1",
        amount_incl_tax=D("113.00"),
        tax_amount=D("13.00"),
        gross_margin_amount=D("-5.00"),  # margins may be negative
        source_file_path="crm/2026-01-10/orders.csv",
        source_line_number=2,
    )
    crm_orders.add(
        order_id="O2",
        amount_incl_tax=D("0.00"),
        tax_amount=D("0.00"),
        gross_margin_amount=D("0.00"),
        source_file_path="crm/2026-01-10/orders.csv",
        source_line_number=3,
    )
    shop_orders = Table(
        (
            ("order_id", "varchar"),
            ("paid_at", "timestamp"),
            ("gmv_amount", "decimal(18,2)"),
            ("paid_amount", "decimal(18,2)"),
            ("refunded_amount", "decimal(18,2)"),
            ("tax_amount", "decimal(18,2)"),
            *PROVENANCE,
        )
    )
    shop_orders.add(
        order_id="S1",
        paid_at=dt.datetime(2026, 2, 15, 10),
        gmv_amount=D("30.00"),
        paid_amount=D("30.00"),
        refunded_amount=D("0.00"),
        tax_amount=D("3.45"),
        source_file_path="ecommerce/2026-02-15/orders.csv",
        source_line_number=2,
    )
    shop_orders.add(  # cancelled before payment: tax on the placed value, paid 0 — fine
        order_id="S2",
        paid_at=None,
        gmv_amount=D("40.00"),
        paid_amount=D("0.00"),
        refunded_amount=D("0.00"),
        tax_amount=D("4.60"),
        source_file_path="ecommerce/2026-02-15/orders.csv",
        source_line_number=3,
    )
    invoices = Table(
        (
            ("invoice_id", "varchar"),
            ("status", "varchar"),
            ("amount_incl_tax", "decimal(18,2)"),
            ("tax_amount", "decimal(18,2)"),
            *PROVENANCE,
        )
    )
    for invoice_id, status, amount in (
        ("I1", "issued", "113.00"),
        ("I2", "issued", "50.00"),
        ("I3", "void", "20.00"),
    ):
        invoices.add(
            invoice_id=invoice_id,
            status=status,
            amount_incl_tax=D(amount),
            tax_amount=D("1.00"),
            source_file_path="finance/2026-02-01/invoices.csv",
            source_line_number=2,
        )
    receipts = Table(
        (
            ("receipt_id", "varchar"),
            ("invoice_id", "varchar"),
            ("amount", "decimal(18,2)"),
            *PROVENANCE,
        )
    )
    for receipt_id, invoice_id, amount in (
        ("R1", "I1", "100.00"),
        ("R2", "I1", "13.01"),  # 0.01 over: within the default tolerance
        ("R3", "I2", "50.00"),
        ("R4", "I3", "99.00"),  # on a void invoice: does not count
    ):
        receipts.add(
            receipt_id=receipt_id,
            invoice_id=invoice_id,
            amount=D(amount),
            source_file_path="finance/2026-02-20/receipts.csv",
            source_line_number=2,
        )
    employees = Table(
        (
            ("employee_id", "varchar"),
            ("valid_from", "date"),
            ("valid_to", "date"),
            ("role", "varchar"),
            ("team_id", "varchar"),
            ("status", "varchar"),
            ("performance_pay_base_amount", "decimal(18,2)"),
            *PROVENANCE,
        )
    )
    for line, (employee_id, start, end, role, team, status) in enumerate(
        (
            ("E1", "2026-01-01", "2026-03-31", "direct_sales", "T1", "active"),
            ("E1", "2026-04-01", None, "sales_manager", "T1", "active"),
            ("E2", "2026-01-01", "2026-02-28", "ecommerce", "T2", "active"),
            ("E2", "2026-02-01", None, "ecommerce", "T2", "left"),  # not an assignment
        ),
        start=2,
    ):
        employees.add(
            employee_id=employee_id,
            valid_from=day(start),
            valid_to=day(end) if end else None,
            role=role,
            team_id=team,
            status=status,
            performance_pay_base_amount=D("5000.00"),
            source_file_path="hr/2026-01-01/employees.csv",
            source_line_number=line,
        )
    targets = Table(
        (
            ("target_id", "varchar"),
            ("version", "bigint"),
            ("scope_type", "varchar"),
            ("scope_id", "varchar"),
            ("period", "varchar"),
            ("kpi_code", "varchar"),
            ("base_value", "decimal(18,6)"),
            ("challenge_value", "decimal(18,6)"),
            ("stretch_value", "decimal(18,6)"),
            *PROVENANCE,
        )
    )
    for line, (target_id, kpi, base, challenge, stretch) in enumerate(
        (
            ("T-rev", "revenue", "800000", "1000000", "1200000"),
            ("T-flat", "win_rate", "0.5", "0.5", "0.5"),  # equal thresholds are fine
            ("T-resp", "avg_first_response_minutes", "30", "20", "10"),
            ("T-cycle", "avg_sales_cycle_days", "90", "60", None),  # null: not comparable
        ),
        start=2,
    ):
        targets.add(
            target_id=target_id,
            version=1,
            scope_type="employee",
            scope_id="E1",
            period="2026-Q1",
            kpi_code=kpi,
            base_value=D(base),
            challenge_value=D(challenge),
            stretch_value=D(stretch) if stretch else None,
            source_file_path="plan/2026-01-01/targets.csv",
            source_line_number=line,
        )
    return {
        "raw.ecommerce__orders": raw_orders(),
        "meta.current_file_versions": current_file_versions(
            ("ecommerce/2026-10-28/orders.csv", 3), ("ecommerce/2026-10-29/orders.csv", 2)
        ),
        "staging.stg_crm__orders": crm_orders,
        "staging.stg_ecommerce__orders": shop_orders,
        "staging.stg_finance__invoices": invoices,
        "staging.stg_finance__receipts": receipts,
        "staging.stg_hr__employees": employees,
        "staging.stg_plan__targets": targets,
    }


# --------------------------------------------------------------------------- definitions


def _periods() -> Table:
    table = Table(
        (
            ("period_type", "varchar"),
            ("period", "varchar"),
            ("period_start_date", "date"),
            ("period_end_date", "date"),
            ("is_reported", "boolean"),
        )
    )
    for period_type, period, start, end in (
        ("month", "2026-01", "2026-01-01", "2026-01-31"),
        ("month", "2026-02", "2026-02-01", "2026-02-28"),
        ("month", "2026-03", "2026-03-01", "2026-03-31"),
        ("quarter", "2026-Q1", "2026-01-01", "2026-03-31"),
        ("year", "2026", "2026-01-01", "2026-12-31"),
    ):
        table.add(
            period_type=period_type,
            period=period,
            period_start_date=day(start),
            period_end_date=day(end),
            is_reported=True,
        )
    table.add(  # before history: not reported
        period_type="month",
        period="2025-12",
        period_start_date=day("2025-12-01"),
        period_end_date=day("2025-12-31"),
        is_reported=False,
    )
    return table


def _orders() -> Table:
    table = Table(
        (
            ("order_key", "varchar"),
            ("source_system", "varchar"),
            ("order_id", "varchar"),
            ("customer_id", "varchar"),
            ("order_date", "date"),
            ("order_status", "varchar"),
            ("is_valid_order", "boolean"),
            ("revenue_amount", "decimal(18,2)"),
            ("employee_id", "varchar"),
            ("role", "varchar"),
            ("team_id", "varchar"),
            *PROVENANCE,
        )
    )
    for line, (key, customer, date, status, valid, revenue, employee, role, team) in enumerate(
        (
            ("crm:O1", "C1", "2026-01-10", "confirmed", True, "100.00", "E1", "direct_sales", "T1"),
            ("crm:O2", "C1", "2026-02-05", "confirmed", True, "50.00", "E1", "direct_sales", "T1"),
            ("crm:O3", "C2", "2026-01-20", "cancelled", False, "0.00", "E1", "direct_sales", "T1"),
            ("crm:O4", "C2", "2026-02-10", "confirmed", True, "70.00", "E1", "direct_sales", "T1"),
            ("ecommerce:S1", "C3", "2026-02-15", "paid", True, "30.00", "E2", "ecommerce", "T2"),
            ("ecommerce:S2", "C3", "2026-03-02", "paid", True, "20.00", "E2", None, None),
        ),
        start=2,
    ):
        source, order_id = key.split(":")
        table.add(
            order_key=key,
            source_system=source,
            order_id=order_id,
            customer_id=customer,
            order_date=day(date),
            order_status=status,
            is_valid_order=valid,
            revenue_amount=D(revenue),
            employee_id=employee,
            role=role,
            team_id=team,
            source_file_path=f"{source}/{date}/orders.csv",
            source_line_number=line,
        )
    return table


def _first_orders() -> Table:
    table = Table(
        (
            ("customer_id", "varchar"),
            ("first_order_key", "varchar"),
            ("first_order_date", "date"),
            ("employee_id", "varchar"),
            ("role", "varchar"),
            ("team_id", "varchar"),
        )
    )
    for customer, key, date, employee, role, team in (
        ("C1", "crm:O1", "2026-01-10", "E1", "direct_sales", "T1"),
        ("C2", "crm:O4", "2026-02-10", "E1", "direct_sales", "T1"),
        ("C3", "ecommerce:S1", "2026-02-15", "E2", "ecommerce", "T2"),
    ):
        table.add(
            customer_id=customer,
            first_order_key=key,
            first_order_date=day(date),
            employee_id=employee,
            role=role,
            team_id=team,
        )
    return table


KPI_COLUMNS = (
    ("entity_type", "varchar"),
    ("entity_id", "varchar"),
    ("role", "varchar"),
    ("period_type", "varchar"),
    ("period", "varchar"),
    ("kpi_code", "varchar"),
    ("numerator", "decimal(38,6)"),
    ("denominator", "decimal(38,6)"),
)

# (entity_type, entity_id, role): {period: value} per KPI code, the clean values
NEW_CUSTOMERS = {
    ("employee", "E1", "direct_sales"): {
        "2026-01": 1,
        "2026-02": 1,
        "2026-03": 0,
        "2026-Q1": 2,
        "2026": 2,
    },
    ("employee", "E2", "ecommerce"): {"2026-01": 0, "2026-02": 1, "2026-Q1": 1, "2026": 1},
    ("team", "T1", "direct_sales"): {
        "2026-01": 1,
        "2026-02": 1,
        "2026-03": 0,
        "2026-Q1": 2,
        "2026": 2,
    },
    ("team", "T2", "ecommerce"): {"2026-01": 0, "2026-02": 1, "2026-Q1": 1, "2026": 1},
}
REVENUE = {
    ("employee", "E1", "direct_sales"): {"2026-01": "100.00", "2026-02": "120.00", "2026-03": "0"},
    ("employee", "E2", "ecommerce"): {"2026-01": "0", "2026-02": "30.00"},
}
RECEIPTS = {
    ("employee", "E1", "direct_sales"): {"2026-01": "60.00", "2026-02": "40.00", "2026-03": "0"},
    ("employee", "E2", "ecommerce"): {"2026-01": "0", "2026-02": "0"},
}


def _period_type(period: str) -> str:
    return "quarter" if "-Q" in period else "month" if "-" in period else "year"


def _kpi_values() -> Table:
    table = Table(KPI_COLUMNS)
    for code, values in (
        ("new_customers", NEW_CUSTOMERS),
        ("revenue", REVENUE),
        ("collection_rate", RECEIPTS),
    ):
        for (entity_type, entity_id, role), by_period in values.items():
            for period, value in by_period.items():
                table.add(
                    entity_type=entity_type,
                    entity_id=entity_id,
                    role=role,
                    period_type=_period_type(period),
                    period=period,
                    kpi_code=code,
                    numerator=D(str(value)),
                    denominator=None,
                )
    return table


def _receipts_credited() -> Table:
    table = Table(
        (
            ("receipt_id", "varchar"),
            ("receipt_date", "date"),
            ("receipt_amount", "decimal(18,2)"),
            ("employee_id", "varchar"),
            ("role", "varchar"),
            ("team_id", "varchar"),
        )
    )
    for receipt_id, date, amount, employee, role, team in (
        ("R1", "2026-01-20", "60.00", "E1", "direct_sales", "T1"),
        ("R2", "2026-02-20", "40.00", "E1", "direct_sales", "T1"),
        ("R3", "2026-03-05", "10.00", "E2", None, None),
    ):
        table.add(
            receipt_id=receipt_id,
            receipt_date=day(date),
            receipt_amount=D(amount),
            employee_id=employee,
            role=role,
            team_id=team,
        )
    return table


def _activities() -> tuple[Table, Table]:
    credited = Table(
        (
            ("activity_id", "varchar"),
            ("employee_id", "varchar"),
            ("activity_date", "date"),
            ("is_effective_visit", "boolean"),
        )
    )
    staged = Table(
        (
            ("activity_id", "varchar"),
            ("activity_type", "varchar"),
            ("notes", "varchar"),
            ("next_step", "varchar"),
            *PROVENANCE,
        )
    )
    for line, (activity_id, kind, notes, next_step, effective) in enumerate(
        (
            ("A1", "customer_visit", "客户关注交期", "下周报价", True),
            ("A2", "customer_visit", "  ", "下周报价", False),  # blank notes
            ("A3", "customer_visit", "见了采购", None, False),  # no next step
            ("A4", "demo", "演示", "试用", False),  # not a visit
        ),
        start=2,
    ):
        credited.add(
            activity_id=activity_id,
            employee_id="E1",
            activity_date=day("2026-01-15"),
            is_effective_visit=effective,
        )
        staged.add(
            activity_id=activity_id,
            activity_type=kind,
            notes=notes,
            next_step=next_step,
            source_file_path="crm/2026-01-15/activities.csv",
            source_line_number=line,
        )
    return credited, staged


def definitions_company() -> Tables:
    credited, staged = _activities()
    shop = Table((("order_id", "varchar"), ("status", "varchar"), ("paid_at", "timestamp")))
    shop.add(order_id="S1", status="paid", paid_at=dt.datetime(2026, 2, 15, 10))
    shop.add(order_id="S2", status="paid", paid_at=dt.datetime(2026, 3, 2, 9))
    return {
        "staging.stg_hr__employees": raw_company()["staging.stg_hr__employees"],
        "staging.stg_ecommerce__orders": shop,
        "staging.stg_crm__activities": staged,
        "intermediate.int_periods": _periods(),
        "intermediate.int_orders_unified": _orders(),
        "intermediate.int_customer_first_orders": _first_orders(),
        "intermediate.int_receipts_credited": _receipts_credited(),
        "intermediate.int_activities_credited": credited,
        "marts.fct_kpi_values": _kpi_values(),
    }


# --------------------------------------------------------------------------- compensation marts


def marts_company() -> Tables:
    plans = Table((("plan_version", "varchar"), ("score_cap", "decimal(9,4)")))
    plans.add(plan_version="2026.1", score_cap=D("1.5"))
    plans.add(plan_version="2026.2", score_cap=D("1.2"))
    summaries = Table(
        (
            ("employee_id", "varchar"),
            ("role", "varchar"),
            ("period_type", "varchar"),
            ("period", "varchar"),
            ("plan_version", "varchar"),
            ("weighted_score", "decimal(38,14)"),
        )
    )
    for employee, period, plan, score in (
        ("E1", "2026-Q1", "2026.1", "150"),  # exactly 100 × cap: allowed
        ("E2", "2026-Q1", "2026.1", "0"),
        ("E1", "2026-Q2", "2026.2", "97.5"),
    ):
        summaries.add(
            employee_id=employee,
            role="direct_sales",
            period_type="quarter",
            period=period,
            plan_version=plan,
            weighted_score=D(score),
        )
    scorecards = Table(
        (
            ("employee_id", "varchar"),
            ("role", "varchar"),
            ("period_type", "varchar"),
            ("period", "varchar"),
            ("kpi_code", "varchar"),
            ("target_id", "varchar"),
            ("actual_value", "decimal(38,6)"),
            ("base_value", "decimal(38,6)"),
            ("challenge_value", "decimal(38,6)"),
            ("stretch_value", "decimal(38,6)"),
            ("tier", "varchar"),
        )
    )
    for employee, kpi, target, actual, thresholds, tier in (
        ("E1", "revenue", "T1", "1200000", ("800000", "1000000", "1200000"), "stretch"),
        ("E2", "revenue", "T2", "1000000", ("800000", "1000000", "1200000"), "challenge"),
        ("E3", "revenue", "T3", "799999.99", ("800000", "1000000", "1200000"), "none"),
        ("E4", "revenue", "T4", None, ("800000", "1000000", "1200000"), "none"),
        ("E5", "revenue", None, "5", (None, None, None), None),
        ("E1", "avg_first_response_minutes", "T6", "20", ("30", "20", "10"), "challenge"),
        ("E2", "avg_first_response_minutes", "T7", "31", ("30", "20", "10"), "none"),
        ("E3", "avg_first_response_minutes", "T8", "30", ("30", "20", "10"), "base"),
    ):
        scorecards.add(
            employee_id=employee,
            role="direct_sales",
            period_type="quarter",
            period="2026-Q1",
            kpi_code=kpi,
            target_id=target,
            actual_value=D(actual) if actual else None,
            base_value=D(thresholds[0]) if thresholds[0] else None,
            challenge_value=D(thresholds[1]) if thresholds[1] else None,
            stretch_value=D(thresholds[2]) if thresholds[2] else None,
            tier=tier,
        )
    payouts = Table(
        (
            ("payout_id", "varchar"),
            ("employee_id", "varchar"),
            ("period_type", "varchar"),
            ("period", "varchar"),
            ("performance_pay_amount", "decimal(18,2)"),
            ("tier_bonus_amount", "decimal(18,2)"),
            ("adjustments_amount", "decimal(18,2)"),
            ("payout_amount", "decimal(18,2)"),
        )
    )
    for payout_id, employee, period, perf, bonus, adjustment, payout in (
        ("P1", "E1", "2026-Q1", "7500.00", "30000.00", "0.00", "37500.00"),
        ("P2", "E2", "2026-Q1", "0.00", "0.00", "0.00", "0.00"),
        ("P3", "E1", "2026-Q2", "4875.00", "0.00", "-875.00", "4000.00"),
    ):
        payouts.add(
            payout_id=payout_id,
            employee_id=employee,
            period_type="quarter",
            period=period,
            performance_pay_amount=D(perf),
            tier_bonus_amount=D(bonus),
            adjustments_amount=D(adjustment),
            payout_amount=D(payout),
        )
    return {
        "config.plan_versions": plans,
        "marts.fct_scorecard_summaries": summaries,
        "marts.fct_scorecards": scorecards,
        "marts.fct_payouts": payouts,
    }
