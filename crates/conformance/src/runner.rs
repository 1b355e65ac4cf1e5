//! Runs one case against one demo binary and lists what differed from the
//! case's expectations. Part of the conformance suite
//! (`cargo test -p conformance`).
//!
//! Each run gets its own demo server (so the server's counters are the
//! run's own) and its own scratch folder. The demo's output goes to files,
//! not pipes, so nothing can block on a full pipe, and every wait has a
//! deadline: a hung demo is a difference in the table, not a hung test.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::thread::sleep;
use std::time::{Duration, Instant};

use demo_server::{Background, Stats};

use crate::{Case, Demo, Env, Expect, Line, Plan, Saved, Summary, UrlFile};

/// No run may take longer than this (the 10,000-URL case in debug builds
/// on a busy 2-core machine included).
const RUN_LIMIT: Duration = Duration::from_secs(180);

/// How long after SIGINT a demo may take to exit: "promptly", with a
/// margin for a loaded machine. The request it leaves behind takes 60 s.
const PROMPT: Duration = Duration::from_secs(10);

/// After the files a SIGINT waits for have appeared: time for the demo to
/// record them (a few microseconds after the rename; this is a margin).
const SETTLE: Duration = Duration::from_millis(500);

/// What one run produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Exit code; `None` if a signal ended it.
    pub code: Option<i32>,
    /// Everything on stdout.
    pub stdout: String,
    /// Everything on stderr.
    pub stderr: String,
    /// The files in `--out` by name, or `None` if there is no such folder.
    pub files: Option<BTreeMap<String, Vec<u8>>>,
    /// The demo server's counters after the run.
    pub stats: Stats,
    /// Processes the demo started that outlived it (interrupt case).
    pub survivors: Vec<u32>,
    /// Entries of the scratch folder besides the URL file and `--out`:
    /// something written outside the output folder.
    pub stray: Vec<String>,
    /// Problems of the run itself (timeouts), already differences.
    pub problems: Vec<String>,
}

impl Outcome {
    /// The counts of the summary line, if stdout is one.
    pub fn summary(&self, package: &str) -> Option<Counts> {
        let mut lines = self.stdout.lines();
        let line = lines.next()?;
        if lines.next().is_some() {
            return None;
        }
        Counts::parse(line, package)
    }

    /// The error lines on stderr, without `<package>: error: `.
    pub fn errors<'a>(&'a self, package: &str) -> Vec<&'a str> {
        let prefix = format!("{package}: error: ");
        self.stderr
            .lines()
            .filter_map(|l| l.strip_prefix(prefix.as_str()))
            .collect()
    }
}

/// The numbers of a summary line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    /// Items done.
    pub ok: usize,
    /// All items.
    pub total: usize,
    /// Items failed.
    pub failed: usize,
    /// Items left by an interrupt.
    pub unfinished: Option<usize>,
}

impl Counts {
    /// Reads `<package>: 3/6 URLs, ..., 3 failed[, 1 unfinished
    /// (interrupted)]`.
    fn parse(line: &str, package: &str) -> Option<Counts> {
        let rest = line.strip_prefix(package)?.strip_prefix(": ")?;
        let (ok, rest) = rest.split_once('/')?;
        let (total, rest) = rest.split_once(' ')?;
        let mut parts = rest.rsplit(", ");
        let last = parts.next()?;
        let (failed, unfinished) =
            match last.strip_suffix(" unfinished (interrupted)") {
                Some(n) => (parts.next()?, Some(n.parse().ok()?)),
                None => (last, None),
            };
        Some(Counts {
            ok: ok.parse().ok()?,
            total: total.parse().ok()?,
            failed: failed.strip_suffix(" failed")?.parse().ok()?,
            unfinished,
        })
    }
}

/// The result of one case on one demo.
#[derive(Debug)]
pub struct Verdict {
    /// The case's name.
    pub case: &'static str,
    /// The demo's short name.
    pub demo: String,
    /// The command that ran (or would have run) the demo.
    pub command: String,
    /// What differed from the expectations, in "saw X, want Y" form;
    /// empty means it passed. A case whose setup failed has one entry
    /// saying so.
    pub differences: Vec<String>,
    /// Why the case could not be set up here, if it could not (say, no
    /// other user can reach the scratch folder): the table shows it, and
    /// it is neither a pass nor a failure.
    pub not_run: Option<String>,
}

impl Verdict {
    /// Something differed from the case's expectations.
    pub fn failed(&self) -> bool {
        !self.differences.is_empty()
    }
}

