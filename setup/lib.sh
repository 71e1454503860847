# shellcheck shell=bash
# Shared helpers for setup/run.sh, setup/test.sh and setup/benchmark.sh.
#
# Source it (``. setup/lib.sh``); it is safe under ``set -euo pipefail``.
# Functions return non-zero on failure instead of exiting the caller.
#
#   in2dmm_find_odoo   -> ODOO_SRC, ODOO_VERSION, ODOO_CMD (+ ODOO_ARGV array)
#   in2dmm_venv        -> IN2DMM_VENV, IN2DMM_PY (venv with Odoo's deps)
#   in2dmm_pg          -> PGHOST, PGPORT, PGUSER, DB_ARGS (+ DB_ARGV array)
#   in2dmm_pg_stop     stops the private cluster started by in2dmm_pg
#   in2dmm_odoo ARGS   runs Odoo with the venv python
#   in2dmm_addons_path -> comma-separated --addons-path value
#
# Environment knobs: ODOO_SRC, IN2DMM_NO_ODOO_AUTODETECT=1, IN2DMM_VENV,
# IN2DMM_PYTHON, IN2DMM_PGDATA, IN2DMM_FORCE_PRIVATE_PG=1, IN2DMM_PG_BIN,
# IN2DMM_DATA_DIR, IN2DMM_ADDONS_EXTRA (comma-separated extra addons dirs).

IN2DMM_REPO="${IN2DMM_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
IN2DMM_CACHE="${IN2DMM_CACHE:-$HOME/.cache/in2dmm}"
# Odoo's data dir (filestores); in2dmm_pg picks a separate default per cluster
# so that databases of the same name in two clusters never share a filestore.
IN2DMM_DATA_DIR_SET="${IN2DMM_DATA_DIR:+1}"
IN2DMM_DATA_DIR="${IN2DMM_DATA_DIR:-$IN2DMM_CACHE/odoo-data}"
IN2DMM_PRIVATE_PG_PORT="${IN2DMM_PRIVATE_PG_PORT:-54329}"
export IN2DMM_REPO IN2DMM_CACHE IN2DMM_DATA_DIR

# Odoo's own defaults for every command the scripts run (options on the command
# line still win): serve on loopback only, also for `odoo db` which has no
# --http-interface option of its own.
if [ -z "${ODOO_RC:-}" ]; then
    mkdir -p "$IN2DMM_CACHE"
    ODOO_RC="$IN2DMM_CACHE/odoo.conf"
    printf '[options]\nhttp_interface = 127.0.0.1\n' >"$ODOO_RC"
    export ODOO_RC
fi

in2dmm_log() { printf '[in2dmm] %s\n' "$*" >&2; }

# ---------------------------------------------------------------- Odoo ---

# Print "MAJOR VERSION" of the Odoo tree in $1 (reads odoo/release.py
# without importing Odoo), nothing if it is no Odoo tree.
_in2dmm_odoo_release() {
    local rel="$1/odoo/release.py" py
    [ -f "$rel" ] || return 1
    py="$(command -v python3 || true)"
    if [ -n "$py" ]; then
        "$py" - "$rel" 2>/dev/null <<'PY' && return 0
import sys
ns = {}
with open(sys.argv[1], encoding="utf-8") as fh:
    exec(compile(fh.read(), sys.argv[1], "exec"), ns)
print(ns["version_info"][0], ns.get("version", ""))
PY
    fi
    # No python3 at hand: a plain text read of the tuple.
    sed -n "s/^version_info = (\([^,]*\),.*/\1 unknown/p" "$rel" | head -n1
}

_in2dmm_odoo_candidate() {
    # $1: directory holding odoo/release.py; succeeds when it is Odoo 19.
    local dir="$1" info major
    [ -n "$dir" ] && [ -f "$dir/odoo/release.py" ] || return 1
    info="$(_in2dmm_odoo_release "$dir" || true)"
    major="${info%% *}"
    if [ "$major" != "19" ]; then
        in2dmm_log "ignoring $dir: Odoo major version '${major:-?}', need 19"
        return 1
    fi
    ODOO_SRC="$(cd "$dir" && pwd)"
    ODOO_VERSION="${info#* }"
    return 0
}

