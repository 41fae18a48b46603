"""The pandas baseline: what an analyst would write instead of the pipeline.

Reads the extract CSVs it needs with pandas, keeps the latest version of each key (latest
`updated_at`, then later extract date, then later line), and computes four KPIs per employee per
month, by the definitions of `shared/spec/kpis.md` and the readings of `docs/kpi_models.md`:
revenue, new customers, collection rate and customer retention — with the unified customer
identity and crediting by the roster assignment in force on the event date.

    python -m benchmarks.pandas_baseline --landing DIR --out results.csv

writes one row per (employee_id, role, period, kpi_code) with numerator, denominator and value
as exact decimals (6 places), and prints one JSON line (files and rows read, rows written).
It assumes clean extracts (the generator without `--faults`): no quarantine, no restatements.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

ORDER_ROLES = ("direct_sales", "channel_sales", "key_account", "ecommerce")
RETENTION_ROLE = "direct_sales"
TS_FORMAT = "%Y-%m-%dT%H:%M:%S"
OPEN_END = pd.Timestamp("2200-01-01")


@dataclass
class Extracts:
    landing: Path
    files_read: int = 0
    rows_read: int = 0
    drop_dates: set[str] = field(default_factory=set)

    def read(self, source: str, entity: str, keys: list[str], columns: list[str]) -> pd.DataFrame:
        """Every drop of one entity, latest version per key."""
        frames = []
        for folder in sorted((self.landing / source).iterdir()):
            path = folder / f"{entity}.csv"
            if folder.name.startswith((".", "_")) or not path.is_file():
                continue
            frame = pd.read_csv(
                path, dtype=str, keep_default_na=False, na_values=[""], usecols=columns
            )
            frame["extract_date"] = folder.name
            frames.append(frame)
            self.files_read += 1
            self.rows_read += len(frame)
        data = pd.concat(frames, ignore_index=True)
        data["updated_at"] = pd.to_datetime(data["updated_at"], format=TS_FORMAT)
        # stable sort: equal (key, updated_at, extract_date) keep file order, so the last line wins
        data = data.sort_values([*keys, "updated_at", "extract_date"], kind="stable")
        return data.drop_duplicates(keys, keep="last").reset_index(drop=True)

    def note_drop_dates(self) -> None:
        for source in ("hr", "crm", "ecommerce", "finance", "plan"):
            folder = self.landing / source
            if folder.is_dir():
                self.drop_dates |= {
                    d.name for d in folder.iterdir() if d.is_dir() and d.name[:1].isdigit()
                }


def cents(values: pd.Series) -> pd.Series:
    """Money text → integer cents (exact sums; a float sum of amounts is not)."""
    return (pd.to_numeric(values) * 100).round().astype("Int64")


def timestamps(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, format=TS_FORMAT)


def unified_customers(x: Extracts) -> pd.DataFrame:
    """(customer_source, source_customer_id) → customer_id: credit code, phone, e-mail, own id."""
    accounts = x.read(
        "crm",
        "accounts",
        ["account_id"],
        ["account_id", "unified_credit_code", "contact_phone", "contact_email", "updated_at"],
    ).rename(
        columns={"account_id": "source_id", "contact_phone": "phone", "contact_email": "email"}
    )
    accounts["customer_source"] = "crm_account"
    distributors = x.read(
        "crm",
        "distributors",
        ["distributor_id"],
        ["distributor_id", "unified_credit_code", "updated_at"],
    ).rename(columns={"distributor_id": "source_id"})
    distributors["customer_source"] = "crm_distributor"
    shoppers = x.read(
        "ecommerce",
        "customers",
        ["customer_id"],
        ["customer_id", "unified_credit_code", "phone", "email", "updated_at"],
    ).rename(columns={"customer_id": "source_id"})
    shoppers["customer_source"] = "ecommerce"
    people = pd.concat([accounts, distributors, shoppers], ignore_index=True)

    code = people["unified_credit_code"].str.strip().replace("", np.nan)
    phone = people["phone"].str.replace(r"[^0-9]", "", regex=True).replace("", np.nan)
    phone = phone.where(~((phone.str.len() == 13) & phone.str.startswith("86")), phone.str[2:])
    email = people["email"].str.strip().str.lower().replace("", np.nan)
    own = people["customer_source"] + ":" + people["source_id"]
    people["customer_id"] = (
        ("ucc:" + code).fillna("tel:" + phone).fillna("email:" + email).fillna(own)
    )
    return people[["customer_source", "source_id", "customer_id"]]


def assignments(x: Extracts) -> pd.DataFrame:
    roster = x.read(
        "hr",
        "employees",
        ["employee_id", "valid_from"],
        ["employee_id", "valid_from", "valid_to", "role", "status", "updated_at"],
    )
    roster = roster[roster["status"] == "active"].copy()
    roster["valid_from"] = pd.to_datetime(roster["valid_from"])
    roster["valid_to"] = pd.to_datetime(roster["valid_to"]).fillna(OPEN_END)
    return roster[["employee_id", "valid_from", "valid_to", "role"]]


def credit(events: pd.DataFrame, roster: pd.DataFrame, date_column: str) -> pd.DataFrame:
    """The role of each event's employee on the event date (the assignment in force)."""
    events = events.reset_index(drop=True)
    events["_event"] = events.index
    joined = events[["_event", "employee_id", date_column]].merge(roster, on="employee_id")
    joined = joined[
        (joined["valid_from"] <= joined[date_column]) & (joined[date_column] <= joined["valid_to"])
    ]
    return events.merge(joined[["_event", "role"]], on="_event", how="left").drop(columns="_event")


