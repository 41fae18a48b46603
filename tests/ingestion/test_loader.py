"""Each bad input of the landing contract gives exactly the expected raw, quarantine and manifest rows."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from tests.ingestion.conftest import RECEIPTS_HEADER, touch_later

GOOD_ROWS = (
    "R1,I1,2026-03-01T10:00:00,100.00,bank,2026-03-01T10:00:00\n"
    "R2,I1,2026-03-01T11:00:00,20.5,cash,2026-03-01T11:00:00\n"
)


def manifest(con):
    return con.execute(
        "select load_id, file_path, status, reason, encoding, rows_read, rows_loaded, "
        "rows_quarantined, extra_columns, supersedes_load_id from meta.load_manifest order by load_id"
    ).fetchall()


def quarantine(con):
    return con.execute(
        "select file_path, line_number, raw_text, reason from meta.quarantine "
        "order by load_id, line_number"
    ).fetchall()


def receipts(con):
    return con.execute(
        "select receipt_id, invoice_id, received_at, amount, method, _file_path, _line_number, "
        "_load_id, _extract_date from raw.finance__receipts order by _load_id, _line_number"
    ).fetchall()


def test_good_file_loads_with_full_provenance(con, drop, load):
    path = drop("finance", "2026-03-01", "receipts", RECEIPTS_HEADER + GOOD_ROWS)
    report = load(batch_id="batch-1")

    assert report.summary()["loaded"] == 1
    rows = con.execute(
        "select receipt_id, amount, _source, _entity, _extract_date, _file_path, _file_sha256, "
        "_line_number, _load_id from raw.finance__receipts order by _line_number"
    ).fetchall()
    import hashlib

    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    day = dt.date(2026, 3, 1)
    path_text = "finance/2026-03-01/receipts.csv"
    assert rows == [
        ("R1", Decimal("100.00"), "finance", "receipts", day, path_text, sha, 2, 1),
        ("R2", Decimal("20.50"), "finance", "receipts", day, path_text, sha, 3, 1),
    ]
    assert manifest(con) == [(1, path_text, "loaded", None, "utf-8", 2, 2, 0, None, None)]
    assert con.execute("select batch_id from meta.load_manifest").fetchall() == [("batch-1",)]


def test_gb18030_file_is_detected_decoded_and_recorded(con, drop, load):
    body = RECEIPTS_HEADER + "R1,I1,2026-03-01T10:00:00,5.00,现金（柜台）,2026-03-01T10:00:00\n"
    drop("finance", "2026-03-01", "receipts", body, encoding="gb18030")
    load()
    assert [(r[0], r[4]) for r in receipts(con)] == [("R1", "现金（柜台）")]
    assert manifest(con)[0][2:5] == ("loaded", None, "gb18030")


def test_utf8_bom_is_detected_and_the_first_column_still_matches(con, drop, load):
    drop("finance", "2026-03-01", "receipts", "\ufeff" + RECEIPTS_HEADER + GOOD_ROWS)
    load()
    assert [r[0] for r in receipts(con)] == ["R1", "R2"]
    assert manifest(con)[0][4] == "utf-8-sig"


def test_bad_money_values_are_quarantined_and_the_rest_of_the_file_loads(con, drop, load):
    body = (
        RECEIPTS_HEADER
        + "R1,I1,2026-03-01T10:00:00,100.00,bank,2026-03-01T10:00:00\n"
        + 'R2,I1,2026-03-01T10:00:00,"1,234.50",bank,2026-03-01T10:00:00\n'
        + "R3,I1,2026-03-01T10:00:00,12.345,bank,2026-03-01T10:00:00\n"
        + "R4,I1,2026-03-01T10:00:00,¥12,bank,2026-03-01T10:00:00\n"
        + "R5,I1,2026-03-01T10:00:00,-7.10,bank,2026-03-01T10:00:00\n"
    )
    drop("finance", "2026-03-01", "receipts", body)
    load()
    assert [(r[0], r[3], r[6]) for r in receipts(con)] == [
        ("R1", Decimal("100.00"), 2),
        ("R5", Decimal("-7.10"), 6),
    ]
    path = "finance/2026-03-01/receipts.csv"
    assert quarantine(con) == [
        (
            path,
            3,
            'R2,I1,2026-03-01T10:00:00,"1,234.50",bank,2026-03-01T10:00:00',
            "amount: thousands separator in money: '1,234.50'",
        ),
        (
            path,
            4,
            "R3,I1,2026-03-01T10:00:00,12.345,bank,2026-03-01T10:00:00",
            "amount: money has more than 2 decimals: '12.345'",
        ),
        (
            path,
            5,
            "R4,I1,2026-03-01T10:00:00,¥12,bank,2026-03-01T10:00:00",
            "amount: not a money amount (digits, at most 2 decimals): '¥12'",
        ),
    ]
    assert manifest(con)[0][5:8] == (5, 2, 3)


def test_bad_enum_date_int_bool_and_empty_required_values(con, drop, load):
    header = "order_id,account_id,distributor_id,sales_rep_id,channel,ordered_at,status,amount_incl_tax,tax_amount,gross_margin_amount,updated_at\n"
    body = (
        header
        + "O1,A1,,E1,direct,2026-03-01T09:00:00,confirmed,113.00,13.00,40.00,2026-03-01T09:00:00\n"
        + "O2,A1,,E1,online,2026-03-01T09:00:00,confirmed,113.00,13.00,40.00,2026-03-01T09:00:00\n"
        + "O3,A1,,E1,direct,2026-02-30,confirmed,113.00,13.00,40.00,2026-03-01T09:00:00\n"
        + ",A1,,E1,direct,2026-03-01T09:00:00,confirmed,113.00,13.00,40.00,2026-03-01T09:00:00\n"
        + "O5,A1,,E1,direct,2026/03/01 09:00,confirmed,,13.00,40.00,2026-03-01T09:00:00\n"
    )
    drop("crm", "2026-03-01", "orders", body)
    load()
    assert con.execute("select order_id from raw.crm__orders").fetchall() == [("O1",)]
    reasons = [(line, reason) for _, line, _, reason in quarantine(con)]
    assert reasons == [
        (3, "channel: not one of direct, channel, key_account: 'online'"),
        (4, "ordered_at: not a valid ISO 8601 timestamp: '2026-02-30'"),
        (5, "order_id: required value is empty"),
        (
            6,
            "ordered_at: not a valid ISO 8601 timestamp: '2026/03/01 09:00'; "
            "amount_incl_tax: required value is empty",
        ),
    ]

    header = "order_id,line_no,sku,quantity,unit_price,line_amount,unit_cost\n"
    drop(
        "ecommerce",
        "2026-03-01",
        "order_lines",
        header
        + "EO1,1,SKU1,2,10.00,20.00,6.00\nEO1,x,SKU1,2,10.00,20.00,6.00\nEO1,3,SKU1,2.5,10.00,20.00,6.00\n",
    )
    header = "store_id,date,visitors,updated_at\n"
    drop(
        "ecommerce",
        "2026-03-01",
        "traffic_daily",
        header + "S1,2026-03-01,-5,2026-03-01T09:00:00\n",
    )
    header = "campaign_id,store_id,campaign_name,start_date,end_date,participated,visitors_acquired,updated_at\n"
    drop(
        "ecommerce",
        "2026-03-01",
        "campaigns",
        header
        + "C1,S1,双11,2026-11-01,2026-11-11,是,10,2026-03-01T09:00:00\n"
        + "C2,S1,618,2026-06-01,2026-06-18,maybe,10,2026-03-01T09:00:00\n",
    )
    load()
    assert con.execute("select order_id, line_no from raw.ecommerce__order_lines").fetchall() == [
        ("EO1", 1)
    ]
    assert con.execute(
        "select campaign_id, participated from raw.ecommerce__campaigns"
    ).fetchall() == [("C1", True)]
    later = [(path.split("/")[-1], line, reason) for path, line, _, reason in quarantine(con)[4:]]
    assert later == [
        ("campaigns.csv", 3, "participated: not a boolean (true/false, 1/0, 是/否): 'maybe'"),
        ("order_lines.csv", 3, "line_no: not an integer: 'x'"),
        ("order_lines.csv", 4, "quantity: not an integer: '2.5'"),
        ("traffic_daily.csv", 2, "visitors: out of range 0..: '-5'"),
    ]


def test_reordered_header_maps_columns_by_name(con, drop, load):
    body = (
        "updated_at,method,amount,received_at,invoice_id,receipt_id\n"
        "2026-03-01T10:00:00,bank,100.00,2026-03-01T10:00:00,I1,R1\n"
    )
    drop("finance", "2026-03-01", "receipts", body)
    load()
    assert receipts(con)[0][:5] == (
        "R1",
        "I1",
        dt.datetime(2026, 3, 1, 10),
        Decimal("100.00"),
        "bank",
    )
    # loaded, with the deviation noted for the quality report (raw_files_nonstandard)
    assert manifest(con)[0][2:4] == (
        "loaded",
        "columns in another order than the contract (matched by name): "
        "updated_at,method,amount,received_at,invoice_id,receipt_id",
    )


def test_extra_columns_are_reported_and_kept_in_raw(con, drop, load):
    body = (
        "receipt_id,invoice_id,received_at,amount,method,updated_at,cashier,note\n"
        "R1,I1,2026-03-01T10:00:00,100.00,bank,2026-03-01T10:00:00,张三,首付\n"
    )
    drop("finance", "2026-03-01", "receipts", body)
    report = load()
    assert report.files[0].extra_columns == ("cashier", "note")
    assert manifest(con)[0][8] == "cashier,note"
    (extra,) = con.execute("select _extra_columns from raw.finance__receipts").fetchone()
    assert json.loads(extra) == {"cashier": "张三", "note": "首付"}


def test_missing_required_column_rejects_the_whole_file(con, drop, load):
    drop(
        "finance",
        "2026-03-01",
        "receipts",
        "receipt_id,invoice_id,received_at,method,updated_at\nR1,I1,2026-03-01,bank,2026-03-01\n",
    )
    report = load()
    assert receipts(con) == [] and quarantine(con) == []
    assert manifest(con) == [
        (
            1,
            "finance/2026-03-01/receipts.csv",
            "rejected",
            "missing required column(s): amount",
            "utf-8",
            0,
            0,
            0,
            None,
            None,
        )
    ]
    assert report.summary()["rejected"] == 1


def test_truncated_file_is_rejected_whole(con, drop, load):
    drop("finance", "2026-03-01", "receipts", RECEIPTS_HEADER + GOOD_ROWS + "R3,I1,2026-03-0")
    load()
    assert receipts(con) == [] and quarantine(con) == []
    (row,) = manifest(con)
    assert row[2] == "rejected"
    assert row[3].startswith("truncated:")


def test_unterminated_quote_and_undecodable_bytes_reject_the_file(con, drop, load):
    drop(
        "finance",
        "2026-03-01",
        "receipts",
        RECEIPTS_HEADER + 'R1,I1,2026-03-01,"1.00,bank,2026-03-01\n',
    )
    drop(
        "finance",
        "2026-03-02",
        "receipts",
        RECEIPTS_HEADER.encode() + b"R1,\xff\xfe\xfa,2026-03-01,1.00,x,2026-03-01\n",
    )
    load()
    assert receipts(con) == [] and quarantine(con) == []
    reasons = [row[3] for row in manifest(con)]
    assert reasons[0].startswith("unreadable CSV at record")
    assert reasons[1] == "undecodable: the bytes are neither valid UTF-8 nor valid GB18030"


def test_ragged_rows_are_quarantined_with_their_raw_line(con, drop, load):
    body = (
        RECEIPTS_HEADER
        + GOOD_ROWS
        + "R3,I1,2026-03-01\nR4,I1,2026-03-01T10:00:00,1.00,bank,2026-03-01T10:00:00,x\n"
    )
    drop("finance", "2026-03-01", "receipts", body)
    load()
    assert [r[0] for r in receipts(con)] == ["R1", "R2"]
    assert [(line, raw, reason.split(":")[0]) for _, line, raw, reason in quarantine(con)] == [
        (4, "R3,I1,2026-03-01", "missing columns"),
        (5, "R4,I1,2026-03-01T10:00:00,1.00,bank,2026-03-01T10:00:00,x", "too many columns"),
    ]


def test_quoted_line_breaks_keep_physical_line_numbers(con, drop, load):
    body = (
        RECEIPTS_HEADER
        + 'R1,I1,2026-03-01T10:00:00,1.00,"bank\ntransfer, ""urgent""",2026-03-01T10:00:00\n'
        + "R2,I1,2026-03-01T10:00:00,1.001,bank,2026-03-01T10:00:00\n"
        + 'R3,I1,2026-03-01T10:00:00,3.00,"a\r\nb\nc",2026-03-01T10:00:00\n'
        + "R4,I1,2026-03-01T10:00:00,4.00,bank,2026-03-01T10:00:00\n"
    )
    drop("finance", "2026-03-01", "receipts", body)
    load()
    assert [(r[0], r[4], r[6]) for r in receipts(con)] == [
        ("R1", 'bank\ntransfer, "urgent"', 2),
        ("R3", "a\r\nb\nc", 5),
        ("R4", "bank", 8),
    ]
    assert [(line, reason) for _, line, _, reason in quarantine(con)] == [
        (4, "amount: money has more than 2 decimals: '1.001'")
    ]


