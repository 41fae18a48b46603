"""Ingestion checks: what the loader set aside or noticed, surfaced in the validation history.

The loader keeps bad rows in `meta.quarantine` and rejected files in `meta.load_manifest`; these
checks put them (file, line, reason) into every run's validation, so they reach
`meta.validation_history`, the Dagster asset checks and the HTML report next to every other
check. All are warnings: what they report is already excluded from every number (quarantined
rows, rejected files) or loaded as the extract contract says (other encodings, extra columns,
stale re-sends that lose to the newer version), so publishing the rest is right.

Scope — "the loads this run saw": loads with `load_id ≥ QualityConfig.min_load_id` when set;
otherwise the loads after the load watermark of the latest publication (`meta.publications`),
i.e. everything no publication has been built on yet; with no publication, every load. A fault
is therefore reported by each run until a publication includes its load, then no more.
"""

from __future__ import annotations

from ingestion.contract import ENTITIES, Entity
from quality.core import Check, SqlContext, quote_ident, sql_literal

# Longest raw text carried in a failing example (the whole line stays in meta.quarantine).
RAW_TEXT_CHARS = 200


def loads_in_scope(ctx: SqlContext, load_id: str) -> str:
    """A SQL predicate on the column `load_id`: the loads this run saw (see module docstring)."""
    if ctx.config.min_load_id is not None:
        return f"{load_id} >= {int(ctx.config.min_load_id)}"
    if ctx.exists("meta.publications"):
        watermark = (
            f"(select load_watermark from {ctx.rel('meta.publications')} "
            "order by publication_id desc limit 1)"
        )
        return f"{load_id} > coalesce({watermark}, -1)"
    return "true"


def restated_in_scope(ctx: SqlContext, entities: tuple[str, ...]) -> str:
    """A SQL predicate: a load in scope restated a file of one of `entities` ('source/entity'),
    which can bring back older versions whose loads are out of scope."""
    if not ctx.exists("meta.load_manifest"):
        return "false"
    listed = ", ".join(sql_literal(entity) for entity in entities)
    return f"""exists (
        select 1 from {ctx.rel("meta.load_manifest")} as manifest
        where manifest.supersedes_load_id is not null
            and manifest.source || '/' || manifest.entity in ({listed})
            and {loads_in_scope(ctx, "manifest.load_id")}
    )"""


def _quarantined_sql(ctx: SqlContext) -> str:
    return f"""
        select
            file_path,
            line_number,
            reason,
            left(raw_text, {RAW_TEXT_CHARS}) as raw_text,
            load_id
        from {ctx.rel("meta.quarantine")}
        where {loads_in_scope(ctx, "load_id")}
    """


def _rejected_sql(ctx: SqlContext) -> str:
    return f"""
        select file_path, reason, load_id, extract_date, file_sha256
        from {ctx.rel("meta.load_manifest")}
        where status = 'rejected' and {loads_in_scope(ctx, "load_id")}
    """


def _nonstandard_sql(ctx: SqlContext) -> str:
    return f"""
        select
            file_path,
            concat_ws(
                '; ',
                case
                    when encoding = 'utf-8-sig' then 'UTF-8 with a byte order mark'
                    when encoding <> 'utf-8' then 'encoded ' || encoding
                end,
                case
                    when extra_columns is not null
                        then 'columns not in the contract (kept in _extra_columns): '
                        || extra_columns
                end,
                reason
            ) as reason,
            encoding,
            extra_columns,
            load_id
        from {ctx.rel("meta.load_manifest")}
        where
            status = 'loaded'
            and (
                coalesce(encoding, 'utf-8') <> 'utf-8'
                or extra_columns is not null
                or reason is not null
            )
            and {loads_in_scope(ctx, "load_id")}
    """


def key_text(entity: Entity) -> str:
    """SQL text of an entity's key as one string (`a|b` for a composite key), for examples."""
    return " || '|' || ".join(
        f"coalesce(cast({quote_ident(k)} as varchar), '')" for k in entity.key_columns
    )


