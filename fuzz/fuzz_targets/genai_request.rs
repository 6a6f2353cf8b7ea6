#![no_main]
//! `bifrost::fuzzing::genai_request` under libFuzzer (see src/fuzzing.rs).

libfuzzer_sys::fuzz_target!(|data: &[u8]| bifrost::fuzzing::genai_request(data));
