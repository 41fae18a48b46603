{#-
    Sales-manager KPIs over the team: team_revenue, team_new_customers, team_effective_visits,
    team_target_attainment, avg_sales_cycle_days, win_rate, customer_satisfaction and
    collaboration_score. An event counts for the team its employee belonged to on the event date;
    the manager's own rows take the events of the team the manager belonged to on that date.
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

targets as (

    select * from {{ ref('int_targets_in_force') }}

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

-- one row per team event: what it adds to each measure

team_events as (

    select
        team_id,
        order_date as event_date,
        revenue_amount as revenue,
        0 as new_customers,
        0 as effective_visits,
        0 as won,
        0 as lost,
        0 as cycle_days,
        0 as survey_score,
        0 as surveys
    from orders
    where team_id is not null
    union all
    select
        team_id,
        first_order_date as event_date,
        0 as revenue,
        1 as new_customers,
        0 as effective_visits,
        0 as won,
        0 as lost,
        0 as cycle_days,
        0 as survey_score,
        0 as surveys
    from first_orders
    where team_id is not null
    union all
    select
        team_id,
        activity_date as event_date,
        0 as revenue,
        0 as new_customers,
        1 as effective_visits,
        0 as won,
        0 as lost,
        0 as cycle_days,
        0 as survey_score,
        0 as surveys
    from activities
    where team_id is not null and is_effective_visit
    union all
    select
        assignments.team_id,
        opportunities.close_date as event_date,
        0 as revenue,
        0 as new_customers,
        0 as effective_visits,
        case when opportunities.stage = 'won' then 1 else 0 end as won,
        case when opportunities.stage = 'lost' then 1 else 0 end as lost,
        case
            when opportunities.stage = 'won'
                then {{ dbt.datediff('cast(opportunities.created_at as date)', 'opportunities.close_date', 'day') }}
            else 0
        end as cycle_days,
        0 as survey_score,
        0 as surveys
    from opportunities
    inner join assignments
        on
            opportunities.owner_id = assignments.employee_id
            and opportunities.close_date between assignments.valid_from_date and assignments.valid_to_date
    where opportunities.stage in ('won', 'lost') and assignments.team_id is not null
    union all
    select
        assignments.team_id,
        cast(surveys.responded_at as date) as event_date,
        0 as revenue,
        0 as new_customers,
        0 as effective_visits,
        0 as won,
        0 as lost,
        0 as cycle_days,
        surveys.score as survey_score,
        1 as surveys
    from surveys
    inner join assignments
        on
            surveys.employee_id = assignments.employee_id
            and cast(surveys.responded_at as date)
            between assignments.valid_from_date and assignments.valid_to_date
    where assignments.team_id is not null and surveys.score is not null

),

manager_assignments as (

    select * from assignments
    where role = 'sales_manager'

),

-- one row per team and day: managers and periods are joined to days, not to single events
team_days as (

    select
        team_id,
        event_date,
        sum(revenue) as revenue,
        sum(new_customers) as new_customers,
        sum(effective_visits) as effective_visits,
        sum(won) as won,
        sum(lost) as lost,
        sum(cycle_days) as cycle_days,
        sum(survey_score) as survey_score,
        sum(surveys) as surveys
    from team_events
    group by team_id, event_date

),

-- the team itself, and each manager in the team on the event date

event_owners as (

    select
        'team' as entity_type,
        team_days.team_id as entity_id,
        team_days.*
    from team_days
    union all
    select
        'employee' as entity_type,
        manager_assignments.employee_id as entity_id,
        team_days.*
    from team_days
    inner join manager_assignments
        on
            team_days.team_id = manager_assignments.team_id
            and team_days.event_date
            between manager_assignments.valid_from_date and manager_assignments.valid_to_date

),

event_totals as (

    select
        event_owners.entity_type,
        event_owners.entity_id,
        'sales_manager' as role,
        period_dates.period_type,
        period_dates.period,
        sum(event_owners.revenue) as team_revenue,
        sum(event_owners.new_customers) as team_new_customers,
        sum(event_owners.effective_visits) as team_effective_visits,
        sum(event_owners.won) as won_opportunities,
        sum(event_owners.won) + sum(event_owners.lost) as closed_opportunities,
        sum(event_owners.cycle_days) as won_cycle_days,
        sum(event_owners.survey_score) as survey_score_total,
        sum(event_owners.surveys) as surveys
    from event_owners
    inner join period_dates
        on event_owners.event_date = period_dates.date_day
    group by
        event_owners.entity_type,
        event_owners.entity_id,
        period_dates.period_type,
        period_dates.period

),

-- team_target_attainment: the challenge target of the team (for a manager: the team managed on
-- the last day of the period the role was held)

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

team_targets as (

    select
        target_owners.entity_type,
        target_owners.entity_id,
        target_owners.period_type,
        target_owners.period,
        targets.challenge_value
    from target_owners
    inner join targets
        on
            targets.scope_type = 'team'
            and target_owners.team_id = targets.scope_id
            and target_owners.period_type = targets.period_type
            and target_owners.period = targets.period
            and targets.kpi_code = 'team_revenue'

),

-- collaboration_score: the manager's reviews whose quarter lies inside the period (team rows:
-- the reviews of the managers in the team at the end of the reviewed quarter)

manager_reviews as (

    select
        peer_reviews.employee_id,
        manager_assignments.team_id,
        peer_reviews.collaboration_score,
        review_quarters.period_start_date as review_start_date,
        review_quarters.period_end_date as review_end_date
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

reviews_in_periods as (

    select
        manager_review_entities.entity_type,
        manager_review_entities.entity_id,
        'sales_manager' as role,
        periods.period_type,
        periods.period,
        sum(manager_review_entities.collaboration_score) as review_score_total,
        count(*) as reviews
    from manager_review_entities
    inner join periods
        on
            manager_review_entities.review_start_date >= periods.period_start_date
            and manager_review_entities.review_end_date <= periods.period_end_date
    group by
        manager_review_entities.entity_type,
        manager_review_entities.entity_id,
        periods.period_type,
        periods.period

),

entity_periods as (

    select
        entity_type,
        entity_id,
        period_type,
        period
    from event_totals
    union
    select
        entity_type,
        entity_id,
        period_type,
        period
    from team_targets

),

combined as (

    select
        entity_periods.entity_type,
        entity_periods.entity_id,
        'sales_manager' as role,
        entity_periods.period_type,
        entity_periods.period,
        coalesce(event_totals.team_revenue, 0) as team_revenue,
        coalesce(event_totals.team_new_customers, 0) as team_new_customers,
        coalesce(event_totals.team_effective_visits, 0) as team_effective_visits,
        coalesce(event_totals.won_opportunities, 0) as won_opportunities,
        coalesce(event_totals.closed_opportunities, 0) as closed_opportunities,
        coalesce(event_totals.won_cycle_days, 0) as won_cycle_days,
        coalesce(event_totals.survey_score_total, 0) as survey_score_total,
        coalesce(event_totals.surveys, 0) as surveys,
        team_targets.challenge_value as team_challenge_target
    from entity_periods
    left join event_totals
        on {{ same_grain('entity_periods', 'event_totals', ['entity_type', 'entity_id', 'period_type', 'period']) }}
    left join team_targets
        on {{ same_grain('entity_periods', 'team_targets', ['entity_type', 'entity_id', 'period_type', 'period']) }}

),

final as (

    {{ kpi_rows('combined', {
        'team_revenue': ['team_revenue', none],
        'team_new_customers': ['team_new_customers', none],
        'team_effective_visits': ['team_effective_visits', none],
        'team_target_attainment': ['team_revenue', 'team_challenge_target'],
        'avg_sales_cycle_days': ['won_cycle_days', 'won_opportunities'],
        'win_rate': ['won_opportunities', 'closed_opportunities'],
        'customer_satisfaction': ['survey_score_total', 'surveys'],
    }) }}
    union all
    {{ kpi_rows('reviews_in_periods', {
        'collaboration_score': ['review_score_total', 'reviews'],
    }) }}

)

select * from final
