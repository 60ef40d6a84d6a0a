"""Reference solutions for advanced/02 (saving and loading models)."""

import torch


def save_checkpoint(path, model, optimizer, epoch):
    torch.save(
        {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path
    )


def load_checkpoint(path, model, optimizer):
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return state["epoch"]


def predict_from_bundle(path, model_class, x_raw):
    bundle = torch.load(path, map_location="cpu", weights_only=True)
    model = model_class(**bundle["config"])
    model.load_state_dict(bundle["state_dict"])
    model.eval()
    mean = torch.tensor(bundle["normalization"]["mean"])
    std = torch.tensor(bundle["normalization"]["std"])
    with torch.no_grad():
        return model((x_raw - mean) / std)


# --- plausible wrong answers ---
def save_checkpoint_whole_objects(path, model, optimizer, epoch):  # the old habit: pickled objects
    torch.save({"model": model, "optimizer": optimizer, "epoch": epoch}, path)


def save_checkpoint_weights_only(path, model, optimizer, epoch):  # forgets the optimizer
    torch.save({"model": model.state_dict(), "epoch": epoch}, path)


def save_checkpoint_next_epoch(path, model, optimizer, epoch):  # off by one
    torch.save(
        {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch + 1},
        path,
    )


def load_checkpoint_rebinds(
    path, model, optimizer
):  # rebinds a local name; caller's model unchanged
    state = torch.load(path, map_location="cpu")
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return state["epoch"]


def load_checkpoint_model_only(path, model, optimizer):  # Adam restarts from zero moments
    state = torch.load(path, map_location="cpu")
    model.load_state_dict(state["model"])
    return state["epoch"]


def load_checkpoint_returns_nothing(path, model, optimizer):
    state = torch.load(path, map_location="cpu")
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])


def predict_from_bundle_no_normalization(path, model_class, x_raw):
    bundle = torch.load(path, map_location="cpu")
    model = model_class(**bundle["config"])
    model.load_state_dict(bundle["state_dict"])
    model.eval()
    with torch.no_grad():
        return model(x_raw)


def predict_from_bundle_train_mode(path, model_class, x_raw):  # dropout stays on
    bundle = torch.load(path, map_location="cpu")
    model = model_class(**bundle["config"])
    model.load_state_dict(bundle["state_dict"])
    mean = torch.tensor(bundle["normalization"]["mean"])
    std = torch.tensor(bundle["normalization"]["std"])
    with torch.no_grad():
        return model((x_raw - mean) / std)


def predict_from_bundle_mean_only(path, model_class, x_raw):  # forgets to divide by std
    bundle = torch.load(path, map_location="cpu")
    model = model_class(**bundle["config"])
    model.load_state_dict(bundle["state_dict"])
    model.eval()
    with torch.no_grad():
        return model(x_raw - torch.tensor(bundle["normalization"]["mean"]))


def save_checkpoint_legacy_objects(path, model, optimizer, epoch):  # old format, still objects
    torch.save(
        {"model": model, "optimizer": optimizer, "epoch": epoch},
        path,
        _use_new_zipfile_serialization=False,
    )


def save_checkpoint_param_groups(path, model, optimizer, epoch):  # param_groups: no momentum state
    torch.save(
        {"model": model.state_dict(), "optimizer": optimizer.param_groups, "epoch": epoch}, path
    )


def save_checkpoint_tensor_epoch(path, model, optimizer, epoch):  # epoch stored as a tensor
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "epoch": torch.tensor(epoch),
        },
        path,
    )


def load_checkpoint_next_epoch(path, model, optimizer):  # returns the epoch to resume from
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return state["epoch"] + 1


def load_checkpoint_new_optimizer(path, model, optimizer):  # loads into a new optimizer
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state["model"])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    optimizer.load_state_dict(state["optimizer"])
    return state["epoch"]


def load_checkpoint_parameters_only(path, model, optimizer):  # copies parameters, skips buffers
    state = torch.load(path, map_location="cpu", weights_only=True)
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(state["model"][name])
    optimizer.load_state_dict(state["optimizer"])
    return state["epoch"]


def predict_from_bundle_in_place(path, model_class, x_raw):  # normalises the caller's tensor
    bundle = torch.load(path, map_location="cpu", weights_only=True)
    model = model_class(**bundle["config"])
    model.load_state_dict(bundle["state_dict"])
    model.eval()
    x_raw -= torch.tensor(bundle["normalization"]["mean"])
    x_raw /= torch.tensor(bundle["normalization"]["std"])
    with torch.no_grad():
        return model(x_raw)


