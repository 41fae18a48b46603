{#- The KPI catalog (macros/kpi_catalog.sql) as a table: one row per role and KPI code. -#}
with

catalog as (

    {% for kpi in kpi_catalog() %}
        {% for role in kpi.roles %}
            select
                '{{ role }}' as role,
                '{{ kpi.code }}' as kpi_code,
                '{{ kpi.name_zh }}' as kpi_name_zh,
                '{{ kpi.unit }}' as unit,
                {{ 'true' if kpi.is_ratio else 'false' }} as is_ratio,
                {{ 'true' if kpi.higher else 'false' }} as is_higher_better,
                '{{ kpi.version }}' as definition_version
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        role || ':' || kpi_code as role_kpi_id,
        role,
        kpi_code,
        kpi_name_zh,
        unit,
        is_ratio,
        is_higher_better,
        definition_version
    from catalog

)

select * from final