def test_timestamps_with_offsets_become_business_time(con, drop, load):
    body = (
        RECEIPTS_HEADER
        + "R1,I1,2026-03-01T10:00:00Z,1.00,bank,2026-03-01T10:00:00\n"
        + "R2,I1,2026-03-01 23:30:00+08:00,1.00,bank,2026-03-01T10:00:00\n"
        + "R3,I1,2026-03-01T20:00:00-05:00,1.00,bank,2026-03-01T10:00:00\n"
    )
    drop("finance", "2026-03-01", "receipts", body)
    load()
    assert [r[2] for r in receipts(con)] == [
        dt.datetime(2026, 3, 1, 18, 0),
        dt.datetime(2026, 3, 1, 23, 30),
        dt.datetime(2026, 3, 2, 9, 0),
    ]


def test_header_only_file_is_a_valid_quiet_night(con, drop, load):
    drop("finance", "2026-03-01", "receipts", RECEIPTS_HEADER)
    load()
    assert manifest(con)[0][2:8] == ("loaded", None, "utf-8", 0, 0, 0)


def test_same_bytes_delivered_twice_load_once(con, drop, load):
    path = drop("finance", "2026-03-01", "receipts", RECEIPTS_HEADER + GOOD_ROWS)
    first = load()
    touch_later(path)  # redelivered: same bytes, new mtime
    second = load()
    assert [f.status for f in first.files] == ["loaded"]
    assert [f.status for f in second.files] == ["duplicate"]
    assert len(receipts(con)) == 2
    assert len(manifest(con)) == 1


