//! The fake ECS inventory the executions run on.
//!
//! Entries are [`HostResult`]s with only the inventory fields set (`id`, `name`, `ip`,
//! `fixed_ip_list`, `floating_ip_List`, `availability_zone`, `vpc_id`, `enterprise_project_id`,
//! `charging_mode`, `current_project`, `os_type`, `agent_state`, `instance_status`, `tags`); the
//! engine fills in the result fields per run.
//!
//! The built-in inventory has 30 hosts named `ecs-<role>-<nn>` over three availability zones.
//! Their ids do not depend on the seed, so scripts can name them. Hosts 28 and 29
//! (`ecs-monitor-03`, `ecs-bastion-03`) have their UniAgent `OFFLINE` and host 30
//! (`ecs-build-03`) is `SHUTOFF`: a run that targets them fails on them.

use std::collections::HashMap;

use aom_api::types::HostResult;

use super::Target;
use crate::rng::Rng;

/// How many hosts a workflow that names none runs on: the first ones that can run tasks.
pub const DEFAULT_TARGETS: usize = 3;

const ROLES: [&str; 10] = [
    "web", "app", "api", "db", "cache", "mq", "batch", "monitor", "bastion", "build",
];

/// The hosts executions can target.
#[derive(Debug, Clone)]
pub struct Inventory {
    hosts: Vec<HostResult>,
    by_id: HashMap<String, usize>,
}

impl Inventory {
    /// The built-in inventory of 30 hosts.
    pub fn builtin() -> Self {
        let mut hosts = Vec::with_capacity(30);
        let mut ids = Rng::from_parts(&[0xEC5, 0x1D5]);
        let vpc = Rng::from_parts(&[0x0B9C]).uuid();
        for i in 0..30usize {
            let role = ROLES[i % ROLES.len()];
            let number = i / ROLES.len() + 1;
            let zone = ["a", "b", "c"][i % 3];
            let ip = format!("192.168.{}.{}", i % 3, 10 + i);
            let public = matches!(role, "web" | "api" | "bastion");
            let (agent, status) = match i {
                27 | 28 => ("OFFLINE", "ACTIVE"),
                29 => ("OFFLINE", "SHUTOFF"),
                _ => ("ONLINE", "ACTIVE"),
            };
            hosts.push(HostResult {
                id: Some(ids.uuid()),
                name: Some(format!("ecs-{role}-{number:02}")),
                ip: Some(ip.clone()),
                fixed_ip_list: Some(vec![ip]),
                floating_ip_list: Some(if public {
                    vec![format!("203.0.113.{}", 10 + i)]
                } else {
                    Vec::new()
                }),
                availability_zone: Some(format!("cn-north-4{zone}")),
                vpc_id: Some(vpc.clone()),
                enterprise_project_id: Some("0".into()),
                charging_mode: Some("0".into()),
                current_project: Some(true),
                os_type: Some(if role == "build" { "Windows" } else { "Linux" }.into()),
                agent_state: Some(agent.into()),
                instance_status: Some(status.into()),
                tags: Some(Vec::new()),
                ..HostResult::default()
            });
        }
        // Built from distinct ids: cannot fail.
        Self::from_hosts(hosts).unwrap_or_else(|_| Self::empty())
    }

    /// An inventory with no hosts.
    pub fn empty() -> Self {
        Self {
            hosts: Vec::new(),
            by_id: HashMap::new(),
        }
    }

    /// An inventory of `hosts`; every host needs a unique, non-empty `id`.
    ///
    /// # Errors
    /// A message naming the offending entry.
    pub fn from_hosts(hosts: Vec<HostResult>) -> Result<Self, String> {
        let mut by_id = HashMap::with_capacity(hosts.len());
        for (index, host) in hosts.iter().enumerate() {
            let id = host.id.as_deref().unwrap_or_default();
            if id.is_empty() {
                return Err(format!("hosts[{index}] has no id"));
            }
            if by_id.insert(id.to_owned(), index).is_some() {
                return Err(format!("hosts[{index}]: duplicate id {id:?}"));
            }
        }
        Ok(Self { hosts, by_id })
    }

    /// Every host, in inventory order.
    pub fn hosts(&self) -> &[HostResult] {
        &self.hosts
    }

    /// The host with `id`.
    pub fn get(&self, id: &str) -> Option<&HostResult> {
        self.by_id.get(id).and_then(|&i| self.hosts.get(i))
    }

    /// The targets of an execution: the hosts named by `ids` (an unknown id becomes
    /// [`Target::Missing`]), or the default targets when `ids` is `None`.
    pub fn resolve(&self, ids: Option<&[String]>) -> Vec<Target> {
        match ids {
            Some(ids) => ids
                .iter()
                .map(|id| {
                    self.get(id).map_or_else(
                        || Target::Missing(id.clone()),
                        |h| Target::Host(Box::new(h.clone())),
                    )
                })
                .collect(),
            None => self
                .default_targets()
                .into_iter()
                .map(|h| Target::Host(Box::new(h)))
                .collect(),
        }
    }

    /// The hosts a workflow that names none runs on: the first [`DEFAULT_TARGETS`] hosts that
    /// can run tasks.
    pub fn default_targets(&self) -> Vec<HostResult> {
        self.hosts
            .iter()
            .filter(|h| unreachable_reason(h).is_none())
            .take(DEFAULT_TARGETS)
            .cloned()
            .collect()
    }
}

/// Why a task cannot run on `host` (agent not `ONLINE`, instance not `ACTIVE`), if it cannot.
pub fn unreachable_reason(host: &HostResult) -> Option<String> {
    let name = host.name.as_deref().unwrap_or_default();
    let id = host.id.as_deref().unwrap_or_default();
    let status = host.instance_status.as_deref().unwrap_or("ACTIVE");
    if !status.eq_ignore_ascii_case("ACTIVE") {
        return Some(format!("the ECS instance {name} ({id}) is {status}"));
    }
    let agent = host.agent_state.as_deref().unwrap_or("ONLINE");
    if !agent.eq_ignore_ascii_case("ONLINE") {
        return Some(format!("the UniAgent on {name} ({id}) is {agent}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_inventory_is_stable_and_mixed() {
        let a = Inventory::builtin();
        let b = Inventory::builtin();
        assert_eq!(a.hosts().len(), 30);
        assert_eq!(a.hosts(), b.hosts());
        let unreachable = a
            .hosts()
            .iter()
            .filter(|h| unreachable_reason(h).is_some())
            .count();
        assert_eq!(unreachable, 3);
        assert_eq!(a.default_targets().len(), DEFAULT_TARGETS);
        let first = a.hosts()[0].id.clone().unwrap();
        assert!(a.get(&first).is_some());
        assert!(Inventory::from_hosts(vec![HostResult::default()]).is_err());
    }
}
