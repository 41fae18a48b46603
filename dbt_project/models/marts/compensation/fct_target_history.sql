{#-
    Target adjustment record (目标调整记录): every version of every target, whether it is the one
    in force, and how it changed the previous version.
-#}
with

targets_versioned as (

    select * from {{ ref('int_targets_versioned') }}

),

targets_in_force as (

    select * from {{ ref('int_targets_in_force') }}

),

with_previous as (

    select
        targets_versioned.*,
        lag(targets_versioned.version) over (
            partition by targets_versioned.target_id order by targets_versioned.version
        ) as previous_version,
        lag(targets_versioned.base_value) over (
            partition by targets_versioned.target_id order by targets_versioned.version
        ) as previous_base_value,
        lag(targets_versioned.challenge_value) over (
            partition by targets_versioned.target_id order by targets_versioned.version
        ) as previous_challenge_value,
        lag(targets_versioned.stretch_value) over (
            partition by targets_versioned.target_id order by targets_versioned.version
        ) as previous_stretch_value
    from targets_versioned

),

final as (

    select
        with_previous.target_id,
        with_previous.version,
        with_previous.scope_type,
        with_previous.scope_id,
        with_previous.period_type,
        with_previous.period,
        with_previous.period_start_date,
        with_previous.period_end_date,
        with_previous.kpi_code,
        with_previous.base_value,
        with_previous.challenge_value,
        with_previous.stretch_value,
        with_previous.reason,
        with_previous.approved_by,
        with_previous.approved_at,
        with_previous.superseded_at,
        with_previous.is_approved,
        targets_in_force.target_id is not null as is_in_force,
        with_previous.previous_version,
        with_previous.previous_base_value,
        with_previous.previous_challenge_value,
        with_previous.previous_stretch_value,
        cast(with_previous.base_value - with_previous.previous_base_value as decimal(38, 6))
            as base_value_change,
        cast(with_previous.challenge_value - with_previous.previous_challenge_value as decimal(38, 6))
            as challenge_value_change,
        cast(with_previous.stretch_value - with_previous.previous_stretch_value as decimal(38, 6))
            as stretch_value_change,
        with_previous.source_file_path,
        with_previous.source_file_sha256,
        with_previous.source_line_number,
        with_previous.load_id
    from with_previous
    left join targets_in_force
        on
            with_previous.target_id = targets_in_force.target_id
            and with_previous.version = targets_in_force.version

)

select * from final
