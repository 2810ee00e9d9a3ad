"""The gateway's nginx configuration: validate what goes into it, write it, read it back.

Everything the caller gives (addresses, labels, host, port) lands in a file nginx parses, so it
is checked against a strict grammar here and refused otherwise: no input can add a directive.
File paths never appear in the text either: they are relative to nginx's prefix (`-p FOLDER`),
so a folder whose name holds quotes or semicolons cannot break the configuration.
"""

import ipaddress
import json
import re
from dataclasses import dataclass

from ..errors import InvalidInput

ERROR_LOG = "error.log"
TEMP_DIR = "tmp"
# Above the model server's own 1 MiB limit, so the server answers oversize bodies with its own
# JSON error naming the limit; the gateway only stops what no replica would ever accept.
MAX_BODY_MIB = 4
MAX_BODY = f"{MAX_BODY_MIB}m"
_HOSTNAME = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*$")
_ADDRESS = re.compile(
    r"^(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[A-Za-z0-9.-]+)):(?P<port>\d{1,5})$"
)
_GENERATION = re.compile(r"^# generation (\d+)$", re.MULTILINE)
_LISTEN = re.compile(r"^        listen \[?([0-9A-Fa-f.:]+?)\]?:(\d+);$", re.MULTILINE)
_SERVER = re.compile(r"^ +server (\S+) [^;\n]*; # label (\".*\")$", re.MULTILINE)
_LABEL_MAX = 200


@dataclass(frozen=True)
class Upstream:
    address: str  # "127.0.0.1:49153": a replica's HTTP server
    label: str = ""  # e.g. the replica's id or version: shown in the config and in status


@dataclass(frozen=True)
class Daemon:
    """What both nginx configurations share: which of the two, and how its workers run."""

    name: str  # "edge" or "router": names its pid file and error log under the prefix
    workers: int
    user: str | None  # "nobody nogroup" when the master runs as root; None otherwise


def check_port(port: object) -> int:
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise InvalidInput(f"gateway port must be an integer from 1 to 65535, got {port!r}")
    return port


def check_host(host: object) -> str:
    """An IP literal: the gateway binds exactly there (a name could resolve to anything). No
    IPv6 zone: Python accepts any characters after the `%`, semicolons and braces included."""
    if not isinstance(host, str) or "%" in host:
        return _bad_host(host)
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return _bad_host(host)


def _bad_host(host: object) -> str:
    raise InvalidInput(f"gateway host must be an IP address such as 127.0.0.1, got {host!r}")


def check_upstreams(upstreams: object) -> tuple[Upstream, ...]:
    if not isinstance(upstreams, list | tuple):
        raise InvalidInput(f"upstreams must be a list of Upstream, got {type(upstreams).__name__}")
    seen: set[str] = set()
    checked = []
    for upstream in upstreams:
        if not isinstance(upstream, Upstream):
            raise InvalidInput(f"upstreams must be Upstream objects, got {upstream!r}")
        address = check_address(upstream.address)
        if address in seen:
            raise InvalidInput(f"upstream {address} is listed twice")
        seen.add(address)
        checked.append(Upstream(address, check_label(upstream.label)))
    return tuple(checked)


def check_address(address: object) -> str:
    match = _ADDRESS.match(address) if isinstance(address, str) else None
    if match is None:
        raise InvalidInput(
            f"upstream address must be HOST:PORT (an IP address or a host name, then a port),"
            f" got {address!r}"
        )
    port = int(match["port"])
    if not 1 <= port <= 65535:
        raise InvalidInput(f"upstream address {address!r}: port must be from 1 to 65535")
    if match["v6"] is not None:
        try:
            ipaddress.IPv6Address(match["v6"])
        except ValueError:
            raise InvalidInput(f"upstream address {address!r}: not an IPv6 address") from None
    elif not _HOSTNAME.match(match["host"]):
        raise InvalidInput(f"upstream address {address!r}: not an IP address or host name")
    return str(address)


