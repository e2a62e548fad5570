//! Every operation through the generated `aom_api` client with real signing: success answers
//! and the validation failures the spec demands.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use aom_api::types::{
    ExecutionAction, HostResult, ListTemplateByJobIdRequestBody, SearchScriptsRequestBody,
    ShareType, SortColumn, SortOrder, TriggerAction, WorkflowFilterType, WorkflowQueryParam,
    WorkflowSortField, WorkflowStatusFilter, WorkflowType,
};
use common::*;
use reqwest::Method;
use serde_json::{Value, json};

fn query(sort: SortOrder) -> WorkflowQueryParam {
    WorkflowQueryParam {
        sort_field: WorkflowSortField::CreateTime,
        sort_type: sort,
        search: None,
        type_: None,
        tags: Default::default(),
        page: None,
        size: None,
        enterprise_project_id: None,
        create_by: None,
        search_time_start: None,
        search_time_end: None,
        status: None,
    }
}

#[tokio::test]
async fn starts_and_shuts_down() {
    // How fast it starts is measured by `cargo bench -p aom-emulator --bench throughput`.
    let emu = start().await;
    assert!(emu.url().starts_with("http://127.0.0.1:"));
    emu.shutdown().await;
}

#[tokio::test]
async fn workflows_are_created_listed_filtered_and_paged() {
    let emu = start().await;
    let project = emu.project_client();
    let mut cron = workflow_body("nightly_cron", json!({}));
    cron.type_ = WorkflowType::Cron;
    cron.description = Some("runs every night".try_into().unwrap());
    cron.tags.insert("team".into(), json!("sre"));
    let created = project.create_workflow().body(cron).send().await.unwrap();
    assert_eq!(created.type_.as_deref(), Some("cron"));
    assert_eq!(created.status.as_deref(), Some("waitExecute"));
    assert_eq!(created.trigger_status.as_deref(), Some("enable"));
    assert_eq!(created.tags.as_ref().unwrap()["team"], "sre");
    assert_eq!(
        created.nodes.as_ref().unwrap()[0].id.as_deref(),
        Some("run-script")
    );
    for i in 0..4 {
        create_workflow(&project, &format!("manual-{i}"), json!({})).await;
    }

    let all = project
        .list_workflow()
        .body(query(SortOrder::Asc))
        .send()
        .await
        .unwrap();
    assert_eq!(all.total_elements, Some(5));
    let names: Vec<_> = all
        .elements
        .clone()
        .unwrap()
        .into_iter()
        .map(|w| w.name.unwrap())
        .collect();
    assert_eq!(names[0], "nightly_cron");

    let mut paged = query(SortOrder::Asc);
    paged.page = Some(2);
    paged.size = Some(2.try_into().unwrap());
    let page2 = project.list_workflow().body(paged).send().await.unwrap();
    assert_eq!(page2.total_elements, Some(5));
    let page2: Vec<_> = page2
        .elements
        .clone()
        .unwrap()
        .into_iter()
        .map(|w| w.name.unwrap())
        .collect();
    assert_eq!(page2, names[2..4]);

    let mut filtered = query(SortOrder::Desc);
    filtered.search = Some("EVERY NIGHT".try_into().unwrap());
    filtered.type_ = Some(WorkflowFilterType::Cron);
    filtered.tags.insert("team".into(), "sre".into());
    filtered.status = Some(WorkflowStatusFilter::WaitExecute);
    let found = project.list_workflow().body(filtered).send().await.unwrap();
    assert_eq!(found.total_elements, Some(1));

    let mut none = query(SortOrder::Desc);
    none.type_ = Some(WorkflowFilterType::Event);
    let found = project.list_workflow().body(none).send().await.unwrap();
    assert_eq!(found.total_elements, Some(0));

    // The name is unique.
    let (status, body) = error_of(
        project
            .create_workflow()
            .body(workflow_body("manual-0", json!({})))
            .send()
            .await,
    );
    assert_eq!(status, 400);
    assert_eq!(body.code(), Some("AOM.31001403"));
    assert!(body.message().unwrap().contains("name"), "{body}");
}

