{#-
    Calendar: each date with the month, quarter and year it belongs to (three rows per date).
    Fiscal years start in month `fiscal_year_start_month` and are named by the calendar year in
    which they start; quarters count from that month; months keep their calendar label.
-#}
{%- set fiscal_start = var('fiscal_year_start_month') | int -%}

with

date_spine as (

    {{ dbt.date_spine(
        datepart='day',
        start_date="cast('" ~ var('calendar_start_date') ~ "' as date)",
        end_date="cast('" ~ var('calendar_end_date') ~ "' as date)"
    ) }}

),

dates as (

    select cast(date_day as date) as date_day
    from date_spine

),

fiscal_positions as (

    select
        date_day,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        extract(year from date_day) as calendar_year,
        extract(month from date_day) as calendar_month,
        -- months since the fiscal year started (0..11)
        mod(extract(month from date_day) - {{ fiscal_start }} + 12, 12) as fiscal_month_index
    from dates

),

fiscal_bounds as (

    select
        date_day,
        month_start_date,
        calendar_year,
        calendar_month,
        fiscal_month_index,
        cast(
            {{ dbt.dateadd('month', '-1 * fiscal_month_index', 'month_start_date') }} as date
        ) as year_start_date,
        cast(
            {{ dbt.dateadd('month', '-1 * mod(fiscal_month_index, 3)', 'month_start_date') }}
            as date
        ) as quarter_start_date,
        cast(floor(fiscal_month_index / 3) as integer) + 1 as fiscal_quarter
    from fiscal_positions

),

labelled as (

    select
        date_day,
        month_start_date,
        quarter_start_date,
        year_start_date,
        cast(extract(year from year_start_date) as varchar) as year_label,
        cast(extract(year from year_start_date) as varchar)
        || '-Q' || cast(fiscal_quarter as varchar) as quarter_label,
        cast(calendar_year as varchar) || '-'
        || case when calendar_month < 10 then '0' else '' end
        || cast(calendar_month as varchar) as month_label
    from fiscal_bounds

),

months as (

    select
        date_day,
        'month' as period_type,
        month_label as period,
        month_start_date as period_start_date,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'month_start_date')) }} as date)
            as period_end_date
    from labelled

),

quarters as (

    select
        date_day,
        'quarter' as period_type,
        quarter_label as period,
        quarter_start_date as period_start_date,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 3, 'quarter_start_date')) }} as date)
            as period_end_date
    from labelled

),

years as (

    select
        date_day,
        'year' as period_type,
        year_label as period,
        year_start_date as period_start_date,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 12, 'year_start_date')) }} as date)
            as period_end_date
    from labelled

),

final as (

    select * from months
    union all
    select * from quarters
    union all
    select * from years

)

select * from final
