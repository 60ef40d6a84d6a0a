"""Build the course site: ``make site`` (and ``make site-serve``).

The site is made from the committed notebooks with their stored outputs (nothing is executed),
the README as the home page, the glossary and the data provenance, with Material for MkDocs and
mkdocs-jupyter. Everything it needs comes from pip packages and this repository, so it builds
and reads offline: no web fonts, no CDN scripts; the Hangul font is the bundled NanumGothic.

    python -m aiotkit.site build [--out build/site]
    python -m aiotkit.site serve [--port 8000]
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

from aiotkit.paths import project_root

__all__ = ["SECTIONS", "build_site", "main", "stage_sources"]

# Curriculum order: the five folders and their titles in the navigation.
SECTIONS = (
    ("basics", "1. 기초 (basics)"),
    ("models", "2. 모델 (models)"),
    ("training", "3. 학습 기법 (training)"),
    ("advanced", "4. 고급 (advanced)"),
    ("aiot_applications", "5. AIoT 응용 (aiot_applications)"),
)
# Repository Markdown files that become pages, and their names in the site.
PAGES = {"README.md": "index.md", "GLOSSARY.md": "glossary.md", "data/README.md": "data.md"}
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)")
_FONT_CSS = """\
@font-face {
  font-family: "NanumGothic";
  src: url("../fonts/NanumGothic.ttf") format("truetype");
  font-display: block;
}
:root {
  --md-text-font: "NanumGothic";
}
body, input, .jp-RenderedHTMLCommon, .jp-RenderedText pre {
  font-family: "NanumGothic", sans-serif;
}
"""


def _notebooks(root: Path) -> dict[str, list[Path]]:
    found = {folder: sorted((root / folder).glob("[0-9][0-9]_*.ipynb")) for folder, _ in SECTIONS}
    missing = [folder for folder, paths in found.items() if not paths]
    if missing:
        raise FileNotFoundError(
            f"노트북이 없는 폴더: {', '.join(missing)}. 저장소 루트에서 실행하세요 "
            "(root에 basics/ … aiot_applications/가 있어야 합니다)."
        )
    return found


def _rewrite_links(text: str, source: str, targets: dict[str, str]) -> str:
    """Point relative links at the staged page; unlink files that are not part of the site."""
    base = Path(source).parent

    def fix(match: re.Match[str]) -> str:
        label, target = match.group(1), match.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:|^#", target):  # absolute URL or in-page anchor
            return match.group(0)
        path, _, anchor = target.partition("#")
        resolved = (base / path).as_posix()
        resolved = str(Path(resolved)).replace("\\", "/")
        if resolved in targets:
            here = Path(targets.get(source, source)).parent
            relative = Path(targets[resolved]).as_posix()
            depth = len(here.parts)
            link = "../" * depth + relative
            return f"[{label}]({link}{'#' + anchor if anchor else ''})"
        return f"{label} (`{target}`)"  # a repository file the site does not carry

    return _LINK.sub(fix, text)


_HEADING_CODE = re.compile(r"`([\w.(), /:=\[\]-]+)`")


def _plain_heading_code(markdown: str) -> str:
    """Un-code simple names in headings: the table of contents drops code spans entirely."""
    return "\n".join(
        _HEADING_CODE.sub(r"\1", line) if line.startswith("#") else line
        for line in markdown.split("\n")
    )


def _drop_live_widgets(notebook: dict) -> None:
    """Show stored widgets (tqdm bars) as their text form: live widgets need a CDN script."""
    notebook.get("metadata", {}).pop("widgets", None)
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_MIME in data:
                del data[WIDGET_MIME]
                data.setdefault("text/plain", "")


def _web_font(source: Path, target: Path) -> None:
    """Copy the font without its VTT hinting-source tables (TSI0–TSI5).

    Browsers sanitize web fonts (OTS) and reject this file's empty TSI3 table ("Failed to decode
    downloaded font"); the tables only matter to the font editor, not to rendering.
    """
    from fontTools.ttLib import TTFont  # installed with matplotlib

    font = TTFont(source)
    for tag in [t for t in font.keys() if t.startswith("TSI")]:
        del font[tag]
    font.save(target)


def stage_sources(root: Path, docs: Path) -> dict[str, list[str]]:
    """Copy the pages and notebooks into ``docs``; return the navigation (folder -> pages)."""
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)
    notebooks = _notebooks(root)
    targets = dict(PAGES)
    for paths in notebooks.values():
        for path in paths:
            rel = path.relative_to(root).as_posix()
            targets[rel] = rel
    for source, name in PAGES.items():
        text = _rewrite_links((root / source).read_text(encoding="utf-8"), source, targets)
        # The glossary's variant patterns are regular expressions such as (?<![가-힣]) in plain
        # table cells; Markdown would read "<!" as the start of raw HTML.
        text = "\n".join(
            line.replace("<", "&lt;") if line.startswith("|") else line for line in text.split("\n")
        )
        (docs / name).write_text(text, encoding="utf-8")
    nav: dict[str, list[str]] = {}
    for folder, paths in notebooks.items():
        (docs / folder).mkdir()
        nav[folder] = []
        for path in paths:
            notebook = json.loads(path.read_text(encoding="utf-8"))
            _drop_live_widgets(notebook)
            for cell in notebook["cells"]:
                if cell["cell_type"] == "markdown":
                    source = _plain_heading_code("".join(cell["source"]))
                    cell["source"] = _rewrite_links(source, f"{folder}/{path.name}", targets)
            (docs / folder / path.name).write_text(
                json.dumps(notebook, ensure_ascii=False, indent=1), encoding="utf-8"
            )
            nav[folder].append(f"{folder}/{path.name}")
    (docs / "fonts").mkdir()
    fonts = Path(__file__).parent / "fonts"
    _web_font(fonts / "NanumGothic.ttf", docs / "fonts" / "NanumGothic.ttf")
    shutil.copy(fonts / "OFL.txt", docs / "fonts" / "OFL.txt")
    (docs / "css").mkdir()
    (docs / "css" / "korean.css").write_text(_FONT_CSS, encoding="utf-8")
    return nav


def _config(nav: dict[str, list[str]], docs: Path, out: Path) -> dict:
    titles = dict(SECTIONS)
    return {
        "site_name": "PyTorch for AIoT",
        "site_description": "노트북으로 배우는 PyTorch — AIoT 연구실 과정",
        "docs_dir": str(docs),
        "site_dir": str(out),
        "use_directory_urls": False,  # pages open from the file system as well
        "strict": True,
        "theme": {"name": "material", "language": "ko", "font": False},
        "extra_css": ["css/korean.css"],
        "plugins": [
            {"search": {"lang": ["ko", "en"]}},
            {
                "mkdocs-jupyter": {
                    "include": ["*.ipynb"],
                    "execute": False,
                    "include_source": True,
                    "include_requirejs": False,
                }
            },
        ],
        "nav": [
            {"소개": "index.md"},
            *({titles[folder]: pages} for folder, pages in nav.items()),
            {"용어집": "glossary.md"},
            {"데이터 출처": "data.md"},
        ],
        "validation": {
            "nav": {"omitted_files": "warn", "not_found": "warn"},
            "links": {"not_found": "warn", "absolute_links": "warn", "unrecognized_links": "warn"},
        },
    }


def build_site(root: Path | None = None, out: Path | None = None) -> Path:
    """Stage the sources and run ``mkdocs build --strict``; return the site folder."""
    root = Path(root) if root is not None else project_root()
    build = root / "build"
    out = Path(out) if out is not None else build / "site"
    docs = build / "site-src"
    nav = stage_sources(root, docs)
    config = build / "mkdocs.yml"
    config.write_text(json.dumps(_config(nav, docs.resolve(), out.resolve()), ensure_ascii=False))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", str(config)],
        capture_output=True,
        text=True,
        cwd=build,
        # the theme's end-of-life banner is not about this site
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    log = (done.stdout + done.stderr).strip()
    warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
    if done.returncode != 0 or warnings:
        shown = "\n".join(warnings) or log[-3000:]
        raise RuntimeError(f"사이트 빌드 실패 (mkdocs build --strict):\n{shown}")
    pages = sum(1 for _ in out.rglob("*.html"))
    print(f"사이트: {out} (HTML {pages}쪽, {time.perf_counter() - started:.1f}초)")
    return out


def serve(site: Path, port: int) -> None:
    """Serve ``site`` on http://127.0.0.1:port until Ctrl+C."""
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"http://127.0.0.1:{port}/index.html  (Ctrl+C로 멈춤)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aiotkit.site", description=__doc__)
    parser.add_argument("command", choices=["build", "serve"])
    parser.add_argument("--out", type=Path, default=None, help="site folder (build/site)")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    site = build_site(out=args.out)
    if args.command == "serve":
        serve(site, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
