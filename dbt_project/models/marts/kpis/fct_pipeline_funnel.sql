{#-
    Pipeline funnel: per entity, role and period, the opportunities that entered each stage
    (stage history `entered_at` in the period, credited to the opportunity's owner on that date)
    and the conversion from each stage to the next.
-#}
with

stage_history as (

    select * from {{ ref('stg_crm__opportunity_stage_history') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

assignments as (

    select * from {{ ref('int_employee_assignments') }}

),

period_dates as (

    select * from {{ ref('int_period_dates') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

stages as (

    select
        funnel_stages.stage,
        funnel_stages.stage_order,
        funnel_stages.next_stage
    from (
        values
        ('lead', 1, 'qualified'),
        ('qualified', 2, 'proposal'),
        ('proposal', 3, 'negotiation'),
        ('negotiation', 4, 'won'),
        ('won', 5, null),
        ('lost', 6, null)
    ) as funnel_stages (stage, stage_order, next_stage)

),

stage_owners as (

    -- the owner first (an equality join), so the dated assignment join below is an equality
    -- join on employee_id plus a range: joining the stage history to the assignments on the
    -- date range alone first multiplied the rows by the roster size (300 M rows at 10 M lines)
    select
        stage_history.opportunity_id,
        stage_history.stage,
        cast(stage_history.entered_at as date) as entered_date,
        opportunities.owner_id as employee_id
    from stage_history
    inner join opportunities
        on stage_history.opportunity_id = opportunities.opportunity_id

),

stage_entries as (

    select
        stage_owners.opportunity_id,
        stage_owners.stage,
        stage_owners.entered_date,
        stage_owners.employee_id,
        assignments.role,
        assignments.team_id
    from stage_owners
    inner join assignments
        on
            stage_owners.employee_id = assignments.employee_id
            and stage_owners.entered_date
            between assignments.valid_from_date and assignments.valid_to_date

),

stage_entry_entities as (

    {{ for_each_entity('stage_entries') }}

),

entered_counts as (

    select
        stage_entry_entities.entity_type,
        stage_entry_entities.entity_id,
        stage_entry_entities.role,
        period_dates.period_type,
        period_dates.period,
        stage_entry_entities.stage,
        count(distinct stage_entry_entities.opportunity_id) as entered_count
    from stage_entry_entities
    inner join period_dates
        on stage_entry_entities.entered_date = period_dates.date_day
    group by
        stage_entry_entities.entity_type,
        stage_entry_entities.entity_id,
        stage_entry_entities.role,
        period_dates.period_type,
        period_dates.period,
        stage_entry_entities.stage

),

funnel_owners as (

    select distinct
        entity_type,
        entity_id,
        role,
        period_type,
        period
    from entered_counts

),

funnel_rows as (

    select
        funnel_owners.entity_type,
        funnel_owners.entity_id,
        funnel_owners.role,
        funnel_owners.period_type,
        funnel_owners.period,
        stages.stage,
        stages.stage_order,
        stages.next_stage,
        coalesce(this_stage.entered_count, 0) as entered_count,
        case
            when stages.next_stage is not null then coalesce(next_stage.entered_count, 0)
        end as next_stage_entered_count
    from funnel_owners
    cross join stages
    left join entered_counts as this_stage
        on
            {{ same_grain('funnel_owners', 'this_stage') }}
            and stages.stage = this_stage.stage
    left join entered_counts as next_stage
        on
            {{ same_grain('funnel_owners', 'next_stage') }}
            and stages.next_stage = next_stage.stage

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            'funnel_rows.entity_type', "'|'", 'funnel_rows.entity_id', "'|'", 'funnel_rows.role', "'|'",
            'funnel_rows.period_type', "'|'", 'funnel_rows.period', "'|'", 'funnel_rows.stage'
        ])) }} as funnel_row_id,
        funnel_rows.entity_type,
        funnel_rows.entity_id,
        funnel_rows.role,
        funnel_rows.period_type,
        funnel_rows.period,
        periods.period_start_date,
        periods.period_end_date,
        funnel_rows.stage,
        funnel_rows.stage_order,
        cast(funnel_rows.entered_count as bigint) as entered_count,
        funnel_rows.next_stage,
        cast(funnel_rows.next_stage_entered_count as bigint) as next_stage_entered_count,
        cast(
            {{ safe_ratio('funnel_rows.next_stage_entered_count', 'funnel_rows.entered_count') }}
            as decimal(38, 6)
        ) as conversion_rate
    from funnel_rows
    inner join periods
        on
            funnel_rows.period_type = periods.period_type
            and funnel_rows.period = periods.period

)

select * from final
