//! Just enough of Chromium's DevTools protocol (CDP) for the book's
//! browser test: start a headless Chromium, open tabs, load a page, run a
//! script in it, take a screenshot.
//!
//! A CDP message is a JSON object over a WebSocket (tungstenite): a call
//! `{"id", "method", "params"}` gets an answer with the same `id`, and
//! everything else the browser sends is an event. Each tab has a socket
//! of its own, so tabs on different threads share nothing. The test uses
//! a handful of methods; a CDP crate compiles the whole generated
//! protocol for them (over 200 MB of build output, minutes on two cores).

use std::fs;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

/// The longest wait for one answer or one page: it only ends a hopeless
/// wait (a page of the book loads in well under a second).
const PATIENCE: Duration = Duration::from_secs(60);

/// A headless Chromium with a profile of its own, killed when dropped.
pub struct Browser {
    child: Child,
    port: u16,
    /// The browser's own socket, which opens the tabs.
    control: Mutex<Socket>,
    /// Removed once Chromium is gone (fields drop after `drop`).
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts `chromium` headless, its window `width` x `height`, with
    /// `args` added to its command line.
    pub fn launch(
        chromium: &Path,
        (width, height): (u32, u32),
        args: &[&str],
    ) -> Result<Browser, String> {
        let profile = tempfile::tempdir().map_err(|e| e.to_string())?;
        let log = fs::File::create(profile.path().join("chromium.log"))
            .map_err(|e| e.to_string())?;
        let mut child = Command::new(chromium)
            .args([
                "--headless",
                // The pages are the ones this test built, and Chromium's
                // sandbox refuses to start as root in a container.
                "--no-sandbox",
                // A container's /dev/shm can be 64 MB.
                "--disable-dev-shm-usage",
                // Offline and quiet: no updates, sync or first-run pages.
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-default-apps",
                "--disable-extensions",
                "--disable-sync",
                "--no-default-browser-check",
                "--no-first-run",
                // Tabs in the background keep their full speed.
                "--disable-background-timer-throttling",
                "--disable-backgrounding-occluded-windows",
                "--disable-renderer-backgrounding",
                // Chromium picks a free port and writes it to the profile.
                "--remote-debugging-port=0",
            ])
            .arg(format!("--window-size={width},{height}"))
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(args)
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("does not start: {e}"))?;
        let control = wait_for_port(&mut child, profile.path())
            .and_then(|(port, path)| Ok((port, Socket::connect(port, &path)?)));
        match control {
            Ok((port, control)) => Ok(Browser {
                child,
                port,
                control: Mutex::new(control),
                _profile: profile,
            }),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(e)
            }
        }
    }

    /// A new tab on `about:blank`, reporting its page's loads, console
    /// errors and script exceptions.
    pub fn new_tab(&self) -> Result<Tab, String> {
        let target = self.control.lock().unwrap().call(
            "Target.createTarget",
            json!({"url": "about:blank"}),
            &mut |_, _| {},
        )?;
        let id = target["targetId"].as_str().ok_or_else(|| {
            format!("Target.createTarget: no targetId in {target}")
        })?;
        let mut tab = Tab {
            socket: Socket::connect(
                self.port,
                &format!("/devtools/page/{id}"),
            )?,
            problems: Vec::new(),
            loaded: Vec::new(),
        };
        for domain in ["Page", "Runtime", "Log"] {
            tab.call(&format!("{domain}.enable"), json!({}))?;
        }
        tab.call("Page.setLifecycleEventsEnabled", json!({"enabled": true}))?;
        Ok(tab)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Its renderers end with it; the profile folder goes after.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port and the browser's socket path, which Chromium writes to
/// `DevToolsActivePort` in its profile once it listens.
fn wait_for_port(
    child: &mut Child,
    profile: &Path,
) -> Result<(u16, String), String> {
    let file = profile.join("DevToolsActivePort");
    let started = Instant::now();
    loop {
        // The file may be half written: it is read until it holds both
        // lines.
        let text = fs::read_to_string(&file).unwrap_or_default();
        let mut lines = text.lines();
        if let (Some(port), Some(path)) = (lines.next(), lines.next())
            && let Ok(port) = port.parse()
        {
            return Ok((port, path.to_owned()));
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("exited ({status}): {}", log_tail(profile)));
        }
        if started.elapsed() > PATIENCE {
            return Err(format!(
                "no DevTools port in {PATIENCE:?}: {}",
                log_tail(profile)
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The end of what Chromium printed.
fn log_tail(profile: &Path) -> String {
    let text =
        fs::read_to_string(profile.join("chromium.log")).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(10)..].join("\n")
}

/// One tab: calls in order, on a socket of its own.
pub struct Tab {
    socket: Socket,
    /// Console errors and script exceptions, since `take_problems`.
    problems: Vec<String>,
    /// The loads (CDP's `loaderId`) that reached their `load` event.
    loaded: Vec<String>,
}

impl Tab {
    /// Calls `method` and returns its result.
    pub fn call(
        &mut self,
        method: &str,
        params: Value,
    ) -> Result<Value, String> {
        let Tab {
            socket,
            problems,
            loaded,
        } = self;
        socket.call(method, params, &mut |event, params| {
            note(problems, loaded, event, params)
        })
    }

    /// Loads `url` and waits for its `load` event (scripts run, styles
    /// and images fetched).
    pub fn navigate(&mut self, url: &str) -> Result<(), String> {
        self.loaded.clear();
        let nav = self.call("Page.navigate", json!({"url": url}))?;
        if let Some(error) = nav["errorText"].as_str() {
            return Err(error.to_owned());
        }
        let loader = nav["loaderId"].as_str().unwrap_or_default().to_owned();
        let started = Instant::now();
        while !self.loaded.contains(&loader) {
            if started.elapsed() > PATIENCE {
                return Err(format!("no load event in {PATIENCE:?}"));
            }
            let message = self.socket.read()?;
            if let Some(event) = message["method"].as_str() {
                note(
                    &mut self.problems,
                    &mut self.loaded,
                    event,
                    &message["params"],
                );
            }
        }
        Ok(())
    }

    /// Runs `expression` in the page, awaiting it if it is a promise, and
    /// returns its value (as JSON).
    pub fn evaluate(&mut self, expression: &str) -> Result<Value, String> {
        let mut result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "awaitPromise": true, "returnByValue": true}),
        )?;
        if let Some(details) = result.get("exceptionDetails") {
            return Err(format!("the script failed: {}", exception(details)));
        }
        Ok(result["result"]["value"].take())
    }

    /// What the viewport shows, as PNG.
    pub fn screenshot_png(&mut self) -> Result<Vec<u8>, String> {
        let shot =
            self.call("Page.captureScreenshot", json!({"format": "png"}))?;
        let data = shot["data"]
            .as_str()
            .ok_or("Page.captureScreenshot: no data")?;
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| format!("Page.captureScreenshot: {e}"))
    }

    /// The console errors and script exceptions seen since the last call.
    pub fn take_problems(&mut self) -> Vec<String> {
        std::mem::take(&mut self.problems)
    }
}

