{#-
    Customer identity across sources (kpis.md "customer"): for each source record, the first of
    credit code, normalised phone, lower-cased e-mail, own source id that is present.
-#}
with

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

distributors as (

    select * from {{ ref('stg_crm__distributors') }}

),

shop_customers as (

    select * from {{ ref('stg_ecommerce__customers') }}

),

source_records as (

    select
        'crm_account' as customer_source,
        account_id as source_customer_id,
        unified_credit_code,
        contact_phone as phone,
        contact_email as email
    from accounts
    union all
    select
        'crm_distributor' as customer_source,
        distributor_id as source_customer_id,
        unified_credit_code,
        cast(null as varchar) as phone,
        cast(null as varchar) as email
    from distributors
    union all
    select
        'ecommerce' as customer_source,
        customer_id as source_customer_id,
        unified_credit_code,
        phone,
        email
    from shop_customers

),

normalised as (

    select
        customer_source,
        source_customer_id,
        nullif(trim(unified_credit_code), '') as credit_code,
        nullif({{ digits_only('phone') }}, '') as phone_digits,
        nullif(lower(trim(email)), '') as email_address
    from source_records

),

phones as (

    select
        customer_source,
        source_customer_id,
        credit_code,
        email_address,
        case
            when length(phone_digits) = 13 and substring(phone_digits, 1, 2) = '86'
                then substring(phone_digits, 3, 11)
            else phone_digits
        end as phone_number
    from normalised

),

final as (

    select
        customer_source,
        source_customer_id,
        case
            when credit_code is not null then 'ucc:' || credit_code
            when phone_number is not null then 'tel:' || phone_number
            when email_address is not null then 'email:' || email_address
            else customer_source || ':' || source_customer_id
        end as customer_id,
        case
            when credit_code is not null then 'unified_credit_code'
            when phone_number is not null then 'phone'
            when email_address is not null then 'email'
            else 'source_id'
        end as matched_on
    from phones

)

select * from final
