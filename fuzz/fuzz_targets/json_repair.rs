#![no_main]
//! `bifrost::fuzzing::json_repair` under libFuzzer (see src/fuzzing.rs).

libfuzzer_sys::fuzz_target!(|data: &[u8]| bifrost::fuzzing::json_repair(data));
