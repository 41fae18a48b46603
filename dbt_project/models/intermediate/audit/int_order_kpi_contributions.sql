{#-
    Audit trail of int_order_kpis_computed: per KPI row (entity, role, period, code) every source
    row that adds to its numerator or denominator, with what it adds. Sums list the rows that
    pass the KPI's filter; counts list one row per counted thing, contributing 1.
    Keep in step with int_order_kpis_computed (tests/exports/test_trace.py reconciles every value).
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

period_dates as (

    select * from {{ ref('int_period_dates') }}

),

credited_orders as (

    select * from orders
    where role is not null

),

order_entities as (

    {{ for_each_entity('credited_orders') }}

),

order_periods as (

    select
        order_entities.entity_type,
        order_entities.entity_id,
        order_entities.role,
        order_periods_of_date.period_type,
        order_periods_of_date.period,
        order_entities.source_system,
        order_entities.order_id,
        order_entities.order_date,
        order_entities.customer_id,
        order_entities.channel,
        order_entities.is_valid_order,
        order_entities.revenue_amount,
        order_entities.revenue_excl_tax_amount,
        order_entities.gmv_amount,
        order_entities.source_file_path,
        order_entities.source_line_number,
        order_entities.load_id,
        coalesce(first_order_periods.period = order_periods_of_date.period, false)
            as is_new_customer_order
    from order_entities
    inner join period_dates as order_periods_of_date
        on order_entities.order_date = order_periods_of_date.date_day
    left join first_orders
        on order_entities.customer_id = first_orders.customer_id
    left join period_dates as first_order_periods
        on
            first_orders.first_order_date = first_order_periods.date_day
            and order_periods_of_date.period_type = first_order_periods.period_type

),

-- each valid order adds its revenue to the revenue family (an invalid order adds 0)
valid_order_codes as (

    select
        'revenue' as kpi_code,
        'numerator' as side
    union all
    select
        'net_sales' as kpi_code,
        'numerator' as side
    union all
    select
        'collection_rate' as kpi_code,
        'denominator' as side

),

order_contributions as (

    select
        order_periods.entity_type,
        order_periods.entity_id,
        order_periods.role,
        order_periods.period_type,
        order_periods.period,
        valid_order_codes.kpi_code,
        valid_order_codes.side,
        cast(order_periods.revenue_amount as decimal(38, 6)) as contribution,
        order_periods.source_system || ' order' as record_type,
        order_periods.order_id as record_id,
        order_periods.order_date as event_date,
        'valid order of customer ' || coalesce(order_periods.customer_id, '?') as note,
        order_periods.source_file_path,
        order_periods.source_line_number,
        order_periods.load_id
    from order_periods
    cross join valid_order_codes
    where order_periods.is_valid_order
    union all
    select
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        'revenue_excl_tax' as kpi_code,
        'numerator' as side,
        cast(revenue_excl_tax_amount as decimal(38, 6)) as contribution,
        source_system || ' order' as record_type,
        order_id as record_id,
        order_date as event_date,
        'valid order, revenue less tax' as note,
        source_file_path,
        source_line_number,
        load_id
    from order_periods
    where is_valid_order
    union all
    select
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        case
            when is_new_customer_order then 'new_customer_revenue'
            else 'existing_customer_revenue'
        end as kpi_code,
        'numerator' as side,
        cast(revenue_amount as decimal(38, 6)) as contribution,
        source_system || ' order' as record_type,
        order_id as record_id,
        order_date as event_date,
        case
            when is_new_customer_order
                then 'customer ' || coalesce(customer_id, '?') || ' first ordered in this period'
            else 'customer ' || coalesce(customer_id, '?') || ' ordered before this period'
        end as note,
        source_file_path,
        source_line_number,
        load_id
    from order_periods
    where is_valid_order
    union all
    select
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        'channel_revenue' as kpi_code,
        'numerator' as side,
        cast(revenue_amount as decimal(38, 6)) as contribution,
        source_system || ' order' as record_type,
        order_id as record_id,
        order_date as event_date,
        'valid channel order' as note,
        source_file_path,
        source_line_number,
        load_id
    from order_periods
    where is_valid_order and channel = 'channel'
    union all
    select
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        'gmv' as kpi_code,
        'numerator' as side,
        cast(gmv_amount as decimal(38, 6)) as contribution,
        source_system || ' order' as record_type,
        order_id as record_id,
        order_date as event_date,
        'order placed (any status)' as note,
        source_file_path,
        source_line_number,
        load_id
    from order_periods
    where source_system = 'ecommerce'

),

credited_first_orders as (

    select
        first_orders.customer_id,
        first_orders.first_order_date,
        first_orders.employee_id,
        first_orders.role,
        first_orders.team_id,
        orders.source_system,
        orders.order_id,
        orders.source_file_path,
        orders.source_line_number,
        orders.load_id
    from first_orders
    inner join orders
        on first_orders.first_order_key = orders.order_key
    where first_orders.role is not null

),

first_order_entities as (

    {{ for_each_entity('credited_first_orders') }}

),

new_customer_contributions as (

    select
        first_order_entities.entity_type,
        first_order_entities.entity_id,
        first_order_entities.role,
        period_dates.period_type,
        period_dates.period,
        'new_customers' as kpi_code,
        'numerator' as side,
        cast(1 as decimal(38, 6)) as contribution,
        first_order_entities.source_system || ' order' as record_type,
        first_order_entities.order_id as record_id,
        first_order_entities.first_order_date as event_date,
        'first valid order ever of customer ' || first_order_entities.customer_id as note,
        first_order_entities.source_file_path,
        first_order_entities.source_line_number,
        first_order_entities.load_id
    from first_order_entities
    inner join period_dates
        on first_order_entities.first_order_date = period_dates.date_day

),

credited_receipts as (

    select * from receipts
    where role is not null

),

receipt_entities as (

    {{ for_each_entity('credited_receipts') }}

),

receipt_contributions as (

    select
        receipt_entities.entity_type,
        receipt_entities.entity_id,
        receipt_entities.role,
        period_dates.period_type,
        period_dates.period,
        'collection_rate' as kpi_code,
        'numerator' as side,
        cast(receipt_entities.receipt_amount as decimal(38, 6)) as contribution,
        'finance receipt' as record_type,
        receipt_entities.receipt_id as record_id,
        receipt_entities.receipt_date as event_date,
        'receipt on invoice ' || receipt_entities.invoice_id || ' of order '
        || receipt_entities.order_key as note,
        receipt_entities.source_file_path,
        receipt_entities.source_line_number,
        receipt_entities.load_id
    from receipt_entities
    inner join period_dates
        on receipt_entities.receipt_date = period_dates.date_day

),

unioned as (

    select * from order_contributions
    union all
    select * from new_customer_contributions
    union all
    select * from receipt_contributions

),

final as (

    select
        *,
        1 as contribution_divisor
    from unioned

)

select * from final