def _stale_versions_sql(ctx: SqlContext) -> str | None:
    """Rows of the scoped loads older (updated_at) than a version of their key delivered before.

    Only keys present in the scoped loads are windowed, so a nightly run reads its own keys'
    histories, not whole tables; a first run (every load in scope) windows only the keys
    delivered more than once (at M: 2 M of 16 M rows) instead of sorting whole tables.
    """
    current = ctx.rel("meta.current_file_versions")
    parts = []
    for entity in ENTITIES:
        relation = f"raw.{entity.qualified_name}"
        if not entity.has_updated_at or not ctx.exists(relation):
            continue
        keys = ", ".join(quote_ident(k) for k in entity.key_columns)
        table = ctx.rel(relation)
        scope = loads_in_scope(ctx, "_load_id")
        # which keys' histories to window: those the scoped loads carry (a nightly run: few), or,
        # when every load is in scope (a first run), those delivered more than once
        keys_to_window = (
            f"(select {keys} from {table} "
            f"where _load_id in (select load_id from {current}) "
            f"group by {keys} having count(*) > 1)"
            if scope == "true"
            else f"(select distinct {keys} from {table} where {scope})"
        )
        parts.append(
            f"""
            select
                '{entity.qualified_name}' as entity,
                _file_path as file_path,
                _line_number as line_number,
                key,
                updated_at,
                newer_updated_at,
                newer_file_path,
                'older than the version delivered in ' || newer_file_path
                || ' (updated_at ' || cast(newer_updated_at as varchar)
                || '): loses in staging' as reason
            from (
                select
                    _file_path,
                    _line_number,
                    _load_id,
                    {key_text(entity)} as key,
                    updated_at,
                    max(updated_at) over earlier as newer_updated_at,
                    arg_max(_file_path, updated_at) over earlier as newer_file_path
                from {table}
                inner join {keys_to_window} as windowed_keys using ({keys})
                where _load_id in (select load_id from {current})
                window earlier as (
                    partition by {keys}
                    order by _extract_date, _load_id, _line_number
                    rows between unbounded preceding and 1 preceding
                )
            ) as versions
            where updated_at < newer_updated_at and {scope}"""
        )
    return "\nunion all\n".join(parts) if parts else None


CHECKS: tuple[Check, ...] = (
    Check(
        name="raw_rows_quarantined",
        layer="raw",
        severity="warning",
        description="Rows the loader quarantined (meta.quarantine) in the loads this run saw, "
        "with file, physical line, reason and raw text. They are excluded from every number; "
        "the source must re-send them corrected.",
        sql=_quarantined_sql,
        requires=("meta.quarantine",),
        row_label="quarantined rows",
    ),
    Check(
        name="raw_files_rejected",
        layer="raw",
        severity="warning",
        description="Files the loader rejected whole (meta.load_manifest status 'rejected': "
        "missing required column, cut mid-row, undecodable, broken CSV) in the loads this run "
        "saw, with the reason. Nothing of them is loaded; numbers lack them until re-delivered.",
        sql=_rejected_sql,
        requires=("meta.load_manifest",),
        row_label="rejected files",
    ),
    Check(
        name="raw_files_nonstandard",
        layer="raw",
        severity="warning",
        description="Files loaded although not in the canonical form: an encoding other than "
        "plain UTF-8 (GB18030, a BOM) or columns not in the contract (kept in _extra_columns). "
        "Nothing is lost; listed so the source export can be fixed.",
        sql=_nonstandard_sql,
        requires=("meta.load_manifest",),
        row_label="non-standard files",
    ),
    Check(
        name="raw_stale_versions_resent",
        layer="raw",
        severity="warning",
        description="Rows of the loads this run saw whose key was already delivered, in an "
        "earlier drop, with a later updated_at: the source re-sent an old version. It loses in "
        "staging (the latest updated_at wins); listed with both files.",
        sql=_stale_versions_sql,
        requires=("meta.current_file_versions",),
        row_label="stale versions re-sent",
    ),
)
