"""Anomaly alerts (异常预警): numbers that pass every rule but look wrong.

Four detectors, thresholds from `config/quality.yml` (`AnomalyConfig`):

- `order_amount_outlier`: a recent valid order far outside the norm of its source system and
  channel (robust z-score on median and MAD of the baseline window);
- `kpi_swing`: an employee KPI of the latest month(s) that moved too far from the month before;
- `funnel_stage_skip`: an opportunity that entered a stage without passing the ones before it;
- `payout_above_cap` / `payout_jump`: a payout line above what the plan can pay (or an absolute
  cap), or a payout that jumped against the employee's previous payout period.

Alerts never block publishing. They land in `meta.anomaly_alerts` (one row per distinct alert,
with the runs that first and last saw it); payout alerts *hold* the payroll export of their payout
period until a person records a decision in `meta.anomaly_decisions` (`acknowledge`). The alert id
hashes what was observed, so a payout that changes after its alert was accepted raises a new alert.
Detection reads the published marts (what payroll would export) plus the intermediate orders and
staged stage history; every query is plain SQL over small aggregates (pushed down to DuckDB).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd
import yaml

from exports.publication import latest_publication
from ingestion.warehouse import relation_exists

ALERTS_TABLE = "meta.anomaly_alerts"
RUNS_TABLE = "meta.anomaly_runs"
DECISIONS_TABLE = "meta.anomaly_decisions"

Decision = Literal["accepted", "disputed"]
DECISIONS: tuple[Decision, ...] = ("accepted", "disputed")
PAYOUT_KINDS = ("payout_above_cap", "payout_jump")


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class OrderAmountRule:
    lookback_days: int = 31
    baseline_days: int = 365
    robust_z: Decimal = Decimal("5")
    ratio_to_median: Decimal = Decimal("20")
    min_baseline_orders: int = 30


@dataclass(frozen=True)
class KpiSwingRule:
    periods: int = 1
    relative_change: Decimal = Decimal("0.75")
    min_previous_value: Decimal = Decimal("10")
    ratio_change: Decimal = Decimal("0.30")


@dataclass(frozen=True)
class FunnelRule:
    stages: tuple[str, ...] = ("lead", "qualified", "proposal", "negotiation", "won")
    terminal_any_time: tuple[str, ...] = ("lost",)
    lookback_days: int = 31


@dataclass(frozen=True)
class PayoutRule:
    max_payout_amount: Decimal | None = None
    jump_ratio: Decimal = Decimal("1.0")
    jump_min_amount: Decimal = Decimal("10000")


@dataclass(frozen=True)
class AnomalyConfig:
    order_amount: OrderAmountRule = field(default_factory=OrderAmountRule)
    kpi_swing: KpiSwingRule = field(default_factory=KpiSwingRule)
    funnel: FunnelRule = field(default_factory=FunnelRule)
    payout: PayoutRule = field(default_factory=PayoutRule)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> AnomalyConfig:
        data = data or {}
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown anomaly rule(s) {sorted(unknown)}")
        rules = {}
        for rule_field in fields(cls):
            rule_cls = rule_field.default_factory  # type: ignore[misc]
            rules[rule_field.name] = _rule(rule_cls, data.get(rule_field.name), rule_field.name)
        return cls(**rules)

    @classmethod
    def load(cls, path: Path) -> AnomalyConfig:
        """Read the `anomalies:` section of a quality config file (missing file: defaults)."""
        if not path.exists():
            raise FileNotFoundError(f"quality config {path} not found")
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls.from_mapping(document.get("anomalies"))


def _rule(rule_cls: Any, values: Mapping[str, Any] | None, name: str) -> Any:
    values = dict(values or {})
    known = {f.name: f for f in fields(rule_cls)}
    unknown = set(values) - set(known)
    if unknown:
        raise ValueError(f"anomalies.{name}: unknown setting(s) {sorted(unknown)}")
    defaults = rule_cls()
    converted: dict[str, Any] = {}
    for key, value in values.items():
        default = getattr(defaults, key)
        if value is None:
            converted[key] = None
        elif isinstance(default, tuple):
            converted[key] = tuple(str(v) for v in value)
        elif isinstance(default, int) and not isinstance(default, bool):
            converted[key] = int(value)
        else:  # Decimal, or Optional[Decimal] defaulting to None
            converted[key] = Decimal(str(value))
        if isinstance(converted[key], (int, Decimal)) and converted[key] < 0:
            raise ValueError(f"anomalies.{name}.{key} must not be negative, got {value}")
    return rule_cls(**converted)


# --------------------------------------------------------------------------- alerts


@dataclass(frozen=True)
class AnomalyAlert:
    kind: str
    holds_payroll: bool
    period_type: str
    period: str
    employee_id: str | None
    subject: str
    observed_value: Decimal | None
    reference_value: Decimal | None
    threshold: Decimal | None
    message: str
    source_file_path: str | None = None
    source_line_number: int | None = None
    alert_id: str = ""

    def __post_init__(self) -> None:
        if not self.alert_id:
            key = "|".join(
                str(part)
                for part in (
                    self.kind,
                    self.period_type,
                    self.period,
                    self.employee_id,
                    self.subject,
                    self.observed_value,
                )
            )
            object.__setattr__(self, "alert_id", hashlib.sha256(key.encode()).hexdigest()[:16])

    def to_dict(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(self).items()}


def _dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _money(value: Decimal | None) -> str:
    return "null" if value is None else f"{value:,.2f}"


def detect_order_amount_outliers(
    con: duckdb.DuckDBPyConnection, rule: OrderAmountRule
) -> list[AnomalyAlert]:
    """Recent valid orders far from their source system and channel's norm, on a log scale.

    Order amounts are log-normal (a shop's median order is a few hundred, its 99th percentile
    sixty times that), so the robust z-score is taken on ln(amount):
    0.6745 × |ln amount − median ln| ÷ MAD(ln). When the MAD is 0 (nearly every order the same
    amount), an amount at least `ratio_to_median` times the median, or that many times below it.
    Orders of 0 or less are not judged (there is no log of them).
    """
    if not relation_exists(con, "intermediate.int_orders_unified"):
        return []
    (last_date,) = con.execute(
        "select max(order_date) from intermediate.int_orders_unified where is_valid_order"
    ).fetchone()
    if last_date is None:
        return []
    recent_from = last_date - dt.timedelta(days=rule.lookback_days)
    baseline_from = recent_from - dt.timedelta(days=rule.baseline_days)
    rows = con.execute(
        """
        with valid_orders as (
            select order_key, source_system, coalesce(channel, '') as channel_key, channel,
                order_date, revenue_amount, ln(cast(revenue_amount as double)) as log_amount,
                employee_id, source_file_path, source_line_number
            from intermediate.int_orders_unified
            where is_valid_order and revenue_amount > 0
                and order_date > $baseline_from
        ),
        baseline_medians as (
            select source_system, channel_key, count(*) as order_count,
                median(log_amount) as median_log
            from valid_orders
            where order_date <= $recent_from
            group by source_system, channel_key
        ),
        baselines as (
            select medians.source_system, medians.channel_key, medians.order_count,
                medians.median_log,
                median(abs(valid_orders.log_amount - medians.median_log)) as mad_log
            from baseline_medians as medians
            inner join valid_orders
                on valid_orders.source_system = medians.source_system
                and valid_orders.channel_key = medians.channel_key
                and valid_orders.order_date <= $recent_from
            group by all
        ),
        scored as (
            select recent.*, baselines.median_log, baselines.mad_log,
                case when baselines.mad_log > 0
                    then 0.6745 * abs(recent.log_amount - baselines.median_log)
                        / baselines.mad_log
                end as robust_z
            from valid_orders as recent
            inner join baselines
                on recent.source_system = baselines.source_system
                and recent.channel_key = baselines.channel_key
            where recent.order_date > $recent_from
                and baselines.order_count >= $min_orders
        )
        select order_key, source_system, channel, order_date, revenue_amount, employee_id,
            source_file_path, source_line_number, exp(median_log) as median_amount,
            exp(mad_log) as spread_factor, robust_z
        from scored
        where robust_z >= $robust_z
            or (mad_log = 0 and abs(log_amount - median_log) >= ln($ratio))
        order by order_date, order_key
        """,
        {
            "baseline_from": baseline_from,
            "recent_from": recent_from,
            "min_orders": rule.min_baseline_orders,
            "robust_z": float(rule.robust_z),
            "ratio": float(rule.ratio_to_median),
        },
    ).fetchall()
    alerts = []
    for row in rows:
        (order_key, source, channel, order_date, amount, employee, path, line) = row[:8]
        median, spread, z = row[8:]
        median_amount = Decimal(f"{median:.2f}")
        times = float(amount) / median
        relation = f"{times:.1f}× the median" if times >= 1 else f"1/{1 / times:.1f} of the median"
        how = (
            f"robust z {z:.1f} ≥ {rule.robust_z} (typical spread ×{spread:.2f})"
            if z is not None
            else f"every baseline order near the median; threshold {rule.ratio_to_median}×"
        )
        alerts.append(
            AnomalyAlert(
                kind="order_amount_outlier",
                holds_payroll=False,
                period_type="month",
                period=order_date.strftime("%Y-%m"),
                employee_id=employee,
                subject=order_key,
                observed_value=amount,
                reference_value=median_amount,
                threshold=rule.robust_z if z is not None else rule.ratio_to_median,
                message=(
                    f"order {order_key} ({source}/{channel or '-'}, {order_date}) amount "
                    f"{_money(amount)} is {relation} {_money(median_amount)}: {how}"
                ),
                source_file_path=path,
                source_line_number=line,
            )
        )
    return alerts


def detect_kpi_swings(con: duckdb.DuckDBPyConnection, rule: KpiSwingRule) -> list[AnomalyAlert]:
    if not relation_exists(con, "published.fct_kpi_values") or rule.periods == 0:
        return []
    rows = con.execute(
        """
        with monthly as (
            select * from published.fct_kpi_values
            where entity_type = 'employee' and period_type = 'month'
        ),
        latest_periods as (
            select distinct period_start_date from monthly
            order by period_start_date desc limit $periods
        ),
        compared as (
            select current_month.entity_id, current_month.role, current_month.kpi_code,
                current_month.period, current_month.is_ratio, current_month.unit,
                current_month.value, previous_month.period as previous_period,
                previous_month.value as previous_value
            from monthly as current_month
            inner join latest_periods
                on current_month.period_start_date = latest_periods.period_start_date
            inner join monthly as previous_month
                on previous_month.entity_id = current_month.entity_id
                and previous_month.role = current_month.role
                and previous_month.kpi_code = current_month.kpi_code
                and previous_month.period_end_date + interval 1 day
                    = current_month.period_start_date
            where current_month.value is not null and previous_month.value is not null
        )
        select * from compared
        where (unit = 'ratio' and abs(value - previous_value) >= $ratio_change)
            or (unit <> 'ratio' and abs(previous_value) >= $min_previous
                and abs(value - previous_value) / abs(previous_value) >= $relative_change)
        order by period, entity_id, role, kpi_code
        """,
        {
            "periods": rule.periods,
            "ratio_change": rule.ratio_change,
            "min_previous": rule.min_previous_value,
            "relative_change": float(rule.relative_change),
        },
    ).fetchall()
    alerts = []
    for employee, role, code, period, _is_ratio, unit, value, previous_period, previous in rows:
        value, previous = _dec(value), _dec(previous)
        if unit == "ratio":
            change = (
                f"{(value - previous) * 100:+.1f} points (threshold {rule.ratio_change * 100:.0f})"
            )
            threshold = rule.ratio_change
        else:
            change = (
                f"{(value - previous) / abs(previous):+.0%} (threshold ±{rule.relative_change:.0%})"
            )
            threshold = rule.relative_change
        alerts.append(
            AnomalyAlert(
                kind="kpi_swing",
                holds_payroll=False,
                period_type="month",
                period=period,
                employee_id=employee,
                subject=f"{role}:{code}",
                observed_value=value,
                reference_value=previous,
                threshold=threshold,
                message=(
                    f"{code} of {employee} ({role}) moved from {_num(previous)} in "
                    f"{previous_period} to {_num(value)} in {period}: {change}"
                ),
            )
        )
    return alerts


def detect_funnel_stage_skips(
    con: duckdb.DuckDBPyConnection, rule: FunnelRule
) -> list[AnomalyAlert]:
    history = "staging.stg_crm__opportunity_stage_history"
    if not relation_exists(con, history) or not relation_exists(
        con, "staging.stg_crm__opportunities"
    ):
        return []
    (last_entry,) = con.execute(f"select max(entered_at) from {history}").fetchone()
    if last_entry is None:
        return []
    stage_order = ", ".join(f"('{stage}', {i})" for i, stage in enumerate(rule.stages, start=1))
    terminal = ", ".join(f"'{stage}'" for stage in rule.terminal_any_time) or "null"
    rows = con.execute(
        f"""
        with stage_orders (stage, stage_order) as (values {stage_order}),
        entries as (
            select history.opportunity_id, history.stage, history.entered_at,
                history.source_file_path, history.source_line_number,
                lag(history.stage) over (
                    partition by history.opportunity_id order by history.entered_at, history.stage
                ) as previous_stage
            from {history} as history
        ),
        ordered as (
            select entries.*, current_order.stage_order,
                previous_order.stage_order as previous_stage_order
            from entries
            inner join stage_orders as current_order on current_order.stage = entries.stage
            left join stage_orders as previous_order
                on previous_order.stage = entries.previous_stage
        )
        select ordered.opportunity_id, ordered.stage, ordered.previous_stage, ordered.entered_at,
            opportunities.owner_id, ordered.source_file_path, ordered.source_line_number,
            ordered.stage_order, coalesce(ordered.previous_stage_order, 0) as from_order
        from ordered
        left join staging.stg_crm__opportunities as opportunities
            on opportunities.opportunity_id = ordered.opportunity_id
        where ordered.entered_at > $recent_from
            and ordered.stage not in ({terminal})
            and (ordered.previous_stage is null or ordered.previous_stage_order is not null)
            and ordered.stage_order > coalesce(ordered.previous_stage_order, 0) + 1
        order by ordered.entered_at, ordered.opportunity_id
        """,
        {"recent_from": last_entry - dt.timedelta(days=rule.lookback_days)},
    ).fetchall()
    alerts = []
    for opportunity, stage, previous, entered_at, owner, path, line, order, from_order in rows:
        skipped = list(rule.stages[from_order : order - 1])
        alerts.append(
            AnomalyAlert(
                kind="funnel_stage_skip",
                holds_payroll=False,
                period_type="month",
                period=entered_at.strftime("%Y-%m"),
                employee_id=owner,
                subject=f"{opportunity}:{stage}",
                observed_value=Decimal(order),
                reference_value=Decimal(from_order),
                threshold=None,
                message=(
                    f"opportunity {opportunity} entered {stage} on {entered_at:%Y-%m-%d} "
                    f"{'from ' + previous if previous else 'as its first stage'}, skipping "
                    f"{', '.join(skipped)}"
                ),
                source_file_path=path,
                source_line_number=line,
            )
        )
    return alerts


def detect_payout_anomalies(con: duckdb.DuckDBPyConnection, rule: PayoutRule) -> list[AnomalyAlert]:
    if not relation_exists(con, "published.fct_payouts"):
        return []
    has_plan = relation_exists(con, "config.plan_versions") and relation_exists(
        con, "config.plan_tier_bonuses"
    )
    plan_max = (
        "payouts.performance_pay_base_amount * plan_versions.score_cap "
        "+ coalesce(largest_bonuses.bonus_amount, 0)"
        if has_plan
        else "null"
    )
    plan_joins = (
        """
        left join config.plan_versions as plan_versions
            on plan_versions.plan_version = payouts.plan_version
        left join (
            select plan_version, role, max(bonus_amount) as bonus_amount
            from config.plan_tier_bonuses group by plan_version, role
        ) as largest_bonuses
            on largest_bonuses.plan_version = payouts.plan_version
            and largest_bonuses.role = payouts.role
        """
        if has_plan
        else ""
    )
    rows = con.execute(
        f"""
        with payouts as (
            select *,
                lag(payout_amount) over (
                    partition by employee_id, period_type order by period_start_date
                ) as previous_payout_amount,
                lag(period) over (
                    partition by employee_id, period_type order by period_start_date
                ) as previous_period
            from published.fct_payouts
        )
        select payouts.payout_id, payouts.employee_id, payouts.role, payouts.period_type,
            payouts.period, payouts.payout_amount, payouts.previous_payout_amount,
            payouts.previous_period, cast({plan_max} as decimal(18, 2)) as plan_max_amount
        from payouts
        {plan_joins}
        order by payouts.period_start_date, payouts.employee_id
        """
    ).fetchall()
    alerts = []
    for (
        payout_id,
        employee,
        role,
        period_type,
        period,
        amount,
        previous,
        prev_period,
        plan_max,
    ) in rows:
        amount, previous, plan_max = _dec(amount), _dec(previous), _dec(plan_max)
        if amount is None:
            continue
        caps = []
        if plan_max is not None and amount > plan_max:
            caps.append(("plan maximum (pay base × score cap + largest tier bonus)", plan_max))
        if rule.max_payout_amount is not None and amount > rule.max_payout_amount:
            caps.append(("configured cap", rule.max_payout_amount))
        if amount < 0:
            caps.append(("zero (a payout line cannot be negative)", Decimal("0")))
        for what, cap in caps:
            alerts.append(
                AnomalyAlert(
                    kind="payout_above_cap",
                    holds_payroll=True,
                    period_type=period_type,
                    period=period,
                    employee_id=employee,
                    subject=payout_id,
                    observed_value=amount,
                    reference_value=cap,
                    threshold=cap,
                    message=(
                        f"payout {_money(amount)} of {employee} ({role}) for {period} is "
                        f"{'below' if cap == 0 and amount < 0 else 'above'} the {what} "
                        f"{_money(cap)}"
                    ),
                )
            )
        if (
            previous is not None
            and previous > 0
            and amount >= previous * (1 + rule.jump_ratio)
            and amount - previous >= rule.jump_min_amount
        ):
            alerts.append(
                AnomalyAlert(
                    kind="payout_jump",
                    holds_payroll=True,
                    period_type=period_type,
                    period=period,
                    employee_id=employee,
                    subject=payout_id,
                    observed_value=amount,
                    reference_value=previous,
                    threshold=rule.jump_ratio,
                    message=(
                        f"payout of {employee} ({role}) jumped from {_money(previous)} in "
                        f"{prev_period} to {_money(amount)} in {period} "
                        f"({amount / previous:.2f}×; alert at ≥ {1 + rule.jump_ratio}× and "
                        f"+{_money(rule.jump_min_amount)})"
                    ),
                )
            )
    return alerts


def detect_anomalies(
    con: duckdb.DuckDBPyConnection, config: AnomalyConfig | None = None
) -> list[AnomalyAlert]:
    """Every detector's alerts (distinct by alert id), in a stable order."""
    config = config or AnomalyConfig()
    found = [
        *detect_order_amount_outliers(con, config.order_amount),
        *detect_kpi_swings(con, config.kpi_swing),
        *detect_funnel_stage_skips(con, config.funnel),
        *detect_payout_anomalies(con, config.payout),
    ]
    return list({alert.alert_id: alert for alert in found}.values())


