//! Automatic backups into a folder the user picked through the Storage Access Framework: a
//! document tree (`content://…/tree/…`), not a path, as an [`autobackup::Folder`](Folder).
//!
//! - **The picker** ([`choose_folder`]): NativeActivity gets no activity results, so Monban's
//!   one Java class, `org.monban.app.FolderPickerActivity` (`android/app/src/main/java/`),
//!   starts `Intent.ACTION_OPEN_DOCUMENT_TREE`, takes the persistable read and write
//!   permission of the answer (`ContentResolver.takePersistableUriPermission`), writes the
//!   tree's URI to `<files>/backup-folder.picked` and finishes. The waiting thread reads it
//!   when Monban resumes ([`resumed`]); the URI goes into the backup settings.
//! - **The folder** ([`DocumentTree`]): every operation first checks that the persisted
//!   permission is still held (`getPersistedUriPermissions`: revoked, or the app's data
//!   cleared → `PermissionDenied`, the banner's "permission lost") and that the tree's folder
//!   is there and a folder (`NotFound` / `NotADirectory`: the banner's "folder gone"). Files
//!   are listed with `buildChildDocumentsUriUsingTree` and a `ContentResolver.query`, written
//!   with `DocumentsContract.createDocument` + `openFileDescriptor(…, "w")`, read with
//!   `openInputStream`, removed with `deleteDocument`.
//! - **How atomic**: a backup is written under a temporary name (`.<name>.part-<random>`),
//!   flushed (`FileDescriptor.sync` where the provider hands out a real file, as the device's
//!   own storage does), then `DocumentsContract.renameDocument` gives it its name; a kill
//!   leaves the old files plus at most one temporary file, which the next backup removes. A
//!   provider that cannot rename (`UnsupportedOperationException`) gets the file written
//!   under its final name: a kill mid-write can then leave one incomplete newest file, but
//!   the older backups are never touched before the new one reads back (the service's
//!   check), so a complete backup always remains.
//!
//! Written against the platform documentation (`DocumentsContract`, `ContentResolver`,
//! `Intent.ACTION_OPEN_DOCUMENT_TREE`, `UriPermission`); type-checked on the host by
//! `android/hostcheck`.

use std::hash::{BuildHasher, Hasher};
use std::io;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock, mpsc};
use std::time::Duration;

use jni::objects::{JByteArray, JObject, JString};
use jni::signature::MethodSignature;
use jni::strings::JNIStr;
use jni::{Env, JValue, jni_sig, jni_str};

use super::jni_glue::{Java, object, static_object, text_of};
use crate::autobackup::store::{self, Folder};

/// The picker activity (android/app/src/main/java/org/monban/app/FolderPickerActivity.java).
const PICKER: &str = "org.monban.app.FolderPickerActivity";
/// Where the picker leaves the chosen tree's URI (empty: cancelled), in the app's files.
const ANSWER: &str = "backup-folder.picked";
/// Longest the chooser thread waits for the user in the picker.
const PICK_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// `DocumentsContract.Document.MIME_TYPE_DIR`.
const MIME_DIR: &str = "vnd.android.document/directory";
const MIME_BACKUP: &str = "application/octet-stream";
/// Larger than any backup: a file this big is not read.
const MAX_READ: usize = 64 * 1024 * 1024;
const CHUNK: usize = 64 * 1024;

/// The app's private files folder (`getFilesDir()`, where the vault is).
static FILES: OnceLock<PathBuf> = OnceLock::new();

/// A pick in progress: the thread waiting in [`choose_folder`], and whether Monban was paused
/// since the picker started (a resume before that is not the picker's).
static PICK: Mutex<Option<(mpsc::Sender<()>, bool)>> = Mutex::new(None);

/// At start: where the picker's answer is, and document trees for automatic backups.
pub(super) fn init(files: Option<PathBuf>) {
    if let Some(files) = files {
        let _ = FILES.set(files);
    }
    store::set_tree_opener(open);
}

/// Monban paused: `true` when it is for the picker (a pick is waiting and this is its first
/// pause), which the lock excuses as it does a dialog of ours.
pub(super) fn paused() -> bool {
    let Ok(mut pick) = PICK.lock() else {
        return false;
    };
    match pick.as_mut() {
        Some((_, paused)) if !*paused => {
            *paused = true;
            true
        }
        _ => false,
    }
}

/// Monban resumed: back from the picker, its answer is written.
pub(super) fn resumed() {
    let Ok(mut pick) = PICK.lock() else { return };
    if pick.as_ref().is_some_and(|(_, paused)| *paused)
        && let Some((done, _)) = pick.take()
    {
        let _ = done.send(());
    }
}

