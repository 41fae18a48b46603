{#-
    The one definition of "latest version of each key" used by every staging model.

    Emits two CTEs, to be placed inside a `with` clause (the caller adds the trailing comma):
      ranked_versions  every row of `relation`, numbered per key from newest (1) to oldest
      latest_versions  the newest row per key, with the helper column `version_rank`

    Newest means, in this order:
      1. the highest `recency_column` (e.g. updated_at), if the entity has one (nulls last);
      2. the later `extract_date` (the night the source exported the file);
      3. the later `load_id` (a later load of the same night);
      4. the later `source_line_number` (the last occurrence within one file).

    `relation` must carry the staging provenance names (extract_date, load_id,
    source_line_number). Standard SQL only (row_number + filter, no QUALIFY) so the models stay
    portable to engines without QUALIFY.
-#}
{% macro latest_version(relation, key_columns, recency_column=none) -%}
    {%- set order_by = [] -%}
    {%- if recency_column -%}
        {%- do order_by.append(recency_column ~ ' desc nulls last') -%}
    {%- endif -%}
    {%- do order_by.append('extract_date desc') -%}
    {%- do order_by.append('load_id desc') -%}
    {%- do order_by.append('source_line_number desc') -%}
ranked_versions as (

    select
        {{ relation }}.*,
        row_number() over (
            partition by {{ key_columns | join(', ') }}
            order by {{ order_by | join(', ') }}
        ) as version_rank
    from {{ relation }}

),

latest_versions as (

    select *
    from ranked_versions
    where version_rank = 1

)
{%- endmacro %}
