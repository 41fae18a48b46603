"""Checks of the unified definitions (kpis.md), on the intermediate models that implement them.

Each check re-derives a rule independently of the model that applies it (from staging or from a
second model) and reports the rows where the two disagree.

In the nightly gate (`QualityConfig.changed_rows_only`) the checks on orders and first orders
look only at what a night can have changed (quality/scope.py): the rows the incremental models
computed after the build of the latest publication (`computed_at`), the rows whose inputs were
loaded after it (they should have been recomputed), and every row when a restated input file in
those loads can bring back older versions. Every other row is as the last passing gate saw it.
A first order pointing at an order that is gone is caught by dbt's `relationships` test on every
build.
"""

from __future__ import annotations

from typing import Any

from quality.core import Check, QualityConfig, SqlContext, sql_literal
from quality.suites.ingestion import loads_in_scope, restated_in_scope


def _expect_pair_equal(column_a: str, column_b: str) -> Any:
    import great_expectations as gx

    return gx.expectations.ExpectColumnPairValuesToBeEqual(column_A=column_a, column_B=column_b)


def _scoped(ctx: SqlContext) -> bool:
    """Only the changed rows (nightly gate, after a publication that recorded its build)."""
    return ctx.config.changed_rows_only and ctx.config.computed_after is not None


def _computed_since(ctx: SqlContext, column: str) -> str:
    """A predicate: the row was computed after the build of the latest publication."""
    after = ctx.config.computed_after
    assert after is not None
    return f"{column} > cast({sql_literal(after.isoformat(sep=' '))} as timestamp)"


def _customers_in_scope(ctx: SqlContext, *, loaded_shop_orders: bool = False) -> str:
    """A query of the customers whose first order a night can have changed: with a first-order
    row or an order computed since the latest publication's build, or whose first order was (it
    may have moved to another customer or turned invalid); with `loaded_shop_orders`, also those
    whose first order's shop order was loaded since; every customer after a restated order or
    customer file."""
    orders = ctx.rel("intermediate.int_orders_unified")
    first_orders = ctx.rel("intermediate.int_customer_first_orders")
    restated = ("crm/orders", "ecommerce/orders", "ecommerce/customers", "crm/accounts")
    parts = [
        f"select customer_id from {first_orders} where {_computed_since(ctx, 'computed_at')}",
        f"select customer_id from {orders} where {_computed_since(ctx, 'computed_at')}",
        f"""select known.customer_id
            from {first_orders} as known
            inner join {orders} as recomputed on known.first_order_key = recomputed.order_key
            where {_computed_since(ctx, "recomputed.computed_at")}""",
        f"select customer_id from {first_orders} where {restated_in_scope(ctx, restated)}",
    ]
    if loaded_shop_orders:
        shop_orders = ctx.rel("staging.stg_ecommerce__orders")
        parts.append(
            f"""select known.customer_id
            from {first_orders} as known
            inner join {shop_orders} as shop_orders
                on known.first_order_key = 'ecommerce:' || shop_orders.order_id
            where {loads_in_scope(ctx, "shop_orders.load_id")}"""
        )
    return "\n        union\n        ".join(parts)


def _customer_scope_cte(ctx: SqlContext, *, loaded_shop_orders: bool = False) -> str:
    """`customers_in_scope as materialized (…),` for a `with`; empty when every row counts."""
    if not _scoped(ctx):
        return ""
    query = _customers_in_scope(ctx, loaded_shop_orders=loaded_shop_orders)
    return f"customers_in_scope as materialized (\n        {query}\n    ),"


def _in_customer_scope(ctx: SqlContext, column: str = "customer_id") -> str:
    """A predicate on `column`: a customer of `customers_in_scope` (true when every row counts)."""
    if not _scoped(ctx):
        return "true"
    return f"{column} in (select customers_in_scope.customer_id from customers_in_scope)"


def _customer_new_once_sql(ctx: SqlContext) -> str:
    # a second row of a customer can only come from a build that wrote one
    scope = ""
    if _scoped(ctx):
        first_orders = ctx.rel("intermediate.int_customer_first_orders")
        scope = f"""where customer_id in (
            select customer_id from {first_orders} where {_computed_since(ctx, "computed_at")}
        )"""
    return f"""
        select
            customer_id,
            count(*) as first_order_rows,
            list(first_order_key order by first_order_key) as first_order_keys
        from {ctx.rel("intermediate.int_customer_first_orders")}
        {scope}
        group by customer_id
        having count(*) > 1
    """


