#!/usr/bin/env bash
# Set-up and entry points for a fresh machine with Python 3.11:
#   bash dev.sh demo   - install into .venv, crawl the bundled offline replica, write a digest
#   bash dev.sh test   - install into .venv (with test tools), run the whole test suite
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
    set +e
    .venv/bin/python -m pytest "$@"
    status=$?
    set -e
    # pytest exits 5 when it collected no test: that is a failure, not a pass.
    if [ "$status" -eq 5 ]; then
      echo "dev.sh: pytest ran no tests" >&2
      exit 1
    fi
    exit "$status"
    ;;
  *)
    echo "usage: bash dev.sh demo|test [args...]" >&2
    exit 2
    ;;
esac
