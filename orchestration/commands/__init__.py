"""`kpiwh` subcommands, one module per concern (exports, payroll, audit, quality).

Every module here defines `add_commands(commands)`, which adds its subparsers to the `kpiwh`
parser; each handler has the signature `handler(args, settings) -> int`. `cli.py` discovers the
modules, so a concern adds commands without editing the shared parser.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil


def add_all(commands: argparse._SubParsersAction) -> None:
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        module.add_commands(commands)
