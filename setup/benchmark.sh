#!/usr/bin/env bash
# Benchmark the dunning engine on a synthetic ledger in a fresh database.
#
#   bash setup/benchmark.sh [--customers N] [--invoices N] [--execute N] [--orders N]
#
# Builds the database in2dmm_bench (Odoo + the three addons, no demo), writes a
# ledger of 5,000 customers and 50,000 invoices (defaults) and prints, in one
# run: compute time, the single SQL query selecting the same overdue lines and
# their ratio; letters per second; execution speed. Options go to
# setup/benchmark.py (--execute -1 executes every line, 0 none).
set -euo pipefail
cd "$(dirname "$0")/.."
. setup/lib.sh

DB="${IN2DMM_BENCH_DB:-in2dmm_bench}"
MODULES="l10n_nl,in2dmm_credit,in2dmm_kvk,in2dmm_insurers"

in2dmm_find_odoo || exit 1
in2dmm_venv || exit 1
in2dmm_pg || exit 1
mkdir -p "$IN2DMM_DATA_DIR"
ADDONS="$(in2dmm_addons_path)"

in2dmm_db_drop "$DB"
in2dmm_log "building $DB (Odoo with $MODULES, no demo data)"
in2dmm_odoo db --addons-path "$ADDONS" --data-dir "$IN2DMM_DATA_DIR" "${DB_ARGV[@]}" \
    init "$DB" --language en_US --country NL --force >/dev/null
in2dmm_odoo server --addons-path "$ADDONS" --data-dir "$IN2DMM_DATA_DIR" "${DB_ARGV[@]}" \
    -d "$DB" -i "$MODULES" --stop-after-init --log-level warn --http-interface 127.0.0.1 \
    --http-port 0

"$IN2DMM_PY" setup/benchmark.py -d "$DB" "$@" -- --addons-path "$ADDONS" \
    --data-dir "$IN2DMM_DATA_DIR" "${DB_ARGV[@]}" --log-level warn
