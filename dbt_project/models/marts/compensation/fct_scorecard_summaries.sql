{#-
    One weighted score per employee, role and period (Σ of the scorecard lines' points), with the
    primary KPI's tier and promotion eligibility (primary KPI at stretch).
-#}
with

scorecards as (

    select * from {{ ref('fct_scorecards') }}

),

summarised as (

    select
        employee_id,
        role,
        period_type,
        period,
        period_start_date,
        period_end_date,
        plan_version,
        score_cap,
        sum(weighted_points) as weighted_score,
        max(case when is_primary then kpi_code end) as primary_kpi_code,
        max(case when is_primary then tier end) as primary_tier,
        max(case when is_primary then attainment end) as primary_attainment,
        count(*) as weighted_kpi_count,
        count(target_id) as targeted_kpi_count
    from scorecards
    group by
        employee_id,
        role,
        period_type,
        period,
        period_start_date,
        period_end_date,
        plan_version,
        score_cap

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            'employee_id', "'|'", 'role', "'|'", 'period_type', "'|'", 'period'
        ])) }} as scorecard_id,
        employee_id,
        role,
        period_type,
        period,
        period_start_date,
        period_end_date,
        plan_version,
        score_cap,
        cast(weighted_score as decimal(38, 14)) as weighted_score,
        primary_kpi_code,
        primary_tier,
        cast(primary_attainment as decimal(38, 10)) as primary_attainment,
        coalesce(primary_tier = 'stretch', false) as is_promotion_eligible,
        cast(weighted_kpi_count as integer) as weighted_kpi_count,
        cast(targeted_kpi_count as integer) as targeted_kpi_count
    from summarised

)

select * from final
