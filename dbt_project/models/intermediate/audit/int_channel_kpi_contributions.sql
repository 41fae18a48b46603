{#-
    Audit trail of int_channel_kpis_computed: new_distributors (each distributor counted, 1) and
    distribution_coverage_rate (each target outlet of the entity's regions in the denominator,
    those stocked by the period end in the numerator).
    Keep in step with int_channel_kpis_computed (tests/exports/test_trace.py reconciles).
-#}
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
        unified_credit_code,
        source_file_path,
        source_line_number,
        load_id,
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
        signings_ranked.source_file_path,
        signings_ranked.source_line_number,
        signings_ranked.load_id,
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

new_distributor_contributions as (

    select distinct
        new_distributor_entities.entity_type,
        new_distributor_entities.entity_id,
        new_distributor_entities.role,
        period_dates.period_type,
        period_dates.period,
        'new_distributors' as kpi_code,
        'numerator' as side,
        cast(1 as decimal(38, 6)) as contribution,
        'crm distributor' as record_type,
        new_distributor_entities.distributor_id as record_id,
        new_distributor_entities.signed_date as event_date,
        'qualified distributor signed first under its credit code' as note,
        new_distributor_entities.source_file_path,
        new_distributor_entities.source_line_number,
        new_distributor_entities.load_id
    from new_distributor_entities
    inner join period_dates
        on new_distributor_entities.signed_date = period_dates.date_day

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

    select * from outlets
    where is_target

),

entity_outlets as (

    select distinct
        entity_regions.entity_type,
        entity_regions.entity_id,
        entity_regions.role,
        entity_regions.period_type,
        entity_regions.period,
        entity_regions.period_end_date,
        target_outlets.outlet_id,
        target_outlets.region,
        target_outlets.first_stocked_date,
        target_outlets.source_file_path,
        target_outlets.source_line_number,
        target_outlets.load_id
    from entity_regions
    inner join target_outlets
        on entity_regions.region = target_outlets.region

),

coverage_contributions as (

    select
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        'distribution_coverage_rate' as kpi_code,
        'denominator' as side,
        cast(1 as decimal(38, 6)) as contribution,
        'crm outlet' as record_type,
        outlet_id as record_id,
        first_stocked_date as event_date,
        'target outlet in region ' || region as note,
        source_file_path,
        source_line_number,
        load_id
    from entity_outlets
    union all
    select
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        'distribution_coverage_rate' as kpi_code,
        'numerator' as side,
        cast(1 as decimal(38, 6)) as contribution,
        'crm outlet' as record_type,
        outlet_id as record_id,
        first_stocked_date as event_date,
        'target outlet in region ' || region || ' stocked by the period end' as note,
        source_file_path,
        source_line_number,
        load_id
    from entity_outlets
    where first_stocked_date <= period_end_date

),

unioned as (

    select * from new_distributor_contributions
    union all
    select * from coverage_contributions

),

final as (

    select
        *,
        1 as contribution_divisor
    from unioned

)

select * from final
