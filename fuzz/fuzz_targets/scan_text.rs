#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| monban_fuzz::scan_text(data));
