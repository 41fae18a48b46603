{#-
    Incremental KPI families: a KPI family model (int_order_kpis_computed,
    int_ecommerce_kpis_computed, int_activity_kpis_computed, int_retention_kpis_computed)
    recomputes, on a nightly run, only the periods its changed input rows reach, and keeps every
    other period's rows as they are.

    The periods are found by fingerprints, not by load ids: a changed or removed event also
    changes the period it used to be in, and the family's rows no longer say which event that was.

      1. `fingerprint_kpi_inputs` (pre-hook, every build) writes `<model>__inputs_now`, for each
         model the family refs (`kpi_input_dates` says how its rows reach periods): per month of
         a dated input, the row count and the sum of a hash of every column; per row of an input
         valid over a range of dates (roster, store operators), its hash with those dates; one
         row for an input read whole (the calendar);
      2. `choose_kpi_periods_to_refresh` (pre-hook, incremental runs) compares it with
         `<model>__inputs_seen`, the fingerprints of the last successful build, and writes
         `<model>__periods_to_refresh`: every calendar period that overlaps the dates of a
         fingerprint found on one side only (a month whose rows differ; a roster row that is new,
         gone or changed, over its old and its new validity), or starts up to
         `kpi_reach_months` months after them (retention: 12); every period (and every period the
         model holds) when a whole input changed or no fingerprints were kept;
      3. `delete_kpi_periods_to_refresh` (pre-hook, incremental runs) deletes those periods'
         rows; the model computes those periods only (`kpi_periods_to_build` restricts the
         family's calendar, and the engine the events joined to it) and they are appended;
      4. `remember_kpi_inputs` (post-hook) keeps `inputs_now` as the new `inputs_seen`.

    Hooks run in the model's transaction: a build that fails leaves its rows and `inputs_seen` as
    they were, and the next run recomputes from there. A family must ref only models listed in
    `kpi_input_dates` (checked when the hook renders), so no input can change unseen. Hashing a
    row is the one engine-specific piece (`kpi_row_hash`); deleting rows needs an engine that can
    (Delta tables on Spark). Equal to a full rebuild: tests/dbt_project/test_incremental_kpis.py.
-#}

{#- Per KPI input, how its rows reach periods: by one date (its rows are fingerprinted per month),
    by the dates a row is valid from and to (each row is fingerprinted: a changed row reaches the
    periods its old and new validity overlap), or none (the whole table: any change reaches every
    period). -#}
{% macro kpi_input_dates() -%}
    {{ return({
        'int_orders_unified': 'order_date',
        'int_customer_first_orders': 'first_order_date',
        'int_receipts_credited': 'receipt_date',
        'int_activities_credited': 'activity_date',
        'stg_ecommerce__traffic_daily': 'traffic_date',
        'stg_ecommerce__service_tickets': 'cast(opened_at as date)',
        'stg_ecommerce__campaigns': 'start_date',
        'int_store_operators_dated': ['valid_from_at', 'valid_to_at'],
        'int_employee_assignments': ['valid_from_date', 'valid_to_date'],
        'int_period_dates': none,
        'int_periods': none,
    }) }}
{%- endmacro %}


{#- A table kept beside the model for its incremental state, `<model>__<suffix>`. -#}
{% macro kpi_state_relation(suffix) -%}
    {{ return(api.Relation.create(
        database=this.database,
        schema=this.schema,
        identifier=this.identifier ~ '__' ~ suffix,
        type='table',
    )) }}
{%- endmacro %}


{#- The models this family refs, each with its date; fails the build on an unlisted input. -#}
{% macro kpi_family_inputs() -%}
    {%- set dates = kpi_input_dates() -%}
    {%- set inputs = [] -%}
    {%- for node_id in model.depends_on.nodes if node_id.startswith('model.') -%}
        {%- set name = node_id.split('.')[-1] -%}
        {%- if name not in dates -%}
            {{ exceptions.raise_compiler_error(
                model.name ~ " refs " ~ name ~ ", which macros/incremental_kpis.sql does not "
                ~ "fingerprint: add it to kpi_input_dates() with the date its rows are placed by"
            ) }}
        {%- endif -%}
        {%- do inputs.append((name, dates[name])) -%}
    {%- endfor -%}
    {{ return(inputs | sort) }}
{%- endmacro %}


{#- The inputs whose rows carry `computed_at` (macros/calculation_time.sql): when a night
    recomputed the row, not what it says. A fingerprint leaves it out, so an order recomputed to
    the same values (its customer's record changed, say) refreshes no period. The nightly gate
    scopes its checks by the same models' column (quality/scope.py, MARKED_RELATIONS). -#}
{% macro kpi_unhashed_columns(name) -%}
    {{ return({
        'int_orders_unified': ['computed_at'],
        'int_customer_first_orders': ['computed_at'],
    }.get(name, [])) }}
{%- endmacro %}


{#- A hash of a whole row (`relation_alias`: the row's table alias) but the columns `excluded`,
    as an exact number that sums without overflow. `columns`: every column of the row, for an
    engine that must name the ones it hashes. -#}
{% macro kpi_row_hash(relation_alias, excluded=[], columns=none) -%}
    {{ return(adapter.dispatch('kpi_row_hash')(relation_alias, excluded, columns)) }}
{%- endmacro %}

{% macro default__kpi_row_hash(relation_alias, excluded, columns) -%}
    {{ exceptions.raise_compiler_error(
        "kpi_row_hash has no implementation for " ~ target.type ~ ": add one (a 64-bit hash of "
        ~ "every column of " ~ relation_alias ~ " but " ~ excluded ~ ", cast to decimal(38, 0))"
    ) }}
{%- endmacro %}

{% macro duckdb__kpi_row_hash(relation_alias, excluded, columns) -%}
    {%- if excluded -%}
    cast(hash(*columns({{ relation_alias }}.* exclude ({{ excluded | join(', ') }}))) as decimal(38, 0))
    {%- else -%}
    cast(hash({{ relation_alias }}) as decimal(38, 0))
    {%- endif -%}
{%- endmacro %}

{% macro spark__kpi_row_hash(relation_alias, excluded, columns) -%}
    {%- if excluded -%}
    {%- set hashed = [] -%}
    {%- for column in columns or [] if column | lower not in excluded -%}
        {%- do hashed.append(relation_alias ~ '.' ~ adapter.quote(column)) -%}
    {%- endfor -%}
    cast(xxhash64({{ hashed | join(', ') }}) as decimal(38, 0))
    {%- else -%}
    cast(xxhash64({{ relation_alias }}.*) as decimal(38, 0))
    {%- endif -%}
{%- endmacro %}


{#- kpi_row_hash of a row of the family input `name`. -#}
{% macro kpi_input_row_hash(name, relation_alias) -%}
    {%- set excluded = kpi_unhashed_columns(name) -%}
    {%- set columns = none -%}
    {%- if excluded and target.type in ('spark', 'databricks') and execute -%}
        {%- set columns = adapter.get_columns_in_relation(ref(name)) | map(attribute='name') | list -%}
    {%- endif -%}
    {{ return(kpi_row_hash(relation_alias, excluded, columns)) }}
{%- endmacro %}


{% macro fingerprint_kpi_inputs() -%}
create or replace table {{ kpi_state_relation('inputs_now') }} as
{% for name, dates in kpi_family_inputs() -%}
{%- if dates is string %}
-- {{ name }}: per month of {{ dates }}
select
    '{{ name }}' as input_name,
    months.from_date,
    cast({{ dbt.last_day('months.from_date', 'month') }} as date) as to_date,
    months.row_count,
    months.fingerprint
from (
    select
        cast({{ dbt.date_trunc('month', dates) }} as date) as from_date,
        count(*) as row_count,
        sum({{ kpi_input_row_hash(name, 'fingerprinted') }}) as fingerprint
    from {{ ref(name) }} as fingerprinted
    group by cast({{ dbt.date_trunc('month', dates) }} as date)
) as months
{%- elif dates %}
-- {{ name }}: each row, with the dates it is valid from and to
select
    '{{ name }}' as input_name,
    cast({{ dates[0] }} as date) as from_date,
    cast({{ dates[1] }} as date) as to_date,
    count(*) as row_count,
    {{ kpi_input_row_hash(name, 'fingerprinted') }} as fingerprint
from {{ ref(name) }} as fingerprinted
group by
    cast({{ dates[0] }} as date),
    cast({{ dates[1] }} as date),
    {{ kpi_input_row_hash(name, 'fingerprinted') }}
{%- else %}
-- {{ name }}: the whole table
select
    '{{ name }}' as input_name,
    cast(null as date) as from_date,
    cast(null as date) as to_date,
    count(*) as row_count,
    sum({{ kpi_input_row_hash(name, 'fingerprinted') }}) as fingerprint
from {{ ref(name) }} as fingerprinted
{%- endif %}
{% if not loop.last %}union all
{% endif -%}
{%- endfor %}
{%- endmacro %}


{#- How many months past a changed date the family's KPIs can change: 0 for a period-local
    family, 12 for one whose periods look back over the 12 months before them (retention). Set per
    model as `meta: {kpi_reach_months: N}`. -#}
{% macro kpi_reach_months() -%}
    {{ return((model.config.get('meta') or {}).get('kpi_reach_months', 0) | int) }}
{%- endmacro %}


{% macro choose_kpi_periods_to_refresh() -%}
{%- if is_incremental() -%}
{%- set seen = load_relation(kpi_state_relation('inputs_seen')) -%}
{%- set reach_months = kpi_reach_months() -%}
create or replace table {{ kpi_state_relation('periods_to_refresh') }} as
with

inputs_now as (

    select * from {{ kpi_state_relation('inputs_now') }}

),

inputs_seen as (

    {%- if seen is none %}
    -- no fingerprints kept (a model built before they were): every period
    select
        cast(null as varchar) as input_name,
        cast(null as date) as from_date,
        cast(null as date) as to_date,
        cast(-1 as bigint) as row_count,
        cast(null as decimal(38, 0)) as fingerprint
    {%- else %}
    select * from {{ seen }}
    {%- endif %}

),

-- a fingerprint on one side only: the dates of a month whose rows differ, or of a row that is
-- new or gone; null dates: a whole input differs
changed_dates as (

    select
        coalesce(inputs_now.from_date, inputs_seen.from_date) as from_date,
        coalesce(inputs_now.to_date, inputs_seen.to_date) as to_date
    from inputs_now
    full outer join inputs_seen
        on
            inputs_now.input_name = inputs_seen.input_name
            and inputs_now.row_count = inputs_seen.row_count
            and inputs_now.fingerprint = inputs_seen.fingerprint
            and (
                inputs_now.from_date = inputs_seen.from_date
                or (inputs_now.from_date is null and inputs_seen.from_date is null)
            )
            and (
                inputs_now.to_date = inputs_seen.to_date
                or (inputs_now.to_date is null and inputs_seen.to_date is null)
            )
    where inputs_now.input_name is null or inputs_seen.input_name is null

),

calendar_periods as (

    select distinct
        period_type,
        period,
        period_start_date,
        period_end_date
    from {{ ref('int_period_dates') }}

),

every_period as (

    select count(*) > 0 as is_refreshed
    from changed_dates
    where from_date is null or to_date is null

),

final as (

    select
        calendar_periods.period_type,
        calendar_periods.period
    from calendar_periods
    where
        (select every_period.is_refreshed from every_period)
        or exists (
            select 1
            from changed_dates
            where
                changed_dates.from_date <= calendar_periods.period_end_date
                {%- if reach_months > 0 %}
                -- a change reaches the periods starting up to {{ reach_months }} months after it
                and changed_dates.to_date >= cast({{
                    dbt.dateadd('month', -reach_months, 'calendar_periods.period_start_date')
                }} as date)
                {%- else %}
                and changed_dates.to_date >= calendar_periods.period_start_date
                {%- endif %}
        )
    union
    -- periods the calendar no longer has, when everything is rebuilt
    select
        existing.period_type,
        existing.period
    from {{ this }} as existing
    where (select every_period.is_refreshed from every_period)

)

select * from final
{%- endif -%}
{%- endmacro %}


{% macro delete_kpi_periods_to_refresh() -%}
{%- if is_incremental() -%}
delete from {{ this }}
where exists (
    select 1
    from {{ kpi_state_relation('periods_to_refresh') }} as refreshed
    where
        refreshed.period_type = {{ this.identifier }}.period_type
        and refreshed.period = {{ this.identifier }}.period
)
{%- endif -%}
{%- endmacro %}


{#- The family's calendar (`relation`: int_period_dates), in an incremental run only
    the periods to refresh. -#}
{% macro kpi_periods_to_build(relation) -%}
select * from {{ relation }} as calendar
{%- if is_incremental() %}
where exists (
    select 1
    from {{ kpi_state_relation('periods_to_refresh') }} as refreshed
    where refreshed.period_type = calendar.period_type and refreshed.period = calendar.period
)
{%- endif %}
{%- endmacro %}


{% macro remember_kpi_inputs() -%}
create or replace table {{ kpi_state_relation('inputs_seen') }} as
select * from {{ kpi_state_relation('inputs_now') }}
{%- endmacro %}
