"""Exercise checkers for advanced/02 (saving and loading models)."""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path

import torch
from torch import nn

from aiotkit.exercises.core import (
    CheckFailed,
    expect,
    expect_close,
    expect_equal,
    expect_type,
    expect_unchanged,
    register,
)


def _small_model(seed: int, batch_norm: bool = False) -> nn.Module:
    with torch.random.fork_rng(devices=[]):  # 노트북의 난수 상태를 건드리지 않습니다
        torch.manual_seed(seed)
        if batch_norm:  # 버퍼(running_mean 등)가 있는 모델
            return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2))
        return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))


def _train_steps(model: nn.Module, optimizer: torch.optim.Optimizer, steps: int, seed: int) -> None:
    generator = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        x = torch.randn(16, 4, generator=generator)
        y = torch.randint(0, 2, (16,), generator=generator)
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def _same_parameters(a: nn.Module, b: nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


@register("advanced/02", 1, "체크포인트 저장 (save_checkpoint)")
def _check_save_checkpoint(save_checkpoint) -> None:
    for epoch, optimizer_name, path_type in [(7, "Adam", Path), (0, "SGD+momentum", str)]:
        model = _small_model(0)
        if optimizer_name == "Adam":
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
        else:
            optimizer = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
        _train_steps(model, optimizer, 3, seed=1)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "checkpoint.pth"
            save_checkpoint(path_type(path), model, optimizer, epoch)
            expect(path.is_file(), "path에 파일이 만들어지지 않았습니다 (torch.save(..., path))")
            try:
                unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(path)
            except (RuntimeError, ValueError):
                # legacy (non-zip) files, e.g. _use_new_zipfile_serialization=False, cannot be
                # inspected this way; torch.load(weights_only=True) below still refuses anything
                # unsafe in them
                unsafe = []
            expect(
                unsafe == [],
                f"weights_only=True로 열 수 없는 객체가 들어 있습니다: {unsafe} — "
                "모델·옵티마이저 객체 대신 state_dict()를 저장하세요",
            )
            try:
                state = torch.load(path, weights_only=True)
            except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError) as exc:
                raise CheckFailed(
                    f"{optimizer_name}: torch.load(path, weights_only=True)가 파일을 열지 못했습니다 "
                    f"({type(exc).__name__}) — 모델·옵티마이저 객체 대신 state_dict()를 저장하세요"
                ) from None
        expect(
            isinstance(state, dict), f"사전(dict)을 저장해야 합니다 (got {type(state).__name__})"
        )
        missing = {"model", "optimizer", "epoch"} - set(state)
        expect(
            not missing, f"저장한 사전에 키 {sorted(missing)}가 없습니다 (받은 키 {sorted(state)})"
        )
        expect_type(state["epoch"], "int", f"{optimizer_name}: 저장된 epoch")
        expect_equal(state["epoch"], epoch, f"{optimizer_name}: 저장된 epoch")
        fresh = _small_model(123)
        fresh.load_state_dict(state["model"])
        expect(_same_parameters(fresh, model), f"{optimizer_name}: 불러온 가중치가 원래와 다릅니다")
        expect(
            isinstance(state["optimizer"], dict) and "state" in state["optimizer"],
            f"{optimizer_name}: 'optimizer'에는 optimizer.state_dict()를 저장하세요",
        )
        fresh_optimizer = type(optimizer)(fresh.parameters(), **optimizer.defaults)
        fresh_optimizer.load_state_dict(state["optimizer"])
        _train_steps(model, optimizer, 1, seed=2)
        _train_steps(fresh, fresh_optimizer, 1, seed=2)
        expect(
            _same_parameters(fresh, model),
            f"{optimizer_name}: 저장한 옵티마이저 상태로 한 스텝 더 학습한 결과가 원래와 다릅니다",
        )