/// Runs `case` against `demo` and compares. Never panics: a case whose
/// setup or run panics (a folder it cannot create, a port it cannot bind)
/// is a failed verdict that says so, so the other cases still run.
pub fn run_case(case: &Case, demo: &Demo) -> Verdict {
    let mut verdict = Verdict {
        case: case.name,
        demo: demo.name.clone(),
        command: format!("{} (not started)", demo.binary.display()),
        differences: Vec::new(),
        not_run: None,
    };
    let run = panic::catch_unwind(AssertUnwindSafe(|| {
        run_case_inner(case, demo, &mut verdict)
    }));
    if let Err(payload) = run {
        let why = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("(no message)");
        verdict
            .differences
            .push(format!("the case itself failed: {why}"));
    }
    verdict
}

fn run_case_inner(case: &Case, demo: &Demo, verdict: &mut Verdict) {
    let server = Background::start((case.server)())
        .expect("the demo server can bind a loopback port");
    let scratch = tempfile::tempdir().expect("can create a temp folder");
    let logs = tempfile::tempdir().expect("can create a temp folder");
    let env = Env {
        package: demo.package.clone(),
        base: server.base_url(),
        dir: scratch.path().to_owned(),
        reset: OnceLock::new(),
    };
    let plan = (case.plan)(&env);
    write_url_file(&env, &plan);
    // Who runs which program: the demo as built, unless the case needs
    // another user (see `locked_out`).
    let runner = if plan.as_nobody {
        locked_out(demo, &env, &plan)
    } else {
        Ok(Runner::plain(demo))
    };
    let runner = runner.unwrap_or_else(|why| {
        verdict.not_run = Some(why);
        Runner::plain(demo)
    });
    // SIGINT is a Unix signal; Windows' Ctrl-C is a console event that a
    // test cannot send to one child alone.
    if cfg!(not(unix)) && plan.interrupt.is_some() {
        verdict.not_run = Some("the interrupt case sends SIGINT (Unix)".into());
    }
    let mut command = runner.command();
    command
        .arg("--urls")
        .arg(env.url_file())
        .arg("--out")
        .arg(&plan.out)
        .args(&plan.args)
        .args(&demo.args);
    verdict.command = describe(&command);
    if verdict.not_run.is_none() {
        let outcome = execute(command, &env, &plan, &server, logs.path());
        verdict.differences = compare(&demo.package, &plan, &outcome);
    }
    // Permissions a case took away (the not-writable folder) are given
    // back, so that the scratch folder can be deleted.
    restore_permissions(scratch.path());
}

/// The command as a line to paste into a shell (the environment aside).
fn describe(command: &Command) -> String {
    let quote = |s: &std::ffi::OsStr| {
        let s = s.to_string_lossy();
        if !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "/._-=:,".contains(c))
        {
            s.into_owned()
        } else {
            format!("'{}'", s.replace('\'', "'\\''"))
        }
    };
    let mut line = quote(command.get_program());
    for arg in command.get_args() {
        line.push(' ');
        line.push_str(&quote(arg));
    }
    line
}

fn write_url_file(env: &Env, plan: &Plan) {
    let url_file = env.url_file();
    match &plan.urls {
        UrlFile::Lines(lines) => {
            let mut text = lines.join("\n");
            text.push('\n');
            fs::write(&url_file, text).expect("can write the URL file");
        }
        UrlFile::Bytes(bytes) => {
            fs::write(&url_file, bytes).expect("can write the URL file");
        }
        UrlFile::Missing => {}
    }
}

/// Runs the demo (interrupting it if the plan says so) and collects what
/// it left behind.
fn execute(
    mut command: Command,
    env: &Env,
    plan: &Plan,
    server: &Background,
    logs: &Path,
) -> Outcome {
    let stdout_path = logs.join("stdout");
    let stderr_path = logs.join("stderr");
    command
        .stdin(Stdio::null())
        .stdout(File::create(&stdout_path).expect("can create a log file"))
        .stderr(File::create(&stderr_path).expect("can create a log file"));
    let mut outcome = Outcome::default();
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            outcome
                .problems
                .push(format!("the demo did not start: {e}"));
            return outcome;
        }
    };

    let status = match &plan.interrupt {
        None => wait(&mut child, RUN_LIMIT),
        Some(when) => interrupt(&mut child, when, server, &mut outcome),
    };
    match status {
        Some(status) => outcome.code = status.code(),
        None => {
            outcome.problems.push(format!(
                "still running after {} s; killed",
                RUN_LIMIT.as_secs()
            ));
            let _ = child.kill();
            let _ = child.wait();
        }
    }
    outcome.stdout = read_lossy(&stdout_path);
    outcome.stderr = read_lossy(&stderr_path);
    outcome.stats = server.stats();
    outcome.files = read_folder(&plan.out);
    outcome.stray = stray_entries(&env.dir, &plan.out, &plan.urls);
    outcome
}

