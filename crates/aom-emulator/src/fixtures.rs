//! Sample data: jobs, scripts, script versions, templates and the ECS inventory.
//!
//! The built-in set ([`Fixtures::builtin`]) has 3 jobs, 4 templates (2 public, 2 private; the
//! `canary-release` template has a pause node), 3 scripts with 7 versions and 30 hosts. Print it
//! with `aom-emulator --dump-fixtures`.
//!
//! A fixtures file is a JSON object with any of the keys `jobs`, `scripts`, `versions`,
//! `templates` and `hosts`, each an array of the API's own models (`Job`, `Script`,
//! `ScriptVersion`, `Template`, and `HostResult` with only the inventory fields for hosts). A key
//! that is present replaces that built-in collection; an absent key keeps it. Every element
//! needs a unique `id` (`version_id` for versions); `project_id` is filled in with the
//! emulator's project where missing. Unknown top-level keys are refused.

use std::collections::HashSet;
use std::path::Path;

use aom_api::types::{HostResult, Job, Script, ScriptVersion, Template};
use serde::{Deserialize, Serialize};

use crate::engine::hosts::Inventory;
use crate::error::EmulatorError;

const BUILTIN: &str = include_str!("fixtures/builtin.json");

/// Sample data; `None` collections fall back to the built-in ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixtures {
    /// Jobs (ListAllJobByName).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jobs: Option<Vec<Job>>,
    /// Scripts (ListAllScriptByName).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scripts: Option<Vec<Script>>,
    /// Script versions (ListAllVersionByVersionId), linked to scripts by `script_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<ScriptVersion>>,
    /// Templates (ListTemplateByJobId, SearchTemplateById), linked to jobs by `job_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templates: Option<Vec<Template>>,
    /// The ECS inventory executions run on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosts: Option<Vec<HostResult>>,
}

impl Fixtures {
    /// The built-in sample data, every collection present.
    pub fn builtin() -> Self {
        // The embedded file is checked by a unit test; an unreadable one degrades to empty
        // collections rather than a panic.
        let mut fixtures: Self = serde_json::from_str(BUILTIN).unwrap_or_default();
        fixtures.hosts = Some(Inventory::builtin().hosts().to_vec());
        fixtures
    }

    /// Parses a fixtures document.
    ///
    /// # Errors
    /// [`EmulatorError::Fixtures`] naming the problem.
    pub fn from_json(text: &str) -> Result<Self, EmulatorError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de)
            .map_err(|e| EmulatorError::Fixtures(format!("{}: {}", e.path(), e.inner())))
    }

    /// Reads a fixtures file.
    ///
    /// # Errors
    /// [`EmulatorError::Fixtures`] when it cannot be read or parsed.
    pub fn load(path: &Path) -> Result<Self, EmulatorError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| EmulatorError::Fixtures(format!("{}: {e}", path.display())))?;
        Self::from_json(&text)
            .map_err(|e| EmulatorError::Fixtures(format!("{}: {e}", path.display())))
    }

    /// These collections, with the built-in ones where `None`.
    pub fn or_builtin(self) -> Self {
        let builtin = Self::builtin();
        Self {
            jobs: self.jobs.or(builtin.jobs),
            scripts: self.scripts.or(builtin.scripts),
            versions: self.versions.or(builtin.versions),
            templates: self.templates.or(builtin.templates),
            hosts: self.hosts.or(builtin.hosts),
        }
    }
}

/// The resolved sample data the API serves.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// Jobs.
    pub jobs: Vec<Job>,
    /// Scripts.
    pub scripts: Vec<Script>,
    /// Script versions.
    pub versions: Vec<ScriptVersion>,
    /// Templates.
    pub templates: Vec<Template>,
    /// Hosts.
    pub inventory: Inventory,
}

impl Catalog {
    /// Resolves `fixtures` (built-ins where absent) for `project_id`.
    ///
    /// # Errors
    /// [`EmulatorError::Fixtures`] for a missing or duplicate id.
    pub fn new(fixtures: Fixtures, project_id: &str) -> Result<Self, EmulatorError> {
        let f = fixtures.or_builtin();
        let mut jobs = f.jobs.unwrap_or_default();
        let mut scripts = f.scripts.unwrap_or_default();
        let mut versions = f.versions.unwrap_or_default();
        let mut templates = f.templates.unwrap_or_default();
        unique_ids("jobs", jobs.iter().map(|j| j.id.as_deref()))?;
        unique_ids("scripts", scripts.iter().map(|s| s.id.as_deref()))?;
        unique_ids("versions", versions.iter().map(|v| v.version_id.as_deref()))?;
        unique_ids("templates", templates.iter().map(|t| t.id.as_deref()))?;
        let fill = |p: &mut Option<String>| {
            p.get_or_insert_with(|| project_id.to_owned());
        };
        jobs.iter_mut().for_each(|j| {
            fill(&mut j.project_id);
            if let Some(info) = j.approve_info.as_mut()
                && let Some(urns) = info.smn_urn_list.as_mut()
            {
                *urns = urns.replace("{project}", project_id);
            }
        });
        scripts.iter_mut().for_each(|s| fill(&mut s.project_id));
        versions.iter_mut().for_each(|v| fill(&mut v.project_id));
        templates.iter_mut().for_each(|t| fill(&mut t.project_id));
        let inventory =
            Inventory::from_hosts(f.hosts.unwrap_or_default()).map_err(EmulatorError::Fixtures)?;
        Ok(Self {
            jobs,
            scripts,
            versions,
            templates,
            inventory,
        })
    }
}

fn unique_ids<'a>(
    what: &str,
    ids: impl Iterator<Item = Option<&'a str>>,
) -> Result<(), EmulatorError> {
    let mut seen = HashSet::new();
    for (index, id) in ids.enumerate() {
        match id {
            Some(id) if !id.is_empty() => {
                if !seen.insert(id) {
                    return Err(EmulatorError::Fixtures(format!(
                        "{what}[{index}]: duplicate id {id:?}"
                    )));
                }
            }
            _ => {
                return Err(EmulatorError::Fixtures(format!(
                    "{what}[{index}] has no id"
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_file_parses_and_covers_every_list() {
        let f: Fixtures = serde_json::from_str(BUILTIN).unwrap();
        let catalog = Catalog::new(f, "0123456789abcdef0123456789abcdef").unwrap();
        assert!(catalog.jobs.len() >= 2);
        assert!(catalog.scripts.len() >= 2);
        for script in &catalog.scripts {
            let n = catalog
                .versions
                .iter()
                .filter(|v| v.script_id == script.id)
                .count();
            assert!(n >= 2, "{:?}", script.name);
        }
        for job in &catalog.jobs {
            assert!(
                catalog.templates.iter().any(|t| t.job_id == job.id),
                "{:?}",
                job.name
            );
        }
        assert_eq!(catalog.inventory.hosts().len(), 30);
        assert!(catalog.jobs.iter().all(|j| j.project_id.is_some()));
    }

    #[test]
    fn a_partial_file_keeps_the_other_builtins() {
        let f = Fixtures::from_json(r#"{"hosts":[{"id":"h-1","name":"one"}]}"#).unwrap();
        let catalog = Catalog::new(f, "p").unwrap();
        assert_eq!(catalog.inventory.hosts().len(), 1);
        assert!(!catalog.jobs.is_empty());
        assert!(Fixtures::from_json(r#"{"hostz":[]}"#).is_err());
        let dup = Fixtures::from_json(r#"{"jobs":[{"id":"a","name":"x"},{"id":"a","name":"y"}]}"#)
            .unwrap();
        assert!(Catalog::new(dup, "p").is_err());
    }
}