in2dmm_find_odoo() {
    local cand py found=""
    if [ -n "${ODOO_SRC:-}" ]; then
        if _in2dmm_odoo_candidate "$ODOO_SRC"; then
            found=1
        else
            in2dmm_log "ODOO_SRC=$ODOO_SRC holds no Odoo 19 (odoo/release.py)"
        fi
    fi
    if [ -z "$found" ] && [ "${IN2DMM_NO_ODOO_AUTODETECT:-0}" != "1" ]; then
        # An importable odoo in the venv (e.g. installed with pip from a
        # nightly wheel) or in the caller's python.
        for py in "${IN2DMM_VENV:-$IN2DMM_CACHE/venv}/bin/python" python3; do
            command -v "$py" >/dev/null 2>&1 || continue
            cand="$(cd / && "$py" -c 'import os, odoo.release as r; print(os.path.dirname(os.path.dirname(os.path.abspath(r.__file__))))' 2>/dev/null || true)"
            if [ -n "$cand" ] && _in2dmm_odoo_candidate "$cand"; then
                found=1
                break
            fi
        done
    fi
    if [ -z "$found" ] && [ "${IN2DMM_NO_ODOO_AUTODETECT:-0}" != "1" ]; then
        for cand in "$IN2DMM_REPO/../odoo" "$HOME/odoo" /opt/odoo19 /opt/odoo \
                    /usr/lib/python3/dist-packages; do
            if [ -f "$cand/odoo/release.py" ] && _in2dmm_odoo_candidate "$cand"; then
                found=1
                break
            fi
        done
    fi
    if [ -z "$found" ]; then
        unset ODOO_SRC
        if [ "${IN2DMM_NO_ODOO_AUTODETECT:-0}" = "1" ]; then
            in2dmm_log "(autodetection is off: IN2DMM_NO_ODOO_AUTODETECT=1)"
        fi
        cat >&2 <<'EOF'
[in2dmm] Odoo 19 was not found. Odoo 19 is not published on PyPI, so it cannot be installed automatically: get the official source yourself, e.g. `git clone --depth 1 -b 19.0 https://github.com/odoo/odoo` or the 19.0 nightly source tarball from https://nightly.odoo.com, and point ODOO_SRC at the directory that contains `odoo/release.py` (export ODOO_SRC=/path/to/odoo). Unless ODOO_SRC is set, these places are searched: an importable `odoo` module, ../odoo next to this repository, ~/odoo, /opt/odoo19, /opt/odoo and /usr/lib/python3/dist-packages.
EOF
        return 1
    fi
    if [ -f "$ODOO_SRC/odoo-bin" ]; then
        ODOO_CMD="$ODOO_SRC/odoo-bin"
        ODOO_ARGV=("$ODOO_SRC/odoo-bin")
    else
        ODOO_CMD="python -m odoo"
        ODOO_ARGV=(-m odoo)
    fi
    case ":${PYTHONPATH:-}:" in
        *":$ODOO_SRC:"*) ;;
        *) PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}" ;;
    esac
    export ODOO_SRC ODOO_VERSION ODOO_CMD PYTHONPATH
    return 0
}

# Comma-separated addons path: Odoo's own addons, the repo root (when it holds
# at least one addon) and $IN2DMM_ADDONS_EXTRA; with --odoo-only just Odoo's.
in2dmm_addons_path() {
    local paths=() d extra
    for d in "$ODOO_SRC/addons" "$ODOO_SRC/odoo/addons"; do
        [ -d "$d" ] && paths+=("$d")
    done
    if [ "${1:-}" = --odoo-only ]; then
        local IFS=','
        printf '%s\n' "${paths[*]}"
        return 0
    fi
    if compgen -G "$IN2DMM_REPO/*/__manifest__.py" >/dev/null; then
        paths+=("$IN2DMM_REPO")
    fi
    if [ -n "${IN2DMM_ADDONS_EXTRA:-}" ]; then
        IFS=',' read -r -a extra <<<"$IN2DMM_ADDONS_EXTRA"
        for d in "${extra[@]}"; do
            [ -n "$d" ] && paths+=("$(cd "$d" && pwd)")
        done
    fi
    local IFS=','
    printf '%s\n' "${paths[*]}"
}

# Run Odoo with the venv python: in2dmm_odoo server -d db ...
in2dmm_odoo() {
    "${IN2DMM_PY:?in2dmm_venv first}" "${ODOO_ARGV[@]}" "$@"
}

# ---------------------------------------------------------------- venv ---

