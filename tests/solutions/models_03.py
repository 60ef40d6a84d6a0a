"""Reference, wrong and alternative answers for models/03 (recurrent networks)."""

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def gru_cell_step(x, h, W_ih, W_hh, b_ih, b_hh):
    gi = x @ W_ih.T + b_ih
    gh = h @ W_hh.T + b_hh
    i_r, i_z, i_n = gi.chunk(3, dim=1)
    h_r, h_z, h_n = gh.chunk(3, dim=1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h


def lstm_param_count(input_size, hidden_size, num_layers=1, bidirectional=False):
    directions = 2 if bidirectional else 1
    total = 0
    layer_input = input_size
    for _ in range(num_layers):
        per_direction = 4 * (
            hidden_size * layer_input + hidden_size * hidden_size + 2 * hidden_size
        )
        total += directions * per_direction
        layer_input = directions * hidden_size
    return total


def last_valid_output(outputs, lengths):
    return outputs[torch.arange(outputs.shape[0]), lengths - 1]


# --- plausible wrong answers ---
def gru_reset_before_matmul(x, h, W_ih, W_hh, b_ih, b_hh):  # r ⊙ h before W_hn (Cho et al. form)
    hidden = h.shape[1]
    gi = x @ W_ih.T + b_ih
    i_r, i_z, i_n = gi.chunk(3, dim=1)
    gh_rz = h @ W_hh[: 2 * hidden].T + b_hh[: 2 * hidden]
    h_r, h_z = gh_rz.chunk(2, dim=1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + (r * h) @ W_hh[2 * hidden :].T + b_hh[2 * hidden :])
    return (1 - z) * n + z * h


def gru_swapped_update(x, h, W_ih, W_hh, b_ih, b_hh):  # h' = z ⊙ n + (1 - z) ⊙ h
    gi = x @ W_ih.T + b_ih
    gh = h @ W_hh.T + b_hh
    i_r, i_z, i_n = gi.chunk(3, dim=1)
    h_r, h_z, h_n = gh.chunk(3, dim=1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return z * n + (1 - z) * h


def gru_gate_order_zrn(x, h, W_ih, W_hh, b_ih, b_hh):  # assumes (z, r, n) stacking
    gi = x @ W_ih.T + b_ih
    gh = h @ W_hh.T + b_hh
    i_z, i_r, i_n = gi.chunk(3, dim=1)
    h_z, h_r, h_n = gh.chunk(3, dim=1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h


def lstm_one_bias(input_size, hidden_size, num_layers=1, bidirectional=False):  # one bias vector
    directions = 2 if bidirectional else 1
    total, layer_input = 0, input_size
    for _ in range(num_layers):
        total += directions * 4 * (hidden_size * layer_input + hidden_size**2 + hidden_size)
        layer_input = directions * hidden_size
    return total


def lstm_same_input_every_layer(input_size, hidden_size, num_layers=1, bidirectional=False):
    directions = 2 if bidirectional else 1
    per_direction = 4 * (hidden_size * input_size + hidden_size**2 + 2 * hidden_size)
    return num_layers * directions * per_direction


def lstm_bidirectional_input_not_doubled(
    input_size, hidden_size, num_layers=1, bidirectional=False
):
    directions = 2 if bidirectional else 1
    total, layer_input = 0, input_size
    for _ in range(num_layers):
        total += directions * 4 * (hidden_size * layer_input + hidden_size**2 + 2 * hidden_size)
        layer_input = hidden_size
    return total


def last_output_padded(outputs, lengths):  # picks the padding for short sequences
    return outputs[:, -1]


def last_output_off_by_one(outputs, lengths):  # lengths[i] is one past the last valid step
    index = lengths.clamp(max=outputs.shape[1] - 1)
    return outputs[torch.arange(outputs.shape[0]), index]


def gru_uses_cell(x, h, W_ih, W_hh, b_ih, b_hh):  # rule: copies the weights into nn.GRUCell
    cell = nn.GRUCell(W_ih.shape[1], h.shape[1]).to(x.dtype)
    with torch.no_grad():
        cell.weight_ih.copy_(W_ih)
        cell.weight_hh.copy_(W_hh)
        cell.bias_ih.copy_(b_ih)
        cell.bias_hh.copy_(b_hh)
        return cell(x, h)


def gru_bias_outside_reset(x, h, W_ih, W_hh, b_ih, b_hh):  # value: r ⊙ (W_hn h) + b_hn
    hidden = h.shape[1]
    gi = x @ W_ih.T + b_ih
    i_r, i_z, i_n = gi.chunk(3, dim=1)
    h_r, h_z, h_n = (h @ W_hh.T).chunk(3, dim=1)
    b_r, b_z, b_n = b_hh.split(hidden)
    r = torch.sigmoid(i_r + h_r + b_r)
    z = torch.sigmoid(i_z + h_z + b_z)
    n = torch.tanh(i_n + r * h_n + b_n)
    return (1 - z) * n + z * h


def gru_updates_h_in_place(x, h, W_ih, W_hh, b_ih, b_hh):  # effect: overwrites the caller's h
    new = gru_cell_step(x, h, W_ih, W_hh, b_ih, b_hh)
    h.copy_(new)
    return h


def gru_cell_step_linear(x, h, W_ih, W_hh, b_ih, b_hh):  # F.linear per gate
    hidden = h.shape[1]
    (w_ir, w_iz, w_in), (w_hr, w_hz, w_hn) = W_ih.split(hidden), W_hh.split(hidden)
    (b_ir, b_iz, b_in), (b_hr, b_hz, b_hn) = b_ih.split(hidden), b_hh.split(hidden)
    r = torch.sigmoid(F.linear(x, w_ir, b_ir) + F.linear(h, w_hr, b_hr))
    z = torch.sigmoid(F.linear(x, w_iz, b_iz) + F.linear(h, w_hz, b_hz))
    n = torch.tanh(F.linear(x, w_in, b_in) + r * F.linear(h, w_hn, b_hn))
    return n + z * (h - n)


def gru_cell_step_addmm(x, h, W_ih, W_hh, b_ih, b_hh):  # addmm + slicing, h' = h + (1 - z)(n - h)
    hidden = h.shape[1]
    gi = torch.addmm(b_ih, x, W_ih.t())
    gh = torch.addmm(b_hh, h, W_hh.t())
    rz = torch.sigmoid(gi[:, : 2 * hidden] + gh[:, : 2 * hidden])
    r, z = rz[:, :hidden], rz[:, hidden:]
    n = torch.tanh(gi[:, 2 * hidden :] + r * gh[:, 2 * hidden :])
    return h + (1 - z) * (n - h)


def lstm_builds_model(input_size, hidden_size, num_layers=1, bidirectional=False):
    # rule: counts an nn.LSTM's parameters instead of the formula
    lstm = nn.LSTM(input_size, hidden_size, num_layers=num_layers, bidirectional=bidirectional)
    return sum(p.numel() for p in lstm.parameters())


def lstm_three_gates(input_size, hidden_size, num_layers=1, bidirectional=False):
    # value: 3 gate blocks (the GRU's count), not 4
    directions = 2 if bidirectional else 1
    total, layer_input = 0, input_size
    for _ in range(num_layers):
        total += directions * 3 * (hidden_size * layer_input + hidden_size**2 + 2 * hidden_size)
        layer_input = directions * hidden_size
    return total


def lstm_float_division(input_size, hidden_size, num_layers=1, bidirectional=False):
    # type: a float (the average over directions times directions)
    return lstm_param_count(input_size, hidden_size, num_layers, bidirectional) / 1


def lstm_param_count_closed_form(input_size, hidden_size, num_layers=1, bidirectional=False):
    # first layer + (num_layers - 1) identical deeper layers, no loop
    D, H, In = (2 if bidirectional else 1), hidden_size, input_size
    first = 4 * D * (H * In + H * H + 2 * H)
    deeper = 4 * D * (H * D * H + H * H + 2 * H)
    return first + (num_layers - 1) * deeper


def lstm_param_count_numpy(input_size, hidden_size, num_layers=1, bidirectional=False):
    # NumPy: returns np.int64
    D = 2 if bidirectional else 1
    inputs = np.array([input_size] + [D * hidden_size] * (num_layers - 1))
    return np.sum(D * 4 * (hidden_size * inputs + hidden_size**2 + 2 * hidden_size))


def last_output_nonzero(outputs, lengths):  # value: "the last row that is not all zeros"
    nonzero = outputs.abs().sum(-1) != 0
    index = (nonzero * torch.arange(1, outputs.shape[1] + 1)).argmax(1)
    return outputs[torch.arange(outputs.shape[0]), index]


def last_output_broadcast(outputs, lengths):  # shape: indexes all rows with every length
    return outputs[:, lengths - 1]


def last_output_masks_in_place(outputs, lengths):  # effect: zeroes everything else in outputs
    keep = torch.arange(outputs.shape[1])[None, :] == (lengths - 1)[:, None]
    outputs[~keep] = 0.0
    return outputs.sum(dim=1)


def last_valid_output_gather(outputs, lengths):  # torch.gather
    index = (lengths - 1).view(-1, 1, 1).expand(-1, 1, outputs.shape[2])
    return outputs.gather(1, index).squeeze(1)


def last_valid_output_loop(outputs, lengths):  # a loop and torch.stack
    return torch.stack([outputs[i, int(n) - 1] for i, n in enumerate(lengths)])


def last_valid_output_one_hot(outputs, lengths):  # one-hot weights, no in-place change
    weights = F.one_hot(lengths - 1, outputs.shape[1]).to(outputs.dtype)
    return torch.einsum("bt,bth->bh", weights, outputs)


REFERENCE = {1: gru_cell_step, 2: lstm_param_count, 3: last_valid_output}
WRONG = {
    1: [
        gru_reset_before_matmul,
        gru_swapped_update,
        gru_gate_order_zrn,
        gru_uses_cell,
        gru_bias_outside_reset,
        gru_updates_h_in_place,
    ],
    2: [
        lstm_one_bias,
        lstm_same_input_every_layer,
        lstm_bidirectional_input_not_doubled,
        lstm_builds_model,
        lstm_three_gates,
        lstm_float_division,
    ],
    3: [
        last_output_padded,
        last_output_off_by_one,
        last_output_nonzero,
        last_output_broadcast,
        last_output_masks_in_place,
    ],
}
ALTERNATIVES = {
    1: [gru_cell_step_linear, gru_cell_step_addmm],
    2: [lstm_param_count_closed_form, lstm_param_count_numpy],
    3: [last_valid_output_gather, last_valid_output_loop, last_valid_output_one_hot],
}
