{#- Activity counts: effective visits, needs reports, distributor visits, channel trainings and
    in-depth key-account research (research_depth). -#}
with

activities as (

    select * from {{ ref('int_activities_credited') }}

),

-- in an incremental run, only the periods whose inputs changed (macros/incremental_kpis.sql)
period_dates as (

    {{ kpi_periods_to_build(ref('int_period_dates')) }}

),

credited_activities as (

    select * from activities
    where role is not null

),

activity_entities as (

    {{ for_each_entity('credited_activities') }}

),

activity_counts as (

    select
        activity_entities.entity_type,
        activity_entities.entity_id,
        activity_entities.role,
        period_dates.period_type,
        period_dates.period,
        sum(case when activity_entities.is_effective_visit then 1 else 0 end) as effective_visits,
        sum(case when activity_entities.activity_type = 'needs_report' then 1 else 0 end)
            as needs_reports,
        sum(case when activity_entities.activity_type = 'distributor_visit' then 1 else 0 end)
            as distributor_visits,
        sum(case when activity_entities.activity_type = 'channel_training' then 1 else 0 end)
            as channel_trainings,
        sum(case when activity_entities.is_in_depth_research then 1 else 0 end) as research_depth
    from activity_entities
    inner join period_dates
        on activity_entities.activity_date = period_dates.date_day
    group by
        activity_entities.entity_type,
        activity_entities.entity_id,
        activity_entities.role,
        period_dates.period_type,
        period_dates.period

),

final as (

    {{ kpi_rows('activity_counts', {
        'effective_visits': ['effective_visits', none],
        'needs_reports': ['needs_reports', none],
        'distributor_visits': ['distributor_visits', none],
        'channel_trainings': ['channel_trainings', none],
        'research_depth': ['research_depth', none],
    }) }}

)

select * from final
