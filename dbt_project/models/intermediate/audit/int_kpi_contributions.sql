{#-
    The audit trail of every KPI value: per KPI row of fct_kpi_values (same kpi_value_id) each
    source row that adds to its numerator or denominator, with what it adds (`contribution`) and
    the file, line and load it came from. numerator = sum(numerator contributions) ÷
    contribution_divisor (1, or 60 for seconds shown for minutes); likewise the denominator.
    A view: the nightly run pays nothing; `kpiwh trace` filters it to one KPI value.
-#}
{%- set contribution_models = [
    'int_order_kpi_contributions',
    'int_retention_kpi_contributions',
    'int_activity_kpi_contributions',
    'int_channel_kpi_contributions',
    'int_ecommerce_kpi_contributions',
    'int_key_account_kpi_contributions',
    'int_manager_kpi_contributions',
] -%}

with

{% for model in contribution_models %}
    {{ model }} as (

        select * from {{ ref(model) }}

    ),

{% endfor %}
unioned as (

    {% for model in contribution_models %}
        select
            entity_type,
            entity_id,
            role,
            period_type,
            period,
            kpi_code,
            side,
            contribution,
            contribution_divisor,
            record_type,
            record_id,
            event_date,
            note,
            source_file_path,
            source_line_number,
            load_id
        from {{ model }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            'entity_type', "'|'", 'entity_id', "'|'", 'role', "'|'",
            'period_type', "'|'", 'period', "'|'", 'kpi_code'
        ])) }} as kpi_value_id,
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        kpi_code,
        side,
        cast(contribution as decimal(38, 6)) as contribution,
        cast(contribution_divisor as integer) as contribution_divisor,
        record_type,
        record_id,
        event_date,
        note,
        source_file_path,
        source_line_number,
        load_id
    from unioned

)

select * from final
