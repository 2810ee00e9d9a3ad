"""Table definitions. A table is added here *and* created by a migration, never by create_all,
so an existing database and a new one always end up with the same schema."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("description", Text, nullable=False),
    Column("applied_at", String(32), nullable=False),
    Column("applied_by", String(64), nullable=False),
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

sweeps = Table(
    "sweeps",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("notebook", Text, nullable=False),
    Column("mode", String(8), nullable=False),
    Column("concurrency", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("created_by", String(128), nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("sweep_id", String(16), ForeignKey("sweeps.id"), nullable=True, index=True),
    Column("notebook", Text, nullable=False),
    Column("parameters", JSON, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("created_at", String(32), nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("started_at", String(32)),
    Column("finished_at", String(32)),
    Column("duration_s", Float),
    Column("progress_cell", Integer),
    Column("progress_total", Integer),
    Column("output_notebook", Text),
    Column("metrics", JSON),
    Column("files", JSON),
    Column("environment", JSON),
    Column("error", JSON),
    Column("cell_timeout", Float),
    Column("time_limit", Float),
    Column("cancel_requested", Boolean, nullable=False, default=False),
    # Who executes it, so another process can cancel it and a restart can tell what is orphaned:
    # (pid, start time) pairs, since pids alone are reused.
    Column("owner_pid", Integer),
    Column("owner_started", Float),
    Column("worker_pid", Integer),
    Column("worker_started", Float),
)

# Content hashes of files already stored, by the file's identity and stat: a file whose
# (device, inode, size, mtime) is unchanged is not read again (what DVC's state database does).
file_hashes = Table(
    "file_hashes",
    metadata,
    Column("device", Integer, primary_key=True),
    Column("inode", Integer, primary_key=True),
    Column("size", Integer, nullable=False),
    Column("mtime_ns", Integer, nullable=False),
    Column("md5", String(32), nullable=False),
)

# Image builds of versions. A build runs in its own process (the worker), recorded so another
# process can cancel it and a restart can tell an orphaned build from a running one.
builds = Table(
    "builds",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("model", String(64), nullable=False),
    Column("version", String(128), nullable=False, index=True),
    Column("status", String(16), nullable=False, index=True),
    Column("step", String(16)),
    Column("steps", JSON, nullable=False),
    Column("base_image", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("started_at", String(32)),
    Column("finished_at", String(32)),
    Column("duration_s", Float),
    Column("image", JSON),
    Column("requirements", JSON),
    Column("error", JSON),
    Column("cancel_requested", Boolean, nullable=False, default=False),
    Column("worker_pid", Integer),
    Column("worker_started", Float),
)

# Deployments: a name, its stable endpoint (the gateway's port, chosen once) and which version it
# serves. The replicas themselves are found on the target by their labels, never only here.
deployments = Table(
    "deployments",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("model", String(64), nullable=False),
    Column("target", String(16), nullable=False),
    Column("port", Integer, nullable=False, unique=True),
    Column("replicas", Integer, nullable=False),
    Column("version", String(128)),
    Column("previous_version", String(128)),
    Column("status", String(16), nullable=False),
    Column("max_batch", Integer, nullable=False),
    Column("workers", Integer, nullable=False),
    Column("live_since", String(32)),  # when the endpoint first served; updates keep it
    # The running or last operation (deploy, update, rollback, down) with its steps: a restarted
    # server finds one left "running" and reports it interrupted.
    Column("operation", JSON),
    Column("created_at", String(32), nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("updated_at", String(32), nullable=False),
)

# Every action on a deployment, who did it and when: the deployment's history.
deployment_events = Table(
    "deployment_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("deployment", String(64), nullable=False, index=True),
    Column("at", String(32), nullable=False),
    Column("by", String(128), nullable=False),
    Column("action", String(32), nullable=False),
    Column("version", String(128)),
    Column("outcome", String(16), nullable=False),
    Column("detail", JSON),
)
