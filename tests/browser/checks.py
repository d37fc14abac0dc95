"""What every page state must pass in a real browser, and the tools that check it.

`Recorder.capture(name)` runs, on the page as it is now:
- axe-core (WCAG 2.0, 2.1 and 2.2, A and AA) at desktop and phone widths: zero violations;
- no console errors (which is also where Content-Security-Policy violations show up);
- no horizontal scrolling at 320 CSS px wide, nor at 200% zoom (a 1280 px window zoomed to
  200% lays out at 640 CSS px);
- radios, checkboxes and buttons at least 24x24 CSS px;
- every control reached by Tab, each with a visible focus indicator;
- screenshots at 375x812 and 1280x800 into artifacts/screenshots/ (not with SCREENSHOTS=0);
- the HTML as served and as the browser holds it after scripts ran, into artifacts/html/, for
  the Nu HTML Checker, which `assert_valid_html` runs once over everything captured.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# LHC-Forms, the SDC form filler test_lforms.py loads our FHIR Questionnaire into.
LFORMS = ROOT / "node_modules" / "lforms" / "dist" / "lforms"

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
NARROWEST = {"width": 320, "height": 640}
ZOOM_200 = {"width": 640, "height": 400}
MIN_TARGET = 24
# Every page state's HTML captured in this run, by file name, for assert_valid_html.
HTML_PAGES: dict[str, bytes] = {}

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    rules: {"target-size": {enabled: true}},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ") + " :: " + (n.failureSummary || "")),
  }));
}"""

# Everything a keyboard user should be able to reach with Tab, in a Map from element to the
# style it has when not focused. Radios count once per group: Tab enters a group once.
SNAPSHOT = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[tabindex]:not([tabindex="-1"])';
  const visible = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== "hidden" && !el.disabled;
  const groups = new Set();
  const expected = new Map();
  if (document.activeElement) document.activeElement.blur();
  for (const el of document.querySelectorAll(selector)) {
    if (!visible(el)) continue;
    if (el.type === "radio") {
      if (groups.has(el.name)) continue;
      groups.add(el.name);
    }
    const s = getComputedStyle(el);
    expected.set(el, {outline: s.outlineStyle + s.outlineWidth + s.outlineColor,
                      boxShadow: s.boxShadow, background: s.backgroundColor});
  }
  window.__unfocused = expected;
  // Start the Tab walk from the top of the document.
  const root = document.documentElement;
  root.setAttribute("tabindex", "-1");
  root.focus({preventScroll: true});
  root.removeAttribute("tabindex");
  return expected.size;
}"""

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const describe = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + (e.name ? "[name=" + e.name + "]" : "")
    + " '" + (e.innerText || e.value || e.getAttribute("aria-label") || "").trim().slice(0, 40) + "'";
  let before = window.__unfocused.get(el);
  if (!before && el.type === "radio") {
    for (const [other, style] of window.__unfocused) {
      if (other.type === "radio" && other.name === el.name) { before = style; break; }
    }
  }
  const s = getComputedStyle(el);
  const opaque = (c) => !/^rgba\\(.*, 0\\)$/.test(c) && c !== "transparent";
  const outline = s.outlineStyle === "auto"
    || (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2 && opaque(s.outlineColor));
  const shadow = s.boxShadow !== "none" && (!before || s.boxShadow !== before.boxShadow);
  const background = before && s.backgroundColor !== before.background && opaque(s.backgroundColor);
  if (!window.__seen) window.__seen = new Set();
  const repeat = window.__seen.has(el);
  window.__seen.add(el);
  return {name: describe(el), expected: Boolean(before), visible: outline || shadow || background,
          repeat: repeat, group: el.type === "radio" ? el.name : null};
}"""

MISSED = """() => [...window.__unfocused.keys()]
  .filter((el) => !window.__seen.has(el)
    && !(el.type === "radio" && [...window.__seen].some((s) => s.name === el.name)))
  .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " '"
       + (el.innerText || el.value || "").trim().slice(0, 40) + "'")"""

SMALL_TARGETS = """(minimum) => [...document.querySelectorAll(
    'input[type=radio], input[type=checkbox], button, input[type=submit], input[type=button], '
    + '.btn, [role=button]')]
  .filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden")
  .map((el) => ({el, box: el.getBoundingClientRect()}))
  .filter(({box}) => box.width < minimum || box.height < minimum)
  .map(({el, box}) => el.outerHTML.slice(0, 80) + " is " + Math.round(box.width) + "x"
       + Math.round(box.height))"""

