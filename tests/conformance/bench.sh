#!/usr/bin/env bash
# Client CPU per call, side by side: Huawei's official Python SDK (bench.py) and aom-workflow
# (crates/aom-workflow/benches/client_overhead.rs), against the same emulator answer, on this
# machine. The Python figure is handed to the Rust bench, which prints its ratio to it.
# Arguments go to bench.py (see `bench.sh --help`).
set -euo pipefail
cd "$(dirname "$0")/../.."

source tests/conformance/venv.sh

out=$("$VENV/bin/python" tests/conformance/bench.py "$@" | tee /dev/stderr)
python_us=$(sed -n 's/^python_sdk_cpu_us_per_call=//p' <<<"$out")
AOM_BENCH_PYTHON_US=$python_us cargo bench -p aom-workflow --bench client_overhead --locked
