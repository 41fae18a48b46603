{#-
    Audit trail of int_ecommerce_kpis_computed. Distinct customers (conversion, repurchase and
    average order value denominators, repurchase numerator) are one row each, contributing 1, shown
    through the customer's first valid order of the period. The response-time numerator lists each
    answered ticket's seconds: the KPI's minutes are their sum ÷ 60 (contribution_divisor).
    Keep in step with int_ecommerce_kpis_computed (tests/exports/test_trace.py reconciles).
-#}
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

period_dates as (

    select * from {{ ref('int_period_dates') }}

),

valid_shop_orders as (

    select * from orders
    where source_system = 'ecommerce' and is_valid_order and role is not null

),

shop_order_entities as (

    {{ for_each_entity('valid_shop_orders') }}

),

shop_order_periods as (

    select
        shop_order_entities.entity_type,
        shop_order_entities.entity_id,
        shop_order_entities.role,
        period_dates.period_type,
        period_dates.period,
        shop_order_entities.customer_id,
        shop_order_entities.order_id,
        shop_order_entities.order_date,
        shop_order_entities.revenue_amount,
        shop_order_entities.source_file_path,
        shop_order_entities.source_line_number,
        shop_order_entities.load_id,
        row_number() over (
            partition by
                shop_order_entities.entity_type,
                shop_order_entities.entity_id,
                shop_order_entities.role,
                period_dates.period_type,
                period_dates.period,
                shop_order_entities.customer_id
            order by shop_order_entities.ordered_at, shop_order_entities.order_key
        ) as customer_order_rank,
        count(*) over (
            partition by
                shop_order_entities.entity_type,
                shop_order_entities.entity_id,
                shop_order_entities.role,
                period_dates.period_type,
                period_dates.period,
                shop_order_entities.customer_id
        ) as customer_valid_orders
    from shop_order_entities
    inner join period_dates
        on shop_order_entities.order_date = period_dates.date_day

),

ordering_customers as (

    select * from shop_order_periods
    where customer_order_rank = 1 and customer_id is not null

),

customer_codes as (

    select
        'conversion_rate' as kpi_code,
        'numerator' as side
    union all
    select
        'repurchase_rate' as kpi_code,
        'denominator' as side
    union all
    select
        'average_order_value' as kpi_code,
        'denominator' as side

),

order_contributions as (

    select
        ordering_customers.entity_type,
        ordering_customers.entity_id,
        ordering_customers.role,
        ordering_customers.period_type,
        ordering_customers.period,
        customer_codes.kpi_code,
        customer_codes.side,
        cast(1 as decimal(38, 6)) as contribution,
        'ecommerce order' as record_type,
        ordering_customers.order_id as record_id,
        ordering_customers.order_date as event_date,
        'customer ' || coalesce(ordering_customers.customer_id, '?')
        || ' with a valid order in the period (first shown)' as note,
        ordering_customers.source_file_path,
        ordering_customers.source_line_number,
        ordering_customers.load_id
    from ordering_customers
    cross join customer_codes
    union all
    select
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        'repurchase_rate' as kpi_code,
        'numerator' as side,
        cast(1 as decimal(38, 6)) as contribution,
        'ecommerce order' as record_type,
        order_id as record_id,
        order_date as event_date,
        'customer ' || coalesce(customer_id, '?') || ' with ' || customer_valid_orders
        || ' valid orders in the period (first shown)' as note,
        source_file_path,
        source_line_number,
        load_id
    from ordering_customers
    where customer_valid_orders >= 2
    union all
    select
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        'average_order_value' as kpi_code,
        'numerator' as side,
        cast(revenue_amount as decimal(38, 6)) as contribution,
        'ecommerce order' as record_type,
        order_id as record_id,
        order_date as event_date,
        'valid order of customer ' || coalesce(customer_id, '?') as note,
        source_file_path,
        source_line_number,
        load_id
    from shop_order_periods

),

store_events as (

    select
        'traffic' as event_kind,
        traffic.store_id,
        traffic.store_id || ' ' || cast(traffic.traffic_date as varchar) as record_id,
        traffic.traffic_date as event_date,
        cast(traffic.traffic_date as timestamp) as event_at,
        cast(traffic.visitors as decimal(38, 6)) as event_value,
        traffic.source_file_path,
        traffic.source_line_number,
        traffic.load_id
    from traffic
    union all
    select
        'ticket' as event_kind,
        tickets.store_id,
        tickets.ticket_id as record_id,
        cast(tickets.opened_at as date) as event_date,
        tickets.opened_at as event_at,
        cast(
            {{ dbt.datediff('tickets.opened_at', 'tickets.first_response_at', 'second') }}
            as decimal(38, 6)
        ) as event_value,
        tickets.source_file_path,
        tickets.source_line_number,
        tickets.load_id
    from tickets
    where tickets.first_response_at is not null
    union all
    select
        'campaign' as event_kind,
        campaigns.store_id,
        campaigns.campaign_id as record_id,
        campaigns.start_date as event_date,
        cast(campaigns.start_date as timestamp) as event_at,
        cast(1 as decimal(38, 6)) as event_value,
        campaigns.source_file_path,
        campaigns.source_line_number,
        campaigns.load_id
    from campaigns
    where campaigns.has_participated

),

credited_store_events as (

    select
        store_events.event_kind,
        store_events.store_id,
        store_events.record_id,
        store_events.event_date,
        store_events.event_value,
        store_events.source_file_path,
        store_events.source_line_number,
        store_events.load_id,
        store_operators.operator_id as employee_id,
        assignments.role,
        assignments.team_id
    from store_events
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

store_event_periods as (

    select
        store_event_entities.*,
        period_dates.period_type,
        period_dates.period
    from store_event_entities
    inner join period_dates
        on store_event_entities.event_date = period_dates.date_day

),

store_event_contributions as (

    select
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        'conversion_rate' as kpi_code,
        'denominator' as side,
        event_value as contribution,
        'ecommerce traffic' as record_type,
        record_id,
        event_date,
        'visitors of store ' || store_id as note,
        source_file_path,
        source_line_number,
        load_id,
        1 as contribution_divisor
    from store_event_periods
    where event_kind = 'traffic'
    union all
    select
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        'avg_first_response_minutes' as kpi_code,
        'numerator' as side,
        event_value as contribution,
        'ecommerce ticket' as record_type,
        record_id,
        event_date,
        'seconds from opening to first response, store ' || store_id as note,
        source_file_path,
        source_line_number,
        load_id,
        60 as contribution_divisor
    from store_event_periods
    where event_kind = 'ticket'
    union all
    select
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        'avg_first_response_minutes' as kpi_code,
        'denominator' as side,
        cast(1 as decimal(38, 6)) as contribution,
        'ecommerce ticket' as record_type,
        record_id,
        event_date,
        'answered ticket, store ' || store_id as note,
        source_file_path,
        source_line_number,
        load_id,
        1 as contribution_divisor
    from store_event_periods
    where event_kind = 'ticket'
    union all
    select
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        'campaigns_participated' as kpi_code,
        'numerator' as side,
        event_value as contribution,
        'ecommerce campaign' as record_type,
        record_id,
        event_date,
        'campaign participated, store ' || store_id as note,
        source_file_path,
        source_line_number,
        load_id,
        1 as contribution_divisor
    from store_event_periods
    where event_kind = 'campaign'

),

final as (

    select
        *,
        1 as contribution_divisor
    from order_contributions
    union all
    select * from store_event_contributions

)

select * from final
