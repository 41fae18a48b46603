"""The extract contract (`shared/spec/extracts.md`) as data.

One definition serves the sample-company generator, the loader's header and type checks, the raw
table DDL and the dbt source declarations, so the four can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["str", "int", "dec", "num", "bool", "date", "ts"]

SOURCES: tuple[str, ...] = ("hr", "crm", "ecommerce", "finance", "plan")

PERIOD_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$"
QUARTER_PATTERN = r"^[0-9]{4}-Q[1-4]$"

ROLES = ("direct_sales", "channel_sales", "ecommerce", "key_account", "sales_manager")
OPPORTUNITY_STAGES = ("lead", "qualified", "proposal", "negotiation", "won", "lost")


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    key: bool = False
    required: bool = False  # value must be non-empty (keys always are)
    enum: tuple[str, ...] | None = None
    pattern: str | None = None  # regular expression a non-empty str value must match
    min_value: float | None = None
    max_value: float | None = None

    @property
    def not_null(self) -> bool:
        return self.key or self.required


@dataclass(frozen=True)
class Entity:
    source: str
    name: str
    columns: tuple[Column, ...]
    description: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def qualified_name(self) -> str:
        """`<source>__<entity>`: the raw table name and the dbt source table name."""
        return f"{self.source}__{self.name}"

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def key_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.key)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def has_updated_at(self) -> bool:
        return "updated_at" in self.column_names

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.qualified_name} has no column {name!r}")


def _c(name: str, type_: ColumnType = "str", **kwargs: object) -> Column:
    return Column(name, type_, **kwargs)  # type: ignore[arg-type]


def _key(name: str, type_: ColumnType = "str") -> Column:
    return Column(name, type_, key=True)


_UPDATED_AT = Column("updated_at", "ts", required=True)

ENTITIES: tuple[Entity, ...] = (
    # ---------------------------------------------------------------- hr
    Entity(
        "hr",
        "employees",
        (
            _key("employee_id"),
            _key("valid_from", "date"),
            _c("valid_to", "date"),
            _c("employee_name", required=True),
            _c("role", required=True, enum=ROLES),
            _c("team_id", required=True),
            _c("manager_id"),
            _c("region"),
            _c("payroll_id"),
            _c("performance_pay_base", "dec"),
            _c("status", required=True, enum=("active", "left")),
            _UPDATED_AT,
        ),
        "Effective-dated roster: one row per employee per assignment.",
    ),
    Entity(
        "hr",
        "peer_reviews",
        (
            _key("review_id"),
            _c("employee_id", required=True),
            _c("period", required=True, pattern=QUARTER_PATTERN),
            _c("collaboration_score", "num", min_value=0, max_value=100),
            _UPDATED_AT,
        ),
        "Peer reviews of managers' collaboration, per quarter.",
    ),
    # ---------------------------------------------------------------- crm
    Entity(
        "crm",
        "accounts",
        (
            _key("account_id"),
            _c("account_name"),
            _c("unified_credit_code"),
            _c("contact_phone"),
            _c("contact_email"),
            _c("industry"),
            _c("region"),
            _c("owner_id"),
            _c("is_key_account", "bool"),
            _c("created_at", "ts"),
            _UPDATED_AT,
        ),
        "CRM accounts (customers); created_at is the first inquiry, not a purchase.",
    ),
    Entity(
        "crm",
        "distributors",
        (
            _key("distributor_id"),
            _c("distributor_name"),
            _c("unified_credit_code"),
            _c("region"),
            _c("owner_id"),
            _c("status", required=True, enum=("prospect", "signed", "terminated")),
            _c("signed_date", "date"),
            _c("is_qualified", "bool"),
            _UPDATED_AT,
        ),
        "Channel distributors.",
    ),
    Entity(
        "crm",
        "outlets",
        (
            _key("outlet_id"),
            _c("region"),
            _c("distributor_id"),
            _c("is_target", "bool"),
            _c("first_stocked_date", "date"),
            _UPDATED_AT,
        ),
        "Retail points a channel must stock.",
    ),
    Entity(
        "crm",
        "opportunities",
        (
            _key("opportunity_id"),
            _c("account_id"),
            _c("owner_id"),
            _c("stage", required=True, enum=OPPORTUNITY_STAGES),
            _c("amount", "dec"),
            _c("created_at", "ts"),
            _c("close_date", "date"),
            _UPDATED_AT,
        ),
        "Sales pipeline opportunities.",
    ),
    Entity(
        "crm",
        "opportunity_stage_history",
        (
            _key("opportunity_id"),
            _key("stage"),
            _key("entered_at", "ts"),
        ),
        "One row per stage an opportunity entered.",
    ),
    Entity(
        "crm",
        "project_milestones",
        (
            _key("milestone_id"),
            _c("opportunity_id"),
            _c(
                "milestone",
                required=True,
                enum=(
                    "needs_confirmed",
                    "proposal_submitted",
                    "contract_negotiation",
                    "contract_signed",
                ),
            ),
            _c("due_date", "date"),
            _c("achieved_date", "date"),
            _UPDATED_AT,
        ),
        "Key-account project milestones.",
    ),
    Entity(
        "crm",
        "activities",
        (
            _key("activity_id"),
            _c("employee_id", required=True),
            _c(
                "activity_type",
                required=True,
                enum=(
                    "customer_visit",
                    "distributor_visit",
                    "demo",
                    "needs_report",
                    "ka_research",
                    "channel_training",
                ),
            ),
            _c("account_id"),
            _c("distributor_id"),
            _c("occurred_at", "ts", required=True),
            _c("notes"),
            _c("next_step"),
            _c("pain_points_documented", "bool"),
            _c("budget_documented", "bool"),
            _c("decision_process_documented", "bool"),
            _UPDATED_AT,
        ),
        "Sales activities: visits, demos, reports, research, trainings.",
    ),
    Entity(
        "crm",
        "orders",
        (
            _key("order_id"),
            _c("account_id"),
            _c("distributor_id"),
            _c("sales_rep_id"),
            _c("channel", required=True, enum=("direct", "channel", "key_account")),
            _c("ordered_at", "ts", required=True),
            _c("status", required=True, enum=("confirmed", "cancelled", "returned")),
            _c("amount_incl_tax", "dec", required=True),
            _c("tax_amount", "dec"),
            _c("gross_margin_amount", "dec"),
            _UPDATED_AT,
        ),
        "Offline orders and contracts.",
    ),
    Entity(
        "crm",
        "satisfaction_surveys",
        (
            _key("survey_id"),
            _c("account_id"),
            _c("employee_id"),
            _c("score", "num", min_value=1, max_value=5),
            _c("responded_at", "ts"),
        ),
        "Customer satisfaction survey responses.",
    ),
    # ---------------------------------------------------------------- ecommerce
    Entity(
        "ecommerce",
        "stores",
        (
            _key("store_id"),
            _c("platform"),
            _c("store_name"),
            _c("operator_id"),
            _UPDATED_AT,
        ),
        "Online stores; operator_id is the e-commerce employee credited.",
    ),
    Entity(
        "ecommerce",
        "customers",
        (
            _key("customer_id"),
            _c("unified_credit_code"),
            _c("phone"),
            _c("email"),
            _c("registered_at", "ts"),
            _UPDATED_AT,
        ),
        "Online store customers.",
    ),
    Entity(
        "ecommerce",
        "orders",
        (
            _key("order_id"),
            _c("customer_id"),
            _c("store_id"),
            _c("ordered_at", "ts", required=True),
            _c("paid_at", "ts"),
            _c(
                "status",
                required=True,
                enum=("pending", "paid", "cancelled", "refunded", "partially_refunded"),
            ),
            _c("gmv_amount", "dec"),
            _c("paid_amount", "dec"),
            _c("refunded_amount", "dec"),
            _c("tax_amount", "dec"),
            _UPDATED_AT,
        ),
        "Online store orders.",
    ),
    Entity(
        "ecommerce",
        "order_lines",
        (
            _key("order_id"),
            _key("line_no", "int"),
            _c("sku"),
            _c("quantity", "int"),
            _c("unit_price", "dec"),
            _c("line_amount", "dec"),
            _c("unit_cost", "dec"),
        ),
        "Online order lines.",
    ),
    Entity(
        "ecommerce",
        "traffic_daily",
        (
            _key("store_id"),
            _key("date", "date"),
            _c("visitors", "int", min_value=0),
            _UPDATED_AT,
        ),
        "Unique visitors per store and day.",
    ),
    Entity(
        "ecommerce",
        "service_tickets",
        (
            _key("ticket_id"),
            _c("store_id"),
            _c("agent_id"),
            _c("opened_at", "ts"),
            _c("first_response_at", "ts"),
        ),
        "Customer-service tickets.",
    ),
    Entity(
        "ecommerce",
        "campaigns",
        (
            _key("campaign_id"),
            _c("store_id"),
            _c("campaign_name"),
            _c("start_date", "date"),
            _c("end_date", "date"),
            _c("participated", "bool"),
            _c("visitors_acquired", "int", min_value=0),
            _UPDATED_AT,
        ),
        "Platform campaigns (618, 双11, ...).",
    ),
    # ---------------------------------------------------------------- finance
    Entity(
        "finance",
        "invoices",
        (
            _key("invoice_id"),
            _c("order_source", required=True, enum=("crm", "ecommerce")),
            _c("order_id", required=True),
            _c("issued_at", "ts"),
            _c("due_date", "date"),
            _c("amount_incl_tax", "dec"),
            _c("tax_amount", "dec"),
            _c("status", required=True, enum=("issued", "void")),
            _UPDATED_AT,
        ),
        "Invoices issued against CRM and e-commerce orders.",
    ),
    Entity(
        "finance",
        "receipts",
        (
            _key("receipt_id"),
            _c("invoice_id", required=True),
            _c("received_at", "ts", required=True),
            _c("amount", "dec", required=True),
            _c("method"),
            _UPDATED_AT,
        ),
        "Cash receipts (回款) against invoices.",
    ),
    # ---------------------------------------------------------------- plan
    Entity(
        "plan",
        "targets",
        (
            _key("target_id"),
            _key("version", "int"),
            _c("scope_type", required=True, enum=("employee", "team")),
            _c("scope_id", required=True),
            _c("period", required=True, pattern=PERIOD_PATTERN),
            _c("kpi_code", required=True),
            _c("base_value", "num"),
            _c("challenge_value", "num"),
            _c("stretch_value", "num"),
            _c("reason"),
            _c("approved_by"),
            _c("approved_at", "ts"),
        ),
        "Versioned targets: a change is a new version, never an edit.",
    ),
)

ENTITY_BY_NAME: dict[str, Entity] = {e.qualified_name: e for e in ENTITIES}


def entity(source: str, name: str) -> Entity:
    """The contract entity for `<landing>/<source>/<date>/<name>.csv`."""
    try:
        return ENTITY_BY_NAME[f"{source}__{name}"]
    except KeyError:
        raise KeyError(f"no entity {name!r} in source {source!r} in the extract contract") from None


# Physical types of the raw tables. Money is DECIMAL(18,2) (never float); `num` values (scores,
# targets, which may be money or fractions) keep 6 decimals. Timestamps are stored as the
# business-time-zone wall clock (naive TIMESTAMP), so a period is assigned by a plain cast to date
# on any engine.
SQL_TYPES: dict[str, str] = {
    "str": "VARCHAR",
    "int": "BIGINT",
    "dec": "DECIMAL(18,2)",
    "num": "DECIMAL(18,6)",
    "bool": "BOOLEAN",
    "date": "DATE",
    "ts": "TIMESTAMP",
}

# Provenance carried by every raw row, in this order, after the contract columns.
PROVENANCE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_source", "VARCHAR"),
    ("_entity", "VARCHAR"),
    ("_extract_date", "DATE"),
    ("_file_path", "VARCHAR"),
    ("_file_sha256", "VARCHAR"),
    ("_line_number", "BIGINT"),
    ("_load_id", "BIGINT"),
    ("_loaded_at", "TIMESTAMP"),
    ("_extra_columns", "VARCHAR"),
)