/// Waits for `child` at most `limit`; `None` if it is still running.
fn wait(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => {
                sleep(Duration::from_millis(10));
            }
            _ => return None,
        }
    }
}

/// Waits until the run is where the plan wants it, sends SIGINT, and
/// waits (at most [`PROMPT`]) for the demo to exit. Records the demo's
/// child processes that survive it.
fn interrupt(
    child: &mut Child,
    when: &crate::Interrupt,
    server: &Background,
    outcome: &mut Outcome,
) -> Option<ExitStatus> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let stats = server.stats();
        let ready = when.after_files.iter().all(|f| f.exists())
            && stats.requests >= when.requests
            && stats.in_flight >= 1;
        if ready {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            outcome.problems.push("exited before the interrupt".into());
            return Some(status);
        }
        if Instant::now() > deadline {
            outcome
                .problems
                .push("never reached the interrupt point".into());
            return None;
        }
        sleep(Duration::from_millis(20));
    }
    sleep(SETTLE);
    let children = children_of(child.id()).unwrap_or_else(|why| {
        outcome.problems.push(why);
        Vec::new()
    });
    send_sigint(child.id());
    let status = wait(child, PROMPT);
    if status.is_none() {
        outcome
            .problems
            .push(format!("still running {} s after SIGINT", PROMPT.as_secs()));
    }
    outcome.survivors =
        children.into_iter().filter(|&pid| alive(pid)).collect();
    status
}

#[cfg(unix)]
fn send_sigint(pid: u32) {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    let pid = Pid::from_raw(i32::try_from(pid).expect("pids fit an i32"));
    // Err: it already exited, which the wait that follows shows.
    let _ = kill(pid, Signal::SIGINT);
}

#[cfg(not(unix))]
fn send_sigint(_pid: u32) {
    unreachable!("off Unix the interrupt case is not run (run_case_inner)");
}

/// The pids whose parent is `parent`. Linux lists processes in /proc;
/// other Unixes (macOS) have no /proc, so there POSIX `ps` is asked.
/// An error says the check cannot be made, so it never passes unseen.
#[cfg(target_os = "linux")]
fn children_of(parent: u32) -> Result<Vec<u32>, String> {
    let entries = fs::read_dir("/proc").map_err(|e| {
        format!("cannot list the demo's children in /proc: {e}")
    })?;
    Ok(entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = fs::read_to_string(format!("/proc/{pid}/stat"));
            // "pid (comm) state ppid ...": comm may hold spaces, so read
            // after the last ')'.
            stat.ok()
                .and_then(|s| {
                    let fields = s.rsplit_once(')')?.1.to_owned();
                    fields.split_whitespace().nth(1)?.parse::<u32>().ok()
                })
                .is_some_and(|ppid| ppid == parent)
        })
        .collect())
}

#[cfg(all(unix, not(target_os = "linux")))]
fn children_of(parent: u32) -> Result<Vec<u32>, String> {
    let output = Command::new("ps")
        .args(["-A", "-o", "pid=", "-o", "ppid="])
        .output()
        .map_err(|e| {
            format!("cannot run `ps` to list the demo's children: {e}")
        })?;
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace().map(str::parse::<u32>);
            let (pid, ppid) = (fields.next()?.ok()?, fields.next()?.ok()?);
            (ppid == parent).then_some(pid)
        })
        .collect())
}

#[cfg(not(unix))]
fn children_of(_parent: u32) -> Result<Vec<u32>, String> {
    Err("the interrupt case needs unix signals".into())
}

/// The process `pid` still exists (running, or a zombie not yet reaped).
#[cfg(unix)]
fn alive(pid: u32) -> bool {
    use nix::sys::signal::kill;
    use nix::unistd::Pid;
    i32::try_from(pid).is_ok_and(|pid| kill(Pid::from_raw(pid), None).is_ok())
}

#[cfg(not(unix))]
fn alive(_pid: u32) -> bool {
    false
}

