{#- Key-account KPIs: key_account_revenue, key_account_signings, customer_lifetime_value and
    milestone_achievement_rate. Key-account status is taken as of each period's end. -#}
with

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

milestones as (

    select * from {{ ref('stg_crm__project_milestones') }}

),

orders as (

    select * from {{ ref('int_orders_unified') }}

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

valid_account_orders as (

    select
        account_id,
        order_date,
        revenue_amount,
        gross_margin_amount
    from orders
    where source_system = 'crm' and is_valid_order and account_id is not null

),

account_trailing_totals as (

    select
        valid_account_orders.account_id,
        periods.period_type,
        periods.period,
        sum(valid_account_orders.revenue_amount) as trailing_revenue,
        sum(valid_account_orders.gross_margin_amount) as trailing_gross_margin
    from valid_account_orders
    inner join periods
        on
            valid_account_orders.order_date >= periods.trailing_12_months_start_date
            and valid_account_orders.order_date <= periods.period_end_date
    where periods.is_reported
    group by valid_account_orders.account_id, periods.period_type, periods.period

),

-- key-account status as of each period end: a flagged account in every period, any other in the
-- periods its trailing revenue reaches the threshold, found from the accounts with trailing
-- totals rather than from every account in every period (with a threshold of zero or less,
-- every account is a key account in every period)
key_account_periods as (

    select
        accounts.account_id,
        accounts.owner_id,
        periods.period_type,
        periods.period,
        periods.period_end_date,
        coalesce(account_trailing_totals.trailing_gross_margin, 0) as trailing_gross_margin
    from accounts
    cross join periods
    left join account_trailing_totals
        on
            accounts.account_id = account_trailing_totals.account_id
            and periods.period_type = account_trailing_totals.period_type
            and periods.period = account_trailing_totals.period
    where
        periods.is_reported
        and (accounts.is_key_account or {{ var('key_account_threshold') }} <= 0)
    union all
    select
        accounts.account_id,
        accounts.owner_id,
        periods.period_type,
        periods.period,
        periods.period_end_date,
        account_trailing_totals.trailing_gross_margin
    from account_trailing_totals
    inner join accounts
        on account_trailing_totals.account_id = accounts.account_id
    inner join periods
        on
            account_trailing_totals.period_type = periods.period_type
            and account_trailing_totals.period = periods.period
    where
        not coalesce(accounts.is_key_account, false)
        and {{ var('key_account_threshold') }} > 0
        and account_trailing_totals.trailing_revenue >= {{ var('key_account_threshold') }}

),

-- key_account_revenue

credited_orders as (

    select * from orders
    where role is not null and account_id is not null

),

order_entities as (

    {{ for_each_entity('credited_orders') }}

),

key_account_revenue as (

    select
        order_entities.entity_type,
        order_entities.entity_id,
        order_entities.role,
        period_dates.period_type,
        period_dates.period,
        sum(order_entities.revenue_amount) as key_account_revenue
    from order_entities
    inner join period_dates
        on order_entities.order_date = period_dates.date_day
    inner join key_account_periods
        on
            order_entities.account_id = key_account_periods.account_id
            and period_dates.period_type = key_account_periods.period_type
            and period_dates.period = key_account_periods.period
    group by
        order_entities.entity_type,
        order_entities.entity_id,
        order_entities.role,
        period_dates.period_type,
        period_dates.period

),

-- key_account_signings: the account's first won opportunity ever

won_opportunities_ranked as (

    select
        opportunity_id,
        account_id,
        owner_id as employee_id,
        close_date,
        row_number() over (
            partition by account_id
            order by close_date, opportunity_id
        ) as won_rank
    from opportunities
    where stage = 'won' and close_date is not null and account_id is not null

),

first_wins as (

    select
        won_opportunities_ranked.opportunity_id,
        won_opportunities_ranked.account_id,
        won_opportunities_ranked.employee_id,
        won_opportunities_ranked.close_date,
        assignments.role,
        assignments.team_id
    from won_opportunities_ranked
    inner join assignments
        on
            won_opportunities_ranked.employee_id = assignments.employee_id
            and won_opportunities_ranked.close_date
            between assignments.valid_from_date and assignments.valid_to_date
    where won_opportunities_ranked.won_rank = 1

),

first_win_entities as (

    {{ for_each_entity('first_wins') }}

),

signings as (

    select
        first_win_entities.entity_type,
        first_win_entities.entity_id,
        first_win_entities.role,
        period_dates.period_type,
        period_dates.period,
        count(distinct first_win_entities.account_id) as key_account_signings
    from first_win_entities
    inner join period_dates
        on first_win_entities.close_date = period_dates.date_day
    inner join key_account_periods
        on
            first_win_entities.account_id = key_account_periods.account_id
            and period_dates.period_type = key_account_periods.period_type
            and period_dates.period = key_account_periods.period
    group by
        first_win_entities.entity_type,
        first_win_entities.entity_id,
        first_win_entities.role,
        period_dates.period_type,
        period_dates.period

),

-- customer_lifetime_value: key accounts owned by a key-account rep at the period end

owned_key_accounts as (

    select
        key_account_periods.account_id,
        key_account_periods.period_type,
        key_account_periods.period,
        key_account_periods.trailing_gross_margin,
        assignments.employee_id,
        assignments.role,
        assignments.team_id
    from key_account_periods
    inner join assignments
        on
            key_account_periods.owner_id = assignments.employee_id
            and key_account_periods.period_end_date
            between assignments.valid_from_date and assignments.valid_to_date
    where assignments.role = 'key_account'

),

owned_key_account_entities as (

    {{ for_each_entity('owned_key_accounts') }}

),

lifetime_values as (

    select
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        sum(trailing_gross_margin) * {{ var('expected_lifetime_years') }}
            as customer_lifetime_value
    from owned_key_account_entities
    group by entity_type, entity_id, role, period_type, period

),

-- milestone_achievement_rate

credited_milestones as (

    select
        milestones.milestone_id,
        milestones.due_date,
        milestones.achieved_date is not null
        and milestones.achieved_date <= milestones.due_date as is_achieved_on_time,
        opportunities.owner_id as employee_id,
        assignments.role,
        assignments.team_id
    from milestones
    inner join opportunities
        on milestones.opportunity_id = opportunities.opportunity_id
    inner join assignments
        on
            opportunities.owner_id = assignments.employee_id
            and milestones.due_date
            between assignments.valid_from_date and assignments.valid_to_date
    where milestones.due_date is not null

),

milestone_entities as (

    {{ for_each_entity('credited_milestones') }}

),

milestone_totals as (

    select
        milestone_entities.entity_type,
        milestone_entities.entity_id,
        milestone_entities.role,
        period_dates.period_type,
        period_dates.period,
        sum(case when milestone_entities.is_achieved_on_time then 1 else 0 end)
            as milestones_achieved,
        count(*) as milestones_due
    from milestone_entities
    inner join period_dates
        on milestone_entities.due_date = period_dates.date_day
    group by
        milestone_entities.entity_type,
        milestone_entities.entity_id,
        milestone_entities.role,
        period_dates.period_type,
        period_dates.period

),

final as (

    {{ kpi_rows('key_account_revenue', {'key_account_revenue': ['key_account_revenue', none]}) }}
    union all
    {{ kpi_rows('signings', {'key_account_signings': ['key_account_signings', none]}) }}
    union all
    {{ kpi_rows('lifetime_values', {'customer_lifetime_value': ['customer_lifetime_value', none]}) }}
    union all
    {{ kpi_rows('milestone_totals', {
        'milestone_achievement_rate': ['milestones_achieved', 'milestones_due'],
    }) }}

)

select * from final
