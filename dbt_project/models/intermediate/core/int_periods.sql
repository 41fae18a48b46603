with

period_dates as (

    select * from {{ ref('int_period_dates') }}

),

periods as (

    select distinct
        period_type,
        period,
        period_start_date,
        period_end_date
    from period_dates

),

final as (

    select
        period_type,
        period,
        period_start_date,
        period_end_date,
        -- the 12 whole months before the period start (retention base) and the 12 whole months
        -- ending with the period's last month (trailing windows: key accounts, CLV)
        cast({{ dbt.dateadd('month', -12, 'period_start_date') }} as date)
            as prior_12_months_start_date,
        cast(
            {{ dbt.dateadd('month', -11, dbt.date_trunc('month', 'period_end_date')) }} as date
        ) as trailing_12_months_start_date,
        -- periods the warehouse reports: started by the as-of date, ending after history starts
        period_start_date <= {{ as_of_date() }}
        and period_end_date >= {{ history_start_date() }} as is_reported
    from periods

)

select * from final