def test_restated_file_is_kept_and_supersedes_the_earlier_version(con, drop, load):
    drop("finance", "2026-03-01", "receipts", RECEIPTS_HEADER + GOOD_ROWS)
    load()
    restated = RECEIPTS_HEADER + "R1,I1,2026-03-01T10:00:00,90.00,bank,2026-03-01T10:00:00\n"
    path = drop("finance", "2026-03-01", "receipts", restated)
    touch_later(path)
    report = load()
    assert [(f.status, f.supersedes_load_id) for f in report.files] == [("loaded", 1)]
    assert [(r[0], r[3], r[7]) for r in receipts(con)] == [
        ("R1", Decimal("100.00"), 1),
        ("R2", Decimal("20.50"), 1),
        ("R1", Decimal("90.00"), 2),
    ]
    assert con.execute("select file_path, load_id from meta.current_file_versions").fetchall() == [
        ("finance/2026-03-01/receipts.csv", 2)
    ]


def test_a_rejected_file_fixed_later_loads(con, drop, load):
    drop("finance", "2026-03-01", "receipts", RECEIPTS_HEADER + "R1,I1,2026-03-0")
    load()
    path = drop("finance", "2026-03-01", "receipts", RECEIPTS_HEADER + GOOD_ROWS)
    touch_later(path)
    report = load()
    assert [(f.status, f.supersedes_load_id) for f in report.files] == [("loaded", None)]
    assert [r[0] for r in receipts(con)] == ["R1", "R2"]


