{#-
    Every version of every target, with the period it covers and when it was valid: from its
    approval until the next approved version of the same target (valid_from ≤ t < superseded_at).
-#}
with

targets as (

    select * from {{ ref('stg_plan__targets') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

typed_targets as (

    select
        target_id,
        cast(version as integer) as version,
        scope_type,
        scope_id,
        -- labels as in plan/targets.csv: 2026-03, 2026-Q1, 2026 (quarter before month: both 7 long)
        case
            when period like '____-Q_' then 'quarter'
            when period like '____-__' then 'month'
            when period like '____' then 'year'
        end as period_type,
        period,
        kpi_code,
        cast(base_value as decimal(38, 6)) as base_value,
        cast(challenge_value as decimal(38, 6)) as challenge_value,
        cast(stretch_value as decimal(38, 6)) as stretch_value,
        reason,
        approved_by,
        approved_at,
        source_file_path,
        source_file_sha256,
        source_line_number,
        load_id
    from targets

),

validity as (

    select
        typed_targets.*,
        -- the earliest approval among later versions: from then on a later version is in force
        min(typed_targets.approved_at) over (
            partition by typed_targets.target_id
            order by typed_targets.version
            rows between 1 following and unbounded following
        ) as superseded_at
    from typed_targets

),

final as (

    select
        validity.target_id,
        validity.version,
        validity.scope_type,
        validity.scope_id,
        validity.period_type,
        validity.period,
        periods.period_start_date,
        periods.period_end_date,
        validity.kpi_code,
        validity.base_value,
        validity.challenge_value,
        validity.stretch_value,
        validity.reason,
        validity.approved_by,
        validity.approved_at,
        validity.approved_at is not null as is_approved,
        validity.approved_at as valid_from,
        validity.superseded_at,
        validity.source_file_path,
        validity.source_file_sha256,
        validity.source_line_number,
        validity.load_id
    from validity
    left join periods
        on
            validity.period_type = periods.period_type
            and validity.period = periods.period

)

select * from final
