#![no_main]
//! `bifrost::fuzzing::cohere_request` under libFuzzer (see src/fuzzing.rs).

libfuzzer_sys::fuzz_target!(|data: &[u8]| bifrost::fuzzing::cohere_request(data));
