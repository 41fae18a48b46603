{#-
    Audit trail of int_retention_kpis_computed (customer_retention_rate). The ratio counts distinct
    customers, so each customer is one row contributing 1, shown through one of its orders:
    denominator = a base customer, shown by its latest valid order in the 12 months before the
    period; numerator = a base customer who ordered again, shown by its first order in the period.
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

base_orders_ranked as (

    select
        order_entities.entity_type,
        order_entities.entity_id,
        order_entities.role,
        periods.period_type,
        periods.period,
        order_entities.customer_id,
        order_entities.source_system,
        order_entities.order_id,
        order_entities.order_date,
        order_entities.source_file_path,
        order_entities.source_line_number,
        order_entities.load_id,
        row_number() over (
            partition by
                order_entities.entity_type,
                order_entities.entity_id,
                order_entities.role,
                periods.period_type,
                periods.period,
                order_entities.customer_id
            order by order_entities.ordered_at desc, order_entities.order_key desc
        ) as customer_rank
    from order_entities
    inner join periods
        on
            order_entities.order_date >= periods.prior_12_months_start_date
            and order_entities.order_date < periods.period_start_date
    where periods.is_reported

),

base_customers as (

    select * from base_orders_ranked
    where customer_rank = 1

),

period_orders_ranked as (

    select
        order_entities.entity_type,
        order_entities.entity_id,
        order_entities.role,
        periods.period_type,
        periods.period,
        order_entities.customer_id,
        order_entities.source_system,
        order_entities.order_id,
        order_entities.order_date,
        order_entities.source_file_path,
        order_entities.source_line_number,
        order_entities.load_id,
        row_number() over (
            partition by
                order_entities.entity_type,
                order_entities.entity_id,
                order_entities.role,
                periods.period_type,
                periods.period,
                order_entities.customer_id
            order by order_entities.ordered_at, order_entities.order_key
        ) as customer_rank
    from order_entities
    inner join periods
        on order_entities.order_date between periods.period_start_date and periods.period_end_date
    where periods.is_reported

),

retained_customers as (

    select period_orders_ranked.*
    from period_orders_ranked
    inner join base_customers
        on
            {{ same_grain('period_orders_ranked', 'base_customers') }}
            and period_orders_ranked.customer_id = base_customers.customer_id
    where period_orders_ranked.customer_rank = 1

),

unioned as (

    select
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        'customer_retention_rate' as kpi_code,
        'denominator' as side,
        cast(1 as decimal(38, 6)) as contribution,
        source_system || ' order' as record_type,
        order_id as record_id,
        order_date as event_date,
        'base customer ' || customer_id || ': latest valid order in the 12 months before the period'
            as note,
        source_file_path,
        source_line_number,
        load_id
    from base_customers
    union all
    select
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        'customer_retention_rate' as kpi_code,
        'numerator' as side,
        cast(1 as decimal(38, 6)) as contribution,
        source_system || ' order' as record_type,
        order_id as record_id,
        order_date as event_date,
        'retained customer ' || customer_id || ': first valid order in the period' as note,
        source_file_path,
        source_line_number,
        load_id
    from retained_customers

),

final as (

    select
        *,
        1 as contribution_divisor
    from unioned

)

select * from final
