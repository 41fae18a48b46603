"""End to end: the tiny sample company (with every fault) through the nightly job, in two nights.

The drops arrive in two batches (history, then the last nights), each followed by `kpiwh run`;
then the job runs once more with nothing new, and once more after a drop whose target breaks an
error-level quality rule (base above challenge): that run must fail and publish nothing. Expected staging contents are computed here, from
the CSV files alone, with Python's csv module: the winning version of each key (latest
`updated_at`, ties to the later drop, then the later line), minus rejected files and quarantined
rows. The warehouse must hold exactly that, row for row, with the file and line of each winner.
"""

import csv
import io
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from ingestion.contract import ENTITIES, Entity
from orchestration.cli import main as kpiwh
from sample_company import generate

SPLIT_DATE = "2026-10-20"  # first night: drops up to this date; second night: the rest
ENV_KEYS = (
    "KPIWH_HOME",
    "KPIWH_LANDING_DIR",
    "KPIWH_DUCKDB_PATH",
    "KPIWH_DUCKDB_THREADS",
    "KPIWH_DBT_THREADS",
    "KPIWH_DUCKDB_MEMORY_LIMIT",
    "KPIWH_BUSINESS_TZ",
    "DAGSTER_HOME",
)


@dataclass
class Nights:
    home: Path
    landing: Path
    faults: list[dict]
    exit_codes: list[int]
    manifest_after: list[int]  # manifest rows after each run
    staging_digest: list[dict[str, tuple]]  # per run: table -> (rows, content hash)
    published_digest: list[dict[str, tuple]]  # per run: published table -> (rows, content hash)

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        con = duckdb.connect(str(self.home / "warehouse.duckdb"), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()


def _staging_tables() -> list[str]:
    return [f"staging.stg_{e.source}__{e.name}" for e in ENTITIES]


def _digest(db: Path) -> tuple[int, dict[str, tuple], dict[str, tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        manifest = con.execute("select count(*) from meta.load_manifest").fetchone()[0]

        def table_digests(tables: list[str]) -> dict[str, tuple]:
            out = {}
            for table in tables:
                schema, name = table.split(".")
                columns = [  # calculated_at is when the run calculated, not a number
                    c
                    for (c,) in con.execute(
                        "select column_name from information_schema.columns where "
                        "table_schema = ? and table_name = ? and column_name <> 'calculated_at' "
                        "order by ordinal_position",
                        [schema, name],
                    ).fetchall()
                ]
                row = ", ".join(f'"{c}"' for c in columns)
                out[table] = con.execute(
                    f"select count(*), bit_xor(hash(row({row}))) from {table}"
                ).fetchone()
            return out

        published = [
            f"published.{name}"
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'published' order by table_name"
            ).fetchall()
        ]
        return manifest, table_digests(_staging_tables()), table_digests(published)
    finally:
        con.close()


BAD_TARGET_DROP = "plan/2026-11-01/targets.csv"
BAD_TARGET = (
    "target_id,version,scope_type,scope_id,period,kpi_code,base_value,challenge_value,"
    "stretch_value,reason,approved_by,approved_at\n"
    "TGT-BAD,1,employee,E0001,2026-11,revenue,300000,200000,100000,录入错误,VP001,"
    "2026-11-01T09:00:00\n"
)


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nights]:
    home = tmp_path_factory.mktemp("e2e")
    generated = home / "generated"
    generate(generated, scale="tiny", faults=True)
    faults = json.loads((generated / "_faults.json").read_text(encoding="utf-8"))
    landing = home / "landing"
    files = sorted(p for p in generated.rglob("*.csv"))

    def deliver(up_to: str | None) -> None:
        for path in files:
            rel = path.relative_to(generated)
            if up_to is None or rel.parts[1] <= up_to:
                target = landing / rel
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target)

    codes, manifests, digests, published = [], [], [], []
    with pytest.MonkeyPatch.context() as mp:
        for key in ENV_KEYS:
            # set, then unset: monkeypatch then restores even what the job exports on its own
            mp.setenv(key, "")
            mp.delenv(key)
        mp.setenv("KPIWH_HOME", str(home))
        mp.setenv("DAGSTER_HOME", str(home / "dagster"))
        for up_to in (SPLIT_DATE, None, None, "bad target"):
            if up_to == "bad target":
                (landing / BAD_TARGET_DROP).parent.mkdir(parents=True)
                (landing / BAD_TARGET_DROP).write_text(BAD_TARGET, encoding="utf-8")
            else:
                deliver(up_to)
            codes.append(kpiwh(["run"], read_dotenv=False))
            manifest, digest, published_digest = _digest(home / "warehouse.duckdb")
            manifests.append(manifest)
            digests.append(digest)
            published.append(published_digest)
    yield Nights(home, landing, faults, codes, manifests, digests, published)


