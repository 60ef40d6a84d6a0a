"""Exercise checkers for models/03 (recurrent networks)."""

from __future__ import annotations

import torch
from torch import nn

from aiotkit.exercises.core import expect, expect_close, expect_equal, expect_shape, register


@register("models/03", 1, "GRU 셀 한 스텝을 손으로 (gru_cell_step)")
def _check_gru_cell_step(gru_cell_step) -> None:
    generator = torch.Generator().manual_seed(3)
    for batch, input_size, hidden in [(3, 4, 5), (1, 1, 1), (6, 6, 2)]:
        cell = nn.GRUCell(input_size, hidden).double()
        with torch.no_grad():  # 편향이 0 근처가 아니어야 게이트 실수가 드러납니다
            for p in cell.parameters():
                p.copy_(torch.randn(p.shape, generator=generator, dtype=torch.float64) * 0.7)
        x = torch.randn(batch, input_size, generator=generator, dtype=torch.float64)
        for label, h in [
            ("h = 임의 값", torch.randn(batch, hidden, generator=generator, dtype=torch.float64)),
            ("h = 0", torch.zeros(batch, hidden, dtype=torch.float64)),
        ]:
            with torch.no_grad():
                expected = cell(x, h)
                got = gru_cell_step(
                    x.clone(),
                    h.clone(),
                    cell.weight_ih.clone(),
                    cell.weight_hh.clone(),
                    cell.bias_ih.clone(),
                    cell.bias_hh.clone(),
                )
            what = f"batch={batch}, input={input_size}, hidden={hidden}, {label}: 새 은닉 상태"
            expect(
                isinstance(got, torch.Tensor),
                f"{what}: 텐서를 반환해야 합니다 (got {type(got).__name__})",
            )
            expect_shape(got, (batch, hidden), what)
            expect_close(got, expected, f"{what} (nn.GRUCell과 비교)", atol=1e-8)


@register("models/03", 2, "LSTM 매개변수 수 공식 (lstm_param_count)")
def _check_lstm_param_count(lstm_param_count) -> None:
    cases = [
        (6, 32, 1, False),
        (1, 1, 1, False),
        (10, 20, 2, False),
        (6, 16, 2, True),
        (3, 7, 3, True),
        (5, 4, 1, True),
    ]
    for input_size, hidden, layers, bidirectional in cases:
        lstm = nn.LSTM(input_size, hidden, num_layers=layers, bidirectional=bidirectional)
        expected = sum(p.numel() for p in lstm.parameters())
        got = lstm_param_count(input_size, hidden, num_layers=layers, bidirectional=bidirectional)
        what = (
            f"nn.LSTM({input_size}, {hidden}, num_layers={layers}, "
            f"bidirectional={bidirectional})의 매개변수 수"
        )
        expect(
            isinstance(got, int) or (isinstance(got, torch.Tensor) and got.numel() == 1),
            f"{what}: 정수를 반환해야 합니다 (got {type(got).__name__})",
        )
        expect_equal(int(got), expected, what)


@register("models/03", 3, "패딩된 배치에서 마지막 유효 출력 (last_valid_output)")
def _check_last_valid_output(last_valid_output) -> None:
    generator = torch.Generator().manual_seed(5)
    cases = [
        torch.tensor([3, 7, 1, 5]),
        torch.tensor([7, 7]),  # 모두 최대 길이
        torch.tensor([1]),  # 길이 1, 배치 1
        torch.tensor([2, 6, 4]),
    ]
    for lengths in cases:
        batch, time, hidden = len(lengths), 7, 3
        outputs = torch.randn(batch, time, hidden, generator=generator)
        for i, n in enumerate(lengths.tolist()):
            outputs[i, n:] = 0.0  # pad_packed_sequence처럼 패딩 자리는 0
        expected = torch.stack([outputs[i, n - 1] for i, n in enumerate(lengths.tolist())])
        got = last_valid_output(outputs.clone(), lengths.clone())
        what = f"lengths = {lengths.tolist()}, outputs {tuple(outputs.shape)}: 마지막 유효 출력"
        expect(
            isinstance(got, torch.Tensor),
            f"{what}: 텐서를 반환해야 합니다 (got {type(got).__name__})",
        )
        expect_shape(got, (batch, hidden), what)
        expect_close(got, expected, what, atol=0.0, rtol=0.0)