def store_operators_at_order(x: Extracts, shop: pd.DataFrame) -> pd.DataFrame:
    """`operator_id` of the store version in force when the order was placed: each version of a
    store holds from its `updated_at` to the next one's; the first also covers all before it."""
    versions = x.read(
        "ecommerce",
        "stores",
        ["store_id", "updated_at"],
        ["store_id", "operator_id", "updated_at"],
    )
    first = versions.groupby("store_id")["updated_at"].transform("min")
    versions["valid_from"] = versions["updated_at"].where(
        versions["updated_at"] != first, pd.Timestamp("1900-01-01")
    )
    versions = versions.sort_values("valid_from")[["store_id", "valid_from", "operator_id"]]
    shop = shop.reset_index(drop=True)
    shop["_row"] = shop.index
    placed = shop[shop["store_id"].notna()].sort_values("ordered_at")
    matched = pd.merge_asof(
        placed[["_row", "store_id", "ordered_at"]],
        versions,
        left_on="ordered_at",
        right_on="valid_from",
        by="store_id",
    )
    operators = matched.set_index("_row")["operator_id"]
    shop["operator_id"] = shop["_row"].map(operators)
    return shop.drop(columns="_row")


def unified_orders(x: Extracts, customers: pd.DataFrame) -> pd.DataFrame:
    crm = x.read(
        "crm",
        "orders",
        ["order_id"],
        [
            "order_id",
            "account_id",
            "distributor_id",
            "sales_rep_id",
            "ordered_at",
            "status",
            "amount_incl_tax",
            "updated_at",
        ],
    )
    crm_amount = cents(crm["amount_incl_tax"])
    crm_valid = (crm["status"] == "confirmed") & (crm_amount > 0).fillna(False)
    crm_orders = pd.DataFrame(
        {
            "order_key": "crm:" + crm["order_id"],
            "source_system": "crm",
            "order_id": crm["order_id"],
            "customer_source": np.where(
                crm["account_id"].notna(),
                "crm_account",
                np.where(crm["distributor_id"].notna(), "crm_distributor", None),
            ),
            "source_id": crm["account_id"].fillna(crm["distributor_id"]),
            "employee_id": crm["sales_rep_id"],
            "ordered_at": timestamps(crm["ordered_at"]),
            "is_valid": crm_valid,
            "revenue": crm_amount.where(crm_valid, 0).fillna(0),
        }
    )

    shop = x.read(
        "ecommerce",
        "orders",
        ["order_id"],
        [
            "order_id",
            "customer_id",
            "store_id",
            "ordered_at",
            "paid_at",
            "status",
            "paid_amount",
            "refunded_amount",
            "updated_at",
        ],
    )
    shop["ordered_at"] = timestamps(shop["ordered_at"])
    shop = store_operators_at_order(x, shop)
    paid = cents(shop["paid_amount"])
    shop_valid = (
        shop["paid_at"].notna()
        & ~shop["status"].isin(["cancelled", "refunded"])
        & (paid > 0).fillna(False)
    )
    shop_amount = paid - cents(shop["refunded_amount"]).fillna(0)
    shop_orders = pd.DataFrame(
        {
            "order_key": "ecommerce:" + shop["order_id"],
            "source_system": "ecommerce",
            "order_id": shop["order_id"],
            "customer_source": "ecommerce",
            "source_id": shop["customer_id"],
            "employee_id": shop["operator_id"],
            "ordered_at": shop["ordered_at"],
            "is_valid": shop_valid,
            "revenue": shop_amount.where(shop_valid, 0).fillna(0),
        }
    )
    orders = pd.concat([crm_orders, shop_orders], ignore_index=True)
    orders = orders.merge(customers, on=["customer_source", "source_id"], how="left")
    orders["order_date"] = orders["ordered_at"].dt.normalize()
    orders["period"] = orders["ordered_at"].dt.strftime("%Y-%m")
    return orders


