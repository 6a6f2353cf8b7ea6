#![no_main]
//! `bifrost::fuzzing::sse_framer` under libFuzzer (see src/fuzzing.rs).

libfuzzer_sys::fuzz_target!(|data: &[u8]| bifrost::fuzzing::sse_framer(data));
