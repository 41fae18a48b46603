"""plan: versioned targets (base ≤ challenge ≤ stretch; reversed when lower is better).

Annual targets are approved each December for the coming year: per employee for the KPIs weighted
in their role's scorecard (compensation.md), per quarter and month, and per team for
`team_revenue` (year, quarter, month). In July some are re-versioned ("年中调整"); people who
change role or join mid-year get targets for their new role from the change on. Values come from
the simulation's own expected volumes, with individual noise, so every tier occurs.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from sample_company.crm import (
    CRM_KINDS,
    MEAN_ORDER_YUAN,
    OPPORTUNITIES_PER_LINE,
    PROSPECTS_PER_REP_YEAR,
    Crm,
)
from sample_company.ecommerce import Ecommerce
from sample_company.fmt import DAY, date_of, day_number, ts
from sample_company.people import MANAGER, ROLE_OF_KIND
from sample_company.texts import TARGET_REASONS_MIDYEAR
from sample_company.world import World

ROLE_KPIS: dict[str, tuple[str, ...]] = {
    "direct_sales": ("revenue", "collection_rate", "customer_retention_rate"),
    "channel_sales": (
        "channel_revenue",
        "new_distributors",
        "distribution_coverage_rate",
        "distributor_visits",
    ),
    "ecommerce": (
        "net_sales",
        "conversion_rate",
        "repurchase_rate",
        "average_order_value",
        "avg_first_response_minutes",
    ),
    "key_account": (
        "key_account_revenue",
        "key_account_signings",
        "milestone_achievement_rate",
        "research_depth",
    ),
    MANAGER: (
        "team_revenue",
        "team_effective_visits",
        "win_rate",
        "customer_satisfaction",
        "collaboration_score",
    ),
}
LOWER_IS_BETTER = frozenset({"avg_first_response_minutes", "avg_sales_cycle_days"})
# (base, challenge, stretch) of rate and score KPIs, calibrated on the generated `small` company
# (a month's repurchase rate is lower than a quarter's: see MONTH_FACTOR)
FIXED_TARGETS: dict[str, tuple[float, float, float]] = {
    "collection_rate": (0.7, 0.85, 0.95),
    "customer_retention_rate": (0.15, 0.25, 0.35),
    "conversion_rate": (0.012, 0.016, 0.02),
    "repurchase_rate": (0.2, 0.28, 0.36),
    "avg_first_response_minutes": (50.0, 40.0, 30.0),
    "milestone_achievement_rate": (0.3, 0.4, 0.5),
    "win_rate": (0.3, 0.38, 0.45),
    "customer_satisfaction": (3.7, 3.9, 4.1),
    "collaboration_score": (75.0, 80.0, 86.0),
}
MONTH_FACTOR = {"repurchase_rate": 0.6}
# expected revenue as simulated ÷ the naive per-rep estimate (account owners, cancellations)
REVENUE_CALIBRATION = {"direct": 0.95, "channel": 0.85, "key_account": 0.85}
NET_SALES_CALIBRATION = 1.15
COUNT_KPIS = frozenset(
    {
        "new_distributors",
        "distributor_visits",
        "key_account_signings",
        "research_depth",
        "team_effective_visits",
    }
)
PRIMARY_KPIS = frozenset({kpis[0] for kpis in ROLE_KPIS.values()})
MIDYEAR_FACTOR = dict(zip(TARGET_REASONS_MIDYEAR, (1.0, 0.85, 1.15), strict=True))
APPROVER = "VP001"  # the sales VP, who is not on the sales roster


def _quarters(year: int) -> list[tuple[str, int, int]]:
    out = []
    for q in range(4):
        first = day_number(dt.date(year, q * 3 + 1, 1))
        nxt = dt.date(year + 1, 1, 1) if q == 3 else dt.date(year, q * 3 + 4, 1)
        out.append((f"{year}-Q{q + 1}", first, day_number(nxt) - 1))
    return out


def _months(year: int) -> list[tuple[str, int, int]]:
    out = []
    for m in range(1, 13):
        first = day_number(dt.date(year, m, 1))
        nxt = dt.date(year + 1, 1, 1) if m == 12 else dt.date(year, m + 1, 1)
        out.append((f"{year}-{m:02d}", first, day_number(nxt) - 1))
    return out


def format_num(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


class Plan:
    """The planning system: emits target versions at their approval times."""

    def __init__(self, world: World, crm: Crm, ecommerce: Ecommerce) -> None:
        self.w = world
        self.roster = world.roster
        self.crm = crm
        self.eco = ecommerce
        self.rng = random.Random(f"{world.seed}:plan")
        self.target_no = 0
        self.current: dict[tuple[str, str, str, str], tuple[str, int, tuple[float, float, float]]]
        self.current = {}
        self._schedule()

    # ------------------------------------------------------------------ schedule

    def _schedule(self) -> None:
        w = self.w
        first_year, last_year = date_of(w.start_day).year, date_of(w.end_day).year
        for year in range(first_year, last_year + 1):
            approved = day_number(dt.date(year - 1, 12, 18)) * DAY + 15 * 3600
            w.at(approved, self._annual, year)
            midyear = day_number(dt.date(year, 7, 8)) * DAY + 16 * 3600
            w.at(midyear, self._midyear, year)
        for emp in self.roster.employees:
            for prev, row in zip(emp.rows, emp.rows[1:], strict=False):
                if row.status == "active" and row.role != prev.role:
                    when = row.created_at + 2 * 3600
                    w.at(when, self._for_employee, emp.idx, row.valid_from, "岗位调整")
            first = emp.rows[0]
            if first.valid_from > w.start_day:
                w.at(
                    first.created_at + 2 * 3600,
                    self._for_employee,
                    emp.idx,
                    first.valid_from,
                    "新员工入职",
                )

    # ------------------------------------------------------------------ expected values

    def _crm_revenue(self, kind: str, first: int, last: int, day: int) -> float:
        rate = self.crm._order_rate[kind]
        lo, hi = max(first, self.w.start_day), min(last, self.w.end_day)
        if hi < lo:
            per_day = float(rate[:30].mean())
            total = per_day * (last - first + 1)
        else:
            total = float(rate[lo - self.w.start_day : hi - self.w.start_day + 1].sum())
            total *= (last - first + 1) / (hi - lo + 1)
        reps = max(1, len(self.roster.active(ROLE_OF_KIND[kind], day)))
        return total * MEAN_ORDER_YUAN[kind] * 0.95 * REVENUE_CALIBRATION[kind] / reps

    def _net_sales(self, emp: int, first: int, last: int, day: int) -> float:
        rate = self.eco._order_rate
        lo, hi = max(first, self.w.start_day), min(last, self.w.end_day)
        if hi < lo:
            total = float(rate[:30].mean()) * (last - first + 1)
        else:
            total = float(rate[lo - self.w.start_day : hi - self.w.start_day + 1].sum())
            total *= (last - first + 1) / (hi - lo + 1)
        operators = max(1, len(self.roster.active("ecommerce", day)))
        return total * self.eco.expected_net_per_order_yuan * NET_SALES_CALIBRATION / operators

    def _per_rep_daily_activities(self, role: str, day: int) -> float:
        reps = max(1, len(self.roster.active(role, day)))
        total = float(self.crm._activity_rate.mean())
        share = {"direct_sales": 0.38, "channel_sales": 0.28, "key_account": 0.22}.get(role, 0.0)
        return total * 0.9 * share / reps

    def _challenge(
        self, kpi: str, role: str, emp: int, team: str, first: int, last: int, day: int
    ) -> float:
        days = last - first + 1
        if kpi == "revenue":
            return self._crm_revenue("direct", first, last, day)
        if kpi == "channel_revenue":
            return self._crm_revenue("channel", first, last, day)
        if kpi == "key_account_revenue":
            return self._crm_revenue("key_account", first, last, day)
        if kpi == "net_sales":
            return self._net_sales(emp, first, last, day)
        if kpi == "team_revenue":
            return self._team_revenue(team, first, last, day)
        if kpi == "average_order_value":
            return self.eco.expected_net_per_order_yuan * (1.3 if days > 40 else 1.1)
        if kpi == "distribution_coverage_rate":
            progress = (last - self.w.start_day) / max(1, self.w.end_day - self.w.start_day)
            return min(0.9, 0.4 + 0.45 * max(0.0, progress))
        if kpi == "new_distributors":
            return PROSPECTS_PER_REP_YEAR * 0.65 * 0.75 * days / 365
        if kpi == "distributor_visits":
            return self._per_rep_daily_activities(role, day) * 0.6 * days
        if kpi == "key_account_signings":
            opp = OPPORTUNITIES_PER_LINE * self.w.order_lines * 0.45 * 0.3
            reps = max(1, len(self.roster.active("key_account", day)))
            years = (self.w.end_day - self.w.start_day + 1) / 365
            return opp / years / reps * days / 365
        if kpi == "research_depth":
            return self._per_rep_daily_activities(role, day) * 0.4 * 0.72**3 * days
        if kpi == "team_effective_visits":
            members = [
                e
                for e in self._team_members(team, day)
                if self.roster.assignment_at(e, day) is not None
            ]
            per_day = sum(
                self._per_rep_daily_activities(self.roster.assignment_at(e, day).role, day)  # type: ignore[union-attr]
                * 0.45
                for e in members
            )
            return per_day * days
        return FIXED_TARGETS[kpi][1]

    def _team_members(self, team: str, day: int) -> list[int]:
        out = []
        for emp in self.roster.employees:
            row = self.roster.assignment_at(emp.idx, day)
            if row is not None and row.team_id == team and row.role != MANAGER:
                out.append(emp.idx)
        return out

    def _team_revenue(self, team: str, first: int, last: int, day: int) -> float:
        total = 0.0
        for e in self._team_members(team, day):
            role = self.roster.assignment_at(e, day).role  # type: ignore[union-attr]
            if role == "ecommerce":
                total += self._net_sales(e, first, last, day)
            else:
                kind = next(k for k in CRM_KINDS if ROLE_OF_KIND[k] == role)
                total += self._crm_revenue(kind, first, last, day)
        return total

    def _triple(
        self, kpi: str, challenge: float, noise: float, month: bool = False
    ) -> tuple[float, float, float]:
        if kpi in FIXED_TARGETS:
            base, chal, stretch = FIXED_TARGETS[kpi]
            jitter = (1 + noise * 0.3) * (MONTH_FACTOR.get(kpi, 1.0) if month else 1.0)
            return base * jitter, chal * jitter, stretch * jitter
        challenge *= 1 + noise
        if kpi in COUNT_KPIS:
            chal = max(1, round(challenge))
            return math.floor(chal * 0.8), chal, max(chal + 1, math.ceil(chal * 1.25))
        if kpi == "distribution_coverage_rate":
            chal = min(0.95, round(challenge, 2))
            return round(chal - 0.05, 2), chal, round(chal + 0.05, 2)
        step = 10_000 if challenge >= 1_000_000 else 1_000 if challenge >= 10_000 else 10
        chal = max(step, round(challenge / step) * step)
        return round(chal * 0.8), chal, round(chal * 1.2)

    # ------------------------------------------------------------------ emission

    def _emit(
        self,
        t: int,
        scope_type: str,
        scope_id: str,
        period: str,
        kpi: str,
        values: tuple[float, float, float],
        reason: str,
        approver: str,
    ) -> None:
        key = (scope_type, scope_id, period, kpi)
        known = self.current.get(key)
        if known is None:
            self.target_no += 1
            target_id, version = f"TGT{self.target_no:07d}", 1
        else:
            target_id, version = known[0], known[1] + 1
        base, challenge, stretch = values
        if kpi in LOWER_IS_BETTER:
            assert base >= challenge >= stretch
        else:
            assert base <= challenge <= stretch
        self.current[key] = (target_id, version, values)
        row = (
            target_id,
            str(version),
            scope_type,
            scope_id,
            period,
            kpi,
            format_num(base),
            format_num(challenge),
            format_num(stretch),
            reason,
            approver,
            ts(t),
        )
        self.w.put("plan__targets", row)

    def _employee_targets(
        self, t: int, emp: int, day: int, periods: list[tuple[str, int, int]], reason: str
    ) -> None:
        row = self.roster.assignment_at(emp, day)
        if row is None:
            return
        approver = row.manager_id or APPROVER
        employee_id = self.roster.employee_id(emp)
        for kpi in ROLE_KPIS[row.role]:
            noise = self.rng.gauss(0, 0.12)
            for period, first, last in periods:
                month = "-Q" not in period
                if kpi == "collaboration_score" and month:
                    continue  # reviews are quarterly: no monthly target
                chal = self._challenge(kpi, row.role, emp, row.team_id, first, last, day)
                values = self._triple(kpi, chal, noise + self.rng.gauss(0, 0.03), month)
                self._emit(t, "employee", employee_id, period, kpi, values, reason, approver)

    def _annual(self, t: int, year: int) -> None:
        # forget versions of years that can no longer change
        self.current = {k: v for k, v in self.current.items() if int(k[2][:4]) >= year - 1}
        jan1 = day_number(dt.date(year, 1, 1))
        periods = _quarters(year) + _months(year)
        reason = f"{year}年度目标"
        for emp in self.roster.employees:
            self._employee_targets(t, emp.idx, jan1, periods, reason)
        whole_year = (str(year), jan1, day_number(dt.date(year, 12, 31)))
        for team in self.roster.teams:
            noise = self.rng.gauss(0, 0.08)
            for period, first, last in [whole_year, *periods]:
                chal = self._team_revenue(team.team_id, first, last, jan1)
                values = self._triple("team_revenue", chal, noise)
                self._emit(
                    t, "team", team.team_id, period, "team_revenue", values, reason, APPROVER
                )

    def _midyear(self, t: int, year: int) -> None:
        """Re-version the second-half targets of the primary KPI for some employees and teams."""
        rng = self.rng
        later = {p[0] for p in _quarters(year)[2:] + _months(year)[6:]}
        decided: dict[str, tuple[str, float] | None] = {}
        for (scope_type, scope_id, period, kpi), (_id, _v, values) in list(self.current.items()):
            if period not in later or kpi not in PRIMARY_KPIS:
                continue
            if scope_id not in decided:
                share = 0.4 if scope_type == "team" else 0.3
                reason = rng.choice(TARGET_REASONS_MIDYEAR)
                decided[scope_id] = (
                    (reason, MIDYEAR_FACTOR[reason]) if rng.random() < share else None
                )
            choice = decided[scope_id]
            if choice is None:
                continue
            new = self._triple(kpi, values[1] * choice[1], rng.gauss(0, 0.02))
            self._emit(t, scope_type, scope_id, period, kpi, new, choice[0], APPROVER)

    def _for_employee(self, t: int, emp: int, from_day: int, reason: str) -> None:
        year = date_of(from_day).year
        periods = [p for p in _quarters(year) + _months(year) if p[2] >= from_day]
        self._employee_targets(t, emp, from_day, periods, reason)
