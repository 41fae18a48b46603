with

assignments as (

    select * from {{ ref('int_employee_assignments') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

assignment_periods as (

    select
        assignments.employee_id,
        assignments.team_id,
        assignments.role,
        periods.period_type,
        periods.period,
        periods.period_start_date,
        periods.period_end_date
    from assignments
    inner join periods
        on
            assignments.valid_from_date <= periods.period_end_date
            and assignments.valid_to_date >= periods.period_start_date
    where periods.is_reported

),

employee_rows as (

    select distinct
        'employee' as entity_type,
        employee_id as entity_id,
        role,
        period_type,
        period,
        period_start_date,
        period_end_date
    from assignment_periods

),

team_rows as (

    select distinct
        'team' as entity_type,
        team_id as entity_id,
        role,
        period_type,
        period,
        period_start_date,
        period_end_date
    from assignment_periods
    where team_id is not null

),

final as (

    select * from employee_rows
    union all
    select * from team_rows

)

select * from final
