"""Korean as a careful Korean textbook writes it: the glossary's terms, attached particles, Korean plots.

What a student reads is checked: notebook Markdown, the strings and comments of code cells, stored
outputs, README, GLOSSARY, data/README and the messages of aiotkit (checkers included).
"""

from __future__ import annotations

import ast
import re

import nbformat
import pytest
from korean_style import (
    CODE_QUOTE_MARK,
    glossary_variants,
    prose_lines,
    spaced_particles,
    spaced_units,
    variant_hits,
)

from conftest import ROOT

NOTEBOOK_DIRS = ["basics", "models", "training", "advanced", "aiot_applications"]
NOTEBOOKS = sorted(p for d in NOTEBOOK_DIRS for p in (ROOT / d).glob("*.ipynb"))
IDS = [p.relative_to(ROOT).as_posix() for p in NOTEBOOKS]
PROSE_FILES = ["README.md", "GLOSSARY.md", "data/README.md"]
PACKAGE_FILES = sorted((ROOT / "aiotkit").rglob("*.py")) + [ROOT / "Makefile"]
HANGUL = re.compile(r"[가-힣]")
VARIANTS = glossary_variants()


def _style_problems(text: str, *, variants: bool = True) -> list[str]:
    problems = []
    for number, line in prose_lines(text):
        problems += [f"line {number}: 조사를 띄어 씀 '{hit}'" for hit in spaced_particles(line)]
        problems += [f"line {number}: 단위를 띄어 씀 '{hit}'" for hit in spaced_units(line)]
    if variants:
        problems += [
            f"'{name}' 대신 '{preferred}' ({where})"
            for name, preferred, where in variant_hits(text, VARIANTS)
        ]
    return problems


def _outputs_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        else:
            parts.append(out.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


# --- the detectors themselves must catch what they claim -------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "PyTorch 의 텐서",
        "`fit` 은 반환합니다",
        "0.95 를 넘습니다",
        "자동 미분(autograd) 을",
        "SGD 는",
        "$x$ 가",
    ],
)
def test_particle_detector_catches_spaced_particles(text):
    assert spaced_particles(text), text


@pytest.mark.parametrize(
    "text",
    ["PyTorch의 텐서", "3 이상", "GPU 이름", "x 가중치", "**텐서(tensor)** 와", "5 ms", "이 값"],
)
def test_particle_detector_leaves_correct_text_alone(text):
    assert not spaced_particles(text), text


def test_unit_detector():
    assert spaced_units("10 초, 3 개의 값, 200 에폭, 5 %")
    assert not spaced_units("10초, 3개의 값, 5 ms, 2 배치, 3 분류, 5.5 GB")


def test_glossary_lists_one_term_per_concept():
    assert len(VARIANTS) >= 30, "GLOSSARY.md의 표를 읽지 못했습니다"
    preferred = {p for p, _ in VARIANTS.values()}
    assert not preferred & set(VARIANTS), "a preferred term is also listed as a variant"
    assert variant_hits("에포크마다 훈련 손실을 봅니다", VARIANTS)
    assert not variant_hits("에폭마다 학습 손실을 봅니다. 하이퍼파라미터와 매개변수", VARIANTS)
    assert not variant_hits("창(window) 이야기 <!-- ko-ok -->", VARIANTS)


# --- the course itself -----------------------------------------------------------------------


@pytest.mark.parametrize("name", PROSE_FILES)
def test_prose_files(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    if name == "GLOSSARY.md":  # it lists the variants on purpose
        text = "\n".join(line for line in text.splitlines() if not line.startswith("|"))
    problems = _style_problems(text)
    assert not problems, f"{name}:\n" + "\n".join(problems[:30])


@pytest.mark.parametrize("path", PACKAGE_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_package_messages(path):
    problems = _style_problems(path.read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems[:30])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_korean(path):
    nb = nbformat.read(path, as_version=4)
    problems = []
    for i, cell in enumerate(nb.cells):
        texts = [("", cell.source)]
        if cell.cell_type == "code":
            texts.append(("출력 ", _outputs_text(cell)))
        for kind, text in texts:
            problems += [f"cell {i} {kind}{p}" for p in _style_problems(text)]
    assert not problems, "\n".join(problems[:40])


# --- plots: Korean titles, labels and legends, with a Hangul font ----------------------------

PLOT_TEXT_CALLS = {"set_title", "set_xlabel", "set_ylabel", "suptitle", "title", "xlabel", "ylabel"}
LABEL_CALLS = {
    "plot",
    "scatter",
    "bar",
    "barh",
    "hist",
    "step",
    "fill_between",
    "axhline",
    "axvline",
}
MATH_OR_CODE = re.compile(r"\$[^$]*\$|`[^`]*`|\{[^}]*\}|\S*[=_(\[./]\S*")
ENGLISH_WORD = re.compile(r"\b[a-z]{3,}\b")


def _english_only(text: str) -> bool:
    """True when a plot string has no Hangul but has an ordinary English word."""
    if HANGUL.search(text):
        return False
    return bool(ENGLISH_WORD.search(MATH_OR_CODE.sub(" ", text)))


def _literal_text(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _plot_strings(source: str):
    source = "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name = node.func.attr
        if name in PLOT_TEXT_CALLS and node.args:
            text = _literal_text(node.args[0])
            if text is not None:
                yield node.lineno, name, text
        if name in {"text", "annotate"} and len(node.args) >= 1:
            text = _literal_text(
                node.args[2] if name == "text" and len(node.args) > 2 else node.args[0]
            )
            if text is not None:
                yield node.lineno, name, text
        if name == "legend" and node.args and isinstance(node.args[0], (ast.List, ast.Tuple)):
            for element in node.args[0].elts:
                text = _literal_text(element)
                if text is not None:
                    yield node.lineno, "legend", text
        if name in LABEL_CALLS | {"legend", "set"}:
            for kw in node.keywords:
                if kw.arg in ("label", "title", "xlabel", "ylabel"):
                    text = _literal_text(kw.value)
                    if text is not None:
                        yield node.lineno, f"{name}({kw.arg}=)", text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_plots_speak_korean(path):
    nb = nbformat.read(path, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    problems = [
        f"code cell {i}, line {line}: {call} '{text}'"
        for i, source in enumerate(code)
        for line, call, text in _plot_strings(source)
        if _english_only(text) and CODE_QUOTE_MARK not in source.splitlines()[line - 1]
    ]
    assert not problems, "영어로만 된 그림 글자 (한국어로, 영어는 괄호에):\n" + "\n".join(problems)
    if any("matplotlib" in s for s in code):
        setup = "\n".join(code[:3])
        assert "use_korean_font()" in setup, "the set-up cell must call use_korean_font()"