def check_label(label: object) -> str:
    if not isinstance(label, str):
        raise InvalidInput(f"upstream label must be a string, got {label!r}")
    if len(label) > _LABEL_MAX or any(ord(c) < 32 or ord(c) == 127 for c in label):
        raise InvalidInput(
            f"upstream label must be at most {_LABEL_MAX} characters without control characters"
        )
    return label


def render_edge(daemon: Daemon, host: str, port: int, router_port: int) -> str:
    """The edge holds the clients' connections and is never reloaded by a switch: a reload ends
    the idle keep-alive connections of the old workers, and a client that sends on one at that
    instant loses its request (most HTTP clients do not resend a POST). The router behind it is
    what switches reload; the edge is the client there, and nginx resends on its own."""
    listen = f"[{host}]" if ":" in host else host
    return "\n".join([
        *_head(daemon, "the edge: the deployment's endpoint, in front of its router"),
        "http {",
        *_http_common(),
        "    map $http_x_request_id $request_id_out {",
        "        default $http_x_request_id;",
        '        "" $request_id;',
        "    }",
        # The client's Host as it sent it (with its port); a bare HTTP/1.0 request gets one.
        "    map $http_host $host_out {",
        "        default $http_host;",
        '        "" $host;',
        "    }",
        "    upstream router {",
        f"        server 127.0.0.1:{router_port} max_fails=0;",
        # Idle connections close before the router's own timeout (75 s) would close them.
        "        keepalive 64;",
        "        keepalive_timeout 50s;",
        "        keepalive_requests 100000;",
        "    }",
        "    server {",
        f"        listen {listen}:{port};",
        "        server_name gateway;",
        *_error_pages(
            "the router of the gateway is not answering: start the gateway again",
            "the router of the gateway did not answer in time",
        ),
        "        location / {",
        "            proxy_pass http://router;",
        *_proxy_common(),
        "            proxy_set_header Host $host_out;",
        "            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "            proxy_set_header X-Request-Id $request_id_out;",
        "            add_header X-Request-Id $request_id_out always;",
        # A reloading router closes its idle connections; a request sent on one as it closes
        # is sent again on a fresh connection (nginx does not count a failed reused connection
        # as a try). `non_idempotent`: see the router's retries.
        "            proxy_next_upstream error non_idempotent;",
        "            proxy_next_upstream_timeout 30s;",
        "            proxy_connect_timeout 2s;",
        # Longer than the router's own retries and timeouts, so the router's answer wins.
        "            proxy_send_timeout 120s;",
        "            proxy_read_timeout 120s;",
        "        }",
        "    }",
        "}",
        "",
    ])  # fmt: skip


def render_router(
    daemon: Daemon, port: int, upstreams: tuple[Upstream, ...], generation: int
) -> str:
    return "\n".join([
        *_head(daemon, "the router: sends the edge's requests to the replicas"),
        f"# generation {generation}",
        "http {",
        *_http_common(),
        *_upstream_block(upstreams),
        "    server {",
        f"        listen 127.0.0.1:{port};",
        # Its one client is the edge, on a few long-lived connections.
        "        keepalive_timeout 75s;",
        "        keepalive_requests 100000;",
        *_error_pages("no replica answered", "the replica did not answer in time"),
        *_routes(upstreams),
        "    }",
        "}",
        "",
    ])  # fmt: skip


def _head(daemon: Daemon, role: str) -> list[str]:
    return [
        f"# Written by jupyter_deploy: {role}. Rewritten by the gateway; do not edit.",
        # The gateway must outlive the Jupyter server that starts it, and be found again.
        "daemon on;",
        "master_process on;",
        f"worker_processes {daemon.workers};",
        *([f"user {daemon.user};"] if daemon.user else []),
        f"pid {daemon.name}.pid;",
        f"lock_file {daemon.name}.lock;",
        f"error_log {daemon.name}-{ERROR_LOG} warn;",
        # Bounds how long a replaced worker may finish its in-flight requests after a reload.
        "worker_shutdown_timeout 130s;",
        "worker_rlimit_nofile 8192;",
        "events { worker_connections 4096; }",
    ]


