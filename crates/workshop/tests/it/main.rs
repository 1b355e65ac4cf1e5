//! The workshop's checks on the READMEs, one test binary:
//! `cargo test -p workshop`.
//!
//! - `slide_map`: the root README's slide map names real files and
//!   commands, and every example is on it;
//! - `readme_commands`: every command in every README names real
//!   packages, examples and files;
//! - `book`: the book's table of contents is the slide map, every row
//!   has its page, and its code is included from the crates;
//! - `line_ends`: every script keeps LF line ends (`.gitattributes`).

mod book;
mod line_ends;
mod readme_commands;
mod slide_map;
