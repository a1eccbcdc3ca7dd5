"""The flow in docs/architecture.md, checked on the installed package: lower layers never
import upper ones, and no stage after the search reads the search's internals."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import lstm_tune

PACKAGE = Path(lstm_tune.__file__).resolve().parent

# (package, what it must not import): a module there may not import these, even lazily
UPPER = ("search", "records", "evaluate", "explain", "report", "api", "cli")
RULES = [
    ("stats", ("data", "tasks", "model", "predictor", "spec", *UPPER)),
    ("data", ("tasks", "model", "predictor", "spec", *UPPER)),
    ("tasks", ("model", "predictor", "spec", *UPPER)),
    ("model", ("predictor", "spec", *UPPER)),
    ("predictor", UPPER),
    ("records", ("search", "evaluate", "explain", "report", "api", "cli")),
    ("explain", ("search", "report", "api", "cli")),
    ("report", ("search", "api", "cli")),
    ("search", ("evaluate", "explain", "report", "api", "cli")),
]


def imports(path: Path) -> set[str]:
    """Every lstm_tune module a file imports, at its top or inside a function (not what it
    imports only for type hints)."""
    tree = ast.parse(path.read_text())
    hints = {id(n) for top in tree.body if isinstance(top, ast.If)
             and "TYPE_CHECKING" in ast.dump(top.test) for n in ast.walk(top)}
    found: set[str] = set()
    for node in (n for n in ast.walk(tree) if id(n) not in hints):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "lstm_tune":
                found.update(f"lstm_tune.{a.name}" for a in node.names)
            elif node.module.startswith("lstm_tune."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("lstm_tune."))
    return found


@pytest.mark.parametrize("layer, above", RULES, ids=[r[0] for r in RULES])
def test_a_layer_imports_nothing_above_it(layer, above):
    wrong = sorted(
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in (PACKAGE / layer).rglob("*.py") for name in imports(path)
        if name.split(".")[1].removesuffix(".py") in above)
    assert not wrong, "\n".join(wrong)


def module(path: Path) -> str:
    parts = ("lstm_tune",) + path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_module_imports_itself_through_others():
    """No import cycle, lazy imports included: each module's imports (a name imported from
    a package counts as that package's module) never lead back to it."""
    known = {module(p) for p in PACKAGE.rglob("*.py")}
    graph = {module(p): {m for m in imports(p) if m in known and m != "lstm_tune"}
             for p in PACKAGE.rglob("*.py")}

    def reaches(start: str) -> list[str] | None:
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    return path + [start]
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, path + [nxt]))
        return None

    cycles = [" -> ".join(c) for m in sorted(graph) if (c := reaches(m))]
    assert not cycles, cycles[0]


# what decides by *which* framing or task it is: comparing its name, checking a dataset's
# (or a combination's) kind, or testing a flag only one framing or task has. Asking the
# Task or Framing protocol for a behaviour or a capability (get_task(...).pooled) is not.
NAMES = {"windows", "sequences", "tokens", "texts", "forecast", "classify"}
KINDS = {"Texts", "Sequences", "Table", "Combination", "ClassCombination"}
FLAGS = {"classes", "words", "labelled", "texts", "classifies"}
MAX_BRANCHES = 7  # issue 37 asked for fewer than 8; lower it as branches move into tasks/


def identity_branches(path: Path) -> list[int]:
    """The lines of a file that branch on which framing or task it is."""
    tree = ast.parse(path.read_text())
    tested: list[ast.AST] = []  # expressions whose truth decides something
    for node in ast.walk(tree):
        if isinstance(node, (ast.If, ast.IfExp, ast.While)):
            tested.append(node.test)
        elif isinstance(node, ast.BoolOp):
            tested.extend(node.values)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            tested.append(node.operand)
    lines = {t.lineno for t in tested if isinstance(t, ast.Attribute) and t.attr in FLAGS}
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and isinstance(node.ops[0], (ast.Eq, ast.NotEq)) \
                and any(isinstance(c, ast.Constant) and c.value in NAMES
                        for c in (node.left, *node.comparators)):
            lines.add(node.lineno)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "isinstance" \
                and {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)} & KINDS:
            lines.add(node.lineno)
    return sorted(lines)


def test_framing_and_task_branches_live_in_tasks_and_data():
    """What differs by framing or task is asked of the Task and Framing protocols (or looked
    up in a table keyed by their names), not decided by branches spread over the stages."""
    found = [f"{path.relative_to(PACKAGE)}:{line}"
             for path in sorted(PACKAGE.rglob("*.py"))
             if path.relative_to(PACKAGE).parts[0] not in ("tasks", "data")
             for line in identity_branches(path)]
    assert len(found) <= MAX_BRANCHES, "\n".join(found)