def _http_common() -> list[str]:
    return [
        "    access_log off;",
        "    server_tokens off;",
        "    default_type application/octet-stream;",
        # The buffer is as large as the largest body accepted, and responses never spill to
        # disk: workers (`nobody` under root) then never need to write under the folder, whose
        # parents (a home directory, say) they may not even be allowed to enter.
        f"    client_max_body_size {MAX_BODY};",
        f"    client_body_buffer_size {MAX_BODY};",
        "    proxy_max_temp_file_size 0;",
        *(
            f"    {kind}_temp_path {TEMP_DIR}/{kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        ),
    ]


def _proxy_common() -> list[str]:
    """Keep-alive connections to the next hop; Authorization and every other request header
    pass through unchanged."""
    return [
        "            proxy_http_version 1.1;",
        '            proxy_set_header Connection "";',
    ]


def _error_pages(bad_gateway: str, timeout: str) -> list[str]:
    """nginx's own errors as JSON, like the model server's; answers from behind pass as they
    are (proxy_intercept_errors is off)."""
    return [
        "        error_page 413 @too_large;",
        "        error_page 502 @bad_gateway;",
        "        error_page 504 @timeout;",
        *_json_location("@too_large", 413, "payload_too_large",
                        f"request body larger than {MAX_BODY_MIB} MiB"),
        *_json_location("@bad_gateway", 502, "bad_gateway", bad_gateway),
        *_json_location("@timeout", 504, "timeout", timeout),
    ]  # fmt: skip


def _upstream_block(upstreams: tuple[Upstream, ...]) -> list[str]:
    if not upstreams:
        return []  # nginx refuses an empty upstream block; the route answers 503 instead
    return [
        "    upstream replicas {",
        # Model calls vary in length: send each request to the replica with the fewest.
        "        least_conn;",
        *(
            f"        server {u.address} max_fails=1 fail_timeout=5s;"
            f" # label {json.dumps(u.label, ensure_ascii=True)}"
            for u in upstreams
        ),
        # Reused connections to the replicas: no connect per request. The idle timeout stays
        # below the model server's own (uvicorn: 5 s), so nginx never reuses a connection the
        # replica is closing.
        "        keepalive 64;",
        "        keepalive_timeout 4s;",
        "    }",
    ]


def _routes(upstreams: tuple[Upstream, ...]) -> list[str]:
    if not upstreams:
        return _json_location(
            "/", 503, "no_replicas", "this deployment has no replica serving right now"
        )
    return [
        "        location / {",
        "            proxy_pass http://replicas;",
        *_proxy_common(),
        "            proxy_set_header Host $http_host;",
        # A replica that dies or drains mid-flight: the request goes to another one. POST
        # /predict is a pure function of its body (nothing changes on the replica), so
        # sending it twice is safe: hence `non_idempotent`.
        "            proxy_next_upstream error timeout http_502 http_503 non_idempotent;",
        "            proxy_next_upstream_tries 3;",
        "            proxy_next_upstream_timeout 15s;",
        "            proxy_connect_timeout 2s;",
        "            proxy_send_timeout 60s;",
        "            proxy_read_timeout 60s;",
        "        }",
    ]


def _json_location(location: str, status: int, code: str, message: str) -> list[str]:
    body = json.dumps({"error": {"code": code, "message": message}})
    # Constants, quoted below as one nginx string: no quote or backslash may end it early.
    assert "'" not in body
    assert "\\" not in body
    return [
        f"        location {location} {{",
        "            default_type application/json;",
        f"            return {status} '{body}';",
        "        }",
    ]


def read_generation(text: str) -> int:
    match = _GENERATION.search(text)
    return int(match.group(1)) if match else 0


def read_upstreams(text: str) -> list[Upstream]:
    return [Upstream(m.group(1), str(json.loads(m.group(2)))) for m in _SERVER.finditer(text)]


def read_listen(text: str) -> tuple[str, int] | None:
    """The address a configuration listens on: (IP, port)."""
    match = _LISTEN.search(text)
    return (match.group(1), int(match.group(2))) if match else None
