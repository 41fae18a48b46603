{#- Channel KPIs: new_distributors and distribution_coverage_rate (铺货率). -#}
with

distributors as (

    select * from {{ ref('stg_crm__distributors') }}

),

outlets as (

    select * from {{ ref('stg_crm__outlets') }}

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

signings_ranked as (

    select
        distributor_id,
        owner_id as employee_id,
        signed_date,
        is_qualified,
        case
            when nullif(trim(unified_credit_code), '') is null then 1
            else rank() over (
                partition by nullif(trim(unified_credit_code), '')
                order by signed_date
            )
        end as signing_rank
    from distributors
    where signed_date is not null

),

new_distributors as (

    select
        signings_ranked.distributor_id,
        signings_ranked.employee_id,
        signings_ranked.signed_date,
        assignments.role,
        assignments.team_id
    from signings_ranked
    inner join assignments
        on
            signings_ranked.employee_id = assignments.employee_id
            and signings_ranked.signed_date
            between assignments.valid_from_date and assignments.valid_to_date
    where signings_ranked.signing_rank = 1 and signings_ranked.is_qualified

),

new_distributor_entities as (

    {{ for_each_entity('new_distributors') }}

),

new_distributor_counts as (

    select
        new_distributor_entities.entity_type,
        new_distributor_entities.entity_id,
        new_distributor_entities.role,
        period_dates.period_type,
        period_dates.period,
        count(distinct new_distributor_entities.distributor_id) as new_distributors
    from new_distributor_entities
    inner join period_dates
        on new_distributor_entities.signed_date = period_dates.date_day
    group by
        new_distributor_entities.entity_type,
        new_distributor_entities.entity_id,
        new_distributor_entities.role,
        period_dates.period_type,
        period_dates.period

),

channel_assignments_in_period as (

    select
        assignments.employee_id,
        assignments.team_id,
        assignments.region,
        assignments.role,
        periods.period_type,
        periods.period,
        periods.period_end_date,
        row_number() over (
            partition by assignments.employee_id, periods.period_type, periods.period
            order by assignments.valid_from_date desc
        ) as recency_rank
    from assignments
    inner join periods
        on
            assignments.valid_from_date <= periods.period_end_date
            and assignments.valid_to_date >= periods.period_start_date
    where assignments.role = 'channel_sales' and periods.is_reported

),

-- the region held on the last day of the period the role was held
channel_regions as (

    select * from channel_assignments_in_period
    where recency_rank = 1

),

channel_region_entities as (

    {{ for_each_entity('channel_regions') }}

),

entity_regions as (

    select distinct
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        period_end_date,
        region
    from channel_region_entities

),

target_outlets as (

    select
        outlet_id,
        region,
        first_stocked_date
    from outlets
    where is_target

),

-- per region and period first (a handful of rows), then summed over an entity's regions: an
-- outlet lies in one region, so the sum counts each outlet once
region_periods as (

    select distinct
        region,
        period_type,
        period,
        period_end_date
    from entity_regions

),

region_coverage as (

    select
        region_periods.region,
        region_periods.period_type,
        region_periods.period,
        count(
            case
                when target_outlets.first_stocked_date <= region_periods.period_end_date
                    then target_outlets.outlet_id
            end
        ) as stocked_outlets,
        count(target_outlets.outlet_id) as target_outlets
    from region_periods
    inner join target_outlets
        on region_periods.region = target_outlets.region
    group by region_periods.region, region_periods.period_type, region_periods.period

),

coverage as (

    select
        entity_regions.entity_type,
        entity_regions.entity_id,
        entity_regions.role,
        entity_regions.period_type,
        entity_regions.period,
        coalesce(sum(region_coverage.stocked_outlets), 0) as stocked_outlets,
        coalesce(sum(region_coverage.target_outlets), 0) as target_outlets
    from entity_regions
    left join region_coverage
        on
            entity_regions.region = region_coverage.region
            and entity_regions.period_type = region_coverage.period_type
            and entity_regions.period = region_coverage.period
    group by
        entity_regions.entity_type,
        entity_regions.entity_id,
        entity_regions.role,
        entity_regions.period_type,
        entity_regions.period

),

final as (

    {{ kpi_rows('new_distributor_counts', {'new_distributors': ['new_distributors', none]}) }}
    union all
    {{ kpi_rows('coverage', {
        'distribution_coverage_rate': ['stocked_outlets', 'target_outlets'],
    }) }}

)

select * from final
