#!/usr/bin/env bash
# Build the local base image that jupyter_deploy's tests and demo use.
#
# No container registry is reachable on the machines this project is tested on, so
# `docker pull python:3.11-slim` is impossible. This script makes an equivalent image
# from Debian packages instead:
#
#   1. debootstrap a minimal Debian bookworm (Python 3.11) root filesystem,
#   2. `docker import` it as a plain Debian image (kept, tagged $ROOTFS_IMAGE, so other
#      local images such as a gateway can be built FROM it with apt-get),
#   3. a tiny `docker build` on top: `python` -> `python3`, no PEP 668 marker (so
#      `pip install` behaves as in the official image), PYTHONUNBUFFERED=1, CMD python3,
#      tagged with the image name the product expects (default python:3.11-slim).
#
# Usage: scripts/build-base-image.sh [--force] [IMAGE_NAME]
#   --force       rebuild even if IMAGE_NAME already exists
#   IMAGE_NAME    tag to produce (default: python:3.11-slim, the product's default base_image)
#
# Environment (optional):
#   DEBIAN_MIRROR   Debian mirror for debootstrap (default http://deb.debian.org/debian)
#   ROOTFS_IMAGE    tag of the intermediate imported image (default jupyter-deploy/debian:bookworm)
#
# Needs root (debootstrap), debootstrap, and a reachable Docker engine. Takes about a minute.
set -euo pipefail

readonly DEFAULT_IMAGE="python:3.11-slim"
readonly SUITE="bookworm"
readonly PACKAGES="python3,python3-venv,python3-pip,ca-certificates"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
ROOTFS_IMAGE="${ROOTFS_IMAGE:-jupyter-deploy/debian:bookworm}"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '/^# Usage:/,/^# Needs root/s/^# \{0,1\}//p' "$0"
}

# --- arguments -------------------------------------------------------------------------
force=0
image=""
while [ "$#" -gt 0 ]; do
    case "$1" in
        --force) force=1 ;;
        -h|--help) usage; exit 0 ;;
        --) shift; [ "$#" -gt 0 ] && { image="$1"; shift; }; break ;;
        -*) die "unknown option: $1 (see --help)" ;;
        *) [ -z "$image" ] || die "only one image name may be given (got '$image' and '$1')"
           image="$1" ;;
    esac
    shift
done
[ "$#" -eq 0 ] || die "unexpected arguments after the image name: $*"
image="${image:-$DEFAULT_IMAGE}"

# A Docker reference: [registry/]name[:tag], lowercase name components. Checked so that a
# typo fails here with a clear message rather than deep inside docker build.
name_re='^[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$'
for ref in "$image" "$ROOTFS_IMAGE"; do
    [[ "$ref" =~ $name_re ]] || die "not a valid image name: '$ref' (expected e.g. python:3.11-slim)"
done

# --- preconditions ---------------------------------------------------------------------
command -v docker >/dev/null 2>&1 \
    || die "docker CLI not found; install it (Debian: apt-get install -y docker.io)"
if ! docker info >/dev/null 2>&1; then
    die "the Docker engine is not reachable (docker info failed); start it, e.g.
       (dockerd > /tmp/dockerd.log 2>&1 &)   and wait until 'docker info' succeeds"
fi

old_id="$(docker image inspect --format '{{.Id}}' -- "$image" 2>/dev/null || true)"
if [ -n "$old_id" ]; then
    if [ "$force" -eq 0 ]; then
        log "image $image already exists; nothing to do (use --force to rebuild)"
        exit 0
    fi
    log "image $image exists; rebuilding because of --force"
fi

command -v debootstrap >/dev/null 2>&1 \
    || die "debootstrap not found; install it (Debian: apt-get install -y debootstrap)"
command -v setsid >/dev/null 2>&1 || die "setsid not found; install util-linux"
[ "$(id -u)" -eq 0 ] || die "debootstrap needs root; run this script as root (e.g. with sudo)"

