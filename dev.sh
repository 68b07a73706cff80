#!/usr/bin/env bash
# Set-up and entry points for a fresh machine with Python 3.11:
#   bash dev.sh demo   - install into .venv, crawl the bundled offline replica, write a digest
#   bash dev.sh test   - install into .venv (with test tools), run the whole test suite
#                        on SQLite and on a local PostgreSQL server
set -euo pipefail
cd "$(dirname "$0")"

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

setup() {
  if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
  fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
}

case "${1:-}" in
  demo)
    setup
    shift
    exec .venv/bin/monitor demo "$@"
    ;;
  test)
    setup
    shift
    # The suite runs twice: on SQLite (the default store) and on a real PostgreSQL server
    # started on 127.0.0.1 by scripts/postgres.sh (installed from Debian if missing).
    # MONITOR_TEST_BACKENDS=sqlite skips the second run.
    run_pytest() {
      set +e
      .venv/bin/python -m pytest "$@"
      local status=$?
      set -e
      # pytest exits 5 when it collected no test: that is a failure, not a pass.
      if [ "$status" -eq 5 ]; then
        echo "dev.sh: pytest ran no tests" >&2
        return 1
      fi
      return "$status"
    }
    echo "== tests on SQLite"
    run_pytest "$@"
    case " ${MONITOR_TEST_BACKENDS:-sqlite postgresql} " in
      *" postgresql "*)
        echo "== tests on PostgreSQL"
        trap 'bash scripts/postgres.sh stop' EXIT
        url="$(bash scripts/postgres.sh start)"
        MONITOR_TEST_POSTGRES_URL="$url" run_pytest "$@"
        ;;
    esac
    ;;
  *)
    echo "usage: bash dev.sh demo|test [args...]" >&2
    exit 2
    ;;
esac