#[tokio::test]
async fn create_workflow_violations_are_400_naming_the_field() {
    let emu = start().await;
    let valid = json!({"name": "ok", "type": "manual", "task_type": "script", "input": {}});
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"name": "bad name!", "type": "manual", "task_type": "script", "input": {}}),
            "name",
        ),
        (
            json!({"name": "x".repeat(65), "type": "manual", "task_type": "script", "input": {}}),
            "name",
        ),
        (
            json!({"name": "ok", "type": "weekly", "task_type": "script", "input": {}}),
            "type",
        ),
        (
            json!({"name": "ok", "type": "manual", "task_type": "magic", "input": {}}),
            "task_type",
        ),
        (
            json!({"name": "ok", "type": "manual", "task_type": "script"}),
            "input",
        ),
        (
            json!({"name": 5, "type": "manual", "task_type": "script", "input": {}}),
            "name",
        ),
        (
            json!({"name": "ok", "type": "manual", "task_type": "script", "input": {}, "quote": []}),
            "quote",
        ),
        (
            json!({"name": "ok", "type": "manual", "task_type": "script", "input": {},
                "tags": (0..21).map(|i| (format!("k{i}"), json!("v"))).collect::<serde_json::Map<_, _>>()}),
            "tags",
        ),
        (
            json!({"name": "ok", "type": "manual", "task_type": "script", "input": {},
                "description": "d".repeat(129)}),
            "description",
        ),
        (
            json!({"name": "ok", "type": "manual", "task_type": "script",
                "input": {"get_instances": {"ecs_id_list": "[1,2]"}}}),
            "input.get_instances.ecs_id_list",
        ),
        (
            json!({"name": "ok", "type": "manual", "task_type": "script",
                "input": {"emulator": {"failure_rate": 2}}}),
            "input.emulator.failure_rate",
        ),
        (
            json!({"name": "ok", "type": "manual", "task_type": "script",
                "input": {"emulator": {"nodes": []}}}),
            "input.emulator.nodes",
        ),
        (
            json!({"name": "ok", "type": "manual", "task_type": "script",
                "input": {"emulator": {"colour": "red"}}}),
            "input.emulator.colour",
        ),
        (
            json!({"name": "ok", "type": "manual", "task_type": "script",
                "input": {"rate_control": {"max": "many"}}}),
            "input.rate_control.max",
        ),
    ];
    for (body, field) in cases {
        expect_param_error(
            &emu,
            Method::POST,
            &api(&emu, "workflow"),
            Some(body),
            field,
        )
        .await;
    }
    let ok = signed(&emu, Method::POST, &api(&emu, "workflow"), Some(valid)).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    for raw in [&b""[..], b"{", b"[]", b"null", b"\"text\""] {
        let credentials = emu.credentials().into();
        let answer = send(
            &emu,
            Method::POST,
            &api(&emu, "workflow"),
            Some(raw.to_vec()),
            Some(&credentials),
        )
        .await;
        assert_eq!(answer.status, 400, "{:?}", String::from_utf8_lossy(raw));
        assert_eq!(answer.error().code(), Some("AOM.31001403"));
    }
}

#[tokio::test]
async fn list_workflow_range_checks() {
    let emu = start().await;
    let base = json!({"sort_field": "create_time", "sort_type": "ASC"});
    let with = |key: &str, value: Value| {
        let mut b = base.clone();
        b[key] = value;
        b
    };
    for (body, field) in [
        (with("page", json!(-1)), "page"),
        (with("page", json!(10_000_000)), "page"),
        (with("size", json!(0)), "size"),
        (with("size", json!(101)), "size"),
        (
            with("search_time_start", json!(10_000_000_000_000i64)),
            "search_time_start",
        ),
        (with("sort_type", json!("UP")), "sort_type"),
        (with("status", json!("running")), "status"),
        (json!({"sort_type": "ASC"}), "sort_field"),
        (
            with(
                "tags",
                json!(
                    (0..11)
                        .map(|i| (format!("k{i}"), json!("v")))
                        .collect::<serde_json::Map<_, _>>()
                ),
            ),
            "tags",
        ),
    ] {
        expect_param_error(
            &emu,
            Method::POST,
            &api(&emu, "workflow-list"),
            Some(body),
            field,
        )
        .await;
    }
    let ok = signed(
        &emu,
        Method::POST,
        &api(&emu, "workflow-list"),
        Some(with("page", json!(0))),
    )
    .await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json()["total_elements"], 0);
}

