//! Tests of the protobuf encoder and of the model file's determinism and layout.

use super::*;

fn varint(value: u64) -> Vec<u8> {
    let mut out = Vec::new();
    put_varint(&mut out, value);
    out
}

#[test]
fn varints_are_base_128_least_significant_first() {
    assert_eq!(varint(0), [0x00]);
    assert_eq!(varint(1), [0x01]);
    assert_eq!(varint(127), [0x7f]);
    assert_eq!(varint(128), [0x80, 0x01]);
    // The protobuf documentation's own example.
    assert_eq!(varint(300), [0xac, 0x02]);
    assert_eq!(varint(u64::MAX).len(), 10);
}

#[test]
fn fields_carry_their_number_and_wire_type() {
    let mut inner = Message::default();
    inner.varint(1, 150);
    assert_eq!(inner.bytes, [0x08, 0x96, 0x01]);
    let mut outer = Message::default();
    outer.string(2, "hi");
    outer.message(3, &inner);
    // Field 20 needs a two-byte key: (20 << 3) | 0 = 160.
    outer.varint(20, 2);
    assert_eq!(
        outer.bytes,
        [
            0x12, 2, b'h', b'i', 0x1a, 3, 0x08, 0x96, 0x01, 0xa0, 0x01, 0x02
        ]
    );
}

#[test]
fn the_model_is_the_same_bytes_every_time() {
    let first = model_bytes(&mlp::layers());
    let second = model_bytes(&mlp::layers());
    assert_eq!(first, second);
    // ir_version = 7 comes first.
    assert_eq!(first[..2], [0x08, 0x07]);
}

#[test]
fn the_model_holds_every_weight_once() {
    let layers = mlp::layers();
    let bytes = model_bytes(&layers);
    let weights: usize = layers.iter().map(|l| l.weight.len() + l.bias.len()).sum();
    // 16·64 + 64 + 64·64 + 64 + 64·8 + 8 floats, plus under 1 KiB of names and shapes.
    assert_eq!(weights, 5_768);
    assert!(bytes.len() > 4 * weights);
    assert!(bytes.len() < 4 * weights + 1024, "{} bytes", bytes.len());
    let first: Vec<u8> = layers[0].weight[..4]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let found = bytes.windows(first.len()).filter(|w| *w == first).count();
    assert_eq!(found, 1);
}

#[test]
fn weights_are_within_their_bound_and_exact_multiples_of_it() {
    for layer in mlp::layers() {
        let bound = 1.0 / (layer.inputs as f32).sqrt();
        for &w in layer.weight.iter().chain(&layer.bias) {
            assert!((-bound..bound).contains(&w), "{w} outside ±{bound}");
            // A multiple of bound · 2⁻²³, so the value is the same on every platform.
            let steps = w / bound * (1u32 << 23) as f32;
            assert_eq!(steps, steps.trunc());
        }
    }
}

#[test]
fn the_first_difference_is_named() {
    assert_eq!(first_difference(b"abc", b"abc"), None);
    assert_eq!(first_difference(b"abc", b"abd"), Some(2));
    assert_eq!(first_difference(b"ab", b"abc"), Some(2));
    assert_eq!(first_difference(b"", b"a"), Some(0));
}

#[test]
fn check_fails_on_a_different_or_missing_file() {
    let dir = std::env::temp_dir().join(format!("xtask-gen-model-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("m.onnx");
    std::fs::write(&path, b"abc").unwrap();
    assert!(check_file(&path, b"abc").is_ok());
    let err = check_file(&path, b"abd").unwrap_err().to_string();
    assert!(err.contains("first difference at byte 2"), "{err}");
    assert!(err.contains("cargo xtask gen-model"), "{err}");
    let missing = dir.join("missing.onnx");
    let err = format!("{:#}", check_file(&missing, b"abc").unwrap_err());
    assert!(err.contains("missing.onnx"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
