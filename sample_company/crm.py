"""crm: accounts, distributors, outlets, opportunities, milestones, activities, orders, surveys.

Event-driven: each export window schedules its new records (counts drawn with numpy, Poisson on
day weights) and the event queue creates them in time order, so owners, distributors and account
flags are always read as of the event. Orders are credited to the account owner, re-assigned to a
current holder of the right role when the owner has left or moved (the account row is re-sent).
"""

from __future__ import annotations

import random
from array import array
from decimal import Decimal

import numpy as np

from sample_company.finance import CrmBilling
from sample_company.fmt import DAY, boolean, date_str, money, percent_of, tax_cents, ts
from sample_company.identity import credit_code, email, mix, mobile
from sample_company.outbox import Row
from sample_company.people import MANAGER, ROLE_OF_KIND
from sample_company.texts import (
    DISTRIBUTOR_NOTES,
    INDUSTRIES,
    NEXT_STEPS,
    REGIONS,
    REPORT_NOTES,
    VISIT_NOTES,
)
from sample_company.timeline import crm_day_weights, poisson_times
from sample_company.world import World

ACCOUNT_SALT = 11
DISTRIBUTOR_SALT = 12

CRM_KINDS = ("direct", "channel", "key_account")
CHANNEL_OF_KIND = {"direct": "direct", "channel": "channel", "key_account": "key_account"}
ORDERS_PER_LINE = 0.06  # CRM orders per e-commerce order line
KIND_SHARE = {"direct": 0.5, "channel": 0.35, "key_account": 0.15}
MEAN_ORDER_YUAN = {"direct": 30_000, "channel": 60_000, "key_account": 250_000}
ACTIVITIES_PER_LINE = 0.2
PROSPECTS_PER_REP_YEAR = 4.0
OPPORTUNITIES_PER_LINE = 0.015
LEAD_MIN_AGE_DAYS = 14  # an account is created (first inquiry) well before its first order
ACTIVITY_ROLES = (("direct_sales", 0.38), ("channel_sales", 0.28), ("key_account", 0.22))
ACTIVITY_TYPES: dict[str, tuple[tuple[str, float], ...]] = {
    "direct_sales": (("customer_visit", 0.6), ("needs_report", 0.2), ("demo", 0.2)),
    "channel_sales": (
        ("distributor_visit", 0.6),
        ("channel_training", 0.2),
        ("customer_visit", 0.2),
    ),
    "key_account": (("ka_research", 0.4), ("customer_visit", 0.35), ("demo", 0.25)),
    MANAGER: (("customer_visit", 0.7), ("demo", 0.3)),
}
ACCOUNT_KIND_OF_ROLE = {
    "direct_sales": "direct",
    "channel_sales": "channel",
    "key_account": "key_account",
    MANAGER: "direct",
}
MILESTONES = ("needs_confirmed", "proposal_submitted", "contract_negotiation", "contract_signed")
MILESTONE_DUE_DAYS = (25, 50, 80, 110)
# a milestone is achieved when the opportunity reaches this stage or a later one
MILESTONE_STAGE = ("qualified", "proposal", "negotiation", "won")
BIG_DEAL_CENTS = 300_000 * 100
STAGE_ORDER = ("lead", "qualified", "proposal", "negotiation", "won")