_in2dmm_pick_python() {
    local py v
    for py in ${IN2DMM_PYTHON:-} python3 python3.12 python3.11 python3.13 python3.10; do
        command -v "$py" >/dev/null 2>&1 || continue
        v="$("$py" -c 'import sys; print("%d%02d" % sys.version_info[:2])' 2>/dev/null || true)"
        if [ -n "$v" ] && [ "$v" -ge 310 ] && [ "$v" -le 313 ]; then
            command -v "$py"
            return 0
        fi
    done
    in2dmm_log "no python 3.10-3.13 found (Odoo 19 needs one); set IN2DMM_PYTHON"
    return 1
}

# Print Odoo's requirements.txt evaluated as if python were >= 3.12: the 3.11
# pins include cbor2 5.4.2, which does not build; the 3.12 pins install and
# run on 3.11. python-ldap is skipped (needs system headers, unused here).
_in2dmm_odoo_requirements() {
    "$1" - "$ODOO_SRC/requirements.txt" "$2" <<'PY'
import sys
try:
    from packaging.requirements import Requirement
except ImportError:  # a fresh venv: use pip's vendored copy
    from pip._vendor.packaging.requirements import Requirement

path, use_binary = sys.argv[1], sys.argv[2] == "1"
env = {}
if sys.version_info < (3, 12):
    env = {"python_version": "3.12", "python_full_version": "3.12.0"}
for line in open(path, encoding="utf-8"):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    req = Requirement(line)
    if req.marker is not None and not req.marker.evaluate(env):
        continue
    if req.name.lower() == "python-ldap":
        continue
    req.marker = None
    if use_binary and req.name.lower() == "psycopg2":
        req.name = "psycopg2-binary"
    print(req)
PY
}

in2dmm_venv() {
    [ -n "${ODOO_SRC:-}" ] || in2dmm_find_odoo || return 1
    IN2DMM_VENV="${IN2DMM_VENV:-$IN2DMM_CACHE/venv}"
    local py base reqs stamp want binary=0 f pgc
    if [ ! -x "$IN2DMM_VENV/bin/python" ]; then
        base="$(_in2dmm_pick_python)" || return 1
        in2dmm_log "creating venv $IN2DMM_VENV with $base"
        mkdir -p "$(dirname "$IN2DMM_VENV")"
        "$base" -m venv "$IN2DMM_VENV" || return 1
    fi
    py="$IN2DMM_VENV/bin/python"
    # psycopg2 builds from source; without libpq headers use the wheel.
    pgc="$(command -v pg_config || ls /usr/lib/postgresql/*/bin/pg_config 2>/dev/null | sort -V | tail -n1 || true)"
    if [ -z "$pgc" ] || [ ! -f "$("$pgc" --includedir 2>/dev/null)/libpq-fe.h" ]; then
        binary=1
    fi
    reqs="$(_in2dmm_odoo_requirements "$py" "$binary")" || {
        in2dmm_log "could not read $ODOO_SRC/requirements.txt"
        return 1
    }
    stamp="$IN2DMM_VENV/.in2dmm-requirements.sha256"
    want="$({
        "$py" -c 'import sys; print(sys.version)'
        printf '%s\n' "$reqs"
        for f in requirements.txt test-requirements.txt; do
            [ -f "$IN2DMM_REPO/$f" ] && cat "$IN2DMM_REPO/$f"
        done
    } | sha256sum | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        in2dmm_log "installing Python dependencies into $IN2DMM_VENV (first run takes a few minutes)"
        local tmp args=()
        tmp="$(mktemp)"
        printf '%s\n' "$reqs" >"$tmp"
        args=(-r "$tmp")
        for f in requirements.txt test-requirements.txt; do
            [ -f "$IN2DMM_REPO/$f" ] && args+=(-r "$IN2DMM_REPO/$f")
        done
        if ! PATH="${pgc:+$(dirname "$pgc"):}$PATH" "$py" -m pip install -q \
                --disable-pip-version-check --no-input "${args[@]}"; then
            rm -f "$tmp"
            in2dmm_log "pip install failed (see the errors above)"
            return 1
        fi
        rm -f "$tmp"
        printf '%s\n' "$want" >"$stamp"
    fi
    IN2DMM_PY="$py"
    export IN2DMM_VENV IN2DMM_PY
}

# ---------------------------------------------------------- PostgreSQL ---