/// The program a case runs, and as whom.
struct Runner {
    program: PathBuf,
    /// Run as user `nobody` (uid and gid 65534); Unix only.
    #[cfg_attr(not(unix), allow(dead_code))]
    nobody: bool,
    /// The folder of a copy of the binary, deleted with the runner.
    _copy: Option<tempfile::TempDir>,
}

impl Runner {
    /// The demo as cargo built it, as this user.
    fn plain(demo: &Demo) -> Runner {
        Runner {
            program: demo.binary.clone(),
            nobody: false,
            _copy: None,
        }
    }

    fn command(&self) -> Command {
        #[cfg_attr(not(unix), allow(unused_mut))]
        let mut command = testkit::command(&self.program);
        #[cfg(unix)]
        if self.nobody {
            use std::os::unix::process::CommandExt;
            command.uid(65534).gid(65534);
        }
        command
    }
}

/// Sets up the "not writable" case so that it means the same for any
/// user: the output folder has mode 0555, and the demo must be refused.
/// Returns who runs which program.
///
/// Root may write into any folder, so as root the demo runs as `nobody`.
/// The checkout may be somewhere `nobody` cannot enter (a 0700 home, a
/// `mktemp -d`): then it runs a copy of the binary in a fresh folder of
/// the temp folder. The scratch folder and URL file are opened to
/// `nobody` too. Or says why the case cannot be set up here: a folder on
/// the way that `nobody` cannot enter, a noexec temp folder, or a user who
/// can write into a 0555 folder anyway.
#[cfg(unix)]
fn locked_out(demo: &Demo, env: &Env, plan: &Plan) -> Result<Runner, String> {
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::fs::PermissionsExt;

    // The scratch folder is this process's own: its owner is who we are.
    let root = fs::metadata(&env.dir).is_ok_and(|m| m.uid() == 0);
    if !root {
        // A normal user: the folder's mode is enough, if it holds.
        let probe = plan.out.join(".can-i-write");
        return match File::create(&probe) {
            Ok(_) => {
                let _ = fs::remove_file(&probe);
                Err(format!(
                    "this user can write into {} despite mode 0555",
                    plan.out.display()
                ))
            }
            Err(_) => Ok(Runner::plain(demo)),
        };
    }
    let open = |path: &Path, mode| {
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
            .map_err(|e| format!("cannot chmod {}: {e}", path.display()))
    };
    open(&env.dir, 0o755)?;
    if env.url_file().exists() {
        open(&env.url_file(), 0o644)?;
    }
    if let Some(closed) = closed_to_others(&env.dir) {
        return Err(unreachable(&closed, &env.dir));
    }
    // The binary as cargo built it, if `nobody` can reach it; else a copy
    // in a fresh folder of the temp folder (which must let it run).
    let reachable = demo
        .binary
        .parent()
        .is_some_and(|dir| closed_to_others(dir).is_none())
        && fs::metadata(&demo.binary)
            .is_ok_and(|m| m.permissions().mode() & 0o001 != 0);
    let (program, held) = if reachable {
        (demo.binary.clone(), None)
    } else {
        let bin_dir = tempfile::tempdir()
            .map_err(|e| format!("cannot create a temp folder: {e}"))?;
        open(bin_dir.path(), 0o755)?;
        if let Some(closed) = closed_to_others(bin_dir.path()) {
            return Err(unreachable(&closed, bin_dir.path()));
        }
        if noexec(bin_dir.path()) {
            return Err(format!(
                "{} is not reachable by user nobody, and the temp folder \
                 {} is on a noexec file system, so a copy cannot run either",
                demo.binary.display(),
                bin_dir.path().display()
            ));
        }
        let copy = bin_dir.path().join(&demo.package);
        copy_program(&demo.binary, &copy)?;
        open(&copy, 0o755)?;
        (copy, Some(bin_dir))
    };
    Ok(Runner {
        program,
        nobody: true,
        _copy: held,
    })
}

/// `dir` is on a file system mounted noexec (Linux's `ST_NOEXEC`; other
/// Unixes' statvfs has no such flag, and a copy that cannot run there
/// fails its case with the reason).
#[cfg(target_os = "linux")]
fn noexec(dir: &Path) -> bool {
    use nix::sys::statvfs::{FsFlags, statvfs};
    statvfs(dir).is_ok_and(|fs| fs.flags().contains(FsFlags::ST_NOEXEC))
}

#[cfg(all(unix, not(target_os = "linux")))]
fn noexec(_dir: &Path) -> bool {
    false
}

