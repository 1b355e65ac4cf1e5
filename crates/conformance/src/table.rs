//! The two tables: the suite's results (cases x approaches, printed by
//! `cargo test -p conformance -- --nocapture`) and the README's "Failure
//! handling" table (case, what every demo does, who differs).

use std::fmt::Write;

use crate::runner::Verdict;
use crate::{ALL, Case};

/// Cases down, approaches across: `pass`, `pass*` (passes with a
/// documented difference), or `FAIL [n]` with the differences listed
/// under the table as `[n]`.
pub fn results_table(cases: &[Case], verdicts: &[Verdict]) -> String {
    let width = cases.iter().map(|c| c.name.chars().count()).max();
    let width = width.unwrap_or(0);
    let mut table = format!("{:width$}", "case");
    for (name, _) in ALL {
        let _ = write!(table, "  {name:>w$}", w = name.len().max(8));
    }
    table.push('\n');
    let mut notes = String::new();
    let mut count = 0;
    for case in cases {
        let _ = write!(table, "{:width$}", case.name);
        for (name, _) in ALL {
            let verdict = verdicts
                .iter()
                .find(|v| v.case == case.name && v.demo == name);
            let cell = match verdict {
                None => "-".to_owned(),
                Some(v) if v.differences.is_empty() => {
                    if case.differs.iter().any(|(who, _)| *who == name) {
                        "pass*".to_owned()
                    } else {
                        "pass".to_owned()
                    }
                }
                Some(v) => {
                    count += 1;
                    let _ = writeln!(
                        notes,
                        "[{count}] {name} / {}:\n    {}",
                        case.name,
                        v.differences.join("\n    ")
                    );
                    format!("FAIL [{count}]")
                }
            };
            let _ = write!(table, "  {cell:>w$}", w = name.len().max(8));
        }
        table.push('\n');
    }
    for case in cases {
        for (who, why) in case.differs {
            let _ = writeln!(notes, "* {who} / {}: {why}", case.name);
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