_in2dmm_pg_bin() {
    if [ -n "${IN2DMM_PG_BIN:-}" ]; then
        printf '%s\n' "$IN2DMM_PG_BIN"
        return 0
    fi
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
    if [ -z "$d" ] && command -v pg_config >/dev/null 2>&1; then
        d="$(pg_config --bindir)"
    fi
    if [ -z "$d" ] && command -v initdb >/dev/null 2>&1; then
        d="$(dirname "$(command -v initdb)")"
    fi
    [ -n "$d" ] || return 1
    printf '%s\n' "$d"
}

_in2dmm_pg_tool() {
    # Prefer the tool from PATH (Debian's wrappers), else the server bin dir.
    if command -v "$1" >/dev/null 2>&1; then
        command -v "$1"
    else
        printf '%s/%s\n' "$(_in2dmm_pg_bin)" "$1"
    fi
}

_in2dmm_pg_ready() {
    "$(_in2dmm_pg_tool pg_isready)" -q -h 127.0.0.1 -p "$1" -t 3 >/dev/null 2>&1
}

# OS user that owns the private cluster when we run as root.
_in2dmm_pg_os_user() {
    if id in2dmm >/dev/null 2>&1; then
        echo in2dmm
    elif id postgres >/dev/null 2>&1; then
        echo postgres
    else
        useradd -r -M -d /nonexistent -s /usr/sbin/nologin in2dmm >/dev/null 2>&1 ||
            useradd -r -M -s /bin/false in2dmm || return 1
        echo in2dmm
    fi
}

_in2dmm_as() {
    # _in2dmm_as USER cmd args...: run as USER ('' = the current user).
    local user="$1"
    shift
    if [ -z "$user" ]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        runuser -u "$user" -- "$@"
    else
        su -s /bin/sh "$user" -c "$(printf '%q ' "$@")"
    fi
}

_in2dmm_pg_private_dir() {
    if [ -n "${IN2DMM_PGDATA:-}" ]; then
        printf '%s\n' "$IN2DMM_PGDATA"
    elif [ "$(id -u)" = 0 ]; then
        # $HOME (/root) is not reachable by the unprivileged cluster owner.
        printf '%s\n' /var/lib/in2dmm/pgdata
    else
        printf '%s\n' "$HOME/.cache/in2dmm/pgdata"
    fi
}

_in2dmm_pg_private() {
    local port="$IN2DMM_PRIVATE_PG_PORT" data bin user=""
    data="$(_in2dmm_pg_private_dir)"
    bin="$(_in2dmm_pg_bin)" || {
        in2dmm_log "no PostgreSQL server binaries (initdb, pg_ctl) found; install PostgreSQL >= 13 or set IN2DMM_PG_BIN"
        return 1
    }
    if [ "$(id -u)" = 0 ]; then
        user="$(_in2dmm_pg_os_user)" || return 1
    fi
    mkdir -p "$data"
    chmod 700 "$data"
    [ -z "$user" ] || chown "$user:" "$data"
    if [ ! -f "$data/PG_VERSION" ]; then
        in2dmm_log "initialising a private PostgreSQL cluster in $data (port $port)"
        _in2dmm_as "$user" "$bin/initdb" -D "$data" -U in2dmm --auth=trust \
            --encoding=UTF8 --locale=C >/dev/null || return 1
        cat >>"$data/postgresql.conf" <<EOF

# in2dmm private development cluster
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
synchronous_commit = off
EOF
    fi
    if ! _in2dmm_pg_ready "$port"; then
        in2dmm_log "starting the private PostgreSQL cluster ($data, 127.0.0.1:$port)"
        _in2dmm_as "$user" "$bin/pg_ctl" -D "$data" -l "$data/in2dmm-server.log" \
            -w -t 60 start >/dev/null || {
            in2dmm_log "pg_ctl start failed; see $data/in2dmm-server.log"
            return 1
        }
    fi
    PGHOST=127.0.0.1
    PGPORT="$port"
    IN2DMM_PG_PRIVATE="$data"
    export IN2DMM_PG_PRIVATE
}

# Stop the private cluster (no-op when it is not running).
in2dmm_pg_stop() {
    local data bin user=""
    data="$(_in2dmm_pg_private_dir)"
    bin="$(_in2dmm_pg_bin)" || return 0
    [ -f "$data/postmaster.pid" ] || return 0
    [ "$(id -u)" != 0 ] || user="$(stat -c %U "$data")"
    _in2dmm_as "$user" "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
}

