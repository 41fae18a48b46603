{#-
    The target version in force for each scope, period and KPI at the calculation time (macro
    calculation_time: var `calculation_time`, default when the run started): the highest version
    of the target approved at or before it. Versions approved later, and unapproved versions, are
    ignored (they stay in int_targets_versioned and fct_target_history).
-#}
with

targets_versioned as (

    select * from {{ ref('int_targets_versioned') }}

),

approved_versions as (

    select *
    from targets_versioned
    where approved_at <= {{ calculation_time() }}

),

ranked_versions as (

    select
        approved_versions.*,
        row_number() over (
            partition by approved_versions.target_id
            order by approved_versions.version desc
        ) as version_rank
    from approved_versions

),

latest_versions as (

    select *
    from ranked_versions
    where version_rank = 1

),

-- one target per scope, period and KPI: should two target ids cover the same one, the one
-- approved last wins (then the higher target_id), so the grain holds
ranked_targets as (

    select
        latest_versions.*,
        row_number() over (
            partition by
                latest_versions.scope_type,
                latest_versions.scope_id,
                latest_versions.period_type,
                latest_versions.period,
                latest_versions.kpi_code
            order by latest_versions.approved_at desc, latest_versions.target_id desc
        ) as target_rank
    from latest_versions

),

final as (

    select
        scope_type,
        scope_id,
        period_type,
        period,
        kpi_code,
        target_id,
        version,
        base_value,
        challenge_value,
        stretch_value,
        approved_at,
        approved_by,
        reason
    from ranked_targets
    where target_rank = 1

)

select * from final