def _new_customer_totals_sql(ctx: SqlContext) -> str:
    """Per period type and entity type: Σ new_customers over all periods vs first orders."""
    return f"""
        with kpi as (
            select
                period_type,
                entity_type,
                cast(sum(numerator) as bigint) as kpi_new_customers
            from {ctx.rel("marts.fct_kpi_values")}
            where kpi_code = 'new_customers'
            group by period_type, entity_type
        ),
        first_orders as (
            select
                periods.period_type,
                entity_types.entity_type,
                count(*) filter (
                    where
                        (entity_types.entity_type = 'employee' and first_orders.role is not null)
                        or (entity_types.entity_type = 'team' and first_orders.team_id is not null)
                ) as first_orders
            from {ctx.rel("intermediate.int_customer_first_orders")} as first_orders
            inner join {ctx.rel("intermediate.int_periods")} as periods
                on
                    periods.is_reported
                    and first_orders.first_order_date
                    between periods.period_start_date and periods.period_end_date
            cross join (values ('employee'), ('team')) as entity_types (entity_type)
            group by periods.period_type, entity_types.entity_type
        )
        select
            coalesce(kpi.period_type, first_orders.period_type) as period_type,
            coalesce(kpi.entity_type, first_orders.entity_type) as entity_type,
            coalesce(kpi.kpi_new_customers, 0) as kpi_new_customers,
            coalesce(first_orders.first_orders, 0) as first_orders
        from kpi
        full outer join first_orders
            on kpi.period_type = first_orders.period_type and kpi.entity_type = first_orders.entity_type
        order by period_type, entity_type
    """


def _new_customer_totals_expectations(config: QualityConfig) -> list[Any]:
    return [_expect_pair_equal("kpi_new_customers", "first_orders")]


def _first_order_is_earliest_sql(ctx: SqlContext) -> str:
    orders = ctx.rel("intermediate.int_orders_unified")
    first_orders = ctx.rel("intermediate.int_customer_first_orders")
    scoped = ""
    if _scoped(ctx):
        # the first orders of the customers in scope, and one pass over the orders: theirs and
        # their first orders (every row: the tables themselves)
        scoped = f"""
        first_orders_in_scope as materialized (
            select * from {first_orders} where {_in_customer_scope(ctx)}
        ),
        orders_in_scope as materialized (
            select order_key, customer_id, order_date, is_valid_order
            from {orders}
            where
                customer_id in (select customers_in_scope.customer_id from customers_in_scope)
                or order_key in (select known.first_order_key from first_orders_in_scope as known)
        ),"""
        orders, first_orders = "orders_in_scope", "first_orders_in_scope"
    return f"""
        with {_customer_scope_cte(ctx)}{scoped}
        earliest as (
            select customer_id, min(order_date) as earliest_valid_order_date
            from {orders}
            where is_valid_order and customer_id is not null and {_in_customer_scope(ctx)}
            group by customer_id
        ),
        compared as (
            select
                first_orders.customer_id,
                first_orders.first_order_key,
                first_orders.first_order_date,
                orders.order_date as first_order_key_date,
                earliest.earliest_valid_order_date,
                case
                    when orders.order_key is null then 'first order not found in int_orders_unified'
                    when orders.customer_id is distinct from first_orders.customer_id
                        then 'first order belongs to another customer'
                    when orders.order_date <> first_orders.first_order_date
                        then 'first_order_date is not the date of the first order'
                    when earliest.earliest_valid_order_date < first_orders.first_order_date
                        then 'an earlier valid order exists'
                end as problem
            from {first_orders} as first_orders
            left join {orders} as orders on first_orders.first_order_key = orders.order_key
            left join earliest on first_orders.customer_id = earliest.customer_id
            union all
            select
                earliest.customer_id,
                null,
                null,
                null,
                earliest.earliest_valid_order_date,
                'customer with valid orders has no first order' as problem
            from earliest
            where not exists (
                select 1 from {first_orders} as known
                where known.customer_id = earliest.customer_id
            )
        )
        select problem, customer_id, first_order_key, first_order_date, first_order_key_date,
            earliest_valid_order_date
        from compared
        where problem is not null
    """


