"""The compensation plan: one declarative, versioned YAML file, validated and loaded to `config.*`.

`config/compensation_plan.yml` lists plan versions (weights per role, tier bonuses, the collection
gate, the score cap, the payout period), each with the date it takes effect. `read_plan_config`
parses and validates it and reports every problem at once, each naming the file and the field;
`load_plan_config` replaces the `config` tables the scorecard and payout models read, in one
transaction, so dbt never sees half a plan.

Tables written (one version of the file at a time; `config_file_sha256` says which):
  config.plan_versions          one row per plan_version
  config.plan_kpi_weights       one row per (plan_version, role, kpi_code)
  config.plan_tier_bonuses      one row per (plan_version, role, tier)
  config.plan_collection_gates  one row per (plan_version, role) the collection gate applies to
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import duckdb
import yaml

ROLES: tuple[str, ...] = (
    "direct_sales",
    "channel_sales",
    "key_account",
    "ecommerce",
    "sales_manager",
)
# Every KPI code of shared/spec/kpis.md (the codes BI and payroll read).
KPI_CODES: frozenset[str] = frozenset(
    {
        "revenue",
        "revenue_excl_tax",
        "new_customer_revenue",
        "existing_customer_revenue",
        "new_customers",
        "collection_rate",
        "customer_retention_rate",
        "effective_visits",
        "needs_reports",
        "channel_revenue",
        "new_distributors",
        "distribution_coverage_rate",
        "distributor_visits",
        "channel_trainings",
        "gmv",
        "net_sales",
        "conversion_rate",
        "repurchase_rate",
        "average_order_value",
        "avg_first_response_minutes",
        "campaigns_participated",
        "key_account_revenue",
        "key_account_signings",
        "customer_lifetime_value",
        "research_depth",
        "milestone_achievement_rate",
        "team_revenue",
        "team_new_customers",
        "team_effective_visits",
        "team_target_attainment",
        "avg_sales_cycle_days",
        "win_rate",
        "customer_satisfaction",
        "collaboration_score",
    }
)
PERIOD_TYPES: tuple[str, ...] = ("month", "quarter", "year")
TIERS: tuple[str, ...] = ("base", "challenge", "stretch")  # in ascending order of bonus

DEFAULT_PAYOUT_PERIOD_TYPE = "quarter"
DEFAULT_SCORE_CAP = Decimal("1.5")
WEIGHT_TOTAL = Decimal(100)
WEIGHT_SCALE = 4  # config.plan_kpi_weights.weight_percent is DECIMAL(9,4)
MONEY_SCALE = 2  # DECIMAL(18,2)
RATIO_SCALE = 6  # DECIMAL(18,6), like KPI values

_VERSION_KEYS = {
    "plan_version",
    "effective_from",
    "description",
    "payout_period_type",
    "score_cap",
    "tier_bonuses",
    "collection_gate",
    "roles",
}
_ROLE_KEYS = {"weights", "tier_bonuses"}
_WEIGHT_KEYS = {"kpi_code", "weight", "group"}
_GATE_KEYS = {"kpi_code", "threshold", "roles"}


class PlanConfigError(ValueError):
    """The plan file is invalid; `errors` lists every problem as '<file>: <field>: <message>'."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("invalid compensation plan:\n  " + "\n  ".join(errors))


@dataclass(frozen=True)
class KpiWeight:
    kpi_code: str
    weight_percent: Decimal
    weight_group: str | None
    position: int  # 1 = primary KPI


@dataclass(frozen=True)
class RolePlan:
    role: str
    weights: tuple[KpiWeight, ...]
    tier_bonuses: Mapping[str, Decimal]  # tier -> bonus amount, every tier of TIERS

    @property
    def primary_kpi_code(self) -> str:
        return self.weights[0].kpi_code


@dataclass(frozen=True)
class CollectionGate:
    kpi_code: str
    threshold: Decimal
    roles: tuple[str, ...]


@dataclass(frozen=True)
class PlanVersion:
    plan_version: str
    effective_from: dt.date
    description: str | None
    payout_period_type: str
    score_cap: Decimal
    collection_gate: CollectionGate | None
    roles: tuple[RolePlan, ...]


@dataclass(frozen=True)
class PlanConfig:
    file_name: str
    sha256: str
    versions: tuple[PlanVersion, ...]  # ascending effective_from


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key repeated in one mapping (YAML would keep the last silently)."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


