with

orders as (

    select * from {{ ref('int_orders_unified') }}

),

valid_orders_ranked as (

    select
        customer_id,
        order_key,
        order_date,
        employee_id,
        role,
        team_id,
        row_number() over (
            partition by customer_id
            order by ordered_at, order_key
        ) as order_rank
    from orders
    where is_valid_order and customer_id is not null

),

final as (

    select
        customer_id,
        order_key as first_order_key,
        order_date as first_order_date,
        employee_id,
        role,
        team_id
    from valid_orders_ranked
    where order_rank = 1

)

select * from final
