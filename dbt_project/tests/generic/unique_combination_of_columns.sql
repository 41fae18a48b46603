{#-
    Fails for every combination of `combination_of_columns` that occurs more than once.
    Our own version of dbt_utils' test (no dbt packages in this project).
-#}
{% test unique_combination_of_columns(model, combination_of_columns) -%}

with

duplicated_combinations as (

    select
        {{ combination_of_columns | join(',\n        ') }},
        count(*) as occurrences
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1

)

select * from duplicated_combinations

{%- endtest %}
