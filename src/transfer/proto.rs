//! A minimal Protocol Buffers wire-format reader and writer: just what the Google
//! Authenticator migration payload needs (varints and length-delimited fields; fixed32/64
//! fields are read and skipped). No schema compiler: the two messages are decoded by hand
//! in [`super::google`].

use thiserror::Error;

/// Why bytes are not a valid protobuf message.
#[derive(Debug, Error, PartialEq, Eq, Clone)]
pub enum Error {
    #[error("the data ends in the middle of a field")]
    Truncated,
    #[error("a number is longer than 10 bytes")]
    VarintTooLong,
    #[error("field number 0 or an unknown wire type {0}")]
    BadTag(u64),
    #[error("a length runs past the end of the data")]
    BadLength,
}

/// A field value as it appears on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    Varint(u64),
    Fixed64(u64),
    Bytes(&'a [u8]),
    Fixed32(u32),
}

/// Iterates over the fields of one message: `(field number, value)`.
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    failed: bool,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Reader {
            data,
            pos: 0,
            failed: false,
        }
    }

    fn varint(&mut self) -> Result<u64, Error> {
        let mut v: u64 = 0;
        for i in 0..10 {
            let b = *self.data.get(self.pos).ok_or(Error::Truncated)?;
            self.pos += 1;
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(Error::VarintTooLong)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self.pos.checked_add(n).ok_or(Error::BadLength)?;
        let s = self.data.get(self.pos..end).ok_or(Error::BadLength)?;
        self.pos = end;
        Ok(s)
    }

    fn field(&mut self) -> Result<(u32, Value<'a>), Error> {
        let tag = self.varint()?;
        let number = tag >> 3;
        if number == 0 || number > u64::from(u32::MAX >> 3) {
            return Err(Error::BadTag(tag));
        }
        let value = match tag & 7 {
            0 => Value::Varint(self.varint()?),
            1 => Value::Fixed64(u64::from_le_bytes(
                self.take(8)?.try_into().map_err(|_| Error::Truncated)?,
            )),
            2 => {
                let len = usize::try_from(self.varint()?).map_err(|_| Error::BadLength)?;
                Value::Bytes(self.take(len)?)
            }
            5 => Value::Fixed32(u32::from_le_bytes(
                self.take(4)?.try_into().map_err(|_| Error::Truncated)?,
            )),
            _ => return Err(Error::BadTag(tag)),
        };
        Ok((number as u32, value))
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Result<(u32, Value<'a>), Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.data.len() {
            return None;
        }
        let r = self.field();
        self.failed = r.is_err();
        Some(r)
    }
}

/// Builds one message.
#[derive(Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn new() -> Self {
        Writer { buf: Vec::new() }
    }

    fn raw_varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }

    /// A varint field (int32/int64/enum/uint). Negative int32/int64 are written as
    /// 10-byte two's complement, as protobuf does.
    pub fn varint(&mut self, field: u32, v: u64) {
        self.raw_varint(u64::from(field) << 3);
        self.raw_varint(v);
    }

    /// A length-delimited field (bytes, string, embedded message).
    pub fn bytes(&mut self, field: u32, v: &[u8]) {
        self.raw_varint((u64::from(field) << 3) | 2);
        self.raw_varint(v.len() as u64);
        self.buf.extend_from_slice(v);
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Messages carry secrets: wipe what was not taken out.
        zeroize::Zeroize::zeroize(&mut self.buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn round_trip() {
        let mut w = Writer::new();
        w.varint(1, 300);
        w.bytes(2, b"hi");
        w.varint(3, u64::MAX);
        let fields: Vec<_> = Reader::new(&w.buf).collect::<Result<_, _>>().unwrap();
        assert_eq!(
            fields,
            vec![
                (1, Value::Varint(300)),
                (2, Value::Bytes(b"hi")),
                (3, Value::Varint(u64::MAX))
            ]
        );
    }

    #[test]
    fn errors() {
        assert_eq!(Reader::new(&[0x08]).next(), Some(Err(Error::Truncated)));
        assert_eq!(
            Reader::new(&[0x12, 0x05, b'a']).next(),
            Some(Err(Error::BadLength))
        );
        assert_eq!(Reader::new(&[0x0b]).next(), Some(Err(Error::BadTag(0x0b))));
        assert_eq!(Reader::new(&[0x00]).next(), Some(Err(Error::BadTag(0))));
        assert_eq!(
            Reader::new(&[
                0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
            ])
            .next(),
            Some(Err(Error::VarintTooLong))
        );
    }

    proptest! {
        #[test]
        fn never_panics(data in proptest::collection::vec(any::<u8>(), 0..200)) {
            for _ in Reader::new(&data) {}
        }
    }
}
