#![no_main]
//! `bifrost::fuzzing::bedrock_stream` under libFuzzer (see src/fuzzing.rs).

libfuzzer_sys::fuzz_target!(|data: &[u8]| bifrost::fuzzing::bedrock_stream(data));
