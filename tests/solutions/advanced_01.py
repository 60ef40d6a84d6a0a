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


class RangeNormalizerInPlace(nn.Module):  # right numbers, but changes the caller's x
    def __init__(self, low, high):
        super().__init__()
        self.register_buffer("low", low.clone())
        self.register_buffer("high", high.clone())

    def forward(self, x):
        x -= self.low
        x /= self.high - self.low
        return x


class RangeNormalizerNonPersistent(nn.Module):  # persistent=False: not in the state_dict
    def __init__(self, low, high):
        super().__init__()
        self.register_buffer("low", low.clone(), persistent=False)
        self.register_buffer("high", high.clone(), persistent=False)

    def forward(self, x):
        return (x - self.low) / (self.high - self.low)


class RangeNormalizerFrozenParameter(nn.Module):  # requires_grad=False, still in parameters()
    def __init__(self, low, high):
        super().__init__()
        self.low = nn.Parameter(low.clone(), requires_grad=False)
        self.high = nn.Parameter(high.clone(), requires_grad=False)

    def forward(self, x):
        return (x - self.low) / (self.high - self.low)


def log_cosh_backward_in_place(x, grad_output):  # overwrites grad_output
    return grad_output.mul_(torch.tanh(x))


def log_cosh_backward_exp_formula(x, grad_output):  # tanh from exp: inf / inf = nan at 800
    return grad_output * (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))


def layer_output_shapes_removes_some(model, x):  # removes only the hooks of the last call
    shapes = {}
    handle = None
    for name, module in model.named_modules():
        if len(list(module.children())) == 0:
            handle = module.register_forward_hook(
                lambda m, i, o, name=name: shapes.__setitem__(name, tuple(o.shape))
            )
    model(x)
    handle.remove()
    return shapes


def layer_output_shapes_all_modules(model, x):  # containers too (and the model itself, "")
    shapes = {}
    handles = [
        module.register_forward_hook(
            lambda m, i, o, name=name: shapes.__setitem__(name, tuple(o.shape))
        )
        for name, module in model.named_modules()
    ]
    try:
        model(x)
    finally:
        for handle in handles:
            handle.remove()
    return shapes


def layer_output_shapes_pre_hook_left(model, x):  # removes the forward hooks, not the pre-hooks
    shapes, current, handles = {}, [], []
    for name, module in model.named_modules():
        if len(list(module.children())) == 0:
            module.register_forward_pre_hook(lambda m, i, name=name: current.append(name))
            handles.append(
                module.register_forward_hook(
                    lambda m, i, o: shapes.__setitem__(current.pop(), tuple(o.shape))
                )
            )
    try:
        model(x)
    finally:
        for handle in handles:
            handle.remove()
    return shapes


def count_parameters_modules_loop(model):  # per module: a shared weight is counted twice
    trainable = frozen = buffers = 0
    for module in model.modules():
        for p in module.parameters(recurse=False):
            if p.requires_grad:
                trainable += p.numel()
            else:
                frozen += p.numel()
        buffers += sum(b.numel() for b in module.buffers(recurse=False))
    return {"trainable": trainable, "frozen": frozen, "buffers": buffers}


def count_parameters_tensor_values(model):  # 0-d tensors instead of int
    params = list(model.parameters())
    zero = torch.tensor(0)
    return {
        "trainable": sum((torch.tensor(p.shape).prod() for p in params if p.requires_grad), zero),
        "frozen": sum((torch.tensor(p.shape).prod() for p in params if not p.requires_grad), zero),
        "buffers": sum((torch.tensor(b.shape).prod() for b in model.buffers()), zero),
    }


# --- correct answers written differently ---
class RangeNormalizerLoop(nn.Module):  # buffers registered in a loop, torch.sub / torch.div
    def __init__(self, low, high):
        super().__init__()
        for name, value in (("low", low), ("high", high)):
            self.register_buffer(name, torch.as_tensor(value).clone())

    def forward(self, x):
        return torch.div(torch.sub(x, self.low), self.high - self.low)


