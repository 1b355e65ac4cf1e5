//! The two tables: the suite's results (cases down, the demo across,
//! printed by each demo's conformance test) and the README's "Failure
//! handling" table (case, what every demo does, who differs).

use std::fmt::Write;

use crate::Case;
use crate::runner::Verdict;

/// Cases down, the demos of `verdicts` across: `pass`, `pass*` (passes
/// with a documented difference), `FAIL [n]` with the command and what
/// differed listed under the table as `[n]`, or `not run [n]` with why
/// the case could not be set up here.
pub fn results_table(cases: &[Case], verdicts: &[Verdict]) -> String {
    let mut demos: Vec<&str> = Vec::new();
    for v in verdicts {
        if !demos.contains(&v.demo.as_str()) {
            demos.push(&v.demo);
        }
    }
    let width = cases.iter().map(|c| c.name.chars().count()).max();
    let width = width.unwrap_or(0);
    let mut table = format!("{:width$}", "case");
    for name in &demos {
        let _ = write!(table, "  {name:>w$}", w = name.len().max(11));
    }
    table.push('\n');
    let mut notes = String::new();
    let mut count = 0;
    for case in cases {
        let _ = write!(table, "{:width$}", case.name);
        for &name in &demos {
            let verdict = verdicts
                .iter()
                .find(|v| v.case == case.name && v.demo == name);
            let cell = match verdict {
                None => "-".to_owned(),
                Some(v) if v.failed() => {
                    count += 1;
                    let _ = writeln!(
                        notes,
                        "[{count}] FAIL {name} / {}\n    ran: {}\n    {}",
                        case.name,
                        v.command,
                        v.differences.join("\n    ")
                    );
                    format!("FAIL [{count}]")
                }
                Some(v) if v.not_run.is_some() => {
                    count += 1;
                    let why = v.not_run.as_deref().unwrap_or_default();
                    let _ = writeln!(
                        notes,
                        "[{count}] NOT RUN {name} / {}: cannot be set up \
                         here: {why}",
                        case.name
                    );
                    format!("not run [{count}]")
                }
                Some(_) => {
                    if case.differs.iter().any(|(who, _)| *who == name) {
                        "pass*".to_owned()
                    } else {
                        "pass".to_owned()
                    }
                }
            };
            let _ = write!(table, "  {cell:>w$}", w = name.len().max(11));
        }
        table.push('\n');
    }
    for case in cases {
        for (who, why) in case.differs {
            if demos.contains(who) {
                let _ = writeln!(notes, "* {who} / {}: {why}", case.name);
            }
        }
    }
    if !notes.is_empty() {
        table.push('\n');
        table.push_str(&notes);
    }
    table
}

/// The README's table, in Markdown: one row per case.
pub fn readme_table(cases: &[Case]) -> String {
    let mut table = String::from(
        "| Case | What every demo does | Where an approach differs |\n\
         |---|---|---|\n",
    );
    for case in cases {
        let differs = if case.differs.is_empty() {
            "-".to_owned()
        } else {
            case.differs
                .iter()
                .map(|(who, why)| format!("{who}-demo {why}"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let _ =
            writeln!(table, "| {} | {} | {differs} |", case.name, case.does);
    }
    table
}
