"""The map of rooms holds (ARCHITECTURE.md, README's map of the code).

Every module of the project is read with ``ast`` — imports inside functions
included — and the graph of imports between our modules must:

- have no cycle, between apps or between the modules of one app;
- point one way between rooms: ``students`` → ``conventions`` →
  ``grading`` / ``attendance``, each room importing only rooms below it,
  and ``contratpro``'s base modules (settings, User, Celery, working days)
  importing no room at all;
- keep the access chokepoint where the README says it sits:
  ``contratpro/roles.py`` sits above the rooms' *models* and below their
  services and views. It imports, of our code, only ``<room>.models`` modules
  and the base; no models module imports it; and no permission predicate
  (``def can_…`` / ``def may_…``) is defined anywhere else.

Management commands are checked like any module: the demo is built by
builders each room registers, so it needs no exemption.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROOMS = ("contratpro", "students", "conventions", "grading", "attendance")
# What each room may import, besides itself and the contratpro base.
BELOW = {
    "students": set(),
    "conventions": {"students"},
    "grading": {"students", "conventions"},
    "attendance": {"students", "conventions"},
}
# contratpro's modules that sit above the rooms: the URL map and the pages
# that route people, the chokepoint, the navigation's context.
CONTRATPRO_ABOVE = {"contratpro.urls", "contratpro.views", "contratpro.roles", "contratpro.context_processors"}
CHOKEPOINT = "contratpro.roles"


def _module_name(path, root):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def project_modules(root=ROOT):
    """``{module name: path}`` for every module of the rooms but migrations."""
    found = {}
    for room in ROOMS:
        for path in (root / room).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            found[_module_name(path, root)] = path
    return found


def import_graph(modules):
    """``{module: set of our modules it imports}``, function-level imports included."""

    def resolve(name):
        while name:
            if name in modules:
                return name
            name = name.rpartition(".")[0]
        return None

    graph = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    prefix = ".".join(base)
                    module = f"{prefix}.{node.module}" if node.module else prefix
                else:
                    module = node.module or ""
                targets = [module] + [f"{module}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                resolved = resolve(target)
                if resolved and resolved != name:
                    graph[name].add(resolved)
    return graph


def find_cycles(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def wrong_arrows(graph):
    """Imports that point against the map of rooms, as readable lines."""
    offenders = []
    for source, targets in sorted(graph.items()):
        room = source.split(".")[0]
        for target in sorted(targets):
            target_room = target.split(".")[0]
            if target_room == room:
                continue
            if room == "contratpro":
                if source == CHOKEPOINT:
                    if not (target.endswith(".models") or ".models." in target):
                        offenders.append(f"{source} → {target} (the chokepoint reads only models)")
                elif source not in CONTRATPRO_ABOVE:
                    offenders.append(f"{source} → {target} (contratpro's base imports no room)")
                elif source != "contratpro.urls" and target_room != "contratpro":
                    offenders.append(f"{source} → {target}")
            elif target_room == "contratpro":
                continue
            elif target_room not in BELOW[room]:
                offenders.append(f"{source} → {target} ({room} may not import {target_room})")
    for source, targets in graph.items():
        if (source.endswith(".models") or ".models." in source) and CHOKEPOINT in targets:
            offenders.append(f"{source} → {CHOKEPOINT} (models sit below the chokepoint)")
    return offenders


def predicates_outside_chokepoint(modules):
    """Permission predicates (``can_…``, ``may_…``) defined outside roles.py."""
    found = []
    for name, path in modules.items():
        if name == CHOKEPOINT:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith(("can_", "may_")):
                found.append(f"{name}.{node.name}")
    return found


@pytest.fixture(scope="module")
def graph():
    return import_graph(project_modules())


def test_no_import_cycle_anywhere(graph):
    """No cycle between the project's modules, function-level imports included."""
    assert find_cycles(graph) == []


def test_imports_point_one_way_between_rooms(graph):
    """students → conventions → grading/attendance; contratpro's base below all."""
    assert wrong_arrows(graph) == []


def test_role_9_every_permission_predicate_lives_in_the_chokepoint():
    """ROLE-9: who may do what is decided in ``contratpro/roles.py`` only."""
    assert predicates_outside_chokepoint(project_modules()) == []


def test_the_cycle_check_fails_on_a_cycle_added_by_hand(tmp_path):
    """The checks above can fail: a function-level import that closes a loop
    between two modules, and a lower room importing a higher one, are caught."""
    for room in ROOMS:
        (tmp_path / room).mkdir()
        (tmp_path / room / "__init__.py").write_text("")
    (tmp_path / "students" / "models.py").write_text("def f():\n    from students import services\n")
    (tmp_path / "students" / "services.py").write_text("from .models import f\nimport conventions.views\n")
    (tmp_path / "conventions" / "views.py").write_text("")
    graph = import_graph(project_modules(tmp_path))
    assert find_cycles(graph) == [["students.models", "students.services"]]
    assert wrong_arrows(graph) == [
        "students.services → conventions.views (students may not import conventions)"
    ]
