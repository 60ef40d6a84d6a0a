"""Reference, wrong and alternative answers for models/02 (convolutional networks)."""

import math

import numpy as np
import torch
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


def causal_conv1d(x, weight, bias, dilation):
    k = weight.shape[-1]
    return F.conv1d(F.pad(x, ((k - 1) * dilation, 0)), weight, bias, dilation=dilation)


# --- correct alternatives ---
def conv2d_output_shape_floor(
    input_shape, out_channels, kernel_size, stride=1, padding=0, dilation=1
):  # math.floor on a true division, one dimension at a time
    def size(n, k, s, p, d):
        return math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1

    k, s, p, d = (
        v if isinstance(v, tuple) else (v, v) for v in (kernel_size, stride, padding, dilation)
    )
    h = size(input_shape[2], k[0], s[0], p[0], d[0])
    w = size(input_shape[3], k[1], s[1], p[1], d[1])
    return (input_shape[0], out_channels, h, w)


def conv2d_output_shape_numpy(
    input_shape, out_channels, kernel_size, stride=1, padding=0, dilation=1
):  # NumPy broadcasting; the sizes are np.int64
    k, s, p, d = (np.broadcast_to(v, 2) for v in (kernel_size, stride, padding, dilation))
    hw = (np.array(input_shape[2:]) + 2 * p - d * (k - 1) - 1) // s + 1
    return (input_shape[0], out_channels, hw[0], hw[1])