def predict_from_bundle_batch_statistics(path, model_class, x_raw):  # batch mean/std, not saved
    bundle = torch.load(path, map_location="cpu", weights_only=True)
    model = model_class(**bundle["config"])
    model.load_state_dict(bundle["state_dict"])
    model.eval()
    with torch.no_grad():
        return model((x_raw - x_raw.mean(0)) / x_raw.std(0))


def predict_from_bundle_probabilities(path, model_class, x_raw):  # softmax, not logits
    bundle = torch.load(path, map_location="cpu", weights_only=True)
    model = model_class(**bundle["config"])
    model.load_state_dict(bundle["state_dict"])
    model.eval()
    mean = torch.tensor(bundle["normalization"]["mean"])
    std = torch.tensor(bundle["normalization"]["std"])
    with torch.no_grad():
        return model((x_raw - mean) / std).softmax(dim=1)


# --- correct answers written differently ---
def save_checkpoint_legacy_format(path, model, optimizer, epoch):  # non-zip format, still safe
    torch.save(
        {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch},
        path,
        _use_new_zipfile_serialization=False,
    )


def save_checkpoint_file_handle(path, model, optimizer, epoch):  # an open file, copied tensors
    import copy

    checkpoint = {
        "epoch": int(epoch),
        "model": copy.deepcopy(model.state_dict()),
        "optimizer": copy.deepcopy(optimizer.state_dict()),
    }
    with open(path, "wb") as handle:
        torch.save(checkpoint, handle)


def load_checkpoint_file_handle(path, model, optimizer):  # reads from an open file
    with open(path, "rb") as handle:
        checkpoint = torch.load(handle, map_location=torch.device("cpu"))
    model.load_state_dict(checkpoint["model"], strict=True)
    optimizer.load_state_dict(checkpoint["optimizer"])
    return int(checkpoint["epoch"])


def load_checkpoint_unpack(path, model, optimizer):  # pops the entries, NumPy integer epoch
    import numpy as np

    checkpoint = dict(torch.load(str(path), weights_only=True))
    model_state, optimizer_state = checkpoint.pop("model"), checkpoint.pop("optimizer")
    model.load_state_dict(model_state)
    optimizer.load_state_dict(optimizer_state)
    return np.int64(checkpoint["epoch"])


def predict_from_bundle_inference_mode(path, model_class, x_raw):  # train(False), inference_mode
    bundle = torch.load(path, weights_only=True)
    model = model_class(**bundle["config"]).train(False)
    model.load_state_dict(bundle["state_dict"])
    stats = bundle["normalization"]
    mean = torch.as_tensor(stats["mean"], dtype=x_raw.dtype)
    std = torch.as_tensor(stats["std"], dtype=x_raw.dtype)
    with torch.inference_mode():
        logits = model(torch.div(x_raw - mean, std))
    return logits.clone()


def predict_from_bundle_eval_first(path, model_class, x_raw):  # eval() before loading, no no_grad
    bundle = torch.load(path, map_location="cpu")
    model = model_class(**bundle["config"])
    model.eval()
    model.load_state_dict(bundle["state_dict"])
    x = (x_raw - torch.tensor(bundle["normalization"]["mean"])) / torch.tensor(
        bundle["normalization"]["std"]
    )
    return model(x).detach()


REFERENCE = {1: save_checkpoint, 2: load_checkpoint, 3: predict_from_bundle}
WRONG = {
    1: [
        save_checkpoint_whole_objects,
        save_checkpoint_weights_only,
        save_checkpoint_next_epoch,
        save_checkpoint_legacy_objects,
        save_checkpoint_param_groups,
        save_checkpoint_tensor_epoch,
    ],
    2: [
        load_checkpoint_rebinds,
        load_checkpoint_model_only,
        load_checkpoint_returns_nothing,
        load_checkpoint_next_epoch,
        load_checkpoint_new_optimizer,
        load_checkpoint_parameters_only,
    ],
    3: [
        predict_from_bundle_no_normalization,
        predict_from_bundle_train_mode,
        predict_from_bundle_mean_only,
        predict_from_bundle_in_place,
        predict_from_bundle_batch_statistics,
        predict_from_bundle_probabilities,
    ],
}
ALTERNATIVES = {
    1: [save_checkpoint_legacy_format, save_checkpoint_file_handle],
    2: [load_checkpoint_file_handle, load_checkpoint_unpack],
    3: [predict_from_bundle_inference_mode, predict_from_bundle_eval_first],
}
