//! `--html FILE`: the whole run on one page for the projector, with
//! nothing to fetch: the tables, the comparison charts, the sweep and
//! the timelines, each chart's SVG inlined, the style in the page. It
//! opens from a USB stick or an e-mail as it does from the disk.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};

use crate::bench::Row;
use crate::report;

/// One workload's part of the page.
pub struct Section<'a> {
    /// The table's title line, as the terminal prints it.
    pub title: String,
    /// Its rows, seq first.
    pub rows: Vec<&'a Row>,
    /// The SVG files drawn for it: comparison, sweep, timelines.
    pub charts: Vec<std::path::PathBuf>,
}

/// The page. `heading` says what ran (the command line).
pub fn page(heading: &str, sections: &[Section<'_>]) -> Result<String> {
    let mut page = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Concurrency shootout</title>\n<style>\n\
         body { font-family: sans-serif; margin: 2em; max-width: 1200px; }\n\
         table { border-collapse: collapse; margin: 1em 0; }\n\
         th, td { padding: 0.25em 0.75em; border-bottom: 1px solid #ccc; }\n\
         td { text-align: right; font-variant-numeric: tabular-nums; }\n\
         td:first-child, th:first-child { text-align: left; }\n\
         figure { margin: 1em 0; }\n\
         </style>\n</head>\n<body>\n",
    );
    // ANCHOR: sections
    let _ = writeln!(page, "<h1>Concurrency shootout</h1>");
    let _ = writeln!(page, "<p><code>{}</code></p>", escape(heading));
    for section in sections {
        let _ =
            writeln!(page, "<section>\n<h2>{}</h2>", escape(&section.title));
        let _ = writeln!(page, "<table>\n<thead><tr>");
        for header in report::HEADERS {
            let _ = write!(page, "<th>{}</th>", escape(header));
        }
        let _ = writeln!(page, "</tr></thead>\n<tbody>");
        for row in &section.rows {
            let _ = write!(page, "<tr>");
            for cell in report::cells(row) {
                let _ = write!(page, "<td>{}</td>", escape(&cell));
            }
            let _ = writeln!(page, "</tr>");
            if let Some(note) = &row.note {
                let _ = writeln!(
                    page,
                    "<tr><td colspan=\"9\">{}</td></tr>",
                    escape(note)
                );
            }
        }
        let _ = writeln!(page, "</tbody>\n</table>");
        for chart in &section.charts {
            let _ = writeln!(page, "<figure>{}</figure>", inline_svg(chart)?);
        }
        let _ = writeln!(page, "</section>");
    }
    page.push_str("</body>\n</html>\n");
    // ANCHOR_END: sections
    Ok(page)
}

// ANCHOR: inline
/// An SVG file as an element to paste into HTML: without its XML
/// declaration, which is only allowed at the start of a document.
fn inline_svg(path: &Path) -> Result<String> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading {}", path.display()))?;
    let start = text.find("<svg").with_context(|| {
        format!("{} holds no <svg> element", path.display())
    })?;
    Ok(text[start..].trim_end().to_owned())
}

/// Text as HTML: the five characters that could be read as markup.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
// ANCHOR_END: inline

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn text_cannot_become_markup() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
