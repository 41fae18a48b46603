{#-
    Weighted scorecard lines (加权考核, compensation.md): for every employee, role held and period,
    one line per KPI weighted in that role's plan (the plan version in force on the period's first
    day), with the actual, the target in force, attainment, tier and weighted points.
-#}
with

kpi_values as (

    select * from {{ ref('fct_kpi_values') }}

),

targets_in_force as (

    select * from {{ ref('int_targets_in_force') }}

),

plan_versions as (

    select * from {{ source('config', 'plan_versions') }}

),

plan_kpi_weights as (

    select * from {{ source('config', 'plan_kpi_weights') }}

),

employee_kpi_values as (

    select *
    from kpi_values
    where entity_type = 'employee'

),

employee_targets as (

    select *
    from targets_in_force
    where scope_type = 'employee'

),

employee_periods as (

    select distinct
        entity_id as employee_id,
        role,
        period_type,
        period,
        period_start_date,
        period_end_date
    from employee_kpi_values

),

scored_periods as (

    select distinct
        period_type,
        period,
        period_start_date
    from employee_periods

),

-- the plan version in force on the period's first day: the latest effective_from on or before it
ranked_plan_versions as (

    select
        scored_periods.period_type,
        scored_periods.period,
        plan_versions.plan_version,
        plan_versions.score_cap,
        row_number() over (
            partition by scored_periods.period_type, scored_periods.period
            order by plan_versions.effective_from desc
        ) as plan_rank
    from scored_periods
    inner join plan_versions
        on scored_periods.period_start_date >= plan_versions.effective_from

),

period_plans as (

    select *
    from ranked_plan_versions
    where plan_rank = 1

),

weighted_lines as (

    select
        employee_periods.employee_id,
        employee_periods.role,
        employee_periods.period_type,
        employee_periods.period,
        employee_periods.period_start_date,
        employee_periods.period_end_date,
        period_plans.plan_version,
        period_plans.score_cap,
        plan_kpi_weights.kpi_code,
        plan_kpi_weights.position,
        plan_kpi_weights.is_primary,
        plan_kpi_weights.weight_group,
        plan_kpi_weights.weight_percent
    from employee_periods
    inner join period_plans
        on
            employee_periods.period_type = period_plans.period_type
            and employee_periods.period = period_plans.period
    inner join plan_kpi_weights
        on
            period_plans.plan_version = plan_kpi_weights.plan_version
            and employee_periods.role = plan_kpi_weights.role

),

lines_with_targets as (

    select
        weighted_lines.*,
        employee_kpi_values.kpi_value_id,
        employee_kpi_values.is_higher_better,
        employee_kpi_values.value as actual_value,
        employee_targets.target_id,
        employee_targets.version as target_version,
        employee_targets.base_value,
        employee_targets.challenge_value,
        employee_targets.stretch_value
    from weighted_lines
    left join employee_kpi_values
        on
            weighted_lines.employee_id = employee_kpi_values.entity_id
            and weighted_lines.role = employee_kpi_values.role
            and weighted_lines.period_type = employee_kpi_values.period_type
            and weighted_lines.period = employee_kpi_values.period
            and weighted_lines.kpi_code = employee_kpi_values.kpi_code
    left join employee_targets
        on
            weighted_lines.employee_id = employee_targets.scope_id
            and weighted_lines.period_type = employee_targets.period_type
            and weighted_lines.period = employee_targets.period
            and weighted_lines.kpi_code = employee_targets.kpi_code

),

-- attainment = actual ÷ challenge (lower is better: challenge ÷ actual); null without a target,
-- without an actual, or with a zero divisor. DECIMAL ÷ DECIMAL is a DOUBLE: cast back.
-- tier = the highest threshold reached (≥, or ≤ when lower is better: exactly on it counts)
attainments as (

    select
        lines_with_targets.*,
        cast(
            case
                when lines_with_targets.target_id is null or lines_with_targets.actual_value is null
                    then null
                when lines_with_targets.is_higher_better = false and lines_with_targets.actual_value <> 0
                    then lines_with_targets.challenge_value / lines_with_targets.actual_value
                when lines_with_targets.is_higher_better = false then null
                when lines_with_targets.challenge_value <> 0
                    then lines_with_targets.actual_value / lines_with_targets.challenge_value
            end as decimal(38, 10)
        ) as attainment,
        case
            when lines_with_targets.target_id is null then null
            when lines_with_targets.actual_value is null then 'none'
            when lines_with_targets.is_higher_better = false
                then
                    case
                        when lines_with_targets.actual_value <= lines_with_targets.stretch_value
                            then 'stretch'
                        when lines_with_targets.actual_value <= lines_with_targets.challenge_value
                            then 'challenge'
                        when lines_with_targets.actual_value <= lines_with_targets.base_value
                            then 'base'
                        else 'none'
                    end
            when lines_with_targets.actual_value >= lines_with_targets.stretch_value then 'stretch'
            when lines_with_targets.actual_value >= lines_with_targets.challenge_value then 'challenge'
            when lines_with_targets.actual_value >= lines_with_targets.base_value then 'base'
            else 'none'
        end as tier
    from lines_with_targets

),

capped as (

    select
        attainments.*,
        -- within [0, cap], so a weighted score lies in [0, 100 × cap]
        cast(
            case
                when attainments.attainment is null then null
                when attainments.attainment < 0 then 0
                when attainments.attainment > attainments.score_cap then attainments.score_cap
                else attainments.attainment
            end as decimal(38, 10)
        ) as capped_attainment
    from attainments

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            'employee_id', "'|'", 'role', "'|'", 'period_type', "'|'", 'period', "'|'", 'kpi_code'
        ])) }} as scorecard_line_id,
        employee_id,
        role,
        period_type,
        period,
        period_start_date,
        period_end_date,
        plan_version,
        kpi_code,
        position,
        is_primary,
        weight_group,
        weight_percent,
        is_higher_better,
        kpi_value_id,
        actual_value,
        target_id,
        target_version,
        base_value,
        challenge_value,
        stretch_value,
        attainment,
        tier,
        score_cap,
        capped_attainment,
        -- a null attainment scores 0; weights are never renormalised
        cast(coalesce(weight_percent * capped_attainment, 0) as decimal(38, 14)) as weighted_points
    from capped

)

select * from final
