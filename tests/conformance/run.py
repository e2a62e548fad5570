#!/usr/bin/env python3
"""Conformance of the aom-emulator with Huawei's official Python SDK.

Starts the `aom-emulator` binary on 127.0.0.1:0, then drives all 13 AOM automation operations
through the official `huaweicloudsdkaom.v1.AomClient`, signed with AK/SK (`BasicCredentials`),
and checks that

- every answer parses into the SDK's response model, field for field: the raw JSON is walked
  against the model's `openapi_types`, so a field the SDK would drop or silently coerce is a
  failure, and any warning the SDK raises while decoding is turned into an error;
- the values are the expected ones (ids round-trip, names, counts, statuses, per-host results);
- an execution runs to completion when polled with SearchWorkflowExecutionDetail;
- the gateway layer refuses a wrong SK, an unknown AK, a stale X-Sdk-Date and requests altered
  after signing (path, query, a signed header, body) with 401 APIGW.0301, as the SDK sees it.

One line per check; the last line is `N passed, M failed`. Exit status 1 if anything failed.
Only 127.0.0.1 is contacted. Run it with the virtual environment that `run.sh` prepares.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import decimal
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
import uuid
import warnings
from pathlib import Path

# Nothing but loopback: keep any proxy settings of the environment away from the SDK's session.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

import requests  # noqa: E402  (a dependency of huaweicloudsdkcore)
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402
from huaweicloudsdkcore.exceptions.exceptions import (  # noqa: E402
    ClientRequestException,
    ServiceResponseException,
)
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402
from huaweicloudsdkcore.http.http_handler import HttpHandler  # noqa: E402
from huaweicloudsdkcore.warning.warning import SdkWarning  # noqa: E402
from huaweicloudsdkaom.v1 import model as aom_model  # noqa: E402
from huaweicloudsdkaom.v1.aom_client import AomClient  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SDK_VERSION = "3.1.219"

# Any decoding trouble the SDK would only warn about is a conformance failure.
warnings.simplefilter("error", SdkWarning)

# The 13 operations of spec/aom.yaml; each must be driven at least once with a 2xx answer.
OPERATIONS = (
    "CreateWorkflow",
    "ExecuteWorkflow",
    "ListWorkflowExecutions",
    "SearchWorkflowExecutionDetail",
    "StartPausingWorkflowExecutions",
    "StopExecution",
    "UpdateWorkflowTriggerStatus",
    "ListWorkflow",
    "ListAllJobByName",
    "ListAllScriptByName",
    "ListAllVersionByVersionId",
    "ListTemplateByJobId",
    "SearchTemplateById",
)

# Execution/node statuses: the documented values plus the workflow filter vocabulary.
FINAL_STATUSES = {"success", "fail", "cancel", "approvalFailed"}
KNOWN_STATUSES = FINAL_STATUSES | {"executing", "waitExecute", "waitApproval", "pausing", "canceling", "skip"}
HOST_BUCKETS = ("success", "fail", "in_execution", "not_performed")
WORKFLOWS = ("wf_ok", "wf_mixed", "wf_pause", "wf_stop", "wf_cron", "wf_lenient")


class CheckFailed(Exception):
    pass


class Skip(Exception):
    """A check that could not run because an earlier one failed (counted as failed)."""


def expect(cond, msg):
    if not cond:
        raise CheckFailed(msg)


def expect_eq(actual, wanted, what):
    if actual != wanted:
        raise CheckFailed(f"{what}: got {actual!r}, want {wanted!r}")


# ---------------------------------------------------------------------------------------------
# Strict comparison of a raw JSON answer with the SDK model it is decoded into.


def model_problems(data, type_name, path="$"):
    """Every place where `data` (raw JSON) does not fit the SDK type `type_name` exactly."""
    if data is None:
        return []
    if type_name == "object":
        return []
    if type_name == "str":
        return [] if isinstance(data, str) else [f"{path}: {type(data).__name__} where the SDK has str"]
    if type_name == "int":
        ok = isinstance(data, int) and not isinstance(data, bool)
        return [] if ok else [f"{path}: {json.dumps(data, default=str)[:40]} where the SDK has int"]
    if type_name == "bool":
        return [] if isinstance(data, bool) else [f"{path}: {type(data).__name__} where the SDK has bool"]
    if type_name == "float":
        ok = isinstance(data, (int, float, decimal.Decimal)) and not isinstance(data, bool)
        return [] if ok else [f"{path}: {type(data).__name__} where the SDK has float"]
    if type_name.startswith("list["):
        if not isinstance(data, list):
            return [f"{path}: {type(data).__name__} where the SDK has {type_name}"]
        inner = type_name[5:-1]
        out = []
        for i, item in enumerate(data):
            out += model_problems(item, inner, f"{path}[{i}]")
        return out
    if type_name.startswith("dict("):
        if not isinstance(data, dict):
            return [f"{path}: {type(data).__name__} where the SDK has {type_name}"]
        inner = type_name[5:-1].split(", ", 1)[1]
        out = []
        for k, v in data.items():
            out += model_problems(v, inner, f"{path}.{k}")
        return out
    klass = getattr(aom_model, type_name)
    if not isinstance(data, dict):
        return [f"{path}: {type(data).__name__} where the SDK has model {type_name}"]
    by_key = {key: attr for attr, key in klass.attribute_map.items()}
    out = []
    for key, value in data.items():
        attr = by_key.get(key)
        if attr is None:
            out.append(f"{path}.{key}: not a field of the SDK's {type_name} (the SDK drops it)")
            continue
        out += model_problems(value, klass.openapi_types[attr], f"{path}.{key}")
    return out


def raw_json(resp):
    return json.loads(resp.raw_content.decode("utf-8"), parse_float=decimal.Decimal)


def check_model(resp, response_class):
    """The answer decoded into `response_class` and its raw JSON fits that model exactly."""
    expect(
        type(resp).__name__ == response_class,
        f"SDK returned {type(resp).__name__}, want {response_class}",
    )
    expect(resp.status_code == 200, f"HTTP {resp.status_code}")
    data = raw_json(resp)
    klass = getattr(aom_model, response_class)
    if klass.attribute_map.get("body") == "body" and len(klass.attribute_map) == 1:
        problems = model_problems(data, klass.openapi_types["body"], "$")
    else:
        problems = model_problems(data, response_class, "$")
    expect(not problems, "; ".join(problems[:6]) + (" ..." if len(problems) > 6 else ""))
    return data


# ---------------------------------------------------------------------------------------------
# The emulator process.


class Emulator:
    def __init__(self, binary, args, log_dir, ready_timeout):
        self.binary = binary
        self.args = args
        self.ready_timeout = ready_timeout
        self.log_path = Path(log_dir) / "emulator.log"
        self.ready_path = Path(log_dir) / "ready.json"
        self.proc = None
        self.info = None

    def start(self):
        cmd = [str(self.binary), "--listen", "127.0.0.1:0", "--ready-file", str(self.ready_path)]
        cmd += self.args
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"aom-emulator exited with {self.proc.returncode} before it was ready:\n"
                    + self.log_tail()
                )
            if self.ready_path.exists():
                with contextlib.suppress(ValueError):
                    self.info = json.loads(self.ready_path.read_text())
                    for key in ("url", "project_id", "ak", "sk", "admin_url"):
                        if key not in self.info:
                            raise RuntimeError(f"ready file lacks {key!r}: {self.info}")
                    return self.info
            time.sleep(0.02)
        raise RuntimeError(f"aom-emulator not ready after {self.ready_timeout}s:\n" + self.log_tail())

    def stop(self):
        """SIGTERM, then SIGKILL after 10 s. Returns the exit status of a graceful stop, or None
        when the emulator was not running any more (its checks have failed already) or had to
        be killed."""
        if self.proc is None:
            return None
        if self.proc.poll() is not None:
            self.log.close()
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
            return None
        finally:
            self.log.close()

    def log_tail(self, lines=40):
        with contextlib.suppress(OSError):
            text = self.log_path.read_text(errors="replace").splitlines()
            return "\n".join("    | " + line for line in text[-lines:])
        return "    | (no log)"


def die_with_parent():
    """In the child before exec: SIGTERM it if this script dies, even by SIGKILL (Linux)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def build_emulator():
    """`cargo build -p aom-emulator --locked`; returns the path of the binary cargo made."""
    cmd = [
        "cargo",
        "build",
        "-p",
        "aom-emulator",
        "--bin",
        "aom-emulator",
        "--locked",
        "--quiet",
        "--message-format=json-render-diagnostics",
    ]
    out = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, check=True).stdout
    for line in out.decode().splitlines():
        with contextlib.suppress(ValueError):
            msg = json.loads(line)
            if (
                msg.get("reason") == "compiler-artifact"
                and msg.get("target", {}).get("name") == "aom-emulator"
                and msg.get("executable")
            ):
                return Path(msg["executable"])
    raise RuntimeError("cargo built no aom-emulator executable")


