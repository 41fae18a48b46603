"""hr: teams, the effective-dated roster and managers' peer reviews.

The roster is small (it grows with the square root of the order volume), so it is generated for
the whole history up front; the rest of the simulation asks it who held which role on which day.
Every change closes the current row (`valid_to` = the day before) and opens a new one, so rows of
one employee never overlap. Leaving opens a final `status = left` row.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from sample_company.fmt import DAY, date_of, date_str, money, ts
from sample_company.identity import NamePool
from sample_company.texts import CHINESE_NUMERALS, REGIONS, TEAM_KIND_LABEL

KINDS: tuple[str, ...] = ("direct", "channel", "ecommerce", "key_account")
ROLE_OF_KIND: dict[str, str] = {
    "direct": "direct_sales",
    "channel": "channel_sales",
    "ecommerce": "ecommerce",
    "key_account": "key_account",
}
MANAGER = "sales_manager"
# The first five teams cover every kind (plus a second direct team); then the mix repeats.
_TEAM_PATTERN = (
    "direct",
    "channel",
    "ecommerce",
    "key_account",
    "direct",
    "channel",
    "key_account",
    "direct",
    "channel",
    "ecommerce",
)
_TEAM_REGIONS: dict[str, tuple[str, ...]] = {
    "direct": REGIONS,
    "channel": ("华中", "西南", "华东", "华北", "西北", "东北", "华南"),
    "key_account": ("华东", "华北", "华南", "西南"),
    "ecommerce": ("华东",),
}
_TEAM_SIZE = {"direct": (4, 7), "channel": (4, 6), "ecommerce": (3, 5), "key_account": (3, 6)}
_PAY_RANGE = {  # performance_pay_base per quarter, in yuan
    "direct_sales": (15_000, 28_000),
    "channel_sales": (15_000, 26_000),
    "ecommerce": (15_000, 25_000),
    "key_account": (24_000, 36_000),
    MANAGER: (30_000, 40_000),
}
MEAN_DAYS_BETWEEN_CHANGES = 900


@dataclass
class Assignment:
    """One roster row. `created_at`/`closed_at`: when HR recorded it / recorded its end."""

    valid_from: int
    valid_to: int | None
    role: str
    team_id: str
    manager_id: str
    region: str
    pay_base_cents: int
    status: str
    created_at: int
    closed_at: int | None = None


@dataclass
class Employee:
    idx: int
    employee_id: str
    name: str
    payroll_id: str
    rows: list[Assignment] = field(default_factory=list)


@dataclass
class Team:
    team_id: str
    name: str
    kind: str
    region: str
    manager: int = -1
    members: list[int] = field(default_factory=list)


def team_count(scale_factor: float) -> int:
    return max(5, round(9 * math.sqrt(scale_factor)))


class Roster:
    """Teams and employees over the whole history, with fast 'who held role R on day D'."""

    def __init__(self, scale_factor: float, start_day: int, end_day: int, seed: int) -> None:
        self.rng = random.Random(f"{seed}:people")
        self.names = NamePool(seed)
        self.start_day = start_day
        self.end_day = end_day
        self.teams: list[Team] = []
        self.employees: list[Employee] = []
        self._team_by_id: dict[str, Team] = {}
        self._build(team_count(scale_factor))
        self._index()

    # ------------------------------------------------------------------ construction

    def _recorded(self, day: int, after: int = 0) -> int:
        """When HR keyed a change effective on `day`: a few days before, in office hours."""
        t = (day - self.rng.randint(0, 4)) * DAY + self.rng.randint(9 * 3600, 18 * 3600)
        return max(t, after + 60)

    def _pay(self, role: str) -> int:
        low, high = _PAY_RANGE[role]
        return self.rng.randrange(low, high + 1, 500) * 100

    def _hire(self, team: Team, day: int, role: str) -> Employee:
        idx = len(self.employees)
        emp = Employee(
            idx=idx,
            employee_id=f"E{idx + 1:04d}",
            name=self.names.fake.name(),
            payroll_id=f"PR{100_000 + idx * 7 + self.rng.randint(0, 6):06d}",
        )
        manager_id = "" if role == MANAGER else self.employees[team.manager].employee_id
        emp.rows.append(
            Assignment(
                valid_from=day,
                valid_to=None,
                role=role,
                team_id=team.team_id,
                manager_id=manager_id,
                region=team.region,
                pay_base_cents=self._pay(role),
                status="active",
                created_at=self._recorded(day),
            )
        )
        self.employees.append(emp)
        if role != MANAGER:
            team.members.append(idx)
        return emp

    def _new_row(self, emp: Employee, day: int, **changes: object) -> None:
        """Close the current row the day before `day` and open a changed copy from `day`."""
        current = emp.rows[-1]
        current.valid_to = day - 1
        current.closed_at = self._recorded(day, after=current.created_at)
        values = {
            "valid_from": day,
            "valid_to": None,
            "role": current.role,
            "team_id": current.team_id,
            "manager_id": current.manager_id,
            "region": current.region,
            "pay_base_cents": current.pay_base_cents,
            "status": current.status,
            "created_at": current.closed_at + self.rng.randint(1, 600),
        }
        values.update(changes)
        emp.rows.append(Assignment(**values))  # type: ignore[arg-type]

    def _build(self, n_teams: int) -> None:
        rng = self.rng
        seen: dict[tuple[str, str], int] = {}
        for i in range(n_teams):
            kind = _TEAM_PATTERN[i % len(_TEAM_PATTERN)]
            regions = _TEAM_REGIONS[kind]
            region = regions[sum(1 for t in self.teams if t.kind == kind) % len(regions)]
            number = seen.get((kind, region), 0)
            seen[(kind, region)] = number + 1
            numeral = CHINESE_NUMERALS[number % len(CHINESE_NUMERALS)]
            label = TEAM_KIND_LABEL[kind]
            if kind == "ecommerce":
                name = f"电商运营{numeral}组"
            elif kind == "key_account":
                name = f"{region}大客户{numeral}部"
            else:
                name = f"{region}{label}{numeral}组"
            team = Team(f"T{i + 1:02d}", name, kind, region)
            self.teams.append(team)
            self._team_by_id[team.team_id] = team

        start, end = self.start_day, self.end_day
        events: list[tuple[int, int, str, int]] = []
        for team in self.teams:
            team.manager = self._hire(team, start - rng.randint(700, 3000), MANAGER).idx
            low, high = _TEAM_SIZE[team.kind]
            for _ in range(rng.randint(low, high)):
                member = self._hire(team, start - rng.randint(30, 2500), ROLE_OF_KIND[team.kind])
                events.append((start + self._gap(), len(events), "change", member.idx))
        year = date_of(start).year + 1
        while (jan1 := _jan_first(year)) <= end:
            events.append((jan1, len(events), "raise", -1))
            year += 1
        events.sort()
        heap = events
        import heapq

        heapq.heapify(heap)
        seq = len(events)
        while heap:
            day, _, action, who = heapq.heappop(heap)
            if day > end - 1:
                continue
            if action == "raise":
                for emp in self.employees:
                    row = emp.rows[-1]
                    if row.status == "active" and row.valid_from < day and rng.random() < 0.3:
                        raise_cents = rng.randrange(500, 3001, 500) * 100
                        self._new_row(emp, day, pay_base_cents=row.pay_base_cents + raise_cents)
            elif action == "hire":
                team = self.teams[who]
                emp = self._hire(team, day, ROLE_OF_KIND[team.kind])
                heapq.heappush(heap, (day + self._gap(), seq, "change", emp.idx))
                seq += 1
            else:
                backfill = self._change(self.employees[who], day)
                if backfill is not None:
                    heapq.heappush(heap, (day + rng.randint(14, 45), seq, "hire", backfill))
                    seq += 1
                if self.employees[who].rows[-1].status == "active":
                    heapq.heappush(heap, (day + self._gap(), seq, "change", who))
                    seq += 1

    def _gap(self) -> int:
        return 30 + int(self.rng.expovariate(1 / MEAN_DAYS_BETWEEN_CHANGES))

    def _change(self, emp: Employee, day: int) -> int | None:
        """Apply a leave, team move or role change; returns the team index to backfill, if any."""
        rng = self.rng
        current = emp.rows[-1]
        if current.status != "active":
            return None
        day = max(day, current.valid_from + 1)
        team = self._team_by_id[current.team_id]
        team_index = self.teams.index(team)
        draw = rng.random()
        same_kind = [t for t in self.teams if t.kind == team.kind and t is not team]
        if draw < 0.4:
            self._new_row(emp, day, status="left")
            team.members.remove(emp.idx)
            return team_index
        if draw < 0.7 and same_kind:
            target = rng.choice(same_kind)
            role = current.role
        else:
            other = [t for t in self.teams if t.kind != team.kind]
            near = [t for t in other if t.region == team.region] or other
            target = rng.choice(near)
            role = ROLE_OF_KIND[target.kind]
        pay = current.pay_base_cents
        if role != current.role:
            low, high = _PAY_RANGE[role]
            pay = min(max(pay + rng.randrange(0, 2001, 500) * 100, low * 100), high * 100)
        self._new_row(
            emp,
            day,
            role=role,
            team_id=target.team_id,
            manager_id=self.employees[target.manager].employee_id,
            region=target.region,
            pay_base_cents=pay,
        )
        team.members.remove(emp.idx)
        target.members.append(emp.idx)
        return team_index if len(team.members) < 4 else None

    def _index(self) -> None:
        """Sweep the active rows into epochs: per epoch, who holds each role (and region)."""
        changes: dict[int, list[tuple[int, int, Assignment]]] = {}
        for emp in self.employees:
            for row in emp.rows:
                if row.status != "active":
                    continue
                changes.setdefault(row.valid_from, []).append((1, emp.idx, row))
                if row.valid_to is not None:
                    changes.setdefault(row.valid_to + 1, []).append((-1, emp.idx, row))
        self._bounds: list[int] = sorted(changes)
        self._epochs: list[dict[object, tuple[int, ...]]] = []
        holding: dict[int, Assignment] = {}
        for bound in self._bounds:
            for sign, idx, row in changes[bound]:
                if sign < 0 and holding.get(idx) is row:
                    del holding[idx]
            for sign, idx, row in changes[bound]:
                if sign > 0:
                    holding[idx] = row
            epoch: dict[object, list[int]] = {}
            for idx in sorted(holding):
                row = holding[idx]
                epoch.setdefault(row.role, []).append(idx)
                epoch.setdefault((row.role, row.region), []).append(idx)
            self._epochs.append({k: tuple(v) for k, v in epoch.items()})

    # ------------------------------------------------------------------ queries

    def team(self, team_id: str) -> Team:
        return self._team_by_id[team_id]

    def assignment_at(self, emp: int, day: int) -> Assignment | None:
        """The active row of `emp` in force on `day` (None if not employed or left)."""
        for row in reversed(self.employees[emp].rows):
            if row.valid_from <= day:
                if row.status == "active" and (row.valid_to is None or day <= row.valid_to):
                    return row
                return None
        return None

    def holds(self, emp: int, role: str, day: int) -> bool:
        if emp < 0:
            return False
        row = self.assignment_at(emp, day)
        return row is not None and row.role == role

    def active(self, role: str, day: int, region: str | None = None) -> tuple[int, ...]:
        """Employees holding `role` on `day` (optionally in `region`), in id order."""
        pos = bisect.bisect_right(self._bounds, day) - 1
        if pos < 0:
            return ()
        epoch = self._epochs[pos]
        if region is not None:
            return epoch.get((role, region), ())
        return epoch.get(role, ())

    def pick(self, rng: random.Random, role: str, day: int, region: str | None = None) -> int:
        """A random holder of `role` on `day`, preferring `region`; -1 if nobody holds it."""
        candidates = (self.active(role, day, region) if region else ()) or self.active(role, day)
        return rng.choice(candidates) if candidates else -1

    def employee_id(self, emp: int) -> str:
        return self.employees[emp].employee_id if emp >= 0 else ""

    # ------------------------------------------------------------------ extract rows

    def employee_rows(self) -> Iterator[tuple[int, tuple[str, ...]]]:
        """(recorded time, row) for every version of every roster row."""
        for emp in self.employees:
            for row in emp.rows:
                yield row.created_at, self._row(emp, row, None)
                if row.closed_at is not None:
                    yield row.closed_at, self._row(emp, row, row.valid_to)

    def _row(self, emp: Employee, row: Assignment, valid_to: int | None) -> tuple[str, ...]:
        stamp = row.closed_at if valid_to is not None else row.created_at
        assert stamp is not None
        return (
            emp.employee_id,
            date_str(row.valid_from),
            "" if valid_to is None else date_str(valid_to),
            emp.name,
            row.role,
            row.team_id,
            row.manager_id,
            row.region,
            emp.payroll_id,
            money(row.pay_base_cents),
            row.status,
            ts(stamp),
        )

    def peer_review_rows(self) -> Iterator[tuple[int, tuple[str, ...]]]:
        """Each quarter, 3-5 peers score every manager in office at quarter end (0-100)."""
        rng = random.Random(self.rng.random())
        number = 0
        year, quarter = date_of(self.start_day).year, 1
        while True:
            q_end = _quarter_end(year, quarter)
            if q_end >= self.end_day:
                break
            if q_end >= self.start_day:
                for idx in sorted(t.manager for t in self.teams):
                    if not self.holds(idx, MANAGER, q_end):
                        continue
                    for _ in range(rng.randint(3, 5)):
                        number += 1
                        t = (q_end + rng.randint(3, 20)) * DAY + rng.randint(9 * 3600, 19 * 3600)
                        if t >= (self.end_day + 1) * DAY:
                            continue
                        score = min(100.0, max(40.0, round(rng.gauss(81, 8), 1)))
                        review = (f"PRV{number:06d}", self.employee_id(idx), f"{year}-Q{quarter}")
                        yield t, (*review, f"{score:.1f}", ts(t))
                        if rng.random() < 0.05:  # the reviewer corrects the score later
                            t2 = t + rng.randint(1, 10) * DAY
                            if t2 < (self.end_day + 1) * DAY:
                                score2 = min(100.0, score + 5)
                                yield t2, (*review, f"{score2:.1f}", ts(t2))
            year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def _jan_first(year: int) -> int:
    import datetime as dt

    from sample_company.fmt import day_number

    return day_number(dt.date(year, 1, 1))


def _quarter_end(year: int, quarter: int) -> int:
    import datetime as dt

    from sample_company.fmt import day_number

    if quarter == 4:
        return day_number(dt.date(year, 12, 31))
    return day_number(dt.date(year, quarter * 3 + 1, 1)) - 1
