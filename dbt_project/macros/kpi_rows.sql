{#-
    Unpivots an aggregated relation into the long KPI shape of docs/kpi_models.md:
    (entity_type, entity_id, role, period_type, period, kpi_code, numerator, denominator).

    `kpis` maps each KPI code to [numerator column, denominator column or none]. Every KPI model
    ends with this macro, so the long shape is defined once.
-#}
{% macro kpi_rows(relation, kpis) -%}
    {%- for code, columns in kpis.items() %}
    select
        entity_type,
        entity_id,
        role,
        period_type,
        period,
        '{{ code }}' as kpi_code,
        cast({{ columns[0] }} as decimal(38, 6)) as numerator,
        cast({{ columns[1] if columns[1] else 'null' }} as decimal(38, 6)) as denominator
    from {{ relation }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#-
    Each credited event once per entity that owns it: the employee credited and that employee's team
    on the event date. `relation` needs `employee_id` and `team_id`; adds entity_type, entity_id.

    `relation` is read once, paired with the two entity types: a union of two selects would read
    it twice, and DuckDB then materialises the relation (a CTE used twice) in memory instead of
    streaming it — at L (100 M order lines) the valid shop orders alone outgrew the memory budget.
-#}
{% macro for_each_entity(relation) -%}
    select
        entity_types.entity_type,
        case
            when entity_types.entity_type = 'employee' then {{ relation }}.employee_id
            else {{ relation }}.team_id
        end as entity_id,
        {{ relation }}.*
    from {{ relation }}
    cross join (
        select 'employee' as entity_type
        union all
        select 'team' as entity_type
    ) as entity_types
    where entity_types.entity_type = 'employee' or {{ relation }}.team_id is not null
{%- endmacro %}

{#- numerator ÷ denominator as a KPI value: null when the denominator is 0 or null, rounded half-up
    to 6 decimals (DuckDB divides decimals in double precision; the cast brings it back). -#}
{% macro safe_ratio(numerator, denominator) -%}
    case
        when {{ denominator }} is null or {{ denominator }} = 0 then null
        else cast(round(cast({{ numerator }} as double) / cast({{ denominator }} as double), 6) as decimal(38, 6))
    end
{%- endmacro %}

{#- The join condition of two relations on the KPI grain (entity, role, period) — or on the
    `columns` given. -#}
{% macro same_grain(left, right, columns=['entity_type', 'entity_id', 'role', 'period_type', 'period']) -%}
    {%- for column in columns -%}
        {{ left }}.{{ column }} = {{ right }}.{{ column }}{% if not loop.last %} and {% endif %}
    {%- endfor -%}
{%- endmacro %}
