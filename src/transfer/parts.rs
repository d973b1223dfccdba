//! Collecting the parts of a multi-QR export scanned in any order: Google's migration
//! batches and Monban's sealed transfer use the same bookkeeping (batch id, 0-based index,
//! count).

use std::collections::BTreeMap;

use thiserror::Error;

/// Why a scanned part does not belong with the parts scanned so far.
#[derive(Debug, Error, PartialEq, Eq, Clone)]
pub enum PartError {
    #[error(
        "this QR code belongs to a different export (batch {got:08x}, the others are batch {expected:08x}): \
         scan only the codes shown for one export"
    )]
    OtherBatch { expected: u64, got: u64 },
    #[error("this QR code says its export has {got} parts, the ones scanned before say {expected}")]
    CountMismatch { expected: usize, got: usize },
    #[error("part number {index} is out of range for an export of {count} parts")]
    IndexOutOfRange { index: usize, count: usize },
}

/// How far the scan of one export is: "3 of 5 scanned".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub scanned: usize,
    pub count: usize,
    /// 1-based numbers of the parts still missing.
    pub missing: Vec<usize>,
}

impl Progress {
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} of {} scanned", self.scanned, self.count)?;
        if !self.missing.is_empty() {
            let list: Vec<String> = self.missing.iter().map(|m| m.to_string()).collect();
            write!(f, "; missing part {}", list.join(", "))?;
        }
        Ok(())
    }
}

/// The parts of one export, keyed by index.
#[derive(Debug)]
pub struct Assembler<T> {
    batch: Option<(u64, usize)>,
    parts: BTreeMap<usize, T>,
}

impl<T> Default for Assembler<T> {
    fn default() -> Self {
        Assembler {
            batch: None,
            parts: BTreeMap::new(),
        }
    }
}

impl<T> Assembler<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds part `index` (0-based) of `count`. A part scanned twice is kept once.
    pub fn add(
        &mut self,
        batch_id: u64,
        index: usize,
        count: usize,
        part: T,
    ) -> Result<Progress, PartError> {
        if index >= count {
            return Err(PartError::IndexOutOfRange {
                index: index + 1,
                count,
            });
        }
        match self.batch {
            None => self.batch = Some((batch_id, count)),
            Some((id, _)) if id != batch_id => {
                return Err(PartError::OtherBatch {
                    expected: id,
                    got: batch_id,
                });
            }
            Some((_, n)) if n != count => {
                return Err(PartError::CountMismatch {
                    expected: n,
                    got: count,
                });
            }
            Some(_) => {}
        }
        self.parts.entry(index).or_insert(part);
        Ok(self.progress())
    }

    /// The batch id of the parts so far.
    pub fn batch_id(&self) -> Option<u64> {
        self.batch.map(|(id, _)| id)
    }

    pub fn progress(&self) -> Progress {
        let count = self.batch.map_or(0, |(_, n)| n);
        let missing = (0..count)
            .filter(|i| !self.parts.contains_key(i))
            .map(|i| i + 1)
            .collect();
        Progress {
            scanned: self.parts.len(),
            count,
            missing,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The parts in index order.
    pub fn into_parts(self) -> Vec<T> {
        self.parts.into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_order_and_missing_report() {
        let mut a = Assembler::new();
        assert_eq!(a.add(7, 2, 3, "c").unwrap().missing, vec![1, 2]);
        let p = a.add(7, 0, 3, "a").unwrap();
        assert_eq!(p.to_string(), "2 of 3 scanned; missing part 2");
        assert_eq!(a.add(7, 0, 3, "a again").unwrap().scanned, 2);
        assert!(a.add(7, 1, 3, "b").unwrap().is_complete());
        assert_eq!(a.into_parts(), vec!["a", "b", "c"]);
    }

    #[test]
    fn foreign_parts_are_refused() {
        let mut a = Assembler::new();
        a.add(1, 0, 2, ()).unwrap();
        assert!(matches!(
            a.add(2, 1, 2, ()),
            Err(PartError::OtherBatch { .. })
        ));
        assert!(matches!(
            a.add(1, 1, 3, ()),
            Err(PartError::CountMismatch { .. })
        ));
        assert!(matches!(
            a.add(1, 2, 2, ()),
            Err(PartError::IndexOutOfRange { .. })
        ));
        assert_eq!(a.progress().scanned, 1);
    }
}
