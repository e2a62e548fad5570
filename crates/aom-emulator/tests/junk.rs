//! No input produces a 5xx or a panic: random bytes, random JSON, mutated valid bodies and
//! random queries and paths, all correctly signed, thrown at every route.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use aom_auth::Credentials;
use aom_emulator::OPERATIONS;
use common::*;
use reqwest::Method;
use serde_json::{Value, json};

/// A tiny deterministic generator (splitmix64).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn string(&mut self) -> String {
        const PIECES: [&str; 14] = [
            "a",
            "Z",
            "0",
            "-",
            "_",
            " ",
            "%",
            "/",
            "é",
            "中",
            "\"",
            "\\",
            "\u{0}",
            "9999999999",
        ];
        let len = match self.below(6) {
            0 => 0,
            1 => 70,
            2 => 130,
            _ => self.below(12),
        };
        (0..len)
            .map(|_| PIECES[self.below(PIECES.len() as u64) as usize])
            .collect()
    }

    fn value(&mut self, depth: u32) -> Value {
        match self.below(if depth > 3 { 6 } else { 9 }) {
            0 => Value::Null,
            1 => json!(self.below(2) == 0),
            2 => json!(self.next() as i64),
            3 => json!(-(self.below(1000) as i64)),
            4 => json!(f64::from(self.below(1000) as u32) / 7.0),
            5 => json!(self.string()),
            6 => Value::Array((0..self.below(4)).map(|_| self.value(depth + 1)).collect()),
            _ => {
                let keys = [
                    "name",
                    "type",
                    "task_type",
                    "input",
                    "page",
                    "size",
                    "sort_field",
                    "sort_type",
                    "page_num",
                    "page_size",
                    "order_by_column",
                    "sort_order",
                    "script_id",
                    "tags",
                    "quote",
                    "emulator",
                    "get_instances",
                    "ecs_id_list",
                    "nodes",
                    "project_id",
                    "ecs_id_list",
                    "rate_control",
                    "max",
                    "timeDelay",
                    "host_seconds",
                ];
                Value::Object(
                    (0..self.below(6))
                        .map(|_| {
                            let key = keys[self.below(keys.len() as u64) as usize].to_owned();
                            (key, self.value(depth + 1))
                        })
                        .collect(),
                )
            }
        }
    }
}

fn valid_bodies(project: &str) -> Vec<Value> {
    vec![
        json!({"name": "junk", "type": "manual", "task_type": "script", "input": {
            "get_instances": {"ecs_id_list": "[\"a\"]"},
            "emulator": {"nodes": ["x", {"id": "p", "pause": true}], "host_seconds": [1, 2]},
            "rate_control": {"max": "1", "timeDelay": "1"}}}),
        json!({"sort_field": "create_time", "sort_type": "ASC", "page": 1, "size": 10}),
        json!({"order_by_column": "name", "sort_order": "ASC", "page_num": 1, "page_size": 10}),
        json!({"script_id": "s", "order_by_column": "name", "sort_order": "DESC", "project_id": project}),
        json!({"script_type": "SHELL", "cmd_user": "root", "script_content": "ls", "ecs_id_list": "a,b",
               "name": "n", "project_id": project}),
    ]
}

/// Replaces one random leaf (or adds a random key) of `value`.
fn mutate(g: &mut Gen, value: &mut Value) {
    match value {
        Value::Object(map) if !map.is_empty() && g.below(4) != 0 => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = &keys[g.below(keys.len() as u64) as usize];
            if let Some(child) = map.get_mut(key) {
                if g.below(2) == 0 {
                    mutate(g, child);
                } else {
                    *child = g.value(2);
                }
            }
        }
        Value::Object(map) => {
            map.insert(g.string(), g.value(2));
        }
        Value::Array(items) if !items.is_empty() => {
            let i = g.below(items.len() as u64) as usize;
            mutate(g, &mut items[i]);
        }
        other => *other = g.value(2),
    }
}

#[tokio::test]
async fn no_input_produces_a_server_error() {
    let emu = builder().time_scale(10_000.0).start().await.unwrap();
    let project = emu.project_client();
    let workflow = create_workflow(
        &project,
        "target",
        json!({"emulator": {"nodes": ["a", {"id": "g", "pause": true}]}}),
    )
    .await;
    let execution = execute(&project, &workflow).await;
    let credentials: Credentials = emu.credentials().into();
    let pid = emu.project_id().to_owned();
    let bodies = valid_bodies(&pid);
    let mut g = Gen(2024);
    let mut sent = 0;
    for op in OPERATIONS {
        let path = op
            .path
            .replace("{project_id}", &pid)
            .replace("{workflow_id}", &workflow)
            .replace("{execution_id}", &execution)
            .replace("{job_id}", "7d3e2f10-8b9c-4a1d-9e2f-3a4b5c6d7e01")
            .replace("{template_id}", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c01");
        let method = Method::from_bytes(op.method.as_bytes()).unwrap();
        for round in 0..30 {
            let body: Vec<u8> = match round % 4 {
                0 => (0..g.below(64)).map(|_| g.next() as u8).collect(),
                1 => serde_json::to_vec(&g.value(0)).unwrap(),
                _ => {
                    let mut body = bodies[g.below(bodies.len() as u64) as usize].clone();
                    for _ in 0..=g.below(3) {
                        mutate(&mut g, &mut body);
                    }
                    serde_json::to_vec(&body).unwrap()
                }
            };
            let query = match g.below(4) {
                0 => String::new(),
                1 => format!(
                    "?action={}&node_id={}",
                    ["restart", "skip", "continue", "x"][g.below(4) as usize],
                    ["a", "g", "", "zz"][g.below(4) as usize]
                ),
                2 => format!(
                    "?share_type={}&x_enterprise_project_id={}",
                    ["public", "private", "", "%FF"][g.below(4) as usize],
                    ["0", ""][g.below(2) as usize]
                ),
                _ => format!("?{}={}", urlencode(&g.string()), urlencode(&g.string())),
            };
            let answer = send(
                &emu,
                method.clone(),
                &format!("{path}{query}"),
                Some(body.clone()),
                Some(&credentials),
            )
            .await;
            sent += 1;
            assert!(
                answer.status.as_u16() < 500,
                "{} {path}{query} with {:?} -> {} {}",
                op.method,
                String::from_utf8_lossy(&body),
                answer.status,
                answer.text()
            );
            if !answer.status.is_success() {
                let error = answer.error();
                assert!(error.code().is_some(), "{}", answer.text());
                assert!(answer.headers.contains_key("x-request-id"));
            }
        }
    }
    // Random path segments on every route shape.
    for _ in 0..100 {
        let segment = urlencode(&g.string());
        let path = match g.below(4) {
            0 => format!("/v1/{pid}/cms/workflow/{segment}/executions"),
            1 => format!("/v1/{pid}/cms/template/{segment}?share_type=public"),
            2 => format!("/v1/{segment}/cms/workflow-list"),
            _ => format!("/v1/{pid}/cms/workflow/{workflow}/executions/{segment}/status"),
        };
        let method =
            [Method::GET, Method::POST, Method::PUT, Method::DELETE][g.below(4) as usize].clone();
        let answer = send(
            &emu,
            method,
            &path,
            Some(b"{}".to_vec()),
            Some(&credentials),
        )
        .await;
        sent += 1;
        assert!(answer.status.as_u16() < 500, "{path}: {}", answer.text());
    }
    assert!(sent > 500);
    // Still healthy.
    detail(&project, &workflow, &execution).await;
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
