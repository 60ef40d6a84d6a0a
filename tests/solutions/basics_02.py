"""Reference solutions for basics/02 (neural network basics)."""

from collections import OrderedDict

import torch
from torch import nn


def merge_linear_layers(first, second):
    merged = nn.Linear(first.in_features, second.out_features)
    with torch.no_grad():
        merged.weight.copy_(second.weight @ first.weight)
        bias = torch.zeros(second.out_features)
        if first.bias is not None:
            bias += second.weight @ first.bias
        if second.bias is not None:
            bias += second.bias
        merged.bias.copy_(bias)
    return merged


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


# --- correct answers written differently ---
def merge_by_probing(first, second):  # feed the identity and zero through both layers
    with torch.no_grad():
        bias = second(first(torch.zeros(1, first.in_features)))[0]
        weight_t = second(first(torch.eye(first.in_features))) - bias
    merged = nn.Linear(first.in_features, second.out_features)
    merged.weight = nn.Parameter(weight_t.T.contiguous())
    merged.bias = nn.Parameter(bias)
    return merged


def merge_with_data(first, second):  # assigns .data, handles missing biases with zeros
    b1 = first.bias if first.bias is not None else torch.zeros(first.out_features)
    b2 = second.bias if second.bias is not None else torch.zeros(second.out_features)
    merged = nn.Linear(first.in_features, second.out_features)
    merged.weight.data = (second.weight @ first.weight).detach().clone()
    merged.bias.data = (second.weight @ b1 + b2).detach().clone()
    return merged


def make_mlp_ordered_dict(sizes):  # named layers, one shared ReLU (it has no state)
    relu = nn.ReLU()
    layers = OrderedDict()
    for i in range(len(sizes) - 1):
        layers[f"fc{i + 1}"] = nn.Linear(sizes[i], sizes[i + 1])
        if i < len(sizes) - 2:
            layers[f"act{i + 1}"] = relu
    return nn.Sequential(layers)


def make_mlp_pop_last(sizes):  # builds everything, then removes the trailing ReLU
    model = nn.Sequential()
    for n_in, n_out in zip(sizes, sizes[1:], strict=False):
        model.append(nn.Linear(n_in, n_out))
        model.append(nn.ReLU())
    return model[:-1]


def freeze_by_name(model, prefixes):
    for name, p in model.named_parameters():
        if any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes):
            p.requires_grad_(False)


def freeze_named_modules(model, prefixes):
    modules = dict(model.named_modules())
    for prefix in prefixes:
        for p in modules[prefix].parameters():
            p.requires_grad = False


# --- plausible wrong answers ---
def merge_wrong_order(first, second):  # W1 @ W2: the shapes only fit for square layers
    merged = nn.Linear(first.in_features, second.out_features)
    with torch.no_grad():
        merged.weight.copy_((first.weight @ second.weight).T)
        merged.bias.copy_(first.bias + second.bias)
    return merged


def merge_adds_biases(first, second):  # b = b1 + b2 forgets that b1 also goes through W2
    merged = nn.Linear(first.in_features, second.out_features)
    with torch.no_grad():
        merged.weight.copy_(second.weight @ first.weight)
        merged.bias.zero_()
        if second.bias is not None:
            merged.bias += second.bias
        if first.bias is not None and first.out_features == second.out_features:
            merged.bias += first.bias
    return merged


def merge_ignores_first_bias(first, second):  # only the second layer's bias
    merged = nn.Linear(first.in_features, second.out_features)
    with torch.no_grad():
        merged.weight.copy_(second.weight @ first.weight)
        if second.bias is not None:
            merged.bias.copy_(second.bias)
        else:
            merged.bias.zero_()
    return merged


def merge_sequential(first, second):  # same outputs, but two layers, not one
    return nn.Sequential(first, second)


def merge_reuses_first(first, second):  # overwrites the caller's first layer
    with torch.no_grad():
        b1 = first.bias if first.bias is not None else torch.zeros(first.out_features)
        b2 = second.bias if second.bias is not None else torch.zeros(second.out_features)
        weight, bias = second.weight @ first.weight, second.weight @ b1 + b2
    first.weight = nn.Parameter(weight)
    first.bias = nn.Parameter(bias)
    first.out_features = second.out_features
    return first


def merge_keeps_graph(first, second):  # weight built from a graph, not a trainable leaf
    b1 = first.bias if first.bias is not None else torch.zeros(first.out_features)
    b2 = second.bias if second.bias is not None else torch.zeros(second.out_features)
    merged = nn.Linear(first.in_features, second.out_features)
    del merged.weight, merged.bias
    merged.weight = second.weight @ first.weight
    merged.bias = second.weight @ b1 + b2
    return merged


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


def make_mlp_pops_input(sizes):  # sizes.pop() changes the caller's list
    last = sizes.pop()
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    layers.append(nn.Linear(sizes[-1], last))
    return nn.Sequential(*layers)


def make_mlp_shared_layer(sizes):  # caches layers by shape: equal shapes share weights
    cache, layers = {}, []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        if (n_in, n_out) not in cache:
            cache[(n_in, n_out)] = nn.Linear(n_in, n_out)
        layers.append(cache[(n_in, n_out)])
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def make_mlp_no_bias(sizes):  # bias=False everywhere
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(n_in, n_out, bias=False))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def make_mlp_sigmoid(sizes):  # sigmoid instead of ReLU
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(nn.Sigmoid())
    return nn.Sequential(*layers)


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


def freeze_weight_only(model, prefixes):  # forgets the biases
    for prefix in prefixes:
        for name, p in model.get_submodule(prefix).named_parameters():
            if name.endswith("weight"):
                p.requires_grad_(False)


def freeze_state_dict(model, prefixes):  # state_dict tensors are detached copies of the view
    for name, tensor in model.state_dict().items():
        if any(name.startswith(prefix + ".") for prefix in prefixes):
            tensor.requires_grad = False


def freeze_top_level_only(model, prefixes):  # compares only the first part of the name
    for name, p in model.named_parameters():
        if name.split(".")[0] in prefixes:
            p.requires_grad_(False)


def freeze_and_eval(model, prefixes):  # also switches the whole model to eval mode
    freeze(model, prefixes)
    model.eval()


REFERENCE = {1: merge_linear_layers, 2: make_mlp, 3: freeze}
WRONG = {
    1: [
        merge_wrong_order,
        merge_adds_biases,
        merge_ignores_first_bias,
        merge_sequential,
        merge_reuses_first,
        merge_keeps_graph,
    ],
    2: [
        make_mlp_relu_at_end,
        make_mlp_drops_last,
        make_mlp_pops_input,
        make_mlp_shared_layer,
        make_mlp_no_bias,
        make_mlp_sigmoid,
    ],
    3: [
        freeze_plain_startswith,
        freeze_module_attribute,
        freeze_everything,
        freeze_weight_only,
        freeze_state_dict,
        freeze_top_level_only,
        freeze_and_eval,
    ],
}
ALTERNATIVES = {
    1: [merge_by_probing, merge_with_data],
    2: [make_mlp_ordered_dict, make_mlp_pop_last],
    3: [freeze_by_name, freeze_named_modules],
}
