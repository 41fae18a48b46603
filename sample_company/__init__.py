"""Deterministic sample company: CRM, e-commerce, finance, HR and plan extracts as delta drops."""

from sample_company.generator import SCALES, GenerationSummary, generate

__all__ = ["SCALES", "GenerationSummary", "generate"]
