"""Open an HTML file in real headless Chromium and report what a reader would see."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@dataclass
class PageCheck:
    title: str
    images: int
    broken_images: int
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    text: str = ""
    scripts_run: bool = False
    # code blocks whose lines are inline boxes with a background or padding: each line's
    # box paints over the underscores of the line above, and the first line is indented
    boxed_code: int = 0

    def long_numbers(self, before: str | None = None) -> list[str]:
        """Numbers printed with more than 6 significant digits (0.017443275631643943), in
        the page's prose (up to `before`: code a reader copies keeps exact values)."""
        prose = self.text.split(before)[0] if before else self.text
        found = re.findall(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e-?\d+)?", prose)
        return [n for n in found if len(re.sub(r"^-?0*\.?0*", "", n.split("e")[0])
                                            .replace(".", "")) > 6]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


_browser: list = []  # (playwright, browser): one Chromium per test process


def _chromium(exe: str):
    """This process's headless Chromium, started on first use (starting Playwright's driver
    and a browser for every page cost a second or two of CPU each); `close_browser` ends it."""
    if not _browser:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        _browser.append((playwright, playwright.chromium.launch(executable_path=exe,
                                                                args=CHROMIUM_ARGS)))
    return _browser[0][1]


def close_browser() -> None:
    """Close this process's Chromium and Playwright's driver (at the end of the session)."""
    while _browser:
        playwright, browser = _browser.pop()
        browser.close()
        playwright.stop()


def open_page(path: Path) -> PageCheck:
    """`path` in a fresh browser context (no cache, cookies or storage from another page)."""
    exe = chromium_path()
    if exe is None:
        if os.environ.get("LSTM_TUNE_REQUIRE_BROWSER"):
            pytest.fail("Debian's chromium is not installed (.ci/run installs it)")
        pytest.skip("no chromium on this machine: apt-get install chromium (CI requires it)")
    context = _chromium(exe).new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        failed: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.goto(path.resolve().as_uri(), wait_until="load")
        images = page.evaluate(
            "Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)")
        return PageCheck(
            title=page.title(), images=len(images),
            broken_images=sum(1 for ok in images if not ok), console_errors=errors,
            failed_requests=failed, text=page.inner_text("body"),
            scripts_run=bool(page.evaluate("window.__pwned === true")),
            boxed_code=page.evaluate(
                "Array.from(document.querySelectorAll('pre code')).filter(c => {"
                " const s = getComputedStyle(c); return s.backgroundColor !== 'rgba(0, 0, 0, 0)'"
                " || parseFloat(s.paddingLeft) > 0; }).length"),
        )
    finally:
        context.close()