# --------------------------------------------------------------------------- storage


def ensure_anomaly_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists meta")
    con.execute(
        f"""create table if not exists {RUNS_TABLE} (
            run_id varchar primary key, detected_at timestamp not null,
            publication_id bigint, alert_count integer not null, payout_alert_count integer not null
        )"""
    )
    con.execute(
        f"""create table if not exists {ALERTS_TABLE} (
            alert_id varchar primary key, kind varchar not null, holds_payroll boolean not null,
            period_type varchar not null, period varchar not null, employee_id varchar,
            subject varchar not null, observed_value decimal(38, 6),
            reference_value decimal(38, 6), threshold decimal(38, 6), message varchar not null,
            source_file_path varchar, source_line_number bigint,
            first_run_id varchar not null, first_detected_at timestamp not null,
            last_run_id varchar not null, last_detected_at timestamp not null
        )"""
    )
    con.execute(
        f"""create table if not exists {DECISIONS_TABLE} (
            alert_id varchar not null, decision varchar not null, decided_by varchar not null,
            decided_at timestamp not null, reason varchar not null
        )"""
    )


@dataclass(frozen=True)
class AnomalyRun:
    run_id: str
    detected_at: dt.datetime
    publication_id: int | None
    alerts: tuple[AnomalyAlert, ...]

    @property
    def payout_alerts(self) -> list[AnomalyAlert]:
        return [a for a in self.alerts if a.holds_payroll]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for alert in self.alerts:
            counts[alert.kind] = counts.get(alert.kind, 0) + 1
        return counts


