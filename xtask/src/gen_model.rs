//! `cargo xtask gen-model [--check]`: writes the inference server's example network,
//! `examples/inference-server/models/mlp.onnx`, from its definition in `models/mlp.rs` (sizes
//! and seeded weights); `--check` fails if the committed file differs from what it would write.
//!
//! The ONNX protobuf is encoded here by hand (varints and length-delimited fields, about a
//! hundred lines) rather than with a protobuf crate, so the task adds no dependency and its
//! output is the same bytes on every machine: fields go out in a fixed order and nothing in
//! the file depends on the time, the host or a tool's version. Field numbers are those of
//! `onnx/onnx.proto` (ONNX 1.8 and later), cited at each message.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::cmd;

#[path = "../../examples/inference-server/models/mlp.rs"]
mod mlp;

/// Where the model goes, from the workspace root.
const MODEL_PATH: &str = "examples/inference-server/models/mlp.onnx";

/// The IR version the file declares: 7 is the one ONNX 1.8 wrote with opset 13, so any reader
/// that knows opset 13 reads it.
const IR_VERSION: u64 = 7;

/// The default-domain opset the nodes use: Gemm and Relu as of opset 13 (their latest
/// definitions), which tract implements.
const OPSET_VERSION: u64 = 13;

/// `TensorProto.DataType.FLOAT`.
const DATA_TYPE_FLOAT: u64 = 1;

/// `AttributeProto.AttributeType.INT`.
const ATTRIBUTE_TYPE_INT: u64 = 2;

/// The symbolic batch dimension of the input and the output.
const BATCH_DIM: &str = "N";

pub(crate) fn run(args: &[String]) -> Result<()> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => bail!(
            "gen-model takes no argument but `--check`, got `{}`",
            args.join(" ")
        ),
    };
    let path = cmd::root().join(MODEL_PATH);
    let bytes = model_bytes(&mlp::layers());
    if check {
        check_file(&path, &bytes)
    } else {
        std::fs::write(&path, &bytes)
            .with_context(|| format!("could not write {}", path.display()))?;
        eprintln!(
            "xtask gen-model: wrote {} ({} bytes)",
            path.display(),
            bytes.len()
        );
        Ok(())
    }
}

/// Fails unless the file at `path` holds exactly `expected`, naming the first difference.
fn check_file(path: &Path, expected: &[u8]) -> Result<()> {
    let found = std::fs::read(path).with_context(|| {
        format!(
            "could not read {} (run `cargo xtask gen-model` to write it)",
            path.display()
        )
    })?;
    match first_difference(&found, expected) {
        None => {
            eprintln!("xtask gen-model: {} is up to date", path.display());
            Ok(())
        }
        Some(at) => bail!(
            "{} differs from what `cargo xtask gen-model` writes: {} bytes committed, {} \
             generated, first difference at byte {at}; run `cargo xtask gen-model` and commit \
             the file",
            display(path),
            found.len(),
            expected.len()
        ),
    }
}

/// The path relative to the root when it is under it, for a shorter message.
fn display(path: &Path) -> String {
    let root = cmd::root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The index of the first byte where `a` and `b` differ (the shorter one's length if one is a
/// prefix of the other), or `None` when they are equal.
fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    if a == b {
        return None;
    }
    Some(
        a.iter()
            .zip(b)
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len())),
    )
}

// ---------------------------------------------------------------------------------------
// The ONNX messages.
// ---------------------------------------------------------------------------------------

/// The whole file: a `ModelProto` (ir_version = 1, producer_name = 2, doc_string = 6,
/// graph = 7, opset_import = 8).
fn model_bytes(layers: &[mlp::Layer]) -> Vec<u8> {
    let mut model = Message::default();
    model.varint(1, IR_VERSION);
    model.string(2, "betapool-rs xtask gen-model");
    model.string(
        6,
        &format!(
            "A multilayer perceptron with weights drawn by SplitMix64 from seed {:#x} \
             (examples/inference-server/models/mlp.rs).",
            mlp::WEIGHT_SEED
        ),
    );
    model.message(7, &graph(layers));
    // OperatorSetIdProto: domain = 1 (absent: the default domain), version = 2.
    let mut opset = Message::default();
    opset.varint(2, OPSET_VERSION);
    model.message(8, &opset);
    model.bytes
}