# --- the expected state, from the CSV files alone ----------------------------------------------


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(_decode(path.read_bytes()), newline=""))
    previous = 1
    for row in reader:
        yield previous + 1, row
        previous = reader.line_num


def _as_stored(entity: Entity, column: str, text: str) -> str:
    """A key cell as str() of the typed staging value (timestamps: naive, space-separated)."""
    return text[:19].replace("T", " ") if entity.column(column).type == "ts" else text


def _expected(nights: Nights, entity: Entity) -> dict[tuple, tuple[str, int, str | None]]:
    """key -> (file, line, updated_at) of the winning version."""
    rejected = {f["file"] for f in nights.faults if f["expected"] == "reject_file"}
    quarantined = {(f["file"], f["line"]) for f in nights.faults if f["expected"] == "quarantine"}
    winners: dict[tuple, tuple[str, int, str | None]] = {}
    for path in sorted(nights.landing.glob(f"{entity.source}/*/{entity.name}.csv")):
        rel = path.relative_to(nights.landing).as_posix()
        if rel in rejected:
            continue
        for line, row in _rows(path):
            if (rel, line) in quarantined:
                continue
            key = tuple(_as_stored(entity, c, row[c]) for c in entity.key_columns)
            updated = row["updated_at"][:19].replace("T", " ") if entity.has_updated_at else None
            known = winners.get(key)
            if known is None or updated is None or known[2] <= updated:
                winners[key] = (rel, line, updated)
    return winners


# --- the tests ------------------------------------------------------------------------------------


def test_every_run_succeeds(nights: Nights) -> None:
    assert nights.exit_codes == [0, 0, 0, 1]  # the last run's quality gate fails


@pytest.mark.parametrize("entity", ENTITIES, ids=lambda e: e.qualified_name)
def test_staging_holds_exactly_the_winning_version_of_each_key(
    nights: Nights, entity: Entity
) -> None:
    keys = ", ".join(entity.key_columns)
    renamed = {"date": "traffic_date"}
    key_sql = ", ".join(renamed.get(c, c) for c in entity.key_columns)
    updated = "strftime(updated_at, '%Y-%m-%d %H:%M:%S')" if entity.has_updated_at else "null"
    rows = nights.query(
        f"select {key_sql}, source_file_path, source_line_number, {updated} "
        f"from staging.stg_{entity.source}__{entity.name}"
    )
    n = len(entity.key_columns)
    actual = {tuple(str(v) for v in r[:n]): (r[n], r[n + 1], r[n + 2]) for r in rows}
    expected = _expected(nights, entity)
    assert len(rows) == len(actual), f"duplicate keys ({keys}) in staging"
    assert actual == expected


