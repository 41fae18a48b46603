{%- set kpi_models = [
    'int_order_kpis_computed',
    'int_retention_kpis_computed',
    'int_activity_kpis_computed',
    'int_channel_kpis_computed',
    'int_ecommerce_kpis_computed',
    'int_key_account_kpis_computed',
    'int_manager_kpis_computed',
] -%}

with

{% for model in kpi_models %}
    {{ model }} as (

        select * from {{ ref(model) }}

    ),

{% endfor %}
unioned as (

    {% for model in kpi_models %}
        select * from {{ model }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select * from unioned

)

select * from final