# --- work directory, always cleaned up ------------------------------------------------
workdir="$(mktemp -d "${TMPDIR:-/tmp}/jd-base-image.XXXXXX")"
bootstrap_pid=""
cleanup() {
    local status=$?
    # Interrupted during debootstrap: stop it (its own process group, see below) and wait,
    # so nothing is still writing into the directory we are about to delete.
    if [ -n "$bootstrap_pid" ] && kill -0 "$bootstrap_pid" 2>/dev/null; then
        log "stopping debootstrap"
        kill -TERM -- "-$bootstrap_pid" 2>/dev/null || true
        wait "$bootstrap_pid" 2>/dev/null || true
        local i
        for i in $(seq 1 40); do  # its children (wget, dpkg) may take a moment longer
            kill -0 -- "-$bootstrap_pid" 2>/dev/null || break
            sleep 0.25
        done
        kill -KILL -- "-$bootstrap_pid" 2>/dev/null || true
    fi
    # debootstrap may leave /proc, /sys or bind-mounted /dev inside the root if it was
    # interrupted: unmount (deepest first) before deleting, and never cross filesystems.
    if command -v findmnt >/dev/null 2>&1; then
        findmnt -rn -o TARGET | awk -v d="$workdir/" 'index($0, d) == 1' | sort -r \
            | while IFS= read -r mnt; do umount -l -- "$mnt" 2>/dev/null || true; done
    fi
    rm -rf --one-file-system -- "$workdir"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
rootfs="$workdir/rootfs"

start=$SECONDS

# --- 1. debootstrap --------------------------------------------------------------------
log "debootstrap $SUITE ($PACKAGES) from $MIRROR into $rootfs (about a minute)"
# Run in the background in a process group of its own and wait for it: the shell then
# reacts to Ctrl-C / SIGTERM at once, and cleanup() can stop debootstrap and its children.
setsid debootstrap --variant=minbase --include="$PACKAGES" \
    "$SUITE" "$rootfs" "$MIRROR" >"$workdir/debootstrap.log" 2>&1 </dev/null &
bootstrap_pid=$!
if ! wait "$bootstrap_pid"; then
    bootstrap_pid=""
    tail -n 20 "$workdir/debootstrap.log" >&2 || true
    die "debootstrap failed (last lines above); check that $MIRROR is reachable"
fi
bootstrap_pid=""
# Downloaded .deb files are not needed in the image.
find "$rootfs/var/cache/apt/archives" -maxdepth 1 -type f -name '*.deb' -delete
log "root filesystem ready ($(du -sh --one-file-system "$rootfs" | cut -f1)) after $((SECONDS - start)) s"

# --- 2. docker import ------------------------------------------------------------------
log "importing the root filesystem as $ROOTFS_IMAGE"
tar --numeric-owner -C "$rootfs" -c . \
    | docker import \
        --message "debootstrap --variant=minbase $SUITE ($PACKAGES)" \
        - "$ROOTFS_IMAGE" >/dev/null

# --- 3. thin layer with the conventions of the official python image -------------------
log "building $image FROM $ROOTFS_IMAGE"
# The Dockerfile is fixed text; the only variable part is the validated image name, and it
# goes in as a build argument, never spliced into the text.
docker build --quiet --tag "$image" --build-arg "ROOTFS_IMAGE=$ROOTFS_IMAGE" - >/dev/null <<'DOCKERFILE'
ARG ROOTFS_IMAGE
FROM ${ROOTFS_IMAGE}
# Debian marks its system Python as externally managed (PEP 668); the official
# python:*-slim images do not, and the product installs wheels with plain pip.
RUN ln -sf python3 /usr/bin/python \
 && rm -f /usr/lib/python3*/EXTERNALLY-MANAGED \
 && python --version
ENV LANG=C.UTF-8 \
    PYTHONUNBUFFERED=1
LABEL org.opencontainers.image.title="python (local Debian bookworm build)" \
      org.opencontainers.image.description="Debian bookworm minbase + python3, built by jupyter_deploy scripts/build-base-image.sh without a registry" \
      org.opencontainers.image.base.name="debian:bookworm"
CMD ["python3"]
DOCKERFILE

# A forced rebuild leaves the previous image untagged: drop it unless a container uses it.
if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect --format '{{.Id}}' -- "$image")" ]; then
    docker image rm -- "$old_id" >/dev/null 2>&1 \
        || log "note: the previous image ${old_id#sha256:} is still in use; not removed"
fi

version="$(docker run --rm -- "$image" python -c 'import sys; print(sys.version.split()[0])')"
log "built $image (Python $version, $(docker image inspect --format '{{.Size}}' -- "$image" \
    | awk '{printf "%.0f MB", $1 / 1e6}')) in $((SECONDS - start)) s"