def _new_customers_in_period_sql(ctx: SqlContext) -> str:
    """new_customers of each employee and period = first orders credited to them in it."""
    return f"""
        with expected as (
            select
                first_orders.employee_id,
                first_orders.role,
                periods.period_type,
                periods.period,
                count(*) as first_orders
            from {ctx.rel("intermediate.int_customer_first_orders")} as first_orders
            inner join {ctx.rel("intermediate.int_periods")} as periods
                on
                    periods.is_reported
                    and first_orders.first_order_date
                    between periods.period_start_date and periods.period_end_date
            where first_orders.role is not null
            group by all
        ),
        actual as (
            select
                entity_id as employee_id,
                role,
                period_type,
                period,
                cast(numerator as bigint) as kpi_new_customers
            from {ctx.rel("marts.fct_kpi_values")}
            where entity_type = 'employee' and kpi_code = 'new_customers' and numerator <> 0
        )
        select
            coalesce(expected.employee_id, actual.employee_id) as employee_id,
            coalesce(expected.role, actual.role) as role,
            coalesce(expected.period_type, actual.period_type) as period_type,
            coalesce(expected.period, actual.period) as period,
            coalesce(actual.kpi_new_customers, 0) as kpi_new_customers,
            coalesce(expected.first_orders, 0) as first_orders_in_period
        from expected
        full outer join actual
            on
                expected.employee_id = actual.employee_id
                and expected.role = actual.role
                and expected.period_type = actual.period_type
                and expected.period = actual.period
        where coalesce(actual.kpi_new_customers, 0) <> coalesce(expected.first_orders, 0)
    """


def _first_order_valid_sql(ctx: SqlContext) -> str:
    return f"""
        with {_customer_scope_cte(ctx, loaded_shop_orders=True)}
        judged as (
            select
                first_orders.customer_id,
                first_orders.first_order_key,
                orders.source_system,
                orders.order_status,
                shop_orders.paid_at,
                case
                    when orders.order_key is null then 'first order not found in int_orders_unified'
                    when orders.source_system = 'crm' and orders.order_status <> 'confirmed'
                        then 'CRM order not confirmed'
                    when
                        orders.source_system = 'ecommerce'
                        and orders.order_status in ('cancelled', 'refunded')
                        then 'shop order cancelled or refunded'
                    when orders.source_system = 'ecommerce' and shop_orders.paid_at is null
                        then 'shop order never paid'
                    when not orders.is_valid_order then 'not a valid order'
                end as problem
            from (
                select * from {ctx.rel("intermediate.int_customer_first_orders")}
                where {_in_customer_scope(ctx)}
            ) as first_orders
            left join {ctx.rel("intermediate.int_orders_unified")} as orders
                on first_orders.first_order_key = orders.order_key
            left join {ctx.rel("staging.stg_ecommerce__orders")} as shop_orders
                on orders.source_system = 'ecommerce' and orders.order_id = shop_orders.order_id
        )
        select problem, customer_id, first_order_key, source_system, order_status, paid_at
        from judged
        where problem is not null
    """


def _effective_visit_sql(ctx: SqlContext) -> str:
    return f"""
        with joined as (
            select
                credited.activity_id,
                credited.employee_id,
                credited.activity_date,
                credited.is_effective_visit,
                activities.activity_type,
                activities.notes,
                activities.next_step,
                activities.activity_id is not null as in_staging,
                coalesce(activities.activity_type = 'customer_visit', false)
                and nullif(trim(activities.notes), '') is not null
                and nullif(trim(activities.next_step), '') is not null as meets_definition,
                activities.source_file_path,
                activities.source_line_number
            from {ctx.rel("intermediate.int_activities_credited")} as credited
            left join {ctx.rel("staging.stg_crm__activities")} as activities
                on credited.activity_id = activities.activity_id
        )
        select
            case
                when is_effective_visit and not in_staging then 'activity not found in staging'
                when is_effective_visit then 'counted as effective without a customer visit, notes and a next step'
                else 'customer visit with notes and a next step not counted as effective'
            end as problem,
            activity_id,
            employee_id,
            activity_date,
            activity_type,
            notes,
            next_step,
            source_file_path,
            source_line_number
        from joined
        where coalesce(is_effective_visit, false) <> meets_definition
    """


