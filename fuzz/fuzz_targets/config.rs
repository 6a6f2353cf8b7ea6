#![no_main]
//! `bifrost::fuzzing::config` under libFuzzer (see src/fuzzing.rs).

libfuzzer_sys::fuzz_target!(|data: &[u8]| bifrost::fuzzing::config(data));
