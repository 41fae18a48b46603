{#-
    Audit trail of int_key_account_kpis_computed: key_account_revenue (valid orders of accounts
    that are key accounts as of the period end), key_account_signings (each account's first won
    opportunity, 1), customer_lifetime_value (each valid order in the trailing 12 months of an
    owned key account adds its gross margin × expected_lifetime_years) and
    milestone_achievement_rate (milestones due; those achieved on time).
    Keep in step with int_key_account_kpis_computed (tests/exports/test_trace.py reconciles).
-#}
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

    select * from orders
    where source_system = 'crm' and is_valid_order and account_id is not null

),

account_trailing_totals as (

    select
        valid_account_orders.account_id,
        periods.period_type,
        periods.period,
        sum(valid_account_orders.revenue_amount) as trailing_revenue
    from valid_account_orders
    inner join periods
        on
            valid_account_orders.order_date >= periods.trailing_12_months_start_date
            and valid_account_orders.order_date <= periods.period_end_date
    where periods.is_reported
    group by valid_account_orders.account_id, periods.period_type, periods.period

),

key_account_periods as (

    select
        accounts.account_id,
        accounts.owner_id,
        periods.period_type,
        periods.period,
        periods.period_end_date,
        periods.trailing_12_months_start_date,
        case
            when coalesce(accounts.is_key_account, false) then 'flagged key account'
            else 'trailing 12-month revenue ' || cast(account_trailing_totals.trailing_revenue as varchar)
        end as key_account_reason
    from accounts
    cross join periods
    left join account_trailing_totals
        on
            accounts.account_id = account_trailing_totals.account_id
            and periods.period_type = account_trailing_totals.period_type
            and periods.period = account_trailing_totals.period
    where
        periods.is_reported
        and (
            coalesce(accounts.is_key_account, false)
            or coalesce(account_trailing_totals.trailing_revenue, 0)
            >= {{ var('key_account_threshold') }}
        )

),

-- key_account_revenue

credited_orders as (

    select * from orders
    where role is not null and account_id is not null and is_valid_order

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
        'key_account_revenue' as kpi_code,
        'numerator' as side,
        cast(order_entities.revenue_amount as decimal(38, 6)) as contribution,
        'crm order' as record_type,
        order_entities.order_id as record_id,
        order_entities.order_date as event_date,
        'valid order of key account ' || order_entities.account_id || ' ('
        || key_account_periods.key_account_reason || ')' as note,
        order_entities.source_file_path,
        order_entities.source_line_number,
        order_entities.load_id
    from order_entities
    inner join period_dates
        on order_entities.order_date = period_dates.date_day
    inner join key_account_periods
        on
            order_entities.account_id = key_account_periods.account_id
            and period_dates.period_type = key_account_periods.period_type
            and period_dates.period = key_account_periods.period

),

-- key_account_signings

won_opportunities_ranked as (

    select
        opportunity_id,
        account_id,
        owner_id as employee_id,
        close_date,
        source_file_path,
        source_line_number,
        load_id,
        row_number() over (
            partition by account_id
            order by close_date, opportunity_id
        ) as won_rank
    from opportunities
    where stage = 'won' and close_date is not null and account_id is not null

),

first_wins as (

    select
        won_opportunities_ranked.*,
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
        'key_account_signings' as kpi_code,
        'numerator' as side,
        cast(1 as decimal(38, 6)) as contribution,
        'crm opportunity' as record_type,
        first_win_entities.opportunity_id as record_id,
        first_win_entities.close_date as event_date,
        'first won opportunity of key account ' || first_win_entities.account_id as note,
        first_win_entities.source_file_path,
        first_win_entities.source_line_number,
        first_win_entities.load_id
    from first_win_entities
    inner join period_dates
        on first_win_entities.close_date = period_dates.date_day
    inner join key_account_periods
        on
            first_win_entities.account_id = key_account_periods.account_id
            and period_dates.period_type = key_account_periods.period_type
            and period_dates.period = key_account_periods.period

),

-- customer_lifetime_value

owned_key_accounts as (

    select
        key_account_periods.account_id,
        key_account_periods.period_type,
        key_account_periods.period,
        key_account_periods.period_end_date,
        key_account_periods.trailing_12_months_start_date,
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
        owned_key_account_entities.entity_type,
        owned_key_account_entities.entity_id,
        owned_key_account_entities.role,
        owned_key_account_entities.period_type,
        owned_key_account_entities.period,
        'customer_lifetime_value' as kpi_code,
        'numerator' as side,
        cast(
            valid_account_orders.gross_margin_amount * {{ var('expected_lifetime_years') }}
            as decimal(38, 6)
        ) as contribution,
        'crm order' as record_type,
        valid_account_orders.order_id as record_id,
        valid_account_orders.order_date as event_date,
        'gross margin ' || cast(valid_account_orders.gross_margin_amount as varchar) || ' × '
        || cast({{ var('expected_lifetime_years') }} as varchar) || ' years, key account '
        || owned_key_account_entities.account_id || ', trailing 12 months' as note,
        valid_account_orders.source_file_path,
        valid_account_orders.source_line_number,
        valid_account_orders.load_id
    from owned_key_account_entities
    inner join valid_account_orders
        on
            owned_key_account_entities.account_id = valid_account_orders.account_id
            and valid_account_orders.order_date
            between owned_key_account_entities.trailing_12_months_start_date
            and owned_key_account_entities.period_end_date

),

-- milestone_achievement_rate

credited_milestones as (

    select
        milestones.milestone_id,
        milestones.opportunity_id,
        milestones.due_date,
        milestones.achieved_date,
        milestones.achieved_date is not null
        and milestones.achieved_date <= milestones.due_date as is_achieved_on_time,
        milestones.source_file_path,
        milestones.source_line_number,
        milestones.load_id,
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

milestone_periods as (

    select
        milestone_entities.*,
        period_dates.period_type,
        period_dates.period
    from milestone_entities
    inner join period_dates
        on milestone_entities.due_date = period_dates.date_day

),

milestone_contributions as (

    select
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        'milestone_achievement_rate' as kpi_code,
        'denominator' as side,
        cast(1 as decimal(38, 6)) as contribution,
        'crm milestone' as record_type,
        milestone_id as record_id,
        due_date as event_date,
        'milestone due, opportunity ' || opportunity_id as note,
        source_file_path,
        source_line_number,
        load_id
    from milestone_periods
    union all
    select
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        'milestone_achievement_rate' as kpi_code,
        'numerator' as side,
        cast(1 as decimal(38, 6)) as contribution,
        'crm milestone' as record_type,
        milestone_id as record_id,
        due_date as event_date,
        'achieved ' || cast(achieved_date as varchar) || ', on or before the due date' as note,
        source_file_path,
        source_line_number,
        load_id
    from milestone_periods
    where is_achieved_on_time

),

unioned as (

    select * from key_account_revenue
    union all
    select * from signings
    union all
    select * from lifetime_values
    union all
    select * from milestone_contributions

),

final as (

    select
        *,
        1 as contribution_divisor
    from unioned

)

select * from final