/// Keeps what an event says about the page.
fn note(
    problems: &mut Vec<String>,
    loaded: &mut Vec<String>,
    event: &str,
    params: &Value,
) {
    match event {
        // Failed loads (a missing image or script) are logged here too.
        "Log.entryAdded" if params["entry"]["level"] == "error" => {
            let entry = &params["entry"];
            problems.push(format!(
                "console error: {} {}",
                entry["text"].as_str().unwrap_or_default(),
                entry["url"].as_str().unwrap_or_default()
            ));
        }
        // A page's own `console.error(...)`.
        "Runtime.consoleAPICalled" if params["type"] == "error" => {
            let args: Vec<String> = params["args"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| match &a["value"] {
                    Value::String(s) => s.clone(),
                    Value::Null => {
                        a["description"].as_str().unwrap_or_default().to_owned()
                    }
                    v => v.to_string(),
                })
                .collect();
            problems.push(format!("console error: {}", args.join(" ")));
        }
        "Runtime.exceptionThrown" => {
            problems.push(format!(
                "script error: {}",
                exception(&params["exceptionDetails"])
            ));
        }
        "Page.lifecycleEvent" if params["name"] == "load" => {
            if let Some(id) = params["loaderId"].as_str() {
                loaded.push(id.to_owned());
            }
        }
        _ => {}
    }
}

/// An exception's description (its message and stack), else its text.
fn exception(details: &Value) -> String {
    details["exception"]["description"]
        .as_str()
        .or(details["text"].as_str())
        .unwrap_or("(no description)")
        .to_owned()
}

/// A CDP WebSocket: numbered calls, and the events between the answers.
struct Socket {
    ws: WebSocket<TcpStream>,
    next_id: u64,
}

impl Socket {
    fn connect(port: u16, path: &str) -> Result<Socket, String> {
        let url = format!("ws://127.0.0.1:{port}{path}");
        let stream = TcpStream::connect(("127.0.0.1", port))
            .map_err(|e| format!("{url}: {e}"))?;
        // A read that waits longer is an error, not a hang.
        stream
            .set_read_timeout(Some(PATIENCE))
            .map_err(|e| e.to_string())?;
        let (ws, _) = tungstenite::client(url.as_str(), stream)
            .map_err(|e| format!("{url}: {e}"))?;
        Ok(Socket { ws, next_id: 1 })
    }

    /// Sends `method`, hands the events that come first to `on_event`,
    /// and returns the answer's result (or its error).
    fn call(
        &mut self,
        method: &str,
        params: Value,
        on_event: &mut dyn FnMut(&str, &Value),
    ) -> Result<Value, String> {
        let id = self.next_id;
        self.next_id += 1;
        let call = json!({"id": id, "method": method, "params": params});
        self.ws
            .send(Message::text(call.to_string()))
            .map_err(|e| format!("{method}: {e}"))?;
        let started = Instant::now();
        loop {
            let mut message =
                self.read().map_err(|e| format!("{method}: {e}"))?;
            if message["id"] == id {
                if let Some(error) = message.get("error") {
                    return Err(format!("{method}: {error}"));
                }
                return Ok(message["result"].take());
            }
            if let Some(event) = message["method"].as_str() {
                on_event(event, &message["params"]);
            }
            if started.elapsed() > PATIENCE {
                return Err(format!("{method}: no answer in {PATIENCE:?}"));
            }
        }
    }

    /// The next message, as JSON, parsed from the frame's own bytes (a
    /// screenshot's is several hundred KB).
    fn read(&mut self) -> Result<Value, String> {
        loop {
            let bytes = match self.ws.read().map_err(|e| e.to_string())? {
                Message::Text(text) => text.into(),
                Message::Binary(bytes) => bytes,
                Message::Close(_) => {
                    return Err("the browser closed the socket".into());
                }
                // Pings are answered by tungstenite itself.
                _ => continue,
            };
            return serde_json::from_slice(&bytes).map_err(|e| {
                format!("{e}: {}", String::from_utf8_lossy(&bytes))
            });
        }
    }
}
