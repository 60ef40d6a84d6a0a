"""Reference, wrong and alternative answers for aiot_applications/03 (quantization, pruning)."""

import math
import sys

import numpy as np
import torch
from torch.nn.utils import prune


def quantize_symmetric(x, scale=None):
    if scale is None:
        peak = x.abs().max().item()
        scale = peak / 127 if peak > 0 else 1.0
    q = torch.clamp(torch.round(x / scale), -127, 127).to(torch.int8)
    return q, scale


def magnitude_mask(weight, sparsity):
    k = round(sparsity * weight.numel())
    mask = torch.ones_like(weight, requires_grad=False)
    if k > 0:
        smallest = torch.topk(weight.detach().abs().flatten(), k, largest=False).indices
        mask.view(-1)[smallest] = 0
    return mask


def state_dict_bytes(state_dict):
    return sum(t.numel() * t.element_size() for t in state_dict.values())


# --- plausible wrong answers: exercise 1 ---
def quantize_truncate(x, scale=None):  # no rounding: .to(int8) truncates toward zero
    if scale is None:
        peak = x.abs().max().item()
        scale = peak / 127 if peak > 0 else 1.0
    return torch.clamp(x / scale, -127, 127).to(torch.int8), scale


def quantize_128(x, scale=None):  # divides by 128 and does not clamp
    if scale is None:
        peak = x.abs().max().item()
        scale = peak / 128 if peak > 0 else 1.0
    return torch.round(x / scale).to(torch.int8), scale


def quantize_zero_division(x, scale=None):  # forgets the all-zero case: scale 0 → NaN
    if scale is None:
        scale = x.abs().max().item() / 127
    q = torch.clamp(torch.round(x / scale), -127, 127).nan_to_num(0).to(torch.int8)
    return q, scale


def quantize_x_max(x, scale=None):  # max(x) instead of max(|x|): breaks on negative-only ranges
    if scale is None:
        scale = x.max().item() / 127 or 1.0
    return torch.clamp(torch.round(x / scale), -127, 127).to(torch.int8), scale


def quantize_ignores_given_scale(x, scale=None):  # always recomputes the scale
    peak = x.abs().max().item()
    scale = peak / 127 if peak > 0 else 1.0
    return torch.clamp(torch.round(x / scale), -127, 127).to(torch.int8), scale


def quantize_clamp_128(x, scale=None):  # int8's full range: -128 is not symmetric
    if scale is None:
        peak = x.abs().max().item()
        scale = peak / 127 if peak > 0 else 1.0
    return torch.clamp(torch.round(x / scale), -128, 127).to(torch.int8), scale


def quantize_in_place(x, scale=None):  # divides the caller's tensor in place
    if scale is None:
        peak = x.abs().max().item()
        scale = peak / 127 if peak > 0 else 1.0
    x.div_(scale).round_().clamp_(-127, 127)
    return x.to(torch.int8), scale


def quantize_tensor_scale(x, scale=None):  # scale stays a 0-d tensor
    if scale is None:
        peak = x.abs().max()
        scale = peak / 127 if peak > 0 else torch.tensor(1.0)
    return torch.clamp(torch.round(x / scale), -127, 127).to(torch.int8), scale


def quantize_per_row(x, scale=None):  # per-channel maxima where one per-tensor scale is asked
    if scale is None:
        peak = x.abs().amax(dim=-1, keepdim=True) if x.dim() > 1 else x.abs().max()
        scale_t = torch.where(peak > 0, peak / 127, torch.ones_like(peak))
        q = torch.clamp(torch.round(x / scale_t), -127, 127).to(torch.int8)
        return q, scale_t.max().item()
    return torch.clamp(torch.round(x / scale), -127, 127).to(torch.int8), scale


# --- exercise 2 ---
def mask_largest(weight, sparsity):  # removes the largest weights instead of the smallest
    k = round(sparsity * weight.numel())
    mask = torch.ones_like(weight, requires_grad=False)
    if k > 0:
        mask.view(-1)[torch.topk(weight.detach().abs().flatten(), k).indices] = 0
    return mask


def mask_int_k(weight, sparsity):  # int() instead of round(): prunes one too few
    k = int(sparsity * weight.numel())
    mask = torch.ones_like(weight, requires_grad=False)
    if k > 0:
        mask.view(-1)[torch.topk(weight.detach().abs().flatten(), k, largest=False).indices] = 0
    return mask


def mask_signed(weight, sparsity):  # smallest values, not smallest magnitudes
    k = round(sparsity * weight.numel())
    mask = torch.ones_like(weight, requires_grad=False)
    if k > 0:
        mask.view(-1)[torch.topk(weight.detach().flatten(), k, largest=False).indices] = 0
    return mask


def mask_bool(weight, sparsity):  # a bool mask where 0.0/1.0 floats are asked
    k = round(sparsity * weight.numel())
    keep = torch.ones(weight.shape, dtype=torch.bool)
    if k > 0:
        keep.view(-1)[torch.topk(weight.detach().abs().flatten(), k, largest=False).indices] = False
    return keep


