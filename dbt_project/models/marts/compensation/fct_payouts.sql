{#-
    Payout lines (compensation.md): one per employee and payout period (the plan version's
    payout_period_type), for the role held on the period's last day and that role's scorecard.

        performance_pay = pay base × weighted_score ÷ 100   if the primary KPI reached base, else 0
        tier_bonus      = bonus of the tier reached on the primary KPI (not cumulative)
        gate            = gate KPI (collection_rate) < threshold for a gated role → both are 0
        payout          = performance_pay + tier_bonus + adjustments

    Money stays DECIMAL throughout and is rounded half-up to 0.01 once per line, at the end: the
    performance pay is the only inexact part, so the rounded performance pay plus the (whole-cent)
    bonus and adjustments is exactly the payout.
-#}
with

scorecard_summaries as (

    select * from {{ ref('fct_scorecard_summaries') }}

),

kpi_values as (

    select * from {{ ref('fct_kpi_values') }}

),

employees as (

    select * from {{ ref('stg_hr__employees') }}

),

plan_versions as (

    select * from {{ source('config', 'plan_versions') }}

),

plan_tier_bonuses as (

    select * from {{ source('config', 'plan_tier_bonuses') }}

),

plan_collection_gates as (

    select * from {{ source('config', 'plan_collection_gates') }}

),

active_assignments as (

    select *
    from employees
    where status = 'active'

),

payout_period_scorecards as (

    select scorecard_summaries.*
    from scorecard_summaries
    inner join plan_versions
        on
            scorecard_summaries.plan_version = plan_versions.plan_version
            and scorecard_summaries.period_type = plan_versions.payout_period_type

),

-- the roster row in force on the period's last day decides the role paid and the pay base
scorecards_of_role_at_period_end as (

    select
        payout_period_scorecards.*,
        active_assignments.payroll_id,
        active_assignments.team_id,
        active_assignments.performance_pay_base_amount
    from payout_period_scorecards
    inner join active_assignments
        on
            payout_period_scorecards.employee_id = active_assignments.employee_id
            and payout_period_scorecards.role = active_assignments.role
            and payout_period_scorecards.period_end_date >= active_assignments.valid_from
            and payout_period_scorecards.period_end_date
            <= coalesce(active_assignments.valid_to, cast('9999-12-31' as date))

),

gated_lines as (

    select
        scorecards_of_role_at_period_end.*,
        plan_collection_gates.threshold_value as collection_gate_threshold,
        gate_values.value as collection_rate,
        -- a null collection rate (no revenue) does not gate
        coalesce(
            plan_collection_gates.threshold_value is not null
            and gate_values.value < plan_collection_gates.threshold_value,
            false
        ) as is_gated,
        plan_tier_bonuses.bonus_amount as primary_tier_bonus_amount
    from scorecards_of_role_at_period_end
    left join plan_collection_gates
        on
            scorecards_of_role_at_period_end.plan_version = plan_collection_gates.plan_version
            and scorecards_of_role_at_period_end.role = plan_collection_gates.role
    left join kpi_values as gate_values
        on
            gate_values.entity_type = 'employee'
            and scorecards_of_role_at_period_end.employee_id = gate_values.entity_id
            and scorecards_of_role_at_period_end.role = gate_values.role
            and scorecards_of_role_at_period_end.period_type = gate_values.period_type
            and scorecards_of_role_at_period_end.period = gate_values.period
            and coalesce(plan_collection_gates.kpi_code, 'collection_rate') = gate_values.kpi_code
    left join plan_tier_bonuses
        on
            scorecards_of_role_at_period_end.plan_version = plan_tier_bonuses.plan_version
            and scorecards_of_role_at_period_end.role = plan_tier_bonuses.role
            and scorecards_of_role_at_period_end.primary_tier = plan_tier_bonuses.tier

),

amounts as (

    select
        gated_lines.*,
        cast(
            case
                when gated_lines.is_gated then 0
                when gated_lines.primary_tier in ('base', 'challenge', 'stretch')
                    -- DECIMAL(18,2) × DECIMAL(38,14) × 0.01: exact, then one half-up rounding
                    then {{ round_half_up(
                        'gated_lines.performance_pay_base_amount * gated_lines.weighted_score * 0.01', 2
                    ) }}
                else 0
            end as decimal(18, 2)
        ) as performance_pay_amount,
        cast(
            case
                when gated_lines.is_gated then 0
                else coalesce(gated_lines.primary_tier_bonus_amount, 0)
            end as decimal(18, 2)
        ) as tier_bonus_amount,
        -- late data and manual corrections arrive as adjustment lines (a later issue)
        cast(0 as decimal(18, 2)) as adjustments_amount
    from gated_lines

),

final as (

    select
        {{ dbt.hash(dbt.concat(['employee_id', "'|'", 'period_type', "'|'", 'period'])) }}
            as payout_id,
        employee_id,
        payroll_id,
        role,
        team_id,
        period_type,
        period,
        period_start_date,
        period_end_date,
        plan_version,
        cast(performance_pay_base_amount as decimal(18, 2)) as performance_pay_base_amount,
        weighted_score,
        primary_kpi_code,
        primary_tier,
        is_promotion_eligible,
        cast(collection_rate as decimal(38, 6)) as collection_rate,
        cast(collection_gate_threshold as decimal(18, 6)) as collection_gate_threshold,
        is_gated,
        performance_pay_amount,
        tier_bonus_amount,
        adjustments_amount,
        cast(performance_pay_amount + tier_bonus_amount + adjustments_amount as decimal(18, 2))
            as payout_amount,
        {{ calculation_time() }} as calculated_at
    from amounts

)

select * from final
