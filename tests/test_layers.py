"""Layer rules of ARCHITECTURE: streamlit only in the UI, metrics pure, no import cycles."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI_PREFIXES = ("app.py", "pages/", "views/", "analytics/ui/")


def _python_files() -> list[Path]:
    """Every project module: analytics/, pages/ (or views/) and app.py."""
    files = [ROOT / "app.py"] if (ROOT / "app.py").exists() else []
    for folder in ("analytics", "pages", "views"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


def _module_name(path: Path) -> str:
    """Dotted module name of a file under the project root."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path, *, top_level_only: bool) -> set[str]:
    """Modules a file imports (all of them, or only those run at import time)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in _flatten(nodes) if top_level_only else nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {f"{node.module}:{alias.name}" for alias in node.names}
    return found


def _targets(imported: set[str], modules: set[str]) -> set[str]:
    """The project modules behind import names (`pkg:sub` is the submodule when one exists)."""
    found: set[str] = set()
    for name in imported:
        module, _, attribute = name.partition(":")
        submodule = f"{module}.{attribute}"
        found.add(submodule if submodule in modules else module)
    return found & modules


def _flatten(nodes: list[ast.stmt]) -> list[ast.stmt]:
    """Top-level statements, looking inside if/try blocks (not into functions or classes)."""
    out: list[ast.stmt] = []
    for node in nodes:
        out.append(node)
        if isinstance(node, ast.If | ast.Try):
            inner = [*node.body, *node.orelse, *getattr(node, "finalbody", [])]
            inner += [s for h in getattr(node, "handlers", []) for s in h.body]
            out += _flatten(inner)
    return out


def _root(imported: str) -> str:
    """The top-level package of an import name (`pkg.sub:name` -> `pkg`)."""
    return imported.split(":")[0].split(".")[0]


def _relative(path: Path) -> str:
    """Path relative to the project root, with forward slashes."""
    return path.relative_to(ROOT).as_posix()


def _graph(*, top_level_only: bool) -> dict[str, set[str]]:
    """analytics module -> analytics modules it imports."""
    modules = {_module_name(p): p for p in _python_files() if _relative(p).startswith("analytics")}
    return {
        name: _targets(_imports(path, top_level_only=top_level_only), set(modules)) - {name}
        for name, path in modules.items()
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of the graph, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_streamlit_is_imported_only_by_the_ui() -> None:
    offenders = [
        _relative(p)
        for p in _python_files()
        if not _relative(p).startswith(UI_PREFIXES)
        and any(_root(m) == "streamlit" for m in _imports(p, top_level_only=False))
    ]
    assert offenders == []


def test_metrics_import_neither_ingest_nor_ui() -> None:
    offenders = {
        f"{module} -> {target}"
        for module, targets in _graph(top_level_only=False).items()
        if module.startswith("analytics.metrics")
        for target in targets
        if target.startswith(("analytics.ingest", "analytics.ui"))
    }
    assert offenders == set()


def test_no_import_cycles_among_analytics_modules() -> None:
    assert _cycle(_graph(top_level_only=False)) is None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


# Files allowed function-local imports without a comment (none left).
DEFERRED_IMPORTS_PENDING: set[str] = set()


def _uncommented_deferred_imports(path: Path) -> list[str]:
    """Function-local imports with no comment saying why (on the line or above it in the body)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for function in ast.walk(ast.parse("\n".join(lines))):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom):
                above = lines[function.lineno - 1 : node.lineno]
                if not any("#" in line for line in above):
                    found.append(f"{_relative(path)}:{node.lineno}")
    return found


def test_deferred_imports_say_why() -> None:
    offenders = [
        where
        for path in _python_files()
        if _relative(path).startswith("analytics/")
        and not _relative(path).startswith(UI_PREFIXES)
        and _relative(path) not in DEFERRED_IMPORTS_PENDING
        for where in _uncommented_deferred_imports(path)
    ]
    assert offenders == []