def _orders_credited_sql(ctx: SqlContext) -> str:
    employees = ctx.rel("staging.stg_hr__employees")
    covering = f"""
        select 1
        from {employees} as employees
        where
            employees.status = 'active'
            and employees.employee_id = orders.employee_id
            and orders.order_date
            between employees.valid_from and coalesce(employees.valid_to, date '9999-12-31')"""
    orders = ctx.rel("intermediate.int_orders_unified")
    scoped = ""
    if _scoped(ctx):
        # an order whose row a night recomputed, or whose employee's roster rows it loaded
        scoped = f"""
        with orders_in_scope as materialized (
            select * from {orders}
            where
                {_computed_since(ctx, "computed_at")}
                or {restated_in_scope(ctx, ("hr/employees",))}
                or employee_id in (
                    select loaded.employee_id from {employees} as loaded
                    where {loads_in_scope(ctx, "loaded.load_id")}
                )
        )"""
        orders = "orders_in_scope"
    return f"""{scoped}
        select
            case
                when orders.role is not null
                    then 'credited to a role/team the employee did not hold on the order date'
                else 'left uncredited although an active assignment covers the order date'
            end as problem,
            orders.order_key,
            orders.employee_id,
            orders.role,
            orders.team_id,
            orders.order_date,
            orders.source_file_path,
            orders.source_line_number
        from {orders} as orders
        where
            (
                orders.role is not null
                and not exists ({covering}
                    and employees.role = orders.role
                    and employees.team_id is not distinct from orders.team_id)
            )
            or (orders.role is null and exists ({covering}))
    """


def _orders_uncredited_sql(ctx: SqlContext) -> str:
    return f"""
        select
            order_key,
            employee_id,
            order_date,
            order_status,
            is_valid_order,
            revenue_amount,
            source_file_path,
            source_line_number
        from {ctx.rel("intermediate.int_orders_unified")}
        where role is null
    """


CHECKS: tuple[Check, ...] = (
    Check(
        name="customer_new_once",
        layer="definitions",
        severity="error",
        description="A customer is new at most once in its lifetime: one first-order row per "
        "unified customer in int_customer_first_orders.",
        sql=_customer_new_once_sql,
        requires=("intermediate.int_customer_first_orders",),
        row_label="customers with several first orders",
    ),
    Check(
        name="new_customers_total_matches_first_orders",
        layer="definitions",
        severity="error",
        description="For each period type, new_customers summed over all periods (employee rows, "
        "and team rows) equals the number of credited first orders in reported periods: nobody "
        "is counted new twice, nobody is lost.",
        sql=_new_customer_totals_sql,
        requires=(
            "marts.fct_kpi_values",
            "intermediate.int_customer_first_orders",
            "intermediate.int_periods",
        ),
        expectations=_new_customer_totals_expectations,
        row_label="period-type totals",
    ),
    Check(
        name="new_customer_first_order_is_earliest",
        layer="definitions",
        severity="error",
        description="Each customer's first order is its earliest valid order ever, across "
        "sources, and every customer with a valid order has one.",
        sql=_first_order_is_earliest_sql,
        requires=("intermediate.int_customer_first_orders", "intermediate.int_orders_unified"),
        row_label="customers",
    ),
    Check(
        name="new_customers_in_first_order_period",
        layer="definitions",
        severity="error",
        description="Every new customer is counted in the period (month, quarter, year) its first "
        "valid order lies in, for the employee and role credited with that order.",
        sql=_new_customers_in_period_sql,
        requires=(
            "marts.fct_kpi_values",
            "intermediate.int_customer_first_orders",
            "intermediate.int_periods",
        ),
        row_label="employee periods with a wrong new_customers count",
    ),
    Check(
        name="new_customer_first_order_valid",
        layer="definitions",
        severity="error",
        description="No customer is new through a cancelled, refunded, returned or unpaid order: "
        "the first order is a confirmed CRM order or a paid, not cancelled/refunded shop order.",
        sql=_first_order_valid_sql,
        requires=(
            "intermediate.int_customer_first_orders",
            "intermediate.int_orders_unified",
            "staging.stg_ecommerce__orders",
        ),
        row_label="first orders that are not valid",
    ),
    Check(
        name="effective_visit_definition",
        layer="definitions",
        severity="error",
        description="Every effective visit is a customer_visit with non-empty notes and next step "
        "(checked against staging), and every such visit is counted as effective.",
        sql=_effective_visit_sql,
        requires=("intermediate.int_activities_credited", "staging.stg_crm__activities"),
        row_label="activities",
    ),
    Check(
        name="orders_credited_on_order_date",
        layer="definitions",
        severity="error",
        description="Every credited order is credited to the role and team of an active roster "
        "row of its employee covering the order date; no order is left uncredited when such a "
        "row exists.",
        sql=_orders_credited_sql,
        requires=("intermediate.int_orders_unified", "staging.stg_hr__employees"),
        row_label="wrongly credited orders",
    ),
    Check(
        name="orders_uncredited",
        layer="definitions",
        severity="warning",
        description="Orders whose employee (sales rep, store operator) had no active assignment on "
        "the order date count for nobody; listed so HR or sales ops can fix the roster.",
        sql=_orders_uncredited_sql,
        requires=("intermediate.int_orders_unified",),
        row_label="uncredited orders",
    ),
)