OVERFLOW = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const wide = [...document.body.querySelectorAll("*")]
    .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
    .slice(0, 5).map((el) => el.outerHTML.slice(0, 80));
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, widest: wide};
}"""


def screenshots_wanted() -> bool:
    """Screenshots are for people to look at; they check nothing and take about a quarter of
    the browser run, so `.ci/run` turns them off with SCREENSHOTS=0."""
    return os.environ.get("SCREENSHOTS", "1") != "0"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


class Recorder:
    """Watch one page: remember what it loads and says, and check each state it shows."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.origin = _origin(base_url)
        self.foreign: list[str] = []
        self.console: list[str] = []
        self.document = None
        self.states: list[str] = []
        page.on("request", self._request)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))
        page.on("response", self._response)
        page.context.add_init_script(path=str(AXE))

    # --- listeners -----------------------------------------------------------------------------

    def _request(self, request):
        if _origin(request.url) != self.origin and not request.url.startswith(("data:", "about:")):
            self.foreign.append(request.url)

    def _console(self, message):
        if message.type != "error":
            return
        source = message.location.get("url", "")
        document = self.document.url if self.document else None
        if "status of 4" in message.text and (
            source == document or urlsplit(source).path == "/favicon.ico"
        ):
            # A problem page's own 4xx status is on purpose; Django's admin pages name no
            # icon, so the browser asks for /favicon.ico (ours name a data: icon).
            return
        self.console.append(f"console error: {message.text} ({message.location.get('url')})")

    def _response(self, response):
        request = response.request
        if request.resource_type == "document" and request.frame == self.page.main_frame:
            self.document = response

    # --- the checks ----------------------------------------------------------------------------

    def capture(self, name: str, *, print_media: bool = False) -> None:
        """Run every check on the page as it is now and save its screenshots and HTML."""
        page = self.page
        name = slug(name)
        assert name not in self.states, f"state {name} captured twice"
        self.states.append(name)
        page.wait_for_load_state("load")
        assert page.title().strip(), f"{name}: the page has no title"
        assert not self.foreign, f"{name}: requests to other sites: {self.foreign}"
        assert not self.console, f"{name}: {self.console}"
        if print_media:
            page.emulate_media(media="print")
        shots = ARTIFACTS / "screenshots"
        try:
            for viewport in (DESKTOP, PHONE):
                page.set_viewport_size(viewport)
                if screenshots_wanted():
                    page.screenshot(
                        path=str(shots / f"{name}-{viewport['width']}.png"), full_page=True
                    )
                self.assert_no_axe_violations(f"{name} at {viewport['width']} px")
            self.assert_big_targets(name)
            if not print_media:
                for viewport, what in ((NARROWEST, "320 px wide"), (ZOOM_200, "200% zoom")):
                    page.set_viewport_size(viewport)
                    overflow = page.evaluate(OVERFLOW)
                    assert overflow is None, f"{name}: scrolls sideways at {what}: {overflow}"
                page.set_viewport_size(DESKTOP)
                self.assert_focus_visible_everywhere(name)
                self.save_html(name)
        finally:
            page.set_viewport_size(DESKTOP)
            if print_media:
                page.emulate_media(media="screen")

    def assert_no_axe_violations(self, where: str) -> None:
        violations = self.page.evaluate(RUN_AXE, AXE_TAGS)
        assert violations == [], f"axe, {where}:\n" + json.dumps(violations, indent=1)

    def assert_big_targets(self, name: str) -> None:
        small = self.page.evaluate(SMALL_TARGETS, MIN_TARGET)
        assert small == [], f"{name}: targets smaller than {MIN_TARGET}x{MIN_TARGET}: {small}"

    def assert_focus_visible_everywhere(self, name: str) -> None:
        """Tab from the top to the end; every stop shows focus and nothing is left out."""
        page = self.page
        expected = page.evaluate(SNAPSHOT)
        page.evaluate("() => { window.__seen = new Set(); }")
        invisible = []
        for _ in range(expected + 5):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused is None or focused["repeat"]:
                break
            if not focused["visible"]:
                invisible.append(focused["name"])
        missed = page.evaluate(MISSED)
        assert not invisible, f"{name}: no visible focus indicator on {invisible}"
        assert not missed, f"{name}: Tab never reached {missed}"
        page.evaluate("() => document.activeElement && document.activeElement.blur()")

    def save_html(self, name: str) -> None:
        """The page as served (parser errors show only here) and as it is after scripts ran,
        kept for the Nu HTML Checker (one run at the end) and written to artifacts/html/."""
        pages = {
            f"{name}.html": self.document.body(),
            f"{name}.dom.html": self.page.content().encode(),
        }
        for filename, html in pages.items():
            HTML_PAGES[filename] = html
            (ARTIFACTS / "html" / filename).write_bytes(html)

    def close(self) -> None:
        assert not self.foreign, f"requests to other sites: {self.foreign}"


def assert_valid_html(folder: Path) -> None:
    """Write every page captured so far into `folder` and run the Nu HTML Checker over them."""
    files = []
    for filename, html in HTML_PAGES.items():
        files.append(folder / filename)
        files[-1].write_bytes(html)
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError):
        raise AssertionError(f"the HTML checker failed to run: {result.stderr[-2000:]}") from None
    errors: dict[str, list[str]] = {}
    for m in messages:
        if m.get("type") in {"error", "non-document-error"}:
            where = f"{Path(urlsplit(m.get('url', '')).path).name}:{m.get('lastLine')}"
            errors.setdefault(m["message"], []).append(where)
    report = [f"{message}\n    at {', '.join(where)}" for message, where in errors.items()]
    assert not errors, "Nu HTML Checker errors:\n" + "\n".join(report)
    assert result.returncode == 0, result.stderr[-2000:]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
