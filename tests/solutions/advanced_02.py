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


REFERENCE = {1: save_checkpoint, 2: load_checkpoint, 3: predict_from_bundle}
WRONG = {
    1: [save_checkpoint_whole_objects, save_checkpoint_weights_only, save_checkpoint_next_epoch],
    2: [load_checkpoint_rebinds, load_checkpoint_model_only, load_checkpoint_returns_nothing],
    3: [
        predict_from_bundle_no_normalization,
        predict_from_bundle_train_mode,
        predict_from_bundle_mean_only,
    ],
}
