"""Reference solutions for models/03 (recurrent networks)."""

import torch


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


REFERENCE = {1: gru_cell_step, 2: lstm_param_count, 3: last_valid_output}
WRONG = {
    1: [gru_reset_before_matmul, gru_swapped_update, gru_gate_order_zrn],
    2: [lstm_one_bias, lstm_same_input_every_layer, lstm_bidirectional_input_not_doubled],
    3: [last_output_padded, last_output_off_by_one],
}
