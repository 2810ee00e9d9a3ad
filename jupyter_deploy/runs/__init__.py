"""Parameterized notebook runs and sweeps (papermill), each in its own workspace and kernel."""

from .outcomes import Limits
from .parameters import Parameter, check_values, parse_cli_value, read_parameters
from .service import RunService
from .sweep import expand

__all__ = [
    "Limits",
    "Parameter",
    "RunService",
    "check_values",
    "expand",
    "parse_cli_value",
    "read_parameters",
]
