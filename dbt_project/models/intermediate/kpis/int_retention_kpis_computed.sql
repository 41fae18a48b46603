{#-
    customer_retention_rate: of the customers with a valid order credited to the entity (same role)
    in the 12 whole months before the period start, the share that ordered again in the period.
-#}
with

orders as (

    select * from {{ ref('int_orders_unified') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

credited_valid_orders as (

    select * from orders
    where is_valid_order and role is not null and customer_id is not null

),

order_entities as (

    {{ for_each_entity('credited_valid_orders') }}

),

customer_order_dates as (

    select distinct
        entity_type,
        entity_id,
        role,
        customer_id,
        order_date
    from order_entities

),

base_customers as (

    select distinct
        customer_order_dates.entity_type,
        customer_order_dates.entity_id,
        customer_order_dates.role,
        periods.period_type,
        periods.period,
        periods.period_start_date,
        periods.period_end_date,
        customer_order_dates.customer_id
    from customer_order_dates
    inner join periods
        on
            customer_order_dates.order_date >= periods.prior_12_months_start_date
            and customer_order_dates.order_date < periods.period_start_date
    where periods.is_reported

),

period_customers as (

    select distinct
        customer_order_dates.entity_type,
        customer_order_dates.entity_id,
        customer_order_dates.role,
        periods.period_type,
        periods.period,
        customer_order_dates.customer_id
    from customer_order_dates
    inner join periods
        on customer_order_dates.order_date between periods.period_start_date and periods.period_end_date

),

retention as (

    select
        base_customers.entity_type,
        base_customers.entity_id,
        base_customers.role,
        base_customers.period_type,
        base_customers.period,
        count(distinct period_customers.customer_id) as retained_customers,
        count(distinct base_customers.customer_id) as base_customers
    from base_customers
    left join period_customers
        on
            {{ same_grain('base_customers', 'period_customers') }}
            and base_customers.customer_id = period_customers.customer_id
    group by
        base_customers.entity_type,
        base_customers.entity_id,
        base_customers.role,
        base_customers.period_type,
        base_customers.period

),

final as (

    {{ kpi_rows('retention', {
        'customer_retention_rate': ['retained_customers', 'base_customers'],
    }) }}

)

select * from final
