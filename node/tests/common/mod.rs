//! Driving real `hegemon-node` processes on loopback: spawn, JSON-RPC over HTTP (std only),
//! wait for a condition.
#![allow(dead_code)] // each test binary uses its own subset

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// Generous: a cold debug build compiles the runtime WASM at startup.
pub const DEADLINE: Duration = Duration::from_secs(600);

/// A running node, killed when dropped.
pub struct Node {
    child: Child,
    /// Its JSON-RPC port.
    pub rpc_port: u16,
    /// Its libp2p TCP port.
    pub p2p_port: u16,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free loopback port never handed out before in this process: the OS may reuse a port as
/// soon as the probing listener closes, and two nodes (or a node's RPC and p2p sockets) must
/// not be given the same one.
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut given = GIVEN.lock().unwrap_or_else(|p| p.into_inner());
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}

/// Where a node keeps its database: a throwaway one, or `--base-path`.
pub enum Storage<'a> {
    Tmp,
    BasePath(&'a Path),
}

impl Node {
    /// Starts `hegemon-node` on loopback ports with `args` (`--dev`, or `--chain dev --mine`,
    /// `--bootnodes …`). Its output goes to `$HEGEMON_TEST_LOGS/<name>.log` when that is set.
    pub fn start(name: &str, storage: Storage, args: &[&str]) -> Self {
        let (rpc_port, p2p_port) = (free_port(), free_port());
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hegemon-node"));
        cmd.args(["--no-prometheus", "--no-telemetry", "--no-mdns"])
            .args(["--name", name])
            .args(["--listen-addr", &format!("/ip4/127.0.0.1/tcp/{p2p_port}")])
            .args(["--rpc-port", &rpc_port.to_string()])
            .args(args);
        match storage {
            Storage::Tmp => cmd.arg("--tmp"),
            Storage::BasePath(path) => cmd.arg("--base-path").arg(path),
        };
        let log = std::env::var_os("HEGEMON_TEST_LOGS").map(|dir| {
            std::fs::create_dir_all(&dir).expect("log dir");
            std::fs::File::create(Path::new(&dir).join(format!("{name}.log"))).expect("log file")
        });
        match log {
            Some(file) => cmd.stdout(Stdio::null()).stderr(file),
            None => cmd.stdout(Stdio::null()).stderr(Stdio::null()),
        };
        let child = cmd.spawn().expect("spawn hegemon-node");
        Self {
            child,
            rpc_port,
            p2p_port,
        }
    }

    /// One JSON-RPC call; `None` while the server is not up.
    pub fn rpc(&self, method: &str, params: &str) -> Option<String> {
        rpc(self.rpc_port, method, params)
    }

    /// Best block number, once the RPC server answers.
    pub fn best_number(&self) -> Option<u64> {
        self.rpc("chain_getHeader", "[]")
            .as_deref()
            .and_then(header_number)
    }

    /// Hash of block `number` on the node's best chain.
    pub fn block_hash(&self, number: u64) -> Option<String> {
        let response = self.rpc("chain_getBlockHash", &format!("[{number}]"))?;
        json_string_field(&response, "result")
    }

    /// This node's `/ip4/…/p2p/…` address, to pass to `--bootnodes`.
    pub fn multiaddr(&self) -> String {
        let peer_id = wait_for("peer id over RPC", || {
            json_string_field(&self.rpc("system_localPeerId", "[]")?, "result")
        });
        format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer_id}", self.p2p_port)
    }

    /// The fee a standard transfer pays, once the RPC server answers.
    pub fn fee_quote(&self) -> u64 {
        wait_for("a fee quote", || {
            raw_result(&self.rpc("hegemon_feeQuote", "[]")?)?
                .parse()
                .ok()
        })
    }

    /// Waits until the best block is at least `height`; returns it.
    pub fn wait_for_height(&self, height: u64) -> u64 {
        wait_for(&format!("#{height}"), || {
            self.best_number().filter(|n| *n >= height)
        })
    }
}

/// Polls `check` every second until it gives a value, panicking after [`DEADLINE`].
pub fn wait_for<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(start.elapsed() < DEADLINE, "no {what} within {DEADLINE:?}");
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// One JSON-RPC call over HTTP/1.1; `None` while the server is not up yet.
pub fn rpc(port: u16, method: &str, params: &str) -> Option<String> {
    let body = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"{method}","params":{params}}}"#);
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
}

