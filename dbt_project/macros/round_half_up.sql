{#-
    Round money (or any DECIMAL) half-up to `scale` places: ties go away from zero, like Python's
    decimal.ROUND_HALF_UP (2.345 → 2.35, -2.345 → -2.35); for the non-negative amounts of a payout
    this is the everyday "half-up".

    `round()` on a DECIMAL/NUMERIC does exactly that on DuckDB, Postgres, Snowflake and Spark
    (HALF_UP). On a DOUBLE it does not reliably (binary fractions: 5050.505 is stored as
    5050.50499…; some engines round ties to even), so `expr` must be DECIMAL: keep money in
    DECIMAL arithmetic (multiply, never divide: DuckDB's DECIMAL ÷ DECIMAL returns a DOUBLE) and
    round once, at the end of the line. The caller casts the result to its column type.
-#}
{% macro round_half_up(expr, scale) -%}
    round({{ expr }}, {{ scale }})
{%- endmacro %}
