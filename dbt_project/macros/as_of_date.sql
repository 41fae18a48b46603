{#-
    The date the warehouse is current to: var `as_of_date` when set (backfills, tests), else the
    latest extract date loaded. Periods starting after it get no rows.
-#}
{% macro as_of_date() -%}
    {%- if var('as_of_date', none) -%}
        cast('{{ var("as_of_date") }}' as date)
    {%- else -%}
        (select max(extract_date) from {{ ref('stg_meta__load_manifest') }} where load_status = 'loaded')
    {%- endif -%}
{%- endmacro %}

{#-
    The first date the warehouse has history for: var `history_start_date` when set, else the
    earliest extract date loaded. Periods that end before it get no rows (no data, not zero).
-#}
{% macro history_start_date() -%}
    {%- if var('history_start_date', none) -%}
        cast('{{ var("history_start_date") }}' as date)
    {%- else -%}
        (select min(extract_date) from {{ ref('stg_meta__load_manifest') }} where load_status = 'loaded')
    {%- endif -%}
{%- endmacro %}
