"""One small stylesheet: the Bootstrap rules our pages can use, then our own site.css.

Bootstrap's compiled CSS (static/vendor/) is 232 KB, of which our pages use a few per cent;
linked whole it was the largest thing on every first visit and render-blocking. A selector is
kept when every class and data- attribute it names appears somewhere in our templates, Python
or JavaScript, or in crispy-bootstrap5's templates (the staff forms use them): a word list
that can only keep too much, never too little. Custom properties nobody reads, @keyframes no
rule animates and the dark theme are dropped. ``manage.py build_css`` writes the result to
static/css/app.css; tests/test_css.py fails when it is out of date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOOTSTRAP = ROOT / "static" / "vendor" / "bootstrap-5.3.9" / "bootstrap.min.css"
SITE = ROOT / "static" / "css" / "site.css"
OUTPUT = ROOT / "static" / "css" / "app.css"
WORD = re.compile(r"[A-Za-z_][\w-]*")
CLASS = re.compile(r"\.((?:[\w-]|\\.)+)")
DATA_ATTRIBUTE = re.compile(r"\[(data-[\w-]+)")
VAR_USE = re.compile(r"var\((--[\w-]+)")
COMMENT = re.compile(r"/\*(?!!).*?\*/", re.S)
# crispy's layout objects that only a FormHelper layout renders; `|crispy` (our staff forms)
# never does, so their classes (accordions, modals, tabs...) need not be shipped.
UNUSED_LAYOUT = re.compile(r"accordion|modal|tab|floating|switch|alert|prepended|appended")


def used_words(extra_dirs: Iterable[Path] = ()) -> set[str]:
    files = [
        *ROOT.glob("templates/**/*.html"),
        *ROOT.glob("triage/**/*.py"),
        *ROOT.glob("static/js/*.js"),
    ]
    for folder in extra_dirs:
        files += [p for p in folder.glob("**/*.html") if not UNUSED_LAYOUT.search(p.name)]
    words: set[str] = set()
    for path in files:
        words |= set(WORD.findall(path.read_text(encoding="utf-8")))
    return words


def crispy_templates() -> list[Path]:
    try:
        import crispy_bootstrap5
    except ImportError:  # pragma: no cover - a dependency; keep the build working without it
        return []
    return [Path(crispy_bootstrap5.__file__).parent / "templates"]


# --- a small parser for minified CSS: blocks and declarations --------------------------------


def _split_top(text: str, separator: str) -> list[str]:
    """Split at `separator` outside quotes, parentheses and brackets."""
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _unquoted(css: str, start: int):
    """(index, character) from `start` on, skipping quoted strings."""
    quote = ""
    for i in range(start, len(css)):
        ch = css[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        else:
            yield i, ch


def _block_end(css: str, start: int) -> int:
    """The index of the "}" that closes the "{" at `start`."""
    depth = 0
    for i, ch in _unquoted(css, start):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0:
            return i
    return len(css)


def _blocks(css: str) -> list[tuple[str, str]]:
    """Top-level (prelude, body) pairs; a statement without a block (@charset) has body ";"."""
    out, i, n = [], 0, len(css)
    while i < n:
        j = next((k for k, ch in _unquoted(css, i) if ch in "{;"), n)
        if j >= n:
            break
        prelude = css[i:j].strip()
        if css[j] == ";":
            out.append((prelude, ";"))
            i = j + 1
            continue
        k = _block_end(css, j)
        out.append((prelude, css[j + 1 : k]))
        i = k + 1
    return out


def _keep_selector(selector: str, words: set[str]) -> bool:
    if "data-bs-theme=dark" in selector:
        return False
    classes = [c.replace("\\", "") for c in CLASS.findall(selector)]
    attributes = DATA_ATTRIBUTE.findall(selector)
    return all(c in words for c in classes) and all(a in words for a in attributes)


def _purge(css: str, words: set[str]) -> list[tuple[str, str]]:
    kept: list[tuple[str, str]] = []
    for prelude, body in _blocks(css):
        if body == ";":
            continue  # @charset: the output is UTF-8 and says so in its own first line
        if prelude.startswith(("@media", "@supports", "@container", "@layer")):
            inner = _purge(body, words)
            if inner:
                kept.append((prelude, _join(inner)))
        elif prelude.startswith("@"):
            kept.append((prelude, body))  # @keyframes, @font-face: pruned below
        else:
            selectors = [s for s in _split_top(prelude, ",") if _keep_selector(s.strip(), words)]
            if selectors:
                kept.append((",".join(s.strip() for s in selectors), body))
    return kept


def _join(blocks: list[tuple[str, str]]) -> str:
    return "".join(f"{prelude}{{{body}}}" for prelude, body in blocks)


def _prune_unread(blocks: list[tuple[str, str]], extra: str) -> list[tuple[str, str]]:
    """Drop custom properties nothing reads and keyframes nothing runs, until nothing changes."""
    while True:
        text = _join(blocks) + extra
        read = set(VAR_USE.findall(text))
        animated = set(re.findall(r"animation(?:-name)?:[^;}]*", text))
        changed = False
        out = []
        for prelude, body in blocks:
            if prelude.startswith("@keyframes"):
                name = prelude.split()[1]
                if not any(name in a for a in animated):
                    changed = True
                    continue
                out.append((prelude, body))
                continue
            if prelude.startswith("@"):
                inner = _prune_unread(_blocks(body), extra + text)
                if not inner:
                    changed = True
                    continue
                joined = _join(inner)
                changed |= joined != body
                out.append((prelude, joined))
                continue
            declarations = _split_top(body, ";")
            kept = [
                d
                for d in declarations
                if d.strip()
                and not (d.strip().startswith("--") and d.split(":")[0].strip() not in read)
            ]
            if len(kept) != len([d for d in declarations if d.strip()]):
                changed = True
            if kept:
                out.append((prelude, ";".join(kept)))
            else:
                changed = True
        blocks = out
        if not changed:
            return blocks


def minify(css: str) -> str:
    """Our own stylesheet without comments and runs of white space (it has no strings that
    contain either)."""
    css = COMMENT.sub("", css)
    css = re.sub(r"\s+", " ", css)
    css = re.sub(r"\s*([{};,>])\s*", r"\1", css)
    css = re.sub(r"\s*:\s*(?=[^{}]*[;}])", ":", css)
    return css.replace(";}", "}").strip()


def build(words: set[str] | None = None) -> str:
    words = used_words(crispy_templates()) if words is None else words
    bootstrap = BOOTSTRAP.read_text(encoding="utf-8")
    licence = re.search(r"/\*!.*?\*/", bootstrap, re.S)
    site = minify(SITE.read_text(encoding="utf-8"))
    blocks = _prune_unread(
        _purge(COMMENT.sub("", bootstrap.replace(licence.group(0), "")), words), site
    )
    header = (
        "/* Built by `manage.py build_css` from static/vendor/bootstrap-5.3.9 (only the rules "
        "our pages can use) and static/css/site.css. Edit those, then rebuild. */\n"
    )
    return f'@charset "UTF-8";\n{header}{licence.group(0)}\n{_join(blocks)}\n{site}\n'
