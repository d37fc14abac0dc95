"""The layout a newcomer relies on: packages by role, no import circle anywhere in triage/,
an engine free of Django, and no package reaching into another's private names."""

import ast
import subprocess
import sys
from pathlib import Path

import triage

ROOT = Path(triage.__file__).parent
# The only modules Django expects at the top of an app; everything else lives in a package.
TOP_LEVEL = {"__init__", "settings", "urls", "wsgi", "apps", "models", "checks"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in ROOT.rglob("*.py") if "migrations" not in path.parts}


def imports_of(name: str) -> set[str]:
    """The triage modules that `name` imports, read from its source (lazy imports too);
    `from triage.pkg import mod` counts as importing the module `mod`."""
    tree = ast.parse(MODULES[name].read_text())
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    [*package.split(".")[: len(package.split(".")) - node.level + 1], base]
                ).strip(".")
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def circle(graph: dict[str, set[str]]) -> list[str] | None:
    """The first import circle found, as a path, or None."""
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> list[str] | None:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return None
        for dependency in sorted(graph.get(name, ())):
            found = visit(dependency, (*path, name))
            if found:
                return found
        done.add(name)
        return None

    for name in sorted(graph):
        found = visit(name, ())
        if found:
            return found
    return None


def test_the_circle_finder_reports_a_circle_it_is_given():
    assert circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert circle({"a": {"b"}, "b": set()}) is None


def test_no_module_in_triage_imports_another_in_a_circle():
    found = circle(GRAPH)
    assert found is None, "import circle: " + " -> ".join(found)


def test_the_top_of_triage_holds_only_what_django_expects_and_packages():
    loose = {p.stem for p in ROOT.glob("*.py")} - TOP_LEVEL
    assert not loose, f"modules outside a package: {sorted(loose)}"


def test_no_package_imports_another_packages_private_names():
    reaching = []
    for name, path in MODULES.items():
        own = name.split(".")[1] if name.count(".") else ""
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("triage."):
                other = node.module.split(".")[1]
                private = [a.name for a in node.names if a.name.startswith("_")]
                if other != own and private:
                    reaching.append(f"{name} imports {private} from {node.module}")
    assert not reaching, reaching


def test_engine_modules_import_only_the_standard_library_and_each_other():
    outside = []
    for name, path in MODULES.items():
        if not name.startswith("triage.engine"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            modules = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for module in modules:
                top = module.split(".")[0]
                if (module.startswith("triage.") and not module.startswith("triage.engine")) or (
                    top != "triage" and top not in sys.stdlib_module_names
                ):
                    outside.append(f"{name}: {module}")
    assert not outside, outside


def test_importing_every_engine_module_loads_no_django():
    engine = sorted(n for n in MODULES if n.startswith("triage.engine."))
    code = (
        f"import sys; {'; '.join(f'import {n}' for n in engine)}; "
        "bad = sorted({m.split('.')[0] for m in sys.modules} & {'django', 'formtools'}); "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def package_of(name: str) -> str:
    return name.split(".")[1] if name.count(".") else "triage"


def test_no_package_depends_on_another_in_a_circle():
    """Rooms by role stay layered: engine, models, platform, authoring, summary, then the
    journey, clinic, fhir and admin on top; urls, settings and apps may reach any of them."""
    edges: dict[str, set[str]] = {}
    for name, imported in GRAPH.items():
        for other in imported:
            if package_of(name) != package_of(other):
                edges.setdefault(package_of(name), set()).add(package_of(other))
    found = circle(edges)
    assert found is None, "packages in a circle: " + " -> ".join(found)