def test_faults_have_their_documented_outcome(nights: Nights) -> None:
    by_kind = {f["kind"]: f for f in nights.faults}
    manifest = {
        path: (status, reason, encoding, extra)
        for path, status, reason, encoding, extra in nights.query(
            "select file_path, status, reason, encoding, extra_columns from meta.load_manifest"
        )
    }
    rejected = {p: r for p, (s, r, _, _) in manifest.items() if s == "rejected"}
    assert set(rejected) == {f["file"] for f in nights.faults if f["expected"] == "reject_file"}
    assert (
        "missing required column(s): amount" in rejected[by_kind["missing_required_column"]["file"]]
    )
    assert rejected[by_kind["truncated_file"]["file"]].startswith("truncated")

    quarantine = nights.query("select file_path, line_number, reason from meta.quarantine")
    expected = {(f["file"], f["line"]) for f in nights.faults if f["expected"] == "quarantine"}
    assert {(p, line) for p, line, _ in quarantine} == expected
    assert len(quarantine) == len(expected)
    for path, line, reason in quarantine:
        fault = next(f for f in nights.faults if (f["file"], f["line"]) == (path, line))
        assert reason.startswith(f"{fault['column']}: ") and fault["value"] in reason

    assert manifest[by_kind["gb18030_file"]["file"]][:1] == ("loaded",)
    assert manifest[by_kind["gb18030_file"]["file"]][2] == "gb18030"
    assert manifest[by_kind["utf8_bom_file"]["file"]][2] == "utf-8-sig"
    assert "wechat_id" in manifest[by_kind["extra_column"]["file"]][3]


def test_gb18030_names_arrive_decoded(nights: Nights) -> None:
    path = next(f["file"] for f in nights.faults if f["kind"] == "gb18030_file")
    text = (nights.landing / path).read_bytes().decode("gb18030")
    first = next(csv.DictReader(io.StringIO(text, newline="")))
    stored = nights.query(
        "select account_name from raw.crm__accounts where _file_path = ? and _line_number = 2",
        [path],
    )
    assert stored == [(first["account_name"],)]


def test_second_night_only_adds_and_third_run_changes_nothing(nights: Nights) -> None:
    first, second, third, _ = nights.manifest_after
    delivered = len(list(nights.landing.rglob("*.csv"))) - 1  # the bad target came later
    assert second == delivered  # every file is recorded once, loaded or rejected
    assert 0 < first < second
    assert third == second
    assert nights.staging_digest[2] == nights.staging_digest[1]


def test_every_kpi_of_every_role_has_non_trivial_values(nights: Nights) -> None:
    catalog = set(nights.query("select role, kpi_code from marts.dim_kpis"))
    assert len(catalog) == 52  # 34 codes: the six order KPIs for four roles, 28 of one role
    for entity_type in ("employee", "team"):
        non_trivial = set(
            nights.query(
                "select role, kpi_code from marts.fct_kpi_values "
                "where entity_type = ? and value is not null and value <> 0 "
                "group by role, kpi_code",
                [entity_type],
            )
        )
        assert catalog - non_trivial == set(), entity_type


def test_a_failed_quality_gate_publishes_nothing(nights: Nights) -> None:
    before, after = nights.published_digest[2], nights.published_digest[3]
    assert "published.fct_kpi_values" in before and "published.fct_payouts" in before
    assert after == before  # the last publication is untouched
    assert nights.manifest_after[3] == nights.manifest_after[2] + 1  # the bad drop was loaded
    assert nights.staging_digest[3] != nights.staging_digest[2]  # …and built, but not published
    runs = nights.query(
        "select run_id, bool_and(success or severity = 'warning') "
        "from meta.validation_history group by run_id order by min(validated_at)"
    )
    # the third run had nothing new: it skipped dbt, validation and publication
    assert [passed for _, passed in runs] == [True, True, False]
    failed = nights.query(
        "select check_name, failing_count from meta.validation_history "
        "where run_id = ? and severity = 'error' and not success",
        [runs[-1][0]],
    )
    assert failed == [("targets_ordered", 1)]
    publications = nights.query("select run_id from meta.publications order by publication_id")
    assert [r for (r,) in publications] == [r for r, _ in runs[:2]]


def test_published_marts_are_the_audited_marts_of_the_last_good_run(nights: Nights) -> None:
    assert nights.published_digest[2] == nights.published_digest[1]  # nothing new, same numbers
    tables = nights.query(
        "select table_name from information_schema.tables where table_schema = 'published'"
    )
    assert {"fct_kpi_values", "kpis_direct_sales", "fct_payouts", "dim_kpis"} <= {
        t for (t,) in tables
    }
