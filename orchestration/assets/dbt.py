"""The dbt project as Dagster assets (staging, intermediate and marts models, with their tests)."""

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.settings import DBT_PROJECT_DIR

# The dbt installed beside this interpreter: `.venv/bin/kpiwh` works without an activated venv.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def _manifest_is_stale(project: DbtProject) -> bool:
    """No manifest yet (fresh clone), or a model, macro or YAML file changed after it was built."""
    if not project.manifest_path.exists():
        return True
    built = project.manifest_path.stat().st_mtime
    project_dir = Path(project.project_dir)
    sources = [project_dir / "dbt_project.yml"]
    for folder in ("models", "macros", "tests", "seeds", "snapshots"):
        sources.extend(p for p in (project_dir / folder).rglob("*") if p.is_file())
    return any(p.stat().st_mtime > built for p in sources if p.exists())


if _manifest_is_stale(dbt_project):
    DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE).cli(
        ["parse", "--quiet"], target_path=dbt_project.target_path
    ).wait()


class LayerTranslator(DagsterDbtTranslator):
    """Group dbt models by their layer folder (staging / intermediate / marts)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props.get("resource_type") == "model":
            fqn = dbt_resource_props.get("fqn", [])
            if len(fqn) > 1:
                return str(fqn[1])
        return super().get_group_name(dbt_resource_props)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=LayerTranslator(),
    name="dbt_models",
)
def dbt_models(context: AssetExecutionContext, dbt: DbtCliResource):
    """`dbt build`: every model and its tests, in dependency order."""
    yield from dbt.cli(["build"], context=context).stream()
