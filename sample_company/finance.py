"""finance: invoices and receipts (回款) for CRM and e-commerce orders.

CRM orders are invoiced days to weeks after the order (late invoices), collected in one to three
instalments weeks later; some are never fully paid. A cancelled or returned order voids its
invoice. E-commerce orders are invoiced electronically soon after payment; a refund voids the
invoice and a partial refund re-issues it (`-R`) for the net amount; the platform settles the net
amount 10-20 days after payment. Receipts never exceed their invoice.
"""

from __future__ import annotations

import random

import numpy as np

from sample_company.fmt import (
    DAY,
    date_col,
    date_str,
    money,
    money_col,
    tax_cents,
    tax_col,
    ts,
    ts_col,
)
from sample_company.outbox import Columns
from sample_company.texts import RECEIPT_METHODS

NEVER = -1


class CrmBilling:
    """Schedules the invoice and receipt rows of each CRM order when the order is placed."""

    def __init__(self, world: object) -> None:
        from sample_company.world import World

        assert isinstance(world, World)
        self.w = world
        self.rng = random.Random(f"{world.seed}:billing")

    def order(
        self, order_id: str, t: int, amount: int, tax: int, kind: str, ended_at: int | None
    ) -> None:
        rng = self.rng
        if rng.random() > 0.93:
            return  # never invoiced
        issued = (t // DAY + rng.randint(1, 25)) * DAY + rng.randint(9 * 3600, 18 * 3600)
        if ended_at is not None and ended_at <= issued:
            return  # cancelled before invoicing
        invoice_id = f"INV-{order_id}"
        due = issued // DAY + (60 if kind == "key_account" else 30)
        head = (invoice_id, "crm", order_id, ts(issued), date_str(due), money(amount), money(tax))
        self.w.emit_at(issued, "finance__invoices", (*head, "issued", ts(issued)))
        if ended_at is not None:
            self.w.emit_at(
                ended_at + 3600, "finance__invoices", (*head, "void", ts(ended_at + 3600))
            )
        collected = amount if rng.random() < 0.85 else amount * rng.randint(30, 90) // 100
        parts = rng.choices((1, 2, 3), (0.6, 0.3, 0.1))[0]
        times = sorted(
            issued + rng.randint(7, 75) * DAY + rng.randint(0, 8 * 3600) for _ in range(parts)
        )
        remaining = collected
        method = rng.choice(RECEIPT_METHODS)
        for k, received in enumerate(times, start=1):
            if ended_at is not None and received >= ended_at:
                break
            share = remaining if k == parts else collected // parts
            remaining -= share
            if share <= 0:
                continue
            recorded = received + rng.randint(600, 4 * 3600)
            row = (
                f"RCV-{order_id}-{k}",
                invoice_id,
                ts(received),
                money(share),
                method,
                ts(recorded),
            )
            self.w.emit_at(recorded, "finance__receipts", row)


def ecommerce_billing(
    rng: np.random.Generator,
    paid_at: np.ndarray,
    refund_at: np.ndarray,
    refund: np.ndarray,
    gmv: np.ndarray,
    b2b: np.ndarray,
) -> dict[str, np.ndarray]:
    """Invoice/receipt event times and amounts for a batch of e-commerce orders (NEVER = -1)."""
    n = len(paid_at)
    paid = paid_at != NEVER
    refunded = refund_at != NEVER
    full = refunded & (refund >= gmv)
    net = np.where(paid, gmv - np.where(refunded, refund, 0), 0)
    invoiced = paid & (b2b | (rng.random(n) < 0.88))
    t_inv = paid_at + rng.integers(720, 72 * 3600, n)
    before = refunded & (refund_at < t_inv)
    invoiced &= ~(before & full)
    inv_amount = np.where(before, net, gmv)
    after = invoiced & refunded & ~before
    t_void = np.where(after, refund_at, NEVER)
    t_reinv = np.where(after & ~full, refund_at + rng.integers(600, 7200, n), NEVER)
    settle = paid_at + rng.integers(10 * DAY, 20 * DAY, n)
    settle = np.maximum(settle, np.where(refunded, refund_at + 3600, 0))
    settle = np.maximum(settle, np.where(t_reinv != NEVER, t_reinv + 3600, 0))
    collected = invoiced & (net > 0)
    return {
        "t_inv": np.where(invoiced, t_inv, NEVER),
        "inv_amount": inv_amount,
        "t_void": t_void,
        "t_reinv": t_reinv,
        "reinv_amount": net,
        "t_rcpt": np.where(collected, settle, NEVER),
        "rcpt_amount": net,
    }


def _in(times: np.ndarray, lo: int, hi: int) -> np.ndarray:
    return (times != NEVER) & (times >= lo) & (times < hi)


def ecommerce_finance_blocks(
    order_no: np.ndarray, b2b: np.ndarray, f: dict[str, np.ndarray], lo: int, hi: int
) -> tuple[list[Columns], list[Columns]]:
    """Invoice and receipt column blocks of the events in [lo, hi), state as of `hi`."""
    invoices: list[Columns] = []
    t_inv, t_void, t_reinv = f["t_inv"], f["t_void"], f["t_reinv"]
    first = (t_inv != NEVER) & (t_inv < hi) & (_in(t_inv, lo, hi) | _in(t_void, lo, hi))
    if first.any():
        void = (t_void[first] != NEVER) & (t_void[first] < hi)
        issued = t_inv[first]
        amount = f["inv_amount"][first]
        invoices.append(
            _invoice_columns(
                order_no[first],
                "",
                issued,
                b2b[first],
                amount,
                void,
                np.where(void, t_void[first], issued),
            )
        )
    second = _in(t_reinv, lo, hi)
    if second.any():
        issued = t_reinv[second]
        invoices.append(
            _invoice_columns(
                order_no[second],
                "-R",
                issued,
                b2b[second],
                f["reinv_amount"][second],
                np.zeros(int(second.sum()), dtype=bool),
                issued,
            )
        )
    receipts: list[Columns] = []
    rec = _in(f["t_rcpt"], lo, hi)
    if rec.any():
        numbers = order_no[rec].tolist()
        reissued = (t_reinv[rec] != NEVER).tolist()
        received = f["t_rcpt"][rec]
        receipts.append(
            [
                [f"RCV-EO{n:08d}-1" for n in numbers],
                [
                    f"INV-EO{n:08d}{'-R' if r else ''}"
                    for n, r in zip(numbers, reissued, strict=True)
                ],
                ts_col(received),
                money_col(f["rcpt_amount"][rec]),
                ["platform_settlement"] * len(numbers),
                ts_col(received),
            ]
        )
    return invoices, receipts


def _invoice_columns(
    order_no: np.ndarray,
    suffix: str,
    issued: np.ndarray,
    b2b: np.ndarray,
    amount: np.ndarray,
    void: np.ndarray,
    updated: np.ndarray,
) -> Columns:
    numbers = order_no.tolist()
    due = issued // DAY + np.where(b2b, 30, 0)
    return [
        [f"INV-EO{n:08d}{suffix}" for n in numbers],
        ["ecommerce"] * len(numbers),
        [f"EO{n:08d}" for n in numbers],
        ts_col(issued),
        date_col(due),
        money_col(amount),
        money_col(tax_col(amount)),
        np.where(void, "void", "issued").tolist(),
        ts_col(updated),
    ]


__all__ = ["NEVER", "CrmBilling", "ecommerce_billing", "ecommerce_finance_blocks", "tax_cents"]
