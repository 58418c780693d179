//! The wallet's one error type. Every message says what to do next.

/// Why a wallet operation failed.
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    /// Authentication of the wallet file failed.
    #[error("wrong password (or the wallet file was modified)")]
    WrongPassword,
    /// The file is not a wallet file or is truncated.
    #[error(
        "the wallet file is damaged: {0}; restore from your recovery phrase with `init --restore`"
    )]
    Damaged(&'static str),
    /// A wallet file from a newer release.
    #[error("wallet file version {0} is not supported by this release; upgrade hegemon-wallet")]
    UnsupportedVersion(u16),
    /// The file's state does not parse.
    #[error("the wallet state is malformed: {0}")]
    Malformed(String),
    /// A wallet already exists at the path.
    #[error("a wallet already exists at {0}; choose another --wallet path")]
    Exists(String),
    /// No wallet at the path.
    #[error("no wallet at {0}; create one with `hegemon-wallet init`")]
    Missing(String),
    /// The recovery phrase does not parse.
    #[error("invalid recovery phrase: {0}")]
    BadMnemonic(String),
    /// The wallet belongs to another chain than the node serves.
    #[error(
        "this wallet belongs to chain {wallet}, but the node serves {node}; use a node of the wallet's chain"
    )]
    WrongChain {
        /// The wallet's genesis hash.
        wallet: String,
        /// The node's.
        node: String,
    },
    /// The node could not be reached or answered badly.
    #[error("node RPC failed: {0}; check that the node runs and --node is right")]
    Node(String),
    /// The node returned a JSON-RPC error.
    #[error("node refused {method}: {message} (code {code})")]
    Rpc {
        /// The method called.
        method: &'static str,
        /// The error code.
        code: i64,
        /// The node's message.
        message: String,
    },
    /// The node served data inconsistent with what the wallet already verified.
    #[error("the node served inconsistent data: {0}")]
    Inconsistent(String),
    /// Sending needs two spendable notes (every transfer spends two).
    #[error(
        "sending needs two spendable notes; this wallet has {have}: receive another payment or wait for pending transfers"
    )]
    NeedTwoNotes {
        /// Spendable notes.
        have: usize,
    },
    /// Not enough value.
    #[error(
        "insufficient funds: the two largest notes hold {have}, the transfer needs {need} (amount + fee)"
    )]
    InsufficientFunds {
        /// Value available in two notes.
        have: u64,
        /// Amount plus fee.
        need: u64,
    },
    /// A payee address that does not parse.
    #[error("invalid address: {0}")]
    BadAddress(String),
    /// A block's ciphertexts are past the node's hot window.
    #[error(
        "blocks from #{0} on include some past the node's hot window; recover them through an \
         archive provider: `hegemon-wallet recover --archive URL` (providers' URLs are in the \
         chain's archive market)"
    )]
    PastHotWindow(u32),
    /// An archive provider served data that does not verify, or none.
    #[error("archive recovery failed: {0}; try another archive provider")]
    Archive(String),
    /// A watch-only wallet was asked to spend.
    #[error(
        "this wallet only watches (it was made from a viewing key); send from the wallet that \
         holds the recovery phrase"
    )]
    WatchOnly,
    /// A viewing key that does not parse.
    #[error("invalid viewing key: {0}; export one with `hegemon-wallet export-viewing-key`")]
    BadViewingKey(String),
    /// A file-system error.
    #[error("I/O error: {0}")]
    Io(String),
}