/// Shows the system's folder picker and waits for the answer: the tree's `content://` URI,
/// its permission persisted, or `None` (cancelled, or no picker). Call it off the UI thread.
pub fn choose_folder() -> Option<String> {
    let java = super::JAVA.get()?.0;
    let answer = FILES.get()?.join(ANSWER);
    let _ = std::fs::remove_file(&answer);
    let (done, wait) = mpsc::channel();
    *PICK.lock().ok()? = Some((done, false));
    if let Err(e) = java.start_own_activity(PICKER) {
        eprintln!("monban: cannot show the folder picker: {e}");
        PICK.lock().ok()?.take();
        return None;
    }
    let back = wait.recv_timeout(PICK_TIMEOUT).is_ok();
    PICK.lock().ok()?.take();
    let uri = std::fs::read_to_string(&answer).ok();
    let _ = std::fs::remove_file(&answer);
    uri.filter(|u| back && u.starts_with("content://"))
        .map(|u| u.trim().to_owned())
}

fn open(uri: &str) -> io::Result<Box<dyn Folder>> {
    let java = super::JAVA
        .get()
        .map(|c| c.0)
        .ok_or_else(|| io::Error::other("the app has not started"))?;
    Ok(Box::new(DocumentTree {
        java,
        tree: uri.to_owned(),
    }))
}

/// A folder the user picked, by its tree URI.
pub struct DocumentTree {
    java: Java,
    tree: String,
}

/// A file in the tree: its display name and its document URI.
struct Child {
    name: String,
    uri: String,
}

impl Folder for DocumentTree {
    fn names(&self) -> io::Result<Vec<String>> {
        Ok(self.children()?.into_iter().map(|c| c.name).collect())
    }

    fn write(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        let temp = self.create(&store::temp_name(name, random()))?;
        if let Err(e) = self.put(&temp, bytes) {
            let _ = self.delete(&temp);
            return Err(e);
        }
        // Replacing: a name repeats only for the same vault generation in the same second.
        if let Some(old) = self.find(name)? {
            self.delete(&old.uri)?;
        }
        match self.rename(&temp, name) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::Unsupported => {
                let _ = self.delete(&temp);
                let doc = self.create(name)?;
                self.put(&doc, bytes).inspect_err(|_| {
                    let _ = self.delete(&doc);
                })
            }
            Err(e) => {
                let _ = self.delete(&temp);
                Err(e)
            }
        }
    }

    fn read(&self, name: &str) -> io::Result<Vec<u8>> {
        let child = self.find(name)?.ok_or(io::ErrorKind::NotFound)?;
        self.get(&child.uri)
    }

    fn remove(&self, name: &str) -> io::Result<()> {
        match self.find(name)? {
            Some(child) => self.delete(&child.uri),
            None => Err(io::ErrorKind::NotFound.into()),
        }
    }
}

impl DocumentTree {
    /// Runs `f` in the tree once [`Tree::enter`] found it usable.
    fn in_tree<R>(
        &self,
        what: &'static str,
        f: impl FnOnce(&mut Env, &Tree) -> jni::errors::Result<io::Result<R>>,
    ) -> io::Result<R> {
        self.java.with_io(what, |env, activity| {
            match Tree::enter(env, activity, &self.tree)? {
                Ok(t) => f(env, &t),
                Err(e) => Ok(Err(e)),
            }
        })?
    }

    /// The files (not the folders) directly in the tree's folder.
    fn children(&self) -> io::Result<Vec<Child>> {
        self.in_tree("list the backup folder", |env, t| {
            let uri = documents(
                env,
                jni_str!("buildChildDocumentsUriUsingTree"),
                jni_sig!("(Landroid/net/Uri;Ljava/lang/String;)Landroid/net/Uri;"),
                &[JValue::Object(&t.uri), JValue::Object(&t.root_id)],
            )?;
            let columns = ["document_id", "_display_name", "mime_type"];
            let Some(rows) = query(env, &t.resolver, &uri, &columns)? else {
                return Ok(Err(io::ErrorKind::NotFound.into()));
            };
            let mut children = Vec::new();
            for row in rows {
                let [Some(id), Some(name), mime] =
                    <[Option<String>; 3]>::try_from(row).unwrap_or([None, None, None])
                else {
                    continue;
                };
                if mime.as_deref() == Some(MIME_DIR) {
                    continue;
                }
                let uri = document_uri(env, &t.uri, &id)?;
                children.push(Child { name, uri });
            }
            Ok(Ok(children))
        })
    }

