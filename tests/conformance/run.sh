#!/usr/bin/env bash
# Official-SDK conformance of aom-emulator (issue 4): prepares a virtual environment with the
# pinned huaweicloudsdkaom (tests/conformance/requirements.txt, hash-checked), then runs run.py,
# which builds and starts the emulator and drives it through the official AomClient.
# Arguments go to run.py (see `run.sh --help`). Reuses the environment while the requirements
# file and the Python version are unchanged.
set -euo pipefail
cd "$(dirname "$0")/../.."

source tests/conformance/venv.sh

exec "$VENV/bin/python" tests/conformance/run.py "$@"