def _latest_publication_id(con: duckdb.DuckDBPyConnection) -> int | None:
    publication = latest_publication(con)
    return None if publication is None else publication.publication_id


def record_anomalies(
    con: duckdb.DuckDBPyConnection, alerts: Sequence[AnomalyAlert], run_id: str
) -> AnomalyRun:
    """Store this run's alerts (new ones inserted, seen ones stamped), in one transaction."""
    # full precision: the latest run (and so which alerts are current) is ordered by this stamp,
    # and two detections within one second must not tie (the tie-break, run_id, is random)
    detected_at = dt.datetime.now()
    publication_id = _latest_publication_id(con)
    ensure_anomaly_tables(con)
    con.execute("begin transaction")
    try:
        con.execute(f"delete from {RUNS_TABLE} where run_id = ?", [run_id])
        con.execute(
            f"insert into {RUNS_TABLE} values (?, ?, ?, ?, ?)",
            [
                run_id,
                detected_at,
                publication_id,
                len(alerts),
                sum(a.holds_payroll for a in alerts),
            ],
        )
        if alerts:
            # one set-based upsert (a night at scale raises thousands of alerts)
            alert_rows = pd.DataFrame(  # noqa: F841 (DuckDB scans the frame by name)
                [
                    {
                        "alert_id": a.alert_id,
                        "kind": a.kind,
                        "holds_payroll": a.holds_payroll,
                        "period_type": a.period_type,
                        "period": a.period,
                        "employee_id": a.employee_id,
                        "subject": a.subject,
                        "observed_value": _text(a.observed_value),
                        "reference_value": _text(a.reference_value),
                        "threshold": _text(a.threshold),
                        "message": a.message,
                        "source_file_path": a.source_file_path,
                        "source_line_number": a.source_line_number,
                    }
                    for a in alerts
                ],
                dtype=object,
            )
            con.execute(
                f"""insert into {ALERTS_TABLE}
                select alert_id, kind, cast(holds_payroll as boolean), period_type, period,
                    employee_id, subject, cast(observed_value as decimal(38, 6)),
                    cast(reference_value as decimal(38, 6)), cast(threshold as decimal(38, 6)),
                    message, source_file_path, cast(source_line_number as bigint),
                    $run_id, $detected_at, $run_id, $detected_at
                from alert_rows
                on conflict (alert_id) do update set
                    last_run_id = excluded.last_run_id,
                    last_detected_at = excluded.last_detected_at,
                    message = excluded.message""",
                {"run_id": run_id, "detected_at": detected_at},
            )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return AnomalyRun(run_id, detected_at, publication_id, tuple(alerts))


