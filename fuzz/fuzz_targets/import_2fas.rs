#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| monban_fuzz::import("2fas", data));
