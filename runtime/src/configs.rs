//! One `Config` per pallet.

use frame_support::dispatch::DispatchClass;
use frame_support::{
    derive_impl, parameter_types,
    traits::{ConstU8, ConstU32, ConstU64, ConstU128, VariantCountOf},
    weights::{IdentityFee, constants::ParityDbWeight},
};
use frame_system::limits::{BlockLength, BlockWeights};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_runtime::{Perbill, traits::One};

use super::*;

const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);
/// Largest block body.
const MAX_BLOCK_LENGTH: u32 = 8 * 1024 * 1024;

parameter_types! {
    pub const BlockHashCount: BlockNumber = 2400;
    pub const Version: RuntimeVersion = VERSION;
    pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(MAX_BLOCK_WEIGHT, NORMAL_DISPATCH_RATIO);
    /// 8 MiB bodies: a 1,024-transfer batch carries 1,024 × (416 B inputs + ~92 KB proof) until
    /// proofs move to the DA sidecar, so large batches are split across calls.
    pub RuntimeBlockLength: BlockLength = BlockLength::builder()
        .max_length(MAX_BLOCK_LENGTH)
        .modify_max_length_for_class(DispatchClass::Normal, |max| *max = NORMAL_DISPATCH_RATIO * *max)
        .build();
    pub const SS58Prefix: u16 = 42;
}

/// System: ML-DSA accounts, 10 s target blocks, ParityDb weights.
#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
    type Block = Block;
    type BlockWeights = RuntimeBlockWeights;
    type BlockLength = RuntimeBlockLength;
    type AccountId = AccountId;
    type Nonce = Nonce;
    type Hash = Hash;
    type BlockHashCount = BlockHashCount;
    type DbWeight = ParityDbWeight;
    type Version = Version;
    type AccountData = pallet_balances::AccountData<Balance>;
    type SS58Prefix = SS58Prefix;
    type MaxConsumers = ConstU32<16>;
}

/// Timestamps: set by the block author from its clock. Proof of work sets the pace, so the
/// minimum gap is 1 ms: a larger one pushes stamps ahead of the wall clock whenever blocks come
/// faster than it (a dev chain settling its difficulty), until peers refuse them as too far in
/// the future (`docs/spec/runtime.md#timestamps`).
impl pallet_timestamp::Config for Runtime {
    type Moment = u64;
    type OnTimestampSet = ();
    type MinimumPeriod = ConstU64<1>;
    type WeightInfo = ();
}

/// Smallest transparent balance an account may hold.
pub const EXISTENTIAL_DEPOSIT: Balance = 1_000;

/// Transparent balances of the native asset.
impl pallet_balances::Config for Runtime {
    type MaxLocks = ConstU32<50>;
    type MaxReserves = ();
    type ReserveIdentifier = [u8; 8];
    type Balance = Balance;
    type RuntimeEvent = RuntimeEvent;
    type DustRemoval = ();
    type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
    type AccountStore = System;
    type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
    type FreezeIdentifier = RuntimeFreezeReason;
    type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
    type RuntimeHoldReason = RuntimeHoldReason;
    type RuntimeFreezeReason = RuntimeFreezeReason;
    type DoneSlashHandler = ();
}

parameter_types! {
    pub FeeMultiplier: Multiplier = Multiplier::one();
}

/// Fees of signed (transparent) transactions: by weight and length, no tips for priority.
impl pallet_transaction_payment::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type OnChargeTransaction = FungibleAdapter<Balances, ()>;
    type OperationalFeeMultiplier = ConstU8<5>;
    type WeightToFee = IdentityFee<Balance>;
    type LengthToFee = IdentityFee<Balance>;
    type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
    type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

/// Proof verification through the node's native host function (a consensus rule: every node
/// registers `hegemon_proof_host::shielded_proofs::HostFunctions`).
pub struct HostProofVerifier;
impl pallet_shielded_pool::VerifyProofs for HostProofVerifier {
    fn verify_batch(
        items: alloc::vec::Vec<(alloc::vec::Vec<u8>, alloc::vec::Vec<u8>)>,
    ) -> alloc::vec::Vec<bool> {
        hegemon_proof_host::shielded_proofs::verify_transactions(items)
    }

    fn verify_aggregate(public_inputs: alloc::vec::Vec<u8>, proof: alloc::vec::Vec<u8>) -> bool {
        hegemon_proof_host::shielded_proofs::verify_aggregate(&public_inputs, &proof)
    }
}

parameter_types! {
    /// Anchors stay valid for about an hour of blocks.
    pub const AnchorWindow: u32 = 360;
}

/// Native units minted to each block's author's shielded address (plus fees).
pub const BLOCK_REWARD: u64 = 50_000_000;

/// The shielded pool.
impl pallet_shielded_pool::Config for Runtime {
    type ProofVerifier = HostProofVerifier;
    type Fees = FeeLanes;
    type OnTransferApplied = FeeLanes;
    type Currency = Balances;
    type BlockReward = ConstU64<BLOCK_REWARD>;
    type MaxTransfersPerBatch = ConstU32<1024>;
    type AnchorWindow = AnchorWindow;
    type WeightInfo = ();
}

parameter_types! {
    /// Nodes serve a block's DA chunks for 7 days of blocks.
    pub const DaRetention: BlockNumber = 7 * DAYS;
}

/// Data availability: one commitment per block, 7-day hot retention by default.
impl pallet_data_availability::Config for Runtime {
    type DefaultRetention = DaRetention;
}

/// Difficulty: retarget each block over the last 60 intervals toward 10 s, at most 4× per block.
impl pallet_difficulty::Config for Runtime {
    type TargetBlockTime = ConstU64<TARGET_BLOCK_TIME_MS>;
    type Window = ConstU32<60>;
    type MaxAdjustment = ConstU64<4>;
    type MinDifficulty = ConstU128<1>;
}

/// Fee lanes: the public fee schedule (genesis) and the forced-inclusion lane. A forced transfer
/// falls due 60 blocks (10 minutes) after posting, well inside the 360-block anchor window.
impl pallet_fee_lanes::Config for Runtime {
    type BondCurrency = Balances;
    type ForcedBond = ConstU128<{ 1_000 * EXISTENTIAL_DEPOSIT }>;
    type InclusionDelay = ConstU32<60>;
    type MaxDuePerBlock = ConstU32<64>;
}

/// The archive market reads old DA commitments from the data-availability pallet.
pub struct StoredDaCommitments;
impl pallet_archive_market::DaCommitments<BlockNumber> for StoredDaCommitments {
    fn commitment(block: BlockNumber) -> Option<hegemon_da::DaCommitment> {
        DataAvailability::commitment(block)
    }
}

parameter_types! {
    pub const ArchivePalletId: frame_support::PalletId = frame_support::PalletId(*b"hgm/arch");
    pub const ArchiveSlash: Perbill = Perbill::from_percent(10);
}

/// Archive market: an audit every 100 blocks (~17 min), 30 blocks to answer, 10 % slashed per
/// miss; a contract covers at most 1,000 blocks (its DA commitments are read when bought).
impl pallet_archive_market::Config for Runtime {
    type Currency = Balances;
    type Da = StoredDaCommitments;
    type PalletId = ArchivePalletId;
    type MinBond = ConstU128<{ 10_000 * EXISTENTIAL_DEPOSIT }>;
    type AuditPeriod = ConstU32<100>;
    type AuditWindow = ConstU32<30>;
    type SlashFraction = ArchiveSlash;
    type MaxContracts = ConstU32<256>;
    type MaxRangeBlocks = ConstU32<1_000>;
}
