"""Probe transcripts and the judge, without a sandbox: what comes back from a submission is plain
data, and only the grader's checker decides."""

from __future__ import annotations

import io
import pickle

import numpy as np
import pytest
import torch
from solutions import basics_01

from aiotkit import probe, transcript
from aiotkit.grading import (
    _load_transcript,
    judge,
    main,
    make_requests,
    static_function,
)


def _transcript(number: int, solution, salt: int = 5) -> tuple[dict, list[dict]]:
    """What the sandbox would send back for ``solution`` (run here, in-process)."""
    request = make_requests("basics/01", [number], salt)[number]
    assert isinstance(request, dict)
    calls = [probe._call_record(solution, r) for r in request["calls"]]
    buffer = io.BytesIO()
    torch.save({"notebook": "basics/01", "number": number, "calls": calls}, buffer)
    loaded = torch.load(io.BytesIO(buffer.getvalue()), weights_only=True)
    return request, loaded["calls"]


class AlwaysEqual:
    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


def _source(solution):
    return solution  # in the sandbox flow: compiled from the notebook's source


def test_encode_decode_round_trip():
    value = {
        "t": torch.arange(6.0).reshape(2, 3).requires_grad_(),
        "a": np.arange(3, dtype=np.int16),
        "n": np.float32(1.5),
        "xs": (1, 2.0, "s", None, True, [torch.float64, torch.Size([2, 3])]),
    }
    back = transcript.decode(transcript.encode(value))
    assert back["t"].requires_grad and torch.equal(back["t"].detach(), value["t"].detach())
    assert back["a"].dtype == np.int16 and back["n"].dtype == np.float32
    assert back["xs"] == (1, 2.0, "s", None, True, [torch.float64, torch.Size([2, 3])])
    assert type(back["xs"][1]) is float and type(back["xs"]) is tuple


def test_objects_that_are_not_plain_data_are_refused():
    class Sneaky(torch.Tensor):
        def __eq__(self, other):
            return True

    with pytest.raises(transcript.Unencodable):
        transcript.encode(AlwaysEqual())
    sneaky = torch.zeros(2).as_subclass(Sneaky)
    assert type(transcript.encode(sneaky)[1]) is torch.Tensor  # stored as a plain tensor
    # a transcript holding a pickled object cannot be loaded by the grader
    buffer = io.BytesIO()
    torch.save({"notebook": "basics/01", "number": 2, "calls": [AlwaysEqual()]}, buffer)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(io.BytesIO(buffer.getvalue()), weights_only=True)


@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_judge_passes_the_reference_and_fails_wrong_answers(number):
    reference = basics_01.REFERENCE[number]
    request, calls = _transcript(number, reference)
    assert judge("basics/01", number, request, calls, _source(reference))[0] == "passed"
    for wrong in basics_01.WRONG[number]:
        request, calls = _transcript(number, wrong)
        verdict, message = judge("basics/01", number, request, calls, _source(wrong))
        assert verdict in ("failed", "unverified"), (wrong.__name__, verdict, message)


def test_stub_is_not_attempted_and_forged_results_do_not_pass():
    def stub(a, b):
        raise NotImplementedError

    request, calls = _transcript(2, stub)
    assert judge("basics/01", 2, request, calls, stub)[0] == "not_attempted"
    # a forger sends the right shape but wrong numbers, or fewer calls than requested
    _, good = _transcript(2, basics_01.REFERENCE[2])
    forged = [dict(c, result=transcript.encode(torch.zeros(3, 4))) for c in good]
    assert judge("basics/01", 2, request, forged, basics_01.REFERENCE[2])[0] == "failed"
    assert judge("basics/01", 2, request, good[:2], basics_01.REFERENCE[2])[0] == "unverified"
    # the reference's results, but the notebook's source breaks the rule (a loop)
    verdict, message = judge("basics/01", 2, request, good, basics_01.pairwise_loop)
    assert verdict == "failed" and "규칙" in message
    # no source (no `def` in the notebook): the rules cannot be checked, so never passed
    assert judge("basics/01", 2, request, good, None)[0] == "unverified"


def test_results_that_are_not_plain_data_are_unverified():
    def liar(a, b):
        return AlwaysEqual()

    request, calls = _transcript(2, liar)
    assert "unencodable" in calls[0]
    assert judge("basics/01", 2, request, calls, liar)[0] == "unverified"


def test_requests_are_seeded_afresh_per_grading_run():
    a = make_requests("basics/01", [2], 11)[2]["calls"][0]["args"]
    b = make_requests("basics/01", [2], 12)[2]["calls"][0]["args"]
    assert not torch.equal(a[1][0][1], b[1][0][1])


