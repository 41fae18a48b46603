{#- E-commerce KPIs credited through the store's operator: conversion_rate, repurchase_rate,
    average_order_value, avg_first_response_minutes, campaigns_participated. -#}
with

orders as (

    select * from {{ ref('int_orders_unified') }}

),

store_operators as (

    select * from {{ ref('int_store_operators_dated') }}

),

traffic as (

    select * from {{ ref('stg_ecommerce__traffic_daily') }}

),

tickets as (

    select * from {{ ref('stg_ecommerce__service_tickets') }}

),

campaigns as (

    select * from {{ ref('stg_ecommerce__campaigns') }}

),

assignments as (

    select * from {{ ref('int_employee_assignments') }}

),

-- in an incremental run, only the periods whose inputs changed (macros/incremental_kpis.sql)
period_dates as (

    {{ kpi_periods_to_build(ref('int_period_dates')) }}

),

-- valid shop orders, per entity and period: customers and their order counts (one row per
-- entity, period and customer in customer_orders, so customer_totals counts its rows: a
-- count(distinct) there had cost a second hash over ~20 M rows at M)

valid_shop_orders as (

    select * from orders
    where source_system = 'ecommerce' and is_valid_order and role is not null

),

shop_order_entities as (

    {{ for_each_entity('valid_shop_orders') }}

),

customer_orders as (

    select
        shop_order_entities.entity_type,
        shop_order_entities.entity_id,
        shop_order_entities.role,
        period_dates.period_type,
        period_dates.period,
        shop_order_entities.customer_id,
        count(*) as valid_orders,
        sum(shop_order_entities.revenue_amount) as net_sales
    from shop_order_entities
    inner join period_dates
        on shop_order_entities.order_date = period_dates.date_day
    group by
        shop_order_entities.entity_type,
        shop_order_entities.entity_id,
        shop_order_entities.role,
        period_dates.period_type,
        period_dates.period,
        shop_order_entities.customer_id

),

customer_totals as (

    select
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        count(customer_id) as ordering_customers,
        count(case when valid_orders >= 2 then customer_id end) as repeat_customers,
        sum(net_sales) as net_sales
    from customer_orders
    group by entity_type, entity_id, role, period_type, period

),

-- store-level events credited to the store's operator on the event date

store_events as (

    select
        'traffic' as event_kind,
        traffic.store_id,
        traffic.traffic_date as event_date,
        cast(traffic.traffic_date as timestamp) as event_at,
        cast(traffic.visitors as decimal(38, 6)) as event_value
    from traffic
    union all
    select
        'ticket' as event_kind,
        tickets.store_id,
        cast(tickets.opened_at as date) as event_date,
        tickets.opened_at as event_at,
        cast(
            {{ dbt.datediff('tickets.opened_at', 'tickets.first_response_at', 'second') }}
            as decimal(38, 6)
        ) as event_value
    from tickets
    where tickets.first_response_at is not null
    union all
    select
        'campaign' as event_kind,
        campaigns.store_id,
        campaigns.start_date as event_date,
        cast(campaigns.start_date as timestamp) as event_at,
        cast(1 as decimal(38, 6)) as event_value
    from campaigns
    where campaigns.has_participated

),

credited_store_events as (

    select
        store_events.event_kind,
        store_events.event_date,
        store_events.event_value,
        store_operators.operator_id as employee_id,
        assignments.role,
        assignments.team_id
    from store_events
    -- the operator of the store at the event (a day's traffic: at its start)
    inner join store_operators
        on
            store_events.store_id = store_operators.store_id
            and store_events.event_at >= store_operators.valid_from_at
            and store_events.event_at < store_operators.valid_to_at
    inner join assignments
        on
            store_operators.operator_id = assignments.employee_id
            and store_events.event_date
            between assignments.valid_from_date and assignments.valid_to_date

),

store_event_entities as (

    {{ for_each_entity('credited_store_events') }}

),

store_event_totals as (

    select
        store_event_entities.entity_type,
        store_event_entities.entity_id,
        store_event_entities.role,
        period_dates.period_type,
        period_dates.period,
        sum(case when store_event_entities.event_kind = 'traffic' then store_event_entities.event_value else 0 end)
            as visitors,
        sum(case when store_event_entities.event_kind = 'ticket' then store_event_entities.event_value else 0 end)
            as response_seconds,
        sum(case when store_event_entities.event_kind = 'ticket' then 1 else 0 end)
            as answered_tickets,
        sum(case when store_event_entities.event_kind = 'campaign' then 1 else 0 end)
            as campaigns_participated
    from store_event_entities
    inner join period_dates
        on store_event_entities.event_date = period_dates.date_day
    group by
        store_event_entities.entity_type,
        store_event_entities.entity_id,
        store_event_entities.role,
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
    from customer_totals
    union
    select
        entity_type,
        entity_id,
        role,
        period_type,
        period
    from store_event_totals

),

combined as (

    select
        entity_periods.entity_type,
        entity_periods.entity_id,
        entity_periods.role,
        entity_periods.period_type,
        entity_periods.period,
        coalesce(customer_totals.ordering_customers, 0) as ordering_customers,
        coalesce(customer_totals.repeat_customers, 0) as repeat_customers,
        coalesce(customer_totals.net_sales, 0) as net_sales,
        coalesce(store_event_totals.visitors, 0) as visitors,
        coalesce(store_event_totals.response_seconds, 0) / 60.0 as response_minutes,
        coalesce(store_event_totals.answered_tickets, 0) as answered_tickets,
        coalesce(store_event_totals.campaigns_participated, 0) as campaigns_participated
    from entity_periods
    left join customer_totals
        on {{ same_grain('entity_periods', 'customer_totals') }}
    left join store_event_totals
        on {{ same_grain('entity_periods', 'store_event_totals') }}

),

final as (

    {{ kpi_rows('combined', {
        'conversion_rate': ['ordering_customers', 'visitors'],
        'repurchase_rate': ['repeat_customers', 'ordering_customers'],
        'average_order_value': ['net_sales', 'ordering_customers'],
        'avg_first_response_minutes': ['response_minutes', 'answered_tickets'],
        'campaigns_participated': ['campaigns_participated', none],
    }) }}

)

select * from final
