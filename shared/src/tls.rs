//! Whom the https downloads trust: the certificate authorities behind the
//! blocking client (ureq) and hyper-futures (feature `tls-config`, which
//! makes this module public), both on rustls with *ring*.
//!
//! Only `urls-internet.txt` (docs/real-internet.md) has https URLs; the
//! demo server speaks plain HTTP. By default the demos trust Mozilla's root
//! certificates, compiled into the binary (`webpki-roots`): the same list on
//! every machine, no system certificate store needed. Setting
//! `SSL_CERT_FILE` to a PEM file makes them trust exactly the certificates
//! in it instead: a company proxy's CA, or a test certificate for an https
//! server on 127.0.0.1. It is the variable OpenSSL reads, and the one
//! tokio-demo's verifier reads on Linux. There is no "skip verification"
//! switch, on purpose.
//!
//! Python's `requests` works the same way: it ships Mozilla's list (the
//! `certifi` package) and reads `REQUESTS_CA_BUNDLE`.

use std::path::Path;
use std::sync::Arc;

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

/// The environment variable naming a PEM file of certificates to trust
/// instead of the bundled ones.
pub const CA_FILE_VAR: &str = "SSL_CERT_FILE";

/// Which certificates an https connection may chain up to.
#[derive(Clone, Debug)]
pub enum Roots {
    /// Mozilla's roots, compiled in (the default).
    Bundled,
    /// Exactly these (from `SSL_CERT_FILE`, or a test's own certificate).
    Only(Arc<[CertificateDer<'static>]>),
    /// `SSL_CERT_FILE` is set but unusable: every https request fails with
    /// this message rather than quietly trusting something else.
    Broken(Arc<str>),
}

impl Roots {
    /// What the environment asks for: the file in `SSL_CERT_FILE` if it
    /// is set (and not empty), otherwise the bundled roots.
    pub fn from_env() -> Roots {
        match std::env::var_os(CA_FILE_VAR) {
            Some(path) if !path.is_empty() => Roots::from_file(path.as_ref()),
            _ => Roots::Bundled,
        }
    }

    /// Every certificate in the PEM file at `path`.
    pub fn from_file(path: &Path) -> Roots {
        let broken = |why: String| {
            Roots::Broken(
                format!("{CA_FILE_VAR}={}: {why}", path.display()).into(),
            )
        };
        let certs = CertificateDer::pem_file_iter(path)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>());
        match certs {
            Err(e) => broken(e.to_string()),
            // rustls would take an empty or unparsable list, then reject
            // every server; better to say why now.
            Ok(certs) if store(&certs).is_empty() => {
                broken("no usable certificate in it".to_owned())
            }
            Ok(certs) => Roots::Only(certs.into()),
        }
    }

    /// The message to fail https requests with, if the roots are unusable.
    pub fn problem(&self) -> Option<&str> {
        match self {
            Roots::Broken(why) => Some(why),
            _ => None,
        }
    }

    /// A rustls client configuration trusting these roots, with *ring*
    /// chosen explicitly (rustls would otherwise want a process-wide
    /// default provider) and HTTP/1.1 offered in ALPN, since hyper here
    /// speaks only HTTP/1. `Err` is [`Roots::problem`]'s message.
    #[cfg(feature = "tls-config")]
    pub fn client_config(&self) -> Result<Arc<rustls::ClientConfig>, Arc<str>> {
        let roots = match self {
            Roots::Bundled => RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            },
            Roots::Only(certs) => store(certs),
            Roots::Broken(why) => return Err(why.clone()),
        };
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("ring supports TLS 1.2 and 1.3, rustls' defaults")
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// The certificates rustls can use as trust anchors.
fn store(certs: &[CertificateDer<'static>]) -> RootCertStore {
    let mut store = RootCertStore::empty();
    store.add_parsable_certificates(certs.iter().cloned());
    store
}

#[cfg(any(test, feature = "test-server"))]
pub mod test_server {
    //! A tiny https server on 127.0.0.1 for the clients' tests (this
    //! crate's, and hyper-futures' through feature `test-server`): a fresh
    //! self-signed certificate (rcgen), rustls on blocking std sockets, a
    //! fixed answer to every request. No network beyond loopback.

    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    use std::thread;
    use std::time::Duration;

    use rustls::pki_types::PrivateKeyDer;
    use rustls::{ServerConfig, ServerConnection, StreamOwned};

    use super::*;

    /// What the server answers to every request.
    pub const BODY: &[u8] = b"hello over TLS\n";

    /// A running server and the certificate it presents.
    pub struct TlsServer {
        /// `https://127.0.0.1:PORT`
        pub base: String,
        /// Trusting exactly this makes the server's certificate valid.
        pub cert: CertificateDer<'static>,
        /// The same certificate as PEM text, for an `SSL_CERT_FILE`.
        pub cert_pem: String,
        /// Ends with the number of requests answered.
        handle: thread::JoinHandle<usize>,
    }

    impl TlsServer {
        /// Serves up to `connections` connections, one after another, then
        /// stops; each one is served until the client closes it (or 10 s
        /// of silence), answering every request with [`BODY`].
        pub fn start(connections: usize) -> TlsServer {
            let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
            let key = rcgen::generate_simple_self_signed(names).unwrap();
            let cert = key.cert.der().clone();
            let cert_pem = key.cert.pem();
            let private =
                PrivateKeyDer::try_from(key.signing_key.serialize_der())
                    .unwrap();
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = ServerConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(vec![cert.clone()], private)
                .unwrap();
            let config = Arc::new(config);
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let base = format!("https://{}", listener.local_addr().unwrap());
            let handle = thread::spawn(move || {
                let mut answered = 0;
                for _ in 0..connections {
                    let (tcp, _) = listener.accept().unwrap();
                    tcp.set_read_timeout(Some(Duration::from_secs(10)))
                        .unwrap();
                    let tls = ServerConnection::new(config.clone()).unwrap();
                    // A client that rejects the certificate ends the
                    // handshake with an error: that is a test passing,
                    // not the server failing.
                    answered += serve(StreamOwned::new(tls, tcp));
                }
                answered
            });
            TlsServer {
                base,
                cert,
                cert_pem,
                handle,
            }
        }

        /// `base` + `path`.
        pub fn url(&self, path: &str) -> String {
            format!("{}{path}", self.base)
        }

        /// Waits for the server to finish its connections; returns how
        /// many requests it answered.
        pub fn join(self) -> usize {
            self.handle.join().unwrap()
        }
    }

    /// Answers requests on one connection until it closes or fails.
    fn serve(
        stream: StreamOwned<ServerConnection, std::net::TcpStream>,
    ) -> usize {
        let mut reader = BufReader::new(stream);
        let mut answered = 0;
        // Bounded: no test sends more than a handful per connection.
        for _ in 0..100 {
            let mut head = String::new();
            while !head.ends_with("\r\n\r\n") {
                match reader.read_line(&mut head) {
                    Ok(0) | Err(_) => return answered,
                    Ok(_) => {}
                }
            }
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n",
                BODY.len()
            );
            let stream = reader.get_mut();
            let sent = stream
                .write_all(answer.as_bytes())
                .and_then(|()| stream.write_all(BODY))
                .and_then(|()| stream.flush());
            if sent.is_err() {
                return answered;
            }
            answered += 1;
        }
        answered
    }
}

#[cfg(test)]
mod tests {
    use super::test_server::TlsServer;
    use super::*;

    #[test]
    fn a_pem_file_gives_exactly_its_certificates() {
        let dir = tempfile::tempdir().unwrap();
        let server = TlsServer::start(0);
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, &server.cert_pem).unwrap();
        match Roots::from_file(&path) {
            Roots::Only(certs) => assert_eq!(&certs[..], [server.cert]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_unusable_file_is_a_problem_that_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let roots = Roots::from_file(&missing);
        let why = roots.problem().expect("a missing file is a problem");
        assert!(why.starts_with("SSL_CERT_FILE="), "{why}");
        assert!(why.contains("missing.pem"), "{why}");

        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "no certificates here\n").unwrap();
        let roots = Roots::from_file(&empty);
        let why = roots.problem().expect("a file without certs is a problem");
        assert!(why.ends_with("no usable certificate in it"), "{why}");
    }

    #[test]
    fn bundled_roots_are_not_a_problem() {
        assert!(Roots::Bundled.problem().is_none());
    }
}