    fn find(&self, name: &str) -> io::Result<Option<Child>> {
        Ok(self.children()?.into_iter().find(|c| c.name == name))
    }

    /// A new empty file `name` in the tree's folder: its document URI.
    fn create(&self, name: &str) -> io::Result<String> {
        self.in_tree("create a backup in", |env, t| {
                let root = document_uri_object(env, &t.uri, &t.root_id)?;
                let mime = env.new_string(MIME_BACKUP)?;
                let display = env.new_string(name)?;
                let doc = documents(
                    env,
                    jni_str!("createDocument"),
                    jni_sig!(
                        "(Landroid/content/ContentResolver;Landroid/net/Uri;Ljava/lang/String;Ljava/lang/String;)Landroid/net/Uri;"
                    ),
                    &[
                        JValue::Object(&t.resolver),
                        JValue::Object(&root),
                        JValue::Object(&mime),
                        JValue::Object(&display),
                    ],
                )?;
                if doc.is_null() {
                    return Ok(Err(io::Error::other(
                        "the folder's storage did not make a new file (full?)",
                    )));
                }
                Ok(Ok(text_of(env, &doc)?))
        })
    }

    /// Writes `bytes` into the (new, empty) document `doc` and flushes it.
    fn put(&self, doc: &str, bytes: &[u8]) -> io::Result<()> {
        self.java.with_io("write a backup into", |env, activity| {
            let resolver = content_resolver(env, activity)?;
            let uri = parse_uri(env, doc)?;
            let mode = env.new_string("w")?;
            let pfd = object(
                env,
                &resolver,
                jni_str!("openFileDescriptor"),
                jni_sig!("(Landroid/net/Uri;Ljava/lang/String;)Landroid/os/ParcelFileDescriptor;"),
                &[JValue::Object(&uri), JValue::Object(&mode)],
            )?;
            if pfd.is_null() {
                return Ok(Err(io::ErrorKind::NotFound.into()));
            }
            let out = env.new_object(
                jni_str!("android/os/ParcelFileDescriptor$AutoCloseOutputStream"),
                jni_sig!("(Landroid/os/ParcelFileDescriptor;)V"),
                &[JValue::Object(&pfd)],
            )?;
            let data = env.byte_array_from_slice(bytes)?;
            env.call_method(
                &out,
                jni_str!("write"),
                jni_sig!("([B)V"),
                &[JValue::Object(&data)],
            )?
            .v()?;
            env.call_method(&out, jni_str!("flush"), jni_sig!("()V"), &[])?
                .v()?;
            let fd = object(
                env,
                &out,
                jni_str!("getFD"),
                jni_sig!("()Ljava/io/FileDescriptor;"),
                &[],
            )?;
            // A pipe (a provider streaming elsewhere) cannot be synced: the read-back
            // check after the write is what proves the file.
            let synced = env.call_method(&fd, jni_str!("sync"), jni_sig!("()V"), &[]);
            if synced.is_err() && env.exception_check() {
                env.exception_clear();
            }
            env.call_method(&out, jni_str!("close"), jni_sig!("()V"), &[])?
                .v()?;
            Ok(Ok(()))
        })?
    }

    /// Gives the document `doc` its final name.
    fn rename(&self, doc: &str, name: &str) -> io::Result<()> {
        self.java
            .with_io("name a backup in", |env, activity| {
                let resolver = content_resolver(env, activity)?;
                let uri = parse_uri(env, doc)?;
                let display = env.new_string(name)?;
                let renamed = documents(
                    env,
                    jni_str!("renameDocument"),
                    jni_sig!(
                        "(Landroid/content/ContentResolver;Landroid/net/Uri;Ljava/lang/String;)Landroid/net/Uri;"
                    ),
                    &[
                        JValue::Object(&resolver),
                        JValue::Object(&uri),
                        JValue::Object(&display),
                    ],
                )?;
                Ok(if renamed.is_null() {
                    Err(io::Error::other("the folder's storage did not rename the file"))
                } else {
                    Ok(())
                })
            })?
    }