# ---------------------------------------------------------------------------------------------
# SDK clients.


def http_config():
    cfg = HttpConfig.get_default_config()
    cfg.timeout = (5, 30)
    cfg.retry_times = 0
    return cfg


def make_client(info, ak=None, sk=None, handler=None, credentials=None):
    creds = credentials or BasicCredentials(
        ak if ak is not None else info["ak"],
        sk if sk is not None else info["sk"],
        info["project_id"],
    )
    builder = (
        AomClient.new_builder()
        .with_http_config(http_config())
        .with_credentials(creds)
        .with_endpoints([info["url"]])
    )
    if handler is not None:
        builder = builder.with_http_handler(handler)
    return builder.build()


def stale_date_credentials(ak, sk, project_id, minutes):
    """BasicCredentials that sign correctly, but with an X-Sdk-Date `minutes` in the past (the
    official signer takes the date from the request when one is present). The client builder
    accepts only the exact class BasicCredentials, so the instance's signing method is wrapped."""
    creds = BasicCredentials(ak, sk, project_id)
    sign = creds.sign_request

    def sign_request(request):
        stale = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=minutes)
        request.header_params["X-Sdk-Date"] = stale.strftime("%Y%m%dT%H%M%SZ")
        return sign(request)

    creds.sign_request = sign_request
    return creds


def tamper_handler(mutate):
    """An HttpHandler whose request hook runs after the SDK has signed the request."""
    handler = HttpHandler()

    def hook(**kwargs):
        request = kwargs["request"]
        if "Authorization" in request.header_params:
            mutate(request)

    handler.add_request_handler(hook)
    return handler


# ---------------------------------------------------------------------------------------------
# The run.


