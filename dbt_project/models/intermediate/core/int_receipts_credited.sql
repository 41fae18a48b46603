{#-
    Receipts on live invoices, credited to the order's employee with that employee's role and
    team on the receipt date.

    Incremental on receipt_id (macros/incremental_crediting.sql). A receipt's row depends on its
    own record, its invoice (void or not, which order), the order's credited employee and that
    employee's assignments. A nightly run recomputes the receipts with a changed record of any of
    these — new or changed receipts and invoices, receipts whose invoice's order is new or now
    credited to someone else, receipts of an employee whose roster rows changed — and every
    receipt when an invoice or roster file was restated. A recomputed receipt whose invoice turned
    void or whose order is gone has no row left: `gone_receipts` replaces it with a row of no
    current load (load_id -1), which the post-hook `delete_superseded_versions` deletes.
-#}
-- sqlfluff:indentation:template_blocks_indent:false
{{ config(unique_key=['receipt_id']) }}
-- depends_on: {{ ref('stg_hr__employees') }}
-- depends_on: {{ ref('stg_meta__load_manifest') }}
-- depends_on: {{ ref('stg_meta__current_file_versions') }}

with

receipts as (

    select * from {{ ref('stg_finance__receipts') }}

),

invoices as (

    select * from {{ ref('stg_finance__invoices') }}

),

orders as (

    select * from {{ ref('int_orders_unified') }}

),

assignments as (

    select * from {{ ref('int_employee_assignments') }}

),

{% if is_incremental() -%}
employees as (

    select * from {{ ref('stg_hr__employees') }}

),

load_manifest as (

    select * from {{ ref('stg_meta__load_manifest') }}

),

current_file_versions as (

    select * from {{ ref('stg_meta__current_file_versions') }}

),

restated_inputs as (

    {{ restated_inputs('load_manifest', ['finance/invoices', 'hr/employees']) }}

),

invoices_to_recompute as (

    select invoices.invoice_id
    from invoices
    where invoices.load_id > {{ load_watermark() }}
    union
    select invoices.invoice_id
    from invoices
    inner join orders
        on
            invoices.order_source = orders.source_system
            and invoices.order_id = orders.order_id
    where orders.load_id > {{ load_watermark() }}

),

receipts_to_recompute as (

    select receipts.receipt_id
    from receipts
    where receipts.load_id > {{ load_watermark() }}
    union
    select receipts.receipt_id
    from receipts
    inner join invoices_to_recompute
        on receipts.invoice_id = invoices_to_recompute.invoice_id
    union
    {{ rows_of_superseded_loads('receipt_id', 'current_file_versions') }}
    union
    select existing.receipt_id
    from {{ this }} as existing
    left join orders
        on existing.order_key = orders.order_key
    where
        orders.order_key is null
        or coalesce(orders.employee_id, '') <> coalesce(existing.employee_id, '')
    union
    {{ rows_of_changed_employees('receipt_id', 'employees') }}
    union
    {{ every_row_if_restated('receipt_id', 'restated_inputs') }}

),

receipts_in_scope as (

    select receipts.*
    from receipts
    inner join receipts_to_recompute
        on receipts.receipt_id = receipts_to_recompute.receipt_id

),

invoices_in_scope as (

    select invoices.*
    from invoices
    where invoices.invoice_id in (select receipts_in_scope.invoice_id from receipts_in_scope)

),

invoiced_orders as (

    select distinct
        invoices_in_scope.order_source,
        invoices_in_scope.order_id
    from invoices_in_scope

),

orders_in_scope as (

    select orders.*
    from orders
    inner join invoiced_orders
        on
            orders.source_system = invoiced_orders.order_source
            and orders.order_id = invoiced_orders.order_id

),
{%- else %}
receipts_in_scope as (

    select * from receipts

),

invoices_in_scope as (

    select * from invoices

),

orders_in_scope as (

    select * from orders

),
{%- endif %}

receipts_on_live_invoices as (

    select
        receipts.receipt_id,
        receipts.invoice_id,
        cast(receipts.received_at as date) as receipt_date,
        receipts.amount as receipt_amount,
        orders.order_key,
        orders.employee_id,
        receipts.source_file_path,
        receipts.source_line_number,
        receipts.load_id
    from receipts_in_scope as receipts
    inner join invoices_in_scope as invoices
        on receipts.invoice_id = invoices.invoice_id
    inner join orders_in_scope as orders
        on
            invoices.order_source = orders.source_system
            and invoices.order_id = orders.order_id
    where invoices.status <> 'void'

),

credited as (

    select
        receipts_on_live_invoices.receipt_id,
        receipts_on_live_invoices.invoice_id,
        receipts_on_live_invoices.order_key,
        receipts_on_live_invoices.receipt_date,
        receipts_on_live_invoices.receipt_amount,
        receipts_on_live_invoices.employee_id,
        assignments.role,
        assignments.team_id,
        receipts_on_live_invoices.source_file_path,
        receipts_on_live_invoices.source_line_number,
        receipts_on_live_invoices.load_id
    from receipts_on_live_invoices
    left join assignments
        on
            receipts_on_live_invoices.employee_id = assignments.employee_id
            and receipts_on_live_invoices.receipt_date
            between assignments.valid_from_date and assignments.valid_to_date

),

{% if is_incremental() -%}
gone_receipts as (

    select
        receipts_to_recompute.receipt_id,
        null as invoice_id,
        null as order_key,
        null as receipt_date,
        null as receipt_amount,
        null as employee_id,
        null as role,
        null as team_id,
        null as source_file_path,
        null as source_line_number,
        -1 as load_id
    from receipts_to_recompute
    where receipts_to_recompute.receipt_id not in (select credited.receipt_id from credited)

),

final as (

    select * from credited
    union all
    select * from gone_receipts

)
{%- else %}
final as (

    select * from credited

)
{%- endif %}

select * from final