    /// The bytes of the document `doc`.
    fn get(&self, doc: &str) -> io::Result<Vec<u8>> {
        self.java.with_io("read a backup in", |env, activity| {
            let resolver = content_resolver(env, activity)?;
            let uri = parse_uri(env, doc)?;
            let input = object(
                env,
                &resolver,
                jni_str!("openInputStream"),
                jni_sig!("(Landroid/net/Uri;)Ljava/io/InputStream;"),
                &[JValue::Object(&uri)],
            )?;
            if input.is_null() {
                return Ok(Err(io::ErrorKind::NotFound.into()));
            }
            let buf = JByteArray::new(env, CHUNK)?;
            let mut bytes = Vec::new();
            let mut chunk = vec![0i8; CHUNK];
            loop {
                let n = env
                    .call_method(
                        &input,
                        jni_str!("read"),
                        jni_sig!("([B)I"),
                        &[JValue::Object(&buf)],
                    )?
                    .i()?;
                let Ok(n) = usize::try_from(n) else { break };
                let n = n.min(CHUNK);
                buf.get_region(env, 0, &mut chunk[..n])?;
                bytes.extend(chunk[..n].iter().map(|b| *b as u8));
                if bytes.len() > MAX_READ {
                    env.call_method(&input, jni_str!("close"), jni_sig!("()V"), &[])?;
                    return Ok(Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "far larger than any backup",
                    )));
                }
            }
            env.call_method(&input, jni_str!("close"), jni_sig!("()V"), &[])?
                .v()?;
            Ok(Ok(bytes))
        })?
    }

    fn delete(&self, doc: &str) -> io::Result<()> {
        self.java.with_io("remove a backup from", |env, activity| {
            let resolver = content_resolver(env, activity)?;
            let uri = parse_uri(env, doc)?;
            let deleted = env
                .call_static_method(
                    jni_str!("android/provider/DocumentsContract"),
                    jni_str!("deleteDocument"),
                    jni_sig!("(Landroid/content/ContentResolver;Landroid/net/Uri;)Z"),
                    &[JValue::Object(&resolver), JValue::Object(&uri)],
                )?
                .z()?;
            Ok(if deleted {
                Ok(())
            } else {
                Err(io::Error::other(
                    "the folder's storage did not remove the file",
                ))
            })
        })?
    }
}

/// The tree, entered: the resolver, the tree's `Uri` and its folder's document id, after the
/// checks every operation starts with.
struct Tree<'l> {
    resolver: JObject<'l>,
    uri: JObject<'l>,
    root_id: JObject<'l>,
}

impl<'l> Tree<'l> {
    /// The persisted permission is still held and the folder is there: else the `io::Error`
    /// the banner words (permission lost, folder gone, not a folder).
    fn enter(
        env: &mut Env<'l>,
        activity: &JObject,
        tree: &str,
    ) -> jni::errors::Result<io::Result<Tree<'l>>> {
        let resolver = content_resolver(env, activity)?;
        let uri = parse_uri(env, tree)?;
        if !permitted(env, &resolver, &uri)? {
            return Ok(Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "the permission to use this folder was taken back",
            )));
        }
        let root_id = documents(
            env,
            jni_str!("getTreeDocumentId"),
            jni_sig!("(Landroid/net/Uri;)Ljava/lang/String;"),
            &[JValue::Object(&uri)],
        )?;
        let root = document_uri_object(env, &uri, &root_id)?;
        match query(env, &resolver, &root, &["mime_type"])?.and_then(|rows| rows.into_iter().next())
        {
            None => return Ok(Err(io::ErrorKind::NotFound.into())),
            Some(row) if row.first().cloned().flatten().as_deref() != Some(MIME_DIR) => {
                return Ok(Err(io::ErrorKind::NotADirectory.into()));
            }
            Some(_) => {}
        }
        Ok(Ok(Tree {
            resolver,
            uri,
            root_id,
        }))
    }
}

