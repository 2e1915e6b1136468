//! Unit tests of the matrix and Fibonacci kernels.

use super::*;

#[test]
fn matrix_checksum_is_deterministic() {
    let first = MatrixInputs::new(16).multiply();
    assert_eq!(first, MatrixInputs::new(16).multiply());
    assert_ne!(first, MatrixInputs::new(17).multiply());
}

#[test]
fn matrix_product_is_right_for_one_by_one() {
    let m = MatrixInputs::new(1);
    let expected = mix(0, (m.a[0] * m.b[0]).to_bits());
    assert_eq!(m.multiply(), expected);
}

#[test]
fn size_zero_is_taken_as_one() {
    assert_eq!(MatrixInputs::new(0), MatrixInputs::new(1));
}

#[test]
fn debug_shows_the_shape_only() {
    let text = format!("{:?}", MatrixInputs::new(8));
    assert!(text.contains("size: 8"), "{text}");
    assert!(text.len() < 60, "{text}");
}

#[test]
fn fibonacci_values() {
    let expected = [0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55];
    for (n, want) in expected.iter().enumerate() {
        assert_eq!(fibonacci(n as u32), *want);
    }
    assert_eq!(fibonacci(25), 75_025);
}
