"""aiotkit: small helpers shared by the PyTorch for AIoT notebooks."""

from aiotkit.device import environment_report, get_device, print_environment, seed_everything
from aiotkit.exercises import check

__all__ = ["check", "environment_report", "get_device", "print_environment", "seed_everything"]
__version__ = "0.1.0"
