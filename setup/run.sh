#!/usr/bin/env bash
# Set up and start Odoo 19 with the in2dmm addons and Dutch demo data.
#
#   bash setup/run.sh            build the demo database once, then serve it
#   bash setup/run.sh --reset    drop and rebuild the demo database first
#   bash setup/run.sh --dry-run  find Odoo, venv and PostgreSQL, print the
#                                Odoo commands without running them
#
# Environment: ODOO_SRC (Odoo 19 source), IN2DMM_DB (default in2dmm_demo),
# IN2DMM_HTTP_PORT (default 8069), plus the knobs described in setup/lib.sh.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=setup/lib.sh
. setup/lib.sh

RESET=0
DRY_RUN=0
for arg in "$@"; do
    case "$arg" in
        --reset) RESET=1 ;;
        --dry-run) DRY_RUN=1 ;;
        -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option: $arg (try --help)" >&2; exit 2 ;;
    esac
done

DB="${IN2DMM_DB:-in2dmm_demo}"
PORT="${IN2DMM_HTTP_PORT:-8069}"
MODULES="l10n_nl,in2dmm_credit,in2dmm_kvk,in2dmm_insurers"

in2dmm_find_odoo || exit 1
in2dmm_log "Odoo $ODOO_VERSION at $ODOO_SRC (run as: $ODOO_CMD)"
in2dmm_venv || exit 1
in2dmm_pg || exit 1
in2dmm_log "PostgreSQL on $PGHOST:$PGPORT as $PGUSER"
mkdir -p "$IN2DMM_DATA_DIR"

ADDONS="$(in2dmm_addons_path)"
COMMON=(--addons-path "$ADDONS" --data-dir "$IN2DMM_DATA_DIR" "${DB_ARGV[@]}")
BUILD_DB="${DB}__building"

# Step 1 creates the database with a Dutch main company (country NL, user
# language nl_NL, demo data on); step 2 installs the localisation and the
# in2dmm addons into it. The build happens under a temporary name that is
# renamed only on success, so a failed build is never served.
INIT_CMD=("$IN2DMM_PY" "${ODOO_ARGV[@]}" db --addons-path "$ADDONS"
          --data-dir "$IN2DMM_DATA_DIR" "${DB_ARGV[@]}"
          init "$BUILD_DB" --with-demo --language nl_NL --country NL --force)
INSTALL_CMD=("$IN2DMM_PY" "${ODOO_ARGV[@]}" server "${COMMON[@]}" -d "$BUILD_DB"
             -i "$MODULES" --with-demo --load-language nl_NL --stop-after-init
             --http-interface 127.0.0.1 --http-port "$PORT")
SERVE_CMD=("$IN2DMM_PY" "${ODOO_ARGV[@]}" server "${COMMON[@]}" -d "$DB"
           --db-filter "^${DB}\$" --http-interface 127.0.0.1 --http-port "$PORT")

show() {
    local a out="+"
    for a in "$@"; do
        if [[ "$a" =~ ^[A-Za-z0-9_./,:=@%+-]+$ ]]; then out+=" $a"; else out+=" $(printf '%q' "$a")"; fi
    done
    printf '%s\n' "$out"
}

need_build=0
if [ "$RESET" = 1 ] || ! in2dmm_db_exists "$DB"; then
    need_build=1
fi

if [ "$DRY_RUN" = 1 ]; then
    echo "PYTHONPATH=$PYTHONPATH"
    if [ "$need_build" = 1 ]; then
        [ "$RESET" = 1 ] && echo "+ drop database $DB (and its filestore)"
        show "${INIT_CMD[@]}"
        show "${INSTALL_CMD[@]}"
        echo "+ rename database $BUILD_DB -> $DB"
    else
        echo "# database $DB exists; it is served as is (--reset rebuilds it)"
    fi
    show exec "${SERVE_CMD[@]}"
    exit 0
fi

if [ "$need_build" = 1 ]; then
    if [ "$RESET" = 1 ]; then
        in2dmm_log "dropping database $DB"
        in2dmm_db_drop "$DB"
    fi
    in2dmm_db_drop "$BUILD_DB"
    in2dmm_log "creating database $DB with Dutch demo data (takes a few minutes)"
    show "${INIT_CMD[@]}"
    "${INIT_CMD[@]}"
    show "${INSTALL_CMD[@]}"
    "${INSTALL_CMD[@]}"
    in2dmm_db_rename "$BUILD_DB" "$DB"
fi

cat <<EOF

  in2dmm is starting: open http://127.0.0.1:$PORT and log in as admin / admin
  (database $DB; stop with Ctrl-C; rebuild with: bash setup/run.sh --reset)

EOF
exec "${SERVE_CMD[@]}"
