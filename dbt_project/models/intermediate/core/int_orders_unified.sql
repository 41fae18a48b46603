{#-
    Every order of both sources (valid or not) with its unified customer, the valid-order flag,
    revenue as kpis.md defines it, and the employee, role and team credited on the order date.

    Incremental on order_key (macros/incremental_crediting.sql). An order's row depends on its own
    record, its customer record (identity: int_customers_unified maps each record on its own
    fields), its store's versions (the operator credited) and its employee's assignments. A
    nightly run recomputes the orders with a changed record of any of these, and every order when
    a customer, store or roster file was restated.
-#}
-- sqlfluff:indentation:template_blocks_indent:false
{{ config(unique_key=['order_key']) }}
-- depends_on: {{ ref('stg_crm__accounts') }}
-- depends_on: {{ ref('stg_crm__distributors') }}
-- depends_on: {{ ref('stg_ecommerce__customers') }}
-- depends_on: {{ ref('stg_ecommerce__store_versions') }}
-- depends_on: {{ ref('stg_hr__employees') }}
-- depends_on: {{ ref('stg_meta__load_manifest') }}
-- depends_on: {{ ref('stg_meta__current_file_versions') }}

with

crm_orders as (

    select * from {{ ref('stg_crm__orders') }}

),

shop_orders as (

    select * from {{ ref('stg_ecommerce__orders') }}

),

store_operators as (

    select * from {{ ref('int_store_operators_dated') }}

),

customers as (

    select * from {{ ref('int_customers_unified') }}

),

assignments as (

    select * from {{ ref('int_employee_assignments') }}

),

{% if is_incremental() -%}
accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

distributors as (

    select * from {{ ref('stg_crm__distributors') }}

),

shop_customers as (

    select * from {{ ref('stg_ecommerce__customers') }}

),

store_versions as (

    select * from {{ ref('stg_ecommerce__store_versions') }}

),

employees as (

    select * from {{ ref('stg_hr__employees') }}

),

load_manifest as (

    select * from {{ ref('stg_meta__load_manifest') }}

),

current_file_versions as (

    select * from {{ ref('stg_meta__current_file_versions') }}

),

changed_customers as (

    select
        'crm_account' as customer_source,
        account_id as source_customer_id
    from accounts
    where load_id > {{ load_watermark() }}
    union all
    select
        'crm_distributor' as customer_source,
        distributor_id as source_customer_id
    from distributors
    where load_id > {{ load_watermark() }}
    union all
    select
        'ecommerce' as customer_source,
        customer_id as source_customer_id
    from shop_customers
    where load_id > {{ load_watermark() }}

),

restated_inputs as (

    {{ restated_inputs('load_manifest', [
        'crm/accounts', 'crm/distributors', 'ecommerce/customers',
        'ecommerce/stores', 'hr/employees',
    ]) }}

),

orders_to_recompute as (

    select 'crm:' || crm_orders.order_id as order_key
    from crm_orders
    where crm_orders.load_id > {{ load_watermark() }}
    union
    select 'ecommerce:' || shop_orders.order_id as order_key
    from shop_orders
    where shop_orders.load_id > {{ load_watermark() }}
    union
    {{ rows_of_superseded_loads('order_key', 'current_file_versions') }}
    union
    select existing.order_key
    from {{ this }} as existing
    inner join changed_customers
        on
            existing.customer_source = changed_customers.customer_source
            and existing.source_customer_id = changed_customers.source_customer_id
    union
    select existing.order_key
    from {{ this }} as existing
    where
        existing.store_id in (
            select store_versions.store_id
            from store_versions
            where store_versions.load_id > {{ load_watermark() }}
        )
    union
    {{ rows_of_changed_employees('order_key', 'employees') }}
    union
    {{ every_row_if_restated('order_key', 'restated_inputs') }}

),

crm_orders_in_scope as (

    select crm_orders.*
    from crm_orders
    inner join orders_to_recompute
        on 'crm:' || crm_orders.order_id = orders_to_recompute.order_key

),

shop_orders_in_scope as (

    select shop_orders.*
    from shop_orders
    inner join orders_to_recompute
        on 'ecommerce:' || shop_orders.order_id = orders_to_recompute.order_key

),
{%- else %}
crm_orders_in_scope as (

    select * from crm_orders

),

shop_orders_in_scope as (

    select * from shop_orders

),
{%- endif %}

crm_orders_shaped as (

    select
        'crm' as source_system,
        order_id,
        case
            when account_id is not null then 'crm_account'
            when distributor_id is not null then 'crm_distributor'
        end as customer_source,
        coalesce(account_id, distributor_id) as source_customer_id,
        account_id,
        distributor_id,
        cast(null as varchar) as store_id,
        sales_rep_id as employee_id,
        channel,
        ordered_at,
        status as order_status,
        status = 'confirmed'
        and amount_incl_tax > {{ var('min_order_amount') }} as is_valid_order,
        amount_incl_tax as order_amount,
        tax_amount,
        gross_margin_amount,
        cast(null as decimal(18, 2)) as gmv_amount,
        source_file_path,
        source_line_number,
        load_id
    from crm_orders_in_scope

),

shop_orders_shaped as (

    select
        'ecommerce' as source_system,
        shop_orders.order_id,
        'ecommerce' as customer_source,
        shop_orders.customer_id as source_customer_id,
        cast(null as varchar) as account_id,
        cast(null as varchar) as distributor_id,
        shop_orders.store_id,
        store_operators.operator_id as employee_id,
        'ecommerce' as channel,
        shop_orders.ordered_at,
        shop_orders.status as order_status,
        shop_orders.paid_at is not null
        and shop_orders.status not in ('cancelled', 'refunded')
        and shop_orders.paid_amount > {{ var('min_order_amount') }} as is_valid_order,
        shop_orders.paid_amount - coalesce(shop_orders.refunded_amount, 0) as order_amount,
        shop_orders.tax_amount,
        cast(null as decimal(18, 2)) as gross_margin_amount,
        shop_orders.gmv_amount,
        shop_orders.source_file_path,
        shop_orders.source_line_number,
        shop_orders.load_id
    from shop_orders_in_scope as shop_orders
    left join store_operators
        on
            shop_orders.store_id = store_operators.store_id
            and shop_orders.ordered_at >= store_operators.valid_from_at
            and shop_orders.ordered_at < store_operators.valid_to_at

),

all_orders as (

    select * from crm_orders_shaped
    union all
    select * from shop_orders_shaped

),

valued as (

    select
        all_orders.*,
        cast(all_orders.ordered_at as date) as order_date,
        case
            when all_orders.is_valid_order then coalesce(all_orders.order_amount, 0)
            else 0
        end as revenue_amount,
        case
            when all_orders.is_valid_order
                then coalesce(all_orders.order_amount, 0) - coalesce(all_orders.tax_amount, 0)
            else 0
        end as revenue_excl_tax_amount,
        case
            when all_orders.is_valid_order then coalesce(all_orders.gross_margin_amount, 0)
            else 0
        end as valid_gross_margin_amount
    from all_orders

),

final as (

    select
        valued.source_system || ':' || valued.order_id as order_key,
        valued.source_system,
        valued.order_id,
        customers.customer_id,
        valued.customer_source,
        valued.source_customer_id,
        valued.account_id,
        valued.distributor_id,
        valued.store_id,
        valued.channel,
        valued.ordered_at,
        valued.order_date,
        valued.order_status,
        valued.is_valid_order,
        cast(valued.revenue_amount as decimal(18, 2)) as revenue_amount,
        cast(valued.revenue_excl_tax_amount as decimal(18, 2)) as revenue_excl_tax_amount,
        cast(valued.valid_gross_margin_amount as decimal(18, 2)) as gross_margin_amount,
        cast(coalesce(valued.gmv_amount, 0) as decimal(18, 2)) as gmv_amount,
        valued.employee_id,
        assignments.role,
        assignments.team_id,
        valued.source_file_path,
        valued.source_line_number,
        valued.load_id,
        {{ computed_at() }} as computed_at
    from valued
    left join customers
        on
            valued.customer_source = customers.customer_source
            and valued.source_customer_id = customers.source_customer_id
    left join assignments
        on
            valued.employee_id = assignments.employee_id
            and valued.order_date between assignments.valid_from_date and assignments.valid_to_date

)

select * from final
