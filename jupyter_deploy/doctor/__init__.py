"""The environment report: what works here, what does not, and what to do about it."""

from .model import Check, DoctorReport, ProjectInfo
from .report import run_doctor

__all__ = ["Check", "DoctorReport", "ProjectInfo", "run_doctor"]
