//! Archive-provider mode (`--archive-provider KEY_FILE`): keep contracted DA payloads past the
//! hot window, answer the market's audits, serve the chunks over `da_*`
//! (`docs/spec/node.md#archive-provider-mode`).
//!
//! On every new best block, in order and on the one task that also prunes the store (so a
//! contracted block is never pruned before the provider learns of its contract):
//! 1. register the key's account as a provider, once, with the operator's terms;
//! 2. make sure every block its active contracts cover is held, fetching from peers any payload
//!    it no longer has (a contract may cover blocks already past this node's window);
//! 3. answer each open audit: the chunk with its Merkle path, signed with the provider key.
//!
//! The provider key is an ML-DSA-65 key; its account (`BLAKE2-256(public key)`) signs the
//! market transactions and pays their fees, and the same key signs audit answers.

use std::{
    collections::{HashMap, HashSet},
    path::Path,
    sync::Arc,
};

use codec::{Decode, Encode};
use frame_system_rpc_runtime_api::AccountNonceApi;
use hegemon_crypto::mldsa::MlDsaKeyPair;
use hegemon_da::DaCommitment;
use hegemon_runtime::{
    AccountId, BlockNumber, Nonce, RuntimeCall,
    accounts::PqPublic,
    apis::{ArchiveMarketApi, DataAvailabilityApi},
    opaque::Block,
};
use pallet_archive_market::{AUDIT_SIGNING_CONTEXT, Audit, audit_message};
use sc_transaction_pool_api::{TransactionPool, TransactionSource};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_runtime::traits::{Block as BlockT, IdentifyAccount};

use crate::da::{import::FetcherSlot, store::DaStore};

/// Blocks after which an unconfirmed registration or audit answer is sent again.
const RESUBMIT_AFTER: u32 = 5;

/// What the provider registers on chain (its first start only).
#[derive(Debug, Clone)]
pub struct Terms {
    /// Bond reserved from the account.
    pub bond: u128,
    /// Price per byte per block of storage.
    pub price: u64,
    /// Bytes offered.
    pub capacity: u64,
    /// Where wallets reach this node's `da_*` RPC.
    pub endpoint: String,
}

/// The provider's key and terms, from the command line.
pub struct ProviderOptions {
    /// The ML-DSA-65 provider key.
    pub key: MlDsaKeyPair,
    /// Registration terms.
    pub terms: Terms,
}

/// Reads a provider key file: 64 hex characters, the 32-byte ML-DSA-65 seed.
pub fn read_key_file(path: &Path) -> Result<MlDsaKeyPair, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the archive key file {}: {e}", path.display()))?;
    let seed: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            format!(
                "the archive key file {} must hold 64 hex characters (a 32-byte ML-DSA-65 seed); \
                 make one with `hegemon-node archive-key --out FILE`",
                path.display()
            )
        })?;
    Ok(MlDsaKeyPair::from_seed(&seed))
}

/// Writes a fresh provider key file at `path` (never over an existing file; owner-only on
/// Unix) and returns the key.
pub fn create_key_file(path: &Path) -> Result<MlDsaKeyPair, String> {
    use std::io::Write;
    let mut seed = zeroize::Zeroizing::new([0u8; 32]);
    getrandom::fill(&mut seed[..]).map_err(|e| format!("no OS randomness: {e}"))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    writeln!(file, "{}", hex::encode(&seed[..]))
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(MlDsaKeyPair::from_seed(&seed))
}

/// The account a provider key signs for.
pub fn account_of(key: &MlDsaKeyPair) -> AccountId {
    PqPublic(*key.public_key().as_bytes()).into_account()
}

/// The provider's duties loop state.
pub struct Provider<C, P> {
    client: Arc<C>,
    pool: Arc<P>,
    store: Arc<DaStore>,
    fetcher: FetcherSlot,
    key: MlDsaKeyPair,
    account: AccountId,
    terms: Terms,
    /// The last nonce this node used and the block it was sent at.
    last_sent: Option<(Nonce, BlockNumber)>,
    /// When the registration was last sent.
    registering: Option<BlockNumber>,
    /// Open audits answered, and when.
    answered: HashMap<u64, BlockNumber>,
    /// Contracts whose every block is held.
    complete: HashSet<u64>,
}