def collection_receipts(x: Extracts, orders: pd.DataFrame) -> pd.DataFrame:
    invoices = x.read(
        "finance",
        "invoices",
        ["invoice_id"],
        ["invoice_id", "order_source", "order_id", "status", "updated_at"],
    )
    invoices = invoices[invoices["status"] != "void"]
    receipts = x.read(
        "finance",
        "receipts",
        ["receipt_id"],
        ["receipt_id", "invoice_id", "received_at", "amount", "updated_at"],
    )
    receipts = receipts.merge(
        invoices[["invoice_id", "order_source", "order_id"]], on="invoice_id"
    ).merge(
        orders[["source_system", "order_id", "employee_id"]],
        left_on=["order_source", "order_id"],
        right_on=["source_system", "order_id"],
    )
    received_at = timestamps(receipts["received_at"])
    return pd.DataFrame(
        {
            "employee_id": receipts["employee_id"],
            "receipt_date": received_at.dt.normalize(),
            "period": received_at.dt.strftime("%Y-%m"),
            "amount": cents(receipts["amount"]),
        }
    )


def month_index(periods: pd.Series) -> pd.Series:
    return periods.str[:4].astype(int) * 12 + periods.str[5:7].astype(int) - 1


def month_label(index: pd.Series) -> pd.Series:
    return (index // 12).astype(str) + "-" + (index % 12 + 1).astype(str).str.zfill(2)


def skeleton(roster: pd.DataFrame, first_drop: str, last_drop: str) -> pd.DataFrame:
    """(employee, role, month) for each role held on at least one day of a reported month."""
    first = pd.Timestamp(first_drop)
    last = pd.Timestamp(last_drop)
    start = roster["valid_from"].where(roster["valid_from"] > first, first)
    end = roster["valid_to"].where(roster["valid_to"] < last, last)
    lo = start.dt.year * 12 + start.dt.month - 1
    hi = end.dt.year * 12 + end.dt.month - 1
    held = roster.assign(lo=lo, n=(hi - lo + 1).clip(lower=0))
    held = held[held["n"] > 0]
    rows = held.loc[held.index.repeat(held["n"])].copy()
    rows["month"] = rows["lo"] + rows.groupby(level=0).cumcount()
    rows["period"] = month_label(rows["month"])
    return rows[["employee_id", "role", "period"]].drop_duplicates().reset_index(drop=True)


def retention(orders: pd.DataFrame) -> pd.DataFrame:
    """Per direct-sales employee and month: base = customers with a valid credited order in the
    12 months before; retained = those of them who ordered again in the month."""
    valid = orders[
        orders["is_valid"] & (orders["role"] == RETENTION_ROLE) & orders["customer_id"].notna()
    ]
    bought = valid[["employee_id", "role", "customer_id"]].assign(
        month=month_index(valid["period"])
    )
    bought = bought.drop_duplicates()
    base = pd.concat([bought.assign(month=bought["month"] + k) for k in range(1, 13)])
    base = base.drop_duplicates()
    base = base.merge(
        bought.assign(retained=1), on=["employee_id", "role", "customer_id", "month"], how="left"
    )
    counts = base.groupby(["employee_id", "role", "month"], as_index=False).agg(
        base_customers=("customer_id", "size"), retained=("retained", "sum")
    )
    counts["period"] = month_label(counts["month"])
    return counts[["employee_id", "role", "period", "retained", "base_customers"]]


def _half_up_micro(ratio: pd.Series) -> pd.Series:
    """round(x, 6) as DuckDB does it (half away from zero, on the double), in millionths."""
    scaled = ratio * 1_000_000
    floor = np.floor(scaled)
    return (floor + ((scaled - floor) >= 0.5)).astype("Int64")


def compute(landing: Path) -> tuple[pd.DataFrame, Extracts]:
    x = Extracts(landing)
    x.note_drop_dates()
    roster = assignments(x)
    orders = unified_orders(x, unified_customers(x))
    orders = credit(orders, roster, "order_date")

    revenue = (
        orders[orders["role"].notna()]
        .groupby(["employee_id", "role", "period"], as_index=False)["revenue"]
        .sum()
    )
    firsts = (
        orders[orders["is_valid"] & orders["customer_id"].notna()]
        .sort_values(["ordered_at", "order_key"], kind="stable")
        .drop_duplicates("customer_id")
    )
    new_customers = (
        firsts[firsts["role"].notna()]
        .groupby(["employee_id", "role", "period"], as_index=False)["customer_id"]
        .nunique()
        .rename(columns={"customer_id": "new_customers"})
    )
    receipts = credit(collection_receipts(x, orders), roster, "receipt_date")
    collected = (
        receipts[receipts["role"].notna()]
        .groupby(["employee_id", "role", "period"], as_index=False)["amount"]
        .sum()
        .rename(columns={"amount": "receipts"})
    )
    retained = retention(orders)

    keys = ["employee_id", "role", "period"]
    grid = skeleton(roster, min(x.drop_dates), max(x.drop_dates))
    grid = grid[grid["role"].isin(ORDER_ROLES)]
    table = (
        grid.merge(revenue, on=keys, how="left")
        .merge(new_customers, on=keys, how="left")
        .merge(collected, on=keys, how="left")
        .merge(retained, on=keys, how="left")
    )
    for column in ("revenue", "new_customers", "receipts", "retained", "base_customers"):
        table[column] = table[column].fillna(0).astype("int64")

    micro = 1_000_000
    rate = table["receipts"] / 100 / (table["revenue"] / 100)
    kept = table["retained"] / table["base_customers"]
    parts = [
        table[keys].assign(
            kpi_code="revenue", numerator=table["revenue"] * 10_000, denominator=pd.NA
        ),
        table[keys].assign(
            kpi_code="new_customers", numerator=table["new_customers"] * micro, denominator=pd.NA
        ),
        table[keys].assign(
            kpi_code="collection_rate",
            numerator=table["receipts"] * 10_000,
            denominator=table["revenue"] * 10_000,
            value=_half_up_micro(rate.where(table["revenue"] != 0)),
        ),
    ]
    direct = table["role"] == RETENTION_ROLE
    parts.append(
        table.loc[direct, keys].assign(
            kpi_code="customer_retention_rate",
            numerator=table.loc[direct, "retained"] * micro,
            denominator=table.loc[direct, "base_customers"] * micro,
            value=_half_up_micro(kept[direct].where(table.loc[direct, "base_customers"] != 0)),
        )
    )
    result = pd.concat(parts, ignore_index=True)
    result["value"] = result["value"].fillna(
        result["numerator"].where(result["denominator"].isna())
    )
    return result.sort_values([*keys, "kpi_code"], ignore_index=True), x


def to_decimal_text(micro: pd.Series) -> pd.Series:
    """Millionths → exact decimal text with 6 places ('' for null)."""
    values = micro.astype("Int64")
    sign = np.where(values.fillna(0) < 0, "-", "")
    absolute = values.abs()
    text = (
        sign
        + (absolute // 1_000_000).astype(str)
        + "."
        + (absolute % 1_000_000).astype(str).str.zfill(6)
    )
    return text.where(values.notna(), "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.pandas_baseline", description=__doc__
    )
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    result, extracts = compute(args.landing)
    out = result[["employee_id", "role", "period", "kpi_code"]].copy()
    for column in ("numerator", "denominator", "value"):
        out[column] = to_decimal_text(result[column])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(args.out, index=False)
    summary = {
        "files_read": extracts.files_read,
        "rows_read": extracts.rows_read,
        "rows_written": len(out),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
