"""Reference solutions for models/02 (convolutional networks)."""

import torch.nn.functional as F
from torch import nn


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def conv2d_output_shape(input_shape, out_channels, kernel_size, stride=1, padding=0, dilation=1):
    n, _, h, w = input_shape
    k, s, p, d = _pair(kernel_size), _pair(stride), _pair(padding), _pair(dilation)
    size = [(dim + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i, dim in enumerate((h, w))]
    return (n, out_channels, size[0], size[1])


def conv2d_unfold(x, weight, bias, stride, padding):
    n, _, h, w = x.shape
    out_channels, _, kh, kw = weight.shape
    cols = F.unfold(x, (kh, kw), stride=stride, padding=padding)  # (N, C*kh*kw, L)
    out = weight.reshape(out_channels, -1) @ cols  # (N, out_channels, L)
    if bias is not None:
        out = out + bias[:, None]
    h_out = (h + 2 * padding - kh) // stride + 1
    w_out = (w + 2 * padding - kw) // stride + 1
    return out.reshape(n, out_channels, h_out, w_out)


def freeze_except_head(model):
    for p in model.parameters():
        p.requires_grad_(False)
    for p in model.head.parameters():
        p.requires_grad_(True)
    return model


def make_sensor_cnn(in_channels, n_classes):
    return nn.Sequential(
        nn.Conv1d(in_channels, 16, 5, padding=2),
        nn.BatchNorm1d(16),
        nn.ReLU(),
        nn.AdaptiveAvgPool1d(1),
        nn.Flatten(),
        nn.Linear(16, n_classes),
    )


# --- plausible wrong answers ---
def conv2d_output_shape_no_floor(
    input_shape, out_channels, kernel_size, stride=1, padding=0, dilation=1
):
    n, _, h, w = input_shape
    k, s, p, d = _pair(kernel_size), _pair(stride), _pair(padding), _pair(dilation)
    size = [(dim + 2 * p[i] - d[i] * (k[i] - 1) - 1) / s[i] + 1 for i, dim in enumerate((h, w))]
    return (n, out_channels, size[0], size[1])


def conv2d_output_shape_one_padding(
    input_shape, out_channels, kernel_size, stride=1, padding=0, dilation=1
):
    n, _, h, w = input_shape  # pads only one side
    k, s, p, d = _pair(kernel_size), _pair(stride), _pair(padding), _pair(dilation)
    size = [(dim + p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i, dim in enumerate((h, w))]
    return (n, out_channels, size[0], size[1])


def conv2d_output_shape_no_dilation(
    input_shape, out_channels, kernel_size, stride=1, padding=0, dilation=1
):
    n, _, h, w = input_shape
    k, s, p = _pair(kernel_size), _pair(stride), _pair(padding)
    size = [(dim + 2 * p[i] - k[i]) // s[i] + 1 for i, dim in enumerate((h, w))]
    return (n, out_channels, size[0], size[1])


def conv2d_unfold_flipped(x, weight, bias, stride, padding):  # true convolution, not PyTorch's
    return conv2d_unfold(x, weight.flip(2, 3), bias, stride, padding)


def conv2d_unfold_ignores_stride(x, weight, bias, stride, padding):
    return conv2d_unfold(x, weight, bias, 1, padding)


def conv2d_unfold_no_bias(x, weight, bias, stride, padding):
    return conv2d_unfold(x, weight, None, stride, padding)


def freeze_everything(model):
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def freeze_only_weights(model):  # biases and norm parameters stay trainable
    for name, p in model.named_parameters():
        if not name.startswith("head") and name.endswith("weight"):
            p.requires_grad_(False)
    return model


def freeze_without_unfreezing_head(model):  # forgets that the head may have been frozen
    for name, p in model.named_parameters():
        if not name.startswith("head"):
            p.requires_grad_(False)
    return model


def make_sensor_cnn_flatten(in_channels, n_classes):  # only works for windows of length 100
    return nn.Sequential(
        nn.Conv1d(in_channels, 8, 5, padding=2),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(8 * 100, n_classes),
    )


class _NoPooling(nn.Module):
    def __init__(self, in_channels, n_classes):
        super().__init__()
        self.conv = nn.Conv1d(in_channels, n_classes, 5, padding=2)

    def forward(self, x):
        return self.conv(x)  # (batch, n_classes, time): forgot global pooling


def make_sensor_cnn_no_pooling(in_channels, n_classes):
    return _NoPooling(in_channels, n_classes)


REFERENCE = {
    1: conv2d_output_shape,
    2: conv2d_unfold,
    3: freeze_except_head,
    4: make_sensor_cnn,
}
WRONG = {
    1: [
        conv2d_output_shape_no_floor,
        conv2d_output_shape_one_padding,
        conv2d_output_shape_no_dilation,
    ],
    2: [conv2d_unfold_flipped, conv2d_unfold_ignores_stride, conv2d_unfold_no_bias],
    3: [freeze_everything, freeze_only_weights, freeze_without_unfreezing_head],
    4: [make_sensor_cnn_flatten, make_sensor_cnn_no_pooling],
}
