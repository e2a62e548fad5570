# Sourced by run.sh and bench.sh: creates (or reuses) the virtual environment with the pinned
# huaweicloudsdkaom (requirements.txt, hash-checked) and sets VENV. Reused while the requirements
# file and the Python version are unchanged.
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

