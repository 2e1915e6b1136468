//! Tests of the request mix and the latency arithmetic: exact percentiles, the curve, the mix's weights.

use super::*;

#[test]
fn percentiles_of_known_inputs_are_exact() {
    let hundred: Vec<u64> = (1..=100).collect();
    assert_eq!(percentile(&hundred, 0.5), Some(50));
    assert_eq!(percentile(&hundred, 0.9), Some(90));
    assert_eq!(percentile(&hundred, 0.99), Some(99));
    assert_eq!(percentile(&hundred, 0.999), Some(100));
    assert_eq!(percentile(&hundred, 1.0), Some(100));
    assert_eq!(percentile(&hundred, 0.0), Some(1));
    let thousand: Vec<u64> = (1..=1000).collect();
    assert_eq!(percentile(&thousand, 0.999), Some(999));
    assert_eq!(percentile(&thousand, 0.5), Some(500));
    assert_eq!(percentile(&[7], 0.5), Some(7));
    assert_eq!(percentile(&[7], 0.999), Some(7));
    assert_eq!(percentile(&[], 0.5), None);
    // Repeated values: the 3rd of 4 is the P75.
    assert_eq!(percentile(&[1, 1, 5, 9], 0.75), Some(5));
    assert_eq!(percentile(&[1, 1, 5, 9], 0.76), Some(9));
}

#[test]
fn summary_reports_milliseconds() {
    let us: Vec<u64> = (1..=1000).map(|i| i * 1000).collect();
    let s = Summary::of(&us);
    assert_eq!(s.requests, 1000);
    assert_eq!(s.p50_ms, Some(500.0));
    assert_eq!(s.p90_ms, Some(900.0));
    assert_eq!(s.p99_ms, Some(990.0));
    assert_eq!(s.p999_ms, Some(999.0));
    assert_eq!(s.max_ms, Some(1000.0));
    assert_eq!(Summary::of(&[]), Summary::default());
}

#[test]
fn nines_match_the_usual_percentiles() {
    assert!((nines(0.5) - std::f64::consts::LOG10_2).abs() < 1e-12);
    assert!((nines(0.9) - 1.0).abs() < 1e-12);
    assert!((nines(0.99) - 2.0).abs() < 1e-12);
    assert!((nines(0.999) - 3.0).abs() < 1e-9);
}

#[test]
fn curve_stops_where_the_data_does() {
    let thousand: Vec<u64> = (1..=1000).map(|i| i * 1000).collect();
    let c = curve(&thousand);
    assert!((c[0].0 - nines(0.5)).abs() < 1e-12);
    assert_eq!(c[0].1, 500.0);
    let (last_x, _) = *c.last().unwrap();
    assert!(last_x <= 3.0 + 1e-9 && last_x > 2.9, "{last_x}");
    assert!(c.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1));
    assert!(curve(&[]).is_empty());
    // One latency: only P50 has it at or above.
    assert_eq!(curve(&[3000]), Vec::<(f64, f64)>::new());
    assert_eq!(curve(&[1000, 3000]).len(), 1);
}

#[test]
fn mix_follows_its_weights_and_replays() {
    let mut rng = SplitMix64::new(client_seed(42, 3));
    let mut counts = [0usize; 3];
    let n = 40_000;
    for _ in 0..n {
        let r = next_request(&mut rng);
        counts[Endpoint::ALL.iter().position(|&e| e == r.endpoint).unwrap()] += 1;
        match r.endpoint {
            Endpoint::Generate => assert_eq!((r.post, r.path.as_str()), (true, "/v1/generate")),
            Endpoint::Embed => assert_eq!((r.post, r.path.as_str()), (true, "/v1/embed")),
            Endpoint::Documents => {
                assert!(!r.post);
                let id: u64 = r
                    .path
                    .strip_prefix("/v1/documents/")
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!(id < DOCUMENT_IDS);
            }
        }
    }
    for ((_, weight), got) in MIX.iter().zip(counts) {
        let want = n as f64 * *weight as f64 / MIX_TOTAL as f64;
        assert!((got as f64 - want).abs() < want * 0.05, "{counts:?}");
    }
    let draw = |seed, i| {
        let mut rng = SplitMix64::new(client_seed(seed, i));
        (0..50).map(|_| next_request(&mut rng)).collect::<Vec<_>>()
    };
    assert_eq!(draw(1, 0), draw(1, 0));
    assert_ne!(draw(1, 0), draw(1, 1));
    assert_ne!(draw(1, 0), draw(2, 0));
}