_in2dmm_psql() {
    "$(_in2dmm_pg_tool psql)" -h "$PGHOST" -p "$PGPORT" -d postgres -X -q -t -A "$@"
}

_in2dmm_pg_ensure_role() {
    if [ "$(_in2dmm_psql -U in2dmm -c 'SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user' 2>/dev/null)" = t ]; then
        return 0
    fi
    local sql="DO \$\$BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'in2dmm') THEN
    CREATE ROLE in2dmm LOGIN CREATEDB SUPERUSER;
  ELSE
    ALTER ROLE in2dmm LOGIN CREATEDB SUPERUSER;
  END IF;
END\$\$;"
    if _in2dmm_psql -U postgres -c "$sql" >/dev/null 2>&1 ||
        _in2dmm_psql -U "$(id -un)" -c "$sql" >/dev/null 2>&1 ||
        { [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1 &&
            _in2dmm_as postgres "$(_in2dmm_pg_tool psql)" -h "$PGHOST" -p "$PGPORT" \
                -d postgres -X -q -c "$sql" >/dev/null 2>&1; }; then
        in2dmm_log "PostgreSQL role in2dmm ready on $PGHOST:$PGPORT"
        return 0
    fi
    in2dmm_log "cannot create the PostgreSQL role in2dmm on $PGHOST:$PGPORT (tried as postgres and as $(id -un)); create it with: CREATE ROLE in2dmm LOGIN CREATEDB SUPERUSER"
    return 1
}

in2dmm_pg() {
    if [ "${IN2DMM_FORCE_PRIVATE_PG:-0}" != "1" ] && _in2dmm_pg_ready 5432; then
        PGHOST=127.0.0.1
        PGPORT=5432
        unset IN2DMM_PG_PRIVATE
    else
        _in2dmm_pg_private || return 1
    fi
    export PGHOST PGPORT
    if [ -z "$IN2DMM_DATA_DIR_SET" ]; then
        if [ -n "${IN2DMM_PG_PRIVATE:-}" ]; then
            IN2DMM_DATA_DIR="$IN2DMM_CACHE/odoo-data-private"
        else
            IN2DMM_DATA_DIR="$IN2DMM_CACHE/odoo-data"
        fi
    fi
    _in2dmm_pg_ensure_role || return 1
    PGUSER=in2dmm
    DB_ARGS="--db_host $PGHOST --db_port $PGPORT --db_user in2dmm"
    # shellcheck disable=SC2034  # used by the sourcing scripts
    DB_ARGV=(--db_host "$PGHOST" --db_port "$PGPORT" --db_user in2dmm)
    export PGUSER DB_ARGS
}

# Does database $1 exist?
in2dmm_db_exists() {
    [ "$(_in2dmm_psql -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

# Drop database $1 and its filestore.
in2dmm_db_drop() {
    PGOPTIONS="-c client_min_messages=warning" \
        "$(_in2dmm_pg_tool dropdb)" -h "$PGHOST" -p "$PGPORT" --if-exists --force "$1" >/dev/null
    rm -rf "$IN2DMM_DATA_DIR/filestore/$1"
}

# Copy database $1 to $2 (createdb -T) together with its filestore.
in2dmm_db_copy() {
    "$(_in2dmm_pg_tool createdb)" -h "$PGHOST" -p "$PGPORT" -T "$1" "$2" || return 1
    if [ -d "$IN2DMM_DATA_DIR/filestore/$1" ]; then
        mkdir -p "$IN2DMM_DATA_DIR/filestore"
        cp -a "$IN2DMM_DATA_DIR/filestore/$1" "$IN2DMM_DATA_DIR/filestore/$2"
    fi
}

# Rename database $1 to $2 together with its filestore.
in2dmm_db_rename() {
    _in2dmm_psql -c "ALTER DATABASE \"$1\" RENAME TO \"$2\"" >/dev/null || return 1
    if [ -d "$IN2DMM_DATA_DIR/filestore/$1" ]; then
        rm -rf "$IN2DMM_DATA_DIR/filestore/$2"
        mv "$IN2DMM_DATA_DIR/filestore/$1" "$IN2DMM_DATA_DIR/filestore/$2"
    fi
}
