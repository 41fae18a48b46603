{#-
    KPIs of every order-credited role: revenue, revenue_excl_tax, the new/existing-customer split,
    new_customers, collection_rate, plus channel_revenue, net_sales and gmv (same events, other
    filters). Team rows aggregate by the credited employee's team on the event date.
-#}
with

orders as (

    select * from {{ ref('int_orders_unified') }}

),

first_orders as (

    select * from {{ ref('int_customer_first_orders') }}

),

receipts as (

    select * from {{ ref('int_receipts_credited') }}

),

-- in an incremental run, only the periods whose inputs changed (macros/incremental_kpis.sql)
period_dates as (

    {{ kpi_periods_to_build(ref('int_period_dates')) }}

),

-- only the columns the totals need, each order with its customer's first order date (joined
-- once per order, before the entity and period fan-out)
credited_orders as (

    select
        orders.employee_id,
        orders.team_id,
        orders.role,
        orders.order_date,
        orders.channel,
        orders.revenue_amount,
        orders.revenue_excl_tax_amount,
        orders.gmv_amount,
        first_orders.first_order_date
    from orders
    left join first_orders
        on orders.customer_id = first_orders.customer_id
    where orders.role is not null

),

order_entities as (

    {{ for_each_entity('credited_orders') }}

),

order_periods as (

    select
        order_entities.entity_type,
        order_entities.entity_id,
        order_entities.role,
        period_dates.period_type,
        period_dates.period,
        order_entities.channel,
        order_entities.revenue_amount,
        order_entities.revenue_excl_tax_amount,
        order_entities.gmv_amount,
        -- a new customer's order: the customer's first order falls in the same period
        order_entities.first_order_date
        between period_dates.period_start_date and period_dates.period_end_date
            as is_new_customer_order
    from order_entities
    inner join period_dates
        on order_entities.order_date = period_dates.date_day

),

order_totals as (

    select
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        sum(revenue_amount) as revenue,
        sum(revenue_excl_tax_amount) as revenue_excl_tax,
        sum(case when is_new_customer_order then revenue_amount else 0 end)
            as new_customer_revenue,
        sum(case when is_new_customer_order then 0 else revenue_amount end)
            as existing_customer_revenue,
        sum(case when channel = 'channel' then revenue_amount else 0 end) as channel_revenue,
        sum(gmv_amount) as gmv
    from order_periods
    group by entity_type, entity_id, role, period_type, period

),

credited_first_orders as (

    select * from first_orders
    where role is not null

),

first_order_entities as (

    {{ for_each_entity('credited_first_orders') }}

),

new_customer_counts as (

    select
        first_order_entities.entity_type,
        first_order_entities.entity_id,
        first_order_entities.role,
        period_dates.period_type,
        period_dates.period,
        count(distinct first_order_entities.customer_id) as new_customers
    from first_order_entities
    inner join period_dates
        on first_order_entities.first_order_date = period_dates.date_day
    group by
        first_order_entities.entity_type,
        first_order_entities.entity_id,
        first_order_entities.role,
        period_dates.period_type,
        period_dates.period

),

credited_receipts as (

    select * from receipts
    where role is not null

),

receipt_entities as (

    {{ for_each_entity('credited_receipts') }}

),

receipt_totals as (

    select
        receipt_entities.entity_type,
        receipt_entities.entity_id,
        receipt_entities.role,
        period_dates.period_type,
        period_dates.period,
        sum(receipt_entities.receipt_amount) as receipts
    from receipt_entities
    inner join period_dates
        on receipt_entities.receipt_date = period_dates.date_day
    group by
        receipt_entities.entity_type,
        receipt_entities.entity_id,
        receipt_entities.role,
        period_dates.period_type,
        period_dates.period

),

entity_periods as (

    select
        entity_type,
        entity_id,
        role,
        period_type,
        period
    from order_totals
    union
    select
        entity_type,
        entity_id,
        role,
        period_type,
        period
    from new_customer_counts
    union
    select
        entity_type,
        entity_id,
        role,
        period_type,
        period
    from receipt_totals

),

combined as (

    select
        entity_periods.entity_type,
        entity_periods.entity_id,
        entity_periods.role,
        entity_periods.period_type,
        entity_periods.period,
        coalesce(order_totals.revenue, 0) as revenue,
        coalesce(order_totals.revenue_excl_tax, 0) as revenue_excl_tax,
        coalesce(order_totals.new_customer_revenue, 0) as new_customer_revenue,
        coalesce(order_totals.existing_customer_revenue, 0) as existing_customer_revenue,
        coalesce(order_totals.channel_revenue, 0) as channel_revenue,
        coalesce(order_totals.gmv, 0) as gmv,
        coalesce(new_customer_counts.new_customers, 0) as new_customers,
        coalesce(receipt_totals.receipts, 0) as receipts
    from entity_periods
    left join order_totals
        on {{ same_grain('entity_periods', 'order_totals') }}
    left join new_customer_counts
        on {{ same_grain('entity_periods', 'new_customer_counts') }}
    left join receipt_totals
        on {{ same_grain('entity_periods', 'receipt_totals') }}

),

final as (

    {{ kpi_rows('combined', {
        'revenue': ['revenue', none],
        'revenue_excl_tax': ['revenue_excl_tax', none],
        'new_customer_revenue': ['new_customer_revenue', none],
        'existing_customer_revenue': ['existing_customer_revenue', none],
        'new_customers': ['new_customers', none],
        'collection_rate': ['receipts', 'revenue'],
        'channel_revenue': ['channel_revenue', none],
        'net_sales': ['revenue', none],
        'gmv': ['gmv', none],
    }) }}

)

select * from final