/// Copies the program `from` to `to` with `cp`, not `fs::copy`.
///
/// This process has many threads, and other tests start programs from
/// them at any moment. A file this process has open for writing is open
/// in every child forked before the child's exec closes it, and while
/// any process holds a program open for writing, the kernel refuses to
/// run it (`Text file busy`): that was seen once in a cold run of the
/// whole suite. `cp` writes the file in a process of its own, so when it
/// has exited, nobody holds it open.
#[cfg(unix)]
fn copy_program(from: &Path, to: &Path) -> Result<(), String> {
    let what = format!("cp {} {}", from.display(), to.display());
    match Command::new("cp").arg(from).arg(to).status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("`{what}` failed: {status}")),
        Err(e) => Err(format!("cannot run `{what}`: {e}")),
    }
}

/// Why `nobody` cannot run the case: `closed` on the way to `dir`.
#[cfg(unix)]
fn unreachable(closed: &Path, dir: &Path) -> String {
    format!(
        "user nobody cannot enter {} (no x for others), so cannot reach {}",
        closed.display(),
        dir.display()
    )
}

#[cfg(not(unix))]
fn locked_out(
    _demo: &Demo,
    _env: &Env,
    _plan: &Plan,
) -> Result<Runner, String> {
    Err("a read-only folder is a unix mode here".into())
}

/// The first folder from `/` down to `dir` that other users may not
/// enter, if any.
#[cfg(unix)]
fn closed_to_others(dir: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let dir = fs::canonicalize(dir).ok()?;
    dir.ancestors()
        .filter(|a| {
            fs::metadata(a).is_ok_and(|m| m.permissions().mode() & 0o001 == 0)
        })
        .last()
        .map(Path::to_owned)
}

/// Makes every folder under `dir` writable again (Unix modes; elsewhere
/// nothing was made read-only).
#[cfg_attr(not(unix), allow(unused_variables))]
fn restore_permissions(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                let mode = fs::Permissions::from_mode(0o755);
                let _ = fs::set_permissions(&path, mode);
                restore_permissions(&path);
            }
        }
    }
}

fn read_lossy(path: &Path) -> String {
    String::from_utf8_lossy(&fs::read(path).unwrap_or_default()).into_owned()
}

/// Every file of `dir` with its bytes, or `None` if `dir` is not a folder.
fn read_folder(dir: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    if !dir.is_dir() {
        return None;
    }
    let entries = fs::read_dir(dir).ok()?;
    Some(
        entries
            .flatten()
            .map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                (name, fs::read(e.path()).unwrap_or_default())
            })
            .collect(),
    )
}

/// Entries of the scratch folder other than the URL file and the output
/// folder (or the first folder on the way to it).
fn stray_entries(dir: &Path, out: &Path, urls: &UrlFile) -> Vec<String> {
    let out_top = out
        .strip_prefix(dir)
        .ok()
        .and_then(|rest| rest.components().next())
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let url_file = match urls {
        UrlFile::Missing => None,
        _ => Some("urls.txt".to_owned()),
    };
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut stray: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            Some(name) != out_top.as_ref() && Some(name) != url_file.as_ref()
        })
        .collect();
    stray.sort();
    stray
}

/// Everything in `outcome` that `plan` did not expect.
fn compare(package: &str, plan: &Plan, outcome: &Outcome) -> Vec<String> {
    let expect: &Expect = &plan.expect;
    let mut diffs = outcome.problems.clone();
    if outcome.code != Some(expect.code) {
        diffs.push(match outcome.code {
            Some(code) => format!("exit {code}, want {}", expect.code),
            None => format!("killed by a signal, want exit {}", expect.code),
        });
    }
    compare_summary(package, expect.summary, outcome, &mut diffs);
    compare_files(&plan.out, &expect.saved, outcome, &mut diffs);
    compare_stderr(package, &expect.stderr, &outcome.stderr, &mut diffs);
    if let Some(want) = expect.requests
        && outcome.stats.requests != want
    {
        diffs.push(format!(
            "the server saw {} requests, want {want}",
            outcome.stats.requests
        ));
    }
    if !outcome.stray.is_empty() {
        diffs.push(format!("written outside --out: {:?}", outcome.stray));
    }
    if !outcome.survivors.is_empty() {
        diffs.push(format!(
            "child processes outlived the demo: {:?}",
            outcome.survivors
        ));
    }
    if let Some(check) = &expect.check {
        diffs.extend(check(outcome));
    }
    diffs
}