#[tokio::test]
async fn trigger_changes_answer_raw_text_for_cron_workflows_only() {
    let emu = start().await;
    let project = emu.project_client();
    let mut cron = workflow_body("scheduled", json!({}));
    cron.type_ = WorkflowType::Cron;
    let cron_id = project
        .create_workflow()
        .body(cron)
        .send()
        .await
        .unwrap()
        .id
        .clone()
        .unwrap();
    let text = text_of(
        project
            .update_workflow_trigger_status()
            .workflow_id(&*cron_id)
            .action(TriggerAction::Disable)
            .send()
            .await,
    )
    .await;
    assert_eq!(text, r#"{"success"}"#);
    let listed = project
        .list_workflow()
        .body(query(SortOrder::Asc))
        .send()
        .await
        .unwrap();
    assert_eq!(
        listed.elements.as_ref().unwrap()[0]
            .trigger_status
            .as_deref(),
        Some("disable")
    );

    let manual = create_workflow(&project, "by-hand", json!({})).await;
    let (status, body) = error_of(
        project
            .update_workflow_trigger_status()
            .workflow_id(&*manual)
            .action(TriggerAction::Enable)
            .send()
            .await,
    );
    assert_eq!((status, body.code()), (400, Some("AOM.31001403")));
    assert!(body.message().unwrap().contains("manual"));
    let (status, body) = error_of(
        project
            .update_workflow_trigger_status()
            .workflow_id("no-such-workflow")
            .action(TriggerAction::Enable)
            .send()
            .await,
    );
    assert_eq!((status, body.code()), (404, Some("AOM.31001404")));
    for q in ["", "?action=pause", "?action="] {
        let path = format!(
            "{}{q}",
            api(&emu, &format!("workflow/{cron_id}/trigger/action"))
        );
        expect_param_error(&emu, Method::PUT, &path, None, "action").await;
    }
}

#[tokio::test]
async fn jobs_are_listed_with_paging_sorting_and_the_documented_corrections() {
    let emu = start().await;
    let project = emu.project_client();
    let all = project
        .list_all_job_by_name()
        .body(job_search())
        .send()
        .await
        .unwrap();
    assert_eq!(all.total_elements, Some(3));
    let names: Vec<_> = all
        .elements
        .clone()
        .unwrap()
        .into_iter()
        .map(|j| j.name.unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    for job in all.elements.as_ref().unwrap() {
        assert_eq!(job.project_id.as_deref(), Some(emu.project_id()));
    }

    let mut body = job_search();
    body.name = Some("BACKUP".try_into().unwrap());
    let found = project
        .list_all_job_by_name()
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(found.total_elements, Some(1));

    let mut body = job_search();
    body.page_size = Some(2.try_into().unwrap());
    body.page_num = Some(2.try_into().unwrap());
    body.sort_order = SortOrder::Desc;
    body.order_by_column = SortColumn::CreateTime;
    let page = project
        .list_all_job_by_name()
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(page.elements.as_ref().unwrap().len(), 1);

    // Out-of-range page_num/page_size are silently corrected to 1 and 10, as documented.
    let raw =
        json!({"order_by_column": "name", "sort_order": "ASC", "page_num": 0, "page_size": 500});
    let answer = signed(&emu, Method::POST, &api(&emu, "job/list"), Some(raw)).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.json()["elements"].as_array().unwrap().len(), 3);
    for bad in [
        json!({"sort_order": "ASC"}),
        json!({"order_by_column": "size", "sort_order": "ASC"}),
        json!({"order_by_column": "name", "sort_order": "ASC", "page_num": "1"}),
        json!({"order_by_column": "name", "sort_order": "ASC", "name": ""}),
    ] {
        expect_param_error(&emu, Method::POST, &api(&emu, "job/list"), Some(bad), "").await;
    }
}

fn script_search(script_id: &str) -> SearchScriptsRequestBody {
    SearchScriptsRequestBody {
        script_id: script_id.try_into().unwrap(),
        order_by_column: SortColumn::UpdateTime,
        sort_order: SortOrder::Desc,
        name: None,
        is_default: None,
        create_by: None,
        page_num: None,
        page_size: None,
        project_id: None,
        enterprise_project_id: None,
    }
}

#[tokio::test]
async fn scripts_and_their_versions() {
    let emu = start().await;
    let project = emu.project_client();
    let scripts = project
        .list_all_script_by_name()
        .body(script_search("any"))
        .send()
        .await
        .unwrap();
    let scripts = scripts.elements.clone().unwrap();
    assert!(scripts.len() >= 2);
    for script in &scripts {
        let id = script.id.clone().unwrap();
        let versions = project
            .list_all_version_by_version_id()
            .body(script_search(&id))
            .send()
            .await
            .unwrap();
        let versions = versions.elements.clone().unwrap();
        assert!(versions.len() >= 2, "{id}");
        assert!(
            versions
                .iter()
                .all(|v| v.script_id.as_deref() == Some(id.as_str()))
        );
        assert!(
            versions
                .iter()
                .all(|v| v.content.as_deref().is_some_and(|c| !c.is_empty()))
        );
    }
    let mut named = script_search("any");
    named.name = Some("DISK".try_into().unwrap());
    let found = project
        .list_all_script_by_name()
        .body(named)
        .send()
        .await
        .unwrap();
    assert_eq!(found.total_elements, Some(1));

    let (status, body) = error_of(
        project
            .list_all_version_by_version_id()
            .body(script_search("no-such-script"))
            .send()
            .await,
    );
    assert_eq!((status, body.code()), (404, Some("AOM.31001404")));
    let mut wrong_project = script_search("any");
    wrong_project.project_id = Some("ffffffffffffffffffffffffffffffff".parse().unwrap());
    let (status, _) = error_of(
        project
            .list_all_script_by_name()
            .body(wrong_project)
            .send()
            .await,
    );
    assert_eq!(status, 400);
    for (bad, field) in [
        (
            json!({"script_id": "x", "order_by_column": "name", "sort_order": "ASC", "page_size": 1001}),
            "page_size",
        ),
        (
            json!({"script_id": "x", "order_by_column": "name", "sort_order": "ASC", "page_num": 0}),
            "page_num",
        ),
        (
            json!({"order_by_column": "name", "sort_order": "ASC"}),
            "script_id",
        ),
        (
            json!({"script_id": "x", "order_by_column": "name", "sort_order": "ASC", "is_default": "yes"}),
            "is_default",
        ),
    ] {
        expect_param_error(
            &emu,
            Method::POST,
            &api(&emu, "script/list"),
            Some(bad),
            field,
        )
        .await;
    }
}

#[tokio::test]
async fn templates_by_job_and_by_id() {
    let emu = start().await;
    let project = emu.project_client();
    let jobs = project
        .list_all_job_by_name()
        .body(job_search())
        .send()
        .await
        .unwrap();
    let mut seen = Vec::new();
    for job in jobs.elements.clone().unwrap() {
        let job_id = job.id.unwrap();
        let templates = project
            .list_template_by_job_id()
            .job_id(&*job_id)
            .body(ListTemplateByJobIdRequestBody {
                order_by_column: SortColumn::CreateTime,
                name: None,
                page_num: Some(0),
                page_size: None,
                sort_order: None,
            })
            .send()
            .await
            .unwrap();
        let templates = templates.elements.clone().unwrap();
        assert!(!templates.is_empty(), "{job_id}");
        let times: Vec<_> = templates.iter().map(|t| t.create_time.unwrap()).collect();
        assert!(times.windows(2).all(|w| w[0] >= w[1]), "DESC by default");
        seen.extend(templates);
    }
    for template in &seen {
        let id = template.id.clone().unwrap();
        let share = if template.share_type.as_deref() == Some("public") {
            ShareType::Public
        } else {
            ShareType::Private
        };
        let found = project
            .search_template_by_id()
            .template_id(&*id)
            .share_type(share)
            .send()
            .await
            .unwrap();
        assert_eq!(&found.into_inner(), template);
        let other = if share == ShareType::Public {
            ShareType::Private
        } else {
            ShareType::Public
        };
        let (status, _) = error_of(
            project
                .search_template_by_id()
                .template_id(&*id)
                .share_type(other)
                .send()
                .await,
        );
        assert_eq!(status, 404);
    }
    let (status, body) = error_of(
        project
            .list_template_by_job_id()
            .job_id("no-such-job")
            .body(ListTemplateByJobIdRequestBody {
                order_by_column: SortColumn::Name,
                name: None,
                page_num: None,
                page_size: None,
                sort_order: None,
            })
            .send()
            .await,
    );
    assert_eq!((status, body.code()), (404, Some("AOM.31001404")));
    let path = api(&emu, &format!("template/{}", seen[0].id.clone().unwrap()));
    for q in ["", "?share_type=shared"] {
        expect_param_error(&emu, Method::GET, &format!("{path}{q}"), None, "share_type").await;
    }
    let job_id = jobs.elements.as_ref().unwrap()[0].id.clone().unwrap();
    let bad = json!({"order_by_column": "name", "page_size": 101});
    let path = api(&emu, &format!("template-list/{job_id}"));
    expect_param_error(&emu, Method::POST, &path, Some(bad), "page_size").await;
}

#[tokio::test]
async fn executions_are_listed_as_a_bare_array_and_detailed_in_the_seed_shape() {
    let emu = start().await;
    let project = emu.project_client();
    let workflow = create_workflow(&project, "shape", json!({})).await;
    let first = execute(&project, &workflow).await;
    let second = execute(&project, &workflow).await;
    assert_ne!(first, second);

    let raw = signed(
        &emu,
        Method::GET,
        &api(
            &emu,
            &format!("workflow/{workflow}/executions?x_enterprise_project_id=0"),
        ),
        None,
    )
    .await;
    assert_eq!(raw.status, 200);
    let array = raw.json();
    assert_eq!(array.as_array().unwrap().len(), 2);
    assert_eq!(array[0]["execution_id"], second.as_str(), "newest first");
    assert_eq!(array[0]["created_by"], "emulator_user");
    let listed = project
        .list_workflow_executions()
        .workflow_id(&*workflow)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);

    let raw = signed(
        &emu,
        Method::GET,
        &api(
            &emu,
            &format!("workflow/{workflow}/executions/{first}/status"),
        ),
        None,
    )
    .await;
    let detail = raw.json();
    for key in [
        "workflow_id",
        "execution_id",
        "status",
        "begin_time",
        "last_update_time",
        "execution_result_list",
        "approve_user_name_list",
        "project_id",
        "workflow_edit_time",
        "last_record_id_with_snapshot",
    ] {
        assert!(detail.get(key).is_some(), "{key} missing: {detail}");
    }
    assert_eq!(detail["status"], "executing");
    let node = &detail["execution_result_list"][0];
    assert_eq!(node["node_id"], "run-script");
    let output = node["output"].as_object().unwrap();
    let mut keys: Vec<_> = output.keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["fail", "in_execution", "not_performed", "success"]);
    let every_field: Vec<String> = serde_json::to_value(full_host())
        .unwrap()
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let hosts: Vec<&Value> = output
        .values()
        .flat_map(|v| v.as_array().unwrap())
        .collect();
    assert_eq!(hosts.len(), 3, "the default targets");
    for host in hosts {
        for key in &every_field {
            assert!(host.get(key).is_some(), "{key} missing in {host}");
        }
    }
    let path = api(
        &emu,
        &format!("workflow/{workflow}/executions?x_enterprise_project_id="),
    );
    expect_param_error(&emu, Method::GET, &path, None, "x_enterprise_project_id").await;
}

