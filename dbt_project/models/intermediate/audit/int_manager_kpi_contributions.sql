{#-
    Audit trail of int_manager_kpis_computed: each team event (valid order, first order, effective
    visit, closed opportunity, survey) for the team its employee belonged to on the event date and
    for each manager in that team on that date; the team's team_revenue challenge target (the
    denominator of team_target_attainment); the managers' peer reviews (collaboration_score).
    Keep in step with int_manager_kpis_computed (tests/exports/test_trace.py reconciles).
-#}
with

orders as (

    select * from {{ ref('int_orders_unified') }}

),

first_orders as (

    select * from {{ ref('int_customer_first_orders') }}

),

activities as (

    select * from {{ ref('int_activities_credited') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

surveys as (

    select * from {{ ref('stg_crm__satisfaction_surveys') }}

),

peer_reviews as (

    select * from {{ ref('stg_hr__peer_reviews') }}

),

targets_in_force as (

    select * from {{ ref('int_targets_in_force') }}

),

targets as (

    select * from {{ ref('stg_plan__targets') }}

),

assignments as (

    select * from {{ ref('int_employee_assignments') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

period_dates as (

    select * from {{ ref('int_period_dates') }}

),

-- what each kind of event adds to

kpi_codes as (

    select 'team_revenue' as kpi_code
    union all
    select 'team_target_attainment' as kpi_code

),

opportunity_codes as (

    select
        'win_rate' as kpi_code,
        'denominator' as side,
        false as is_won_only
    union all
    select
        'win_rate' as kpi_code,
        'numerator' as side,
        true as is_won_only
    union all
    select
        'avg_sales_cycle_days' as kpi_code,
        'numerator' as side,
        true as is_won_only
    union all
    select
        'avg_sales_cycle_days' as kpi_code,
        'denominator' as side,
        true as is_won_only

),

survey_sides as (

    select
        'customer_satisfaction' as kpi_code,
        'numerator' as side
    union all
    select
        'customer_satisfaction' as kpi_code,
        'denominator' as side

),

review_sides as (

    select 'numerator' as side
    union all
    select 'denominator' as side

),

-- one row per team event and what it adds to which KPI (a won opportunity adds to three)

team_events as (

    select
        orders.team_id,
        orders.order_date as event_date,
        kpi_codes.kpi_code,
        'numerator' as side,
        cast(orders.revenue_amount as decimal(38, 6)) as contribution,
        orders.source_system || ' order' as record_type,
        orders.order_id as record_id,
        'valid order credited to ' || orders.employee_id as note,
        orders.source_file_path,
        orders.source_line_number,
        orders.load_id
    from orders
    cross join kpi_codes
    where orders.team_id is not null and orders.is_valid_order
    union all
    select
        first_orders.team_id,
        first_orders.first_order_date as event_date,
        'team_new_customers' as kpi_code,
        'numerator' as side,
        cast(1 as decimal(38, 6)) as contribution,
        orders.source_system || ' order' as record_type,
        orders.order_id as record_id,
        'first valid order ever of customer ' || first_orders.customer_id as note,
        orders.source_file_path,
        orders.source_line_number,
        orders.load_id
    from first_orders
    inner join orders
        on first_orders.first_order_key = orders.order_key
    where first_orders.team_id is not null
    union all
    select
        team_id,
        activity_date as event_date,
        'team_effective_visits' as kpi_code,
        'numerator' as side,
        cast(1 as decimal(38, 6)) as contribution,
        'crm activity' as record_type,
        activity_id as record_id,
        'effective visit by ' || employee_id as note,
        source_file_path,
        source_line_number,
        load_id
    from activities
    where team_id is not null and is_effective_visit
    union all
    select
        assignments.team_id,
        opportunities.close_date as event_date,
        opportunity_codes.kpi_code,
        opportunity_codes.side,
        cast(
            case
                when opportunity_codes.kpi_code = 'avg_sales_cycle_days' and opportunity_codes.side = 'numerator'
                    then {{ dbt.datediff('cast(opportunities.created_at as date)', 'opportunities.close_date', 'day') }}
                else 1
            end as decimal(38, 6)
        ) as contribution,
        'crm opportunity' as record_type,
        opportunities.opportunity_id as record_id,
        opportunities.stage || ', owner ' || opportunities.owner_id || ', created '
        || cast(cast(opportunities.created_at as date) as varchar) as note,
        opportunities.source_file_path,
        opportunities.source_line_number,
        opportunities.load_id
    from opportunities
    inner join assignments
        on
            opportunities.owner_id = assignments.employee_id
            and opportunities.close_date between assignments.valid_from_date and assignments.valid_to_date
    inner join opportunity_codes
        on opportunities.stage = 'won' or not opportunity_codes.is_won_only
    where opportunities.stage in ('won', 'lost') and assignments.team_id is not null
    union all
    select
        assignments.team_id,
        cast(surveys.responded_at as date) as event_date,
        survey_sides.kpi_code,
        survey_sides.side,
        case
            when survey_sides.side = 'numerator' then cast(surveys.score as decimal(38, 6))
            else cast(1 as decimal(38, 6))
        end as contribution,
        'crm survey' as record_type,
        surveys.survey_id as record_id,
        'score ' || cast(surveys.score as varchar) || ' for ' || surveys.employee_id as note,
        surveys.source_file_path,
        surveys.source_line_number,
        surveys.load_id
    from surveys
    inner join assignments
        on
            surveys.employee_id = assignments.employee_id
            and cast(surveys.responded_at as date)
            between assignments.valid_from_date and assignments.valid_to_date
    cross join survey_sides
    where assignments.team_id is not null and surveys.score is not null

),

manager_assignments as (

    select * from assignments
    where role = 'sales_manager'

),

event_owners as (

    select
        'team' as entity_type,
        team_events.team_id as entity_id,
        team_events.*
    from team_events
    union all
    select
        'employee' as entity_type,
        manager_assignments.employee_id as entity_id,
        team_events.*
    from team_events
    inner join manager_assignments
        on
            team_events.team_id = manager_assignments.team_id
            and team_events.event_date
            between manager_assignments.valid_from_date and manager_assignments.valid_to_date

),

event_contributions as (

    select
        event_owners.entity_type,
        event_owners.entity_id,
        'sales_manager' as role,
        period_dates.period_type,
        period_dates.period,
        event_owners.kpi_code,
        event_owners.side,
        event_owners.contribution,
        event_owners.record_type,
        event_owners.record_id,
        event_owners.event_date,
        event_owners.note || ' in team ' || event_owners.team_id as note,
        event_owners.source_file_path,
        event_owners.source_line_number,
        event_owners.load_id
    from event_owners
    inner join period_dates
        on event_owners.event_date = period_dates.date_day

),

-- team_target_attainment's denominator: the challenge value of the team's team_revenue target

managed_teams_ranked as (

    select
        manager_assignments.employee_id,
        manager_assignments.team_id,
        periods.period_type,
        periods.period,
        row_number() over (
            partition by manager_assignments.employee_id, periods.period_type, periods.period
            order by manager_assignments.valid_from_date desc
        ) as recency_rank
    from manager_assignments
    inner join periods
        on
            manager_assignments.valid_from_date <= periods.period_end_date
            and manager_assignments.valid_to_date >= periods.period_start_date
    where periods.is_reported

),

target_owners as (

    select
        'team' as entity_type,
        team_id as entity_id,
        team_id,
        period_type,
        period
    from managed_teams_ranked
    where recency_rank = 1
    union
    select
        'employee' as entity_type,
        employee_id as entity_id,
        team_id,
        period_type,
        period
    from managed_teams_ranked
    where recency_rank = 1

),

target_contributions as (

    select
        target_owners.entity_type,
        target_owners.entity_id,
        'sales_manager' as role,
        target_owners.period_type,
        target_owners.period,
        'team_target_attainment' as kpi_code,
        'denominator' as side,
        cast(targets_in_force.challenge_value as decimal(38, 6)) as contribution,
        'plan target' as record_type,
        targets_in_force.target_id || ' v' || cast(targets_in_force.version as varchar) as record_id,
        cast(targets_in_force.approved_at as date) as event_date,
        'challenge value of team ' || target_owners.team_id || '''s team_revenue target in force'
            as note,
        targets.source_file_path,
        targets.source_line_number,
        targets.load_id
    from target_owners
    inner join targets_in_force
        on
            targets_in_force.scope_type = 'team'
            and target_owners.team_id = targets_in_force.scope_id
            and target_owners.period_type = targets_in_force.period_type
            and target_owners.period = targets_in_force.period
            and targets_in_force.kpi_code = 'team_revenue'
    left join targets
        on
            targets_in_force.target_id = targets.target_id
            and targets_in_force.version = targets.version

),

-- collaboration_score: the manager's reviews whose quarter lies inside the period

manager_reviews as (

    select
        peer_reviews.review_id,
        peer_reviews.employee_id,
        peer_reviews.period as review_period,
        manager_assignments.team_id,
        peer_reviews.collaboration_score,
        review_quarters.period_start_date as review_start_date,
        review_quarters.period_end_date as review_end_date,
        peer_reviews.source_file_path,
        peer_reviews.source_line_number,
        peer_reviews.load_id
    from peer_reviews
    inner join periods as review_quarters
        on
            review_quarters.period_type = 'quarter'
            and peer_reviews.period = review_quarters.period
    left join manager_assignments
        on
            peer_reviews.employee_id = manager_assignments.employee_id
            and review_quarters.period_end_date
            between manager_assignments.valid_from_date and manager_assignments.valid_to_date
    where peer_reviews.collaboration_score is not null

),

manager_review_entities as (

    {{ for_each_entity('manager_reviews') }}

),

review_contributions as (

    select
        manager_review_entities.entity_type,
        manager_review_entities.entity_id,
        'sales_manager' as role,
        periods.period_type,
        periods.period,
        'collaboration_score' as kpi_code,
        review_sides.side,
        case
            when review_sides.side = 'numerator'
                then cast(manager_review_entities.collaboration_score as decimal(38, 6))
            else cast(1 as decimal(38, 6))
        end as contribution,
        'hr peer review' as record_type,
        manager_review_entities.review_id as record_id,
        manager_review_entities.review_end_date as event_date,
        'review of ' || manager_review_entities.employee_id || ' for '
        || manager_review_entities.review_period || ', score '
        || cast(manager_review_entities.collaboration_score as varchar) as note,
        manager_review_entities.source_file_path,
        manager_review_entities.source_line_number,
        manager_review_entities.load_id
    from manager_review_entities
    inner join periods
        on
            manager_review_entities.review_start_date >= periods.period_start_date
            and manager_review_entities.review_end_date <= periods.period_end_date
    cross join review_sides

),

unioned as (

    select * from event_contributions
    union all
    select * from target_contributions
    union all
    select * from review_contributions

),

final as (

    select
        *,
        1 as contribution_divisor
    from unioned

)

select * from final
