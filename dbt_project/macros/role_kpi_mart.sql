{#-
    A wide mart for one role: one row per (entity_type, entity_id, period_type, period), one column
    per KPI of the role holding its value (ratios: the ratio). Reads only `fct_kpi_values`, so the
    numbers are the long table's, pivoted.
-#}
{% macro role_kpi_mart(role) -%}
with

kpi_values as (

    select * from {{ ref('fct_kpi_values') }}
    where role = '{{ role }}'

),

pivoted as (

    select
        entity_type,
        entity_id,
        period_type,
        period,
        period_start_date,
        period_end_date,
        {%- for kpi in kpis_of_role(role) %}
        max(case when kpi_code = '{{ kpi.code }}' then value end) as {{ kpi.code }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from kpi_values
    group by entity_type, entity_id, period_type, period, period_start_date, period_end_date

),

final as (

    select
        entity_type || '|' || entity_id || '|' || period_type || '|' || period as kpi_row_id,
        pivoted.*
    from pivoted

)

select * from final
{%- endmacro %}
