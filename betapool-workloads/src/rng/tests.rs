//! Unit tests of the SplitMix64 generator.

use super::*;

#[test]
fn same_seed_same_sequence() {
    let mut a = SplitMix64::new(123);
    let mut b = SplitMix64::new(123);
    for _ in 0..1000 {
        assert_eq!(a.next_u64(), b.next_u64());
    }
}

#[test]
fn different_seeds_differ() {
    assert_ne!(SplitMix64::new(1).next_u64(), SplitMix64::new(2).next_u64());
}

#[test]
fn reference_values_for_seed_zero() {
    // The published SplitMix64 outputs for seed 0.
    let mut rng = SplitMix64::new(0);
    assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
    assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    assert_eq!(rng.next_u64(), 0x06C4_5D18_8009_454F);
}

#[test]
fn floats_stay_in_the_half_open_unit_interval() {
    let mut rng = SplitMix64::new(99);
    for _ in 0..100_000 {
        let x = rng.next_f64();
        assert!((0.0..1.0).contains(&x), "{x}");
    }
}
