{{ config(materialized="table") }}

with

source as (

    select * from {{ source('meta', 'current_file_versions') }}

),

final as (

    select
        load_id,
        file_path
    from source

)

select * from final
