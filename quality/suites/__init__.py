"""The registry of checks, one module per layer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from quality.core import LAYERS, Check, Layer
from quality.suites import definitions, ingestion, marts, raw

CHECKS: tuple[Check, ...] = ingestion.CHECKS + raw.CHECKS + definitions.CHECKS + marts.CHECKS
CHECKS_BY_NAME: dict[str, Check] = {c.name: c for c in CHECKS}

if len(CHECKS_BY_NAME) != len(CHECKS):  # pragma: no cover - a programming error
    raise RuntimeError("quality check names must be unique")


def select_checks(
    *,
    layers: Iterable[Layer] | None = None,
    names: Iterable[str] | None = None,
    checks: Sequence[Check] | None = None,
) -> list[Check]:
    """The checks of the given layers and names, in registry order. Unknown names raise."""
    pool = list(checks) if checks is not None else list(CHECKS)
    wanted_layers = set(layers) if layers is not None else set(LAYERS)
    unknown_layers = wanted_layers - set(LAYERS)
    if unknown_layers:
        raise ValueError(f"unknown quality layers: {sorted(unknown_layers)}")
    selected = [c for c in pool if c.layer in wanted_layers]
    if names is not None:
        wanted = set(names)
        unknown = wanted - {c.name for c in pool}
        if unknown:
            raise ValueError(f"unknown quality checks: {sorted(unknown)}")
        selected = [c for c in selected if c.name in wanted]
    return selected
