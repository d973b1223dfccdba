//! The one reader of zip exports (Proton Pass, Authenticator Plus, Raivo OTP): finds the
//! member a format keeps its accounts in and unpacks it into wiped memory, with the classic
//! ZIP password or WinZip AES, bounded in entries and size before anything is unpacked.

use std::io::{Cursor, Read};

use zeroize::Zeroizing;

use super::{Error, Result};

/// Most files a zip export may list.
const MAX_ENTRIES: usize = 100_000;
/// Largest member unpacked (a Proton Pass `data.json` of a large vault is tens of MiB).
const MAX_MEMBER_BYTES: u64 = 64 * 1024 * 1024;

type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// The archive in `data` when it is a zip that holds `member` (cheap: the central directory
/// only, nothing unpacked).
fn archive<'a>(data: &'a [u8], member: &str) -> Option<Archive<'a>> {
    if !data.starts_with(b"PK\x03\x04") {
        return None;
    }
    let z = zip::ZipArchive::new(Cursor::new(data)).ok()?;
    (z.len() <= MAX_ENTRIES && z.index_for_name(member).is_some()).then_some(z)
}

/// True when `data` is a zip holding `member`.
pub(super) fn holds(data: &[u8], member: &str) -> bool {
    archive(data, member).is_some()
}

/// True when `member` of the zip in `data` is password-protected.
pub(super) fn encrypted(data: &[u8], member: &str) -> bool {
    archive(data, member).is_some_and(|mut z| {
        z.index_for_name(member)
            .is_some_and(|i| z.by_index_raw(i).is_ok_and(|f| f.encrypted()))
    })
}

/// `member` of the zip in `data`, unpacked (with `password` when it is encrypted). Errors
/// name `format`; a wrong password is [`Error::WrongPassword`], a missing one
/// [`Error::PasswordNeeded`].
pub(super) fn member(
    data: &[u8],
    member: &str,
    password: Option<&str>,
    format: &'static str,
) -> Result<Zeroizing<Vec<u8>>> {
    let malformed = |why: String| Error::Malformed { format, why };
    let mut z =
        archive(data, member).ok_or_else(|| malformed(format!("not a zip holding {member}")))?;
    let locked = encrypted(data, member);
    let mut f = if locked {
        let password = password.ok_or(Error::PasswordNeeded)?;
        z.by_name_decrypt(member, password.as_bytes())
            .map_err(|e| match e {
                zip::result::ZipError::InvalidPassword => Error::WrongPassword,
                e => malformed(format!("cannot unpack {member} ({e})")),
            })?
    } else {
        z.by_name(member)
            .map_err(|e| malformed(format!("cannot unpack {member} ({e})")))?
    };
    if f.size() > MAX_MEMBER_BYTES {
        return Err(malformed(format!("{member} is too large")));
    }
    let mut out = Zeroizing::new(Vec::new());
    f.by_ref()
        .take(MAX_MEMBER_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| match e.kind() {
            // A wrong classic password that passed its one-byte check fails the CRC; a wrong
            // AES one fails the authentication code.
            std::io::ErrorKind::InvalidData if locked => Error::WrongPassword,
            _ => malformed(format!("cannot unpack {member} ({e})")),
        })?;
    if out.len() as u64 > MAX_MEMBER_BYTES {
        return Err(malformed(format!("{member} is too large")));
    }
    Ok(out)
}
