#!/usr/bin/env bash
# Run all in2dmm tests and exit non-zero if anything failed.
#
#   bash setup/test.sh          both tiers
#   bash setup/test.sh --pure   tier 1 only: pytest on tests/ (no Odoo needed)
#   bash setup/test.sh --odoo   tier 2 only: the addons' Odoo tests
#
# Tier 2 installs the addons into a throw-away database copied from a cached
# template database (Odoo + l10n_nl, sale_management, crm, contacts, ...) and
# runs their tests with --test-tags. Logs go to $IN2DMM_LOG_DIR (.test-logs/).
#
# Environment:
#   ODOO_SRC                   Odoo 19 source (see README "Providing Odoo 19")
#   IN2DMM_NO_ODOO_AUTODETECT=1  use only ODOO_SRC, look nowhere else
#   IN2DMM_REQUIRE_ODOO=1      a skipped Odoo tier counts as a failure
#   IN2DMM_TEST_MODULES        modules to install and test (comma-separated,
#                              default in2dmm_credit,in2dmm_kvk,in2dmm_insurers)
#   IN2DMM_TEST_TAGS           extra --test-tags specs, appended
#   IN2DMM_ADDONS_EXTRA        extra addons directories (comma-separated)
#   IN2DMM_KEEP_DB=1           keep the test database afterwards
#   IN2DMM_LOG_DIR             where logs go (default .test-logs)
set -uo pipefail

cd "$(dirname "$0")/.." || exit 2
REPO="$(pwd)"
# shellcheck source=setup/lib.sh
. setup/lib.sh

RUN_PURE=1
RUN_ODOO=1
for arg in "$@"; do
    case "$arg" in
        --pure) RUN_ODOO=0 ;;
        --odoo) RUN_PURE=0 ;;
        -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option: $arg (try --help)" >&2; exit 2 ;;
    esac
done
if [ "$RUN_PURE" = 0 ] && [ "$RUN_ODOO" = 0 ]; then
    RUN_PURE=1
    RUN_ODOO=1
fi

LOG_DIR="${IN2DMM_LOG_DIR:-$REPO/.test-logs}"
mkdir -p "$LOG_DIR"
LOG_DIR="$(cd "$LOG_DIR" && pwd)"

PURE_STATUS="not run"; PURE_PASS=0; PURE_FAIL=0; PURE_SKIP=0
ODOO_STATUS="not run"; ODOO_PASS=0; ODOO_FAIL=0; ODOO_SKIP=0
ODOO_LOG=""

hr() { printf '%s\n' "========================================================================"; }

# ------------------------------------------------------------ environment ---

ODOO_OK=0
VENV_OK=0
ODOO_WHY="$LOG_DIR/find-odoo.txt"
if in2dmm_find_odoo 2>"$ODOO_WHY"; then
    ODOO_OK=1
    in2dmm_log "Odoo $ODOO_VERSION at $ODOO_SRC"
    if in2dmm_venv; then
        VENV_OK=1
    else
        in2dmm_log "the Odoo venv could not be prepared (errors above)"
    fi
fi

# Small venv with just what the pure tier needs (same pins as Odoo 19 on
# python 3.12), for machines without the Odoo source.
pure_venv() {
    local venv="$IN2DMM_CACHE/venv-pure" base want stamp
    local pkgs=(pytest reportlab==4.1.0 requests==2.31.0 python-stdnum==1.19
                XlsxWriter==3.1.9 qrcode==7.4.2 PyPDF2==2.12.1)
    if [ ! -x "$venv/bin/python" ]; then
        base="$(_in2dmm_pick_python)" || base="$(command -v python3)" || return 1
        in2dmm_log "creating $venv for the pure-Python tier"
        "$base" -m venv "$venv" || return 1
    fi
    stamp="$venv/.in2dmm-requirements.sha256"
    want="$({ printf '%s\n' "${pkgs[@]}"; cat test-requirements.txt 2>/dev/null; } | sha256sum | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        [ ! -f test-requirements.txt ] || pkgs+=(-r test-requirements.txt)
        "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-input \
            "${pkgs[@]}" >&2 || return 1
        printf '%s\n' "$want" >"$stamp"
    fi
    printf '%s\n' "$venv/bin/python"
}

# ------------------------------------------------------------------ tier 1 ---

