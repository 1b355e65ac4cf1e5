//! The demo server's `/stats`, read over HTTP: how the examples show what a
//! client really did (connections opened, requests in flight), not just how
//! long it took. Feature `blocking`.

/// The counters of the demo server that serves some URL.
#[derive(Clone, Debug)]
pub struct ServerStats {
    base: String,
}

impl ServerStats {
    /// The server behind `url` (any URL on it, e.g. the first of
    /// `urls.txt`); `None` if `url` is not a URL.
    pub fn of(url: &str) -> Option<ServerStats> {
        let base = url::Url::parse(url).ok()?.origin().ascii_serialization();
        Some(ServerStats { base })
    }

    /// `http://host:port` of the server.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `POST /stats/reset`: counting starts again from zero.
    pub fn reset(&self) -> Result<(), ureq::Error> {
        direct()
            .post(format!("{}/stats/reset", self.base))
            .send_empty()?;
        Ok(())
    }

    /// `GET /stats`: the counters as JSON (`requests`, `in_flight`,
    /// `peak_in_flight`, `connections`, `failures_injected`).
    pub fn read(&self) -> Result<serde_json::Value, ureq::Error> {
        let text = direct()
            .get(format!("{}/stats", self.base))
            .call()?
            .into_body()
            .read_to_string()?;
        serde_json::from_str(&text).map_err(|e| ureq::Error::Io(e.into()))
    }

    /// Connections the server accepted since the last reset, not counting
    /// the one this very `GET /stats` had to open (each call makes a fresh
    /// agent, with no pool to reuse).
    pub fn connections(&self) -> Result<u64, ureq::Error> {
        let stats = self.read()?;
        let seen = stats["connections"].as_u64().unwrap_or(0);
        Ok(seen.saturating_sub(1))
    }
}

/// A fresh agent (no pool: every call opens one connection, which
/// `connections` counts on) that connects straight to the server, as the
/// demos do: a proxy named by HTTP_PROXY could not reach a demo server on
/// 127.0.0.1.
fn direct() -> ureq::Agent {
    ureq::Agent::config_builder().proxy(None).build().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_connections_without_its_own() {
        let server =
            demo_server::Background::start(demo_server::Config::instant())
                .unwrap();
        let stats = ServerStats::of(&server.url("/pages/x")).unwrap();
        assert_eq!(stats.base(), server.base_url());
        let agent = direct();
        for _ in 0..3 {
            let mut page = agent.get(server.url("/pages/x")).call().unwrap();
            page.body_mut().read_to_vec().unwrap();
        }
        assert_eq!(stats.connections().unwrap(), 1);
        assert_eq!(stats.read().unwrap()["requests"], 3);
        stats.reset().unwrap();
        assert_eq!(stats.connections().unwrap(), 0);
        assert!(ServerStats::of("not a url").is_none());
    }
}