/// The `"number":"0x…"` field of a `chain_getHeader` response.
pub fn header_number(response: &str) -> Option<u64> {
    let hex = response
        .split(r#""number":"0x"#)
        .nth(1)?
        .split('"')
        .next()?;
    u64::from_str_radix(hex, 16).ok()
}

/// A string-valued field `"name":"…"` of a JSON response.
pub fn json_string_field(response: &str, name: &str) -> Option<String> {
    let value = response.split(&format!(r#""{name}":""#)).nth(1)?;
    Some(value.split('"').next()?.to_owned())
}

/// The `"code":…` of a JSON-RPC error response.
pub fn error_code(response: &str) -> Option<i64> {
    let rest = response.split(r#""code":"#).nth(1)?;
    let end = rest.find([',', '}'])?;
    rest[..end].trim().parse().ok()
}

/// The `"result":…` of a response, as raw JSON text (up to the closing of the envelope).
pub fn raw_result(response: &str) -> Option<&str> {
    let rest = response.split(r#""result":"#).nth(1)?;
    rest.strip_suffix('}')
}

/// A fresh empty directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hegemon-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The hot window of [`short_window_spec`], in blocks.
pub const RETENTION: u32 = 4;
/// Blocks between audits on that chain.
pub const AUDIT_PERIOD: u32 = 3;
/// Blocks a provider has to answer an audit on that chain: wide enough for a debug node on a
/// loaded 2-core machine (8 was missed once in a CI rehearsal, with blocks every second or two).
pub const AUDIT_WINDOW: u32 = 24;

/// The dev chain spec with a short hot window and frequent audits, as a file.
pub fn short_window_spec(dir: &Path) -> PathBuf {
    // `build-spec` writes a network key under its base path: one per test, or concurrent tests
    // race to create the same file in the default one.
    let base_path = dir.join("build-spec");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hegemon-node"))
        .args(["build-spec", "--chain", "dev", "--base-path"])
        .arg(&base_path)
        .output()
        .expect("build-spec runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut spec: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON spec");
    let patch = &mut spec["genesis"]["runtimeGenesis"]["patch"];
    patch["dataAvailability"] = serde_json::json!({ "retentionBlocks": RETENTION });
    patch["archiveMarket"] =
        serde_json::json!({ "auditPeriod": AUDIT_PERIOD, "auditWindow": AUDIT_WINDOW });
    let path = dir.join("spec.json");
    std::fs::write(&path, serde_json::to_vec(&spec).unwrap()).unwrap();
    path
}

/// The storage key of `pallet`'s `item`, followed by an already-hashed map key (empty for a
/// plain value), as `0x…` hex.
pub fn storage_key(pallet: &str, item: &str, hashed_key: &[u8]) -> String {
    use sp_io::hashing::twox_128;
    let mut key = twox_128(pallet.as_bytes()).to_vec();
    key.extend_from_slice(&twox_128(item.as_bytes()));
    key.extend_from_slice(hashed_key);
    format!("0x{}", hex::encode(key))
}

/// A storage value at the best block, decoded.
pub fn read_storage<T: codec::Decode>(node: &Node, key: &str) -> Option<T> {
    read_storage_at(node, key, None)
}

/// A storage value at block `at` (a `0x…` hash; `None`: the best block), decoded.
pub fn read_storage_at<T: codec::Decode>(node: &Node, key: &str, at: Option<&str>) -> Option<T> {
    let params = match at {
        Some(hash) => format!(r#"["{key}", "{hash}"]"#),
        None => format!(r#"["{key}"]"#),
    };
    let response = node.rpc("state_getStorage", &params)?;
    let value = json_string_field(&response, "result")?;
    let bytes = hex::decode(value.trim_start_matches("0x")).ok()?;
    T::decode(&mut &bytes[..]).ok()
}

/// Address 0 (test-network text) of the spending keys from a 64-byte seed of `byte`: a payee
/// that no test wallet owns unless it derives the same seed.
pub fn payee_address(byte: u8) -> String {
    hegemon_crypto::SpendingKeys::from_seed(&[byte; 64])
        .full_viewing_key()
        .incoming()
        .address(0)
        .encode(hegemon_crypto::address::Network::Test)
}
