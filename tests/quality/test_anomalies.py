"""Anomaly alerts: each detector on hand-built tables, thresholds, payroll holds and decisions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.cli import main
from quality.anomalies import (
    AnomalyConfig,
    FunnelRule,
    KpiSwingRule,
    OrderAmountRule,
    PayoutRule,
    acknowledge,
    detect_anomalies,
    detect_funnel_stage_skips,
    detect_kpi_swings,
    detect_order_amount_outliers,
    detect_payout_anomalies,
    list_alerts,
    payroll_holds,
    record_anomalies,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LAST_DAY = dt.date(2026, 10, 31)


def _orders(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists intermediate")
    con.execute(
        "create table intermediate.int_orders_unified (order_key varchar, source_system varchar, "
        "channel varchar, order_date date, revenue_amount decimal(18, 2), employee_id varchar, "
        "is_valid_order boolean, source_file_path varchar, source_line_number bigint)"
    )
    rows = []
    baseline_day = LAST_DAY - dt.timedelta(days=60)
    # crm/direct baseline, 41 orders: 13 × 100, 15 × 200, 13 × 400 → median ln 200; deviations
    # 15 × 0 and 26 × ln 2 → MAD (21st) ln 2, so z = 0.6745 × |log2(amount ÷ 200)|
    for i, amount in enumerate([100] * 13 + [200] * 15 + [400] * 13):
        rows.append((f"crm:A{i}", "crm", "direct", baseline_day, amount, "E1", True))
    # ecommerce/ecommerce: 35 orders of 50 → MAD 0, judged by the ratio to the median
    for i in range(35):
        rows.append((f"ecommerce:B{i}", "ecommerce", "ecommerce", baseline_day, 50, "E2", True))
    # crm/channel: only 10 baseline orders, below min_baseline_orders: never judged
    for i in range(10):
        rows.append((f"crm:C{i}", "crm", "channel", baseline_day, 100, "E3", True))
    recent = LAST_DAY - dt.timedelta(days=3)
    rows += [
        ("crm:A-25600", "crm", "direct", recent, 25600, "E1", True),  # 128× → z = .6745 × 7 = 4.72
        ("crm:A-51200", "crm", "direct", recent, 51200, "E1", True),  # 256× → z = .6745 × 8 = 5.40
        ("crm:A-0.78", "crm", "direct", recent, 0.78, "E1", True),  # ≈ 1/256 → z = 5.40
        ("crm:A-void", "crm", "direct", recent, 1000000, "E1", False),  # cancelled: not judged
        ("crm:A-zero", "crm", "direct", recent, 0, "E1", True),  # 0: no log, not judged
        ("ecommerce:B-1000", "ecommerce", "ecommerce", LAST_DAY, 1000, "E2", True),  # 20×
        ("ecommerce:B-999", "ecommerce", "ecommerce", LAST_DAY, 999, "E2", True),  # 19.98×
        ("ecommerce:B-2.50", "ecommerce", "ecommerce", LAST_DAY, 2.50, "E2", True),  # 1/20
        ("crm:C-9999", "crm", "channel", recent, 9999, "E3", True),
        # 500 days back: neither recent nor in the 365-day baseline
        ("crm:A-old", "crm", "direct", LAST_DAY - dt.timedelta(days=500), 900000, "E1", True),
    ]
    con.executemany(
        "insert into intermediate.int_orders_unified values (?, ?, ?, ?, ?, ?, ?, "
        "'crm/2026-10-28/orders.csv', 7)",
        rows,
    )


def _kpis(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists published")
    con.execute(
        "create table published.fct_kpi_values (entity_type varchar, entity_id varchar, "
        "role varchar, period_type varchar, period varchar, period_start_date date, "
        "period_end_date date, kpi_code varchar, value decimal(38, 6), unit varchar, "
        "is_ratio boolean)"
    )
    months = {
        "2026-08": (dt.date(2026, 8, 1), dt.date(2026, 8, 31)),
        "2026-09": (dt.date(2026, 9, 1), dt.date(2026, 9, 30)),
        "2026-10": (dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
    }
    values = [
        # employee, code, unit, is_ratio, {month: value}
        ("E1", "revenue", "cny", False, {"2026-09": 100, "2026-10": 180}),  # +80 % ≥ 75 %
        ("E2", "revenue", "cny", False, {"2026-09": 100, "2026-10": 170}),  # +70 %
        ("E3", "revenue", "cny", False, {"2026-09": 5, "2026-10": 50}),  # base 5 < 10
        ("E4", "revenue", "cny", False, {"2026-08": 100, "2026-09": 1000, "2026-10": 1100}),
        ("E1", "collection_rate", "ratio", True, {"2026-09": 0.9, "2026-10": 0.5}),  # −40 pts
        ("E2", "collection_rate", "ratio", True, {"2026-09": 0.9, "2026-10": 0.65}),  # −25 pts
        ("E2", "avg_sales_cycle_days", "days", True, {"2026-09": 40, "2026-10": 80}),  # +100 %
        ("E3", "win_rate", "ratio", True, {"2026-09": None, "2026-10": 0.9}),  # no previous
    ]
    for employee, code, unit, is_ratio, by_month in values:
        for month, value in by_month.items():
            start, end = months[month]
            con.execute(
                "insert into published.fct_kpi_values values ('employee', ?, 'direct_sales', "
                "'month', ?, ?, ?, ?, ?, ?, ?)",
                [employee, month, start, end, code, value, unit, is_ratio],
            )
    # a team row with a huge swing: only employees are scanned
    for month, value in (("2026-09", 1), ("2026-10", 100)):
        start, end = months[month]
        con.execute(
            "insert into published.fct_kpi_values values ('team', 'T1', 'sales_manager', "
            "'month', ?, ?, ?, 'team_revenue', ?, 'cny', false)",
            [month, start, end, value],
        )


def _funnel(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists staging")
    con.execute(
        "create table staging.stg_crm__opportunities (opportunity_id varchar, owner_id varchar)"
    )
    con.execute(
        "create table staging.stg_crm__opportunity_stage_history (opportunity_id varchar, "
        "stage varchar, entered_at timestamp, source_file_path varchar, "
        "source_line_number bigint)"
    )
    histories = {
        "OP1": ["lead", "qualified", "negotiation"],  # skipped proposal
        "OP2": ["lead", "lost"],  # lost may follow any stage
        "OP3": ["proposal"],  # first stage proposal: skipped lead and qualified
        "OP4": ["lead", "qualified", "proposal", "negotiation", "won"],
    }
    line = 0
    for opportunity, stages in histories.items():
        con.execute(
            "insert into staging.stg_crm__opportunities values (?, ?)",
            [opportunity, "E" + opportunity[-1]],
        )
        for day, stage in enumerate(stages):
            line += 1
            con.execute(
                "insert into staging.stg_crm__opportunity_stage_history values (?, ?, ?, "
                "'crm/2026-10-31/opportunity_stage_history.csv', ?)",
                [opportunity, stage, dt.datetime(2026, 10, 20 + day, 9), line],
            )
    # an old skip, before the lookback window
    con.execute("insert into staging.stg_crm__opportunities values ('OP5', 'E5')")
    con.execute(
        "insert into staging.stg_crm__opportunity_stage_history values "
        "('OP5', 'lead', '2026-06-01 09:00', 'x.csv', 1), ('OP5', 'won', '2026-06-02 09:00', "
        "'x.csv', 2)"
    )


def _payouts(con: duckdb.DuckDBPyConnection, overrides: dict[str, str] | None = None) -> None:
    con.execute("create schema if not exists published")
    con.execute("create schema if not exists config")
    con.execute(
        "create or replace table config.plan_versions as select '2026.1' as plan_version, "
        "cast(1.5 as decimal(9, 4)) as score_cap"
    )
    con.execute(
        "create or replace table config.plan_tier_bonuses as select * from (values "
        "('2026.1', 'direct_sales', 'challenge', 10000.00), "
        "('2026.1', 'direct_sales', 'stretch', 30000.00)) as t(plan_version, role, tier, "
        "bonus_amount)"
    )
    lines = {
        # employee: (Q2 payout, Q3 payout)
        "E1": ("10000.00", "25000.00"),  # 2.5× and +15,000: jump
        "E2": ("10000.00", "19000.00"),  # 1.9×
        "E3": ("5000.00", "12000.00"),  # 2.4× but only +7,000
        "E4": ("0.00", "60000.01"),  # above 20,000 × 1.5 + 30,000 = 60,000; from 0: no jump
        "E5": ("0.00", "60000.00"),  # exactly the plan maximum
    }
    for employee, q3 in (overrides or {}).items():  # a recalculated Q3
        lines[employee] = (lines[employee][0], q3)
    con.execute(
        "create or replace table published.fct_payouts (payout_id varchar, employee_id varchar, "
        "role varchar, period_type varchar, period varchar, period_start_date date, "
        "plan_version varchar, performance_pay_base_amount decimal(18, 2), "
        "payout_amount decimal(18, 2))"
    )
    for employee, (q2, q3) in lines.items():
        for period, start, amount in (
            ("2025-Q2", dt.date(2025, 4, 1), q2),
            ("2025-Q3", dt.date(2025, 7, 1), q3),
        ):
            con.execute(
                "insert into published.fct_payouts values (?, ?, 'direct_sales', 'quarter', ?, "
                "?, '2026.1', 20000.00, ?)",
                [f"{employee}-{period}", employee, period, start, Decimal(amount)],
            )


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def test_order_amounts_far_from_their_channel_norm_are_flagged(con) -> None:
    _orders(con)
    alerts = detect_order_amount_outliers(con, OrderAmountRule())
    assert [(a.subject, a.period, a.employee_id) for a in alerts] == [
        ("crm:A-0.78", "2026-10", "E1"),
        ("crm:A-51200", "2026-10", "E1"),
        ("ecommerce:B-1000", "2026-10", "E2"),
        ("ecommerce:B-2.50", "2026-10", "E2"),
    ]
    by_order = {a.subject: a for a in alerts}
    big = by_order["crm:A-51200"]
    assert (big.observed_value, big.reference_value) == (Decimal("51200.00"), Decimal("200.00"))
    assert big.message == (
        "order crm:A-51200 (crm/direct, 2026-10-28) amount 51,200.00 is 256.0× the median "
        "200.00: robust z 5.4 ≥ 5 (typical spread ×2.00)"
    )
    assert "is 1/256.4 of the median 200.00" in by_order["crm:A-0.78"].message
    assert "20.0× the median 50.00: every baseline order near the median; threshold 20×" in (
        by_order["ecommerce:B-1000"].message
    )
    assert big.source_file_path == "crm/2026-10-28/orders.csv"
    assert not any(a.holds_payroll for a in alerts)
    # a lower threshold lets the 4.72 one through too
    looser = detect_order_amount_outliers(con, OrderAmountRule(robust_z=Decimal("4.5")))
    assert "crm:A-25600" in {a.subject for a in looser}


def test_kpi_swings_of_the_latest_month_against_the_month_before(con) -> None:
    _kpis(con)
    alerts = detect_kpi_swings(con, KpiSwingRule())
    assert sorted((a.employee_id, a.subject) for a in alerts) == [
        ("E1", "direct_sales:collection_rate"),
        ("E1", "direct_sales:revenue"),
        ("E2", "direct_sales:avg_sales_cycle_days"),
    ]
    rate = next(a for a in alerts if a.subject.endswith("collection_rate"))
    assert (rate.observed_value, rate.reference_value) == (Decimal("0.5"), Decimal("0.9"))
    assert "-40.0 points" in rate.message
    revenue = next(a for a in alerts if a.subject.endswith(":revenue"))
    assert "moved from 100 in 2026-09 to 180 in 2026-10: +80%" in revenue.message
    # two months back: E4's 100 → 1000 of September is reported too
    two = detect_kpi_swings(con, KpiSwingRule(periods=2))
    assert ("E4", "2026-09") in {(a.employee_id, a.period) for a in two}


def test_opportunities_that_skip_funnel_stages(con) -> None:
    _funnel(con)
    alerts = detect_funnel_stage_skips(con, FunnelRule())
    assert [(a.subject, a.employee_id) for a in alerts] == [  # in order of entry
        ("OP3:proposal", "E3"),
        ("OP1:negotiation", "E1"),
    ]
    assert alerts[1].message == (
        "opportunity OP1 entered negotiation on 2026-10-22 from qualified, skipping proposal"
    )
    assert alerts[0].message.endswith("as its first stage, skipping lead, qualified")
    assert alerts[1].source_line_number == 3


def test_payouts_above_the_plan_maximum_or_jumping(con) -> None:
    _payouts(con)
    alerts = detect_payout_anomalies(con, PayoutRule())
    assert sorted((a.kind, a.employee_id, a.period) for a in alerts) == [
        ("payout_above_cap", "E4", "2025-Q3"),
        ("payout_jump", "E1", "2025-Q3"),
    ]
    cap = next(a for a in alerts if a.kind == "payout_above_cap")
    assert cap.reference_value == Decimal("60000.00")
    assert all(a.holds_payroll for a in alerts)
    capped = detect_payout_anomalies(con, PayoutRule(max_payout_amount=Decimal("24000")))
    assert sorted(a.employee_id for a in capped if a.kind == "payout_above_cap") == [
        "E1",
        "E4",
        "E4",
        "E5",
    ]


def test_payout_alerts_hold_payroll_until_accepted(con) -> None:
    _payouts(con)
    con.execute("create schema if not exists meta")
    con.execute(
        "create table meta.publications (publication_id bigint, run_id varchar, "
        "published_at timestamp, row_counts json, load_watermark bigint)"
    )
    con.execute("insert into meta.publications values (1, 'run-1', now(), '{}', 10)")
    assert [h.kind for h in payroll_holds(con, "quarter", "2025-Q3")] == ["detection_missing"]

    record_anomalies(con, detect_anomalies(con), "run-1")
    holds = payroll_holds(con, "quarter", "2025-Q3")
    assert sorted(h.employee_id for h in holds) == ["E1", "E4"]
    assert payroll_holds(con, "quarter", "2025-Q2") == []

    jump = next(h for h in holds if h.employee_id == "E1")
    cap = next(h for h in holds if h.employee_id == "E4")
    acknowledge(con, jump.alert_id, decision="accepted", decided_by="li.finance", reason="big deal")
    acknowledge(con, cap.alert_id, decision="disputed", decided_by="li.finance", reason="check")
    assert [h.employee_id for h in payroll_holds(con, "quarter", "2025-Q3")] == ["E4"]

    # the next night sees the same numbers: same alert ids, decisions still count
    record_anomalies(con, detect_anomalies(con), "run-2")
    assert [h.alert_id for h in payroll_holds(con, "quarter", "2025-Q3")] == [cap.alert_id]
    decided = {a.alert.alert_id: a for a in list_alerts(con)}
    assert decided[jump.alert_id].decision == "accepted"
    assert decided[jump.alert_id].first_detected_at <= dt.datetime.now()

    # E4's number is corrected to the plan maximum: no alert for it any more; E1's payout changes
    # after its alert was accepted: a new alert holds again
    _payouts(con, {"E4": "60000.00", "E1": "26000.00"})
    con.execute("insert into meta.publications values (2, 'run-3', now(), '{}', 12)")
    record_anomalies(con, detect_anomalies(con), "run-3")
    holds = payroll_holds(con, "quarter", "2025-Q3")
    assert [h.employee_id for h in holds] == ["E1"]
    assert holds[0].alert_id != jump.alert_id
    assert len(list_alerts(con, current_only=False)) == 3


def test_a_decision_needs_a_known_alert_a_name_and_a_reason(con) -> None:
    _payouts(con)
    record_anomalies(con, detect_anomalies(con), "run-1")
    alert_id = payroll_holds(con, "quarter", "2025-Q3")[0].alert_id
    with pytest.raises(KeyError, match="no anomaly alert 'nope'"):
        acknowledge(con, "nope", decision="accepted", decided_by="x", reason="y")
    with pytest.raises(ValueError, match="who took it"):
        acknowledge(con, alert_id, decision="accepted", decided_by=" ", reason="y")
    with pytest.raises(ValueError, match="decision must be one of"):
        acknowledge(con, alert_id, decision="ignored", decided_by="x", reason="y")  # type: ignore[arg-type]


def test_the_versioned_config_loads_and_bad_settings_are_refused(tmp_path) -> None:
    config = AnomalyConfig.load(PROJECT_ROOT / "config" / "quality.yml")
    assert config == AnomalyConfig()  # the file states the defaults explicitly
    bad = tmp_path / "quality.yml"
    bad.write_text("anomalies:\n  payout:\n    jump_ratoi: 2\n")
    with pytest.raises(
        ValueError, match=r"anomalies.payout: unknown setting\(s\) \['jump_ratoi'\]"
    ):
        AnomalyConfig.load(bad)
    bad.write_text("anomalies:\n  kpi_swing:\n    relative_change: -1\n")
    with pytest.raises(ValueError, match="must not be negative"):
        AnomalyConfig.load(bad)
    custom = tmp_path / "custom.yml"
    custom.write_text("anomalies:\n  payout:\n    max_payout_amount: 50000\n")
    assert AnomalyConfig.load(custom).payout.max_payout_amount == Decimal("50000")


def test_alerts_commands_list_hold_and_acknowledge(tmp_path, capsys, monkeypatch) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    _payouts(con)
    record_anomalies(con, detect_anomalies(con), "run-1")
    alert_id = next(
        a.alert_id for a in payroll_holds(con, "quarter", "2025-Q3") if a.employee_id == "E4"
    )
    con.close()
    monkeypatch.setenv("KPIWH_DUCKDB_PATH", str(warehouse))
    home = ["--home", str(tmp_path)]

    assert main([*home, "alerts", "holds", "--period", "2025-Q3"], read_dotenv=False) == 1
    assert "held by 2 alert(s)" in capsys.readouterr().out
    code = main(
        [
            *home,
            "alerts",
            "acknowledge",
            alert_id,
            "--decision",
            "accepted",
            "--by",
            "li",
            "--reason",
            "one-off deal, confirmed by the sales director",
        ],
        read_dotenv=False,
    )
    assert code == 0
    assert "no longer holds payroll" in capsys.readouterr().out
    main([*home, "alerts", "list", "--period", "2025-Q3"], read_dotenv=False)
    listing = capsys.readouterr().out
    assert f"ok   {alert_id} payout_above_cap" in listing
    assert "2 alerts, 1 holding payroll" in listing