/// Whether Monban still holds the persisted read and write permission of `tree`.
fn permitted(env: &mut Env, resolver: &JObject, tree: &JObject) -> jni::errors::Result<bool> {
    let list = object(
        env,
        resolver,
        jni_str!("getPersistedUriPermissions"),
        jni_sig!("()Ljava/util/List;"),
        &[],
    )?;
    let n = env
        .call_method(&list, jni_str!("size"), jni_sig!("()I"), &[])?
        .i()?;
    for i in 0..n {
        let p = object(
            env,
            &list,
            jni_str!("get"),
            jni_sig!("(I)Ljava/lang/Object;"),
            &[JValue::Int(i)],
        )?;
        let uri = object(
            env,
            &p,
            jni_str!("getUri"),
            jni_sig!("()Landroid/net/Uri;"),
            &[],
        )?;
        let same = env
            .call_method(
                &uri,
                jni_str!("equals"),
                jni_sig!("(Ljava/lang/Object;)Z"),
                &[JValue::Object(tree)],
            )?
            .z()?;
        let mut allows = |what: &JNIStr| -> jni::errors::Result<bool> {
            env.call_method(&p, what, jni_sig!("()Z"), &[])?.z()
        };
        if same && allows(jni_str!("isReadPermission"))? && allows(jni_str!("isWritePermission"))? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `ContentResolver.query(uri, columns, null, null, null)`: the rows' text in `columns`, or
/// `None` for a null cursor (the provider does not know the document).
fn query(
    env: &mut Env,
    resolver: &JObject,
    uri: &JObject,
    columns: &[&str],
) -> jni::errors::Result<Option<Vec<Vec<Option<String>>>>> {
    let first = env.new_string(columns[0])?;
    let projection =
        env.new_object_array(columns.len() as i32, jni_str!("java/lang/String"), &first)?;
    for (i, c) in columns.iter().enumerate().skip(1) {
        let c = env.new_string(c)?;
        projection.set_element(env, i, &c)?;
    }
    let null = JObject::null();
    let cursor = object(
        env,
        resolver,
        jni_str!("query"),
        jni_sig!(
            "(Landroid/net/Uri;[Ljava/lang/String;Ljava/lang/String;[Ljava/lang/String;Ljava/lang/String;)Landroid/database/Cursor;"
        ),
        &[
            JValue::Object(uri),
            JValue::Object(&projection),
            JValue::Object(&null),
            JValue::Object(&null),
            JValue::Object(&null),
        ],
    )?;
    if cursor.is_null() {
        return Ok(None);
    }
    // A provider that throws half-way leaves the cursor to its finalizer.
    let mut rows = Vec::new();
    while env
        .call_method(&cursor, jni_str!("moveToNext"), jni_sig!("()Z"), &[])?
        .z()?
    {
        let mut row = Vec::with_capacity(columns.len());
        for i in 0..columns.len() as i32 {
            let value = object(
                env,
                &cursor,
                jni_str!("getString"),
                jni_sig!("(I)Ljava/lang/String;"),
                &[JValue::Int(i)],
            )?;
            row.push(if value.is_null() {
                None
            } else {
                Some(env.cast_local::<JString>(value)?.try_to_string(env)?)
            });
        }
        rows.push(row);
    }
    env.call_method(&cursor, jni_str!("close"), jni_sig!("()V"), &[])?
        .v()?;
    Ok(Some(rows))
}

/// `DocumentsContract.name(args)`, a static method that returns an object.
fn documents<'l>(
    env: &mut Env<'l>,
    name: &JNIStr,
    sig: MethodSignature,
    args: &[JValue],
) -> jni::errors::Result<JObject<'l>> {
    static_object(
        env,
        jni_str!("android/provider/DocumentsContract"),
        name,
        sig,
        args,
    )
}

/// `activity.getContentResolver()`.
fn content_resolver<'l>(env: &mut Env<'l>, activity: &JObject) -> jni::errors::Result<JObject<'l>> {
    object(
        env,
        activity,
        jni_str!("getContentResolver"),
        jni_sig!("()Landroid/content/ContentResolver;"),
        &[],
    )
}

/// `Uri.parse(text)`.
fn parse_uri<'l>(env: &mut Env<'l>, text: &str) -> jni::errors::Result<JObject<'l>> {
    let text = env.new_string(text)?;
    static_object(
        env,
        jni_str!("android/net/Uri"),
        jni_str!("parse"),
        jni_sig!("(Ljava/lang/String;)Landroid/net/Uri;"),
        &[JValue::Object(&text)],
    )
}

/// `DocumentsContract.buildDocumentUriUsingTree(tree, id)`.
fn document_uri_object<'l>(
    env: &mut Env<'l>,
    tree: &JObject,
    id: &JObject,
) -> jni::errors::Result<JObject<'l>> {
    documents(
        env,
        jni_str!("buildDocumentUriUsingTree"),
        jni_sig!("(Landroid/net/Uri;Ljava/lang/String;)Landroid/net/Uri;"),
        &[JValue::Object(tree), JValue::Object(id)],
    )
}

/// The same, as the URI's text.
fn document_uri(env: &mut Env, tree: &JObject, id: &str) -> jni::errors::Result<String> {
    let id = env.new_string(id)?;
    let uri = document_uri_object(env, tree, &id)?;
    text_of(env, &uri)
}

/// 64 bits that differ between calls (the temporary file's name).
fn random() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}