/// A HostResult with every field set, to list the field names.
fn full_host() -> HostResult {
    let s = || Some(String::new());
    HostResult {
        agent_state: s(),
        availability_zone: s(),
        charging_mode: s(),
        code: s(),
        current_project: Some(true),
        enterprise_project_id: s(),
        error_msg: s(),
        execute_time: s(),
        exit_code: s(),
        fixed_ip_list: Some(vec![]),
        floating_ip_list: Some(vec![]),
        id: s(),
        instance_status: s(),
        ip: s(),
        log: s(),
        name: s(),
        os_type: s(),
        start_time: s(),
        tags: Some(vec![]),
        vpc_id: s(),
    }
}

#[tokio::test]
async fn unknown_and_invalid_ids() {
    let emu = start().await;
    let project = emu.project_client();
    let (status, body) = error_of(project.execute_workflow().workflow_id("nope").send().await);
    assert_eq!((status, body.code()), (404, Some("AOM.31001404")));
    let (status, _) = error_of(
        project
            .list_workflow_executions()
            .workflow_id("nope")
            .send()
            .await,
    );
    assert_eq!(status, 404);
    let workflow = create_workflow(&project, "ids", json!({})).await;
    let (status, body) = error_of(
        project
            .search_workflow_execution_detail()
            .workflow_id(&*workflow)
            .execution_id("nope")
            .send()
            .await,
    );
    assert_eq!(status, 404);
    assert!(body.message().unwrap().contains("execution"));
    let (status, _) = error_of(
        project
            .stop_execution()
            .workflow_id(&*workflow)
            .execution_id("nope")
            .send()
            .await,
    );
    assert_eq!(status, 404);
    let long = "w".repeat(65);
    let path = api(&emu, &format!("workflow/{long}/executions"));
    expect_param_error(&emu, Method::POST, &path, None, "workflow_id").await;
    // An execution of another workflow is not found under this one.
    let other = create_workflow(&project, "other", json!({})).await;
    let execution = execute(&project, &other).await;
    let (status, _) = error_of(
        project
            .search_workflow_execution_detail()
            .workflow_id(&*workflow)
            .execution_id(&*execution)
            .send()
            .await,
    );
    assert_eq!(status, 404, "an execution of another workflow");
}

