//! The soak's random choices: every one derives from the seed, and each kind of choice mixes
//! in its own salt so that the streams of draws are unrelated.

use betapool_workloads::SplitMix64;

/// Mixed into the seed for each random choice, so that the streams of draws are unrelated.
pub(crate) const POISSON_SALT: u64 = 0x5041_1550_0000_0001;
/// See [`POISSON_SALT`].
pub(crate) const BURST_SALT: u64 = 0xB025_7000_0000_0002;
/// See [`POISSON_SALT`].
pub(crate) const KIND_SALT: u64 = 0x0C1D_0000_0000_0003;
/// See [`POISSON_SALT`].
pub(crate) const PANIC_SALT: u64 = 0x9A1C_0000_0000_0004;

/// A draw that depends only on the salted seed and the task id.
pub(crate) fn draw(seed: u64, salt: u64, id: usize) -> u64 {
    SplitMix64::new(seed ^ salt ^ id as u64).next_u64()
}
