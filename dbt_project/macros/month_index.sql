{#- A date's month as one integer (year × 12 + month), so month windows are integer arithmetic:
    the months between two dates, "12 whole months before", the month after. Standard SQL. -#}
{% macro month_index(date_expression) -%}
    (extract(year from {{ date_expression }}) * 12 + extract(month from {{ date_expression }}))
{%- endmacro %}