def test_static_function_is_compiled_not_run(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("%matplotlib inline\nimport torch as T\nopen('/x', 'w')"),
        nbformat.v4.new_code_cell("def helper(a):\n    return T.cdist(a, a)\n"),
        nbformat.v4.new_code_cell("def answer(a, b):\n    return helper(a)\n"),
    ]
    function = static_function(nb, "answer", 2)
    from aiotkit.exercises.core import used_names

    assert "cdist" in used_names(function)
    assert static_function(nb, "nowhere", 2) is None


def test_transcript_reader_rejects_junk(tmp_path):
    junk = tmp_path / "probe_2.pt"
    junk.write_bytes(b"\x80\x02junk\xff" * 100)
    assert _load_transcript(junk, "basics/01", 2)[0] is None
    link = tmp_path / "probe_3.pt"
    link.symlink_to("/etc/passwd")
    assert _load_transcript(link, "basics/01", 3)[0] is None


def test_grading_refuses_without_a_sandbox(tmp_path, monkeypatch, capsys):
    import shutil

    (tmp_path / "class" / "someone").mkdir(parents=True)
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "bwrap" else real_which(name))
    assert main([str(tmp_path / "class"), "--csv", str(tmp_path / "g.csv")]) == 2
    assert "bubblewrap" in capsys.readouterr().err
    assert not (tmp_path / "g.csv").exists()


def test_a_name_rebound_after_its_def_is_not_what_the_source_shows():
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import torch\n\ndef answer(a, b):\n    return a + b\n"),
        nbformat.v4.new_code_cell("d = answer(1, 2)\nanswer = lambda a, b: torch.cdist(a, b)\n"),
        nbformat.v4.new_code_cell("def other(a):\n    return a\n\nx = other(answer(1, 2))\n"),
    ]
    assert static_function(nb, "answer", 0) is not None
    assert static_function(nb, "answer", 2) is None  # the lambda is what check() would get
    assert static_function(nb, "other", 2) is not None  # using a function does not rebind it


def test_hostile_transcript_objects_are_refused():
    """A transcript can name only torch.nn module classes and torch.optim optimizers, refer only
    to objects it holds or to the checker's own arguments, and carries no code."""
    bad_module = ("module", ("ref", "os", "system"), [], [], [], [])
    with pytest.raises(ValueError):
        transcript.decode(bad_module)
    not_a_module = ("module", ("ref", "torch.nn.functional", "relu"), [], [], [], [])
    with pytest.raises(ValueError):
        transcript.decode(not_a_module)
    with pytest.raises(ValueError):
        transcript.decode(("optimizer", ["os", "system"], ("dict", []), [], []))
    with pytest.raises(ValueError):
        transcript.decode(("argref", 3))  # no arguments to refer to
    with pytest.raises(ValueError):
        transcript.decode(("shared", 0))
    for code in (("fn", [], {}, [], ("tuple", [])), ("class", "X", [], []), ("method", 1, "x")):
        with pytest.raises(ValueError):
            transcript.decode(code)  # code only travels grader → sandbox


def test_modules_round_trip_with_shared_weights_hooks_and_grads():
    torch.manual_seed(0)
    shared = torch.nn.Linear(3, 3)
    model = torch.nn.Sequential(shared, torch.nn.ReLU(), shared, torch.nn.BatchNorm1d(3))
    model(torch.randn(4, 3)).sum().backward()
    model[1].register_forward_hook(lambda *a: None)
    back = transcript.decode(transcript.encode(model))
    assert type(back) is torch.nn.Sequential and back[0] is back[2]
    assert sum(p.numel() for p in back.parameters()) == sum(p.numel() for p in model.parameters())
    assert len(back[1]._forward_hooks) == 1
    for p, q in zip(model.parameters(), back.parameters(), strict=True):
        assert (
            torch.equal(p, q) and torch.equal(p.grad, q.grad) and isinstance(q, torch.nn.Parameter)
        )
    x = torch.randn(5, 3)
    model.eval(), back.eval()
    assert torch.equal(model(x), back(x))
    gru = torch.nn.GRU(2, 3, batch_first=True)
    assert torch.equal(
        transcript.decode(transcript.encode(gru))(torch.ones(1, 4, 2))[0],
        gru(torch.ones(1, 4, 2))[0],
    )


def test_checker_temporary_files_never_leave_their_folder(tmp_path):
    base = tmp_path / "base"
    outside = tmp_path / "outside.txt"
    data = torch.frombuffer(bytearray(b"x"), dtype=torch.uint8).clone()
    transcript.restore(
        str(base), [("../outside.txt", data), (str(outside), data), ("ok/a.bin", data)]
    )
    assert not outside.exists()
    assert (base / "ok" / "a.bin").read_bytes() == b"x"
