with

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

assignments as (

    select * from {{ ref('int_employee_assignments') }}

),

classified as (

    select
        activity_id,
        employee_id,
        activity_type,
        cast(occurred_at as date) as activity_date,
        activity_type = 'customer_visit'
        and nullif(trim(notes), '') is not null
        and nullif(trim(next_step), '') is not null as is_effective_visit,
        activity_type = 'ka_research'
        and coalesce(is_pain_points_documented, false)
        and coalesce(is_budget_documented, false)
        and coalesce(is_decision_process_documented, false) as is_in_depth_research,
        source_file_path,
        source_line_number,
        load_id
    from activities

),

final as (

    select
        classified.activity_id,
        classified.employee_id,
        classified.activity_type,
        classified.activity_date,
        classified.is_effective_visit,
        classified.is_in_depth_research,
        assignments.role,
        assignments.team_id,
        classified.source_file_path,
        classified.source_line_number,
        classified.load_id
    from classified
    left join assignments
        on
            classified.employee_id = assignments.employee_id
            and classified.activity_date
            between assignments.valid_from_date and assignments.valid_to_date

)

select * from final