tier_pure() {
    local py log rc line n
    hr; echo "Tier 1: pure-Python tests (pytest tests/)"; hr
    local nfiles
    nfiles="$(find tests -name 'test_*.py' -o -name '*_test.py' 2>/dev/null | wc -l)"
    if [ "$VENV_OK" = 1 ]; then
        py="$IN2DMM_PY"
    elif py="$(pure_venv)"; then
        in2dmm_log "using the small pure-tier venv (Odoo venv unavailable)"
    else
        echo "pure tier: could not prepare a python with pytest"
        PURE_STATUS="FAILED (no python environment)"; PURE_FAIL=1
        return
    fi
    if [ ! -d tests ]; then
        PURE_STATUS="no tests/ folder"
        return
    fi
    log="$LOG_DIR/pytest.log"
    "$py" -m pytest tests -q 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    line="$(grep -E '(passed|failed|error|skipped|no tests ran|deselected).* in [0-9.]+s' "$log" | tail -n1)"
    _pcount() { n="$(printf '%s\n' "$line" | grep -oE "[0-9]+ $1" | head -n1 | cut -d' ' -f1)"; echo "${n:-0}"; }
    PURE_PASS="$(_pcount passed)"
    PURE_FAIL=$(( $(_pcount failed) + $(_pcount 'errors?') ))
    PURE_SKIP="$(_pcount skipped)"
    case "$rc" in
        0) PURE_STATUS="passed" ;;
        5)
            if [ "$nfiles" -gt 0 ]; then
                PURE_STATUS="FAILED (pytest collected no test from $nfiles test files)"
                [ "$PURE_FAIL" -gt 0 ] || PURE_FAIL=1
            else
                PURE_STATUS="no tests yet (tests/ has no test files)"
            fi ;;
        *)
            PURE_STATUS="FAILED (pytest exit $rc)"
            [ "$PURE_FAIL" -gt 0 ] || PURE_FAIL=1 ;;
    esac
}

# ------------------------------------------------------------------ tier 2 ---

# Number of test methods in the addons' tests/ folders (for the skip count).
count_odoo_tests() {
    local n
    n="$(cat "$REPO"/in2dmm_*/tests/test_*.py 2>/dev/null | grep -cE '^\s*def test_' || true)"
    echo "${n:-0}"
}

skip_banner() {
    echo
    hr; hr
    echo "== SKIPPED: Odoo test tier — $1"
    hr; hr
    if [ -s "$ODOO_WHY" ]; then cat "$ODOO_WHY"; fi
    echo
}

# Filter Odoo's log to the lines worth seeing live: warnings, errors and
# their tracebacks, test starts and the test summaries.
odoo_live_filter() {
    awk '
    /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9:,]+ [0-9]+ [A-Z]+ / {
        lvl = $4; show = 0; cont = 0
        if (lvl == "ERROR" || lvl == "CRITICAL") { show = 1; cont = 1 }
        else if (lvl == "WARNING") { show = 1 }
        else if ($0 ~ /odoo\.tests\.(stats|result)|post-tests in|: Starting .* \.\.\. ?$|: skipped |Modules loaded|modules loaded in/) { show = 1 }
        if (show) { print; fflush() }
        next
    }
    cont { print; fflush() }
    '
}

# Find module $1 in the comma-separated addons path $2; print its directory.
module_dir() {
    local d IFS=','
    for d in $2; do
        if [ -f "$d/$1/__manifest__.py" ]; then
            printf '%s\n' "$d/$1"
            return 0
        fi
    done
    return 1
}

# Modules to pre-install into the template: a fixed base list plus the Odoo
# dependencies declared by the tested manifests.
template_modules() {
    local dirs=("$@")
    "$IN2DMM_PY" - "$ODOO_SRC" "${dirs[@]}" <<'PY'
import ast, os, sys
odoo_src, dirs = sys.argv[1], sys.argv[2:]
roots = [p for p in (os.path.join(odoo_src, "addons"), os.path.join(odoo_src, "odoo", "addons")) if os.path.isdir(p)]
tested = {os.path.basename(d) for d in dirs}
mods = {"l10n_nl", "sale_management", "crm", "contacts", "mail", "account"}
for d in dirs:
    with open(os.path.join(d, "__manifest__.py"), encoding="utf-8") as fh:
        manifest = ast.literal_eval(fh.read())
    for dep in manifest.get("depends", []):
        if dep not in tested and dep != "base" and any(os.path.isfile(os.path.join(r, dep, "__manifest__.py")) for r in roots):
            mods.add(dep)
print(",".join(sorted(mods)))
PY
}

odoo_fingerprint() {
    # Odoo version plus what identifies the exact source tree.
    printf '%s\n' "$ODOO_VERSION" "$ODOO_SRC"
    if [ -d "$ODOO_SRC/.git" ]; then
        git -C "$ODOO_SRC" rev-parse HEAD 2>/dev/null || true
    else
        stat -c %Y "$ODOO_SRC/odoo/release.py"
    fi
}

