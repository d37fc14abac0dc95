"""triage/engine is pure Python: no Django, and no module of it imports another in a circle."""

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import triage.engine

ENGINE = Path(triage.engine.__file__).parent
MODULES = sorted(m.name for m in pkgutil.iter_modules([str(ENGINE)]))


def engine_imports(name: str) -> set[str]:
    """The engine modules that `name` imports, read from its source (lazy imports too)."""
    tree = ast.parse((ENGINE / f"{name}.py").read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "triage.engine":
                found.update(alias.name for alias in node.names)
            elif node.module.startswith("triage.engine."):
                found.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("triage.engine."):
                    found.add(alias.name.split(".")[2])
    return found & set(MODULES)


def test_the_engine_package_is_the_pure_modules():
    pure = {"questions", "rules", "principles", "safety", "advice", "codes", "journey"}
    assert pure <= set(MODULES)


def test_no_engine_module_imports_django():
    imports = "; ".join(f"import triage.engine.{name}" for name in MODULES)
    code = (
        f"import sys; {imports}; "
        "bad = sorted({m.split('.')[0] for m in sys.modules} & {'django', 'formtools'}); "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_engine_has_no_import_circle():
    graph = {name: engine_imports(name) for name in MODULES}
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, f"import circle: {' -> '.join((*path, name))}"
        if name in done:
            return
        for dependency in graph[name]:
            visit(dependency, (*path, name))
        done.add(name)

    for name in MODULES:
        visit(name, ())
