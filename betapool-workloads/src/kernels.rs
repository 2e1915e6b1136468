//! The CPU kernels behind the matrix and Fibonacci tasks: a dense matrix product on seeded
//! inputs, and the naive doubly recursive Fibonacci.

use std::fmt;
use std::hint::black_box;

use crate::rng::SplitMix64;

/// The seed of every matrix task's inputs. Fixed, so that a given size always multiplies the
/// same two matrices and its checksum is the same on every run.
const MATRIX_SEED: u64 = 0x6D61_7472_6978; // "matrix" in ASCII

/// Two `size × size` matrices of values in `[0, 1)` (NumPy's `np.random.rand`, seeded), built
/// once per prepared task and shared by every run of it.
#[derive(Clone, PartialEq)]
pub(crate) struct MatrixInputs {
    size: usize,
    a: Vec<f64>,
    b: Vec<f64>,
}

impl MatrixInputs {
    /// Seeded inputs of `size × size`; `size` is at least 1.
    pub(crate) fn new(size: usize) -> MatrixInputs {
        let size = size.max(1);
        let mut rng = SplitMix64::new(MATRIX_SEED ^ size as u64);
        let mut fill = || {
            (0..size * size)
                .map(|_| rng.next_f64())
                .collect::<Vec<f64>>()
        };
        let a = fill();
        let b = fill();
        MatrixInputs { size, a, b }
    }

    /// Computes `a × b` into a fresh matrix (the task's own memory traffic, as NumPy's result
    /// array is) and returns a checksum of every bit of the product.
    ///
    /// The loop order is i-k-j so the inner loop walks both `b` and the product row by row,
    /// as any sensible dense kernel does; the result does not depend on the thread it runs on.
    pub(crate) fn multiply(&self) -> u64 {
        let n = self.size;
        let mut c = vec![0.0_f64; n * n];
        for (a_row, c_row) in self.a.chunks_exact(n).zip(c.chunks_exact_mut(n)) {
            for (&a_ik, b_row) in a_row.iter().zip(self.b.chunks_exact(n)) {
                for (c_ij, &b_kj) in c_row.iter_mut().zip(b_row) {
                    *c_ij += a_ik * b_kj;
                }
            }
        }
        black_box(&c);
        c.iter().fold(0, |h, x| mix(h, x.to_bits()))
    }
}

impl fmt::Debug for MatrixInputs {
    // The inputs are up to two million numbers: show their shape, not their values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MatrixInputs")
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

/// The `n`-th Fibonacci number by naive double recursion (the seed's "extreme GIL holding"
/// task): about φⁿ calls, so its cost grows by ~1.6× per step of `n`.
///
/// `n` passes through `black_box` so the compiler cannot fold the whole call tree away.
pub(crate) fn fibonacci(n: u32) -> u64 {
    fn fib(n: u32) -> u64 {
        if n < 2 {
            u64::from(n)
        } else {
            fib(black_box(n - 1)).wrapping_add(fib(black_box(n - 2)))
        }
    }
    fib(black_box(n))
}

/// Folds `value` into the running checksum `h` (a rotate, xor and odd multiply: every input
/// bit reaches the result, and the order of values matters).
pub(crate) fn mix(h: u64, value: u64) -> u64 {
    (h.rotate_left(5) ^ value).wrapping_mul(0x2545_F491_4F6C_DD1D)
}

#[cfg(test)]
mod tests;
