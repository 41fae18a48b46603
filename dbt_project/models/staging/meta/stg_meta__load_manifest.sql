{{ config(materialized="table") }}

with

source as (

    select * from {{ source('meta', 'load_manifest') }}

),

renamed as (

    select
        load_id,
        batch_id,
        source as source_system,
        entity,
        extract_date,
        file_path,
        file_sha256,
        encoding,
        status as load_status,
        reason as rejection_reason,
        rows_read,
        rows_loaded,
        rows_quarantined,
        supersedes_load_id,
        started_at,
        finished_at
    from source

),

final as (

    select * from renamed

)

select * from final
