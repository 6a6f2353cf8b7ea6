#![no_main]
//! `bifrost::fuzzing::anthropic_answer` under libFuzzer (see src/fuzzing.rs).

libfuzzer_sys::fuzz_target!(|data: &[u8]| bifrost::fuzzing::anthropic_answer(data));
