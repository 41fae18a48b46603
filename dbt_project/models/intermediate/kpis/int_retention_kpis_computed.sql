{#-
    customer_retention_rate: of the customers with a valid order credited to the entity (same role)
    in the 12 whole months before the period start, the share that ordered again in the period.

    Computed from each customer's order months and the months before and after each of them, in
    time linear in the orders (joining every order to every period whose window holds it produced
    about 17 rows per order and took most of the dbt build):
    - base of the period starting in month S: the customers whose latest order month before S is
      S-12 … S-1. The order month m is that latest one for S in m+1 … min(next order month,
      m+12): +1 at m+1, -1 after that range, summed over the months up to S.
    - retained: the customers whose first order month in the period (previous order month before
      the period start) follows an order month S-12 … S-1.
    Every period starts and ends on whole months, so order months decide both windows exactly.

    Incremental by period (macros/incremental_kpis.sql): a changed order month reaches the periods
    it lies in and those starting up to 12 months after it (`kpi_reach_months: 12`,
    dbt_project.yml). A nightly run computes those periods from the orders of the 12 months
    before the earliest of them on: an older order month cannot reach those periods' base (its +1
    and -1 both fall by the first month of the earliest) nor their retained customers (it is more
    than 12 months before each period start).
-#}
-- the incremental hooks choose periods from the calendar of days:
-- depends_on: {{ ref('int_period_dates') }}
with

orders as (

    select * from {{ ref('int_orders_unified') }}

),

periods as (

    {{ kpi_periods_to_build(ref('int_periods')) }}

),

credited_valid_orders as (

    select * from orders
    where
        is_valid_order and role is not null and customer_id is not null
        {%- if is_incremental() %}
            and order_date >= (
                select cast({{ dbt.dateadd('month', -12, 'min(periods.period_start_date)') }} as date)
                from periods
                where periods.is_reported
            )
        {%- endif %}

),

order_entities as (

    {{ for_each_entity('credited_valid_orders') }}

),

customer_months as (

    select distinct
        entity_type,
        entity_id,
        role,
        customer_id,
        {{ month_index('order_date') }} as month_index
    from order_entities

),

customer_month_neighbours as (

    select
        entity_type,
        entity_id,
        role,
        customer_id,
        month_index,
        lag(month_index) over (
            partition by entity_type, entity_id, role, customer_id order by month_index
        ) as previous_month_index,
        lead(month_index) over (
            partition by entity_type, entity_id, role, customer_id order by month_index
        ) as next_month_index
    from customer_months

),

base_changes as (

    select
        entity_type,
        entity_id,
        role,
        month_index + 1 as month_index,
        1 as base_change
    from customer_month_neighbours
    union all
    select
        entity_type,
        entity_id,
        role,
        case
            when next_month_index is not null and next_month_index < month_index + 12
                then next_month_index + 1
            else month_index + 13
        end as month_index,
        -1 as base_change
    from customer_month_neighbours

),

base_changes_by_month as (

    select
        entity_type,
        entity_id,
        role,
        month_index,
        sum(base_change) as base_change
    from base_changes
    group by entity_type, entity_id, role, month_index

),

base_levels as (

    -- the base size from month_index until the month before next_month_index
    select
        entity_type,
        entity_id,
        role,
        month_index,
        lead(month_index) over (
            partition by entity_type, entity_id, role order by month_index
        ) as next_month_index,
        sum(base_change) over (
            partition by entity_type, entity_id, role
            order by month_index
            rows between unbounded preceding and current row
        ) as base_customers
    from base_changes_by_month

),

reported_periods as (

    select
        period_type,
        period,
        {{ month_index('period_start_date') }} as start_month_index,
        {{ month_index('period_end_date') }} as end_month_index
    from periods
    where is_reported

),

month_offsets as (

    select month_offsets.month_offset
    from (
        values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11)
    ) as month_offsets (month_offset)

),

reported_period_months as (

    select
        reported_periods.period_type,
        reported_periods.period,
        reported_periods.start_month_index,
        reported_periods.start_month_index + month_offsets.month_offset as month_index
    from reported_periods
    inner join month_offsets
        on
            reported_periods.start_month_index + month_offsets.month_offset
            <= reported_periods.end_month_index

),

base_counts as (

    select
        base_levels.entity_type,
        base_levels.entity_id,
        base_levels.role,
        reported_periods.period_type,
        reported_periods.period,
        base_levels.base_customers
    from base_levels
    inner join reported_periods
        on
            base_levels.month_index <= reported_periods.start_month_index
            and coalesce(base_levels.next_month_index, reported_periods.start_month_index + 1)
            > reported_periods.start_month_index
    where base_levels.base_customers > 0

),

retained_counts as (

    select
        customer_month_neighbours.entity_type,
        customer_month_neighbours.entity_id,
        customer_month_neighbours.role,
        reported_period_months.period_type,
        reported_period_months.period,
        count(*) as retained_customers
    from customer_month_neighbours
    inner join reported_period_months
        on customer_month_neighbours.month_index = reported_period_months.month_index
    where
        customer_month_neighbours.previous_month_index < reported_period_months.start_month_index
        and customer_month_neighbours.previous_month_index
        >= reported_period_months.start_month_index - 12
    group by
        customer_month_neighbours.entity_type,
        customer_month_neighbours.entity_id,
        customer_month_neighbours.role,
        reported_period_months.period_type,
        reported_period_months.period

),

retention as (

    select
        base_counts.entity_type,
        base_counts.entity_id,
        base_counts.role,
        base_counts.period_type,
        base_counts.period,
        coalesce(retained_counts.retained_customers, 0) as retained_customers,
        base_counts.base_customers
    from base_counts
    left join retained_counts
        on {{ same_grain('base_counts', 'retained_counts') }}

),

final as (

    {{ kpi_rows('retention', {
        'customer_retention_rate': ['retained_customers', 'base_customers'],
    }) }}

)

select * from final