@dataclass(frozen=True)
class StoredAlert:
    alert: AnomalyAlert
    first_detected_at: dt.datetime
    last_run_id: str
    is_current: bool
    decision: str | None
    decided_by: str | None
    decided_at: dt.datetime | None
    reason: str | None

    @property
    def is_holding(self) -> bool:
        return self.alert.holds_payroll and self.is_current and self.decision != "accepted"


def _latest_run(con: duckdb.DuckDBPyConnection) -> tuple[str, int | None] | None:
    if not relation_exists(con, RUNS_TABLE):
        return None
    return con.execute(
        f"select run_id, publication_id from {RUNS_TABLE} order by detected_at desc, run_id desc "
        "limit 1"
    ).fetchone()


def list_alerts(
    con: duckdb.DuckDBPyConnection,
    *,
    period: str | None = None,
    kind: str | None = None,
    current_only: bool = True,
    open_only: bool = False,
) -> list[StoredAlert]:
    """Stored alerts with their latest decision; `current_only`: seen by the latest detection."""
    latest = _latest_run(con)
    if latest is None:
        return []
    rows = con.execute(
        f"""
        with latest_decisions as (
            select * from {DECISIONS_TABLE}
            qualify row_number() over (partition by alert_id order by decided_at desc) = 1
        )
        select alerts.alert_id, alerts.kind, alerts.holds_payroll, alerts.period_type,
            alerts.period, alerts.employee_id, alerts.subject, alerts.observed_value,
            alerts.reference_value, alerts.threshold, alerts.message, alerts.source_file_path,
            alerts.source_line_number, alerts.first_detected_at, alerts.last_run_id,
            decisions.decision, decisions.decided_by, decisions.decided_at, decisions.reason
        from {ALERTS_TABLE} as alerts
        left join latest_decisions as decisions on decisions.alert_id = alerts.alert_id
        where ($period is null or alerts.period = $period)
            and ($kind is null or alerts.kind = $kind)
            and (not $current_only or alerts.last_run_id = $latest_run)
        order by alerts.period, alerts.kind, alerts.employee_id, alerts.subject
        """,
        {"period": period, "kind": kind, "current_only": current_only, "latest_run": latest[0]},
    ).fetchall()
    stored = []
    for row in rows:
        alert = AnomalyAlert(
            kind=row[1],
            holds_payroll=row[2],
            period_type=row[3],
            period=row[4],
            employee_id=row[5],
            subject=row[6],
            observed_value=row[7],
            reference_value=row[8],
            threshold=row[9],
            message=row[10],
            source_file_path=row[11],
            source_line_number=row[12],
            alert_id=row[0],
        )
        item = StoredAlert(
            alert, row[13], row[14], row[14] == latest[0], row[15], row[16], row[17], row[18]
        )
        if open_only and item.decision == "accepted":
            continue
        stored.append(item)
    return stored


