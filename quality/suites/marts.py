"""Checks of the published marts: control totals, score ranges, tiers, payout lines.

The compensation marts and the `config` plan tables are recent; a check whose tables are not
built is skipped with observed value "not built: …" (see quality.runner), never failed.
"""

from __future__ import annotations

from typing import Any

from quality.core import Check, QualityConfig, SqlContext, sql_list


def _difference_within_tolerance(config: QualityConfig) -> list[Any]:
    import great_expectations as gx

    tolerance = float(config.reconciliation_tolerance)
    return [
        gx.expectations.ExpectColumnValuesToNotBeNull(column="difference"),
        gx.expectations.ExpectColumnValuesToBeBetween(
            column="difference", min_value=-tolerance, max_value=tolerance
        ),
    ]


def _monthly_reconciliation_sql(
    ctx: SqlContext, *, kpi_code: str, events: str, date_column: str, amount_filter: str
) -> str:
    """KPI numerators summed over employee rows per month vs the credited events of the month."""
    return f"""
        with kpi as (
            select period, sum(numerator) as kpi_amount
            from {ctx.rel("marts.fct_kpi_values")}
            where entity_type = 'employee' and period_type = 'month' and kpi_code = '{kpi_code}'
            group by period
        ),
        events as (
            select periods.period, sum(events.amount) as source_amount
            from {events} as events
            inner join {ctx.rel("intermediate.int_periods")} as periods
                on
                    periods.period_type = 'month'
                    and periods.is_reported
                    and events.{date_column}
                    between periods.period_start_date and periods.period_end_date
            where {amount_filter}
            group by periods.period
        )
        select
            coalesce(kpi.period, events.period) as period,
            cast(coalesce(kpi.kpi_amount, 0) as decimal(38, 2)) as kpi_amount,
            cast(coalesce(events.source_amount, 0) as decimal(38, 2)) as source_amount,
            cast(coalesce(kpi.kpi_amount, 0) - coalesce(events.source_amount, 0) as double)
                as difference
        from kpi
        full outer join events on kpi.period = events.period
        order by period
    """


def _revenue_reconciles_sql(ctx: SqlContext) -> str:
    orders = f"""(
        select order_date, revenue_amount as amount, role, is_valid_order
        from {ctx.rel("intermediate.int_orders_unified")}
    )"""
    return _monthly_reconciliation_sql(
        ctx,
        kpi_code="revenue",
        events=orders,
        date_column="order_date",
        amount_filter="events.is_valid_order and events.role is not null",
    )


def _receipts_reconcile_sql(ctx: SqlContext) -> str:
    receipts = f"""(
        select receipt_date, receipt_amount as amount, role
        from {ctx.rel("intermediate.int_receipts_credited")}
    )"""
    return _monthly_reconciliation_sql(
        ctx,
        kpi_code="collection_rate",
        events=receipts,
        date_column="receipt_date",
        amount_filter="events.role is not null",
    )


def _weighted_score_sql(ctx: SqlContext) -> str:
    return f"""
        select
            summaries.employee_id,
            summaries.role,
            summaries.period_type,
            summaries.period,
            summaries.plan_version,
            summaries.weighted_score,
            plans.score_cap,
            100 * plans.score_cap as max_score
        from {ctx.rel("marts.fct_scorecard_summaries")} as summaries
        left join {ctx.rel("config.plan_versions")} as plans
            on summaries.plan_version = plans.plan_version
        where
            summaries.weighted_score is null
            or plans.score_cap is null
            or summaries.weighted_score < 0
            or summaries.weighted_score > 100 * plans.score_cap
    """


def _tiers_sql(ctx: SqlContext) -> str:
    lower = sql_list(ctx.config.lower_is_better_kpis)
    return f"""
        with expected as (
            select
                *,
                case
                    when target_id is null then null
                    when actual_value is null then 'none'
                    when kpi_code in {lower} then
                        case
                            when actual_value <= stretch_value then 'stretch'
                            when actual_value <= challenge_value then 'challenge'
                            when actual_value <= base_value then 'base'
                            else 'none'
                        end
                    when actual_value >= stretch_value then 'stretch'
                    when actual_value >= challenge_value then 'challenge'
                    when actual_value >= base_value then 'base'
                    else 'none'
                end as expected_tier
            from {ctx.rel("marts.fct_scorecards")}
        )
        select
            employee_id,
            role,
            period_type,
            period,
            kpi_code,
            actual_value,
            base_value,
            challenge_value,
            stretch_value,
            tier,
            expected_tier
        from expected
        where tier is distinct from expected_tier
    """