def _weighted(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    draw = rng.random() * sum(w for _, w in options)
    for value, weight in options:
        draw -= weight
        if draw < 0:
            return value
    return options[-1][0]


def _office(rng: random.Random, day: int) -> int:
    return day * DAY + rng.randint(9 * 3600, 19 * 3600)


class Crm:
    """The CRM source system, simulated."""

    def __init__(self, world: World, billing: CrmBilling) -> None:
        self.w = world
        self.roster = world.roster
        self.billing = billing
        self.rng = random.Random(f"{world.seed}:crm")
        self.np = world.rng(2)
        self.names = world.roster.names
        days = world.history_days
        weights = crm_day_weights(days, world.start_day)
        weights /= weights.sum()
        total = ORDERS_PER_LINE * world.order_lines
        self._days = days
        self._order_rate = {k: weights * total * KIND_SHARE[k] for k in CRM_KINDS}
        since = days - world.start_day
        self._p_first = 0.22 + 0.68 * np.exp(-since / 140.0)
        self._activity_rate = weights * ACTIVITIES_PER_LINE * world.order_lines
        self._opportunity_rate = weights * OPPORTUNITIES_PER_LINE * world.order_lines

        # accounts (compact columns; identifiers are derived from `ident`)
        self.acc_kind = array("b")
        self.acc_region = array("b")
        self.acc_owner = array("i")
        self.acc_created = array("q")
        self.acc_ident = array("i")
        self.acc_key = array("b")
        self.acc_industry = array("b")
        self.acc_size = array("f")
        self.acc_churn = array("q")
        self.acc_dist = array("i")
        self.leads: dict[str, list[int]] = {k: [] for k in CRM_KINDS}
        self.lead_head: dict[str, int] = dict.fromkeys(CRM_KINDS, 0)
        self.customers: dict[str, list[int]] = {k: [] for k in CRM_KINDS}
        self.by_kind: dict[str, list[int]] = {k: [] for k in CRM_KINDS}
        self.owned: dict[int, list[int]] = {}

        # distributors and outlets
        self.d_region: list[int] = []
        self.d_owner: list[int] = []
        self.d_ident: list[int] = []
        self.d_status: list[str] = []
        self.d_signed: list[int] = []
        self.d_qualified: list[bool] = []
        self.signed_in_region: dict[int, list[int]] = {}
        self.d_owned: dict[int, list[int]] = {}
        self.terminated: list[int] = []
        self.o_region: list[int] = []
        self.o_dist: list[int] = []
        self.o_target: list[bool] = []
        self.o_stocked: list[int] = []

        self.order_no = 0
        self.activity_no = 0
        self.opportunity_no = 0
        self.milestone_no = 0
        self.survey_no = 0
        self.opps: dict[int, list] = {}
        self._setup()

    # ------------------------------------------------------------------ setup (pre-history)

    def _setup(self) -> None:
        w, rng = self.w, self.rng
        start = w.start_day
        # imported leads: enough converting leads for the first ~5 months of first orders
        early = self._days < start + 150
        for kind in CRM_KINDS:
            expected = float((self._order_rate[kind] * self._p_first)[early].sum())
            n_convert = int(self.np.poisson(expected * 1.1)) + 3
            n_idle = int(self.np.poisson(expected * 0.4))
            for converting in [True] * n_convert + [False] * n_idle:
                t = _office(rng, start - rng.randint(LEAD_MIN_AGE_DAYS, 730))
                w.at(t, self._create_account, kind, converting)
        # distributors: each channel rep in office starts with signed distributors and a prospect
        for rep in self.roster.active("channel_sales", start):
            region = REGIONS.index(self.roster.assignment_at(rep, start).region)  # type: ignore[union-attr]
            for k in range(5):
                created = _office(rng, start - rng.randint(200, 1800))
                signed = created + rng.randint(30, 150) * DAY if k < 4 else None
                if signed is not None and signed >= start * DAY:
                    signed = start * DAY - rng.randint(1, 30) * DAY
                idx = self._new_distributor(region, rep, ident=None)
                w.at(created, self._distributor_created, idx)
                if signed is not None:
                    w.at(max(signed, created + DAY), self._distributor_signed, idx)
        # outlets in every region that has channel distributors
        regions = sorted(set(self.d_region))
        per_region = max(12, round(40 * w.sqrt_factor))
        for region in regions:
            local = [i for i, r in enumerate(self.d_region) if r == region]
            for _ in range(per_region):
                idx = len(self.o_region)
                self.o_region.append(region)
                self.o_dist.append(rng.choice(local))
                self.o_target.append(rng.random() < 0.85)
                self.o_stocked.append(-1)
                created = _office(rng, start - rng.randint(200, 1500))
                w.at(created, self._outlet_event, idx, None)
                draw = rng.random()
                if draw < 0.35:
                    stocked = rng.randint(created // DAY + 1, start - 1)
                elif draw < 0.8:
                    stocked = rng.randint(start, w.end_day)
                else:
                    continue
                w.at(_office(rng, stocked), self._outlet_event, idx, stocked)
                if rng.random() < 0.08:
                    switch = rng.randint(start, w.end_day)
                    w.at(_office(rng, switch), self._outlet_event, idx, -2)

    # ------------------------------------------------------------------ window planning

    def plan_window(self, first_day: int, last_day: int) -> None:
        """Schedule the records created in history days [first_day, last_day]."""
        w, _rng = self.w, self.rng
        lo = max(first_day, w.start_day) - w.start_day
        hi = min(last_day, w.end_day) - w.start_day + 1
        if hi <= lo:
            return
        days = self._days[lo:hi]
        for kind in CRM_KINDS:
            rate = self._order_rate[kind][lo:hi]
            for t in poisson_times(self.np, days, rate).tolist():
                w.at(t, self._order, kind)
            # new leads: converting ones ahead of the first orders they will feed, plus idle ones
            ahead = np.minimum(np.arange(lo, hi) + 45, len(self._days) - 1)
            lead_rate = (self._order_rate[kind] * self._p_first)[ahead] * 0.95
            for t in poisson_times(self.np, days, lead_rate).tolist():
                w.at(t, self._create_account, kind, True)
            for t in poisson_times(self.np, days, lead_rate * 0.4).tolist():
                w.at(t, self._create_account, kind, False)
        for t in poisson_times(self.np, days, self._activity_rate[lo:hi], 8, 20).tolist():
            w.at(t, self._activity)
        for t in poisson_times(self.np, days, self._opportunity_rate[lo:hi]).tolist():
            w.at(t, self._opportunity)
        reps = len(self.roster.active("channel_sales", days[0]))
        prospect_rate = np.full(len(days), reps * PROSPECTS_PER_REP_YEAR / 365)
        for t in poisson_times(self.np, days, prospect_rate).tolist():
            w.at(t, self._new_prospect)

    # ------------------------------------------------------------------ accounts

    def _account_id(self, i: int) -> str:
        return f"ACC{i + 1:06d}"

    def _account_row(self, i: int, t: int) -> Row:
        ident = self.acc_ident[i]
        region = REGIONS[self.acc_region[i]]
        name = self.names.company(ACCOUNT_SALT, ident, region)
        if ident != i:  # the same company keyed in twice, under a slightly different name
            name = name.replace("有限公司", "公司") if "有限公司" in name else name + "（新）"
        h = mix(ACCOUNT_SALT, ident, 9)
        return (
            self._account_id(i),
            name,
            credit_code(ACCOUNT_SALT, ident, region) if h % 100 >= 15 else "",
            mobile(ACCOUNT_SALT, ident),
            email(ACCOUNT_SALT, ident) if (h >> 8) % 100 >= 20 else "",
            INDUSTRIES[self.acc_industry[i]],
            region,
            self.roster.employee_id(self.acc_owner[i]),
            boolean(bool(self.acc_key[i])),
            ts(self.acc_created[i]),
            ts(t),
        )

    def account_identity(self, i: int) -> tuple[str, str, str]:
        """(credit code, phone, e-mail) of account `i`, as the CRM holds them."""
        row = self._account_row(i, self.acc_created[i])
        return row[2], row[3], row[4]

    @property
    def account_count(self) -> int:
        return len(self.acc_kind)

    def _create_account(self, t: int, kind: str, converting: bool) -> None:
        rng = self.rng
        i = len(self.acc_kind)
        role = ROLE_OF_KIND[kind]
        owner = self.roster.pick(rng, role, t // DAY)
        row = self.roster.assignment_at(owner, t // DAY) if owner >= 0 else None
        region = REGIONS.index(row.region) if row else rng.randrange(len(REGIONS))
        duplicate = i > 20 and rng.random() < 0.01
        self.acc_kind.append(CRM_KINDS.index(kind))
        self.acc_region.append(self.acc_region[rng.randrange(i)] if duplicate else region)
        self.acc_owner.append(owner)
        self.acc_created.append(t)
        self.acc_ident.append(self.acc_ident[rng.randrange(i)] if duplicate else i)
        self.acc_key.append(1 if kind == "key_account" else 0)
        self.acc_industry.append(rng.randrange(len(INDUSTRIES)))
        self.acc_size.append(rng.lognormvariate(-0.18, 0.6))
        self.acc_churn.append(0)
        self.acc_dist.append(-1)
        self.by_kind[kind].append(i)
        self.owned.setdefault(owner, []).append(i)
        if converting:
            self.leads[kind].append(i)
        self.w.put("crm__accounts", self._account_row(i, t))

    def _owner_for(self, i: int, t: int) -> int:
        """The account owner on the event date; re-assigned (and re-sent) if no longer valid."""
        kind = CRM_KINDS[self.acc_kind[i]]
        role, day = ROLE_OF_KIND[kind], t // DAY
        owner = self.acc_owner[i]
        if self.roster.holds(owner, role, day):
            return owner
        new = self.roster.pick(self.rng, role, day, REGIONS[self.acc_region[i]])
        if new < 0:
            return -1
        if owner in self.owned:
            self.owned[owner].remove(i)
        self.owned.setdefault(new, []).append(i)
        self.acc_owner[i] = new
        self.w.put("crm__accounts", self._account_row(i, t))
        return new

    def _take_lead(self, kind: str, t: int) -> int:
        pool, head = self.leads[kind], self.lead_head[kind]
        if head >= len(pool):
            return -1
        latest = t - LEAD_MIN_AGE_DAYS * DAY
        j = head + self.rng.randrange(min(len(pool) - head, 40))
        if self.acc_created[pool[j]] > latest:
            j = head
            if self.acc_created[pool[j]] > latest:
                return -1
        pool[head], pool[j] = pool[j], pool[head]
        chosen = pool[head]
        self.lead_head[kind] = head + 1
        if head > 50_000:  # drop the consumed prefix now and then
            del pool[: head + 1]
            self.lead_head[kind] = 0
        return chosen

    def _repeat_customer(self, kind: str, t: int) -> int:
        pool = self.customers[kind]
        for _ in range(6):
            if not pool:
                return -1
            j = self.rng.randrange(len(pool))
            i = pool[j]
            if self.acc_churn[i] > t:
                return i
            pool[j] = pool[-1]
            pool.pop()
        return -1

    # ------------------------------------------------------------------ orders and surveys

    def _order(self, t: int, kind: str) -> None:
        rng, day = self.rng, t // DAY
        first = rng.random() < self._p_first[day - self.w.start_day]
        i = self._take_lead(kind, t) if first else -1
        is_first = i >= 0
        if i < 0:
            i = self._repeat_customer(kind, t)
        if i < 0:
            i = self._take_lead(kind, t)
            is_first = i >= 0
        if i < 0:
            return
        rep = self._owner_for(i, t)
        if rep < 0:
            return
        if is_first:
            self.acc_churn[i] = t + int(rng.expovariate(1 / 800) * DAY) + 30 * DAY
            self.customers[kind].append(i)
        distributor = ""
        if kind == "channel":
            d = self._distributor_for(i, rep, t)
            if d < 0:
                return
            distributor = f"D{d + 1:05d}"
        step = 1000 if kind == "key_account" else 100
        yuan = MEAN_ORDER_YUAN[kind] * self.acc_size[i] * rng.lognormvariate(-0.125, 0.5)
        amount = max(step, round(yuan / step) * step) * 100
        tax = tax_cents(amount)
        margin = percent_of(amount - tax, Decimal(rng.randint(18, 42)))
        self.order_no += 1
        order_id = f"CO{self.order_no:08d}"
        base = (
            order_id,
            self._account_id(i),
            distributor,
            self.roster.employee_id(rep),
            CHANNEL_OF_KIND[kind],
            ts(t),
        )
        tail = (money(amount), money(tax), money(margin))
        self.w.put("crm__orders", (*base, "confirmed", *tail, ts(t)))
        draw = rng.random()
        ended_at: int | None = None
        if draw < (0.12 if is_first else 0.03):
            ended_at = _office(rng, day + rng.randint(1, 15))
            self.w.emit_at(ended_at, "crm__orders", (*base, "cancelled", *tail, ts(ended_at)))
        elif draw > 0.98:
            ended_at = _office(rng, day + rng.randint(10, 60))
            self.w.emit_at(ended_at, "crm__orders", (*base, "returned", *tail, ts(ended_at)))
        self.billing.order(order_id, t, amount, tax, kind, ended_at)
        if (ended_at is None or draw > 0.98) and rng.random() < 0.18:
            responded = t + rng.randint(5, 30) * DAY
            score = _weighted(rng, (("5", 0.3), ("4", 0.4), ("3", 0.2), ("2", 0.07), ("1", 0.03)))
            self.survey_no += 1
            survey = (
                f"SV{self.survey_no:07d}",
                self._account_id(i),
                self.roster.employee_id(rep),
                score,
                ts(responded),
            )
            self.w.emit_at(responded, "crm__satisfaction_surveys", survey)

    # ------------------------------------------------------------------ distributors and outlets

    def _new_distributor(self, region: int, owner: int, ident: int | None) -> int:
        idx = len(self.d_region)
        self.d_region.append(region)
        self.d_owner.append(owner)
        self.d_ident.append(idx if ident is None else ident)
        self.d_status.append("prospect")
        self.d_signed.append(-1)
        self.d_qualified.append(False)
        self.d_owned.setdefault(owner, []).append(idx)
        return idx

    def _distributor_row(self, d: int, t: int) -> Row:
        region = REGIONS[self.d_region[d]]
        ident = self.d_ident[d]
        name = self.names.company(DISTRIBUTOR_SALT, ident, region)
        signed = self.d_signed[d]
        return (
            f"D{d + 1:05d}",
            name,
            credit_code(DISTRIBUTOR_SALT, ident, region),
            region,
            self.roster.employee_id(self.d_owner[d]),
            self.d_status[d],
            date_str(signed) if signed >= 0 else "",
            boolean(self.d_qualified[d]),
            ts(t),
        )

    def _distributor_owner(self, d: int, t: int) -> None:
        owner = self.d_owner[d]
        if not self.roster.holds(owner, "channel_sales", t // DAY):
            new = self.roster.pick(self.rng, "channel_sales", t // DAY, REGIONS[self.d_region[d]])
            if new >= 0:
                self.d_owned[owner].remove(d)
                self.d_owned.setdefault(new, []).append(d)
                self.d_owner[d] = new

    def _distributor_created(self, t: int, d: int) -> None:
        self.w.put("crm__distributors", self._distributor_row(d, t))

    def _new_prospect(self, t: int) -> None:
        rng = self.rng
        owner = self.roster.pick(rng, "channel_sales", t // DAY)
        if owner < 0:
            return
        region = REGIONS.index(self.roster.assignment_at(owner, t // DAY).region)  # type: ignore[union-attr]
        ident = None
        if self.terminated and rng.random() < 0.1:  # a terminated distributor re-registers
            old = rng.choice(self.terminated)
            ident, region = self.d_ident[old], self.d_region[old]
        d = self._new_distributor(region, owner, ident)
        self._distributor_created(t, d)
        if rng.random() < 0.65:
            self.w.at(t + rng.randint(30, 150) * DAY, self._distributor_signed, d)

    def _distributor_signed(self, t: int, d: int) -> None:
        rng = self.rng
        self._distributor_owner(d, t)
        self.d_status[d] = "signed"
        self.d_signed[d] = t // DAY
        self.d_qualified[d] = rng.random() < 0.6
        self.signed_in_region.setdefault(self.d_region[d], []).append(d)
        self.w.put("crm__distributors", self._distributor_row(d, t))
        if not self.d_qualified[d] and rng.random() < 0.6:
            self.w.at(t + rng.randint(30, 120) * DAY, self._distributor_qualified, d)
        ends = t + int(rng.expovariate(1 / (5 * 365)) * DAY) + 60 * DAY
        self.w.at(ends, self._distributor_terminated, d)

    def _distributor_qualified(self, t: int, d: int) -> None:
        if self.d_status[d] == "signed":
            self._distributor_owner(d, t)
            self.d_qualified[d] = True
            self.w.put("crm__distributors", self._distributor_row(d, t))

    def _distributor_terminated(self, t: int, d: int) -> None:
        self._distributor_owner(d, t)
        self.d_status[d] = "terminated"
        self.terminated.append(d)
        self.w.put("crm__distributors", self._distributor_row(d, t))

    def _distributor_for(self, i: int, rep: int, t: int) -> int:
        d = self.acc_dist[i]
        if d >= 0 and self.d_status[d] == "signed":
            return d
        own = [x for x in self.d_owned.get(rep, ()) if self.d_status[x] == "signed"]
        local = own or [
            x
            for x in self.signed_in_region.get(self.acc_region[i], ())
            if self.d_status[x] == "signed"
        ]
        if not local:
            local = [x for x, s in enumerate(self.d_status) if s == "signed"]
        if not local:
            return -1
        d = self.rng.choice(local)
        self.acc_dist[i] = d
        return d

    def _outlet_event(self, t: int, o: int, change: int | None) -> None:
        """Create (None), record first stocking (a day) or switch distributor (-2)."""
        if change is not None and change >= 0:
            self.o_stocked[o] = change
        elif change == -2:
            local = [
                x for x in self.signed_in_region.get(self.o_region[o], ()) if x != self.o_dist[o]
            ]
            if not local:
                return
            self.o_dist[o] = self.rng.choice(local)
        stocked = self.o_stocked[o]
        row = (
            f"OUT{o + 1:06d}",
            REGIONS[self.o_region[o]],
            f"D{self.o_dist[o] + 1:05d}",
            boolean(self.o_target[o]),
            date_str(stocked) if stocked >= 0 else "",
            ts(t),
        )
        self.w.put("crm__outlets", row)

    # ------------------------------------------------------------------ activities

    def _activity(self, t: int) -> None:
        rng, day = self.rng, t // DAY
        role = MANAGER if rng.random() < 0.1 else _weighted(rng, ACTIVITY_ROLES)
        emp = self.roster.pick(rng, role, day)
        if emp < 0:
            return
        kind = _weighted(rng, ACTIVITY_TYPES[role])
        account = distributor = ""
        if kind in ("distributor_visit", "channel_training"):
            own = self.d_owned.get(emp) or [x for x, s in enumerate(self.d_status) if s == "signed"]
            if not own:
                return
            distributor = f"D{rng.choice(own) + 1:05d}"
        else:
            own_accounts = self.owned.get(emp) or self.by_kind[ACCOUNT_KIND_OF_ROLE[role]]
            if not own_accounts:
                return
            account = self._account_id(rng.choice(own_accounts))
        notes = next_step = ""
        flags = [False, False, False]
        late_next_step = ""
        if kind == "customer_visit":
            draw = rng.random()
            if draw < 0.62:
                notes, next_step = rng.choice(VISIT_NOTES), rng.choice(NEXT_STEPS)
            elif draw < 0.82:
                notes = rng.choice(VISIT_NOTES)
                if rng.random() < 0.3:
                    late_next_step = rng.choice(NEXT_STEPS)
            elif draw < 0.9:
                next_step = rng.choice(NEXT_STEPS)
        elif kind in ("distributor_visit", "channel_training"):
            notes = rng.choice(DISTRIBUTOR_NOTES) if rng.random() < 0.85 else ""
            next_step = rng.choice(NEXT_STEPS) if rng.random() < 0.5 else ""
        else:
            notes = rng.choice(REPORT_NOTES if kind != "demo" else VISIT_NOTES)
            next_step = rng.choice(NEXT_STEPS) if rng.random() < 0.6 else ""
            p = {"ka_research": 0.72, "needs_report": 0.5}.get(kind, 0.1)
            flags = [rng.random() < p for _ in range(3)]
        self.activity_no += 1
        stamp = ts
        if rng.random() < 0.005:  # a few rows carry the explicit business-time offset

            def stamp(seconds: int) -> str:
                return ts(seconds) + "+08:00"

        head = (f"ACT{self.activity_no:08d}", self.roster.employee_id(emp), kind, account)
        head = (*head, distributor, stamp(t))
        bools = tuple(boolean(f) for f in flags)
        self.w.put("crm__activities", (*head, notes, next_step, *bools, stamp(t)))
        if late_next_step:  # the rep completes the record later: the visit becomes effective
            later = t + rng.randint(4 * 3600, 3 * DAY)
            row = (*head, notes, late_next_step, *bools, stamp(later))
            self.w.emit_at(later, "crm__activities", row)

    # ------------------------------------------------------------------ opportunities

    def _opportunity(self, t: int) -> None:
        rng = self.rng
        kind = "direct" if rng.random() < 0.55 else "key_account"
        pool = self.by_kind[kind]
        if not pool:
            return
        i = rng.choice(pool)
        owner = self._owner_for(i, t)
        if owner < 0:
            return
        mean = 150_000 if kind == "direct" else 1_200_000
        amount = max(1000, round(mean * rng.lognormvariate(-0.125, 0.5) / 1000) * 1000) * 100
        self.opportunity_no += 1
        n = self.opportunity_no
        expected_close = t // DAY + 90
        milestone_base = -1
        # the path through the funnel, decided now, played out over the coming weeks
        path: list[tuple[int, str]] = []
        cur = t
        for stage in ("qualified", "proposal", "negotiation"):
            draw = rng.random()
            cur += int(rng.expovariate(1 / 18) * DAY) + DAY
            if draw < 0.16:
                path.append((cur, "lost"))
                break
            if draw < 0.26 and stage != "negotiation":
                continue  # skipped stage
            if draw < 0.31:
                break  # stalls: stays open
            path.append((cur, stage))
        else:
            cur += int(rng.expovariate(1 / 18) * DAY) + DAY
            path.append((cur, "won" if rng.random() < 0.68 else "lost"))
        if kind == "key_account":
            milestone_base = self.milestone_no
            self.milestone_no += len(MILESTONES)
            self._milestones(n, milestone_base, t, path)
        self.opps[n] = [i, owner, "lead", amount, t, expected_close]
        self._emit_opportunity(n, t)
        self.w.put("crm__opportunity_stage_history", (f"OP{n:07d}", "lead", ts(t)))
        for when, stage in path:
            self.w.at(when, self._opportunity_stage, n, stage)

    def _emit_opportunity(self, n: int, t: int) -> None:
        i, owner, stage, amount, created, close_day = self.opps[n]
        row = (
            f"OP{n:07d}",
            self._account_id(i),
            self.roster.employee_id(owner),
            stage,
            money(amount),
            ts(created),
            date_str(close_day),
            ts(t),
        )
        self.w.put("crm__opportunities", row)

    def _opportunity_stage(self, t: int, n: int, stage: str) -> None:
        state = self.opps[n]
        i = state[0]
        kind = CRM_KINDS[self.acc_kind[i]]
        if not self.roster.holds(state[1], ROLE_OF_KIND[kind], t // DAY):
            owner = self._owner_for(i, t)
            state[1] = owner if owner >= 0 else state[1]
        state[2] = stage
        if stage == "proposal":
            state[3] = int(state[3] * self.rng.uniform(0.8, 1.15)) // 100_000 * 100_000 or state[3]
        if stage in ("won", "lost"):
            state[5] = t // DAY
        self._emit_opportunity(n, t)
        self.w.put("crm__opportunity_stage_history", (f"OP{n:07d}", stage, ts(t)))
        if stage == "won" and state[3] >= BIG_DEAL_CENTS and not self.acc_key[i]:
            # a big direct deal makes the account a key account (the row is re-sent)
            self.acc_key[i] = 1
            self.w.put("crm__accounts", self._account_row(i, t))
        if stage in ("won", "lost"):
            del self.opps[n]

    def _milestones(self, n: int, base: int, t: int, path: list[tuple[int, str]]) -> None:
        created_day = t // DAY
        reached = {stage: when for when, stage in path}
        for k, (name, due_offset) in enumerate(zip(MILESTONES, MILESTONE_DUE_DAYS, strict=True)):
            milestone_id = f"MS{base + k + 1:08d}"
            due = created_day + due_offset
            head = (milestone_id, f"OP{n:07d}", name, date_str(due))
            self.w.put("crm__project_milestones", (*head, "", ts(t)))
            later = STAGE_ORDER[STAGE_ORDER.index(MILESTONE_STAGE[k]) :]
            achieved = min((reached[s] for s in later if s in reached), default=None)
            if achieved is not None:
                recorded = achieved + self.rng.randint(600, 6 * 3600)
                row = (*head, date_str(achieved // DAY), ts(recorded))
                self.w.emit_at(recorded, "crm__project_milestones", row)
