"""The Dagster instance `kpiwh run` and `kpiwh ui` use: `$DAGSTER_HOME/dagster.yaml`.

When DAGSTER_HOME has no `dagster.yaml`, one is written that keeps Dagster's default SQLite
storage (same files, same layout) but stores events through
`orchestration.event_log.PooledSqliteEventLogStorage`, which keeps its database connections open
(a run with nothing new: 18 s -> 9 s). A `dagster.yaml` already there — PostgreSQL storage, say —
is never touched.
"""

from __future__ import annotations

from pathlib import Path

INSTANCE_FILE = "dagster.yaml"

INSTANCE_YAML = """\
# Written by kpiwh (orchestration/instance.py) because this DAGSTER_HOME had no dagster.yaml.
# Dagster's default SQLite storage, with an event log that keeps its connections open. Edit
# freely or replace (e.g. PostgreSQL storage): kpiwh never rewrites an existing file.
# The event databases stay where Dagster keeps them by default: $DAGSTER_HOME/history/runs.
event_log_storage:
  module: orchestration.event_log
  class: PooledSqliteEventLogStorage
"""


def ensure_instance_config(dagster_home: Path) -> Path:
    """Create `dagster_home` and write its `dagster.yaml` if it has none; return the file."""
    dagster_home.mkdir(parents=True, exist_ok=True)
    path = dagster_home / INSTANCE_FILE
    if not path.exists():
        path.write_text(INSTANCE_YAML, encoding="utf-8")
    return path
