{#-
    The moment targets are read as of: var `calculation_time` when set (re-runs, tests), else the
    moment this dbt invocation started, as business-time wall clock (var `business_timezone`), the
    way every timestamp in the warehouse is stored. Rendered as a literal, so all models of one run
    use the same moment and the SQL stays portable (no engine-specific "now in time zone").
-#}
{% macro calculation_time() -%}
    {%- if var('calculation_time', none) -%}
        cast('{{ var("calculation_time") }}' as timestamp)
    {%- else -%}
        {%- set business_tz = modules.pytz.timezone(var('business_timezone')) -%}
        cast('{{ run_started_at.astimezone(business_tz).strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp)
    {%- endif -%}
{%- endmacro %}


{#-
    When this dbt invocation computed a row: the moment it started, in UTC. The incremental models
    stamp every row they write with it (`computed_at`), so a model or check downstream can take the
    rows computed after its own last look (`where computed_at > …`), the usual incremental idiom.
    UTC rather than business time: a marker that must only grow, which a wall clock with daylight
    saving does not. Not a business timestamp: the KPI fingerprints leave it out
    (macros/incremental_kpis.sql), so recomputing a row to the same values changes nothing.
-#}
{% macro computed_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}
