"""``mamsets --help`` and ``mamsets sets list`` import only what they use (issue 15: <= 0.5 s)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mamsets import cli

SRC = str(Path(cli.__file__).resolve().parents[2])


def test_static_help_equals_each_module_help():
    parser = cli.build_parser()  # every feature module registered
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {c.dest: c.help for c in sub._choices_actions}
    assert helps == cli._HELP


@pytest.mark.parametrize("argv", [["--help"], ["sets", "list"], ["--version"]])
def test_light_commands_do_not_import_the_engines(argv):
    code = (
        "import sys, json\n"
        "from mamsets.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "mods = [m for m in ('pandas', 'numba', 'scipy', 'mamsets.engines') if m in sys.modules]\n"
        "print(json.dumps(mods), file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": SRC, "PATH": ""})
    assert json.loads(out.stderr.strip().splitlines()[-1]) == []


def test_lazy_parser_still_parses_the_named_command():
    args = cli.build_parser(["sets", "list"]).parse_args(["sets", "list"])
    assert args.command == "sets" and callable(args.func)
