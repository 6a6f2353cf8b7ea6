#![no_main]
//! `bifrost::fuzzing::body_encoding` under libFuzzer (see src/fuzzing.rs).

libfuzzer_sys::fuzz_target!(|data: &[u8]| bifrost::fuzzing::body_encoding(data));
