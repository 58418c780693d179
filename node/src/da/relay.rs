//! Ciphertext relay, `/hegemon/ciphertexts/1`. Transfers reach every pool by transaction gossip,
//! but their ciphertexts do not travel with them: they go to the DA payload, not the body. A node
//! whose pool gains a transfer whose ciphertexts it lacks asks its peers for them, checks them
//! against the hashes the transfer's proof binds, and holds them, so any miner can include any
//! pooled transfer.
//!
//! Request: SCALE `Vec<[u8; 32]>` of transfer hashes (at most [`MAX_HASHES`]).
//! Response: SCALE `Vec<Option<[Vec<u8>; 2]>>`, one entry per hash.

use std::{sync::Arc, time::Duration};

use codec::{Decode, Encode};
use futures::StreamExt;
use hegemon_runtime::opaque::Block;
use pallet_shielded_pool::ShieldedTransfer;
use sc_network::{
    IfDisconnected, ProtocolName,
    config::{IncomingRequest, OutgoingResponse},
    service::traits::NetworkService,
};
use sc_transaction_pool_api::{InPoolTransaction, TransactionPool};

use super::{
    payload::transfer_of,
    protocol::PeerSource,
    sidecar::{Ciphertexts, Sidecar},
};

/// The protocol's name.
pub const PROTOCOL: &str = "/hegemon/ciphertexts/1";
/// Most transfer hashes in one request.
pub const MAX_HASHES: usize = 64;
/// Largest request.
pub const MAX_REQUEST_BYTES: u64 = 5 + 32 * MAX_HASHES as u64;
/// Largest response: two ciphertexts per hash, with SCALE framing.
pub const MAX_RESPONSE_BYTES: u64 = 5 + MAX_HASHES as u64 * (1 + 2 * (5 + 2_141));
/// How long one request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// Answers ciphertext requests from the sidecar until the network shuts down.
pub async fn serve(sidecar: Sidecar, requests: async_channel::Receiver<IncomingRequest>) {
    let mut requests = std::pin::pin!(requests);
    while let Some(request) = requests.next().await {
        let result = match Vec::<[u8; 32]>::decode(&mut &request.payload[..]) {
            Ok(hashes) if hashes.len() <= MAX_HASHES => Ok(hashes
                .iter()
                .map(|h| sidecar.ciphertexts(h))
                .collect::<Vec<_>>()
                .encode()),
            _ => Err(()),
        };
        let _ = request.pending_response.send(OutgoingResponse {
            result,
            reputation_changes: Vec::new(),
            sent_feedback: None,
        });
    }
}

/// Whether `ciphertexts` are the ones `transfer`'s proof binds.
pub fn ciphertexts_match(transfer: &ShieldedTransfer, ciphertexts: &Ciphertexts) -> bool {
    let Ok(public) =
        transaction_circuit::TransactionPublicInputs::from_bytes(&transfer.public_inputs)
    else {
        return false;
    };
    ciphertexts
        .iter()
        .zip(public.ciphertext_hashes)
        .all(|(c, hash)| hegemon_crypto::spec::ciphertext_hash(c) == hash)
}

/// Watches the pool; fetches the ciphertexts of every new transfer this node lacks.
pub async fn fetch_missing<P>(
    pool: Arc<P>,
    sidecar: Sidecar,
    network: Arc<dyn NetworkService>,
    peers: PeerSource,
) where
    P: TransactionPool<Block = Block> + 'static,
{
    let mut imported = pool.import_notification_stream();
    while let Some(tx_hash) = imported.next().await {
        let Some(tx) = pool.ready_transaction(&tx_hash) else {
            continue;
        };
        let Some(transfer) = transfer_of(tx.data()) else {
            continue;
        };
        let hash = transfer.hash();
        if sidecar.ciphertexts(&hash).is_some() {
            continue;
        }
        for peer in peers().await {
            let response = network
                .request(
                    peer,
                    ProtocolName::from(PROTOCOL),
                    vec![hash].encode(),
                    None,
                    IfDisconnected::ImmediateError,
                )
                .await;
            let Ok((bytes, _)) = response else { continue };
            let Ok(answers) = Vec::<Option<Ciphertexts>>::decode(&mut &bytes[..]) else {
                continue;
            };
            match answers.into_iter().next().flatten() {
                Some(ciphertexts) if ciphertexts_match(&transfer, &ciphertexts) => {
                    sidecar.add_ciphertexts(hash, ciphertexts);
                    break;
                }
                Some(_) => log::debug!(
                    target: "hegemon-da",
                    "peer {peer} sent ciphertexts that do not match their transfer"
                ),
                None => {}
            }
        }
    }
}
