#![no_main]
//! `bifrost::fuzzing::gemini_answer` under libFuzzer (see src/fuzzing.rs).

libfuzzer_sys::fuzz_target!(|data: &[u8]| bifrost::fuzzing::gemini_answer(data));
