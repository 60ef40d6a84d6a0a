"""Reference solutions for models/04 (attention and transformers)."""

import math

import torch


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


REFERENCE = {1: local_causal_mask, 2: padded_attention, 3: patchify}
WRONG = {
    1: [mask_full_causal, mask_off_by_one, mask_mha_convention, mask_band_both_sides],
    2: [
        attention_inverted_mask,
        attention_no_scaling,
        attention_ignores_mask,
        attention_mask_zero_scores,
    ],
    3: [patchify_plain_reshape, patchify_time_major],
}
