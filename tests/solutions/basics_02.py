"""Reference solutions for basics/02 (neural network basics)."""

from torch import nn


def count_parameters(model, trainable_only=False):
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def make_mlp(sizes):
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def freeze(model, prefixes):
    for prefix in prefixes:
        model.get_submodule(prefix).requires_grad_(False)


# --- plausible wrong answers ---
def count_from_state_dict(model, trainable_only=False):  # counts BatchNorm buffers too
    return sum(t.numel() for t in model.state_dict().values())


def count_ignores_trainable(model, trainable_only=False):
    return sum(p.numel() for p in model.parameters())


def count_tensors(model, trainable_only=False):  # number of tensors, not of elements
    return len([p for p in model.parameters() if p.requires_grad or not trainable_only])


def make_mlp_relu_at_end(sizes):
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    return nn.Sequential(*layers)


def make_mlp_drops_last(sizes):  # off by one: forgets the output layer
    layers = []
    for n_in, n_out in zip(sizes[:-2], sizes[1:-1], strict=True):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    return nn.Sequential(*layers[:-1]) if layers else nn.Sequential(nn.Linear(sizes[0], sizes[0]))


def freeze_plain_startswith(model, prefixes):  # "fc1" also freezes "fc10"
    for name, p in model.named_parameters():
        if any(name.startswith(prefix) for prefix in prefixes):
            p.requires_grad = False


def freeze_module_attribute(model, prefixes):  # sets a meaningless attribute on the module
    for prefix in prefixes:
        model.get_submodule(prefix).requires_grad = False


def freeze_everything(model, prefixes):
    if prefixes:
        model.requires_grad_(False)


REFERENCE = {1: count_parameters, 2: make_mlp, 3: freeze}
WRONG = {
    1: [count_from_state_dict, count_ignores_trainable, count_tensors],
    2: [make_mlp_relu_at_end, make_mlp_drops_last],
    3: [freeze_plain_startswith, freeze_module_attribute, freeze_everything],
}
