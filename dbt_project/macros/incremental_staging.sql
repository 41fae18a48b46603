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
    where {{ relation }}.load_id > {{ load_watermark() }}

    union

    {{ superseded_keys(key_columns) }}

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
    The `source` CTE of an incremental staging model: `raw_relation` (the model's one
    `source()`), whole in a full build; in an incremental run only the raw rows that
    `incremental_scope` can re-rank, so a nightly drop no longer reads the whole raw table
    (at M scale 10 M order lines for 11 k new ones: docs/benchmarks.md, round 11):

      - every row of a load above the table's load watermark (the new loads), and
      - the rows of older loads whose key is in the table already and either has a row in a new
        load (a record sent again) or whose row came from a load that is no longer current (a
        restated file: the key falls back to an older version).

    That is every current row of every key `incremental_scope` keeps: a key that is not in the
    table has no current row in an older load, since file versions only ever stop being
    current and the table's last build kept a row for every key that had one. The scope after
    it is unchanged and exact; this is the cheap superset it reads from.

    The watermark is read before the model's SQL runs and written into it as a number (a
    subquery would hide it from the engine, which then scans every row group of the raw table
    instead of the newest). `raw_key_columns`: the key's names in the raw table when staging
    renames one (default `key_columns`). Standard SQL: a union and inner joins.
-#}
{% macro incremental_source(raw_relation, key_columns, raw_key_columns=none) -%}
{%- if is_incremental() -%}
{%- set raw_keys = raw_key_columns or key_columns -%}
{%- set watermark = staging_load_watermark() -%}
select raw_rows.*
from {{ raw_relation }} as raw_rows
where raw_rows._load_id > {{ watermark }}

union all

select raw_rows.*
from {{ raw_relation }} as raw_rows
inner join (

    select {% for key in raw_keys %}new_rows.{{ key }}{{ ', ' if not loop.last }}{% endfor %}
    from {{ raw_relation }} as new_rows
    inner join {{ this }} as existing
        on
        {%- for key in raw_keys %}
            {{ 'and ' if not loop.first }}new_rows.{{ key }} = existing.{{ key_columns[loop.index0] }}
        {%- endfor %}
    where new_rows._load_id > {{ watermark }}

    union

    {{ superseded_keys(key_columns, as_columns=raw_keys) }}

) as revisited_keys
    on
    {%- for key in raw_keys %}
        {{ 'and ' if not loop.first }}raw_rows.{{ key }} = revisited_keys.{{ key }}
    {%- endfor %}
where raw_rows._load_id <= {{ watermark }}
{%- else -%}
select * from {{ raw_relation }}
{%- endif -%}
{%- endmacro %}


{#- Rows: the keys of the table's rows whose file version is no longer current (a restated
    file superseded it), named `as_columns` (default `key_columns`). -#}
{% macro superseded_keys(key_columns, as_columns=none) -%}
{%- set names = as_columns or key_columns -%}
select {% for key in key_columns %}existing.{{ key }}{{ ' as ' ~ names[loop.index0] if names[loop.index0] != key }}{{ ', ' if not loop.last }}{% endfor %}
from {{ this }} as existing
where existing.load_id not in (
    select current_file_versions.load_id
    from {{ source('meta', 'current_file_versions') }} as current_file_versions
)
{%- endmacro %}


{#- `load_watermark()` (macros/incremental_crediting.sql) as a number, read when the model runs
    (`execute`; at parse time, and for sqlfluff, -1 stands in). -#}
{% macro staging_load_watermark() -%}
{%- if execute -%}
{%- set result = run_query("select " ~ load_watermark() ~ " as watermark") -%}
{{- return(result.columns[0].values()[0] | int) -}}
{%- endif -%}
{{- return(-1) -}}
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
