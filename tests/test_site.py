"""The course site (make site): built offline from the committed notebooks, read in Chromium."""

from __future__ import annotations

import ast
import html.parser
import http.server
import json
import threading
import time
import urllib.parse
from functools import partial
from pathlib import Path

import pytest
from browser import console_errors, screenshot, start_chromium

from aiotkit import site as site_builder
from conftest import ROOT

SHOTS = ROOT / "build" / "screenshots"
NOTEBOOK_DIRS = [folder for folder, _ in site_builder.SECTIONS]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    started = time.perf_counter()
    site_builder.build_site(ROOT, out)
    print(f"site built in {time.perf_counter() - started:.1f} s")
    return out


@pytest.fixture(scope="module")
def server(built):
    handler = partial(_QuietHandler, directory=str(built))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    driver = start_chromium()
    yield driver
    driver.quit()


def _pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for key in ("href", "src"):
            if tag in ("a", "link", "script", "img") and attrs.get(key):
                self.links.append(attrs[key])


def test_site_has_every_notebook_in_curriculum_order_and_no_solutions(built):
    pages = _pages(built)
    for folder in NOTEBOOK_DIRS:
        notebooks = sorted(p.name for p in (ROOT / folder).glob("[0-9][0-9]_*.ipynb"))
        assert [p.split("/")[1] for p in pages if p.startswith(folder + "/")] == [
            n.replace(".ipynb", ".html") for n in notebooks
        ]
    for page in ("index.html", "glossary.html", "data.html"):
        assert page in pages
    index = (built / "index.html").read_text(encoding="utf-8")
    positions = [index.find(f'href="{folder}/') for folder in NOTEBOOK_DIRS]
    assert all(p > 0 for p in positions) and positions == sorted(positions), "navigation order"
    # no reference solution anywhere: the staged notebooks (the site's pages and downloads)
    # hold only the exercise stubs; the reference answers stay in tests/solutions
    bodies = _solution_bodies()
    assert len(bodies) > 40
    for notebook in built.rglob("*.ipynb"):
        code = "\n".join(
            _normalized("".join(cell["source"]))
            for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
            if cell["cell_type"] == "code"
        )
        leaked = [name for name, body in bodies.items() if body in code]
        assert not leaked, f"{notebook.name}: reference answers {leaked}"


def _normalized(source: str) -> str:
    return "\n".join(line.strip() for line in source.splitlines() if line.strip())


def _solution_bodies() -> dict[str, str]:
    """Each reference answer's body (two statements or more), whitespace-normalized."""
    bodies = {}
    for path in sorted((ROOT / "tests" / "solutions").glob("*_0*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.parse(source).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            statements = [n for n in node.body if not isinstance(n, ast.Expr)]
            if len(statements) >= 2:
                text = "\n".join(ast.get_source_segment(source, n) for n in statements)
                bodies[f"{path.stem}.{node.name}"] = _normalized(text)
    return bodies


def test_every_internal_link_and_resource_resolves(built):
    broken = []
    checked = 0
    for page in _pages(built):
        parser = _Links()
        parser.feed((built / page).read_text(encoding="utf-8"))
        for link in parser.links:
            parts = urllib.parse.urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("#", "data:", "mailto:")):
                continue
            path = urllib.parse.unquote(parts.path)
            # 404.html links from the site root (it is served for any missing path)
            target = (
                built / path.lstrip("/") if path.startswith("/") else (built / page).parent / path
            )
            if parts.path.endswith("/"):
                target = target / "index.html"
            checked += 1
            if not target.resolve().exists():
                broken.append(f"{page} -> {link}")
    assert checked > 100
    assert not broken, "\n".join(broken[:20])


def test_no_resource_comes_from_the_network(built):
    for page in _pages(built):
        parser = _Links()
        parser.feed((built / page).read_text(encoding="utf-8"))
        external = [
            link
            for link in parser.links
            if link.startswith(("http://", "https://", "//")) and not link.startswith("https://")
        ]
        scripts = [
            link
            for link in parser.links
            if urllib.parse.urlsplit(link).scheme in ("http", "https")
            and link.split("?")[0].endswith((".js", ".css", ".mjs", ".woff", ".woff2", ".ttf"))
        ]
        assert not external and not scripts, (page, external, scripts)


def test_every_page_loads_without_console_errors_and_images_decode(built, server, browser):
    images = 0
    console_errors(browser)  # drop start-up noise
    for page in _pages(built):
        browser.get(f"{server}/{page}")
        browser.execute_script("return document.readyState")
        _wait(lambda: browser.execute_script("return document.readyState") == "complete")
        errors = console_errors(browser)
        assert not errors, f"{page}: {errors}"
        if page.split("/")[0] in NOTEBOOK_DIRS:
            broken = browser.execute_script(
                "return Array.from(document.images)"
                ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))"
            )
            assert not broken, f"{page}: {broken}"
            images += browser.execute_script("return document.images.length")
    print(f"{len(_pages(built))} pages, {images} images decoded")
    assert images >= 20


def test_hangul_is_drawn_with_a_font_that_has_it(server, browser):
    browser.get(f"{server}/basics/01_tensors_and_autograd.html")
    _wait(lambda: browser.execute_script("return document.fonts.status") == "loaded")
    family = browser.execute_script(
        "return getComputedStyle(document.querySelector('.md-content p')).fontFamily"
    )
    assert "NanumGothic" in family
    loaded = browser.execute_script(
        "return Array.from(document.fonts).filter("
        "f => f.family.includes('NanumGothic') && f.status === 'loaded').length"
    )
    assert loaded >= 1, "NanumGothic was not loaded"
    assert browser.execute_script("return document.fonts.check('16px NanumGothic', '자동 미분')")
    screenshot(browser, SHOTS / "notebook_basics_01.png")


def test_korean_search_finds_the_notebook_that_teaches_the_term(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(f"{server}/index.html")
    _wait(lambda: browser.execute_script("return document.readyState") == "complete")
    box = browser.find_element(By.CSS_SELECTOR, "input.md-search__input")
    box.click()  # the search box of the header (wide window)
    box.send_keys("자동 미분")
    _wait(lambda: browser.find_elements(By.CSS_SELECTOR, ".md-search-result__item a"), timeout=60)
    first = browser.find_elements(By.CSS_SELECTOR, ".md-search-result__item a")[0]
    assert "basics/01_tensors_and_autograd" in first.get_attribute("href")
    screenshot(browser, SHOTS / "search_autograd.png")
    assert not console_errors(browser)


def _wait(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the page")
