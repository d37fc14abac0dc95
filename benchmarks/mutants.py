"""Mutation testing: break the code on purpose, one small change at a time, and see whether a
test fails. A change that no test notices (a "survivor") is a behaviour nothing checks.

Each mutant is one small edit made by reading the module's syntax tree:

* a comparison flipped (``==``/``!=``, ``<``/``<=``, ``>``/``>=``, ``in``/``not in``, ``is``/``is not``);
* ``and`` swapped for ``or`` (and back), a ``not`` dropped, an ``if`` or ``while`` condition negated;
* a number changed by one, ``True`` swapped for ``False``;
* ``+`` swapped for ``-`` (and back), ``//`` for ``/``;
* a call made for its effect (``out.append(x)``, ``record_lookup(...)``) dropped;
* ``break`` swapped for ``continue`` (and back).

Strings (questions, labels, messages) are not mutated: the content tests read them. A line
ending in ``# no mutate`` is skipped.

Every mutant runs in a copy of the project (``triage/`` and ``tests/`` copied, the rest linked),
so the work tree is never changed, even when the run is interrupted. For each file only the test
files that exercise it run (``TESTS`` below), fastest first, stopping at the first failure.

Run:
    .venv/bin/python benchmarks/mutants.py                       # every target, 2 at a time
    .venv/bin/python benchmarks/mutants.py triage/engine/journey.py --jobs 1
    .venv/bin/python benchmarks/mutants.py --list                 # the mutants, without running
    .venv/bin/python benchmarks/mutants.py --sample 40 --seed 1   # a quick random sample
    .venv/bin/python benchmarks/mutants.py --match "journey.py:(78|79):"  # some lines only

It prints each survivor (file, line, the change) and the score: killed / total.
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ENGINE_PURE = ["tests/test_questions.py", "tests/test_rules.py", "tests/test_journey_logic.py"]
# The test files that exercise each target, fastest first (each mutant stops at the first
# failure, so a mutant that a quick test kills costs little).
TESTS: dict[str, list[str]] = {
    "triage/engine/questions.py": [
        *ENGINE_PURE,
        "tests/test_principles.py",
        "tests/test_fhir.py",
        "tests/test_not_sure.py",
        "tests/test_journey.py",
        "tests/test_summaries.py",
        "tests/test_cards_api.py",
        "tests/test_admin_authoring.py::"
        "test_a_condition_offers_questions_and_derived_terms_by_the_names_editors_read",
    ],
    "triage/engine/rules.py": [
        "tests/test_rules.py",
        "tests/test_principles.py",
        "tests/test_content.py",
        "tests/test_authoring.py",
        "tests/test_journey.py",
        "tests/test_languages.py",
    ],
    "triage/engine/principles.py": [
        "tests/test_principles.py",
        "tests/test_authoring.py",
        "tests/test_commands.py",
        "tests/test_translations.py",
    ],
    "triage/engine/journey.py": [
        "tests/test_journey_logic.py",
        "tests/test_journey.py",
        "tests/test_finished_journey.py",
        "tests/test_not_sure.py",
    ],
    "triage/engine/fhir.py": ["tests/test_fhir.py", "tests/test_cards_api.py"],
    "triage/engine/advice.py": [
        "tests/test_authoring.py",
        "tests/test_content.py",
        "tests/test_comparison.py",
        "tests/test_translations.py",
    ],
    "triage/engine/codes.py": ["tests/test_staff.py"],
    "triage/engine/safety.py": ["tests/test_rules.py", "tests/test_content.py"],
    "triage/platform/throttle.py": [
        "tests/test_staff.py",
        "tests/test_summaries.py",
        "tests/test_cards_api.py",
        "tests/test_deploy.py",
        "tests/test_privacy.py",
    ],
    "triage/summary/access.py": [
        "tests/test_summaries.py",
        "tests/test_staff.py",
        "tests/test_fhir.py",
        "tests/test_journey.py",
        "tests/test_finished_journey.py",
    ],
}
DEFAULT_TARGETS = list(TESTS)
COPIED = ("triage", "tests", "manage.py", "pyproject.toml")
LINKED = ("fixtures", "templates", "static", "node_modules", "locale", "gunicorn.conf.py")

# Mutants that change nothing anyone could see, with why: (module, the original line as written,
# the change) -> reason. They are left out of the score (--all puts them back).
EQUIVALENT: dict[tuple[str, str, str], str] = {
    (
        "triage/engine/questions.py",
        "super().__init__(message)",
        "call dropped",
    ): "BaseException.__new__ already keeps the message in args",
    (
        "triage/engine/journey.py",
        "step: str, answers: Mapping[str, object], *, started: bool, finished: bool = False",
        "False -> True",
    ): "every caller passes finished=",
    (
        "triage/engine/journey.py",
        "answers: Mapping[str, object], *, started: bool, finished: bool = False",
        "False -> True",
    ): "every caller passes finished=",
    (
        "triage/engine/codes.py",
        "_TIMES_A = [_gf_mul(_A, x) for x in range(32)]",
        "32 -> 33",
    ): "a 33rd entry is never read: values are below 32",
    (
        "triage/engine/codes.py",
        "if a & 0b100000:",
        "32 -> 33",
    ): "a was just shifted left, so its lowest bit is 0 and & 33 is & 32",
    (
        "triage/engine/principles.py",
        "answers[q.key] = [v for v in others if rng.random() < pick] or [rng.choice(q.exclusive)]",
        "< -> <=",
    ): "random() equals pick with probability zero",
}

COMPARE_SWAP = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
BINOP_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.FloorDiv: ast.Div}


@dataclass(frozen=True)
class Mutant:
    path: str
    line: int
    what: str
    source: str  # the whole mutated module

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _segments(tree: ast.AST) -> set[int]:
    """Ids of nodes not to mutate: inside f-strings and annotations (their positions are not
    safe to edit) and decorators."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        inner: list[ast.AST] = []
        if isinstance(node, ast.JoinedStr):
            inner = [node]
        elif isinstance(node, ast.AnnAssign | ast.arg) and node.annotation is not None:
            inner = [node.annotation]
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns:
            inner = [node.returns]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            inner += node.decorator_list  # @dataclass(frozen=True): no behaviour to test
        for top in inner:
            skip.update(id(n) for n in ast.walk(top))
    return skip