# Build template database $1 with modules $2 unless it exists already.
ensure_template() {
    local tmpl="$1" mods="$2" build="${1}__build" log="$LOG_DIR/template-${1}.log" rc
    local odoo_addons
    odoo_addons="$(in2dmm_addons_path --odoo-only)"
    if in2dmm_db_exists "$tmpl"; then
        echo "template database $tmpl: cached"
        return 0
    fi
    echo "template database $tmpl: building with $mods (once; a few minutes)"
    echo "  log: $log"
    in2dmm_db_drop "$build"
    {
        in2dmm_odoo db --addons-path "$odoo_addons" --data-dir "$IN2DMM_DATA_DIR" "${DB_ARGV[@]}" \
            init "$build" --country NL --force &&
        in2dmm_odoo server --addons-path "$odoo_addons" --data-dir "$IN2DMM_DATA_DIR" "${DB_ARGV[@]}" \
            -d "$build" -i "$mods" --stop-after-init --workers 0 --max-cron-threads 0 \
            --http-interface 127.0.0.1
    } >"$log" 2>&1
    rc=$?
    if [ "$rc" != 0 ]; then
        echo "template build FAILED (exit $rc); last lines of $log:"
        tail -n 40 "$log"
        in2dmm_db_drop "$build"
        return 1
    fi
    if ! in2dmm_db_rename "$build" "$tmpl"; then
        # Another run built it meanwhile.
        in2dmm_db_drop "$build"
        in2dmm_db_exists "$tmpl" || return 1
    fi
    echo "template database $tmpl: ready"
}

TEST_DB=""
cleanup_test_db() {
    if [ -n "$TEST_DB" ] && [ "${IN2DMM_KEEP_DB:-0}" != 1 ]; then
        in2dmm_db_drop "$TEST_DB" 2>/dev/null || true
    fi
}
trap cleanup_test_db EXIT
trap 'exit 130' INT TERM

odoo_fail() {
    ODOO_STATUS="FAILED ($1)"
    [ "$ODOO_FAIL" -gt 0 ] || ODOO_FAIL=1
    echo "odoo tier FAILED: $1"
}

