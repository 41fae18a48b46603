"""The generated company is internally consistent: sums, crediting, rosters, money flows."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from sc_helpers import Generated, by_name, latest, read_rows

CENT = Decimal("0.01")
ROLE_OF_CHANNEL = {
    "direct": "direct_sales",
    "channel": "channel_sales",
    "key_account": "key_account",
}


def _tax(gross: Decimal) -> Decimal:
    return (gross * 13 / 113).quantize(CENT, rounding=ROUND_HALF_UP)


def _roster(root) -> dict[str, list[dict[str, str]]]:  # type: ignore[no-untyped-def]
    rows = latest(root, by_name("hr__employees")).values()
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        out[row["employee_id"]].append(row)
    for versions in out.values():
        versions.sort(key=lambda r: r["valid_from"])
    return out


def _check_no_overlap(root) -> int:  # type: ignore[no-untyped-def]
    changes = 0
    for employee, rows in _roster(root).items():
        for row in rows:
            assert row["valid_to"] == "" or row["valid_to"] >= row["valid_from"], row
        for before, after in itertools.pairwise(rows):
            assert before["valid_to"] != "", (employee, before, after)
            assert before["valid_to"] < after["valid_from"], (employee, before, after)
            gap = dt.date.fromisoformat(after["valid_from"]) - dt.date.fromisoformat(
                before["valid_to"]
            )
            assert gap == dt.timedelta(days=1), (employee, before, after)
            changes += 1
        assert rows[-1]["valid_to"] == "", employee
    return changes


def test_employee_rows_never_overlap(tiny: Generated, small: Generated) -> None:
    assert _check_no_overlap(tiny.root) > 0
    assert _check_no_overlap(small.root) > 20


def test_ecommerce_order_amounts_add_up(tiny: Generated) -> None:
    lines = latest(tiny.root, by_name("ecommerce__order_lines")).values()
    per_order: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        amount = Decimal(line["line_amount"])
        assert amount == Decimal(line["unit_price"]) * int(line["quantity"]), line
        assert Decimal(line["unit_cost"]) < Decimal(line["unit_price"]), line
        per_order[line["order_id"]] += amount
    orders = latest(tiny.root, by_name("ecommerce__orders")).values()
    statuses = set()
    for order in orders:
        gmv, paid = Decimal(order["gmv_amount"]), Decimal(order["paid_amount"])
        refunded = Decimal(order["refunded_amount"])
        statuses.add(order["status"])
        assert gmv == per_order[order["order_id"]], order
        if order["paid_at"]:
            assert paid == gmv and order["status"] not in ("pending", "cancelled"), order
            assert Decimal(order["tax_amount"]) == _tax(paid - refunded), order
        else:
            assert paid == 0 and order["status"] in ("pending", "cancelled"), order
            assert Decimal(order["tax_amount"]) == _tax(gmv), order
        assert (refunded == gmv) == (order["status"] == "refunded"), order
        assert (0 < refunded < gmv) == (order["status"] == "partially_refunded"), order
    assert {"paid", "cancelled", "refunded", "partially_refunded"} <= statuses


def test_crm_orders_are_credited_to_an_assignment_covering_the_order(small: Generated) -> None:
    roster = _roster(small.root)
    accounts = latest(small.root, by_name("crm__accounts"))
    orders = list(latest(small.root, by_name("crm__orders")).values())
    assert len(orders) > 3000
    for order in orders:
        day = order["ordered_at"][:10]
        held = [
            r
            for r in roster[order["sales_rep_id"]]
            if r["valid_from"] <= day and (r["valid_to"] == "" or day <= r["valid_to"])
        ]
        assert len(held) == 1, order
        assert held[0]["status"] == "active", order
        assert held[0]["role"] == ROLE_OF_CHANNEL[order["channel"]], order
        assert (order["distributor_id"] != "") == (order["channel"] == "channel"), order
        account = accounts[(order["account_id"],)]
        assert account["created_at"] < order["ordered_at"], order
        if order["channel"] == "key_account":
            assert account["is_key_account"] == "true", order
        amount = Decimal(order["amount_incl_tax"])
        assert Decimal(order["tax_amount"]) == _tax(amount), order
        assert 0 < Decimal(order["gross_margin_amount"]) < amount - _tax(amount), order


def test_first_inquiry_comes_well_before_the_first_order(small: Generated) -> None:
    accounts = latest(small.root, by_name("crm__accounts"))
    first: dict[str, str] = {}
    for order in latest(small.root, by_name("crm__orders")).values():
        known = first.get(order["account_id"])
        if known is None or order["ordered_at"] < known:
            first[order["account_id"]] = order["ordered_at"]
    gaps = [
        (
            dt.datetime.fromisoformat(ordered)
            - dt.datetime.fromisoformat(accounts[(a,)]["created_at"])
        )
        for a, ordered in first.items()
    ]
    assert min(gaps) >= dt.timedelta(days=14)
    assert sorted(gaps)[len(gaps) // 2] > dt.timedelta(days=30)


def test_invoices_and_receipts_reconcile(small: Generated) -> None:
    invoices = latest(small.root, by_name("finance__invoices"))
    crm_orders = latest(small.root, by_name("crm__orders"))
    eco_orders = latest(small.root, by_name("ecommerce__orders"))
    received: dict[str, Decimal] = defaultdict(Decimal)
    for receipt in latest(small.root, by_name("finance__receipts")).values():
        received[receipt["invoice_id"]] += Decimal(receipt["amount"])
        invoice = invoices[(receipt["invoice_id"],)]
        assert receipt["received_at"] >= invoice["issued_at"], receipt
    late = void = 0
    for (invoice_id,), invoice in invoices.items():
        amount = Decimal(invoice["amount_incl_tax"])
        assert received[invoice_id] <= amount, invoice
        assert Decimal(invoice["tax_amount"]) == _tax(amount), invoice
        orders = crm_orders if invoice["order_source"] == "crm" else eco_orders
        order = orders[(invoice["order_id"],)]
        void += invoice["status"] == "void"
        if invoice["order_source"] == "crm":
            assert amount == Decimal(order["amount_incl_tax"]), invoice
            issued = dt.datetime.fromisoformat(invoice["issued_at"])
            late += issued - dt.datetime.fromisoformat(order["ordered_at"]) > dt.timedelta(days=7)
    assert late > 100 and void > 100
    confirmed = [o for o in crm_orders.values() if o["status"] == "confirmed"]
    invoiced = {i["order_id"] for i in invoices.values() if i["order_source"] == "crm"}
    assert 0.85 < sum(o["order_id"] in invoiced for o in confirmed) / len(confirmed) < 0.99


def _versions(root, name: str, column: str) -> dict[tuple[str, ...], list[str]]:  # type: ignore[no-untyped-def]
    """Per key, the values of `column` in drop order (one per delivered version)."""
    entity = by_name(name)
    out: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for path in sorted(root.glob(f"{entity.source}/*/{entity.name}.csv")):
        for _, row in read_rows(path):
            out[tuple(row[c] for c in entity.key_columns)].append(row[column])
    return out


def test_records_change_in_later_drops(small: Generated) -> None:
    root = small.root
    crm_orders = _versions(root, "crm__orders", "status")
    assert sum(1 for v in crm_orders.values() if v[0] == "confirmed" and v[-1] == "cancelled") > 5
    assert sum(1 for v in crm_orders.values() if v[0] == "confirmed" and v[-1] == "returned") > 5
    shop_orders = _versions(root, "ecommerce__orders", "status")
    assert sum(1 for v in shop_orders.values() if v[0] == "pending" and v[-1] == "paid") > 100
    assert sum(1 for v in shop_orders.values() if v[-1] in {"refunded", "partially_refunded"}) > 50
    stages = _versions(root, "crm__opportunities", "stage")
    assert sum(1 for v in stages.values() if len(set(v)) >= 3) > 50
    assert {v[-1] for v in stages.values()} >= {"won", "lost", "proposal"}
    assert _check_no_overlap(root) > 10  # employees moved team or role mid-history
    targets = _versions(root, "plan__targets", "version")
    assert any(v[-1] != "1" for v in targets.values())
    # late receipts: some money arrives after the invoice's due date
    due = {k[0]: v[-1] for k, v in _versions(root, "finance__invoices", "due_date").items()}
    receipts = latest(root, by_name("finance__receipts")).values()
    late = [
        r
        for r in receipts
        if r["invoice_id"] in due and r["received_at"][:10] > due[r["invoice_id"]]
    ]
    assert len(late) > 20