def test_drop_dates_arriving_together_load_in_date_order(con, drop, load):
    # Written newest first, as a catch-up after an outage might deliver them.
    for day in ("2026-03-05", "2026-03-03", "2026-03-04"):
        drop(
            "finance",
            day,
            "receipts",
            RECEIPTS_HEADER + f"R-{day},I1,{day}T10:00:00,1.00,bank,{day}T10:00:00\n",
        )
    drop(
        "crm",
        "2026-03-04",
        "orders",
        "order_id,account_id,distributor_id,sales_rep_id,channel,ordered_at,status,amount_incl_tax,tax_amount,gross_margin_amount,updated_at\n",
    )
    load()
    assert [(row[0], row[1]) for row in manifest(con)] == [
        (1, "finance/2026-03-03/receipts.csv"),
        (2, "crm/2026-03-04/orders.csv"),
        (3, "finance/2026-03-04/receipts.csv"),
        (4, "finance/2026-03-05/receipts.csv"),
    ]


def test_files_outside_the_contract_are_recorded_as_rejected(con, drop, load, landing):
    drop("crm", "2026-03-01", "leads", "lead_id\nL1\n")
    drop("crm", "20260301", "orders", "x\n")
    (landing / "_faults.json").write_text("[]")
    (landing / "crm" / ".partial").write_text("")
    load()
    assert [(row[1], row[2], row[3]) for row in manifest(con)] == [
        (
            "crm/20260301/orders.csv",
            "rejected",
            "not an extract file: extract date folder '20260301' is not YYYY-MM-DD",
        ),
        (
            "crm/2026-03-01/leads.csv",
            "rejected",
            "not an extract file: entity 'leads' is not in the extract contract of source 'crm'",
        ),
    ]