def mask_per_row(weight, sparsity):  # prunes the same fraction of every row, not globally
    w = weight.detach().abs().reshape(weight.shape[0], -1)
    k = round(sparsity * w.shape[1])
    mask = torch.ones_like(w)
    if k > 0:
        mask.scatter_(1, torch.topk(w, k, dim=1, largest=False).indices, 0.0)
    return mask.reshape(weight.shape)


def mask_zeroes_weight(weight, sparsity):  # prunes the caller's weight in place as well
    k = round(sparsity * weight.numel())
    mask = torch.ones_like(weight, requires_grad=False)
    if k > 0:
        idx = torch.topk(weight.detach().abs().flatten(), k, largest=False).indices
        mask.view(-1)[idx] = 0
        with torch.no_grad():
            weight.mul_(mask)
    return mask


def mask_numpy(weight, sparsity):  # .numpy() on a Parameter that requires grad raises
    w = weight.numpy()
    k = round(sparsity * w.size)
    mask = np.ones(w.size, dtype=np.float32)
    mask[np.argsort(np.abs(w).ravel())[:k]] = 0
    return torch.from_numpy(mask.reshape(w.shape))


# --- exercise 3 ---
def bytes_numel(state_dict):  # counts elements, not bytes
    return sum(t.numel() for t in state_dict.values())


def bytes_four_each(state_dict):  # assumes every dtype is 4 bytes
    return sum(4 * t.numel() for t in state_dict.values())


def bytes_torch_save(state_dict):  # file size includes serialisation overhead
    import io

    buffer = io.BytesIO()
    torch.save(state_dict, buffer)
    return buffer.getbuffer().nbytes


def bytes_storage(state_dict):  # a view's storage is the whole big tensor
    return sum(t.untyped_storage().nbytes() for t in state_dict.values())


def bytes_np_sum(state_dict):  # np.sum of an empty list is the float 0.0
    return np.sum([t.nbytes for t in state_dict.values()])


def bytes_float_only(state_dict):  # skips integer buffers like num_batches_tracked
    return sum(t.nbytes for t in state_dict.values() if t.is_floating_point())


def bytes_getsizeof(state_dict):  # Python object size, not the data
    return sum(sys.getsizeof(t) for t in state_dict.values())


# --- correct alternatives ---
def quantize_numpy(x, scale=None):
    a = x.detach().numpy()
    if scale is None:
        peak = float(np.abs(a).max())
        scale = peak / 127 if peak != 0 else 1.0
    q = np.clip(np.rint(a / np.float32(scale)), -127, 127).astype(np.int8)
    return torch.from_numpy(q), float(scale)


def quantize_per_tensor_api(x, scale=None):
    if scale is None:
        scale = x.abs().max().item() / 127 or 1.0
    q = torch.quantize_per_tensor(x, scale, 0, torch.qint8).int_repr()
    return q.clamp(-127, 127), scale


def quantize_where(x, scale=None):
    scale = scale if scale is not None else (x.abs().amax().item() / 127 if x.any() else 1.0)
    r = torch.round(x / scale)
    r = torch.where(r > 127, torch.tensor(127.0), r)
    r = torch.where(r < -127, torch.tensor(-127.0), r)
    return r.type(torch.int8), scale


def mask_sort_threshold(weight, sparsity):
    w = weight.detach().abs()
    k = round(sparsity * w.numel())
    if k == 0:
        return torch.ones_like(w)
    cutoff = w.flatten().sort().values[k - 1]
    return (w > cutoff).float()


def mask_prune_api(weight, sparsity):
    method = prune.L1Unstructured(amount=sparsity)
    w = weight.detach()
    return method.compute_mask(w, default_mask=torch.ones_like(w))


def mask_argsort_numpy(weight, sparsity):
    w = weight.detach().cpu().numpy()
    k = round(sparsity * w.size)
    mask = np.ones(w.size, dtype=np.float32)
    mask[np.argsort(np.abs(w), axis=None)[:k]] = 0.0
    return torch.from_numpy(mask).reshape(weight.shape)


def bytes_nbytes(state_dict):
    total = 0
    for tensor in state_dict.values():
        total += tensor.nbytes
    return total


def bytes_itemsize_prod(state_dict):
    return sum(math.prod(t.shape) * t.dtype.itemsize for t in state_dict.values())


REFERENCE = {1: quantize_symmetric, 2: magnitude_mask, 3: state_dict_bytes}
WRONG = {
    1: [
        quantize_truncate,
        quantize_128,
        quantize_zero_division,
        quantize_x_max,
        quantize_ignores_given_scale,
        quantize_clamp_128,
        quantize_in_place,
        quantize_tensor_scale,
        quantize_per_row,
    ],
    2: [
        mask_largest,
        mask_int_k,
        mask_signed,
        mask_bool,
        mask_per_row,
        mask_zeroes_weight,
        mask_numpy,
    ],
    3: [
        bytes_numel,
        bytes_four_each,
        bytes_torch_save,
        bytes_storage,
        bytes_np_sum,
        bytes_float_only,
        bytes_getsizeof,
    ],
}
ALTERNATIVES = {
    1: [quantize_numpy, quantize_per_tensor_api, quantize_where],
    2: [mask_sort_threshold, mask_prune_api, mask_argsort_numpy],
    3: [bytes_nbytes, bytes_itemsize_prod],
}
