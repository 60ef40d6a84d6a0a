"""aiotkit: small helpers shared by the PyTorch for AIoT notebooks."""

from aiotkit.device import environment_report, get_device, print_environment, seed_everything

__all__ = ["check", "environment_report", "get_device", "print_environment", "seed_everything"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # `check` pulls in every notebook's checker module; import it only when it is asked for,
    # so that `import aiotkit.data` (e.g. in a torchrun worker) stays light.
    if name == "check":
        from aiotkit.exercises import check

        return check
    raise AttributeError(f"module 'aiotkit' has no attribute {name!r}")