fn compare_summary(
    package: &str,
    want: Summary,
    outcome: &Outcome,
    diffs: &mut Vec<String>,
) {
    let got = outcome.summary(package);
    match want {
        Summary::None if !outcome.stdout.is_empty() => {
            diffs.push(format!(
                "stdout not empty: {:?}",
                short(&outcome.stdout)
            ));
        }
        Summary::None => {}
        Summary::Any if got.is_none() => {
            diffs
                .push(format!("no summary line: {:?}", short(&outcome.stdout)));
        }
        Summary::Any => {}
        Summary::Counts {
            ok,
            failed,
            unfinished,
        } => match got {
            None => diffs
                .push(format!("no summary line: {:?}", short(&outcome.stdout))),
            Some(c) => {
                let total = ok + failed + unfinished.unwrap_or(0);
                let want = (ok, total, failed, unfinished);
                if (c.ok, c.total, c.failed, c.unfinished) != want {
                    diffs.push(format!(
                        "summary {}/{} ok, {} failed, {:?} unfinished; want \
                         {ok}/{total}, {failed}, {unfinished:?}",
                        c.ok, c.total, c.failed, c.unfinished
                    ));
                }
            }
        },
    }
}

fn compare_files(
    out: &Path,
    want: &Saved,
    outcome: &Outcome,
    diffs: &mut Vec<String>,
) {
    match (want, &outcome.files) {
        (Saved::NoFolder, Some(files)) => diffs.push(format!(
            "--out exists with {} entries, want no folder",
            files.len()
        )),
        (Saved::Exactly(_), None) => diffs.push("--out was not created".into()),
        (Saved::Exactly(expected), Some(files)) => {
            let mut left = files.clone();
            for (url, body) in expected {
                let name = file_name(url, out);
                match left.remove(&name) {
                    None => diffs.push(format!("not saved: {}", short(url))),
                    Some(got) if got != *body => diffs.push(format!(
                        "{name}: {} bytes differ from the {} sent",
                        got.len(),
                        body.len()
                    )),
                    Some(_) => {}
                }
            }
            for name in left.keys() {
                diffs.push(format!("unexpected file in --out: {name}"));
            }
        }
        _ => {}
    }
}

/// The file name (in `out`) a URL is saved under.
pub(crate) fn file_name(url: &str, out: &Path) -> String {
    crate::saved_as(url, out)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn compare_stderr(
    package: &str,
    want: &[Line],
    stderr: &str,
    diffs: &mut Vec<String>,
) {
    let prefix = format!("{package}: ");
    let mut unmatched: Vec<&Line> = want.iter().collect();
    for line in stderr.lines() {
        let Some(text) = line.strip_prefix(prefix.as_str()) else {
            diffs.push(format!(
                "stderr line without {prefix:?}: {}",
                short(line)
            ));
            continue;
        };
        let found = unmatched.iter().position(|l| match l {
            Line::Exact(want) => text == want,
            Line::Prefix(want) | Line::Each(want) => {
                text.starts_with(want.as_str())
            }
        });
        match found {
            // `Each` stays, for the next line like it.
            Some(i) if matches!(unmatched[i], Line::Each(_)) => {}
            Some(i) => {
                unmatched.remove(i);
            }
            None => diffs.push(format!("unexpected stderr: {}", short(text))),
        }
    }
    for line in unmatched {
        if let Line::Exact(text) | Line::Prefix(text) = line {
            diffs.push(format!("missing stderr: {}", short(text)));
        }
    }
}

/// At most 200 characters of `text`, for a readable difference.
fn short(text: &str) -> String {
    if text.chars().count() <= 200 {
        return text.to_owned();
    }
    let cut: String = text.chars().take(200).collect();
    format!("{cut}...")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_lines_parse() {
        let c = Counts::parse(
            "seq-demo: 3/6 URLs, 60.0 KiB in 0.10 s, 1 worker, 3 failed",
            "seq-demo",
        );
        assert_eq!(
            c,
            Some(Counts {
                ok: 3,
                total: 6,
                failed: 3,
                unfinished: None
            })
        );
        let c = Counts::parse(
            "tokio-demo: 2/3 URLs, 40.0 KiB in 1.60 s, 3 tasks, 0 failed, \
             1 unfinished (interrupted)",
            "tokio-demo",
        );
        assert_eq!(c.map(|c| (c.ok, c.unfinished)), Some((2, Some(1))));
        assert_eq!(Counts::parse("seq-demo: nonsense", "seq-demo"), None);
        assert_eq!(Counts::parse("x: 1/1 URLs, 0 failed", "seq-demo"), None);
    }
}