class Run:
    def __init__(self, info, verbose=False):
        self.info = info
        self.verbose = verbose
        self.client = make_client(info)
        self.passed = 0
        self.failed = 0
        self.driven = set()
        self.s = {}  # state shared between checks

    # -- bookkeeping -----------------------------------------------------------------------
    def check(self, name, fn, *needs):
        missing = [n for n in needs if n not in self.s]
        try:
            if missing:
                raise Skip("not run: an earlier check did not provide " + ", ".join(missing))
            detail = fn()
        except (CheckFailed, Skip) as e:
            self.failed += 1
            print(f"FAIL  {name}: {e}", flush=True)
            return False
        except ServiceResponseException as e:
            self.failed += 1
            print(
                f"FAIL  {name}: {type(e).__name__} HTTP {e.status_code} {e.error_code}: "
                f"{e.error_msg} (request_id {e.request_id})",
                flush=True,
            )
            return False
        except Exception as e:  # noqa: BLE001 - every surprise is a failed check
            self.failed += 1
            print(f"FAIL  {name}: {type(e).__name__}: {e}", flush=True)
            if self.verbose:
                traceback.print_exc()
            return False
        self.passed += 1
        print(f"ok    {name}" + (f" ({detail})" if detail else ""), flush=True)
        return True

    def call(self, operation, method, request, client=None):
        resp = getattr(client or self.client, method)(request)
        self.driven.add(operation)
        return resp

    def admin_state(self):
        with urllib.request.urlopen(self.info["admin_url"].rstrip("/") + "/state", timeout=10) as r:
            return json.loads(r.read())

    def poll_detail(self, wf_id, ex_id, timeout=30.0, until=None):
        """Polls SearchWorkflowExecutionDetail until the execution reaches a final status."""
        until = until or (lambda d: d.status in FINAL_STATUSES)
        deadline = time.monotonic() + timeout
        polls = 0
        seen = []
        while True:
            req = aom_model.SearchWorkflowExecutionDetailRequest(workflow_id=wf_id, execution_id=ex_id)
            resp = self.call("SearchWorkflowExecutionDetail", "search_workflow_execution_detail", req)
            check_model(resp, "SearchWorkflowExecutionDetailResponse")
            polls += 1
            if not seen or seen[-1] != resp.status:
                seen.append(resp.status)
            if until(resp):
                return resp, polls, seen
            if time.monotonic() > deadline:
                raise CheckFailed(f"still {resp.status!r} after {polls} polls in {timeout}s (saw {seen})")
            time.sleep(0.05)

    # -- jobs, templates, scripts ----------------------------------------------------------
    def jobs(self):
        body = aom_model.SearchJobsRequestBody(
            order_by_column="create_time", sort_order="DESC", page_num=1, page_size=100
        )
        resp = self.call(
            "ListAllJobByName", "list_all_job_by_name", aom_model.ListAllJobByNameRequest(body=body)
        )
        check_model(resp, "ListAllJobByNameResponse")
        expect(resp.elements, "no jobs in the built-in sample data")
        expect(len(resp.elements) >= 2, f"{len(resp.elements)} job(s), want at least 2")
        expect(
            resp.total_elements is not None and resp.total_elements >= len(resp.elements),
            f"total_elements {resp.total_elements} < {len(resp.elements)} elements",
        )
        for job in resp.elements:
            expect(job.id and job.name, f"job without id or name: {job}")
            expect_eq(job.project_id, self.info["project_id"], f"job {job.id} project_id")
        ids = [j.id for j in resp.elements]
        expect(len(set(ids)) == len(ids), f"duplicate job ids {ids}")
        self.s["jobs"] = resp.elements
        return f"{len(resp.elements)} jobs, total_elements {resp.total_elements}"

    def jobs_by_name(self):
        target = self.s["jobs"][-1]
        body = aom_model.SearchJobsRequestBody(name=target.name, order_by_column="name", sort_order="ASC")
        resp = self.call(
            "ListAllJobByName", "list_all_job_by_name", aom_model.ListAllJobByNameRequest(body=body)
        )
        check_model(resp, "ListAllJobByNameResponse")
        expect(
            any(j.id == target.id for j in resp.elements or []),
            f"searching name {target.name!r} did not return job {target.id}",
        )
        expect(
            all(target.name.lower() in (j.name or "").lower() for j in resp.elements),
            f"name filter {target.name!r} returned {[j.name for j in resp.elements]}",
        )
        names = [j.name for j in resp.elements]
        expect(names == sorted(names), f"order_by_column=name ASC gave {names}")
        return f"{len(resp.elements)} match(es) for {target.name!r}"

    def templates_by_job(self):
        templates = []
        for job in self.s["jobs"]:
            body = aom_model.ListTemplateByJobIdRequestBody(
                order_by_column="create_time", sort_order="DESC", page_num=1, page_size=100
            )
            resp = self.call(
                "ListTemplateByJobId",
                "list_template_by_job_id",
                aom_model.ListTemplateByJobIdRequest(job_id=job.id, body=body),
            )
            check_model(resp, "ListTemplateByJobIdResponse")
            expect(resp.elements, f"job {job.id} ({job.name}) has no template")
            expect_eq(resp.total_elements, len(resp.elements), f"job {job.id} total_elements")
            for t in resp.elements:
                expect(t.id and t.name, f"template without id or name under job {job.id}")
                expect_eq(t.job_id, job.id, f"template {t.id} job_id")
            templates += resp.elements
        ids = [t.id for t in templates]
        expect(len(set(ids)) == len(ids), f"a template is listed under two jobs: {ids}")
        self.s["templates"] = templates
        return f"{len(templates)} templates under {len(self.s['jobs'])} jobs"

    def template_by_id(self):
        full = {}
        for listed in self.s["templates"]:
            req = aom_model.SearchTemplateByIdRequest(
                template_id=listed.id, share_type=listed.share_type or "private"
            )
            resp = self.call("SearchTemplateById", "search_template_by_id", req)
            check_model(resp, "SearchTemplateByIdResponse")
            expect_eq(resp.id, listed.id, "id")
            expect_eq(resp.name, listed.name, f"template {listed.id} name")
            expect_eq(resp.job_id, listed.job_id, f"template {listed.id} job_id")
            expect_eq(resp.share_type, listed.share_type, f"template {listed.id} share_type")
            expect_eq(resp.project_id, self.info["project_id"], f"template {listed.id} project_id")
            expect(resp.nodes, f"template {listed.id} has no nodes")
            expect(all(n.id for n in resp.nodes), f"template {listed.id} has a node without id")
            full[resp.id] = resp
        self.s["template_map"] = full
        kinds = sorted({t.share_type for t in full.values()})
        return f"{len(full)} templates round-trip (share_type {kinds})"

    def template_unknown(self):
        req = aom_model.SearchTemplateByIdRequest(template_id="no-such-template", share_type="private")
        try:
            self.call("SearchTemplateById?", "search_template_by_id", req)
        except ClientRequestException as e:
            expect(e.status_code in (400, 404), f"HTTP {e.status_code}, want 400 or 404")
            expect(
                e.error_code and e.error_code != str(e.status_code),
                f"the SDK found no error_code/error_msg in the body ({e.error_msg!r})",
            )
            return f"HTTP {e.status_code} {e.error_code}"
        raise CheckFailed("an unknown template id was answered with 200")

    def scripts(self):
        body = aom_model.SearchScriptsRequestBody(
            is_default="default",
            script_id=self.s.get("script_id_placeholder", "all"),
            order_by_column="create_time",
            sort_order="DESC",
            page_num=1,
            page_size=100,
        )
        resp = self.call(
            "ListAllScriptByName",
            "list_all_script_by_name",
            aom_model.ListAllScriptByNameRequest(body=body),
        )
        check_model(resp, "ListAllScriptByNameResponse")
        expect(resp.elements and len(resp.elements) >= 2, f"{len(resp.elements or [])} script(s), want >= 2")
        expect(
            resp.total_elements is not None and resp.total_elements >= len(resp.elements),
            f"total_elements {resp.total_elements} < {len(resp.elements)}",
        )
        for sc in resp.elements:
            expect(sc.id and sc.name, f"script without id or name: {sc}")
            expect(
                sc.script_language in ("SHELL", "BAT", "PYTHON", "POWER_SHELL"),
                f"script {sc.id} language {sc.script_language!r}",
            )
        self.s["scripts"] = resp.elements
        return f"{len(resp.elements)} scripts"

    def script_versions(self):
        total = 0
        for sc in self.s["scripts"][:2]:
            body = aom_model.SearchScriptsRequestBody(
                name=sc.name,
                is_default="no_default",
                script_id=sc.id,
                order_by_column="create_time",
                sort_order="DESC",
                page_num=1,
                page_size=100,
            )
            resp = self.call(
                "ListAllVersionByVersionId",
                "list_all_version_by_version_id",
                aom_model.ListAllVersionByVersionIdRequest(body=body),
            )
            check_model(resp, "ListAllVersionByVersionIdResponse")
            expect(
                resp.elements and len(resp.elements) >= 2,
                f"script {sc.id}: {len(resp.elements or [])} version(s), want >= 2",
            )
            for v in resp.elements:
                expect_eq(v.script_id, sc.id, "version script_id")
                expect(v.version_id, f"version without version_id in script {sc.id}")
                expect(v.content, f"version {v.version_id} has empty content")
                expect(v.status_desc in (0, 1, 2, 3, None), f"status_desc {v.status_desc!r}")
            vids = [v.version_id for v in resp.elements]
            expect(len(set(vids)) == len(vids), f"duplicate version ids {vids}")
            total += len(resp.elements)
        return f"{total} versions of 2 scripts"

    # -- workflows ---------------------------------------------------------------------------
    def inventory(self):
        with urllib.request.urlopen(self.info["admin_url"].rstrip("/") + "/hosts", timeout=10) as r:
            hosts = json.loads(r.read())
        expect(isinstance(hosts, list) and hosts, "GET {admin}/hosts gave no hosts")
        ready = [
            h["id"]
            for h in hosts
            if h.get("agent_state") == "ONLINE" and h.get("instance_status") == "ACTIVE"
        ]
        down = [h["id"] for h in hosts if h["id"] not in ready]
        expect(len(ready) >= 9, f"{len(ready)} runnable hosts, need 9")
        expect(down, "no host with its agent offline or instance stopped")
        self.s["ready"], self.s["down"] = ready, down
        return f"{len(hosts)} hosts, {len(ready)} runnable"

    def pick_templates(self):
        def is_pause(node):
            return (node.category or "").lower() == "pause" or "pause" in (node.task_name or "").lower()

        tpls = list(self.s["template_map"].values())
        strict = [t for t in tpls if not any(is_pause(n) or n.ignore_error for n in t.nodes)]
        expect(strict, "no template without pause nodes and without ignore_error nodes")
        self.s["tpl_multi"] = max(strict, key=lambda t: len(t.nodes))
        self.s["tpl_single"] = min(strict, key=lambda t: len(t.nodes))
        paused = [t for t in tpls if any(is_pause(n) for n in t.nodes)]
        self.s["tpl_pause"] = paused[0] if paused else None
        lenient = [
            t for t in tpls if len(t.nodes) == 1 and t.nodes[0].ignore_error and not is_pause(t.nodes[0])
        ]
        self.s["tpl_lenient"] = lenient[0] if lenient else None
        self.s["is_pause"] = is_pause
        name = lambda t: t.name if t else None  # noqa: E731
        return (
            f"multi-node {name(self.s['tpl_multi'])!r}, single {name(self.s['tpl_single'])!r}, "
            f"pause {name(self.s['tpl_pause'])!r}, ignore_error {name(self.s['tpl_lenient'])!r}"
        )

    def workflow_input(self, ecs_ids):
        return {
            "project_id": self.info["project_id"],
            "region_id": "cn-north-4",
            "get_instances": {
                "group": "ecs_instance",
                "type": "manual",
                "ecs_id_list": json.dumps(ecs_ids),
                "ecs_instance_status": None,
                "ecs_instance_tags": None,
                "vpc_id": None,
                "subnet_id": None,
            },
            "rate_control": {"group": "rate_control", "max": "10", "timeDelay": "0"},
            "approve": {"group": "approve", "need_approve": "false", "topic_selected": None},
        }

    def create_workflow(self, key, tpl, wf_type, ecs_ids, extra_input=None):
        name = f"conformance_{key}_{self.s['suffix']}"
        inp = self.workflow_input(ecs_ids)
        inp.update(extra_input or {})
        body = aom_model.WorkflowRequestBody(
            name=name,
            type=wf_type,
            description=f"conformance run, huaweicloudsdkaom {SDK_VERSION}",
            tags={"suite": "conformance"},
            template_name=tpl.name,
            template_id=tpl.id,
            input=inp,
            job_id=tpl.job_id,
            task_type="script",
        )
        resp = self.call("CreateWorkflow", "create_workflow", aom_model.CreateWorkflowRequest(body=body))
        check_model(resp, "CreateWorkflowResponse")
        expect(resp.id, "no id")
        expect_eq(resp.name, name, "name")
        expect_eq(resp.type, wf_type, "type")
        expect_eq(resp.template_id, tpl.id, "template_id")
        expect_eq(resp.job_id, tpl.job_id, "job_id")
        expect_eq(resp.task_type, "script", "task_type")
        expect_eq(resp.tags, {"suite": "conformance"}, "tags")
        expect_eq(resp.project_id, self.info["project_id"], "project_id")
        got_ids = ((resp.input or {}).get("get_instances") or {}).get("ecs_id_list")
        expect_eq(got_ids, json.dumps(ecs_ids), "input.get_instances.ecs_id_list (round trip)")
        self.s[key] = resp
        self.s["runs"][resp.id] = 0
        self.s["targets"][key] = ecs_ids
        return f"{resp.id}, {len(ecs_ids)} target(s), template {tpl.name!r}"

    def create_invalid_workflow(self):
        body = aom_model.WorkflowRequestBody(
            name="conformance_bad_type",
            type="sometimes",
            template_id=self.s["tpl_single"].id,
            input={},
            task_type="script",
        )
        try:
            self.call("CreateWorkflow?", "create_workflow", aom_model.CreateWorkflowRequest(body=body))
        except ClientRequestException as e:
            expect_eq(e.status_code, 400, "HTTP status")
            expect(
                e.error_code and e.error_code != "400",
                f"the SDK found no error_code/error_msg in the body ({e.error_msg!r})",
            )
            expect("type" in (e.error_msg or ""), f"error_msg does not name 'type': {e.error_msg!r}")
            expect(e.request_id, "no X-Request-Id on the error")
            return f"{e.error_code}: {e.error_msg}"
        raise CheckFailed("type=sometimes was accepted")

    def list_workflows(self):
        made = [self.s[k] for k in WORKFLOWS if k in self.s]
        body = aom_model.WorkflowQueryParam(sort_field="create_time", sort_type="DESC", page=1, size=100)
        resp = self.call("ListWorkflow", "list_workflow", aom_model.ListWorkflowRequest(body=body))
        check_model(resp, "ListWorkflowResponse")
        listed = {w.id: w for w in resp.elements or []}
        for w in made:
            expect(w.id in listed, f"workflow {w.id} ({w.name}) missing from ListWorkflow")
            expect_eq(listed[w.id].name, w.name, f"workflow {w.id} name")
            expect_eq(listed[w.id].template_id, w.template_id, f"workflow {w.id} template_id")
        expect_eq(resp.total_elements, len(made), "total_elements (the emulator starts with none)")
        # search + paging: one match on a page of one
        target = made[0]
        body = aom_model.WorkflowQueryParam(
            search=target.name, sort_field="create_time", sort_type="ASC", page=1, size=1
        )
        resp2 = self.call("ListWorkflow", "list_workflow", aom_model.ListWorkflowRequest(body=body))
        check_model(resp2, "ListWorkflowResponse")
        expect_eq([w.id for w in resp2.elements or []], [target.id], f"search {target.name!r}")
        expect_eq(resp2.total_elements, 1, "total_elements of the search")
        # paging: page 2 of size 2 holds the 3rd and 4th oldest
        body = aom_model.WorkflowQueryParam(sort_field="create_time", sort_type="ASC", page=2, size=2)
        resp3 = self.call("ListWorkflow", "list_workflow", aom_model.ListWorkflowRequest(body=body))
        check_model(resp3, "ListWorkflowResponse")
        expect_eq(
            [w.id for w in resp3.elements or []], [w.id for w in made[2:4]], "page 2 of size 2, oldest first"
        )
        expect_eq(resp3.total_elements, len(made), "total_elements on page 2")
        return f"{len(resp.elements)} listed; search finds 1; page 2 of size 2 right"

    def trigger(self):
        wf = self.s["wf_cron"]
        out = []
        for action in ("disable", "enable"):
            req = aom_model.UpdateWorkflowTriggerStatusRequest(workflow_id=wf.id, action=action)
            resp = self.call("UpdateWorkflowTriggerStatus", "update_workflow_trigger_status", req)
            expect(type(resp).__name__ == "UpdateWorkflowTriggerStatusResponse", type(resp).__name__)
            expect_eq(resp.status_code, 200, "HTTP status")
            raw = resp.raw_content.decode("utf-8")
            expect(raw.strip(), "empty body")
            expect(isinstance(resp.body, str), f"body decoded as {type(resp.body).__name__}")
            expect_eq(resp.body, raw, "SDK body vs raw text")
            listed = self.find_workflow(wf)
            expect_eq(listed.trigger_status, action, f"trigger_status in ListWorkflow after {action}")
            out.append(f"{action}: {raw!r}")
        return "; ".join(out) + "; ListWorkflow shows trigger_status"

    def find_workflow(self, wf):
        body = aom_model.WorkflowQueryParam(search=wf.name, sort_field="create_time", sort_type="ASC")
        resp = self.call("ListWorkflow", "list_workflow", aom_model.ListWorkflowRequest(body=body))
        check_model(resp, "ListWorkflowResponse")
        found = [w for w in resp.elements or [] if w.id == wf.id]
        expect(found, f"ListWorkflow search {wf.name!r} does not find {wf.id}")
        return found[0]

    def workflow_after_runs(self):
        listed = self.find_workflow(self.s["wf_ok"])
        expect_eq(listed.last_execution_id, self.s["ex_ok2"], "last_execution_id")
        expect_eq(listed.status, "success", "status (of its last execution)")
        detail = self.s["ex_ok2_detail"]
        expect_eq(listed.last_execution_start_time, detail.begin_time, "last_execution_start_time")
        expect_eq(listed.last_execution_end_time, detail.end_time, "last_execution_end_time")
        return f"last_execution_id {listed.last_execution_id}, status {listed.status}"

    def trigger_bad_action(self):
        wf = self.s["wf_cron"]
        req = aom_model.UpdateWorkflowTriggerStatusRequest(workflow_id=wf.id, action="toggle")
        try:
            self.call("UpdateWorkflowTriggerStatus?", "update_workflow_trigger_status", req)
        except ClientRequestException as e:
            expect_eq(e.status_code, 400, "HTTP status")
            expect("action" in (e.error_msg or ""), f"error_msg does not name 'action': {e.error_msg!r}")
            return f"{e.error_code}: {e.error_msg}"
        raise CheckFailed("action=toggle was accepted")

    # -- executions --------------------------------------------------------------------------
    def execute(self, wf_key, ex_key):
        wf = self.s[wf_key]
        req = aom_model.ExecuteWorkflowRequest(workflow_id=wf.id)
        resp = self.call("ExecuteWorkflow", "execute_workflow", req)
        check_model(resp, "ExecuteWorkflowResponse")
        expect(resp.execution_id, "no execution_id")
        self.s["runs"][wf.id] += 1
        self.s[ex_key] = resp.execution_id
        return resp.execution_id

    def check_detail(self, resp, wf, ex_id, final):
        expect_eq(resp.workflow_id, wf.id, "workflow_id")
        expect_eq(resp.execution_id, ex_id, "execution_id")
        expect_eq(resp.project_id, self.info["project_id"], "project_id")
        expect(resp.status in KNOWN_STATUSES, f"execution status {resp.status!r}")
        expect(resp.begin_time, "no begin_time")
        if final:
            expect(resp.end_time, f"no end_time on a {resp.status} execution")
            expect(
                resp.end_time >= resp.begin_time, f"end_time {resp.end_time} < begin_time {resp.begin_time}"
            )
        nodes = resp.execution_result_list or []
        expect(nodes, "empty execution_result_list")
        for node in nodes:
            expect(node.node_id, "node without node_id")
            expect(node.status in KNOWN_STATUSES, f"node {node.node_id} status {node.status!r}")
            out = node.output
            expect(isinstance(out, dict), f"node {node.node_id} output is {type(out).__name__}")
            for bucket in HOST_BUCKETS:
                expect(
                    isinstance(out.get(bucket), list),
                    f"node {node.node_id} output.{bucket} is {type(out.get(bucket)).__name__}, want a list",
                )
                for host in out[bucket]:
                    for key in ("id", "name", "ip", "exit_code", "error_msg", "log", "execute_time"):
                        expect(key in host, f"node {node.node_id} {bucket} host lacks {key!r}: {host}")
                    for key in ("exit_code", "execute_time", "start_time", "code"):
                        expect(
                            host.get(key) is None or isinstance(host[key], str),
                            f"{bucket} host {host['id']} {key} {host[key]!r} is not text (as in the docs)",
                        )
            if final:
                expect(not out["in_execution"], f"node {node.node_id} has hosts in_execution after the end")
            for host in out["success"]:
                expect_eq(host["exit_code"], "0", f"exit_code of successful host {host['id']}")
            for host in out["fail"]:
                expect(
                    host["exit_code"] != "0" and (host["error_msg"] or host["log"]),
                    f"failed host {host['id']}: exit_code {host['exit_code']!r}, no error text",
                )
        return nodes

    def bucket_ids(self, node, bucket):
        return sorted(h["id"] for h in node.output[bucket])

    def run_ok(self, ex_key):
        wf = self.s["wf_ok"]
        targets = sorted(self.s["targets"]["wf_ok"])
        started = time.monotonic()
        resp, polls, seen = self.poll_detail(wf.id, self.s[ex_key])
        took = time.monotonic() - started
        nodes = self.check_detail(resp, wf, self.s[ex_key], final=True)
        expect_eq(resp.status, "success", "final status")
        want_nodes = [n.id for n in self.s["tpl_multi"].nodes]
        expect_eq([n.node_id for n in nodes], want_nodes, "node ids (the template's, in order)")
        for node in nodes:
            expect_eq(node.status, "success", f"node {node.node_id} status")
            expect_eq(self.bucket_ids(node, "success"), targets, f"node {node.node_id} success hosts")
            expect_eq(self.bucket_ids(node, "fail"), [], f"node {node.node_id} fail hosts")
            expect(node.begin_time and node.end_time, f"node {node.node_id} begin/end time")
        for a, b in zip(nodes, nodes[1:], strict=False):
            expect(b.begin_time >= a.end_time, f"node {b.node_id} began before {a.node_id} ended")
        self.s[ex_key + "_detail"] = resp
        return (
            f"success after {polls} polls in {took:.2f}s, statuses {seen}; "
            f"{len(nodes)} nodes x {len(targets)} hosts"
        )

    def run_mixed(self):
        wf = self.s["wf_mixed"]
        ex_id = self.s["ex_mixed"]
        ok, flaky, down, ghost = self.s["targets"]["wf_mixed"]
        resp, polls, seen = self.poll_detail(wf.id, ex_id)
        nodes = self.check_detail(resp, wf, ex_id, final=True)
        expect_eq(resp.status, "fail", "final status")
        node = nodes[0]
        expect_eq(node.status, "fail", "node status")
        expect_eq(self.bucket_ids(node, "success"), [ok], "success hosts")
        expect_eq(self.bucket_ids(node, "fail"), sorted([flaky, down, ghost]), "fail hosts")
        by_id = {h["id"]: h for h in node.output["fail"]}
        expect(
            "exist" in (by_id[ghost]["error_msg"] or "").lower(),
            f"unknown host's error_msg {by_id[ghost]['error_msg']!r} does not say it does not exist",
        )
        expect(by_id[down]["error_msg"], f"unreachable host {down} has no error_msg")
        self.s["mixed_detail"] = resp
        return (
            f"fail after {polls} polls, statuses {seen}; unknown host: {by_id[ghost]['error_msg']!r}; "
            f"unreachable host: {by_id[down]['error_msg']!r}"
        )

    def restart(self):
        wf = self.s["wf_mixed"]
        ex_id = self.s["ex_mixed"]
        ok, flaky, down, ghost = self.s["targets"]["wf_mixed"]
        node_id = self.s["mixed_detail"].execution_result_list[0].node_id
        req = aom_model.StartPausingWorkflowExecutionsRequest(
            workflow_id=wf.id, execution_id=ex_id, action="restart", node_id=node_id
        )
        resp = self.call("StartPausingWorkflowExecutions", "start_pausing_workflow_executions", req)
        check_model(resp, "StartPausingWorkflowExecutionsResponse")
        raw = raw_json(resp)
        expect(isinstance(raw, dict) and "result" in raw, f"answer {raw!r} has no 'result'")
        after, polls, seen = self.poll_detail(wf.id, ex_id)
        node = self.check_detail(after, wf, ex_id, final=True)[0]
        expect_eq(after.status, "fail", "status after restart (unknown and unreachable hosts still fail)")
        expect_eq(self.bucket_ids(node, "success"), sorted([ok, flaky]), "success hosts after restart")
        expect_eq(self.bucket_ids(node, "fail"), sorted([down, ghost]), "fail hosts after restart")
        return f"result {json.dumps(resp.result, default=str)[:60]}; then {seen}; the flaky host succeeded"

    def run_lenient(self):
        wf = self.s["wf_lenient"]
        ex_id = self.s["ex_lenient"]
        ok, ghost = self.s["targets"]["wf_lenient"]
        resp, polls, seen = self.poll_detail(wf.id, ex_id)
        nodes = self.check_detail(resp, wf, ex_id, final=True)
        expect_eq(len(nodes), 1, "number of nodes")
        expect_eq(nodes[0].status, "success", "status of the node that ignores errors")
        expect_eq(self.bucket_ids(nodes[0], "success"), [ok], "success hosts")
        expect_eq(self.bucket_ids(nodes[0], "fail"), [ghost], "fail hosts")
        expect_eq(resp.status, "fail", "execution status (a host failed)")
        return f"node success, host under fail, execution fail (statuses {seen})"

    def run_pause(self):
        wf = self.s["wf_pause"]
        ex_id = self.s["ex_pause"]
        is_pause = self.s["is_pause"]
        pause_ids = [n.id for n in self.s["tpl_pause"].nodes if is_pause(n)]
        resp, polls, seen = self.poll_detail(
            wf.id, ex_id, until=lambda d: d.status in FINAL_STATUSES or d.status == "pausing"
        )
        self.check_detail(resp, wf, ex_id, final=False)
        expect_eq(resp.status, "pausing", "status at the pause node")
        waiting = [n.node_id for n in resp.execution_result_list if n.status == "pausing"]
        expect_eq(waiting, pause_ids[:1], "node waiting for continue")
        req = aom_model.StartPausingWorkflowExecutionsRequest(
            workflow_id=wf.id, execution_id=ex_id, action="continue", node_id=waiting[0]
        )
        op = self.call("StartPausingWorkflowExecutions", "start_pausing_workflow_executions", req)
        check_model(op, "StartPausingWorkflowExecutionsResponse")
        end, polls2, seen2 = self.poll_detail(wf.id, ex_id)
        nodes = self.check_detail(end, wf, ex_id, final=True)
        expect_eq(end.status, "success", "final status after continue")
        targets = sorted(self.s["targets"]["wf_pause"])
        for node in nodes:
            if node.node_id not in pause_ids:
                expect_eq(self.bucket_ids(node, "success"), targets, f"node {node.node_id} success hosts")
        return f"statuses {seen} then continue at {waiting[0]!r}, then {seen2}"

    def operation_bad_action(self):
        wf = self.s["wf_mixed"]
        req = aom_model.StartPausingWorkflowExecutionsRequest(
            workflow_id=wf.id, execution_id=self.s["ex_mixed"], action="explode", node_id="x"
        )
        try:
            self.call("StartPausingWorkflowExecutions?", "start_pausing_workflow_executions", req)
        except ClientRequestException as e:
            expect_eq(e.status_code, 400, "HTTP status")
            expect("action" in (e.error_msg or ""), f"error_msg does not name 'action': {e.error_msg!r}")
            return f"{e.error_code}: {e.error_msg}"
        raise CheckFailed("action=explode was accepted")

    def stop(self):
        wf = self.s["wf_stop"]
        ex_id = self.s["ex_stop"]
        running, _, _ = self.poll_detail(wf.id, ex_id, until=lambda d: True)
        expect_eq(running.status, "executing", "status before terminate (a one-hour run per host)")
        req = aom_model.StopExecutionRequest(workflow_id=wf.id, execution_id=ex_id)
        resp = self.call("StopExecution", "stop_execution", req)
        expect(type(resp).__name__ == "StopExecutionResponse", type(resp).__name__)
        expect_eq(resp.status_code, 200, "HTTP status")
        raw = resp.raw_content.decode("utf-8")
        expect(raw.strip(), "empty body")
        expect(isinstance(resp.body, str), f"body decoded as {type(resp.body).__name__}")
        expect_eq(resp.body, raw, "SDK body vs raw text")
        after, polls, seen = self.poll_detail(wf.id, ex_id)
        nodes = self.check_detail(after, wf, ex_id, final=True)
        expect_eq(after.status, "cancel", "status after terminate")
        expect(
            all(n.status in ("cancel", "success") for n in nodes),
            f"node statuses after terminate {[n.status for n in nodes]}",
        )
        return f"body {raw!r}; status then {seen}"

    def list_executions(self):
        wf = self.s["wf_ok"]
        req = aom_model.ListWorkflowExecutionsRequest(workflow_id=wf.id, x_enterprise_project_id="0")
        resp = self.call("ListWorkflowExecutions", "list_workflow_executions", req)
        data = check_model(resp, "ListWorkflowExecutionsResponse")
        expect(isinstance(data, list), f"answer is a JSON {type(data).__name__}, want a bare array")
        expect(isinstance(resp.body, list), f"SDK body is {type(resp.body).__name__}")
        want = {self.s["ex_ok"], self.s["ex_ok2"]}
        got = [b.execution_id for b in resp.body]
        expect_eq(sorted(got), sorted(want), "execution ids")
        for b in resp.body:
            expect_eq(b.workflow_id, wf.id, "workflow_id")
            expect_eq(b.status, "success", f"execution {b.execution_id} status")
            expect_eq(b.project_id, self.info["project_id"], "project_id")
            expect(b.execution_result_list, f"execution {b.execution_id} has no execution_result_list")
            expect(b.begin_time and b.end_time, f"execution {b.execution_id} begin/end time")
        detail = self.s["ex_ok_detail"]
        brief = next(b for b in resp.body if b.execution_id == self.s["ex_ok"])
        expect_eq(brief.begin_time, detail.begin_time, "begin_time vs the detail")
        expect_eq(brief.end_time, detail.end_time, "end_time vs the detail")
        return f"{len(resp.body)} executions"

    def execute_unknown(self):
        req = aom_model.ExecuteWorkflowRequest(workflow_id="no-such-workflow")
        try:
            self.call("ExecuteWorkflow?", "execute_workflow", req)
        except ClientRequestException as e:
            expect_eq(e.status_code, 404, "HTTP status")
            expect(
                e.error_code and e.error_code != str(e.status_code),
                f"the SDK found no error_code/error_msg in the body ({e.error_msg!r})",
            )
            expect(e.request_id, "no X-Request-Id on the error")
            return f"HTTP {e.status_code} {e.error_code}: {e.error_msg}"
        raise CheckFailed("an unknown workflow was executed")

    def admin_counts(self):
        state = self.admin_state()
        per = state.get("executions_per_workflow")
        expect(isinstance(per, dict), f"no executions_per_workflow in {sorted(state)}")
        want = {wf_id: n for wf_id, n in self.s["runs"].items() if n}
        expect_eq({k: v for k, v in per.items() if k in self.s["runs"]}, want, "executions per workflow")
        expect_eq(state.get("executions_total"), sum(want.values()), "executions_total")
        return f"{sum(want.values())} executions over {len(want)} workflows, none twice"

    # -- gateway -------------------------------------------------------------------------------
    def expect_401(self, client, what, reason_part=None, call=None):
        call = call or (
            lambda c: c.list_all_job_by_name(
                aom_model.ListAllJobByNameRequest(
                    body=aom_model.SearchJobsRequestBody(order_by_column="name", sort_order="ASC")
                )
            )
        )
        try:
            call(client)
        except ClientRequestException as e:
            expect_eq(e.status_code, 401, f"{what}: HTTP status")
            expect(
                e.error_code in ("APIGW.0301", "APIG.0301"),
                f"{what}: error_code {e.error_code!r}, want APIGW.0301",
            )
            expect(
                (e.error_msg or "").startswith("Incorrect IAM authentication information"),
                f"{what}: error_msg {e.error_msg!r}",
            )
            if reason_part:
                expect(reason_part in e.error_msg, f"{what}: error_msg {e.error_msg!r} lacks {reason_part!r}")
            expect(e.request_id, f"{what}: the SDK saw no X-Request-Id")
            self.still_works(what)
            return f"401 {e.error_code}: {e.error_msg!r}, request_id {e.request_id}"
        raise CheckFailed(f"{what}: the request was accepted")

    def still_works(self, after):
        """A correctly signed call right after a refusal succeeds (one failure locks nothing)."""
        try:
            self.client.list_all_job_by_name(
                aom_model.ListAllJobByNameRequest(
                    body=aom_model.SearchJobsRequestBody(order_by_column="name", sort_order="ASC")
                )
            )
        except ServiceResponseException as e:
            raise CheckFailed(
                f"a good request after '{after}' was refused: "
                f"HTTP {e.status_code} {e.error_code} {e.error_msg}"
            ) from None

    def wrong_sk(self):
        client = make_client(self.info, sk=self.info["sk"] + "x")
        return self.expect_401(client, "wrong SK", "verify aksk signature fail")

    def unknown_ak(self):
        client = make_client(self.info, ak="CONFORMANCEUNKNOWNAK0")
        return self.expect_401(client, "unknown AK", "ak not exist")

    def stale_date(self):
        creds = stale_date_credentials(self.info["ak"], self.info["sk"], self.info["project_id"], 20)
        return self.expect_401(make_client(self.info, credentials=creds), "X-Sdk-Date 20 minutes old")

    def tampered_path(self):
        templates = self.s["templates"]
        other = next((t for t in templates if t.id != templates[0].id), None)
        expect(other, "need two templates")

        def mutate(request):
            request.uri = request.uri.replace(templates[0].id, other.id)

        client = make_client(self.info, handler=tamper_handler(mutate))
        return self.expect_401(
            client,
            "path changed after signing",
            "verify aksk signature fail",
            call=lambda c: c.search_template_by_id(
                aom_model.SearchTemplateByIdRequest(
                    template_id=templates[0].id, share_type=templates[0].share_type or "private"
                )
            ),
        )

    def tampered_query(self):
        wf = self.s["wf_cron"]

        def mutate(request):
            request.uri = request.uri.replace("action=disable", "action=enable")

        client = make_client(self.info, handler=tamper_handler(mutate))
        return self.expect_401(
            client,
            "query changed after signing",
            "verify aksk signature fail",
            call=lambda c: c.update_workflow_trigger_status(
                aom_model.UpdateWorkflowTriggerStatusRequest(workflow_id=wf.id, action="disable")
            ),
        )

    def tampered_header(self):
        def mutate(request):
            for key in list(request.header_params):
                if key.lower() == "x-project-id":
                    request.header_params[key] = "f" * 32

        client = make_client(self.info, handler=tamper_handler(mutate))
        return self.expect_401(client, "signed X-Project-Id header changed", "verify aksk signature fail")

    def tampered_body(self):
        def mutate(request):
            body = json.loads(request.body)
            body["sort_order"] = "DESC"
            request.body = json.dumps(body).encode()

        client = make_client(self.info, handler=tamper_handler(mutate))
        return self.expect_401(client, "body changed after signing", "verify aksk signature fail")

    def unsigned(self):
        url = f"{self.info['url'].rstrip('/')}/v1/{self.info['project_id']}/cms/job/list"
        r = requests.post(
            url,
            json={"order_by_column": "name", "sort_order": "ASC"},
            timeout=10,
            proxies={"http": None, "https": None},
        )
        expect_eq(r.status_code, 401, "HTTP status")
        body = r.json()
        expect(body.get("error_code") in ("APIGW.0301", "APIG.0301"), f"body {body}")
        expect(body.get("request_id"), f"no request_id in {body}")
        expect_eq(r.headers.get("X-Request-Id"), body.get("request_id"), "X-Request-Id header vs body")
        return f"{body.get('error_msg')!r}"

    def unknown_api(self):
        try:
            self.client.call_api(
                resource_path="/v1/{project_id}/cms/no-such-api",
                method="GET",
                path_params={},
                query_params=[],
                header_params={"Content-Type": "application/json"},
                response_type="object",
            )
        except ClientRequestException as e:
            expect_eq(e.status_code, 404, "HTTP status")
            expect_eq(e.error_code, "APIGW.0101", "error_code")
            return f"{e.error_code}: {e.error_msg!r}"
        raise CheckFailed("an unknown API answered 2xx")

    # -- the whole sequence ------------------------------------------------------------------
    def run(self):
        c = self.check
        self.s.update(suffix=uuid.uuid4().hex[:8], runs={}, targets={})

        c("ListAllJobByName: sample jobs parse into Job models", self.jobs)
        c("ListAllJobByName: name filter and sort", self.jobs_by_name, "jobs")
        c("ListTemplateByJobId: every job's templates", self.templates_by_job, "jobs")
        c("SearchTemplateById: every listed template round-trips", self.template_by_id, "templates")
        c("SearchTemplateById: unknown id is a 4xx the SDK decodes", self.template_unknown)
        c("ListAllScriptByName: sample scripts", self.scripts)
        c("ListAllVersionByVersionId: versions of two scripts", self.script_versions, "scripts")
        c("Emulator inventory (admin /hosts)", self.inventory)
        c("Templates to build workflows from", self.pick_templates, "template_map")

        s = self.s
        ready, down = s.get("ready", []), s.get("down", [])
        ghost = "i-conformance-no-such-host"
        need = ("tpl_multi", "ready")
        c(
            "CreateWorkflow: manual workflow from a multi-node template over 3 hosts",
            lambda: self.create_workflow("wf_ok", s["tpl_multi"], "manual", ready[:3]),
            *need,
        )
        c(
            "CreateWorkflow: workflow with a flaky, an unreachable and an unknown host",
            lambda: self.create_workflow(
                "wf_mixed",
                s["tpl_single"],
                "manual",
                [ready[3], ready[4], down[0], ghost],
                {"emulator": {"fail_hosts": [ready[4]], "fail_attempts": 1}},
            ),
            *need,
        )
        c(
            "CreateWorkflow: workflow with a pause node",
            lambda: self.create_workflow(
                "wf_pause",
                s["tpl_pause"] or s["tpl_multi"],
                "manual",
                ready[5:7],
                None
                if s["tpl_pause"]
                else {"emulator": {"nodes": ["before", {"id": "gate", "pause": True}, "after"]}},
            ),
            *need,
        )
        c(
            "CreateWorkflow: long-running workflow to terminate",
            lambda: self.create_workflow(
                "wf_stop", s["tpl_multi"], "manual", ready[:2], {"emulator": {"host_seconds": 3600}}
            ),
            *need,
        )
        c(
            "CreateWorkflow: cron workflow",
            lambda: self.create_workflow(
                "wf_cron",
                s["tpl_single"],
                "cron",
                ready[7:8],
                {
                    "trigger": {
                        "group": "trigger",
                        "policy": "periodic",
                        "scheduled_time": "03:00:00",
                        "time_zone": "Asia/Shanghai",
                        "period": "[1,2,3,4,5]",
                        "cron": None,
                    }
                },
            ),
            *need,
        )
        c(
            "CreateWorkflow: workflow whose node ignores errors",
            lambda: self.create_workflow(
                "wf_lenient",
                s["tpl_lenient"] or s["tpl_single"],
                "manual",
                [ready[8], ghost],
                None
                if s["tpl_lenient"]
                else {"emulator": {"nodes": [{"id": "lenient", "ignore_error": True}]}},
            ),
            *need,
        )
        c(
            "CreateWorkflow: invalid type is a 400 naming the field",
            self.create_invalid_workflow,
            "tpl_single",
        )
        c("ListWorkflow: all created, search, paging", self.list_workflows, *WORKFLOWS)

        c("ExecuteWorkflow: all-success workflow", lambda: self.execute("wf_ok", "ex_ok"), "wf_ok")
        c(
            "SearchWorkflowExecutionDetail: polled to success, every node on every host",
            lambda: self.run_ok("ex_ok"),
            "ex_ok",
        )
        c("ExecuteWorkflow: all-success workflow again", lambda: self.execute("wf_ok", "ex_ok2"), "wf_ok")
        c("SearchWorkflowExecutionDetail: second run to success", lambda: self.run_ok("ex_ok2"), "ex_ok2")
        c(
            "ListWorkflowExecutions: bare array of both runs",
            self.list_executions,
            "ex_ok_detail",
            "ex_ok2_detail",
        )

        c("ListWorkflow: last execution of the workflow", self.workflow_after_runs, "ex_ok2_detail")

        c("ExecuteWorkflow: mixed workflow", lambda: self.execute("wf_mixed", "ex_mixed"), "wf_mixed")
        c(
            "SearchWorkflowExecutionDetail: polled to fail, per-host errors",
            self.run_mixed,
            "ex_mixed",
        )
        c("StartPausingWorkflowExecutions: restart the failed node", self.restart, "mixed_detail")
        c("StartPausingWorkflowExecutions: unknown action is a 400", self.operation_bad_action, "ex_mixed")

        c(
            "ExecuteWorkflow: workflow whose node ignores errors",
            lambda: self.execute("wf_lenient", "ex_lenient"),
            "wf_lenient",
        )
        c(
            "SearchWorkflowExecutionDetail: ignore_error node, as in the docs' example",
            self.run_lenient,
            "ex_lenient",
        )

        c(
            "ExecuteWorkflow: workflow with a pause node",
            lambda: self.execute("wf_pause", "ex_pause"),
            "wf_pause",
        )
        c("StartPausingWorkflowExecutions: continue at the pause node", self.run_pause, "ex_pause")

        c("ExecuteWorkflow: long-running workflow", lambda: self.execute("wf_stop", "ex_stop"), "wf_stop")
        c("StopExecution: raw-text answer, execution ends cancel", self.stop, "ex_stop")

        c("UpdateWorkflowTriggerStatus: disable/enable, raw-text answers", self.trigger, "wf_cron")
        c("UpdateWorkflowTriggerStatus: unknown action is a 400", self.trigger_bad_action, "wf_cron")
        c("ExecuteWorkflow: unknown workflow is a 404 the SDK decodes", self.execute_unknown)
        c("Admin state: executions per workflow, nothing run twice", self.admin_counts, "runs")

        c("Gateway: wrong SK is 401 APIGW.0301", self.wrong_sk)
        c("Gateway: unknown AK is 401 APIGW.0301", self.unknown_ak)
        c("Gateway: stale X-Sdk-Date is 401 APIGW.0301", self.stale_date)
        c("Gateway: path changed after signing is 401 APIGW.0301", self.tampered_path, "templates")
        c("Gateway: query changed after signing is 401 APIGW.0301", self.tampered_query, "wf_cron")
        c("Gateway: signed header changed after signing is 401 APIGW.0301", self.tampered_header)
        c("Gateway: body changed after signing is 401 APIGW.0301", self.tampered_body)
        c("Gateway: unsigned request is 401 with matching X-Request-Id", self.unsigned)
        c("Gateway: unknown API is 404 APIGW.0101", self.unknown_api)

        missing = [op for op in OPERATIONS if op not in self.driven]
        c(
            "All 13 operations answered 200 through AomClient",
            lambda: expect(not missing, f"never answered 200: {missing}") or f"{len(OPERATIONS)} operations",
        )


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", type=Path, help="aom-emulator binary (default: cargo build it)")
    ap.add_argument("--time-scale", default="600", help="passed to the emulator (default 600)")
    ap.add_argument("--seed", default="7", help="passed to the emulator (default 7)")
    ap.add_argument("--ready-timeout", type=float, default=30.0)
    ap.add_argument("--deadline", type=int, default=300, help="seconds for the run after the build")
    ap.add_argument("-v", "--verbose", action="store_true", help="tracebacks for failed checks")
    args = ap.parse_args()

    def on_signal(signum, _frame):
        raise SystemExit(f"conformance: stopped by signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    binary = args.binary or build_emulator()
    signal.signal(signal.SIGALRM, lambda *_: on_signal("SIGALRM (--deadline)", None))
    signal.alarm(args.deadline)
    with tempfile.TemporaryDirectory(prefix="aom-conformance-") as tmp:
        emu = Emulator(
            binary,
            ["--time-scale", args.time_scale, "--seed", args.seed],
            tmp,
            args.ready_timeout,
        )
        run = None
        started = time.monotonic()
        try:
            info = emu.start()
            print(
                f"{binary} ready at {info['url']} in {time.monotonic() - started:.2f}s; "
                f"huaweicloudsdkaom {SDK_VERSION}",
                flush=True,
            )
            run = Run(info, verbose=args.verbose)
            run.run()
        except BaseException as e:  # noqa: BLE001
            print(f"FAIL  conformance run aborted: {type(e).__name__}: {e}", flush=True)
            if args.verbose:
                traceback.print_exc()
            if run is None:
                run = argparse.Namespace(passed=0, failed=0)
            run.failed += 1
        finally:
            code = emu.stop()
            signal.alarm(0)
        if emu.info is not None:
            if code == 0:
                run.passed += 1
                print("ok    aom-emulator stops gracefully on SIGTERM (exit status 0)", flush=True)
            else:
                run.failed += 1
                how = "was gone already or had to be killed" if code is None else f"exit status {code}"
                print(f"FAIL  aom-emulator stops gracefully on SIGTERM: {how}", flush=True)
        if run.failed:
            print("emulator log (tail):\n" + emu.log_tail(), flush=True)
    print(f"{run.passed} passed, {run.failed} failed", flush=True)
    return 1 if run.failed else 0


if __name__ == "__main__":
    sys.exit(main())
