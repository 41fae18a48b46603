with

employees as (

    select * from {{ ref('stg_hr__employees') }}

),

active_assignments as (

    select
        employee_id,
        valid_from,
        valid_to,
        employee_name,
        role,
        team_id,
        manager_id,
        region,
        payroll_id,
        performance_pay_base_amount
    from employees
    where status = 'active'

),

final as (

    select
        employee_id || '@' || cast(valid_from as varchar) as assignment_id,
        employee_id,
        role,
        team_id,
        manager_id,
        region,
        employee_name,
        payroll_id,
        performance_pay_base_amount,
        valid_from as valid_from_date,
        coalesce(valid_to, cast('9999-12-31' as date)) as valid_to_date
    from active_assignments

)

select * from final
