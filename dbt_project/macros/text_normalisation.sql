{#- Digits of a text, everything else removed (phone normalisation). Portable via dispatch:
    DuckDB needs the 'g' flag to replace every match, Spark and most engines replace all. -#}
{% macro digits_only(expression) -%}
    {{ return(adapter.dispatch('digits_only')(expression)) }}
{%- endmacro %}

{% macro default__digits_only(expression) -%}
    regexp_replace({{ expression }}, '[^0-9]', '')
{%- endmacro %}

{% macro duckdb__digits_only(expression) -%}
    regexp_replace({{ expression }}, '[^0-9]', '', 'g')
{%- endmacro %}
