"""The quality checks kept in code, and the entry points to run them.

    from quality.checks import run_checks
    report = run_checks(con)                 # every layer; or layers=["raw"], names=[...]
    report.passed                            # False when an error-level check failed
    report.errors, report.warnings, report.to_dict()

Layers: `raw` (staging and raw tables), `definitions` (the unified definitions, on intermediate
models), `marts` (control totals, scores, tiers, payouts). Severity: `error` blocks publishing,
`warning` is reported. See DECISIONLOG.md ("Quality gates") for the severity policy.
"""

from __future__ import annotations

from quality.core import (
    Check,
    CheckResult,
    Layer,
    QualityConfig,
    Severity,
    ValidationReport,
)
from quality.runner import run_check, run_checks
from quality.suites import CHECKS, CHECKS_BY_NAME, select_checks

__all__ = [
    "CHECKS",
    "CHECKS_BY_NAME",
    "Check",
    "CheckResult",
    "Layer",
    "QualityConfig",
    "Severity",
    "ValidationReport",
    "run_check",
    "run_checks",
    "select_checks",
]