@register("advanced/02", 2, "체크포인트 불러오기 (load_checkpoint)")
def _check_load_checkpoint(load_checkpoint) -> None:
    cases = [(5, "Adam", False, Path), (0, "SGD+momentum", True, str), (12, "Adam", True, Path)]
    for epoch, optimizer_name, batch_norm, path_type in cases:
        what = f"{optimizer_name}, epoch={epoch}" + (", BatchNorm 있는 모델" if batch_norm else "")

        def make_optimizer(model: nn.Module, name: str = optimizer_name) -> torch.optim.Optimizer:
            if name == "Adam":
                return torch.optim.Adam(model.parameters(), lr=1e-2)
            return torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)

        original = _small_model(0, batch_norm)
        optimizer = make_optimizer(original)
        _train_steps(original, optimizer, 3, seed=1)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "checkpoint.pth"
            torch.save(
                {
                    "model": original.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "epoch": epoch,
                },
                path,
            )
            restored = _small_model(99, batch_norm)  # 다른 초기값
            restored_optimizer = make_optimizer(restored)
            got = load_checkpoint(path_type(path), restored, restored_optimizer)
        expect_type(got, "int", f"{what}: 반환한 epoch")
        expect_equal(got, epoch, f"{what}: 반환한 epoch (저장된 값 그대로)")
        expect(
            _same_parameters(restored, original),
            f"{what}: 넘겨받은 model의 가중치와 버퍼가 체크포인트와 다릅니다 "
            "(model.load_state_dict(...)를 쓰세요)",
        )
        _train_steps(original, optimizer, 2, seed=2)
        _train_steps(restored, restored_optimizer, 2, seed=2)
        for (name, a), b in zip(
            original.state_dict().items(), restored.state_dict().values(), strict=True
        ):
            expect_close(
                b,
                a,
                f"{what}: 불러온 뒤 두 스텝 더 학습한 {name} (옵티마이저 상태도 불러왔나요?)",
                atol=1e-7,
            )


class _BundleNet(nn.Module):
    """The checker's model: a small MLP with a lot of dropout (eval() matters)."""

    def __init__(self, in_features: int, hidden: int, n_classes: int, dropout: float) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_features, hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, n_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


@register("advanced/02", 3, "번들로 추론하기 (predict_from_bundle)")
def _check_predict_from_bundle(predict_from_bundle) -> None:
    cases = [
        (
            {"in_features": 3, "hidden": 16, "n_classes": 2, "dropout": 0.5},
            [20.0, 45.0, 800.0],
            [2.0, 10.0, 300.0],
        ),
        (
            {"in_features": 5, "hidden": 8, "n_classes": 4, "dropout": 0.5},
            [0.0, -3.0, 1.0, 100.0, 5.0],
            [1.0, 0.5, 2.0, 50.0, 0.1],
        ),
    ]
    generator = torch.Generator().manual_seed(0)
    for (config, mean, std), batch in zip(cases * 2, [6, 6, 1, 1], strict=True):
        with torch.random.fork_rng(devices=[]):  # 노트북의 난수 상태를 건드리지 않습니다
            torch.manual_seed(1)
            model = _BundleNet(**config).eval()
        bundle = {
            "format_version": 1,
            "config": config,
            "state_dict": model.state_dict(),
            "normalization": {"mean": mean, "std": std},
            "classes": [f"class_{k}" for k in range(config["n_classes"])],
        }
        mean_t, std_t = torch.tensor(mean), torch.tensor(std)
        x_raw = mean_t + std_t * torch.randn(batch, config["in_features"], generator=generator)
        x_copy = x_raw.clone()
        with torch.no_grad():
            expected = model((x_raw - mean_t) / std_t)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bundle.pth"
            torch.save(bundle, path)
            first = predict_from_bundle(path, _BundleNet, x_raw)
            what = (
                f"입력 {config['in_features']}개, 클래스 {config['n_classes']}개 번들, "
                f"배치 {batch}개의 로짓"
            )
            expect_unchanged(x_copy, x_raw, f"{what}: 입력 x_raw")
            second = predict_from_bundle(str(path), _BundleNet, x_raw.clone())
        expect_type(first, "tensor", what)
        expect_close(first, expected, what, atol=1e-4, rtol=1e-4)
        expect_close(
            second, first, f"{what}: 같은 입력의 두 번째 예측 (eval()을 했나요?)", atol=1e-6
        )
