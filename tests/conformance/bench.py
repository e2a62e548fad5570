#!/usr/bin/env python3
"""Client CPU per SearchWorkflowExecutionDetail call with Huawei's official Python SDK.

The baseline the aom-workflow bench (`crates/aom-workflow/benches/client_overhead.rs`) compares
itself with, measured on this machine rather than quoted: the same emulator, the same workflow
(a script over 3 hosts that finishes at once, seed 1), the same answer bytes, and the CPU time
of the calling thread only (`time.thread_time()`), so the emulator's work is not counted.

Prints `python_sdk_cpu_us_per_call=<µs>` as its last line. Only 127.0.0.1 is contacted. Run it
with `bench.sh`, which prepares the virtual environment and then runs the Rust bench with the
figure.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import SDK_VERSION, Emulator, aom_model, build_emulator, make_client  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", type=Path, help="aom-emulator binary (default: cargo build it)")
    ap.add_argument("--calls", type=int, default=2000, help="calls per round (default 2000)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds; the median is reported")
    args = ap.parse_args()

    binary = args.binary or build_emulator()
    with tempfile.TemporaryDirectory(prefix="aom-bench-") as tmp:
        emu = Emulator(binary, ["--seed", "1", "--time-scale", "3000"], tmp, 30.0)
        info = emu.start()
        try:
            client = make_client(info)
            with urllib.request.urlopen(info["admin_url"].rstrip("/") + "/hosts", timeout=10) as r:
                hosts = [h["id"] for h in json.loads(r.read()) if h.get("agent_state") == "ONLINE"][:3]
            # The same workflow as the Rust bench (tests/common: `workflow("bench", 3 hosts)`).
            body = aom_model.WorkflowRequestBody(
                name="bench",
                type="manual",
                template_name="CMS::ECS::BulkyRunScript",
                input={
                    "get_instances": {
                        "group": "ecs_instance",
                        "type": "manual",
                        "ecs_id_list": json.dumps(hosts),
                    },
                    "emulator": {"host_seconds": 0},
                },
                tags={},
                task_type="script",
            )
            wf = client.create_workflow(aom_model.CreateWorkflowRequest(body=body)).id
            ex = client.execute_workflow(aom_model.ExecuteWorkflowRequest(workflow_id=wf)).execution_id
            request = aom_model.SearchWorkflowExecutionDetailRequest(workflow_id=wf, execution_id=ex)
            deadline = time.monotonic() + 30
            while True:
                detail = client.search_workflow_execution_detail(request)
                if detail.status in ("success", "fail") or time.monotonic() > deadline:
                    break
                time.sleep(0.02)
            size = len(detail.raw_content)

            for _ in range(200):
                client.search_workflow_execution_detail(request)
            rounds = []
            for i in range(args.rounds):
                cpu = time.thread_time()
                wall = time.perf_counter()
                for _ in range(args.calls):
                    client.search_workflow_execution_detail(request)
                cpu = (time.thread_time() - cpu) / args.calls
                wall = time.perf_counter() - wall
                rounds.append(cpu)
                print(
                    f"round {i} official Python SDK (huaweicloudsdkaom {SDK_VERSION}): "
                    f"{cpu * 1e6:.1f} µs CPU/call, {args.calls / wall:.0f} calls/s, "
                    f"status {detail.status}, {size} bytes per answer",
                    flush=True,
                )
        finally:
            emu.stop()
    median = sorted(rounds)[len(rounds) // 2]
    print(f"python_sdk_cpu_us_per_call={median * 1e6:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
