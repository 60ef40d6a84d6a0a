"""Reference solutions for training/01 (optimizers)."""

import torch
from torch import nn


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


# --- correct alternatives ---
def sgd_with_alpha(param, grad, buf, lr, momentum):  # torch.add/sub with alpha
    new_buf = grad.clone() if buf is None else torch.add(grad, buf, alpha=momentum)
    return torch.sub(param, new_buf, alpha=lr), new_buf


def sgd_clone_then_inplace(param, grad, buf, lr, momentum):  # in-place on its own copies
    new_buf = grad.clone() if buf is None else buf.clone().mul_(momentum).add_(grad)
    return param.clone().add_(new_buf, alpha=-lr), new_buf


def adam_lerp(param, grad, m, v, step, lr, betas=(0.9, 0.999), eps=1e-8):  # torch.lerp form
    beta1, beta2 = betas
    m = torch.lerp(m, grad, 1 - beta1)
    v = torch.lerp(v, grad * grad, 1 - beta2)
    step_size = lr / (1 - beta1**step)
    denom = (v / (1 - beta2**step)).sqrt() + eps
    return param - step_size * m / denom, m, v


def adam_clone_inplace(param, grad, m, v, step, lr, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    m = m.clone().mul_(beta1).add_(grad, alpha=1 - beta1)
    v = v.clone().mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    denom = (v / (1 - beta2**step)).sqrt().add_(eps)
    return param.clone().addcdiv_(m, denom, value=-lr / (1 - beta1**step)), m, v


def groups_by_named_loop(model, weight_decay):  # loop over named_parameters
    decay, no_decay = [], []
    for _, p in model.named_parameters():
        (decay if p.dim() > 1 else no_decay).append(p)
    return [
        {"params": no_decay, "weight_decay": 0.0},
        {"params": decay, "weight_decay": weight_decay},
    ]


def groups_as_generators(model, weight_decay):  # generators are fine for an optimizer
    return [
        {"params": (p for p in model.parameters() if p.ndim >= 2), "weight_decay": weight_decay},
        {"params": (p for p in model.parameters() if p.ndim < 2), "weight_decay": 0.0},
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


def sgd_lr_in_buffer(param, grad, buf, lr, momentum):  # buffer holds lr * grad (value)
    buf = lr * grad if buf is None else momentum * buf + lr * grad
    return param - buf, buf


def sgd_inplace_buffer(param, grad, buf, lr, momentum):  # modifies the buffer it was given
    buf = grad if buf is None else buf.mul_(momentum).add_(grad)
    return param - lr * buf, buf


def sgd_inplace_param(param, grad, buf, lr, momentum):  # modifies param in place
    buf = grad.clone() if buf is None else momentum * buf + grad
    return param.sub_(lr * buf), buf


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


def adam_returns_corrected(param, grad, m, v, step, lr, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas  # stores the bias-corrected moments as the new state
    m_hat = (beta1 * m + (1 - beta1) * grad) / (1 - beta1**step)
    v_hat = (beta2 * v + (1 - beta2) * grad**2) / (1 - beta2**step)
    return param - lr * m_hat / (v_hat.sqrt() + eps), m_hat, v_hat


def adam_lr_in_moment(param, grad, m, v, step, lr, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas  # folds lr into m: right only while lr stays the same
    m = beta1 * m + (1 - beta1) * lr * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**step)
    v_hat = v / (1 - beta2**step)
    return param - m_hat / (v_hat.sqrt() + eps), m, v


def adam_inplace_moments(param, grad, m, v, step, lr, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas  # updates the m and v it was given in place
    m.mul_(beta1).add_(grad, alpha=1 - beta1)
    v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    m_hat = m / (1 - beta1**step)
    v_hat = v / (1 - beta2**step)
    return param - lr * m_hat / (v_hat.sqrt() + eps), m, v


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


def groups_swapped(model, weight_decay):  # decays the 1-D parameters instead
    return [
        {"params": [p for p in model.parameters() if p.ndim < 2], "weight_decay": weight_decay},
        {"params": [p for p in model.parameters() if p.ndim >= 2], "weight_decay": 0.0},
    ]


def groups_linear_only(model, weight_decay):  # Conv/Embedding weights are not decayed
    decay = [m.weight for m in model.modules() if isinstance(m, nn.Linear)]
    ids = {id(p) for p in decay}
    return [
        {"params": decay, "weight_decay": weight_decay},
        {"params": [p for p in model.parameters() if id(p) not in ids], "weight_decay": 0.0},
    ]


def groups_fixed_decay(model, weight_decay):  # ignores the argument: always 0.05
    return no_decay_param_groups(model, 0.05)


REFERENCE = {1: sgd_momentum_step, 2: adam_step, 3: no_decay_param_groups}
WRONG = {
    1: [
        sgd_ignores_momentum,
        sgd_ema_buffer,
        sgd_old_buffer,
        sgd_lr_in_buffer,
        sgd_inplace_buffer,
        sgd_inplace_param,
    ],
    2: [
        adam_no_bias_correction,
        adam_eps_inside_sqrt,
        adam_returns_corrected,
        adam_lr_in_moment,
        adam_inplace_moments,
    ],
    3: [
        groups_by_bias_name,
        groups_everything_decayed,
        groups_swapped,
        groups_linear_only,
        groups_fixed_decay,
    ],
}
ALTERNATIVES = {
    1: [sgd_with_alpha, sgd_clone_then_inplace],
    2: [adam_lerp, adam_clone_inplace],
    3: [groups_by_named_loop, groups_as_generators],
}
