{#-
    Every KPI of every role, for every employee and team and every month, quarter and year: the
    skeleton (roles held in the period × the role's KPIs) completed with the computed values.
    Empty sums and counts are 0; a ratio whose denominator is 0 is null.
-#}
with

entity_periods as (

    select * from {{ ref('int_entity_periods') }}

),

kpis as (

    select * from {{ ref('dim_kpis') }}

),

kpi_values as (

    select * from {{ ref('int_kpi_values_unioned') }}

),

expected_rows as (

    select
        entity_periods.entity_type,
        entity_periods.entity_id,
        entity_periods.role,
        entity_periods.period_type,
        entity_periods.period,
        entity_periods.period_start_date,
        entity_periods.period_end_date,
        kpis.kpi_code,
        kpis.unit,
        kpis.is_ratio,
        kpis.is_higher_better,
        kpis.definition_version
    from entity_periods
    inner join kpis
        on entity_periods.role = kpis.role

),

completed as (

    select
        expected_rows.*,
        coalesce(kpi_values.numerator, 0) as numerator,
        case
            when expected_rows.is_ratio then coalesce(kpi_values.denominator, 0)
        end as denominator
    from expected_rows
    left join kpi_values
        on
            {{ same_grain('expected_rows', 'kpi_values') }}
            and expected_rows.kpi_code = kpi_values.kpi_code

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
        period_start_date,
        period_end_date,
        kpi_code,
        cast(numerator as decimal(38, 6)) as numerator,
        cast(denominator as decimal(38, 6)) as denominator,
        cast(
            case
                when is_ratio then {{ safe_ratio('numerator', 'denominator') }}
                else numerator
            end as decimal(38, 6)
        ) as value,
        unit,
        is_ratio,
        is_higher_better,
        definition_version
    from completed

)

select * from final
