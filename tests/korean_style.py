"""Korean style rules shared by the structure tests: spaced particles and glossary variants.

The glossary (GLOSSARY.md) is the source of truth for preferred terms; this module reads its
"비권장" column, so adding a variant there makes the tests look for it.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "GLOSSARY.md"

# Particles (조사) and the copula, longest first so that "에서는" wins over "에서".
PARTICLES = (
    "에서는 에서도 에서의 으로는 으로도 으로서 으로써 이라는 이라고 이라면 입니다 이에요 "
    "에게 에서 으로 보다 처럼 까지 부터 마다 이나 이란 라는 라고 로서 로써 에는 에도 로는 "
    "로도 와는 과는 와의 과의 만큼 만을 이며 이고 이다 이면 은 는 이 가 을 를 의 에 로 와 과 "
    "도 만 나 란 인"
).split()

# A token ending in a Latin letter, digit, closing bracket, code span, quote, LaTeX, percent
# or closing bold (after a letter; bold after punctuation must keep its space to render),
# then whitespace, then a particle that ends the word.
SPACED_PARTICLE = re.compile(
    r"(?P<word>(?:[A-Za-z0-9)\]`%}$\"'”’]|(?<=[A-Za-z0-9가-힣])\*\*))"
    r"(?P<space>[ \t]+)"
    r"(?P<particle>" + "|".join(PARTICLES) + r")"
    r"(?=[\s,.)·:!?;\"'”’|\]…—]|$)"
)

# Korean counters and units after a number are written attached ("10초", "3개", "200에폭",
# "5%"); Latin unit symbols keep their space ("5 ms", "5.5 GB").
UNITS = (
    "번째 개월 바이트 시간 에폭 스텝 차원 가지 초 개 번 배 행 분 일 주 장 층 명 칸 비트 년 월 점 줄 회 쌍"
).split()
SPACED_UNIT = re.compile(
    r"(?P<number>(?<![A-Za-z_.])[0-9](?:[0-9,.]*[0-9])?|\})"
    r"(?P<space>[ \t]+)"
    r"(?P<unit>%|(?:" + "|".join(UNITS) + r")(?=째|(?:" + "|".join(PARTICLES) + r")?(?![가-힣])))"
)

# `<!-- ko-ok -->` at the end of a line marks a deliberate quotation of a non-preferred form.
QUOTE_MARK = "<!-- ko-ok -->"
CODE_QUOTE_MARK = "# ko-ok"

FENCE = re.compile(r"^\s*(```|~~~)")


def prose_lines(markdown: str):
    """Yield (line_number, line) of Markdown outside fenced code blocks and quotation marks."""
    in_fence = False
    for number, line in enumerate(markdown.splitlines(), 1):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence or QUOTE_MARK in line or CODE_QUOTE_MARK in line:
            continue
        yield number, line


def spaced_particles(text: str) -> list[str]:
    """Return each 'word particle' pair in `text` where the particle is spaced off."""
    return [m.group(0).strip() for m in SPACED_PARTICLE.finditer(text)]


def spaced_units(text: str) -> list[str]:
    """Return each 'number unit' pair in `text` where a Korean unit or % is spaced off."""
    return [m.group(0) for m in SPACED_UNIT.finditer(text)]


def glossary_variants() -> dict[str, tuple[str, re.Pattern]]:
    """Map each non-preferred variant to (preferred term, pattern) as GLOSSARY.md lists them.

    A table row is `| 한국어 (English) | 비권장 변형 | 설명 |`; the variants cell holds
    comma-separated words, or `/regex/` for a context-dependent pattern.
    """
    variants: dict[str, tuple[str, re.Pattern]] = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [
            c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))
        ]
        if len(cells) < 3 or not line.startswith("|") or cells[0].startswith(("용어", "---")):
            continue
        preferred = cells[0].split("(")[0].strip()
        for raw in (v.strip() for v in cells[1].split(",")):
            raw = raw.strip("`")
            if not raw or raw == "—":
                continue
            if raw.startswith("/") and raw.endswith("/"):
                variants[raw] = (preferred, re.compile(raw[1:-1]))
            else:
                variants[raw] = (preferred, re.compile(r"(?<![가-힣])" + re.escape(raw)))
    return variants


def variant_hits(text: str, variants=None) -> list[tuple[str, str, str]]:
    """Return (variant, preferred, context) for each non-preferred term in `text`."""
    variants = glossary_variants() if variants is None else variants
    hits = []
    for number, line in prose_lines(text):
        for name, (preferred, pattern) in variants.items():
            for m in pattern.finditer(line):
                context = line[max(0, m.start() - 15) : m.end() + 15]
                hits.append((name, preferred, f"line {number}: …{context}…"))
    return hits
