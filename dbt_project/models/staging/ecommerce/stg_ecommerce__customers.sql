{%- set key_columns = ['customer_id'] -%}
{{ config(unique_key=key_columns) }}

with

source as (

    {{ incremental_source(source('raw', 'ecommerce__customers'), key_columns) }}

),

current_file_versions as (

    select * from {{ source('meta', 'current_file_versions') }}

),

current_rows as (

    select source.*
    from source
    where source._load_id in (select current_file_versions.load_id from current_file_versions)

),

renamed as (

    select
        customer_id,
        unified_credit_code,
        phone,
        email,
        registered_at,
        updated_at,
        _source as source_system,
        _extract_date as extract_date,
        _file_path as source_file_path,
        _file_sha256 as source_file_sha256,
        _line_number as source_line_number,
        _load_id as load_id,
        _loaded_at as loaded_at
    from current_rows

),

-- in_scope: the keys this run re-ranks (macros/incremental_staging.sql);
-- ranked_versions, latest_versions: see macros/latest_version.sql
{{ incremental_scope('renamed', key_columns) }},

{{ latest_version('in_scope', key_columns=key_columns, recency_column='updated_at') }},

final as (

    select
        customer_id,
        unified_credit_code,
        phone,
        email,
        registered_at,
        updated_at,
        source_system,
        extract_date,
        source_file_path,
        source_file_sha256,
        source_line_number,
        load_id,
        loaded_at
    from latest_versions

)

select * from final