/// The `GraphProto` (node = 1, name = 2, initializer = 5, input = 11, output = 12): for each
/// layer a Gemm, and a Relu after every layer but the last.
fn graph(layers: &[mlp::Layer]) -> Message {
    let mut graph = Message::default();
    let mut previous = "x".to_owned();
    for i in 0..layers.len() {
        let fc = format!("fc{}", i + 1);
        let last = i + 1 == layers.len();
        let gemm_out = if last {
            "y".to_owned()
        } else {
            format!("{fc}.out")
        };
        let inputs = [
            previous.as_str(),
            &format!("{fc}.weight"),
            &format!("{fc}.bias"),
        ];
        graph.message(
            1,
            &node(&fc, "Gemm", &inputs, &gemm_out, Some(("transB", 1))),
        );
        previous = gemm_out;
        if !last {
            let relu = format!("relu{}", i + 1);
            let relu_out = format!("{relu}.out");
            graph.message(1, &node(&relu, "Relu", &[&previous], &relu_out, None));
            previous = relu_out;
        }
    }
    graph.string(2, "mlp");
    for (i, layer) in layers.iter().enumerate() {
        let fc = format!("fc{}", i + 1);
        let weight_dims = [layer.outputs as u64, layer.inputs as u64];
        graph.message(
            5,
            &tensor(&format!("{fc}.weight"), &weight_dims, &layer.weight),
        );
        graph.message(
            5,
            &tensor(&format!("{fc}.bias"), &[layer.outputs as u64], &layer.bias),
        );
    }
    graph.message(11, &value_info("x", mlp::INPUT_WIDTH as u64));
    graph.message(12, &value_info("y", mlp::OUTPUT_WIDTH as u64));
    graph
}

/// A `NodeProto` (input = 1, output = 2, name = 3, op_type = 4, attribute = 5) with at most one
/// integer attribute: an `AttributeProto` (name = 1, i = 3, type = 20).
fn node(name: &str, op: &str, inputs: &[&str], output: &str, int: Option<(&str, u64)>) -> Message {
    let mut node = Message::default();
    for input in inputs {
        node.string(1, input);
    }
    node.string(2, output);
    node.string(3, name);
    node.string(4, op);
    if let Some((key, value)) = int {
        let mut attribute = Message::default();
        attribute.string(1, key);
        attribute.varint(3, value);
        attribute.varint(20, ATTRIBUTE_TYPE_INT);
        node.message(5, &attribute);
    }
    node
}

/// A float `TensorProto` (dims = 1, data_type = 2, name = 8, raw_data = 9): the values as
/// little-endian IEEE 754, row-major, as `raw_data` requires.
fn tensor(name: &str, dims: &[u64], values: &[f32]) -> Message {
    let mut tensor = Message::default();
    // proto2 `repeated int64` without `packed`: one field per dimension.
    for &dim in dims {
        tensor.varint(1, dim);
    }
    tensor.varint(2, DATA_TYPE_FLOAT);
    tensor.string(8, name);
    let raw: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    tensor.len_delimited(9, &raw);
    tensor
}

/// A `ValueInfoProto` (name = 1, type = 2) of a float tensor [N, `width`]: a `TypeProto` with
/// tensor_type = 1, a `TypeProto.Tensor` (elem_type = 1, shape = 2), a `TensorShapeProto`
/// (dim = 1) and two `Dimension`s (dim_value = 1, dim_param = 2).
fn value_info(name: &str, width: u64) -> Message {
    let mut batch = Message::default();
    batch.string(2, BATCH_DIM);
    let mut row = Message::default();
    row.varint(1, width);
    let mut shape = Message::default();
    shape.message(1, &batch);
    shape.message(1, &row);
    let mut tensor_type = Message::default();
    tensor_type.varint(1, DATA_TYPE_FLOAT);
    tensor_type.message(2, &shape);
    let mut type_proto = Message::default();
    type_proto.message(1, &tensor_type);
    let mut info = Message::default();
    info.string(1, name);
    info.message(2, &type_proto);
    info
}

// ---------------------------------------------------------------------------------------
// The protobuf wire format: only the two wire types these messages use.
// ---------------------------------------------------------------------------------------

/// Wire type 0: a varint (int32, int64, enums).
const WIRE_VARINT: u64 = 0;

/// Wire type 2: a length-delimited field (strings, bytes, embedded messages).
const WIRE_LEN: u64 = 2;

/// One encoded protobuf message, its fields appended in the order they are written.
#[derive(Debug, Default)]
struct Message {
    bytes: Vec<u8>,
}

impl Message {
    fn key(&mut self, field: u64, wire_type: u64) {
        put_varint(&mut self.bytes, (field << 3) | wire_type);
    }

    /// A non-negative integer field. Every integer this file holds is non-negative; a negative
    /// int64 would be its two's complement, ten bytes long.
    fn varint(&mut self, field: u64, value: u64) {
        self.key(field, WIRE_VARINT);
        put_varint(&mut self.bytes, value);
    }

    fn len_delimited(&mut self, field: u64, payload: &[u8]) {
        self.key(field, WIRE_LEN);
        put_varint(&mut self.bytes, payload.len() as u64);
        self.bytes.extend_from_slice(payload);
    }

    fn string(&mut self, field: u64, value: &str) {
        self.len_delimited(field, value.as_bytes());
    }

    fn message(&mut self, field: u64, message: &Message) {
        self.len_delimited(field, &message.bytes);
    }
}

/// Appends `value` as a base-128 varint: seven bits a byte, least significant first, the high
/// bit set on every byte but the last.
fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(((value & 0x7f) as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

#[cfg(test)]
mod tests;
