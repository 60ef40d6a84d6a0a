"""Small reference models that several notebooks reuse (after the notebook that teaches them).

models/02 builds a 1-D CNN for sensor windows step by step and models/03 a GRU classifier; later
notebooks (quantization, deployment) import these instead of re-typing them.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["GRUClassifier", "SensorCNN1d", "count_parameters"]


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    """Number of scalar parameters in ``model`` (only those with requires_grad if asked).

    Parameters shared between layers (weight tying) are counted once.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model은 nn.Module이어야 합니다; got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def _check_input(x: torch.Tensor, channels: int, layout: str) -> None:
    if x.ndim != 3 or x.shape[1 if layout == "bct" else 2] != channels:
        expected = "(batch, channels, time)" if layout == "bct" else "(batch, time, channels)"
        raise ValueError(
            f"입력 모양은 {expected}, channels={channels} 이어야 합니다; got {tuple(x.shape)}"
        )


class SensorCNN1d(nn.Module):
    """1-D CNN for multichannel sensor windows.

    Input ``(batch, in_channels, time)``, output logits ``(batch, n_classes)``:
    two Conv1d-BatchNorm-ReLU blocks, global average pooling over time, one Linear layer.
    """

    def __init__(
        self, in_channels: int, n_classes: int, hidden: int = 32, kernel_size: int = 5
    ) -> None:
        super().__init__()
        if min(in_channels, n_classes, hidden, kernel_size) < 1:
            raise ValueError(
                "in_channels, n_classes, hidden, kernel_size는 모두 1 이상이어야 합니다"
            )
        self.in_channels = in_channels
        padding = kernel_size // 2
        self.features = nn.Sequential(
            nn.Conv1d(in_channels, hidden, kernel_size, padding=padding),
            nn.BatchNorm1d(hidden),
            nn.ReLU(),
            nn.Conv1d(hidden, hidden, kernel_size, padding=padding),
            nn.BatchNorm1d(hidden),
            nn.ReLU(),
            nn.AdaptiveAvgPool1d(1),
        )
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_input(x, self.in_channels, "bct")
        return self.head(self.features(x).squeeze(-1))


class GRUClassifier(nn.Module):
    """One-layer GRU over time, classifying from the last hidden state.

    Input ``(batch, in_channels, time)`` (the same layout as :class:`SensorCNN1d`; it is
    transposed inside), output logits ``(batch, n_classes)``.
    """

    def __init__(self, in_channels: int, n_classes: int, hidden: int = 32) -> None:
        super().__init__()
        if min(in_channels, n_classes, hidden) < 1:
            raise ValueError("in_channels, n_classes, hidden은 모두 1 이상이어야 합니다")
        self.in_channels = in_channels
        self.gru = nn.GRU(in_channels, hidden, batch_first=True)
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_input(x, self.in_channels, "bct")
        _, last = self.gru(x.transpose(1, 2))
        return self.head(last[-1])
