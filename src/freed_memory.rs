//! Test builds only: a global allocator that can look into the memory a thread frees.
//!
//! Zeroization cannot be seen from outside: a secret left in a freed block prints nothing and
//! fails nothing. While a test watches ([`blocks_holding`]), every block the watching thread
//! frees (or grows away from) is searched for a canary before it goes back to the system
//! allocator, so a test can prove that a secret was wiped before its memory was released.
//! Other threads, and the thread outside the watch, pay one thread-local read per free.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Watching;

#[global_allocator]
static ALLOCATOR: Watching = Watching;

thread_local! {
    static CANARY: Cell<Option<&'static [u8]>> = const { Cell::new(None) };
    static FOUND: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is passed on to the system allocator unchanged; `dealloc` only reads the
// block it was handed (valid for `layout.size()` bytes until it is freed, just after).
unsafe impl GlobalAlloc for Watching {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Ok(Some(canary)) = CANARY.try_with(Cell::get) {
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if block.windows(canary.len()).any(|w| w == canary) {
                let _ = FOUND.try_with(|f| f.set(f.get() + 1));
            }
        }
        unsafe { System.dealloc(ptr, layout) }
    }
    // `realloc` keeps the default (alloc, copy, dealloc): a block left behind by growth is
    // searched like any other.
}

/// Runs `f` and returns how many blocks this thread freed during it that held `canary`.
pub fn blocks_holding(canary: &'static [u8], f: impl FnOnce()) -> usize {
    assert!(!canary.is_empty());
    FOUND.with(|n| n.set(0));
    CANARY.with(|c| c.set(Some(canary)));
    f();
    CANARY.with(|c| c.set(None));
    FOUND.with(Cell::get)
}

#[test]
fn sees_a_secret_freed_unwiped_and_not_one_wiped() {
    use zeroize::Zeroize;
    const CANARY: &[u8] = b"canary-7Q3W-freed";
    assert_eq!(
        blocks_holding(CANARY, || drop(CANARY.to_vec())),
        1,
        "a plain Vec is freed with its bytes"
    );
    assert_eq!(
        blocks_holding(CANARY, || {
            let mut v = CANARY.to_vec();
            v.zeroize();
        }),
        0
    );
}
