{#-
    Each unified customer's first valid order ever, across sources (earliest ordered_at, ties by
    order_key), and who was credited with it.

    Incremental on customer_id. A customer's first order changes only with the customer's orders,
    and int_orders_unified stamps each order row it writes with `computed_at` (the build that
    computed it). A nightly run recomputes, from all their orders, the customers
      - with an order computed after this model's last build (a new, changed or re-credited
        order, or one a changed customer identity moved to them: it is recomputed with its new
        customer), and
      - whose first order is such an order (it may now belong to another customer, or no longer
        be valid) or is gone from int_orders_unified (a restated orders file).
    A recomputed customer left without a valid order gets a row without a first order, which the
    post-hook deletes. In a full build every customer is computed.
-#}
-- sqlfluff:indentation:template_blocks_indent:false
{{ config(
    unique_key=['customer_id'],
    post_hook="delete from {{ this }} where first_order_key is null",
) }}

with

orders as (

    select * from {{ ref('int_orders_unified') }}

),

{% if is_incremental() -%}
first_orders_built as (

    select * from {{ this }}

),

orders_computed_since_build as (

    select
        orders.order_key,
        orders.customer_id
    from orders
    where orders.computed_at > (
        select coalesce(max(first_orders_built.computed_at), cast('1900-01-01' as timestamp))
        from first_orders_built
    )

),

customers_to_recompute as (

    select orders_computed_since_build.customer_id
    from orders_computed_since_build
    where orders_computed_since_build.customer_id is not null
    union
    select first_orders_built.customer_id
    from first_orders_built
    where
        first_orders_built.first_order_key in (
            select orders_computed_since_build.order_key from orders_computed_since_build
        )
        or not exists (
            select 1
            from orders
            where orders.order_key = first_orders_built.first_order_key
        )

),

orders_in_scope as (

    select orders.*
    from orders
    where orders.customer_id in (
        select customers_to_recompute.customer_id from customers_to_recompute
    )

),
{%- else %}
orders_in_scope as (

    select * from orders

),
{%- endif %}

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
    from orders_in_scope
    where is_valid_order and customer_id is not null

),

first_orders as (

    select
        customer_id,
        order_key as first_order_key,
        order_date as first_order_date,
        employee_id,
        role,
        team_id,
        {{ computed_at() }} as computed_at
    from valid_orders_ranked
    where order_rank = 1

),

{% if is_incremental() -%}
customers_without_first_order as (

    select
        customers_to_recompute.customer_id,
        null as first_order_key,
        null as first_order_date,
        null as employee_id,
        null as role,
        null as team_id,
        {{ computed_at() }} as computed_at
    from customers_to_recompute
    where customers_to_recompute.customer_id not in (
        select first_orders.customer_id from first_orders
    )

),

final as (

    select * from first_orders
    union all
    select * from customers_without_first_order

)
{%- else %}
final as (

    select * from first_orders

)
{%- endif %}

select * from final
