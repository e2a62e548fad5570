#!/usr/bin/env bash
# Official-SDK conformance of aom-emulator (issue 4): prepares a virtual environment with the
# pinned huaweicloudsdkaom (tests/conformance/requirements.txt, hash-checked), then runs run.py,
# which builds and starts the emulator and drives it through the official AomClient.
# Arguments go to run.py (see `run.sh --help`). Reuses the environment while the requirements
# file and the Python version are unchanged.
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=${PYTHON:-python3}
VENV=${CONFORMANCE_VENV:-target/conformance-venv}
REQ=tests/conformance/requirements.txt
STAMP=$VENV/.requirements-stamp

want=$({ cat "$REQ"; "$PY" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1)
if [[ ! -x $VENV/bin/python || "$(cat "$STAMP" 2>/dev/null)" != "$want" ]]; then
    rm -rf "$VENV"
    pip_args=(install --quiet --no-compile --disable-pip-version-check --require-hashes -r "$REQ")
    if "$PY" -m pip --python "$PY" --version >/dev/null 2>&1; then
        # pip >= 22.3 installs into a pip-less venv from outside: saves seeding pip into it.
        "$PY" -m venv --without-pip "$VENV"
        "$PY" -m pip --python "$VENV/bin/python" "${pip_args[@]}"
    else
        "$PY" -m venv "$VENV"
        "$VENV/bin/python" -m pip "${pip_args[@]}"
    fi
    echo "$want" >"$STAMP"
fi

exec "$VENV/bin/python" tests/conformance/run.py "$@"
