#![no_main]
//! `bifrost::fuzzing::eventstream_framer` under libFuzzer (see src/fuzzing.rs).

libfuzzer_sys::fuzz_target!(|data: &[u8]| bifrost::fuzzing::eventstream_framer(data));
