//! The definition of `mlp.onnx`: its layer sizes and its weights, drawn from a fixed seed.
//!
//! Two crates compile this one file with `#[path]`: `cargo xtask gen-model`, which encodes
//! these weights into `mlp.onnx`, and inference-server's `tests/onnx.rs`, which computes a
//! plain-Rust forward pass from them to check what tract computes from the file. Sharing the
//! file keeps one definition of the model without making xtask or the example depend on each
//! other. It uses nothing but `core`, so it compiles the same in both.
//!
//! The network: `x` [N, 16] → Gemm 16→64 → Relu → Gemm 64→64 → Relu → Gemm 64→8 → `y` [N, 8],
//! each Gemm `x · Wᵀ + b` with `W` stored [outputs, inputs] (`transB = 1`, as PyTorch exports
//! a `Linear`).

/// The width of one input row.
pub(crate) const INPUT_WIDTH: usize = 16;

/// The width of one output row.
pub(crate) const OUTPUT_WIDTH: usize = 8;

/// The layers' (inputs, outputs), in order: two hidden layers of 64. At these sizes one row
/// costs about 11 000 multiply-adds, a few microseconds on one core, so the fixed cost of a
/// model run is a visible share of a batch of one and batching pays.
pub(crate) const LAYERS: [(usize, usize); 3] = [(INPUT_WIDTH, 64), (64, 64), (64, OUTPUT_WIDTH)];

/// The seed the weights are drawn from. Any value works; changing it changes `mlp.onnx`.
pub(crate) const WEIGHT_SEED: u64 = 0x6265_7461_706f_6f6c;

/// One fully connected layer: `weight` is row-major `[outputs][inputs]`, `bias` has `outputs`
/// values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layer {
    pub(crate) inputs: usize,
    pub(crate) outputs: usize,
    pub(crate) weight: Vec<f32>,
    pub(crate) bias: Vec<f32>,
}

/// Every layer of the model, with its weights drawn from [`WEIGHT_SEED`].
///
/// Each weight and bias is uniform in [−1/√inputs, 1/√inputs) (PyTorch's default for a
/// `Linear`), drawn in order: layer by layer, the weight row by row, then the bias. Every
/// value is exact on every platform: [`SplitMix64::next_unit`] is a multiple of 2⁻²⁴ and the
/// layer widths are powers of four, so the bound is a power of two.
pub(crate) fn layers() -> Vec<Layer> {
    let mut rng = SplitMix64::new(WEIGHT_SEED);
    LAYERS
        .iter()
        .map(|&(inputs, outputs)| {
            let bound = inverse_sqrt(inputs);
            let mut draw = |n: usize| -> Vec<f32> {
                (0..n)
                    .map(|_| (2.0 * rng.next_unit() - 1.0) * bound)
                    .collect()
            };
            let weight = draw(inputs * outputs);
            let bias = draw(outputs);
            Layer {
                inputs,
                outputs,
                weight,
                bias,
            }
        })
        .collect()
}

/// 1/√n in f32, exact when `n` is a power of four (every width of [`LAYERS`]).
fn inverse_sqrt(n: usize) -> f32 {
    // The widths are small, so the conversion to f64 is exact.
    (1.0 / (n as f64).sqrt()) as f32
}

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014):
/// a 64-bit state advanced by a constant and mixed by two multiply-xorshift rounds. Small,
/// fast, and defined by the three constants below, so anyone can regenerate the weights.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A value in [0, 1): the top 24 bits over 2²⁴, which an f32 holds exactly.
    pub(crate) fn next_unit(&mut self) -> f32 {
        // 24 bits fit the f32 mantissa, so both the conversion and the division are exact.
        (self.next_u64() >> 40) as f32 / (1u32 << 24) as f32
    }
}
