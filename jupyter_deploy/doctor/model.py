"""The doctor report's shape, shared by the REST API, the CLI's --json and the frontend."""

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ..identity import Identity

Status = Literal["ok", "warning", "error"]
_RANK: dict[str, int] = {"ok": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Check:
    id: str
    label: str
    status: Status
    value: str | None
    detail: str
    hint: str | None = None


@dataclass(frozen=True)
class ProjectInfo:
    path: str | None
    config_file: str | None
    valid: bool | None
    error: str | None = None
    model: str | None = None


@dataclass(frozen=True)
class DoctorReport:
    product: dict[str, Any]
    generated_at: str
    duration_ms: int
    target: dict[str, str]
    project: ProjectInfo
    checks: list[Check] = field(default_factory=list)
    # Who runs, versions and deployments made here are recorded as, and why.
    identity: Identity | None = None

    @property
    def status(self) -> Status:
        worst: Status = "ok"
        for check in self.checks:
            if _RANK[check.status] > _RANK[worst]:
                worst = check.status
        return worst

    def check(self, check_id: str) -> Check:
        return next(c for c in self.checks if c.id == check_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "product": self.product,
            "generated_at": self.generated_at,
            "duration_ms": self.duration_ms,
            "status": self.status,
            "target": self.target,
            "project": asdict(self.project),
            "checks": [asdict(c) for c in self.checks],
            "identity": self.identity.to_dict() if self.identity else None,
        }
