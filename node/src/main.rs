//! `hegemon-node`: see the library crate for what it runs.

// `sc_cli::Error` is Substrate's (176 bytes); every command returns it.
#![allow(clippy::result_large_err)]

fn main() -> sc_cli::Result<()> {
    hegemon_node::command::run()
}
