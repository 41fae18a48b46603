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
    from receipts
    inner join invoices
        on receipts.invoice_id = invoices.invoice_id
    inner join orders
        on
            invoices.order_source = orders.source_system
            and invoices.order_id = orders.order_id
    where invoices.status <> 'void'

),

final as (

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

)

select * from final
