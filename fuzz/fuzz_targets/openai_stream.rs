#![no_main]
//! `bifrost::fuzzing::openai_stream` under libFuzzer (see src/fuzzing.rs).

libfuzzer_sys::fuzz_target!(|data: &[u8]| bifrost::fuzzing::openai_stream(data));
