"""Every exercise through the grading path, in-process (no sandbox): the grader records the
checker's calls on the reference, the answer runs on them as the probe would, the transcript goes
through ``torch.save``/``torch.load(weights_only=True)``, and the judge decides outside.

Correct answers (the reference and the alternatives) must be judged ``passed``; no wrong answer
may be; the exercises that cannot be judged outside are exactly the ones listed here, each with
its reason, and are graded ``unverified``."""

from __future__ import annotations

import importlib
import io
import shutil

import pytest
import torch

from aiotkit import probe
from aiotkit.exercises import registry
from aiotkit.grading import judge, make_requests, tmp_base

CHECKERS = sorted(registry())

# Results that are instances of the student's own class (or hold the student's lambda) can only
# be exercised by running the student's code: never outside the sandbox.
NOT_OUTSIDE = {
    ("advanced/01", 1): "RangeNormalizer",  # a student-defined nn.Module class
    ("advanced/04", 2): "process group",  # needs real processes talking over the network
    ("aiot_applications/04", 2): "StreamBuffer",  # a student-defined class
    ("basics/03", 1): "WindowDataset",  # a student-defined Dataset class
    ("training/04", 3): "LambdaLR",  # a scheduler holding the student's lambda
}

# Correct answers that return an instance of the student's own class: unverified, never failed.
OWN_CLASS = {"build_xor_mlp2_elu_class", "build_xor_mlp2_raw_parameters"}


def _solutions(notebook: str):
    return importlib.import_module("solutions." + notebook.replace("/", "_"))


def _judged(notebook: str, number: int, answer, request) -> tuple[str, str]:
    calls = [
        probe._call_record(answer, call, request["salt"], request["tmpbase"])
        for call in request["calls"]
    ]
    buffer = io.BytesIO()
    torch.save({"notebook": notebook, "number": number, "calls": calls}, buffer)
    calls = torch.load(io.BytesIO(buffer.getvalue()), weights_only=True)["calls"]
    try:
        return judge(notebook, number, request, calls, answer)
    finally:
        shutil.rmtree(tmp_base(), ignore_errors=True)


@pytest.mark.parametrize("key", CHECKERS, ids=[f"{nb}#{n}" for nb, n in CHECKERS])
def test_grading_outside_the_sandbox(key):
    notebook, number = key
    module = _solutions(notebook)
    request = make_requests(notebook, [number], 3)[number]
    correct = [module.REFERENCE[number], *getattr(module, "ALTERNATIVES", {}).get(number, [])]
    if key in NOT_OUTSIDE:
        if isinstance(request, str):
            assert NOT_OUTSIDE[key] in request or "판정할 수 없는" in request
            return
        verdict, message = _judged(notebook, number, correct[0], request)
        assert verdict == "unverified" and NOT_OUTSIDE[key] in message, message
        return
    assert isinstance(request, dict), request
    for answer in correct:
        verdict, message = _judged(notebook, number, answer, request)
        if getattr(answer, "__name__", "") in OWN_CLASS:
            assert verdict == "unverified" and "torch.nn 밖의 모듈 클래스" in message, message
            continue
        assert verdict == "passed", (getattr(answer, "__name__", answer), message)
    for answer in module.WRONG[number]:
        verdict, message = _judged(notebook, number, answer, request)
        assert verdict in ("failed", "unverified", "not_attempted"), (answer.__name__, message)
