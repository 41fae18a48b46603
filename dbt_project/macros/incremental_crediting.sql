{#-
    Incremental crediting: the credited intermediate models (int_orders_unified,
    int_receipts_credited, int_activities_credited) recompute only the rows a nightly drop can
    change, and `delete+insert` on their key replaces those rows. Each model states which rows
    can change, in standard SQL, from two facts:

      - the model's load watermark (`load_watermark()`): the highest load_id among its own rows.
        Every load after the model's last build is above it; a load before the build may be
        above it too (the model then recomputes rows it did not need to, never the other way
        round);
      - each input's staging rows with a load_id above the watermark: staging keeps every
        record's latest version with the load it came from, so these are the records that are
        new or changed since the build.

    A restated file of an input (`restated_inputs`: a load above the watermark superseding a
    load of one of the input entities) can move a record back to an older version, whose load_id
    is below the watermark: which records changed is then unknown, and the model recomputes every
    row. Restatements are rare; nightly deltas are not. Restatements of the model's own records
    are exact (`rows_of_superseded_loads`), as in staging (macros/incremental_staging.sql).

    In a full build (first run, `--full-refresh`, a changed dbt project:
    orchestration/build_state.py) none of this applies: every row is computed.

    The macros take the names of the model's import CTEs (`load_manifest`:
    stg_meta__load_manifest, `current_file_versions`: stg_meta__current_file_versions), so that
    every ref stays at the top of the model, where dbt sees it in a full build as well. Records
    that are gone for good leave through the staging folder's post-hook,
    `delete_superseded_versions` (macros/incremental_staging.sql), which the models share.
    Their `{% if is_incremental() %}` blocks hold whole CTEs of the `with`, so each model tells
    sqlfluff not to expect them indented (`-- sqlfluff:indentation:template_blocks_indent:false`).
-#}
{% macro load_watermark() -%}
(select coalesce(max(existing.load_id), -1) from {{ this }} as existing)
{%- endmacro %}


{#- Rows: the loads above the watermark that restated a file of one of `entities`
    (`source/entity` strings, e.g. 'hr/employees'); a model tests them with `exists`. -#}
{% macro restated_inputs(load_manifest, entities) -%}
select {{ load_manifest }}.load_id
from {{ load_manifest }}
where
    {{ load_manifest }}.load_id > {{ load_watermark() }}
    and {{ load_manifest }}.supersedes_load_id is not null
    and {{ load_manifest }}.source_system || '/' || {{ load_manifest }}.entity in (
        {%- for entity in entities %}'{{ entity }}'{{ ', ' if not loop.last }}{% endfor -%}
    )
{%- endmacro %}


{#- Rows: the keys of the model's rows whose own file version is no longer current (superseded
    by a restatement): their record falls back to an older version, or is gone. -#}
{% macro rows_of_superseded_loads(key_column, current_file_versions) -%}
select existing.{{ key_column }}
from {{ this }} as existing
where existing.load_id not in (
    select {{ current_file_versions }}.load_id from {{ current_file_versions }}
)
{%- endmacro %}


{#- Rows: the keys of the model's rows credited to an employee with a roster row above the
    watermark (their role or team on the event date may have changed). -#}
{% macro rows_of_changed_employees(key_column, employees) -%}
select existing.{{ key_column }}
from {{ this }} as existing
where
    existing.employee_id in (
        select {{ employees }}.employee_id
        from {{ employees }}
        where {{ employees }}.load_id > {{ load_watermark() }}
    )
{%- endmacro %}


{#- Rows: every key of the model when an input was restated (`restated_inputs`), else none. -#}
{% macro every_row_if_restated(key_column, restated_inputs) -%}
select existing.{{ key_column }}
from {{ this }} as existing
where exists (select 1 from {{ restated_inputs }})
{%- endmacro %}