class RangeNormalizerNoClone(nn.Module):  # registers the given tensors, scales via a product
    def __init__(self, low, high):
        super().__init__()
        self.register_buffer("low", low)
        self.register_buffer("high", high)

    def forward(self, x):
        scale = (self.high - self.low).reciprocal()
        return (x - self.low) * scale


def log_cosh_backward_formula(x, grad_output):  # 1 - 2/(e^{2x}+1): inf gives 1, 0 gives -1
    return grad_output * (1 - 2 / (torch.exp(2 * x) + 1))


def log_cosh_backward_method(x, grad_output):  # tensor method, multiply on the other side
    return x.tanh().mul(grad_output)


def layer_output_shapes_exit_stack(model, x):  # one hook function, handles in an ExitStack
    import contextlib

    names = {m: n for n, m in model.named_modules() if not list(m.children())}
    shapes = {}

    def hook(module, inputs, output):
        shapes[names[module]] = tuple(output.shape)

    with contextlib.ExitStack() as stack:
        for module in names:
            stack.callback(module.register_forward_hook(hook).remove)
        with torch.no_grad():
            model(x)
    return shapes


def layer_output_shapes_deepcopy(model, x):  # hooks on a copy: the caller's model stays clean
    import copy

    clone = copy.deepcopy(model)
    shapes = {}
    for name, module in clone.named_modules():
        if not any(True for _ in module.children()):
            module.register_forward_hook(
                lambda m, i, o, name=name: shapes.update({name: list(o.shape)})
            )
    clone(x)
    return shapes


def count_parameters_named(model):  # named_parameters, math.prod of the shape
    import math

    counts = {"trainable": 0, "frozen": 0, "buffers": 0}
    for _, p in model.named_parameters():
        counts["trainable" if p.requires_grad else "frozen"] += math.prod(p.shape)
    for _, b in model.named_buffers():
        counts["buffers"] += math.prod(b.shape)
    return counts


def count_parameters_by_id(model):  # dedupe shared parameters by id, NumPy integer sizes
    import numpy as np

    unique = {id(p): p for m in model.modules() for p in m.parameters(recurse=False)}
    trainable = sum(np.int64(p.numel()) for p in unique.values() if p.requires_grad)
    frozen = sum(np.int64(p.numel()) for p in unique.values() if not p.requires_grad)
    return {
        "trainable": int(trainable),
        "frozen": np.int64(frozen),
        "buffers": sum(b.nelement() for b in model.buffers()),
    }


REFERENCE = {1: RangeNormalizer, 2: log_cosh_backward, 3: layer_output_shapes, 4: count_parameters}
WRONG = {
    1: [
        RangeNormalizerParameters,
        RangeNormalizerAttributes,
        RangeNormalizerNoShift,
        RangeNormalizerInPlace,
        RangeNormalizerNonPersistent,
        RangeNormalizerFrozenParameter,
    ],
    2: [
        log_cosh_backward_no_grad_output,
        log_cosh_backward_sinh_cosh,
        log_cosh_backward_wrong_derivative,
        log_cosh_backward_in_place,
        log_cosh_backward_exp_formula,
    ],
    3: [
        layer_output_shapes_keeps_hooks,
        layer_output_shapes_children_only,
        layer_output_shapes_input_shapes,
        layer_output_shapes_removes_some,
        layer_output_shapes_all_modules,
        layer_output_shapes_pre_hook_left,
    ],
    4: [
        count_parameters_tensors,
        count_parameters_state_dict,
        count_parameters_all_trainable,
        count_parameters_modules_loop,
        count_parameters_tensor_values,
    ],
}
ALTERNATIVES = {
    1: [RangeNormalizerLoop, RangeNormalizerNoClone],
    2: [log_cosh_backward_formula, log_cosh_backward_method],
    3: [layer_output_shapes_exit_stack, layer_output_shapes_deepcopy],
    4: [count_parameters_named, count_parameters_by_id],
}