tier_odoo() {
    hr; echo "Tier 2: Odoo tests of the addons"; hr
    if [ "$ODOO_OK" != 1 ]; then
        skip_banner "Odoo 19 source not found (set ODOO_SRC)"
        ODOO_SKIP="$(count_odoo_tests)"
        [ "$ODOO_SKIP" -gt 0 ] || ODOO_SKIP=1
        ODOO_STATUS="SKIPPED (Odoo 19 not found)"
        if [ "${IN2DMM_REQUIRE_ODOO:-0}" = 1 ]; then
            odoo_fail "IN2DMM_REQUIRE_ODOO=1 and Odoo is missing"
        fi
        return
    fi
    [ "$VENV_OK" = 1 ] || { odoo_fail "the Odoo venv could not be prepared"; return; }
    in2dmm_pg || { odoo_fail "no PostgreSQL"; return; }
    mkdir -p "$IN2DMM_DATA_DIR"
    echo "Odoo $ODOO_VERSION ($ODOO_SRC, $ODOO_CMD); PostgreSQL $PGHOST:$PGPORT"

    local modules="${IN2DMM_TEST_MODULES:-in2dmm_credit,in2dmm_kvk,in2dmm_insurers}"
    ADDONS="$(in2dmm_addons_path)"
    local mod dir dirs=() mods=() tags="" nfiles=0
    IFS=',' read -r -a mods <<<"$modules"
    for mod in "${mods[@]}"; do
        if ! dir="$(module_dir "$mod" "$ADDONS")"; then
            odoo_fail "module $mod not found (no $mod/__manifest__.py in $ADDONS)"
            return
        fi
        dirs+=("$dir")
        tags="${tags:+$tags,}/$mod"
        nfiles=$(( nfiles + $(find "$dir/tests" -name 'test_*.py' 2>/dev/null | wc -l) ))
    done
    [ -z "${IN2DMM_TEST_TAGS:-}" ] || tags="$tags,$IN2DMM_TEST_TAGS"

    local tmods hash tmpl
    tmods="$(template_modules "${dirs[@]}")" || { odoo_fail "cannot read the manifests"; return; }
    hash="$({ odoo_fingerprint; echo "recipe 1: db init --country NL, no demo"; echo "$tmods"; } | sha256sum | cut -c1-12)"
    tmpl="in2dmm_tmpl_$hash"
    ensure_template "$tmpl" "$tmods" || { odoo_fail "template database build failed"; return; }

    TEST_DB="in2dmm_test_$$"
    in2dmm_db_drop "$TEST_DB"
    in2dmm_db_copy "$tmpl" "$TEST_DB" || { odoo_fail "createdb -T $tmpl failed"; return; }
    local port
    port="$("$IN2DMM_PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    ODOO_LOG="$LOG_DIR/odoo-tests-$(date +%Y%m%d-%H%M%S)-$$.log"
    echo "database $TEST_DB (copy of $tmpl); installing $modules; --test-tags $tags"
    echo "full log: $ODOO_LOG"
    in2dmm_odoo server --addons-path "$ADDONS" --data-dir "$IN2DMM_DATA_DIR" "${DB_ARGV[@]}" \
        -d "$TEST_DB" -i "$modules" --test-tags "$tags" --stop-after-init \
        --log-level=test --workers 0 --max-cron-threads 0 \
        --http-interface 127.0.0.1 --http-port "$port" 2>&1 \
        | tee "$ODOO_LOG" | odoo_live_filter
    local rc=${PIPESTATUS[0]}
    ln -sf "$(basename "$ODOO_LOG")" "$LOG_DIR/odoo-tests-latest.log"

    # Parse the log. Odoo 19 ends a test run with (odoo/service/server.py,
    # text from OdooTestResult.__str__ in odoo/tests/result.py):
    #   ... odoo.tests.result: F failed, E error(s) of N tests when loading database 'db'
    local ts='^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:,]+ [0-9]+'
    local summary failures=0 errors=0 run=0 skipped err_lines fail_lines
    summary="$(grep -E "$ts [A-Z]+ .*odoo\.tests\.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$ODOO_LOG" | tail -n1)"
    if [ -n "$summary" ]; then
        read -r failures errors run <<<"$(printf '%s\n' "$summary" |
            sed -E 's/.*odoo\.tests\.result: ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/')"
    fi
    skipped="$(grep -cE "$ts INFO .*: skipped .* : " "$ODOO_LOG" || true)"
    err_lines="$(grep -cE "$ts (ERROR|CRITICAL) " "$ODOO_LOG" || true)"
    fail_lines="$(grep -cE "$ts [A-Z]+ .*: FAIL: " "$ODOO_LOG" || true)"

    ODOO_FAIL=$(( failures + errors ))
    ODOO_SKIP="$skipped"
    ODOO_PASS=$(( run - failures - errors - skipped ))
    [ "$ODOO_PASS" -ge 0 ] || ODOO_PASS=0

    local reasons=()
    [ "$rc" = 0 ] || reasons+=("Odoo exited with $rc")
    [ "$err_lines" = 0 ] || reasons+=("$err_lines ERROR/CRITICAL log lines")
    [ "$fail_lines" = 0 ] || reasons+=("$fail_lines FAIL: lines")
    [ -n "$summary" ] || reasons+=("no test summary line in the log")
    [ $(( failures + errors )) = 0 ] || reasons+=("$failures failed, $errors errors")
    if [ "$run" = 0 ] && [ "$nfiles" -gt 0 ]; then
        reasons+=("0 tests ran but the modules have $nfiles test files")
    fi
    echo
    echo "odoo summary: ${summary:-<none>}"
    if [ "${#reasons[@]}" -gt 0 ]; then
        local joined
        joined="$(printf '%s; ' "${reasons[@]}")"
        odoo_fail "${joined%; }"
        echo "see $ODOO_LOG"
    elif [ "$run" = 0 ]; then
        ODOO_STATUS="no tests yet (the modules have no test files)"
    else
        ODOO_STATUS="passed"
    fi
    if [ "${IN2DMM_KEEP_DB:-0}" = 1 ]; then
        echo "kept database $TEST_DB (IN2DMM_KEEP_DB=1)"
    else
        in2dmm_db_drop "$TEST_DB"
    fi
    TEST_DB=""
}

[ "$RUN_PURE" = 0 ] || tier_pure
[ "$RUN_ODOO" = 0 ] || tier_odoo

# ---------------------------------------------------------------- summary ---

echo
hr
echo "in2dmm test summary"
hr
if [ "$RUN_PURE" = 1 ]; then
    printf '  tier 1 pure (pytest): %3d passed, %3d failed, %3d skipped   %s\n' \
        "$PURE_PASS" "$PURE_FAIL" "$PURE_SKIP" "$PURE_STATUS"
fi
if [ "$RUN_ODOO" = 1 ]; then
    printf '  tier 2 odoo         : %3d passed, %3d failed, %3d skipped   %s\n' \
        "$ODOO_PASS" "$ODOO_FAIL" "$ODOO_SKIP" "$ODOO_STATUS"
fi
echo "  logs: $LOG_DIR"
hr
TOTAL_PASS=$(( PURE_PASS + ODOO_PASS ))
TOTAL_FAIL=$(( PURE_FAIL + ODOO_FAIL ))
TOTAL_SKIP=$(( PURE_SKIP + ODOO_SKIP ))
echo "$TOTAL_PASS passed, $TOTAL_FAIL failed, $TOTAL_SKIP skipped"
[ "$TOTAL_FAIL" = 0 ]
