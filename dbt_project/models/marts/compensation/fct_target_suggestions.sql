{#-
    Target decomposition (目标分解, compensation.md): each team's `team_revenue` challenge target in
    force, split among the members holding an order-credited role on the period's first day in
    proportion to their revenue of the 12 whole months before the period start. Members without
    revenue in that window (new joiners) weigh the team's mean, so nobody is suggested 0; when no
    member has any, the split is equal. The parts sum exactly to the team total: largest remainder
    on cents (macro allocate_largest_remainder). Advice only: a suggestion becomes a target when it
    is approved into plan/targets.csv.
-#}
with

targets_in_force as (

    select * from {{ ref('int_targets_in_force') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

employees as (

    select * from {{ ref('stg_hr__employees') }}

),

kpi_values as (

    select * from {{ ref('fct_kpi_values') }}

),

team_totals as (

    select
        targets_in_force.scope_id as team_id,
        targets_in_force.period_type,
        targets_in_force.period,
        periods.period_start_date,
        periods.period_end_date,
        periods.prior_12_months_start_date as history_start_date,
        targets_in_force.target_id as team_target_id,
        targets_in_force.version as team_target_version,
        cast({{ round_half_up('targets_in_force.challenge_value', 2) }} as decimal(18, 2))
            as team_total_amount
    from targets_in_force
    inner join periods
        on
            targets_in_force.period_type = periods.period_type
            and targets_in_force.period = periods.period
    where
        targets_in_force.scope_type = 'team'
        and targets_in_force.kpi_code = 'team_revenue'
        and targets_in_force.challenge_value is not null

),

team_members as (

    select
        team_totals.*,
        employees.employee_id,
        employees.role
    from team_totals
    inner join employees
        on
            team_totals.team_id = employees.team_id
            and team_totals.period_start_date >= employees.valid_from
            and team_totals.period_start_date <= coalesce(employees.valid_to, cast('9999-12-31' as date))
    where
        employees.status = 'active'
        and employees.role in ('direct_sales', 'channel_sales', 'key_account', 'ecommerce')

),

monthly_revenue as (

    select
        entity_id as employee_id,
        period_start_date as month_start_date,
        value as revenue_amount
    from kpi_values
    where
        entity_type = 'employee'
        and period_type = 'month'
        and kpi_code = 'revenue'

),

member_histories as (

    select
        team_members.team_id,
        team_members.period_type,
        team_members.period,
        team_members.employee_id,
        sum(monthly_revenue.revenue_amount) as trailing_revenue_amount
    from team_members
    inner join monthly_revenue
        on
            team_members.employee_id = monthly_revenue.employee_id
            and team_members.history_start_date <= monthly_revenue.month_start_date
            and team_members.period_start_date > monthly_revenue.month_start_date
    group by
        team_members.team_id,
        team_members.period_type,
        team_members.period,
        team_members.employee_id

),

members_with_history as (

    select
        team_members.*,
        cast(member_histories.trailing_revenue_amount as decimal(18, 2)) as trailing_revenue_amount,
        coalesce(member_histories.trailing_revenue_amount > 0, false) as has_revenue_history
    from team_members
    left join member_histories
        on
            team_members.team_id = member_histories.team_id
            and team_members.period_type = member_histories.period_type
            and team_members.period = member_histories.period
            and team_members.employee_id = member_histories.employee_id

),

weighted_members as (

    select
        members_with_history.*,
        cast(
            case
                when members_with_history.has_revenue_history
                    then members_with_history.trailing_revenue_amount
                -- the mean of the members with history; equal weights when nobody has any
                else coalesce(
                    avg(
                        case
                            when members_with_history.has_revenue_history
                                then members_with_history.trailing_revenue_amount
                        end
                    ) over (
                        partition by
                            members_with_history.team_id,
                            members_with_history.period_type,
                            members_with_history.period
                    ),
                    1
                )
            end as decimal(38, 6)
        ) as allocation_weight
    from members_with_history

),

-- totals_in_units, exact_shares, floored_shares, ranked_remainders, allocated_shares:
-- see macros/allocate_largest_remainder.sql
{{ allocate_largest_remainder(
    'weighted_members',
    group_columns=['team_id', 'period_type', 'period'],
    member_column='employee_id',
    weight_column='allocation_weight',
    total_column='team_total_amount',
    scale=2
) }},

final as (

    select
        team_id,
        period_type,
        period,
        period_start_date,
        period_end_date,
        employee_id,
        role,
        team_target_id,
        team_target_version,
        team_total_amount,
        history_start_date,
        trailing_revenue_amount,
        has_revenue_history,
        allocation_weight,
        remainder_rank <= leftover_units as has_remainder_cent,
        allocated_amount as suggested_challenge_amount
    from allocated_shares

)

select * from final
