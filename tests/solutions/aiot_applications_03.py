"""Reference solutions for aiot_applications/03 (model quantization and pruning)."""

import torch


def quantize_symmetric(x):
    peak = x.abs().max().item() if x.numel() else 0.0
    scale = peak / 127 if peak > 0 else 1.0
    q = torch.clamp(torch.round(x / scale), -127, 127).to(torch.int8)
    return q, scale


def magnitude_mask(weight, sparsity):
    k = round(sparsity * weight.numel())
    mask = torch.ones_like(weight)
    if k > 0:
        smallest = torch.topk(weight.abs().flatten(), k, largest=False).indices
        mask.view(-1)[smallest] = 0
    return mask


def state_dict_bytes(state_dict):
    return sum(t.numel() * t.element_size() for t in state_dict.values())


# --- plausible wrong answers ---
def quantize_truncate(x):  # no rounding: .to(int8) truncates toward zero
    peak = x.abs().max().item()
    scale = peak / 127 if peak > 0 else 1.0
    return (x / scale).to(torch.int8), scale


def quantize_128(x):  # divides by 128 and does not clamp: +max becomes 128, wraps to -128
    peak = x.abs().max().item()
    scale = peak / 128 if peak > 0 else 1.0
    return torch.round(x / scale).to(torch.int8), scale


def quantize_zero_division(x):  # forgets the all-zero case: scale 0 → NaN
    scale = x.abs().max().item() / 127
    return torch.clamp(torch.round(x / scale), -127, 127).nan_to_num(0).to(torch.int8), scale


def quantize_min_max(x):  # asymmetric range without a zero-point
    scale = (x.max() - x.min()).item() / 255 or 1.0
    return torch.clamp(torch.round(x / scale), -127, 127).to(torch.int8), scale


def mask_largest(weight, sparsity):  # removes the largest weights instead of the smallest
    k = round(sparsity * weight.numel())
    mask = torch.ones_like(weight)
    if k > 0:
        mask.view(-1)[torch.topk(weight.abs().flatten(), k).indices] = 0
    return mask


def mask_int_k(weight, sparsity):  # int() instead of round(): prunes one too few
    k = int(sparsity * weight.numel())
    mask = torch.ones_like(weight)
    if k > 0:
        mask.view(-1)[torch.topk(weight.abs().flatten(), k, largest=False).indices] = 0
    return mask


def mask_signed(weight, sparsity):  # smallest values, not smallest magnitudes
    k = round(sparsity * weight.numel())
    mask = torch.ones_like(weight)
    if k > 0:
        mask.view(-1)[torch.topk(weight.flatten(), k, largest=False).indices] = 0
    return mask


def bytes_numel(state_dict):  # counts elements, not bytes
    return sum(t.numel() for t in state_dict.values())


def bytes_four_each(state_dict):  # assumes every dtype is 4 bytes
    return sum(4 * t.numel() for t in state_dict.values())


def bytes_torch_save(state_dict):  # file size includes serialisation overhead
    import io

    buffer = io.BytesIO()
    torch.save(state_dict, buffer)
    return buffer.getbuffer().nbytes


REFERENCE = {1: quantize_symmetric, 2: magnitude_mask, 3: state_dict_bytes}
WRONG = {
    1: [quantize_truncate, quantize_128, quantize_zero_division, quantize_min_max],
    2: [mask_largest, mask_int_k, mask_signed],
    3: [bytes_numel, bytes_four_each, bytes_torch_save],
}
