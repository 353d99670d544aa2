"""Dependencies point one way (ARCHITECTURE.md): grading and attendance may
import conventions and students; conventions may import students; students
imports nothing of ours but contratpro."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "students": {"conventions", "grading", "attendance"},
    "conventions": {"grading", "attendance"},
    "contratpro": {"grading", "attendance"},
}


def imported_roots(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_imports_point_one_way(room):
    """No module of a lower room imports a higher room."""
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / room).rglob("*.py")
        if "migrations" not in path.parts
        # The demo builds every room's data on purpose; it runs only as a command.
        and not path.name.startswith(("demo", "_demo"))
        for name in imported_roots(path)
        if name in FORBIDDEN[room]
    ]
    assert offenders == []