def payroll_holds(
    con: duckdb.DuckDBPyConnection, period_type: str, period: str
) -> list[AnomalyAlert]:
    """What holds the payroll export of a payout period; empty: nothing holds it.

    The payout alerts of that period seen by the latest detection and not accepted by a recorded
    decision; and a hold when the latest publication has not been scanned at all (payroll must
    not receive numbers no detector has looked at).
    """
    latest = _latest_run(con)
    publication_id = _latest_publication_id(con)
    if publication_id is not None and (latest is None or (latest[1] or 0) < publication_id):
        return [
            AnomalyAlert(
                kind="detection_missing",
                holds_payroll=True,
                period_type=period_type,
                period=period,
                employee_id=None,
                subject=f"publication {publication_id}",
                observed_value=None,
                reference_value=None,
                threshold=None,
                message=(
                    f"publication {publication_id} has not been scanned for anomalies; run "
                    "`kpiwh alerts detect` (the nightly job does it after publishing)"
                ),
            )
        ]
    return [
        item.alert
        for item in list_alerts(con, period=period)
        if item.is_holding and item.alert.period_type == period_type
    ]


def acknowledge(
    con: duckdb.DuckDBPyConnection,
    alert_id: str,
    *,
    decision: Decision,
    decided_by: str,
    reason: str,
) -> StoredAlert:
    """Record a person's decision on an alert (append-only; the latest decision counts).

    `accepted`: the number is right, the alert no longer holds payroll. `disputed`: it is being
    corrected; the hold stays (a corrected number raises a new alert, or none).
    """
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}, got {decision!r}")
    if not decided_by.strip():
        raise ValueError("a decision needs the name of who took it (--by)")
    if not reason.strip():
        raise ValueError("a decision needs a reason")
    ensure_anomaly_tables(con)
    known = con.execute(f"select count(*) from {ALERTS_TABLE} where alert_id = ?", [alert_id])
    if not known.fetchone()[0]:
        raise KeyError(f"no anomaly alert {alert_id!r} (see `kpiwh alerts list`)")
    decided_at = dt.datetime.now()  # full precision: the latest decision counts, no same-second tie
    con.execute(
        f"insert into {DECISIONS_TABLE} values (?, ?, ?, ?, ?)",
        [alert_id, decision, decided_by.strip(), decided_at, reason.strip()],
    )
    (stored,) = [s for s in list_alerts(con, current_only=False) if s.alert.alert_id == alert_id]
    return stored
