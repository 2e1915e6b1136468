//! Tests of the loom rule: std primitives in engine code are named with file and line; the
//! shim's, comments, strings, allowed items and files outside the engine pass.

use super::*;

fn engine(text: &str) -> SourceFile {
    SourceFile {
        path: "betapool-core/src/engine/worker.rs".to_owned(),
        text: text.to_owned(),
    }
}

fn found(text: &str) -> Vec<String> {
    check(&[engine(text)])
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn an_engine_file_using_a_std_atomic_is_named_with_its_line() {
    let text = "//! Workers.\n\nuse std::sync::atomic::AtomicUsize;\n";
    assert_eq!(
        found(text),
        [
            "betapool-core/src/engine/worker.rs:3: uses std::sync::atomic::AtomicUsize: the engine \
          takes its sync primitives only from crate::loom (the loom shim), so loom can model \
          every race"
        ]
    );
}

#[test]
fn the_shims_primitives_pass() {
    let text = "//! Workers.\n\
        use crate::loom::sync::atomic::{AtomicUsize, Ordering};\n\
        use crate::loom::sync::{Arc, Condvar, Mutex};\n\
        use crate::loom::thread;\n\
        crate::loom::thread_local! { static X: u8 = 0; }\n";
    assert_eq!(found(text), [""; 0]);
}

#[test]
fn each_item_of_a_use_group_is_judged_apart() {
    let text = "use std::sync::{Arc, Mutex, PoisonError};\n\
        use std::sync::atomic::{Ordering, fence};\n";
    let found: Vec<String> = check(&[engine(text)])
        .into_iter()
        .map(|v| v.message.split(": ").next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        found,
        [
            "uses std::sync::Arc",
            "uses std::sync::Mutex",
            "uses std::sync::atomic::fence"
        ]
    );
}

#[test]
fn std_threads_cells_core_and_nested_groups_are_named() {
    let text = "use std::{fmt, sync::Condvar};\n\
        use ::std::thread;\n\
        fn f() { std::thread::spawn(|| ()); }\n\
        use core::sync::atomic::AtomicBool;\n\
        use std::cell::UnsafeCell;\n\
        use std::sync::*;\n\
        thread_local! { static X: u8 = 0; }\n";
    let lines: Vec<String> = check(&[engine(text)])
        .into_iter()
        .map(|v| v.file.rsplit(':').next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(lines, ["1", "2", "3", "4", "5", "6", "7"]);
}

#[test]
fn a_use_in_an_expression_names_the_item_not_the_call() {
    let text =
        "fn f() { let a = std::sync::Arc::new(1); let b = std::sync::atomic::AtomicU8::new(0); }";
    let found: Vec<String> = check(&[engine(text)])
        .into_iter()
        .map(|v| v.message.split(": ").next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        found,
        ["uses std::sync::Arc", "uses std::sync::atomic::AtomicU8"]
    );
}

#[test]
fn allowed_items_pass() {
    let text = "use std::sync::PoisonError;\n\
        use std::sync::atomic::Ordering;\n\
        use core::sync::atomic::Ordering as O;\n\
        use std::cell::Cell;\n\
        use std::time::Instant;\n\
        fn f() -> usize { std::thread::available_parallelism().map_or(1, |n| n.get()) }\n\
        fn g(m: &Mutex<u8>) { m.lock().unwrap_or_else(std::sync::PoisonError::into_inner); }\n";
    assert_eq!(found(text), [""; 0]);
}

#[test]
fn comments_doc_examples_and_strings_are_not_code() {
    let text = "//! Uses `std::sync::Arc` in prose.\n\
        /// let (tx, rx) = std::sync::mpsc::channel();\n\
        // std::thread::sleep is not called here.\n\
        /* std::sync::Mutex /* nested */ std::sync::Condvar */\n\
        const S: &str = \"std::sync::Arc\";\n\
        const R: &str = r#\"std::thread::spawn \"quoted\"\"#;\n\
        const C: char = '\"'; const D: char = '\\'';\n\
        fn f<'a>(x: &'a str) -> &'a str { x }\n";
    assert_eq!(found(text), [""; 0]);
}

#[test]
fn lookalike_names_are_not_std() {
    let text = "use crate::loom::sync::Arc;\n\
        fn f(stdout: u8, score: u8) { let _ = (stdout, score); }\n\
        use my::std::sync::Arc;\n\
        shim_thread_local!(x);\n";
    assert_eq!(found(text), [""; 0]);
}

#[test]
fn files_outside_the_engine_are_not_checked() {
    let file = SourceFile {
        path: "betapool-core/src/loom.rs".to_owned(),
        text: "pub(crate) use std::{sync, thread};\n".to_owned(),
    };
    assert_eq!(check(&[file]), []);
}

#[test]
fn a_file_in_a_new_engine_folder_is_checked() {
    let file = SourceFile {
        path: "betapool-core/src/engine/park/protocol.rs".to_owned(),
        text: "use std::sync::Mutex;\n".to_owned(),
    };
    assert_eq!(check(&[file]).len(), 1);
}

#[test]
fn blanking_keeps_line_breaks_and_code() {
    let text = "a // b\n\"c\nd\" e\n";
    assert_eq!(blank_comments_and_strings(text), "a     \n  \n   e\n");
}
