"""Quality gates: the unified definitions as executable checks (issue 4).

`quality.checks.run_checks(con)` runs every check on a DuckDB connection and returns a
ValidationReport; `quality.history.record_validation` keeps it in `meta.validation_history`;
`quality.report.write_html_report` renders it on demand. Pure code: no Dagster here.
"""
