//! What the inference step hands the model and what it keeps of the answer: rows drawn from a
//! hash of the request, and a short digest of the output rows. Pure, so a test can compute the
//! answer a request should get.

use betapool_workloads::SplitMix64;

/// The FNV-1a offset basis (64-bit): the hash of nothing.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// The FNV-1a prime (64-bit).
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a over `bytes`, continuing from `hash`: a few lines, stable across Rust versions and
/// platforms (unlike `DefaultHasher`), which is what a digest clients compare needs.
fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

/// The model's input for a request: `rows` rows of `width` values in [−1, 1), drawn from a
/// generator seeded with a hash of the method, the URL (with its query) and the body. The same
/// request always gives the same rows; requests that differ in any byte give unrelated ones.
///
/// ```
/// use inference_server::model_rows;
///
/// let rows = model_rows("POST", "/v1/generate", b"{\"prompt\":\"hello\"}", 2, 16);
/// assert_eq!(rows.len(), 2);
/// assert!(rows.iter().all(|r| r.len() == 16 && r.iter().all(|v| (-1.0..1.0).contains(v))));
/// assert_eq!(rows, model_rows("POST", "/v1/generate", b"{\"prompt\":\"hello\"}", 2, 16));
/// assert_ne!(rows, model_rows("POST", "/v1/generate", b"{\"prompt\":\"bye\"}", 2, 16));
/// ```
pub fn model_rows(
    method: &str,
    url: &str,
    body: &[u8],
    rows: usize,
    width: usize,
) -> Vec<Vec<f32>> {
    // A separator that cannot occur in a method or URL keeps ("GE", "T/x") apart from ("GET", "/x").
    let key = [method.as_bytes(), url.as_bytes(), body]
        .iter()
        .fold(FNV_OFFSET, |h, part| fnv1a(fnv1a(h, part), &[0xff]));
    let mut rng = SplitMix64::new(key);
    (0..rows)
        .map(|_| {
            (0..width)
                // f64 in [0, 1) to f32 may round up to 1.0; the clamp keeps the range half-open.
                .map(|_| ((rng.next_f64() * 2.0 - 1.0) as f32).min(1.0 - f32::EPSILON))
                .collect()
        })
        .collect()
}

/// A short digest of the model's output rows: FNV-1a over every value's bits, in order, as 16
/// hex digits. Equal outputs give equal digests, so a client (or a test) can check that its
/// answer came from the model without the answer carrying every value.
///
/// ```
/// use inference_server::output_digest;
///
/// let d = output_digest(&[vec![0.5, -1.0], vec![2.0]]);
/// assert_eq!(d.len(), 16);
/// assert_eq!(d, output_digest(&[vec![0.5, -1.0], vec![2.0]]));
/// assert_ne!(d, output_digest(&[vec![0.5, -1.0], vec![2.5]]));
/// ```
pub fn output_digest(outputs: &[Vec<f32>]) -> String {
    let hash = outputs
        .iter()
        .flatten()
        .fold(FNV_OFFSET, |h, v| fnv1a(h, &v.to_bits().to_le_bytes()));
    format!("{hash:016x}")
}
