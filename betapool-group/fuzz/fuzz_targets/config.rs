//! Parse and validate any text as a group file: never a panic, every error points at a line and
//! column of the text, and every accepted file is written back into a file that reads back equal.
#![no_main]

use betapool_group::GroupConfig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match GroupConfig::from_toml_str(text, "fuzz.toml") {
        Ok(config) => {
            let written = config.to_toml_string();
            let again = GroupConfig::from_toml_str(&written, "written.toml")
                .unwrap_or_else(|e| panic!("a written config does not read back: {e}\n{written}"));
            assert_eq!(config, again, "round trip changed the config:\n{written}");
        }
        Err(e) => {
            // An error in a text always has a place in it: the user must be able to find it.
            assert!(
                e.line().is_some() && e.column().is_some(),
                "error without a line and column: {e}\n{text}"
            );
            assert!(e.to_string().starts_with("fuzz.toml:"), "error without the file: {e}");
        }
    }
});