#[tokio::test]
async fn node_operations_validate_their_query() {
    let emu = start().await;
    let project = emu.project_client();
    let workflow = create_workflow(&project, "ops", json!({})).await;
    let execution = execute(&project, &workflow).await;
    let base = api(
        &emu,
        &format!("workflow/{workflow}/executions/{execution}/operation"),
    );
    for (q, field) in [
        ("", "action"),
        ("?action=jump&node_id=run-script", "action"),
        ("?action=skip", "node_id"),
        ("?action=skip&node_id=", "node_id"),
    ] {
        expect_param_error(&emu, Method::POST, &format!("{base}{q}"), None, field).await;
    }
    let run = Run::new(&project, &workflow, &execution);
    let (status, _) = run
        .op(ExecutionAction::Skip, "no-such-node")
        .await
        .unwrap_err();
    assert_eq!(status, 404);
    let (status, body) = run
        .op(ExecutionAction::Continue, "run-script")
        .await
        .unwrap_err();
    assert_eq!(status, 400);
    assert!(body.message().unwrap().contains("continue"), "{body}");
}

#[tokio::test]
#[allow(deprecated)]
async fn the_historical_fast_execute_script_runs_and_is_polled_like_a_workflow() {
    let emu = common::builder()
        .time_scale(100_000.0)
        .start()
        .await
        .unwrap();
    let project = emu.project_client();
    let hosts: Vec<String> = emu.hosts()[..2]
        .iter()
        .map(|h| h.id.clone().unwrap())
        .collect();
    let body = aom_api::types::HisFastScript {
        script_type: aom_api::types::ScriptLanguage::Shell,
        cmd_user: "root".try_into().unwrap(),
        script_content: "uptime".try_into().unwrap(),
        ecs_id_list: hosts.join(",").try_into().unwrap(),
        name: "adhoc".try_into().unwrap(),
        project_id: emu.project_id().parse().unwrap(),
        script_args: None,
    };
    let execution = project
        .create_fast_execute_script()
        .body(body.clone())
        .send()
        .await
        .unwrap()
        .execution_id
        .clone()
        .unwrap();
    let detail = wait_for(&project, "fast-execute-script", &execution, &["success"]).await;
    let (success, ..) = hosts_of(&detail.execution_result_list.unwrap()[0]);
    assert_eq!(success.len(), 2);
    let mut wrong = body;
    wrong.project_id = "ffffffffffffffffffffffffffffffff".parse().unwrap();
    let (status, body) = error_of(
        project
            .create_fast_execute_script()
            .body(wrong)
            .send()
            .await,
    );
    assert_eq!(status, 400);
    assert!(body.message().unwrap().contains("project_id"));
}