def _replace(source: str, node: ast.AST, text: str) -> str:
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line.encode()))
    raw = source.encode()
    begin = starts[node.lineno - 1] + node.col_offset
    end = starts[node.end_lineno - 1] + node.end_col_offset
    return (raw[:begin] + text.encode() + raw[end:]).decode()


def _variants(node: ast.AST) -> list[tuple[ast.AST, str, str]]:
    """(replacement node or None, replacement text or "", description) for one node."""
    out: list[tuple[ast.AST, str, str]] = []
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            swap = COMPARE_SWAP.get(type(op))
            if swap:
                ops = list(node.ops)
                ops[i] = swap()
                new = ast.Compare(left=node.left, ops=ops, comparators=node.comparators)
                out.append((new, "", f"{_op(op)} -> {_op(ops[i])}"))
    elif isinstance(node, ast.BoolOp):
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        word = "and -> or" if isinstance(node.op, ast.And) else "or -> and"
        out.append((ast.BoolOp(op=other, values=node.values), "", word))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        out.append((node.operand, "", "not dropped"))
    elif isinstance(node, ast.BinOp) and type(node.op) in BINOP_SWAP:
        new = ast.BinOp(left=node.left, op=BINOP_SWAP[type(node.op)](), right=node.right)
        out.append((new, "", f"{_op(node.op)} -> {_op(new.op)}"))
    elif isinstance(node, ast.Constant) and type(node.value) is bool:
        out.append((ast.Constant(not node.value), "", f"{node.value} -> {not node.value}"))
    elif isinstance(node, ast.Constant) and type(node.value) is int:
        out.append((ast.Constant(node.value + 1), "", f"{node.value} -> {node.value + 1}"))
    elif isinstance(node, ast.If | ast.While) and not isinstance(
        node.test, ast.Compare | ast.BoolOp | ast.UnaryOp | ast.Constant
    ):
        out.append((None, "", "condition negated"))
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        out.append((None, "pass", "call dropped"))
    elif isinstance(node, ast.Break):
        out.append((None, "continue", "break -> continue"))
    elif isinstance(node, ast.Continue):
        out.append((None, "break", "continue -> break"))
    return out