def _payout_lines_sql(ctx: SqlContext) -> str:
    payouts = ctx.rel("marts.fct_payouts")
    columns = """
            payout_id,
            employee_id,
            period_type,
            period,
            performance_pay_amount,
            tier_bonus_amount,
            adjustments_amount,
            payout_amount"""
    return f"""
        select 'payout is not performance pay + tier bonus + adjustments' as problem,{columns}
        from {payouts}
        where
            payout_amount is distinct from coalesce(performance_pay_amount, 0)
            + coalesce(tier_bonus_amount, 0) + coalesce(adjustments_amount, 0)
        union all
        select 'negative payout' as problem,{columns}
        from {payouts}
        where payout_amount < 0
        union all
        select 'several payout lines for one employee and period' as problem,{columns}
        from (
            select
                *,
                count(*) over (partition by employee_id, period_type, period) as line_count
            from {payouts}
        ) as counted
        where line_count > 1
    """


def _payout_totals_sql(ctx: SqlContext) -> str:
    return f"""
        select
            period_type,
            period,
            count(*) as line_count,
            count(distinct employee_id) as employee_count,
            sum(payout_amount) as payout_total,
            sum(
                coalesce(performance_pay_amount, 0)
                + coalesce(tier_bonus_amount, 0)
                + coalesce(adjustments_amount, 0)
            ) as component_total,
            cast(
                coalesce(sum(payout_amount), 0)
                - sum(
                    coalesce(performance_pay_amount, 0)
                    + coalesce(tier_bonus_amount, 0)
                    + coalesce(adjustments_amount, 0)
                ) as double
            ) as difference
        from {ctx.rel("marts.fct_payouts")}
        group by period_type, period
        order by period_type, period
    """


def _payout_totals_expectations(config: QualityConfig) -> list[Any]:
    import great_expectations as gx

    return [
        *_difference_within_tolerance(config),
        gx.expectations.ExpectColumnPairValuesToBeEqual(
            column_A="line_count", column_B="employee_count"
        ),
    ]


CHECKS: tuple[Check, ...] = (
    Check(
        name="kpi_revenue_reconciles",
        layer="marts",
        severity="error",
        description="Control total per month: revenue summed over employee rows of fct_kpi_values "
        "= revenue of all valid orders of the month credited to someone (int_orders_unified).",
        sql=_revenue_reconciles_sql,
        requires=(
            "marts.fct_kpi_values",
            "intermediate.int_orders_unified",
            "intermediate.int_periods",
        ),
        expectations=_difference_within_tolerance,
        row_label="months",
    ),
    Check(
        name="kpi_receipts_reconcile",
        layer="marts",
        severity="error",
        description="Control total per month: collection_rate numerators (receipts) summed over "
        "employee rows = credited receipts of the month (int_receipts_credited).",
        sql=_receipts_reconcile_sql,
        requires=(
            "marts.fct_kpi_values",
            "intermediate.int_receipts_credited",
            "intermediate.int_periods",
        ),
        expectations=_difference_within_tolerance,
        row_label="months",
    ),
    Check(
        name="weighted_score_in_range",
        layer="marts",
        severity="error",
        description="Every weighted score lies in [0, 100 × score_cap] of its plan version "
        "(config.plan_versions).",
        sql=_weighted_score_sql,
        requires=("marts.fct_scorecard_summaries", "config.plan_versions"),
        row_label="scores out of range",
    ),
    Check(
        name="tiers_match_thresholds",
        layer="marts",
        severity="error",
        description="Each scorecard line's tier is the highest of base/challenge/stretch its "
        "actual reaches (≥; ≤ for lower-is-better KPIs), 'none' below base or without an actual, "
        "null without a target.",
        sql=_tiers_sql,
        requires=("marts.fct_scorecards",),
        row_label="lines with a wrong tier",
    ),
    Check(
        name="payout_lines_add_up",
        layer="marts",
        severity="error",
        description="Each payout line: payout = performance pay + tier bonus + adjustments, "
        "payout ≥ 0, one line per employee and payout period.",
        sql=_payout_lines_sql,
        requires=("marts.fct_payouts",),
        row_label="bad payout lines",
    ),
    Check(
        name="payout_period_totals",
        layer="marts",
        severity="error",
        description="Per payout period, the control total (sum of payout lines) equals the sum of "
        "their components, with one line per employee.",
        sql=_payout_totals_sql,
        requires=("marts.fct_payouts",),
        expectations=_payout_totals_expectations,
        row_label="payout periods",
    ),
)
