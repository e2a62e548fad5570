//! Progress while waiting for an execution: live bars on a terminal (indicatif), one plain line
//! per change anywhere else (pipes, files, CI logs, tests). Both go to stderr, so stdout keeps
//! only the result.

use std::io::IsTerminal as _;
use std::time::Duration;

use aom_workflow::{Execution, NodeStatus};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output::execution::{nodes_line, progress_line};

/// A progress display.
pub struct Progress {
    mode: Mode,
}

enum Mode {
    /// One line per change.
    Plain { last: Option<String> },
    /// A header and one bar per node.
    Bars {
        multi: MultiProgress,
        header: ProgressBar,
        nodes: Vec<(String, ProgressBar)>,
        color: bool,
    },
}

impl Progress {
    /// Bars when stderr is a terminal, plain lines otherwise.
    pub fn new(color: bool) -> Self {
        if std::io::stderr().is_terminal() {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            let header = multi.add(ProgressBar::new_spinner());
            header.set_style(style(
                if color {
                    "{spinner:.cyan} {msg} [{elapsed}]"
                } else {
                    "{spinner} {msg} [{elapsed}]"
                },
                ProgressStyle::default_spinner(),
            ));
            header.set_message("starting");
            header.enable_steady_tick(Duration::from_millis(100));
            Self {
                mode: Mode::Bars {
                    multi,
                    header,
                    nodes: Vec::new(),
                    color,
                },
            }
        } else {
            Self::plain()
        }
    }

    /// Plain lines whatever stderr is.
    pub fn plain() -> Self {
        Self {
            mode: Mode::Plain { last: None },
        }
    }

    /// Shows a new snapshot.
    pub fn update(&mut self, e: &Execution) {
        match &mut self.mode {
            Mode::Plain { last } => {
                let line = progress_line(e);
                if last.as_deref() != Some(line.as_str()) {
                    eprintln!("{line}");
                    *last = Some(line);
                }
            }
            Mode::Bars {
                multi,
                header,
                nodes,
                color,
            } => {
                header.set_message(format!("{}: {}", e.status, nodes_line(e)));
                for n in &e.nodes {
                    let bar = match nodes.iter().find(|(id, _)| *id == n.node_id) {
                        Some((_, bar)) => bar.clone(),
                        None => {
                            let bar = multi.add(ProgressBar::new(0));
                            bar.set_style(style(
                                if *color {
                                    "{prefix:>16.bold} [{bar:30.green/blue}] {pos}/{len} {msg}"
                                } else {
                                    "{prefix:>16} [{bar:30}] {pos}/{len} {msg}"
                                },
                                ProgressStyle::default_bar(),
                            ));
                            bar.set_prefix(n.node_id.clone());
                            nodes.push((n.node_id.clone(), bar.clone()));
                            bar
                        }
                    };
                    let h = n.hosts.as_ref().map(|h| h.counts()).unwrap_or_default();
                    bar.set_length(h.total() as u64);
                    bar.set_position((h.success + h.fail) as u64);
                    bar.set_message(format!(
                        "{}: {} done, {} failed, {} running",
                        n.status, h.success, h.fail, h.in_execution
                    ));
                    if n.status.is_terminal() == Some(true) && n.status != NodeStatus::Pausing {
                        bar.finish();
                    }
                }
            }
        }
    }

    /// Stops the display, leaving its last state on screen.
    pub fn finish(&mut self) {
        if let Mode::Bars { header, nodes, .. } = &mut self.mode {
            header.finish();
            for (_, bar) in nodes.iter() {
                bar.finish();
            }
        }
    }
}

fn style(template: &str, fallback: ProgressStyle) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .map(|s| s.progress_chars("=> "))
        .unwrap_or(fallback)
}