def _op(op: ast.AST) -> str:
    return {
        ast.Eq: "==",
        ast.NotEq: "!=",
        ast.Lt: "<",
        ast.LtE: "<=",
        ast.Gt: ">",
        ast.GtE: ">=",
        ast.In: "in",
        ast.NotIn: "not in",
        ast.Is: "is",
        ast.IsNot: "is not",
        ast.Add: "+",
        ast.Sub: "-",
        ast.FloorDiv: "//",
        ast.Div: "/",
    }[type(op)]


# Each target's source as it was when its mutants were made: what a copy is put back to.
ORIGINALS: dict[str, str] = {}


def mutants_of(path: str, everything: bool = False) -> list[Mutant]:
    source = ORIGINALS.setdefault(path, (ROOT / path).read_text())
    tree = ast.parse(source)
    original = ast.dump(tree)
    skip = _segments(tree)
    lines = source.splitlines()
    docstrings = {
        id(body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and (body := node.body)
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
    }
    found: list[Mutant] = []
    for node in ast.walk(tree):
        if id(node) in skip or id(node) in docstrings or not hasattr(node, "lineno"):
            continue
        if lines[node.lineno - 1].rstrip().endswith("# no mutate"):
            continue
        if isinstance(node, ast.ImportFrom | ast.Import):
            continue
        for new, text, what in _variants(node):
            if isinstance(node, ast.If | ast.While):
                mutated = _replace(source, node.test, f"not ({ast.unparse(node.test)})")
            elif new is not None:
                mutated = _replace(source, node, f"({ast.unparse(new)})")
            else:
                mutated = _replace(source, node, text)
            try:
                if ast.dump(ast.parse(mutated)) == original:
                    continue
                compile(mutated, path, "exec")
            except SyntaxError:
                continue
            if (path, lines[node.lineno - 1].strip(), what) in EQUIVALENT and not everything:
                continue
            found.append(Mutant(path, node.lineno, what, mutated))
    found.sort(key=lambda m: (m.line, m.what))
    return found


def make_copy(tests_from: Path | None = None) -> Path:
    place = Path(tempfile.mkdtemp(prefix="mutants-"))
    for name in COPIED:
        source = tests_from if name == "tests" and tests_from else ROOT / name
        if source.is_dir():
            shutil.copytree(source, place / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, place / name)
    for name in LINKED:
        if (ROOT / name).exists():
            (place / name).symlink_to((ROOT / name).resolve())
    return place


def _has(place: Path, test: str) -> bool:
    path, _, name = test.partition("::")
    return (place / path).exists() and (not name or f"def {name}(" in (place / path).read_text())


# Imported once by this script, before any mutant: every mutant's pytest is a fork of this
# process, so it starts with these loaded and imports only the project (mutated) itself.
PRELOAD = (
    "django",
    "django.db.models",
    "django.test",
    "pytest",
    "pytest_django.plugin",
    "hypothesis",
    "factory",
    "markdown",
    "nh3",
    "textstat",
    "psycopg",
    "fhir.resources.R4B.questionnaire",
    "fhir.resources.R4B.questionnaireresponse",
)


def preload() -> None:
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: S112  # a module that cannot load early just loads later
            continue
    assert "triage" not in sys.modules, "the project must not be imported before a mutant"


def start_tests(place: Path, tests: list[str]) -> int:
    """Fork a child that runs the tests in `place` and exits with pytest's code; its pid."""
    pid = os.fork()
    if pid:
        return pid
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.chdir(place)
        sys.path.insert(0, str(place))
        os.environ.pop("DATABASE_URL", None)  # SQLite in memory: never a shared database
        os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
        sys.dont_write_bytecode = True
        import pytest

        code = pytest.main(["-x", "-q", "-p", "no:cacheprovider", "-m", "not browser", *tests])
        os._exit(int(code))
    except BaseException:  # whatever happens, the child must not return
        os._exit(3)


def run_all(mutants, places, limits, report) -> None:
    """Run every mutant, len(places) at a time, each in its own copy; report(mutant, outcome)."""
    pending = list(mutants)
    running: dict[int, tuple[Mutant, Path, float]] = {}
    free = list(places)
    try:
        _run(pending, running, free, limits, report)
    finally:  # interrupted: stop the children still running
        for pid in running:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _run(pending, running, free, limits, report) -> None:
    while pending or running:
        while pending and free:
            mutant, place = pending.pop(0), free.pop()
            (place / mutant.path).write_text(mutant.source)
            pid = start_tests(place, TESTS[mutant.path])
            running[pid] = (mutant, place, time.monotonic())
        time.sleep(0.05)
        for pid, (mutant, place, started) in list(running.items()):
            done, status = os.waitpid(pid, os.WNOHANG)
            if not done:
                if time.monotonic() - started > limits[mutant.path]:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    outcome = "timeout"
                else:
                    continue
            else:
                outcome = "survived" if os.waitstatus_to_exitcode(status) == 0 else "killed"
            (place / mutant.path).write_text(ORIGINALS[mutant.path])
            del running[pid]
            free.append(place)
            report(mutant, outcome, time.monotonic() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", default=DEFAULT_TARGETS)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--sample", type=int, default=0, help="run only this many, at random")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--all", action="store_true", help="include the known equivalent mutants")
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="skip running each module's tests unmutated first (then every mutant may take --timeout)",
    )
    parser.add_argument("--timeout", type=float, default=300, help="seconds per mutant at most")
    parser.add_argument(
        "--tests-from",
        type=Path,
        help="another tests/ folder (an older commit's, to compare scores); test files it lacks are left out",
    )
    parser.add_argument(
        "--match", default="", help="only mutants whose 'path:line: change' matches this regex"
    )
    args = parser.parse_args()

    unknown = [t for t in args.targets if t not in TESTS]
    if unknown:
        parser.error(f"no tests listed for {unknown}; add them to TESTS")
    mutants = [m for target in args.targets for m in mutants_of(target, args.all)]
    mutants = [m for m in mutants if re.search(args.match, str(m))]
    if args.sample:
        mutants = sorted(
            random.Random(args.seed).sample(mutants, min(args.sample, len(mutants))),
            key=lambda m: (m.path, m.line),
        )
    if args.list:
        for mutant in mutants:
            print(mutant)
        print(f"{len(mutants)} mutants")
        return 0

    # Stopped with kill or Ctrl-C: end the children and remove the copies (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    preload()
    places = [make_copy(args.tests_from) for _ in range(max(1, args.jobs))]
    for target, tests in TESTS.items():  # only the tests this copy has
        TESTS[target] = [t for t in tests if _has(places[0], t)]
    survivors: list[Mutant] = []
    counted = {"killed": 0, "done": 0}
    try:
        # How long the unmutated tests take, per target: a mutant may take three times that.
        limits: dict[str, float] = {}
        baseline: list[tuple[str, float]] = []
        targets = list(dict.fromkeys(m.path for m in mutants))
        clean = [Mutant(t, 0, "no change", ORIGINALS[t]) for t in targets]

        def timed(mutant: Mutant, outcome: str, seconds: float) -> None:
            baseline.append((outcome, seconds))
            if outcome != "survived":
                sys.exit(f"the tests for {mutant.path} fail without any mutant; fix them first")
            limits[mutant.path] = min(3 * seconds + 30, args.timeout)
            count = sum(m.path == mutant.path for m in mutants)
            print(f"{mutant.path}: its tests pass in {seconds:.0f} s; {count} mutants", flush=True)

        if args.no_baseline:
            limits.update(dict.fromkeys(targets, args.timeout))
        else:
            run_all(clean, places, dict.fromkeys(targets, args.timeout * 3), timed)

        def report(mutant: Mutant, outcome: str, seconds: float) -> None:
            counted["done"] += 1
            progress = f"[{counted['done']}/{len(mutants)}] {seconds:4.0f} s"
            if outcome == "survived":
                survivors.append(mutant)
                print(f"{progress} SURVIVED {mutant}", flush=True)
            else:
                counted["killed"] += 1
                print(f"{progress} {outcome} {mutant}", flush=True)

        run_all(mutants, places, limits, report)
    finally:
        for place in places:
            shutil.rmtree(place, ignore_errors=True)
    killed = counted["killed"]

    print()
    for mutant in survivors:
        line = mutant.source.splitlines()[mutant.line - 1].strip()
        print(f"survivor: {mutant}\n    {line}")
    total = len(mutants)
    print(f"\nmutation score: {killed} killed of {total} ({100 * killed / max(total, 1):.0f}%)")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
