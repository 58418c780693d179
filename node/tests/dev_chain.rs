//! End to end: `hegemon-node --dev --tmp` mines PoW blocks that its own import queue accepts,
//! and serves them over JSON-RPC.

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// Generous: a debug build compiles the runtime WASM at startup before mining.
const DEADLINE: Duration = Duration::from_secs(600);
const TARGET_HEIGHT: u64 = 3;

struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One JSON-RPC call over HTTP/1.1; `None` while the server is not up yet.
fn rpc(port: u16, method: &str, params: &str) -> Option<String> {
    let body = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"{method}","params":{params}}}"#);
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
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
fn header_number(response: &str) -> Option<u64> {
    let hex = response
        .split(r#""number":"0x"#)
        .nth(1)?
        .split('"')
        .next()?;
    u64::from_str_radix(hex, 16).ok()
}

#[test]
fn dev_node_mines_and_serves_blocks() {
    let rpc_port = free_port();
    let node = Node(
        Command::new(env!("CARGO_BIN_EXE_hegemon-node"))
            .args([
                "--dev",
                "--tmp",
                "--no-prometheus",
                "--no-telemetry",
                "--listen-addr",
            ])
            .arg(format!("/ip4/127.0.0.1/tcp/{}", free_port()))
            .args(["--rpc-port", &rpc_port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn hegemon-node"),
    );

    let start = Instant::now();
    let mut height = 0;
    while height < TARGET_HEIGHT {
        assert!(
            start.elapsed() < DEADLINE,
            "node reached only #{height} in {DEADLINE:?}"
        );
        std::thread::sleep(Duration::from_secs(2));
        if let Some(n) = rpc(rpc_port, "chain_getHeader", "[]")
            .as_deref()
            .and_then(header_number)
        {
            height = n;
        }
    }

    // A block the node mined carries a PoW seal digest (engine id `pow_`).
    let header = rpc(rpc_port, "chain_getHeader", "[]").expect("header");
    assert!(
        header.contains(r#""logs":["0x05706f775f"#),
        "no PoW seal in {header}"
    );

    // Malformed RPC params get a JSON-RPC error, and the node keeps serving.
    let bad = rpc(rpc_port, "chain_getBlockHash", r#"["not a number"]"#).expect("response");
    assert!(bad.contains(r#""error""#), "expected an error, got {bad}");
    assert!(rpc(rpc_port, "system_health", "[]").is_some_and(|r| r.contains("isSyncing")));
    drop(node);
}
