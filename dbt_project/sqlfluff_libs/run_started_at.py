"""Stand-in for dbt's `run_started_at` (a datetime), so sqlfluff's jinja templater can lint models
that stamp rows with it (`computed_at()`, macros/calculation_time.sql)."""


def strftime(fmt):
    return "2026-01-01 00:00:00.000000"
