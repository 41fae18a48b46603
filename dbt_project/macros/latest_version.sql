{#-
    The one definition of "latest version of each key" used by every staging model.

    Emits three CTEs, to be placed inside a `with` clause (the caller adds the trailing comma):
      repeated_keys    the hash of every key that has more than one row in `relation`
      ranked_versions  the rows of those keys, numbered per key from newest (1) to oldest
      latest_versions  the newest row per key (a key with one row is its own newest), with the
                       helper column `version_rank` (1)

    Newest means, in this order:
      1. the highest `recency_column` (e.g. updated_at), if the entity has one (nulls last);
      2. the later `extract_date` (the night the source exported the file);
      3. the later `load_id` (a later load of the same night);
      4. the later `source_line_number` (the last occurrence within one file).

    Only keys with several rows are ranked: most keys arrive once, and a window over every row
    of a 10 M-row first build sorts all of them for nothing (at M, stg_ecommerce__order_lines
    11.6 s -> 6.5 s, docs/benchmarks.md round 9). The split is by a 64-bit hash of the key, so a
    hash collision only sends two single-version keys through the ranking, which partitions by
    the key itself: the result is the same as ranking every row.

    `relation` must carry the staging provenance names (extract_date, load_id,
    source_line_number). Standard SQL apart from the key hash (`version_key_hash`, dispatched per
    adapter); row_number + filter, no QUALIFY, so the models stay portable.
-#}
{% macro latest_version(relation, key_columns, recency_column=none) -%}
    {%- set order_by = [] -%}
    {%- if recency_column -%}
        {%- do order_by.append(recency_column ~ ' desc nulls last') -%}
    {%- endif -%}
    {%- do order_by.append('extract_date desc') -%}
    {%- do order_by.append('load_id desc') -%}
    {%- do order_by.append('source_line_number desc') -%}
    {%- set key_hash = version_key_hash(relation, key_columns) -%}
repeated_keys as (

    select {{ key_hash }} as key_hash
    from {{ relation }}
    group by {{ key_hash }}
    having count(*) > 1

),

ranked_versions as (

    select
        {{ relation }}.*,
        row_number() over (
            partition by {{ key_columns | join(', ') }}
            order by {{ order_by | join(', ') }}
        ) as version_rank
    from {{ relation }}
    where {{ key_hash }} in (select repeated_keys.key_hash from repeated_keys)

),

latest_versions as (

    select
        {{ relation }}.*,
        cast(1 as bigint) as version_rank
    from {{ relation }}
    where {{ key_hash }} not in (select repeated_keys.key_hash from repeated_keys)

    union all

    select *
    from ranked_versions
    where version_rank = 1

)
{%- endmacro %}


{#- A 64-bit hash of a row's key columns, never null (a null key column hashes too). -#}
{% macro version_key_hash(relation, key_columns) -%}
    {{ return(adapter.dispatch('version_key_hash')(relation, key_columns)) }}
{%- endmacro %}

{% macro default__version_key_hash(relation, key_columns) -%}
    {{ exceptions.raise_compiler_error(
        "version_key_hash has no implementation for " ~ target.type ~ ": add one (a non-null "
        ~ "64-bit hash of the columns " ~ key_columns | join(', ') ~ " of " ~ relation ~ ")"
    ) }}
{%- endmacro %}

{% macro duckdb__version_key_hash(relation, key_columns) -%}
    hash({% for column in key_columns %}{{ relation }}.{{ column }}{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}

{% macro spark__version_key_hash(relation, key_columns) -%}
    xxhash64({% for column in key_columns %}{{ relation }}.{{ column }}{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}
