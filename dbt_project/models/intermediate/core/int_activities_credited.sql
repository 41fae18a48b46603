{#-
    CRM activities with their effective-visit and in-depth-research flags and the role and team
    of their employee on the activity date.

    Incremental on activity_id (macros/incremental_crediting.sql): a nightly run recomputes the
    new or changed activities and those of employees whose roster rows changed; every activity
    when a roster file was restated.
-#}
-- sqlfluff:indentation:template_blocks_indent:false
{{ config(unique_key=['activity_id']) }}
-- depends_on: {{ ref('stg_hr__employees') }}
-- depends_on: {{ ref('stg_meta__load_manifest') }}
-- depends_on: {{ ref('stg_meta__current_file_versions') }}

with

activities as (

    select * from {{ ref('stg_crm__activities') }}

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

    {{ restated_inputs('load_manifest', ['hr/employees']) }}

),

activities_to_recompute as (

    select activities.activity_id
    from activities
    where activities.load_id > {{ load_watermark() }}
    union
    {{ rows_of_superseded_loads('activity_id', 'current_file_versions') }}
    union
    {{ rows_of_changed_employees('activity_id', 'employees') }}
    union
    {{ every_row_if_restated('activity_id', 'restated_inputs') }}

),

activities_in_scope as (

    select activities.*
    from activities
    inner join activities_to_recompute
        on activities.activity_id = activities_to_recompute.activity_id

),
{%- else %}
activities_in_scope as (

    select * from activities

),
{%- endif %}

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
    from activities_in_scope

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
