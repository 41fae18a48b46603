{#-
    Incremental staging: a nightly drop re-ranks only the keys it touches.

    A staging table holds, per key, the latest version among the rows of current file versions
    (macros/latest_version.sql). When new files load, or a restated file supersedes an older load,
    only the keys with a row in those loads can change. In an incremental run `in_scope` keeps the
    current rows of exactly those keys:
      - keys with a current row from a load newer than any load the table holds, and
      - keys whose row in the table came from a load that is no longer current (superseded by a
        restated file: the key falls back to an older version, or has none left);
    every current row of such a key is re-ranked, and `delete+insert` on the key replaces it.
    Keys left with no current row at all are removed by `delete_superseded_versions`, the staging
    folder's post-hook. In a full build (first run, `--full-refresh`, a changed dbt project:
    orchestration/build_state.py) `in_scope` is every current row.

    Emits the CTEs `affected_keys` (incremental runs only) and `in_scope`, to be placed inside a
    `with` clause (the caller adds the trailing comma). `relation` carries the staging names
    (`load_id`); `key_columns` are the model's `unique_key`. Standard SQL: a distinct union and an
    inner join, so the models stay portable.
-#}
{% macro incremental_scope(relation, key_columns) -%}
{%- if is_incremental() -%}
affected_keys as (

    select {{ key_columns | join(', ') }}
    from {{ relation }}
    where {{ relation }}.load_id > (select coalesce(max(existing.load_id), -1) from {{ this }} as existing)

    union

    select {{ key_columns | join(', ') }}
    from {{ this }} as existing
    where existing.load_id not in (
        select current_file_versions.load_id
        from {{ source('meta', 'current_file_versions') }} as current_file_versions
    )

),

in_scope as (

    select {{ relation }}.*
    from {{ relation }}
    inner join affected_keys
        on
        {%- for key in key_columns %}
            {{ 'and ' if not loop.first }}{{ relation }}.{{ key }} = affected_keys.{{ key }}
        {%- endfor %}

)
{%- else -%}
in_scope as (

    select * from {{ relation }}

)
{%- endif -%}
{%- endmacro %}


{#-
    Post-hook of the staging folder: in an incremental run, remove the rows whose file version
    is no longer current and that no newer version replaced (their key has no current row left).
    Nothing to do in a full build, which reads current rows only, nor in a table model
    (`is_incremental()` is false for both).
-#}
{% macro delete_superseded_versions() -%}
{%- if is_incremental() -%}
delete from {{ this }}
where load_id not in (
    select current_file_versions.load_id
    from {{ source('meta', 'current_file_versions') }} as current_file_versions
)
{%- endif -%}
{%- endmacro %}