class _Checker:
    """Collects '<file>: <field>: <message>' errors while the document is walked."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[str] = []

    def error(self, field: str, message: str) -> None:
        self.errors.append(f"{self.source}: {field}: {message}")

    def mapping(self, value: Any, field: str, allowed: set[str]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(field, f"must be a mapping, got {_kind(value)}")
            return None
        for key in sorted(set(map(str, value)) - allowed):
            self.error(f"{field}.{key}", f"unknown field (allowed: {', '.join(sorted(allowed))})")
        return value

    def text(self, value: Any, field: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.error(field, f"must be a non-empty text, got {_kind(value)}")
            return None
        return value.strip()

    def number(
        self,
        value: Any,
        field: str,
        *,
        scale: int,
        minimum: Decimal | None = None,
        exclusive_minimum: Decimal | None = None,
    ) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            self.error(field, f"must be a number, got {_kind(value)}")
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.error(field, f"must be a number, got {value!r}")
            return None
        if not number.is_finite():
            self.error(field, f"must be a finite number, got {value!r}")
            return None
        if number != round(number, scale):
            self.error(field, f"has more than {scale} decimal places: {value!r}")
            return None
        if minimum is not None and number < minimum:
            self.error(field, f"must be ≥ {minimum}, got {value!r}")
            return None
        if exclusive_minimum is not None and number <= exclusive_minimum:
            self.error(field, f"must be > {exclusive_minimum}, got {value!r}")
            return None
        return number

    def date(self, value: Any, field: str) -> dt.date | None:
        if isinstance(value, dt.datetime):
            self.error(field, f"must be a date (YYYY-MM-DD), got a timestamp {value!r}")
            return None
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.error(field, f"must be a date (YYYY-MM-DD), got {value!r}")
        return None


def _kind(value: Any) -> str:
    return "nothing" if value is None else f"{type(value).__name__} {value!r}"


def parse_plan_config(
    text: str, *, source: str, kpi_codes: Iterable[str] = KPI_CODES
) -> tuple[PlanVersion, ...]:
    """Parse and validate the plan document; raise PlanConfigError listing every problem."""
    check = _Checker(source)
    try:
        document = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise PlanConfigError([f"{source}: not valid YAML: {exc}"]) from exc
    known_kpis = frozenset(kpi_codes)
    root = check.mapping(document, "(document)", {"plan_versions"})
    entries = root.get("plan_versions") if root is not None else None
    versions: list[PlanVersion] = []
    if root is not None and (not isinstance(entries, list) or not entries):
        check.error("plan_versions", "must be a non-empty list of plan versions")
    elif entries:
        for index, entry in enumerate(entries):
            version = _parse_version(check, entry, f"plan_versions[{index}]", known_kpis)
            if version is not None:
                versions.append(version)
        _check_unique(check, versions, "plan_version", lambda v: v.plan_version)
        _check_unique(check, versions, "effective_from", lambda v: v.effective_from)
    if check.errors:
        raise PlanConfigError(check.errors)
    return tuple(sorted(versions, key=lambda v: v.effective_from))


def _check_unique(check: _Checker, versions: list[PlanVersion], field: str, key: Any) -> None:
    seen: dict[Any, str] = {}
    for version in versions:
        value = key(version)
        if value in seen:
            check.error(
                f"plan_versions.{field}",
                f"{value} appears in both {seen[value]!r} and {version.plan_version!r}",
            )
        seen.setdefault(value, version.plan_version)


def _parse_version(
    check: _Checker, entry: Any, field: str, known_kpis: frozenset[str]
) -> PlanVersion | None:
    entry = check.mapping(entry, field, _VERSION_KEYS)
    if entry is None:
        return None
    n_errors = len(check.errors)
    name = check.text(entry.get("plan_version"), f"{field}.plan_version")
    effective_from = check.date(entry.get("effective_from"), f"{field}.effective_from")
    description = entry.get("description")
    if description is not None and not isinstance(description, str):
        check.error(f"{field}.description", f"must be text, got {_kind(description)}")
    period_type = entry.get("payout_period_type", DEFAULT_PAYOUT_PERIOD_TYPE)
    if period_type not in PERIOD_TYPES:
        check.error(
            f"{field}.payout_period_type",
            f"must be one of {', '.join(PERIOD_TYPES)}, got {period_type!r}",
        )
    score_cap = check.number(
        entry.get("score_cap", DEFAULT_SCORE_CAP),
        f"{field}.score_cap",
        scale=WEIGHT_SCALE,
        exclusive_minimum=Decimal(0),
    )
    default_bonuses = _parse_tier_bonuses(
        check, entry.get("tier_bonuses"), f"{field}.tier_bonuses", required=True
    )
    _check_tiers_ordered(check, default_bonuses, f"{field}.tier_bonuses")
    gate = _parse_gate(check, entry.get("collection_gate"), f"{field}.collection_gate", known_kpis)
    roles = _parse_roles(check, entry.get("roles"), f"{field}.roles", known_kpis, default_bonuses)
    if len(check.errors) > n_errors:
        return None
    assert name is not None and effective_from is not None and score_cap is not None
    return PlanVersion(
        plan_version=name,
        effective_from=effective_from,
        description=description,
        payout_period_type=period_type,
        score_cap=score_cap,
        collection_gate=gate,
        roles=roles,
    )


def _parse_tier_bonuses(
    check: _Checker, value: Any, field: str, *, required: bool
) -> dict[str, Decimal]:
    if value is None and not required:
        return {}
    bonuses_in = check.mapping(value, field, set(TIERS))
    if bonuses_in is None:
        return {}
    bonuses: dict[str, Decimal] = {}
    for tier in TIERS:
        if tier not in bonuses_in:
            if required:
                check.error(f"{field}.{tier}", "missing (every tier needs a bonus, 0 for none)")
            continue
        amount = check.number(
            bonuses_in[tier], f"{field}.{tier}", scale=MONEY_SCALE, minimum=Decimal(0)
        )
        if amount is not None:
            bonuses[tier] = amount
    return bonuses


def _check_tiers_ordered(check: _Checker, bonuses: Mapping[str, Decimal], field: str) -> None:
    for lower, higher in itertools.pairwise(TIERS):
        if lower in bonuses and higher in bonuses and bonuses[lower] > bonuses[higher]:
            check.error(
                field,
                f"tiers out of order: {lower} pays {bonuses[lower]} > {higher} {bonuses[higher]}"
                " (base ≤ challenge ≤ stretch)",
            )


def _parse_gate(
    check: _Checker, value: Any, field: str, known_kpis: frozenset[str]
) -> CollectionGate | None:
    if value is None:
        return None
    gate = check.mapping(value, field, _GATE_KEYS)
    if gate is None:
        return None
    kpi_code = check.text(gate.get("kpi_code"), f"{field}.kpi_code")
    if kpi_code is not None and kpi_code not in known_kpis:
        check.error(f"{field}.kpi_code", f"unknown KPI code {kpi_code!r}")
    threshold = check.number(
        gate.get("threshold"), f"{field}.threshold", scale=RATIO_SCALE, minimum=Decimal(0)
    )
    roles = gate.get("roles")
    if not isinstance(roles, list) or not roles:
        check.error(f"{field}.roles", f"must be a non-empty list of roles, got {_kind(roles)}")
        roles = []
    for role in roles:
        if role not in ROLES:
            check.error(f"{field}.roles", f"unknown role {role!r} (known: {', '.join(ROLES)})")
    if len(set(map(str, roles))) != len(roles):
        check.error(f"{field}.roles", "a role is listed twice")
    if kpi_code is None or threshold is None:
        return None
    return CollectionGate(kpi_code=kpi_code, threshold=threshold, roles=tuple(roles))


def _parse_roles(
    check: _Checker,
    value: Any,
    field: str,
    known_kpis: frozenset[str],
    default_bonuses: dict[str, Decimal],
) -> tuple[RolePlan, ...]:
    roles_in = check.mapping(value, field, set(ROLES))
    if roles_in is None:
        return ()
    plans: list[RolePlan] = []
    for role in ROLES:
        role_field = f"{field}.{role}"
        if role not in roles_in:
            check.error(role_field, "missing: every role needs its weights")
            continue
        role_in = check.mapping(roles_in[role], role_field, _ROLE_KEYS)
        if role_in is None:
            continue
        weights = _parse_weights(check, role_in.get("weights"), f"{role_field}.weights", known_kpis)
        overrides = _parse_tier_bonuses(
            check, role_in.get("tier_bonuses"), f"{role_field}.tier_bonuses", required=False
        )
        bonuses = {**default_bonuses, **overrides}
        if overrides:
            _check_tiers_ordered(check, bonuses, f"{role_field}.tier_bonuses")
        if weights:
            plans.append(RolePlan(role=role, weights=weights, tier_bonuses=bonuses))
    return tuple(plans)


def _parse_weights(
    check: _Checker, value: Any, field: str, known_kpis: frozenset[str]
) -> tuple[KpiWeight, ...]:
    if not isinstance(value, list) or not value:
        check.error(field, f"must be a non-empty list of {{kpi_code, weight}}, got {_kind(value)}")
        return ()
    weights: list[KpiWeight] = []
    seen: set[str] = set()
    ok = True
    for index, item in enumerate(value):
        item_field = f"{field}[{index}]"
        item = check.mapping(item, item_field, _WEIGHT_KEYS)
        if item is None:
            ok = False
            continue
        kpi_code = check.text(item.get("kpi_code"), f"{item_field}.kpi_code")
        if kpi_code is not None and kpi_code not in known_kpis:
            check.error(f"{item_field}.kpi_code", f"unknown KPI code {kpi_code!r}")
            kpi_code = None
        if kpi_code is not None and kpi_code in seen:
            check.error(f"{item_field}.kpi_code", f"{kpi_code!r} is weighted twice")
            kpi_code = None
        weight = check.number(
            item.get("weight"),
            f"{item_field}.weight",
            scale=WEIGHT_SCALE,
            exclusive_minimum=Decimal(0),
        )
        group = item.get("group")
        if group is not None:
            group = check.text(group, f"{item_field}.group")
        if kpi_code is None or weight is None or (item.get("group") is not None and group is None):
            ok = False
            continue
        seen.add(kpi_code)
        weights.append(KpiWeight(kpi_code, weight, group, position=index + 1))
    if not ok:
        return ()
    total = sum((w.weight_percent for w in weights), Decimal(0))
    if total != WEIGHT_TOTAL:
        check.error(field, f"weights sum to {total}, must sum to {WEIGHT_TOTAL}")
        return ()
    return tuple(weights)


def read_plan_config(path: Path | str, *, kpi_codes: Iterable[str] = KPI_CODES) -> PlanConfig:
    """Read and validate the plan file (PlanConfigError if it is invalid or unreadable)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PlanConfigError([f"{path}: cannot read the plan file: {exc.strerror}"]) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlanConfigError([f"{path}: not UTF-8 text: {exc.reason}"]) from exc
    versions = parse_plan_config(text, source=str(path), kpi_codes=kpi_codes)
    return PlanConfig(
        file_name=path.name, sha256=hashlib.sha256(data).hexdigest(), versions=versions
    )


