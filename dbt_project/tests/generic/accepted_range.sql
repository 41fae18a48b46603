{#-
    Fails for every non-null value of `column_name` outside [min_value, max_value] (bounds
    inclusive; either may be omitted). Our own version of dbt_utils' test.
-#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) -%}

    {%- set violations = ['1 = 0'] -%}
    {%- if min_value is not none -%}
        {%- do violations.append(column_name ~ ' < ' ~ min_value) -%}
    {%- endif -%}
    {%- if max_value is not none -%}
        {%- do violations.append(column_name ~ ' > ' ~ max_value) -%}
    {%- endif %}

with

out_of_range as (

    select {{ column_name }} as out_of_range_value
    from {{ model }}
    where
        {{ column_name }} is not null
        and ({{ violations | join(' or ') }})

)

select * from out_of_range

{%- endtest %}
