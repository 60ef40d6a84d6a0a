"""Exercise checkers for models/03 (recurrent networks)."""

from __future__ import annotations

import torch
from torch import nn

from aiotkit.exercises.core import (
    expect,
    expect_close,
    expect_equal,
    expect_not_using,
    expect_shape,
    expect_type,
    expect_unchanged,
    register,
)


@register("models/03", 1, "GRU 셀 한 스텝을 손으로 (gru_cell_step)")
def _check_gru_cell_step(gru_cell_step) -> None:
    expect_not_using(
        gru_cell_step,
        {
            "GRUCell": "nn.GRUCell",
            "GRU": "nn.GRU",
            "gru_cell": "torch.gru_cell",
            "gru": "torch.gru",
        },
        "nn.GRUCell 없이 식으로",
    )
    generator = torch.Generator().manual_seed(3)
    for batch, input_size, hidden in [(3, 4, 5), (1, 1, 1), (6, 6, 2)]:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(3)
            cell = nn.GRUCell(input_size, hidden).double()
        with torch.no_grad():  # 편향이 0 근처가 아니어야 게이트 실수가 드러납니다
            for p in cell.parameters():
                p.copy_(torch.randn(p.shape, generator=generator, dtype=torch.float64) * 0.7)
        x = torch.randn(batch, input_size, generator=generator, dtype=torch.float64)
        for label, h in [
            ("h = 임의 값", torch.randn(batch, hidden, generator=generator, dtype=torch.float64)),
            ("h = 0", torch.zeros(batch, hidden, dtype=torch.float64)),
        ]:
            inputs = [x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh]
            inputs = [t.detach().clone() for t in inputs]
            copies = [t.clone() for t in inputs]
            with torch.no_grad():
                expected = cell(x, h)
                got = gru_cell_step(*copies)
            what = f"batch={batch}, input={input_size}, hidden={hidden}, {label}: 새 은닉 상태"
            expect(
                isinstance(got, torch.Tensor),
                f"{what}: 텐서를 반환해야 합니다 (got {type(got).__name__})",
            )
            expect_shape(got, (batch, hidden), what)
            expect_close(got, expected, f"{what} (nn.GRUCell과 비교)", atol=1e-8)
            for name, before, after in zip(
                ["x", "h", "W_ih", "W_hh", "b_ih", "b_hh"], inputs, copies, strict=True
            ):
                expect_unchanged(before, after, f"{what}: 입력 {name}")


@register("models/03", 2, "LSTM 매개변수 수 공식 (lstm_param_count)")
def _check_lstm_param_count(lstm_param_count) -> None:
    expect_not_using(
        lstm_param_count,
        {"LSTM": "nn.LSTM", "LSTMCell": "nn.LSTMCell", "parameters": "model.parameters()"},
        "모델을 만들지 말고 공식으로",
    )
    cases = [
        (6, 32, 1, False),
        (1, 1, 1, False),
        (10, 20, 2, False),
        (6, 16, 2, True),
        (3, 7, 3, True),
        (5, 4, 1, True),
        (8, 3, 4, False),
        (2, 9, 3, False),
    ]
    for input_size, hidden, layers, bidirectional in cases:
        with torch.random.fork_rng(devices=[]):
            lstm = nn.LSTM(input_size, hidden, num_layers=layers, bidirectional=bidirectional)
        expected = sum(p.numel() for p in lstm.parameters())
        got = lstm_param_count(input_size, hidden, num_layers=layers, bidirectional=bidirectional)
        what = (
            f"nn.LSTM({input_size}, {hidden}, num_layers={layers}, "
            f"bidirectional={bidirectional})의 매개변수 수"
        )
        expect_type(got, "int", what)
        expect_equal(int(got), expected, what)


@register("models/03", 3, "패딩된 배치에서 마지막 유효 출력 (last_valid_output)")
def _check_last_valid_output(last_valid_output) -> None:
    generator = torch.Generator().manual_seed(5)
    cases = [  # (lengths, time, hidden, 패딩 값)
        (torch.tensor([3, 7, 1, 5]), 7, 3, "0"),
        (torch.tensor([7, 7]), 7, 3, "0"),  # 모두 최대 길이
        (torch.tensor([1]), 7, 3, "0"),  # 길이 1, 배치 1
        (torch.tensor([2, 6, 4]), 7, 3, "임의 값"),  # 패딩 자리가 0이 아님
        (torch.tensor([5, 2, 5, 1, 3]), 5, 4, "-1"),  # time = 최대 길이, 패딩 -1
    ]
    for lengths, time, hidden, pad in cases:
        batch = len(lengths)
        outputs = torch.randn(batch, time, hidden, generator=generator)
        for i, n in enumerate(lengths.tolist()):
            if pad == "0":
                outputs[i, n:] = 0.0  # pad_packed_sequence의 기본 padding_value
            elif pad == "-1":
                outputs[i, n:] = -1.0
        if pad == "0":
            outputs[0, 0] = 0.0  # 유효한 출력도 0일 수 있습니다
        expected = torch.stack([outputs[i, n - 1] for i, n in enumerate(lengths.tolist())])
        outputs_in, lengths_in = outputs.clone(), lengths.clone()
        got = last_valid_output(outputs_in, lengths_in)
        what = (
            f"lengths = {lengths.tolist()}, outputs {tuple(outputs.shape)}, "
            f"패딩 값 {pad}: 마지막 유효 출력"
        )
        expect_type(got, "tensor", what)
        expect_shape(got, (batch, hidden), what)
        expect_close(got, expected, what, atol=0.0, rtol=0.0)
        expect_unchanged(outputs, outputs_in, f"{what}: 입력 outputs")
        expect_unchanged(lengths, lengths_in, f"{what}: 입력 lengths")