def test_a_rerun_changes_nothing(con, drop, load):
    drop(
        "finance",
        "2026-03-01",
        "receipts",
        RECEIPTS_HEADER + GOOD_ROWS + "R3,I1,x,1.00,bank,2026-03-01\n",
    )
    drop("finance", "2026-03-02", "receipts", RECEIPTS_HEADER + "R1,I1,2026-03-0")
    load()
    snapshot = (receipts(con), quarantine(con), manifest(con))
    again = load()
    verified = load(verify_checksums=True)
    assert (receipts(con), quarantine(con), manifest(con)) == snapshot
    assert {f.status for f in again.files} == {"unchanged"}
    assert {f.status for f in verified.files} == {"duplicate"}


def test_entities_filter_loads_only_the_selected_tables(con, drop, load):
    drop("finance", "2026-03-01", "receipts", RECEIPTS_HEADER + GOOD_ROWS)
    drop(
        "hr",
        "2026-03-01",
        "peer_reviews",
        "review_id,employee_id,period,collaboration_score,updated_at\nPR1,E1,2026-Q1,88.5,2026-03-01T00:00:00\n",
    )
    load(entities=["hr__peer_reviews"])
    assert receipts(con) == []
    assert con.execute(
        "select review_id, collaboration_score from raw.hr__peer_reviews"
    ).fetchall() == [("PR1", Decimal("88.500000"))]
    load()
    assert len(receipts(con)) == 2
