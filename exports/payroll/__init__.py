"""Payroll: the payout period lifecycle, payout files, adjustments and employee statements.

    lifecycle    open → calculated → approved → exported → closed, with an event log
    lines        what a period's payroll file would hold now (payouts + adjustment lines)
    payout_file  freeze an approved period and write its CSV + manifest atomically
    adjustments  late-data lines for frozen periods, manual adjustments and their approval
    statements   a readable statement per employee and period

State lives in the warehouse schema `payroll`; numbers come only from `published.*`.
No Dagster import here: the orchestration layer wraps these functions.
"""