impl<C, P> Provider<C, P>
where
    C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
    C::Api: ArchiveMarketApi<Block>
        + DataAvailabilityApi<Block>
        + AccountNonceApi<Block, AccountId, Nonce>,
    P: TransactionPool<Block = Block> + 'static,
{
    /// A provider acting for `options.key`, sending through `pool`.
    pub fn new(
        client: Arc<C>,
        pool: Arc<P>,
        store: Arc<DaStore>,
        fetcher: FetcherSlot,
        options: ProviderOptions,
    ) -> Self {
        let account = account_of(&options.key);
        log::info!(target: "hegemon-archive", "archive provider account {account}");
        Self {
            client,
            pool,
            store,
            fetcher,
            key: options.key,
            account,
            terms: options.terms,
            last_sent: None,
            registering: None,
            answered: HashMap::new(),
            complete: HashSet::new(),
        }
    }

    /// Does the provider's duties at the new best block `at` (number `now`); returns the block
    /// ranges the store must keep past the hot window.
    pub async fn on_best_block(
        &mut self,
        at: <Block as BlockT>::Hash,
        now: BlockNumber,
    ) -> Vec<(BlockNumber, BlockNumber)> {
        let duties = match self
            .client
            .runtime_api()
            .provider_duties(at, self.account.clone())
        {
            Ok(duties) => duties,
            Err(e) => {
                log::warn!(target: "hegemon-archive", "cannot read the provider's duties: {e}");
                return Vec::new();
            }
        };
        if !duties.registered {
            self.register(at, now).await;
        }
        for &(contract, first, last) in &duties.ranges {
            if !self.complete.contains(&contract) && self.hold_range(at, first, last).await {
                self.complete.insert(contract);
            }
        }
        self.complete
            .retain(|c| duties.ranges.iter().any(|(id, ..)| id == c));
        self.answered
            .retain(|id, _| duties.audits.iter().any(|(open, _)| open == id));
        for (id, audit) in &duties.audits {
            if self
                .answered
                .get(id)
                .is_some_and(|sent| now < sent + RESUBMIT_AFTER)
            {
                continue;
            }
            match self.answer(at, now, *id, audit).await {
                Ok(()) => {
                    self.answered.insert(*id, now);
                    log::info!(
                        target: "hegemon-archive",
                        "answered audit {id}: block #{}, chunk {}",
                        audit.block,
                        audit.index
                    );
                }
                Err(e) => log::warn!(
                    target: "hegemon-archive",
                    "cannot answer audit {id} (block #{}, chunk {}): {e}; the bond is slashed \
                     after block #{} unless it is answered",
                    audit.block,
                    audit.index,
                    audit.deadline
                ),
            }
        }
        duties.ranges.iter().map(|&(_, a, b)| (a, b)).collect()
    }

    async fn register(&mut self, at: <Block as BlockT>::Hash, now: BlockNumber) {
        if self
            .registering
            .is_some_and(|sent| now < sent + RESUBMIT_AFTER)
        {
            return;
        }
        if self.registering.is_some() {
            log::warn!(
                target: "hegemon-archive",
                "still not registered {RESUBMIT_AFTER} blocks after sending the registration; \
                 the account {} must hold the bond ({}) plus fees",
                self.account,
                self.terms.bond
            );
        }
        let Ok(endpoint) = self.terms.endpoint.as_bytes().to_vec().try_into() else {
            log::error!(target: "hegemon-archive", "the archive endpoint is longer than 128 bytes");
            return;
        };
        let call = RuntimeCall::ArchiveMarket(pallet_archive_market::Call::register_provider {
            key: Box::new(*self.key.public_key().as_bytes()),
            bond: self.terms.bond,
            price: self.terms.price,
            capacity: self.terms.capacity,
            endpoint,
        });
        match self.send(at, now, call).await {
            Ok(()) => log::info!(
                target: "hegemon-archive",
                "registering as an archive provider: bond {}, price {}/byte/block, capacity {} \
                 bytes, endpoint {}",
                self.terms.bond,
                self.terms.price,
                self.terms.capacity,
                self.terms.endpoint
            ),
            Err(e) => log::warn!(target: "hegemon-archive", "cannot send the registration: {e}"),
        }
        self.registering = Some(now);
    }

    /// Whether every block in `first..=last` that carries a payload is held, fetching what is
    /// missing from peers.
    async fn hold_range(
        &self,
        at: <Block as BlockT>::Hash,
        first: BlockNumber,
        last: BlockNumber,
    ) -> bool {
        let mut complete = true;
        for number in first..=last {
            if let Err(e) = self.hold_block(at, number).await {
                log::warn!(target: "hegemon-archive", "contracted block #{number}: {e}");
                complete = false;
            }
        }
        complete
    }

    async fn hold_block(
        &self,
        at: <Block as BlockT>::Hash,
        number: BlockNumber,
    ) -> Result<(), String> {
        let Some(commitment) = self.commitment(at, number)? else {
            return Ok(()); // no payload in this block
        };
        if self
            .store
            .holds(&commitment.root)
            .map_err(|e| e.to_string())?
        {
            return Ok(());
        }
        let hash = self
            .client
            .hash(number)
            .map_err(|e| e.to_string())?
            .ok_or("not on this node's chain")?;
        let fetcher = self.fetcher.get().ok_or("the network is not up yet")?;
        let (payload, _) = fetcher.fetch_payload(&commitment, Vec::new()).await?;
        let encoded = hegemon_da::encode(&payload).map_err(|e| e.to_string())?;
        if *encoded.commitment() != commitment {
            return Err("the fetched payload does not match the commitment".into());
        }
        self.store
            .insert(number, hash.into(), &payload, Arc::new(encoded))
            .map_err(|e| e.to_string())?;
        log::info!(
            target: "hegemon-archive",
            "fetched contracted block #{number}'s payload ({} bytes) from peers",
            payload.len()
        );
        Ok(())
    }

    async fn answer(
        &mut self,
        at: <Block as BlockT>::Hash,
        now: BlockNumber,
        id: u64,
        audit: &Audit<BlockNumber>,
    ) -> Result<(), String> {
        let commitment = self
            .commitment(at, audit.block)?
            .ok_or("the audited block has no DA commitment")?;
        let encoded = self
            .store
            .encoded(&commitment.root)
            .map_err(|e| e.to_string())?
            .ok_or("this node does not hold the audited block's payload")?;
        let proof = encoded
            .open(audit.index)
            .map_err(|e| e.to_string())?
            .to_bytes();
        let signature = self
            .key
            .sign(
                &audit_message(id, &proof),
                AUDIT_SIGNING_CONTEXT,
                randomness()?,
            )
            .map_err(|e| e.to_string())?;
        let call = RuntimeCall::ArchiveMarket(pallet_archive_market::Call::respond_audit {
            audit: id,
            proof: proof
                .try_into()
                .map_err(|_| "the chunk proof is too long")?,
            signature: Box::new(*signature.as_bytes()),
        });
        self.send(at, now, call).await
    }

    fn commitment(
        &self,
        at: <Block as BlockT>::Hash,
        number: BlockNumber,
    ) -> Result<Option<DaCommitment>, String> {
        let bytes = self
            .client
            .runtime_api()
            .commitment(at, number)
            .map_err(|e| e.to_string())?;
        bytes
            .map(|b| DaCommitment::from_bytes(&b).map_err(|e| e.to_string()))
            .transpose()
    }

    /// Signs `call` from the provider account and puts it in the pool. Nonces continue past
    /// this node's own transactions still in the pool, and fall back to the chain's once those
    /// are older than [`RESUBMIT_AFTER`] blocks (dropped).
    async fn send(
        &mut self,
        at: <Block as BlockT>::Hash,
        now: BlockNumber,
        call: RuntimeCall,
    ) -> Result<(), String> {
        let chain = self
            .client
            .runtime_api()
            .account_nonce(at, self.account.clone())
            .map_err(|e| e.to_string())?;
        let nonce = match self.last_sent {
            Some((sent, when)) if sent >= chain && now < when + RESUBMIT_AFTER => sent + 1,
            _ => chain,
        };
        let genesis = self.client.info().genesis_hash;
        let xt =
            hegemon_runtime::signed_transaction(call, &self.key, nonce, genesis, randomness()?)
                .map_err(|e| e.to_string())?;
        let xt = sp_runtime::OpaqueExtrinsic::decode(&mut &xt.encode()[..])
            .map_err(|e| e.to_string())?;
        self.pool
            .submit_one(at, TransactionSource::Local, xt)
            .await
            .map_err(|e| format!("the pool refused it: {e}"))?;
        self.last_sent = Some((nonce, now));
        Ok(())
    }
}

/// Hedging randomness for an ML-DSA signature.
fn randomness() -> Result<[u8; 32], String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no OS randomness: {e}"))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("hegemon-{name}-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        path
    }

    #[test]
    fn key_files_round_trip_and_are_never_overwritten() {
        let path = temp("archive-key");
        let key = create_key_file(&path).expect("created");
        let read = read_key_file(&path).expect("read back");
        assert_eq!(account_of(&key), account_of(&read));
        assert!(create_key_file(&path).is_err(), "refuses to overwrite");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn malformed_key_files_say_how_to_make_one() {
        let path = temp("archive-bad-key");
        for text in ["", "zz", &"ab".repeat(31), &"ab".repeat(33)] {
            std::fs::write(&path, text).unwrap();
            let error = read_key_file(&path).expect_err("refused");
            assert!(error.contains("archive-key --out"), "{error}");
        }
        let _ = std::fs::remove_file(&path);
        assert!(read_key_file(&path).is_err(), "missing file");
    }
}
