"""Reference solutions for training/01 (optimizers)."""

import torch


def sgd_momentum_step(param, grad, buf, lr, momentum):
    buf = grad.clone() if buf is None else momentum * buf + grad
    return param - lr * buf, buf


def adam_step(param, grad, m, v, step, lr, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**step)
    v_hat = v / (1 - beta2**step)
    return param - lr * m_hat / (v_hat.sqrt() + eps), m, v


def no_decay_param_groups(model, weight_decay):
    decay = [p for p in model.parameters() if p.ndim >= 2]
    no_decay = [p for p in model.parameters() if p.ndim < 2]
    return [
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]


# --- plausible wrong answers ---
def sgd_ignores_momentum(param, grad, buf, lr, momentum):  # plain SGD
    return param - lr * grad, grad


def sgd_ema_buffer(param, grad, buf, lr, momentum):  # EMA-style buffer (1 - momentum) * grad
    buf = grad.clone() if buf is None else momentum * buf + (1 - momentum) * grad
    return param - lr * buf, buf


def sgd_old_buffer(param, grad, buf, lr, momentum):  # steps with the previous buffer
    new_buf = grad.clone() if buf is None else momentum * buf + grad
    return param - lr * (grad if buf is None else buf), new_buf


def adam_no_bias_correction(param, grad, m, v, step, lr, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return param - lr * m / (v.sqrt() + eps), m, v


def adam_eps_inside_sqrt(param, grad, m, v, step, lr, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**step)
    v_hat = v / (1 - beta2**step)
    return param - lr * m_hat / torch.sqrt(v_hat + eps), m, v


def groups_by_bias_name(model, weight_decay):  # BatchNorm/LayerNorm weights get decayed
    named = list(model.named_parameters())
    decay = [p for n, p in named if "bias" not in n]
    no_decay = [p for n, p in named if "bias" in n]
    return [
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]


def groups_everything_decayed(model, weight_decay):  # duplicates every 1-D parameter
    return [
        {"params": list(model.parameters()), "weight_decay": weight_decay},
        {"params": [p for p in model.parameters() if p.ndim < 2], "weight_decay": 0.0},
    ]


REFERENCE = {1: sgd_momentum_step, 2: adam_step, 3: no_decay_param_groups}
WRONG = {
    1: [sgd_ignores_momentum, sgd_ema_buffer, sgd_old_buffer],
    2: [adam_no_bias_correction, adam_eps_inside_sqrt],
    3: [groups_by_bias_name, groups_everything_decayed],
}
