"""ecommerce: stores, customers, orders, order lines, traffic, service tickets, campaigns.

The high-volume entities are generated per export window with numpy: every order's whole
lifecycle (payment or cancellation, refund, invoice, settlement) is decided when it is placed,
and orders with events still ahead are carried to the next windows as arrays. A window exports
each touched order once, in its state at the export cut-off. Stores and campaigns are few and go
through the event queue like the CRM.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np

from sample_company.crm import Crm
from sample_company.finance import NEVER, ecommerce_billing, ecommerce_finance_blocks
from sample_company.fmt import (
    DAY,
    boolean,
    date_col,
    date_of,
    date_str,
    day_number,
    id_col,
    money_col,
    tax_col,
    ts,
    ts_col,
)
from sample_company.identity import (
    credit_code,
    email,
    email_written_differently,
    mix,
    mobile,
    mobile_written_differently,
)
from sample_company.outbox import Columns
from sample_company.texts import BRANDS, CAMPAIGN_CALENDAR, PLATFORM_LABEL, REGIONS
from sample_company.timeline import campaign_boost, ecommerce_day_weights
from sample_company.world import World

CUSTOMER_SALT = 21
LINES_PER_ORDER = 2.5  # 1 + Poisson(1.5)
CUSTOMERS_PER_LINE = 0.15
TICKETS_PER_ORDER = 0.1
PLATFORMS = ("tmall", "jd", "douyin", "own_site", "pinduoduo")
N_SKUS = 240
HOUR_PROFILE = np.array(
    [
        2,
        1,
        0.5,
        0.3,
        0.3,
        0.4,
        0.8,
        1.5,
        2.5,
        3.5,
        4,
        4,
        3.8,
        3.5,
        3.5,
        3.6,
        3.8,
        4,
        4.5,
        5.5,
        6.5,
        7,
        6,
        4,
    ],
    dtype=float,
)
HOUR_PROFILE /= HOUR_PROFILE.sum()
_ORDER_TIMES = ("t", "paid_at", "cancel_at", "refund_at")
_ALL_TIMES = (*_ORDER_TIMES, "t_inv", "t_void", "t_reinv", "t_rcpt")


class _Pool:
    """Growable numpy columns (customers: registration time, purchase weight, B2B flag)."""

    def __init__(self) -> None:
        self.n = 0
        self.reg = np.zeros(1024, dtype=np.int64)
        self.weight = np.zeros(1024, dtype=np.float64)
        self.b2b = np.zeros(1024, dtype=bool)

    def extend(self, reg: np.ndarray, weight: np.ndarray, b2b: np.ndarray) -> None:
        need = self.n + len(reg)
        if need > len(self.reg):
            size = max(need, 2 * len(self.reg))
            for name in ("reg", "weight", "b2b"):
                old = getattr(self, name)
                new = np.zeros(size, dtype=old.dtype)
                new[: self.n] = old[: self.n]
                setattr(self, name, new)
        self.reg[self.n : need] = reg
        self.weight[self.n : need] = weight
        self.b2b[self.n : need] = b2b
        self.n = need


class Ecommerce:
    """The online-store source system, simulated."""

    def __init__(self, world: World, crm: Crm) -> None:
        self.w = world
        self.crm = crm
        self.roster = world.roster
        self.rng = random.Random(f"{world.seed}:ecommerce")
        self.np = world.rng(3)
        days = world.history_days
        weights = ecommerce_day_weights(days, world.start_day)
        self._order_rate = weights / weights.sum() * world.order_lines / LINES_PER_ORDER
        self._campaign_day = campaign_boost(days) > 1.0
        self.pool = _Pool()
        self.order_no = 0
        self.ticket_no = 0
        self.customer_no = 0
        self.carry: dict[str, np.ndarray] | None = None
        self.traffic_next: int | None = None
        self.ticket_carry: dict[str, np.ndarray] | None = None
        self._skus()
        self._stores()
        self._campaigns()

    # ------------------------------------------------------------------ master data

    def _skus(self) -> None:
        rng = self.np
        yuan = np.exp(rng.normal(4.6, 0.8, N_SKUS))
        self.sku_price = (np.maximum(yuan // 10, 1).astype(np.int64) * 10 + 9) * 100 - 10  # x9.90
        self.sku_cost = self.sku_price * rng.integers(40, 66, N_SKUS) // 100
        popularity = 1.0 / np.arange(1, N_SKUS + 1) ** 0.8
        self.sku_pop = popularity / popularity.sum()
        # expected net sales of one order (paid, refunds deducted), for target setting
        probe = np.random.default_rng([self.w.seed, 99])
        lines = 1 + probe.poisson(LINES_PER_ORDER - 1, 20_000)
        sku = probe.choice(N_SKUS, lines.sum(), p=self.sku_pop)
        qty = probe.geometric(0.7, len(sku)) * np.where(
            probe.random(len(sku)) < 0.14, probe.integers(5, 40, len(sku)), 1
        )
        mean_gmv = float((qty * self.sku_price[sku]).sum()) / len(lines) / 100
        self.expected_net_per_order_yuan = mean_gmv * 0.89 * 0.93

    def _stores(self) -> None:
        rng, w = self.rng, self.w
        n = max(3, round(6 * w.sqrt_factor))
        self.store_open: list[int] = []
        self.store_weight: list[float] = []
        self.store_operator: list[int] = []
        self.store_conversion: list[float] = []
        self.operator_changes: list[list[tuple[int, int]]] = []
        self.store_rows: list[tuple[str, str, str]] = []
        pre_history = max(3, round(n * 0.8))
        for s in range(n):
            if s < pre_history:
                open_day = w.start_day - rng.randint(100, 1500)
            else:
                open_day = w.start_day + rng.randint(100, max(101, w.end_day - w.start_day - 60))
            platform = PLATFORMS[s % len(PLATFORMS)]
            brand = BRANDS[(s // len(PLATFORMS)) % len(BRANDS)]
            name = f"{brand}{PLATFORM_LABEL[platform]}旗舰店"
            if s >= len(PLATFORMS) * len(BRANDS):
                name += str(s)
            self.store_rows.append((f"ST{s + 1:03d}", platform, name))
            self.store_open.append(open_day)
            self.store_weight.append(rng.lognormvariate(0, 0.5))
            self.store_conversion.append(rng.uniform(0.02, 0.04))
            self.store_operator.append(-1)
            self.operator_changes.append([])
            w.at(open_day * DAY + 10 * 3600, self._assign_operator, s)

    def _operator_load(self, emp: int) -> int:
        return sum(1 for op in self.store_operator if op == emp)

    def _assign_operator(self, t: int, s: int) -> None:
        day = t // DAY
        candidates = self.roster.active("ecommerce", day)
        if not candidates:
            self.w.at(t + DAY, self._assign_operator, s)
            return
        emp = self.store_operator[s]
        if emp not in candidates:
            emp = min(candidates, key=lambda e: (self._operator_load(e), self.rng.random()))
            self.store_operator[s] = emp
            self.operator_changes[s].append((t, emp))
            store_id, platform, name = self.store_rows[s]
            row = (store_id, platform, name, self.roster.employee_id(emp), ts(t))
            self.w.put("ecommerce__stores", row)
        # check again when the operator's current roster row ends (leave, move, new pay row)
        assignment = self.roster.assignment_at(emp, day)
        if assignment is not None and assignment.valid_to is not None:
            self.w.at((assignment.valid_to + 1) * DAY + 9 * 3600, self._assign_operator, s)

    def _operator_at(self, store: np.ndarray, t: np.ndarray) -> list[str]:
        out = np.full(len(store), "", dtype=object)
        for s, changes in enumerate(self.operator_changes):
            mask = store == s
            if not mask.any() or not changes:
                continue
            times = np.array([c[0] for c in changes])
            ids = np.array([self.roster.employee_id(c[1]) for c in changes], dtype=object)
            pos = np.maximum(np.searchsorted(times, t[mask], side="right") - 1, 0)
            out[mask] = ids[pos]
        return out.tolist()

    def _campaigns(self) -> None:
        rng, w = self.rng, self.w
        number = 0
        for year in range(date_of(w.start_day).year, date_of(w.end_day).year + 1):
            for name, month, first, last, _inside, _peak in CAMPAIGN_CALENDAR:
                start = day_number(dt.date(year, month, first))
                end = day_number(dt.date(year, month, last))
                if end < w.start_day:
                    continue
                for s in range(len(self.store_rows)):
                    if self.store_open[s] > start:
                        continue
                    number += 1
                    announced = (start - rng.randint(14, 28)) * DAY + rng.randint(9, 18) * 3600
                    participated = rng.random() < 0.7
                    head = (f"CMP{number:05d}", self.store_rows[s][0], name)
                    head = (*head, date_str(start), date_str(end), boolean(participated))
                    w.emit_at(announced, "ecommerce__campaigns", (*head, "", ts(announced)))
                    closed = (end + rng.randint(1, 5)) * DAY + rng.randint(9, 18) * 3600
                    acquired = rng.randint(200, 5000) if participated else 0
                    w.emit_at(closed, "ecommerce__campaigns", (*head, str(acquired), ts(closed)))

    # ------------------------------------------------------------------ customers

    def _customer_rows(self, reg: np.ndarray) -> tuple[Columns, np.ndarray]:
        """Rows of new customers registered at `reg`; some are CRM accounts under another id."""
        rng = self.rng
        ids, codes, phones, emails, b2b = [], [], [], [], []
        accounts = self.crm.account_count
        for _ in range(len(reg)):
            self.customer_no += 1
            c = self.customer_no
            h = mix(CUSTOMER_SALT, c, 1)
            code = phone = mail = ""
            business = False
            if accounts and h % 100 < 4:  # the same buyer as a CRM account
                a_code, a_phone, a_mail = self.crm.account_identity(rng.randrange(accounts))
                variant = (h >> 8) % 3
                business = True
                if variant == 0 and a_code:
                    code, phone = a_code, mobile(CUSTOMER_SALT, c)
                elif variant == 2 and a_mail:
                    mail, phone = (
                        email_written_differently(a_mail, h >> 12),
                        mobile(CUSTOMER_SALT, c),
                    )
                else:
                    phone = mobile_written_differently(a_phone, h >> 12)
            else:
                phone = mobile(CUSTOMER_SALT, c)
                if h % 100 < 12:
                    business = True
                    code = credit_code(CUSTOMER_SALT, c, REGIONS[(h >> 16) % len(REGIONS)])
                if (h >> 24) % 100 < 55:
                    mail = email(CUSTOMER_SALT, c)
            ids.append(f"CU{c:08d}")
            codes.append(code)
            phones.append(phone)
            emails.append(mail)
            b2b.append(business)
        stamps = ts_col(reg)
        return [ids, codes, phones, emails, stamps, stamps], np.array(b2b, dtype=bool)

    def _register(self, reg: np.ndarray) -> None:
        reg = np.sort(reg)
        columns, b2b = self._customer_rows(reg)
        weight = self.np.gamma(0.5, 2.0, len(reg))
        self.pool.extend(reg, weight, b2b)
        self.w.outbox.put_block("ecommerce__customers", columns)

    # ------------------------------------------------------------------ per window

    def _times_on(self, days: np.ndarray, counts: np.ndarray) -> np.ndarray:
        on_day = np.repeat(days, counts)
        hours = self.np.choice(24, size=on_day.size, p=HOUR_PROFILE)
        t = on_day * DAY + hours * 3600 + self.np.integers(0, 3600, on_day.size)
        t.sort()
        return t

    def run_window(self, lo: int, hi: int, first: bool) -> None:
        """Generate and export everything of the e-commerce system in [lo, hi) seconds."""
        w, rng = self.w, self.np
        first_day = max(lo // DAY, w.start_day) if not first else w.start_day
        last_day = min(hi // DAY - 1, w.end_day)
        days = np.arange(first_day, last_day + 1)
        rate = self._order_rate[days - w.start_day]
        total_customers = CUSTOMERS_PER_LINE * w.order_lines
        if first:
            n0 = int(total_customers * 0.1) + 5
            self._register(w.start_day * DAY - rng.integers(60, 500 * DAY, n0))
        new_rate = rate / self._order_rate.sum() * total_customers * 0.9
        self._register(self._times_on(days, rng.poisson(new_rate)))

        new = self._orders(self._times_on(days, rng.poisson(rate)), days)
        if self.carry is not None:
            combined = {k: np.concatenate([self.carry[k], new[k]]) for k in new}
        else:
            combined = new
        self._export_orders(combined, lo, hi)
        latest = np.max(np.stack([combined[k] for k in _ALL_TIMES]), axis=0)
        keep = latest >= hi
        self.carry = {k: v[keep] for k, v in combined.items()}
        self._traffic(first_day, last_day, hi)
        self._tickets(days, rate, lo, hi)

    def _orders(self, t: np.ndarray, days: np.ndarray) -> dict[str, np.ndarray]:
        """New orders placed at times `t`, with lines exported now and lifecycle decided now."""
        rng, w, pool = self.np, self.w, self.pool
        n = len(t)
        numbers = np.arange(self.order_no + 1, self.order_no + n + 1)
        self.order_no += n
        # customers: some recently registered, most drawn by purchase weight among registered
        registered = np.searchsorted(pool.reg[: pool.n], t, side="right")
        recent = np.searchsorted(pool.reg[: pool.n], t - 30 * DAY, side="left")
        cum = np.cumsum(pool.weight[: pool.n])
        weighted = np.searchsorted(cum, rng.random(n) * cum[np.maximum(registered, 1) - 1])
        fresh = recent + (rng.random(n) * (registered - recent)).astype(np.int64)
        use_fresh = (rng.random(n) < 0.3) & (registered > recent)
        customer = np.minimum(np.where(use_fresh, fresh, weighted), np.maximum(registered - 1, 0))
        b2b = pool.b2b[customer]
        # stores open at the start of the window, by size
        open_stores = [s for s, d in enumerate(self.store_open) if d <= days[0]]
        share = np.array([self.store_weight[s] for s in open_stores])
        store = np.array(open_stores)[rng.choice(len(open_stores), n, p=share / share.sum())]
        # lines
        n_lines = 1 + rng.poisson(LINES_PER_ORDER - 1, n)
        starts = np.cumsum(n_lines) - n_lines
        line_order = np.repeat(np.arange(n), n_lines)
        line_no = np.arange(len(line_order)) - starts[line_order] + 1
        sku = rng.choice(N_SKUS, len(line_order), p=self.sku_pop)
        quantity = rng.geometric(0.7, len(line_order))
        quantity = np.where(
            b2b[line_order], quantity * rng.integers(5, 40, len(line_order)), quantity
        )
        price = self.sku_price[sku]
        on_campaign = self._campaign_day[t // DAY - w.start_day][line_order]
        price = np.where(on_campaign, (price * 85 + 50) // 100, price)
        amount = quantity * price
        gmv = np.add.reduceat(amount, starts) if n else np.zeros(0, dtype=np.int64)
        self.w.outbox.put_block(
            "ecommerce__order_lines",
            [
                id_col("EO", numbers[line_order], 8),
                line_no.astype(str).tolist(),
                [f"SKU-{s + 10001}" for s in sku.tolist()],
                quantity.astype(str).tolist(),
                money_col(price),
                money_col(amount),
                money_col(self.sku_cost[sku]),
            ],
        )
        # lifecycle
        paid = rng.random(n) < 0.89
        delay = np.where(b2b, rng.integers(2 * 3600, 5 * DAY, n), 10 + rng.exponential(240, n))
        paid_at = np.where(paid, t + delay.astype(np.int64), NEVER)
        wait = np.where(b2b, rng.integers(DAY, 7 * DAY, n), 1800 + rng.integers(0, 600, n))
        cancel_at = np.where(paid, NEVER, t + wait)
        draw = rng.random(n)
        full = paid & (draw < 0.05)
        partial = paid & (draw >= 0.05) & (draw < 0.09)
        refund_at = np.where(full | partial, paid_at + rng.integers(DAY, 20 * DAY, n), NEVER)
        last_line = amount[starts + n_lines - 1]
        part_amount = np.where(n_lines > 1, last_line, np.maximum(gmv * 3 // 10, 1))
        refund = np.where(full, gmv, np.where(partial, part_amount, 0))
        billing = ecommerce_billing(rng, paid_at, refund_at, refund, gmv, b2b)
        return {
            "no": numbers,
            "customer": customer,
            "store": store,
            "t": t,
            "paid_at": paid_at,
            "cancel_at": cancel_at,
            "refund_at": refund_at,
            "refund": refund,
            "gmv": gmv,
            "b2b": b2b,
            **billing,
        }

    def _export_orders(self, o: dict[str, np.ndarray], lo: int, hi: int) -> None:
        def happened(name: str) -> np.ndarray:
            return (o[name] != NEVER) & (o[name] < hi)

        touched = np.zeros(len(o["t"]), dtype=bool)
        for name in _ORDER_TIMES:
            touched |= (o[name] != NEVER) & (o[name] >= lo) & (o[name] < hi)
        sel = {k: v[touched] for k, v in o.items()}
        paid = happened("paid_at")[touched]
        cancelled = happened("cancel_at")[touched]
        refunded = happened("refund_at")[touched]
        full = refunded & (sel["refund"] >= sel["gmv"])
        status = np.select(
            [full, refunded, paid, cancelled],
            ["refunded", "partially_refunded", "paid", "cancelled"],
            "pending",
        )
        paid_amount = np.where(paid, sel["gmv"], 0)
        refunded_amount = np.where(refunded, sel["refund"], 0)
        tax = np.where(paid, tax_col(paid_amount - refunded_amount), tax_col(sel["gmv"]))
        stamps = np.stack([np.where(happened(k)[touched], sel[k], NEVER) for k in _ORDER_TIMES])
        updated = stamps.max(axis=0)
        self.w.outbox.put_block(
            "ecommerce__orders",
            [
                id_col("EO", sel["no"], 8),
                id_col("CU", sel["customer"] + 1, 8),
                id_col("ST", sel["store"] + 1, 3),
                ts_col(sel["t"]),
                ts_col(sel["paid_at"], paid),
                status.tolist(),
                money_col(sel["gmv"]),
                money_col(paid_amount),
                money_col(refunded_amount),
                money_col(tax),
                ts_col(updated),
            ],
        )
        invoices, receipts = ecommerce_finance_blocks(o["no"], o["b2b"], o, lo, hi)
        for block in invoices:
            self.w.outbox.put_block("finance__invoices", block)
        for block in receipts:
            self.w.outbox.put_block("finance__receipts", block)

    def _traffic(self, first_day: int, last_day: int, hi: int) -> None:
        """Visitors of day d are exported the next night (d+1, 02:00)."""
        w, rng = self.w, self.np
        days = np.arange(max(first_day - 1, w.start_day), min(last_day, w.end_day + 1))
        days = days[(days + 1) * DAY + 2 * 3600 < hi]
        if self.traffic_next is not None:
            days = days[days >= self.traffic_next]
        if not len(days):
            return
        self.traffic_next = int(days[-1]) + 1
        rate = self._order_rate[days - w.start_day]
        stores, dates, visitors = [], [], []
        weights = np.array(self.store_weight)
        opened = np.array(self.store_open)
        for s in range(len(self.store_rows)):
            live = days >= opened[s]
            if not live.any():
                continue
            share = np.array([weights[s] / weights[opened <= d].sum() for d in days[live].tolist()])
            expected = rate[live] * share * 0.85 / self.store_conversion[s]
            count = rng.poisson(expected)
            count[rng.random(len(count)) < 0.015] = 0  # tracking outage: no visitors recorded
            stores.append(np.full(len(count), s))
            dates.append(days[live])
            visitors.append(count)
        if not stores:
            return
        store = np.concatenate(stores)
        day = np.concatenate(dates)
        stamp = (day + 1) * DAY + 2 * 3600 + rng.integers(0, 1800, len(day))
        self.w.outbox.put_block(
            "ecommerce__traffic_daily",
            [
                id_col("ST", store + 1, 3),
                date_col(day),
                np.concatenate(visitors).astype(str).tolist(),
                ts_col(stamp),
            ],
        )

    def _tickets(self, days: np.ndarray, rate: np.ndarray, lo: int, hi: int) -> None:
        rng = self.np
        opened = self._times_on(days, rng.poisson(rate * TICKETS_PER_ORDER))
        n = len(opened)
        numbers = np.arange(self.ticket_no + 1, self.ticket_no + n + 1)
        self.ticket_no += n
        live = [s for s, d in enumerate(self.store_open) if d <= days[0]]
        share = np.array([self.store_weight[s] for s in live])
        store = np.array(live)[rng.choice(len(live), n, p=share / share.sum())]
        hour = (opened % DAY) // 3600
        wait = rng.lognormal(np.log(8 * 60), 0.9, n).astype(np.int64) + 20
        night = hour < 8
        wait = np.where(night, wait + (8 - hour) * 3600, wait)
        answered = rng.random(n) < 0.93
        new = {
            "no": numbers,
            "store": store,
            "opened": opened,
            "response": np.where(answered, opened + wait, NEVER),
        }
        if self.ticket_carry is not None:
            new = {k: np.concatenate([self.ticket_carry[k], v]) for k, v in new.items()}
        resp = new["response"]
        touched = ((new["opened"] >= lo) & (new["opened"] < hi)) | ((resp >= lo) & (resp < hi))
        sel = {k: v[touched] for k, v in new.items()}
        responded = (sel["response"] != NEVER) & (sel["response"] < hi)
        self.w.outbox.put_block(
            "ecommerce__service_tickets",
            [
                id_col("TK", sel["no"], 8),
                id_col("ST", sel["store"] + 1, 3),
                self._operator_at(sel["store"], sel["opened"]),
                ts_col(sel["opened"]),
                ts_col(sel["response"], responded),
            ],
        )
        later = resp >= hi
        self.ticket_carry = {k: v[later] for k, v in new.items()}
