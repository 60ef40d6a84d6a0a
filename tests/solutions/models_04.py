"""Reference, wrong and alternative answers for models/04 (attention and transformers)."""

import math

import numpy as np
import torch
import torch.nn.functional as F


def local_causal_mask(n, window):
    rows = torch.arange(n)[:, None]
    cols = torch.arange(n)[None, :]
    return (cols <= rows) & (rows - cols < window)


def padded_attention(q, k, v, key_padding_mask):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    scores = scores.masked_fill(key_padding_mask[:, None, :], float("-inf"))
    return scores.softmax(dim=-1) @ v


def patchify(x, patch_len):
    batch, channels, time = x.shape
    n_patches = time // patch_len
    x = x[..., : n_patches * patch_len].reshape(batch, channels, n_patches, patch_len)
    return x.permute(0, 2, 1, 3).reshape(batch, n_patches, channels * patch_len)


# --- plausible wrong answers ---
def mask_full_causal(n, window):  # ignores the window
    return torch.ones(n, n, dtype=torch.bool).tril()


def mask_off_by_one(n, window):  # i - j <= window lets one step too many through
    rows = torch.arange(n)[:, None]
    cols = torch.arange(n)[None, :]
    return (cols <= rows) & (rows - cols <= window)


def mask_mha_convention(n, window):  # True = masked out (nn.MultiheadAttention's rule)
    return ~local_causal_mask(n, window)


def mask_band_both_sides(n, window):  # lets positions see the future too
    rows = torch.arange(n)[:, None]
    cols = torch.arange(n)[None, :]
    return (rows - cols).abs() < window


def attention_inverted_mask(q, k, v, key_padding_mask):  # fills the real keys with -inf
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    scores = scores.masked_fill(~key_padding_mask[:, None, :], float("-inf"))
    return scores.softmax(dim=-1) @ v


def attention_no_scaling(q, k, v, key_padding_mask):  # forgets 1/sqrt(d)
    scores = q @ k.transpose(-2, -1)
    scores = scores.masked_fill(key_padding_mask[:, None, :], float("-inf"))
    return scores.softmax(dim=-1) @ v


def attention_ignores_mask(q, k, v, key_padding_mask):  # attends to the padding
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    return scores.softmax(dim=-1) @ v


def attention_mask_zero_scores(q, k, v, key_padding_mask):  # score 0 is not "never"
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    scores = scores.masked_fill(key_padding_mask[:, None, :], 0.0)
    return scores.softmax(dim=-1) @ v


def patchify_plain_reshape(x, patch_len):  # mixes time steps of different channels
    batch, channels, time = x.shape
    n_patches = time // patch_len
    x = x[..., : n_patches * patch_len]
    return x.reshape(batch, n_patches, channels * patch_len)


def patchify_time_major(x, patch_len):  # flattens time-major: (patch_len, channels)
    batch, channels, time = x.shape
    n_patches = time // patch_len
    x = x[..., : n_patches * patch_len].reshape(batch, channels, n_patches, patch_len)
    return x.permute(0, 2, 3, 1).reshape(batch, n_patches, channels * patch_len)


def mask_additive_float(n, window):  # type: an additive float mask (0 / -inf), not bool
    mask = torch.zeros(n, n)
    return mask.masked_fill(~local_causal_mask(n, window), float("-inf"))


def mask_numpy(n, window):  # type: a NumPy array
    rows, cols = np.ogrid[:n, :n]
    return (cols <= rows) & (rows - cols < window)


def local_causal_mask_tril(n, window):  # two tril calls
    ones = torch.ones(n, n, dtype=torch.bool)
    return ones.tril() & ~ones.tril(-window)


def local_causal_mask_loop(n, window):  # a double loop
    mask = torch.zeros(n, n, dtype=torch.bool)
    for i in range(n):
        for j in range(max(0, i - window + 1), i + 1):
            mask[i, j] = True
    return mask


def attention_uses_sdpa(q, k, v, key_padding_mask):  # rule: F.scaled_dot_product_attention
    return F.scaled_dot_product_attention(q, k, v, attn_mask=~key_padding_mask[:, None, :])


def attention_scales_q_in_place(q, k, v, key_padding_mask):  # effect: divides the caller's q
    q /= math.sqrt(q.shape[-1])
    scores = (q @ k.transpose(-2, -1)).masked_fill(key_padding_mask[:, None, :], float("-inf"))
    return scores.softmax(dim=-1) @ v


def attention_softmax_over_queries(q, k, v, key_padding_mask):  # value: softmax on dim=1
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    scores = scores.masked_fill(key_padding_mask[:, None, :], float("-inf"))
    return torch.nan_to_num(scores.softmax(dim=1)) @ v


def padded_attention_where(q, k, v, key_padding_mask):  # torch.where + a large negative number
    scores = torch.einsum("bld,bsd->bls", q, k) / q.shape[-1] ** 0.5
    scores = torch.where(key_padding_mask.unsqueeze(1), torch.tensor(-1e9, dtype=q.dtype), scores)
    return torch.softmax(scores, dim=-1) @ v


def padded_attention_manual_softmax(q, k, v, key_padding_mask):  # exp, zero the padding, normalise
    scores = q @ k.transpose(1, 2) / math.sqrt(q.shape[-1])
    scores = scores - scores.max(dim=-1, keepdim=True).values
    weights = scores.exp() * (~key_padding_mask)[:, None, :]
    return (weights / weights.sum(dim=-1, keepdim=True)) @ v


def patchify_keeps_remainder(x, patch_len):  # value: zero-pads the last partial patch
    batch, channels, time = x.shape
    n_patches = -(-time // patch_len)
    x = F.pad(x, (0, n_patches * patch_len - time))
    return patchify(x, patch_len)


def patchify_overlapping(x, patch_len):  # value: Tensor.unfold with step 1 → overlapping patches
    patches = x.unfold(2, patch_len, 1)[:, :, : x.shape[2] // patch_len]
    return patches.permute(0, 2, 1, 3).flatten(2)


def patchify_channels_as_tokens(x, patch_len):  # shape: (batch, channels·patch_len, n_patches)
    return patchify(x, patch_len).transpose(1, 2)


def patchify_unfold(x, patch_len):  # Tensor.unfold with step = patch_len
    patches = x.unfold(2, patch_len, patch_len)  # (batch, channels, n_patches, patch_len)
    return patches.transpose(1, 2).flatten(2)


def patchify_loop(x, patch_len):  # a loop over patches
    n_patches = x.shape[2] // patch_len
    tokens = [
        x[:, :, n * patch_len : (n + 1) * patch_len].reshape(x.shape[0], -1)
        for n in range(n_patches)
    ]
    return torch.stack(tokens, dim=1)


REFERENCE = {1: local_causal_mask, 2: padded_attention, 3: patchify}
WRONG = {
    1: [
        mask_full_causal,
        mask_off_by_one,
        mask_mha_convention,
        mask_band_both_sides,
        mask_additive_float,
        mask_numpy,
    ],
    2: [
        attention_inverted_mask,
        attention_no_scaling,
        attention_ignores_mask,
        attention_mask_zero_scores,
        attention_uses_sdpa,
        attention_scales_q_in_place,
        attention_softmax_over_queries,
    ],
    3: [
        patchify_plain_reshape,
        patchify_time_major,
        patchify_keeps_remainder,
        patchify_overlapping,
        patchify_channels_as_tokens,
    ],
}
ALTERNATIVES = {
    1: [local_causal_mask_tril, local_causal_mask_loop],
    2: [padded_attention_where, padded_attention_manual_softmax],
    3: [patchify_unfold, patchify_loop],
}
