"""The arithmetic a trace shows: how contributing rows add up to a KPI value and a payout line.

Pure functions over Decimals, no warehouse access. They restate, for the auditor, the rounding the
dbt models apply (macros `safe_ratio`, `round_half_up`; fct_payouts):

- a side (numerator or denominator) = sum of its rows' contributions ÷ the rows' divisor (1, or 60
  for ticket seconds shown for minutes), kept to 6 decimals like DECIMAL(38,6);
- a ratio's value = numerator ÷ denominator rounded half-up to 6 decimals, null when the
  denominator is 0; any other value is the numerator;
- performance pay = pay base × weighted score × 0.01 rounded half-up to the cent, once; payout =
  performance pay + tier bonus + adjustments.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

KPI_SCALE = Decimal("0.000001")
CENT = Decimal("0.01")
PAID_TIERS = frozenset({"base", "challenge", "stretch"})
KPI_DOCS = Path(__file__).resolve().parents[1] / "dbt_project" / "models" / "kpi_docs.md"


def side_total(contributions: Iterable[Decimal], divisor: int = 1) -> Decimal:
    """A numerator or denominator from its rows: their sum ÷ divisor, to 6 decimals (half-up)."""
    total = sum(contributions, Decimal(0))
    return (total / Decimal(divisor)).quantize(KPI_SCALE, rounding=ROUND_HALF_UP)


def kpi_value(numerator: Decimal, denominator: Decimal | None, *, is_ratio: bool) -> Decimal | None:
    """The value of a KPI from its numerator and denominator, as fct_kpi_values computes it."""
    if not is_ratio:
        return numerator
    if denominator is None or denominator == 0:
        return None
    return (numerator / denominator).quantize(KPI_SCALE, rounding=ROUND_HALF_UP)


def performance_pay(
    pay_base: Decimal, weighted_score: Decimal, *, primary_tier: str | None, is_gated: bool
) -> Decimal:
    """Performance pay of a payout line: 0 when gated or the primary KPI reached no tier."""
    if is_gated or primary_tier not in PAID_TIERS:
        return Decimal("0.00")
    return (pay_base * weighted_score * CENT).quantize(CENT, rounding=ROUND_HALF_UP)


def same_amount(left: Decimal | None, right: Decimal | None) -> bool:
    """Equal as numbers (Decimal('1.50') == Decimal('1.5')), or both missing."""
    if left is None or right is None:
        return left is None and right is None
    return Decimal(left) == Decimal(right)


def kpi_definitions(docs_path: Path = KPI_DOCS) -> dict[str, str]:
    """Each KPI code's definition text, from the dbt docs blocks `kpi_<code>` (kpi_docs.md)."""
    if not docs_path.exists():
        return {}
    text = docs_path.read_text(encoding="utf-8")
    blocks = re.findall(r"{%\s*docs\s+kpi_(\w+)\s*%}(.*?){%\s*enddocs\s*%}", text, flags=re.S)
    return {code: " ".join(body.split()) for code, body in blocks}
