"""`kpiwh export-bi`, `kpiwh docs` and the Dagster asset `exports/bi`."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import duckdb
import psycopg
import pytest

from orchestration.cli import main
from orchestration.settings import Settings


@pytest.fixture
def home(tmp_path: Path, published_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in (
        "KPIWH_EXPORT_DIR",
        "KPIWH_POSTGRES_DSN",
        "KPIWH_BI_INCLUDE_PAY",
        "KPIWH_DOCS_DIR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KPIWH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KPIWH_DUCKDB_PATH", str(published_warehouse))
    return tmp_path / "home"


def test_settings_read_the_export_variables(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("KPIWH_HOME", str(tmp_path))
    for name in (
        "KPIWH_EXPORT_DIR",
        "KPIWH_POSTGRES_DSN",
        "KPIWH_BI_INCLUDE_PAY",
        "KPIWH_DOCS_DIR",
    ):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    assert settings.export_dir == tmp_path / "exports"
    assert settings.docs_dir == tmp_path / "dbt_docs"
    assert (settings.postgres_dsn, settings.bi_include_pay) == (None, False)
    monkeypatch.setenv("KPIWH_BI_INCLUDE_PAY", "TRUE")
    monkeypatch.setenv("KPIWH_POSTGRES_DSN", "host=db dbname=bi")
    settings = Settings.from_env()
    assert (settings.postgres_dsn, settings.bi_include_pay) == ("host=db dbname=bi", True)
    monkeypatch.setenv("KPIWH_BI_INCLUDE_PAY", "sometimes")
    with pytest.raises(
        ValueError, match="KPIWH_BI_INCLUDE_PAY='sometimes': expected true or false"
    ):
        Settings.from_env()


def test_export_bi_writes_the_current_publication(home, capsys) -> None:
    assert main(["export-bi"], read_dotenv=False) == 0
    out = capsys.readouterr().out
    assert "BI exports of publication 1" in out and "2 tables, 7 rows" in out
    assert "without pay (KPIWH_BI_INCLUDE_PAY=false): fct_payouts" in out
    manifest = json.loads((home / "exports" / "bi" / "manifest.json").read_text())
    assert manifest["publication_id"] == 1 and manifest["includes_pay"] is False


def test_export_bi_include_pay_flag_overrides_the_setting(home, capsys) -> None:
    assert main(["export-bi", "--include-pay", "--out", str(home / "x")], read_dotenv=False) == 0
    manifest = json.loads((home / "x" / "bi" / "manifest.json").read_text())
    assert manifest["tables"]["fct_payouts"]["rows"] == 1


def test_export_bi_without_a_publication_fails_clearly(tmp_path, monkeypatch, capsys) -> None:
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    monkeypatch.setenv("KPIWH_HOME", str(tmp_path))
    monkeypatch.setenv("KPIWH_DUCKDB_PATH", str(path))
    monkeypatch.delenv("KPIWH_EXPORT_DIR", raising=False)
    assert main(["export-bi"], read_dotenv=False) == 1
    assert "export-bi: nothing published yet" in capsys.readouterr().err


def test_export_bi_loads_postgres_when_configured(home, postgres_dsn, monkeypatch) -> None:
    monkeypatch.setenv("KPIWH_POSTGRES_DSN", postgres_dsn)
    assert main(["export-bi"], read_dotenv=False) == 0
    with psycopg.connect(postgres_dsn) as pg:
        assert pg.execute("select publication_id from published._publication").fetchall() == [(1,)]
        assert pg.execute("select count(*) from published.fct_kpi_values").fetchone() == (4,)


def test_the_asset_writes_the_exports_after_publication(home, published_warehouse) -> None:
    from orchestration.assets.exports import BI_EXPORTS_KEY, BiExportsResource, exports_bi
    from orchestration.resources import WarehouseResource

    assert exports_bi.asset_deps[BI_EXPORTS_KEY] == {dg.AssetKey(["published", "marts"])}
    result = dg.materialize(
        [exports_bi],
        resources={
            "warehouse": WarehouseResource(duckdb_path=str(published_warehouse)),
            "bi_exports": BiExportsResource(export_dir=str(home / "exports")),
        },
    )
    assert result.success
    metadata = result.asset_materializations_for_node("exports__bi")[0].metadata
    assert metadata["publication_id"].value == 1
    assert metadata["rows"].value == 7
    assert metadata["postgres"].value == "not configured"
    assert (home / "exports" / "bi" / "sales_kpis.duckdb").exists()


def test_docs_generates_the_static_site_without_touching_a_missing_warehouse(
    tmp_path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("KPIWH_HOME", str(tmp_path))
    monkeypatch.delenv("KPIWH_DUCKDB_PATH", raising=False)
    monkeypatch.delenv("KPIWH_DOCS_DIR", raising=False)
    assert main(["docs"], read_dotenv=False) == 1
    assert "--empty-catalog" in capsys.readouterr().err
    assert main(["docs", "--empty-catalog"], read_dotenv=False) == 0
    site = tmp_path / "dbt_docs"
    # the column documentation of the marts travels with the site
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    payouts = manifest["nodes"]["model.sales_kpi_warehouse.fct_payouts"]
    assert payouts["columns"]["performance_pay_base_amount"]["description"].startswith(
        "绩效工资基数"
    )
    # the static page embeds manifest and catalog: one file to open or mail, no server needed
    assert (site / "static_index.html").stat().st_size > (site / "index.html").stat().st_size
    assert not (tmp_path / "warehouse.duckdb").exists()