def conv2d_unfold_einsum(x, weight, bias, stride, padding):  # einsum over the unfolded patches
    n, _, h, w = x.shape
    out_channels, _, kh, kw = weight.shape
    cols = F.unfold(x, (kh, kw), stride=stride, padding=padding)
    out = torch.einsum("ok,nkl->nol", weight.flatten(1), cols)
    if bias is not None:
        out += bias.view(1, -1, 1)
    return out.view(n, out_channels, (h + 2 * padding - kh) // stride + 1, -1)


def conv2d_unfold_tensor_unfold(x, weight, bias, stride, padding):  # pad + Tensor.unfold twice
    xp = F.pad(x, (padding,) * 4)
    kh, kw = weight.shape[2:]
    patches = xp.unfold(2, kh, stride).unfold(3, kw, stride)  # (N, C, H', W', kh, kw)
    out = torch.einsum("nchwij,ocij->nohw", patches, weight)
    return out if bias is None else out + bias[None, :, None, None]


def freeze_via_modules(model):  # requires_grad_ on whole modules
    model.requires_grad_(False)
    model.head.requires_grad_(True)
    return model


def freeze_by_name(model):  # parameter names start with "head."
    for name, p in model.named_parameters():
        p.requires_grad = name.startswith("head.")
    return model


def causal_conv1d_crop(x, weight, bias, dilation):  # pad both sides, keep the first T outputs
    k = weight.shape[-1]
    out = F.conv1d(x, weight, bias, padding=(k - 1) * dilation, dilation=dilation)
    return out[..., : x.shape[-1]]


def causal_conv1d_loop(x, weight, bias, dilation):  # sum of shifted copies, one tap at a time
    k = weight.shape[-1]
    time = x.shape[-1]
    out = torch.zeros(x.shape[0], weight.shape[0], time, dtype=x.dtype)
    for i in range(k):
        shift = (k - 1 - i) * dilation  # tap i looks `shift` steps into the past
        if shift >= time:
            continue
        past = F.pad(x, (shift, 0))[..., :time]
        out = out + torch.einsum("oc,nct->not", weight[:, :, i], past)
    return out if bias is None else out + bias[:, None]


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


def conv2d_output_shape_ceil(
    input_shape, out_channels, kernel_size, stride=1, padding=0, dilation=1
):  # value: rounds up instead of down
    n, _, h, w = input_shape
    k, s, p, d = _pair(kernel_size), _pair(stride), _pair(padding), _pair(dilation)
    size = [
        math.ceil((dim + 2 * p[i] - d[i] * (k[i] - 1) - 1) / s[i]) + 1
        for i, dim in enumerate((h, w))
    ]
    return (n, out_channels, size[0], size[1])


def conv2d_output_shape_builds_layer(
    input_shape, out_channels, kernel_size, stride=1, padding=0, dilation=1
):  # rule: runs an nn.Conv2d instead of the formula
    layer = nn.Conv2d(input_shape[1], out_channels, kernel_size, stride, padding, dilation)
    return tuple(layer(torch.zeros(input_shape)).shape)


def conv2d_output_shape_tensor_sizes(
    input_shape, out_channels, kernel_size, stride=1, padding=0, dilation=1
):  # type: sizes are 0-d tensors
    n, out, h, w = conv2d_output_shape(
        input_shape, out_channels, kernel_size, stride, padding, dilation
    )
    return (n, out, torch.tensor(h), torch.tensor(w))


def conv2d_unfold_uses_conv2d(x, weight, bias, stride, padding):  # rule: F.conv2d
    return F.conv2d(x, weight, bias, stride=stride, padding=padding)


def conv2d_unfold_channels_last_flatten(x, weight, bias, stride, padding):
    # value: flattens the kernel as (kh, kw, C) but unfold orders it (C, kh, kw)
    n, _, h, w = x.shape
    out_channels, _, kh, kw = weight.shape
    cols = F.unfold(x, (kh, kw), stride=stride, padding=padding)
    out = weight.permute(0, 2, 3, 1).reshape(out_channels, -1) @ cols
    if bias is not None:
        out = out + bias[:, None]
    h_out = (h + 2 * padding - kh) // stride + 1
    return out.reshape(n, out_channels, h_out, -1)


def conv2d_unfold_bias_in_place(
    x, weight, bias, stride, padding
):  # effect: zeroes the caller's bias in place
    if padding:
        x = F.pad(x, (padding,) * 4)
    out = conv2d_unfold(x, weight, None, stride, 0)
    if bias is not None:
        out += bias.view(1, -1, 1, 1)
        bias.zero_()  # "used up" the bias
    return out


def freeze_only_features(model):  # value: assumes the body is called `features`
    features = getattr(model, "features", model.stem if hasattr(model, "stem") else None)
    for p in features.parameters():
        p.requires_grad_(False)
    return model


def freeze_and_replace_head(model):  # effect: a new head throws away the learned weights
    model.requires_grad_(False)
    head = model.head
    if isinstance(head, nn.Linear):
        model.head = nn.Linear(head.in_features, head.out_features)
    else:
        model.head = nn.Sequential(
            *(
                type(m)() if not list(m.parameters()) else nn.Linear(m.in_features, m.out_features)
                for m in head
            )
        )
    return model


def freeze_forgets_return(model):  # value: returns None
    freeze_via_modules(model)


def causal_conv1d_same_padding(x, weight, bias, dilation):  # value: "same" padding sees the future
    return F.conv1d(x, weight, bias, padding="same", dilation=dilation)


def causal_conv1d_pad_right(x, weight, bias, dilation):  # value: pads the end → looks ahead
    k = weight.shape[-1]
    return F.conv1d(F.pad(x, (0, (k - 1) * dilation)), weight, bias, dilation=dilation)


def causal_conv1d_ignores_dilation_in_padding(x, weight, bias, dilation):  # shape: pads k − 1 only
    k = weight.shape[-1]
    return F.conv1d(F.pad(x, (k - 1, 0)), weight, bias, dilation=dilation)


def causal_conv1d_crop_wrong_end(x, weight, bias, dilation):  # value: keeps the last T outputs
    k = weight.shape[-1]
    out = F.conv1d(x, weight, bias, padding=(k - 1) * dilation, dilation=dilation)
    return out[..., -x.shape[-1] :]


def causal_conv1d_no_dilation(x, weight, bias, dilation):  # value: dilation forgotten
    k = weight.shape[-1]
    return F.conv1d(F.pad(x, ((k - 1) * dilation, 0)), weight, bias)[..., : x.shape[-1]]


def causal_conv1d_replicate_pad(x, weight, bias, dilation):  # value: repeats x[0] instead of 0
    k = weight.shape[-1]
    pad = (k - 1) * dilation
    return F.conv1d(F.pad(x, (pad, 0), mode="replicate"), weight, bias, dilation=dilation)


REFERENCE = {
    1: conv2d_output_shape,
    2: conv2d_unfold,
    3: freeze_except_head,
    4: causal_conv1d,
}
WRONG = {
    1: [
        conv2d_output_shape_no_floor,
        conv2d_output_shape_one_padding,
        conv2d_output_shape_no_dilation,
        conv2d_output_shape_ceil,
        conv2d_output_shape_builds_layer,
        conv2d_output_shape_tensor_sizes,
    ],
    2: [
        conv2d_unfold_flipped,
        conv2d_unfold_ignores_stride,
        conv2d_unfold_no_bias,
        conv2d_unfold_uses_conv2d,
        conv2d_unfold_channels_last_flatten,
        conv2d_unfold_bias_in_place,
    ],
    3: [
        freeze_everything,
        freeze_only_weights,
        freeze_without_unfreezing_head,
        freeze_only_features,
        freeze_and_replace_head,
        freeze_forgets_return,
    ],
    4: [
        causal_conv1d_same_padding,
        causal_conv1d_pad_right,
        causal_conv1d_ignores_dilation_in_padding,
        causal_conv1d_crop_wrong_end,
        causal_conv1d_no_dilation,
        causal_conv1d_replicate_pad,
    ],
}
ALTERNATIVES = {
    1: [conv2d_output_shape_floor, conv2d_output_shape_numpy],
    2: [conv2d_unfold_einsum, conv2d_unfold_tensor_unfold],
    3: [freeze_via_modules, freeze_by_name],
    4: [causal_conv1d_crop, causal_conv1d_loop],
}
