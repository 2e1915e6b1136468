//! SplitMix64: a tiny deterministic generator, so results never depend on a `rand` version.

/// The golden-ratio increment of SplitMix64 (Steele, Lea and Flood, 2014): an odd constant
/// whose bits are well spread, so consecutive states differ in about half their bits.
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The 53 bits of an `f64` mantissa: [`SplitMix64::next_f64`] keeps this many random bits, so
/// every value it returns is exact and the largest is `1 − 2⁻⁵³ < 1`.
const F64_MANTISSA_BITS: u32 = 53;

/// A SplitMix64 pseudo-random generator: 64 bits of state, passes BigCrush, and the same seed
/// gives the same sequence on every platform and every version of this crate.
///
/// It is not cryptographic. It is here so that seeded workloads (variable latencies, arrival
/// gaps, matrix inputs) replay exactly.
///
/// # Examples
///
/// ```
/// use betapool_workloads::SplitMix64;
///
/// let mut a = SplitMix64::new(42);
/// let mut b = SplitMix64::new(42);
/// assert_eq!(a.next_u64(), b.next_u64());
/// let x = a.next_f64();
/// assert!((0.0..1.0).contains(&x));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator whose sequence is fixed by `seed`. Every seed, zero included, is fine.
    ///
    /// ```
    /// let mut rng = betapool_workloads::SplitMix64::new(0);
    /// assert_ne!(rng.next_u64(), rng.next_u64());
    /// ```
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    ///
    /// ```
    /// // The first output for seed 0, the published SplitMix64 reference value.
    /// assert_eq!(betapool_workloads::SplitMix64::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    /// ```
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform value in `[0, 1)`, with 53 random bits.
    ///
    /// ```
    /// let mut rng = betapool_workloads::SplitMix64::new(7);
    /// let mean = (0..10_000).map(|_| rng.next_f64()).sum::<f64>() / 10_000.0;
    /// assert!((mean - 0.5).abs() < 0.05);
    /// ```
    pub fn next_f64(&mut self) -> f64 {
        let bits = self.next_u64() >> (64 - F64_MANTISSA_BITS);
        // Exact: `bits` < 2^53 converts without rounding, and the scale is a power of two.
        bits as f64 * (1.0 / (1u64 << F64_MANTISSA_BITS) as f64)
    }
}

#[cfg(test)]
mod tests;
