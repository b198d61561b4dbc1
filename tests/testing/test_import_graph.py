"""The package's import graph has no cycles (every module of tiktoklive_sync, read with ast).

An import inside ``if TYPE_CHECKING:`` is not an edge (it never runs); one inside a function is (it
runs when the function does). ``from . import x`` is an edge to the module ``x`` when it is one, and
to the package only for names the package itself defines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import tiktoklive_sync

PACKAGE = Path(tiktoklive_sync.__file__).parent
ROOT = PACKAGE.name


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py") if "proto" not in p.relative_to(PACKAGE).parts[:1]}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                found.append(child)
            visit(child)

    visit(tree)
    return found


def edges(name: str, path: Path, known: set[str]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names if alias.name in known)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        submodules = {f"{base}.{alias.name}" for alias in node.names} & known
        out.update(submodules)
        if base in known and len(submodules) < len(node.names):  # a name defined in ``base`` itself
            out.add(base)
    out.discard(name)
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: edges(name, path, known) for name, path in mods.items()}


def find_cycle(g: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(g.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = walk(nxt)
                if found:
                    return found
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(g):
        if node not in state:
            found = walk(node)
            if found:
                return found
    return None


#: edges allowed to close a cycle (none: _session imports _signer, which needs _session only for typing)
KNOWN_LAZY_EDGES: set[tuple[str, str]] = set()


def test_the_import_graph_of_the_whole_package_has_no_cycle() -> None:
    g = graph()
    assert len(g) > 50 and f"{ROOT}.testing._fake" in g  # the whole package was read
    for source, target in KNOWN_LAZY_EDGES:
        g[source].discard(target)
    assert find_cycle(g) is None, " -> ".join(find_cycle(g) or [])


def test_testing_has_no_cycle_at_all() -> None:
    prefix = f"{ROOT}.testing"
    inside = {name: targets for name, targets in graph().items() if name.startswith(prefix)}
    g = {name: {t for t in targets if t.startswith(prefix)} for name, targets in inside.items()}
    assert len(g) > 15
    assert find_cycle(g) is None, " -> ".join(find_cycle(g) or [])


def test_parent_packages_are_not_edges_of_their_children() -> None:
    # ``from ..x import y`` inside a subpackage points at tiktoklive_sync.x, never back at the package itself
    g = graph()
    assert f"{ROOT}.testing._state" in g[f"{ROOT}.testing._fake"]
    assert f"{ROOT}.testing" not in g[f"{ROOT}.testing._fake"]


def test_the_check_sees_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