PLAN_TABLE_DDL: dict[str, str] = {
    "plan_versions": """
        plan_version varchar not null primary key,
        effective_from date not null unique,
        description varchar,
        payout_period_type varchar not null,
        score_cap decimal(9,4) not null,
        config_file_name varchar not null,
        config_file_sha256 varchar not null,
        loaded_at timestamp not null
    """,
    "plan_kpi_weights": """
        plan_version varchar not null,
        role varchar not null,
        kpi_code varchar not null,
        weight_percent decimal(9,4) not null,
        weight_group varchar,
        position integer not null,
        is_primary boolean not null,
        primary key (plan_version, role, kpi_code)
    """,
    "plan_tier_bonuses": """
        plan_version varchar not null,
        role varchar not null,
        tier varchar not null,
        bonus_amount decimal(18,2) not null,
        primary key (plan_version, role, tier)
    """,
    "plan_collection_gates": """
        plan_version varchar not null,
        role varchar not null,
        kpi_code varchar not null,
        threshold_value decimal(18,6) not null,
        primary key (plan_version, role)
    """,
}


def plan_rows(config: PlanConfig, loaded_at: dt.datetime) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of each `config` table, in table-column order."""
    rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in PLAN_TABLE_DDL}
    for version in config.versions:
        rows["plan_versions"].append(
            (
                version.plan_version,
                version.effective_from,
                version.description,
                version.payout_period_type,
                version.score_cap,
                config.file_name,
                config.sha256,
                loaded_at,
            )
        )
        for role in version.roles:
            for weight in role.weights:
                rows["plan_kpi_weights"].append(
                    (
                        version.plan_version,
                        role.role,
                        weight.kpi_code,
                        weight.weight_percent,
                        weight.weight_group,
                        weight.position,
                        weight.position == 1,
                    )
                )
            for tier in TIERS:
                rows["plan_tier_bonuses"].append(
                    (version.plan_version, role.role, tier, role.tier_bonuses[tier])
                )
        gate = version.collection_gate
        if gate is not None:
            for role_name in gate.roles:
                rows["plan_collection_gates"].append(
                    (version.plan_version, role_name, gate.kpi_code, gate.threshold)
                )
    return rows


def load_plan_config(
    con: duckdb.DuckDBPyConnection,
    path: Path | str,
    *,
    kpi_codes: Iterable[str] = KPI_CODES,
    loaded_at: dt.datetime | None = None,
) -> PlanConfig:
    """Validate the plan file, then replace every `config` table from it in one transaction.

    An invalid file raises PlanConfigError and leaves the tables as they were.
    """
    config = read_plan_config(path, kpi_codes=kpi_codes)
    stamp = loaded_at or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    rows = plan_rows(config, stamp)
    con.execute("begin transaction")
    try:
        con.execute("create schema if not exists config")
        for table, columns in PLAN_TABLE_DDL.items():
            con.execute(f"create or replace table config.{table} ({columns})")
            if rows[table]:
                placeholders = ", ".join("?" for _ in rows[table][0])
                con.executemany(f"insert into config.{table} values ({placeholders})", rows[table])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return config
