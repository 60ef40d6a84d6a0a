"""Reference solutions for advanced/01 (custom modules)."""

import torch
from torch import nn


class RangeNormalizer(nn.Module):
    def __init__(self, low, high):
        super().__init__()
        self.register_buffer("low", low.detach().clone())
        self.register_buffer("high", high.detach().clone())

    def forward(self, x):
        return (x - self.low) / (self.high - self.low)


def log_cosh_backward(x, grad_output):
    return grad_output * torch.tanh(x)


def layer_output_shapes(model, x):
    shapes = {}

    def make_hook(name):
        def hook(module, inputs, output):
            shapes[name] = tuple(output.shape)

        return hook

    handles = [
        module.register_forward_hook(make_hook(name))
        for name, module in model.named_modules()
        if len(list(module.children())) == 0
    ]
    try:
        model(x)
    finally:
        for handle in handles:
            handle.remove()
    return shapes


def count_parameters(model):
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    frozen = sum(p.numel() for p in model.parameters() if not p.requires_grad)
    buffers = sum(b.numel() for b in model.buffers())
    return {"trainable": trainable, "frozen": frozen, "buffers": buffers}


# --- plausible wrong answers ---
class RangeNormalizerParameters(nn.Module):  # nn.Parameter: would be trained
    def __init__(self, low, high):
        super().__init__()
        self.low = nn.Parameter(low.clone())
        self.high = nn.Parameter(high.clone())

    def forward(self, x):
        return (x - self.low) / (self.high - self.low)


class RangeNormalizerAttributes(nn.Module):  # plain attributes: not saved, not moved
    def __init__(self, low, high):
        super().__init__()
        self.low = low.clone()
        self.high = high.clone()

    def forward(self, x):
        return (x - self.low) / (self.high - self.low)


class RangeNormalizerNoShift(nn.Module):  # forgets to subtract low
    def __init__(self, low, high):
        super().__init__()
        self.register_buffer("low", low.clone())
        self.register_buffer("high", high.clone())

    def forward(self, x):
        return x / (self.high - self.low)


def log_cosh_backward_no_grad_output(x, grad_output):  # ignores the chain rule
    return torch.tanh(x)


def log_cosh_backward_sinh_cosh(x, grad_output):  # overflows: inf / inf = nan at |x| = 800
    return grad_output * torch.sinh(x) / torch.cosh(x)


def log_cosh_backward_wrong_derivative(x, grad_output):  # derivative of cosh, not log cosh
    return grad_output * torch.sinh(x)


def layer_output_shapes_keeps_hooks(model, x):  # never removes its hooks
    shapes = {}
    for name, module in model.named_modules():
        if len(list(module.children())) == 0:
            module.register_forward_hook(
                lambda m, i, o, name=name: shapes.__setitem__(name, tuple(o.shape))
            )
    model(x)
    return shapes


def layer_output_shapes_children_only(model, x):  # only top-level children, not leaves
    shapes = {}
    handles = [
        module.register_forward_hook(
            lambda m, i, o, name=name: shapes.__setitem__(name, tuple(o.shape))
        )
        for name, module in model.named_children()
    ]
    try:
        model(x)
    finally:
        for handle in handles:
            handle.remove()
    return shapes


def layer_output_shapes_input_shapes(model, x):  # records the input shape
    shapes = {}
    handles = [
        module.register_forward_hook(
            lambda m, i, o, name=name: shapes.__setitem__(name, tuple(i[0].shape))
        )
        for name, module in model.named_modules()
        if len(list(module.children())) == 0
    ]
    try:
        model(x)
    finally:
        for handle in handles:
            handle.remove()
    return shapes


def count_parameters_tensors(model):  # counts tensors, not elements
    params = list(model.parameters())
    return {
        "trainable": sum(1 for p in params if p.requires_grad),
        "frozen": sum(1 for p in params if not p.requires_grad),
        "buffers": len(list(model.buffers())),
    }


def count_parameters_state_dict(
    model,
):  # state_dict misses non-persistent buffers, repeats tied weights
    state = model.state_dict(keep_vars=True)
    buffer_ids = {id(b) for b in model.buffers()}
    trainable = frozen = buffers = 0
    for tensor in state.values():
        if id(tensor) in buffer_ids:
            buffers += tensor.numel()
        elif tensor.requires_grad:
            trainable += tensor.numel()
        else:
            frozen += tensor.numel()
    return {"trainable": trainable, "frozen": frozen, "buffers": buffers}


def count_parameters_all_trainable(model):  # ignores requires_grad
    return {
        "trainable": sum(p.numel() for p in model.parameters()),
        "frozen": 0,
        "buffers": sum(b.numel() for b in model.buffers()),
    }


REFERENCE = {1: RangeNormalizer, 2: log_cosh_backward, 3: layer_output_shapes, 4: count_parameters}
WRONG = {
    1: [RangeNormalizerParameters, RangeNormalizerAttributes, RangeNormalizerNoShift],
    2: [
        log_cosh_backward_no_grad_output,
        log_cosh_backward_sinh_cosh,
        log_cosh_backward_wrong_derivative,
    ],
    3: [
        layer_output_shapes_keeps_hooks,
        layer_output_shapes_children_only,
        layer_output_shapes_input_shapes,
    ],
    4: [count_parameters_tensors, count_parameters_state_dict, count_parameters_all_trainable],
}
