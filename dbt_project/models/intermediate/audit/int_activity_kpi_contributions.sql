{#-
    Audit trail of int_activity_kpis_computed: each counted activity contributes 1 to its code.
    Keep in step with int_activity_kpis_computed (tests/exports/test_trace.py reconciles).
-#}
with

activities as (

    select * from {{ ref('int_activities_credited') }}

),

period_dates as (

    select * from {{ ref('int_period_dates') }}

),

credited_activities as (

    select * from activities
    where role is not null

),

activity_entities as (

    {{ for_each_entity('credited_activities') }}

),

classified as (

    select
        activity_entities.*,
        case
            when activity_entities.is_effective_visit then 'effective_visits'
            when activity_entities.activity_type = 'needs_report' then 'needs_reports'
            when activity_entities.activity_type = 'distributor_visit' then 'distributor_visits'
            when activity_entities.activity_type = 'channel_training' then 'channel_trainings'
            when activity_entities.is_in_depth_research then 'research_depth'
        end as kpi_code,
        case
            when activity_entities.is_effective_visit then 'customer visit with notes and next step'
            when activity_entities.is_in_depth_research
                then 'research documenting pain points, budget and decision process'
            else activity_entities.activity_type
        end as note
    from activity_entities

),

final as (

    select
        classified.entity_type,
        classified.entity_id,
        classified.role,
        period_dates.period_type,
        period_dates.period,
        classified.kpi_code,
        'numerator' as side,
        cast(1 as decimal(38, 6)) as contribution,
        'crm activity' as record_type,
        classified.activity_id as record_id,
        classified.activity_date as event_date,
        classified.note,
        classified.source_file_path,
        classified.source_line_number,
        classified.load_id,
        1 as contribution_divisor
    from classified
    inner join period_dates
        on classified.activity_date = period_dates.date_day
    where classified.kpi_code is not null

)

select * from final
