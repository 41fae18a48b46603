{#-
    Split a total among members in proportion to their weights so that the parts sum EXACTLY to the
    total (largest-remainder method, on units of 10^-scale, i.e. cents for scale 2):
      1. each member's exact share in units = total_units × weight ÷ Σ weights of its group;
      2. floor every share to a whole unit;
      3. the units left over (total − Σ floors, always 0 ≤ left < members) go one each to the
         members with the largest remainders (exact − floor), ties by `member_column` ascending.

    Emits five CTEs, to be placed inside a `with` clause (the caller adds the trailing comma):
      totals_in_units    every row of `relation`, with the group total in units (total_units)
      exact_shares       … with the member's exact share in units (exact_units)
      floored_shares     … with that share floored (floor_units)
      ranked_remainders  … with remainder_units, the group's leftover_units and remainder_rank
      allocated_shares   … with allocated_amount DECIMAL(18, scale) (Σ per group = the total)

    `relation` has one row per (group, member) with `total_column` (the group's total, DECIMAL
    already at `scale`, repeated on each row) and `weight_column` (> 0). The only inexact step is
    the division (a DOUBLE on most engines): exact to well below one unit for totals under 10^12
    units, and a share that lands just under a whole unit still gets that unit first (its
    remainder is the largest). Standard SQL: window functions, floor, no QUALIFY.
-#}
{% macro allocate_largest_remainder(
    relation, group_columns, member_column, weight_column, total_column, scale=2
) -%}
    {%- set groups = group_columns | join(', ') -%}
    {%- set unit = '0.' ~ ('0' * (scale - 1)) ~ '1' if scale > 0 else '1' -%}
    {%- set units_per_one = '1' ~ ('0' * scale) -%}
totals_in_units as (

    select
        {{ relation }}.*,
        cast({{ relation }}.{{ total_column }} * {{ units_per_one }} as decimal(38, 0)) as total_units
    from {{ relation }}

),

exact_shares as (

    select
        totals_in_units.*,
        totals_in_units.total_units * totals_in_units.{{ weight_column }}
        / sum(totals_in_units.{{ weight_column }}) over (partition by {{ groups }}) as exact_units
    from totals_in_units

),

floored_shares as (

    select
        exact_shares.*,
        cast(floor(exact_shares.exact_units) as decimal(38, 0)) as floor_units
    from exact_shares

),

ranked_remainders as (

    select
        floored_shares.*,
        floored_shares.exact_units - floored_shares.floor_units as remainder_units,
        floored_shares.total_units
        - sum(floored_shares.floor_units) over (partition by {{ groups }}) as leftover_units,
        row_number() over (
            partition by {{ groups }}
            order by floored_shares.exact_units - floored_shares.floor_units desc, {{ member_column }} asc
        ) as remainder_rank
    from floored_shares

),

allocated_shares as (

    select
        ranked_remainders.*,
        cast(
            (
                ranked_remainders.floor_units
                + case when ranked_remainders.remainder_rank <= ranked_remainders.leftover_units then 1 else 0 end
            ) * cast({{ unit }} as decimal(38, {{ scale }}))
            as decimal(18, {{ scale }})
        ) as allocated_amount
    from ranked_remainders

)
{%- endmacro %}
