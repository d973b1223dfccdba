//! The Java calls Monban needs on Android, through the `jni` crate (0.22, the version
//! Slint's Android backend uses). Only framework classes are called from here (Monban's one
//! Java class, the folder picker, is started by name: `saf.rs`), so `FindClass` from the
//! native thread finds them through the system class loader.
//!
//! Every function takes the raw `JavaVM` and `Activity` pointers that android-activity hands
//! out (`AndroidApp::vm_as_ptr()`, `activity_as_ptr()`; the activity is a global reference
//! valid for the life of the app) and clears any Java exception it caused, so a failed call is
//! an [`Error`] (or, for file operations, an `io::Error` whose kind says what the exception
//! meant: [`Java::with_io`]) and never a crash on the next JNI call.

use std::ffi::c_void;
use std::io;

use jni::objects::{JObject, JString};
use jni::signature::MethodSignature;
use jni::strings::JNIStr;
use jni::{Env, JValue, JavaVM, jni_sig, jni_str};

use crate::clipboard::Clip;
use crate::platform::Error;
use crate::platform::permission::OsStatus;

const CAMERA: &str = "android.permission.CAMERA";
/// `ClipDescription.EXTRA_IS_SENSITIVE` (API 33; older versions ignore the extra, and some
/// keyboards and clipboard managers honour the key before that).
const EXTRA_IS_SENSITIVE: &str = "android.content.extra.IS_SENSITIVE";
/// Request code for `requestPermissions` (the result is read by re-checking on resume).
const CAMERA_REQUEST: i32 = 7001;
const PERMISSION_GRANTED: i32 = 0;
const FLAG_ACTIVITY_NEW_TASK: i32 = 0x1000_0000;

/// The two pointers every call needs.
#[derive(Clone, Copy)]
pub struct Java {
    vm: *mut c_void,
    activity: *mut c_void,
}

impl Java {
    /// # Safety
    /// `vm` and `activity` must be `AndroidApp::vm_as_ptr()` and `AndroidApp::activity_as_ptr()`
    /// of the running app.
    pub unsafe fn new(vm: *mut c_void, activity: *mut c_void) -> Self {
        Java { vm, activity }
    }

    /// Runs `f` with an attached JNI environment and the activity; on failure, clears a
    /// pending Java exception and says what it was.
    fn run<R>(
        &self,
        what: &'static str,
        f: impl FnOnce(&mut Env, &JObject) -> jni::errors::Result<R>,
    ) -> Result<R, (io::ErrorKind, String)> {
        if self.vm.is_null() || self.activity.is_null() {
            return Err((io::ErrorKind::Other, format!("{what}: no activity")));
        }
        // Safety: as documented by android-activity, `vm_as_ptr` is the process's JavaVM.
        let vm =
            JavaVM::singleton().unwrap_or_else(|_| unsafe { JavaVM::from_raw(self.vm.cast()) });
        let activity_raw = self.activity as jni::sys::jobject;
        let attached = vm.attach_current_thread(|env| -> jni::errors::Result<_> {
            // Safety: `activity_as_ptr` is a global reference that outlives this call; the
            // `JObject` wrapper never deletes it.
            let activity = unsafe { JObject::from_raw(env, activity_raw) };
            let result = env.with_local_frame(16, |env| f(env, &activity));
            let thrown = env.exception_check().then(|| caught(env));
            let _ = activity.into_raw(); // not ours to delete
            Ok(result.map_err(|e| match thrown {
                Some((kind, text)) => (kind, format!("{what}: {text}")),
                None => (io::ErrorKind::Other, format!("{what}: {e}")),
            }))
        });
        attached.map_err(|e| {
            let text = format!("{what}: cannot attach to the JVM: {e}");
            (io::ErrorKind::Other, text)
        })?
    }

    /// [`Java::run`], a failure as the platform [`Error`].
    fn with<R>(
        &self,
        what: &'static str,
        f: impl FnOnce(&mut Env, &JObject) -> jni::errors::Result<R>,
    ) -> Result<R, Error> {
        self.run(what, f).map_err(|(_, text)| Error::Java(text))
    }

    /// [`Java::with`] for the other glue files of this module (the Keystore).
    pub(super) fn with_env<R>(
        &self,
        what: &'static str,
        f: impl FnOnce(&mut Env, &JObject) -> jni::errors::Result<R>,
    ) -> Result<R, Error> {
        self.with(what, f)
    }

    /// [`Java::run`] for file operations (the document tree): a Java exception becomes the
    /// `io::Error` of the same meaning (`SecurityException` → `PermissionDenied`,
    /// `FileNotFoundException` → `NotFound`, …; see [`caught`]).
    pub(super) fn with_io<R>(
        &self,
        what: &'static str,
        f: impl FnOnce(&mut Env, &JObject) -> jni::errors::Result<R>,
    ) -> io::Result<R> {
        self.run(what, f)
            .map_err(|(kind, text)| io::Error::new(kind, text))
    }

    /// `Build.VERSION.SDK_INT`.
    pub fn sdk_int(&self) -> Result<i32, Error> {
        self.with("Build.VERSION.SDK_INT", |env, _| {
            env.get_static_field(
                jni_str!("android/os/Build$VERSION"),
                jni_str!("SDK_INT"),
                jni_sig!("I"),
            )?
            .i()
        })
    }

    /// What the OS says about the camera permission right now.
    pub fn camera_status(&self) -> Result<OsStatus, Error> {
        self.with("camera permission", |env, activity| {
            let pm = object(
                env,
                activity,
                jni_str!("getPackageManager"),
                jni_sig!("()Landroid/content/pm/PackageManager;"),
                &[],
            )?;
            let feature = env.new_string("android.hardware.camera.any")?;
            let has_camera = env
                .call_method(
                    &pm,
                    jni_str!("hasSystemFeature"),
                    jni_sig!("(Ljava/lang/String;)Z"),
                    &[JValue::Object(&feature)],
                )?
                .z()?;
            if !has_camera {
                return Ok(OsStatus::NoCamera);
            }
            let permission = env.new_string(CAMERA)?;
            let granted = env
                .call_method(
                    activity,
                    jni_str!("checkSelfPermission"),
                    jni_sig!("(Ljava/lang/String;)I"),
                    &[JValue::Object(&permission)],
                )?
                .i()?;
            if granted == PERMISSION_GRANTED {
                return Ok(OsStatus::Granted);
            }
            let disabled = camera_disabled_by_policy(env, activity);
            if disabled.is_err() && env.exception_check() {
                // Not worth failing the whole check for: clear it and go on.
                env.exception_clear();
            }
            if disabled.unwrap_or(false) {
                return Ok(OsStatus::Restricted);
            }
            let rationale = env
                .call_method(
                    activity,
                    jni_str!("shouldShowRequestPermissionRationale"),
                    jni_sig!("(Ljava/lang/String;)Z"),
                    &[JValue::Object(&permission)],
                )?
                .z()?;
            Ok(if rationale {
                OsStatus::Denied {
                    can_ask_again: true,
                }
            } else {
                OsStatus::Undetermined
            })
        })
    }

    /// Shows the system's camera permission dialog (`Activity.requestPermissions`). The answer
    /// is read with [`Java::camera_status`] when the activity resumes.
    pub fn request_camera_permission(&self) -> Result<(), Error> {
        self.with("requestPermissions", |env, activity| {
            let permission = env.new_string(CAMERA)?;
            let array = env.new_object_array(1, jni_str!("java/lang/String"), &permission)?;
            env.call_method(
                activity,
                jni_str!("requestPermissions"),
                jni_sig!("([Ljava/lang/String;I)V"),
                &[JValue::Object(&array), JValue::Int(CAMERA_REQUEST)],
            )?
            .v()
        })
    }

    /// Opens Monban's page in the system settings (to turn the camera permission back on).
    pub fn open_app_settings(&self) -> Result<(), Error> {
        self.with("open settings", |env, activity| {
            let package = package_name(env, activity)?;
            let scheme = env.new_string("package")?;
            let uri = static_object(
                env,
                jni_str!("android/net/Uri"),
                jni_str!("fromParts"),
                jni_sig!(
                    "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)Landroid/net/Uri;"
                ),
                &[
                    JValue::Object(&scheme),
                    JValue::Object(&package),
                    JValue::Object(&JObject::null()),
                ],
            )?;
            let action = env.new_string("android.settings.APPLICATION_DETAILS_SETTINGS")?;
            let intent = env.new_object(
                jni_str!("android/content/Intent"),
                jni_sig!("(Ljava/lang/String;Landroid/net/Uri;)V"),
                &[JValue::Object(&action), JValue::Object(&uri)],
            )?;
            start_activity(env, activity, &intent, FLAG_ACTIVITY_NEW_TASK)
        })
    }

    /// Starts Monban's own activity `class` (a name in the app's package: no class lookup
    /// from this thread, whose class loader does not know the app's classes).
    pub(super) fn start_own_activity(&self, class: &'static str) -> io::Result<()> {
        self.with_io("startActivity", |env, activity| {
            let package = package_name(env, activity)?;
            let class = env.new_string(class)?;
            let intent =
                env.new_object(jni_str!("android/content/Intent"), jni_sig!("()V"), &[])?;
            env.call_method(
                &intent,
                jni_str!("setClassName"),
                jni_sig!("(Ljava/lang/String;Ljava/lang/String;)Landroid/content/Intent;"),
                &[JValue::Object(&package), JValue::Object(&class)],
            )?;
            start_activity(env, activity, &intent, 0)
        })
    }

    /// Puts `text` on the clipboard as a plain-text clip marked sensitive (keyboards and the
    /// Android 13+ clipboard preview then hide it).
    pub fn set_sensitive_clip(&self, text: &str) -> Result<(), Error> {
        self.with("ClipboardManager.setPrimaryClip", |env, activity| {
            let manager = clipboard_manager(env, activity)?;
            let clip = plain_clip(env, "Monban", text)?;
            let description = object(
                env,
                &clip,
                jni_str!("getDescription"),
                jni_sig!("()Landroid/content/ClipDescription;"),
                &[],
            )?;
            let extras = env.new_object(
                jni_str!("android/os/PersistableBundle"),
                jni_sig!("()V"),
                &[],
            )?;
            let key = env.new_string(EXTRA_IS_SENSITIVE)?;
            env.call_method(
                &extras,
                jni_str!("putBoolean"),
                jni_sig!("(Ljava/lang/String;Z)V"),
                &[JValue::Object(&key), JValue::Bool(true)],
            )?;
            env.call_method(
                &description,
                jni_str!("setExtras"),
                jni_sig!("(Landroid/os/PersistableBundle;)V"),
                &[JValue::Object(&extras)],
            )?;
            set_primary_clip(env, &manager, &clip)
        })
    }

    /// The clipboard's text. `focused` says whether the app has input focus: without it,
    /// Android 10+ answers `null` whatever the clipboard holds, which is [`Clip::Unreadable`].
    /// Calls `f` with the text so it is compared without being copied around.
    pub fn with_clip<R>(&self, focused: bool, f: impl FnOnce(Clip<'_>) -> R) -> Result<R, Error> {
        let text = self.with("ClipboardManager.getPrimaryClip", |env, activity| {
            let manager = clipboard_manager(env, activity)?;
            let clip = object(
                env,
                &manager,
                jni_str!("getPrimaryClip"),
                jni_sig!("()Landroid/content/ClipData;"),
                &[],
            )?;
            if clip.is_null() {
                return Ok(None);
            }
            let count = env
                .call_method(&clip, jni_str!("getItemCount"), jni_sig!("()I"), &[])?
                .i()?;
            if count < 1 {
                return Ok(Some(String::new()));
            }
            let item = object(
                env,
                &clip,
                jni_str!("getItemAt"),
                jni_sig!("(I)Landroid/content/ClipData$Item;"),
                &[JValue::Int(0)],
            )?;
            let chars = object(
                env,
                &item,
                jni_str!("getText"),
                jni_sig!("()Ljava/lang/CharSequence;"),
                &[],
            )?;
            if chars.is_null() {
                return Ok(Some(String::new()));
            }
            Ok(Some(text_of(env, &chars)?))
        })?;
        let text = text.map(zeroize::Zeroizing::new);
        Ok(match &text {
            None if !focused => f(Clip::Unreadable),
            None => f(Clip::Empty),
            Some(t) if t.is_empty() => f(Clip::Empty),
            Some(t) => f(Clip::Text(t)),
        })
    }

    /// Empties the clipboard (`clearPrimaryClip` on API 28+, an empty clip before).
    pub fn clear_clip(&self, sdk_int: i32) -> Result<(), Error> {
        self.with("ClipboardManager.clearPrimaryClip", |env, activity| {
            let manager = clipboard_manager(env, activity)?;
            if sdk_int >= 28 {
                return env
                    .call_method(&manager, jni_str!("clearPrimaryClip"), jni_sig!("()V"), &[])?
                    .v();
            }
            let clip = plain_clip(env, "", "")?;
            set_primary_clip(env, &manager, &clip)
        })
    }
}

/// `obj.name(args)` for a method that returns an object (a null one is a null `JObject`).
pub(super) fn object<'l>(
    env: &mut Env<'l>,
    obj: &JObject,
    name: &JNIStr,
    sig: MethodSignature,
    args: &[JValue],
) -> jni::errors::Result<JObject<'l>> {
    env.call_method(obj, name, sig, args)?.l()
}

/// `Class.name(args)` for a static method that returns an object.
pub(super) fn static_object<'l>(
    env: &mut Env<'l>,
    class: &JNIStr,
    name: &JNIStr,
    sig: MethodSignature,
    args: &[JValue],
) -> jni::errors::Result<JObject<'l>> {
    env.call_static_method(class, name, sig, args)?.l()
}

/// `obj.toString()` as Rust text.
pub(super) fn text_of(env: &mut Env, obj: &JObject) -> jni::errors::Result<String> {
    let string = object(
        env,
        obj,
        jni_str!("toString"),
        jni_sig!("()Ljava/lang/String;"),
        &[],
    )?;
    env.cast_local::<JString>(string)?.try_to_string(env)
}

/// What a pending Java exception means for a file operation, and its text; the exception is
/// cleared.
fn caught(env: &mut Env) -> (io::ErrorKind, String) {
    let thrown = env.exception_occurred();
    env.exception_clear();
    let Some(thrown) = thrown else {
        return (io::ErrorKind::Other, "a Java exception".into());
    };
    let thrown = JObject::from(thrown);
    let text = text_of(env, &thrown).unwrap_or_else(|_| "a Java exception".into());
    if env.exception_check() {
        env.exception_clear();
    }
    let mut is = |class: &JNIStr| env.is_instance_of(&thrown, class).unwrap_or(false);
    let kind = if is(jni_str!("java/lang/SecurityException")) {
        io::ErrorKind::PermissionDenied
    } else if is(jni_str!("java/io/FileNotFoundException"))
        // A document or tree the provider no longer knows.
        || is(jni_str!("java/lang/IllegalArgumentException"))
    {
        io::ErrorKind::NotFound
    } else if is(jni_str!("java/lang/UnsupportedOperationException")) {
        io::ErrorKind::Unsupported
    } else if text.contains("ENOSPC") || text.contains("No space left") {
        io::ErrorKind::StorageFull
    } else if text.contains("EROFS") || text.contains("Read-only file system") {
        io::ErrorKind::ReadOnlyFilesystem
    } else {
        io::ErrorKind::Other
    };
    (kind, text)
}

/// `activity.getPackageName()`.
fn package_name<'l>(env: &mut Env<'l>, activity: &JObject) -> jni::errors::Result<JObject<'l>> {
    object(
        env,
        activity,
        jni_str!("getPackageName"),
        jni_sig!("()Ljava/lang/String;"),
        &[],
    )
}

/// `activity.startActivity(intent)`, with `flags` added to the intent.
fn start_activity(
    env: &mut Env,
    activity: &JObject,
    intent: &JObject,
    flags: i32,
) -> jni::errors::Result<()> {
    if flags != 0 {
        env.call_method(
            intent,
            jni_str!("addFlags"),
            jni_sig!("(I)Landroid/content/Intent;"),
            &[JValue::Int(flags)],
        )?;
    }
    env.call_method(
        activity,
        jni_str!("startActivity"),
        jni_sig!("(Landroid/content/Intent;)V"),
        &[JValue::Object(intent)],
    )?
    .v()
}

/// `ClipData.newPlainText(label, text)`.
fn plain_clip<'l>(env: &mut Env<'l>, label: &str, text: &str) -> jni::errors::Result<JObject<'l>> {
    let label = env.new_string(label)?;
    let value = env.new_string(text)?;
    static_object(
        env,
        jni_str!("android/content/ClipData"),
        jni_str!("newPlainText"),
        jni_sig!("(Ljava/lang/CharSequence;Ljava/lang/CharSequence;)Landroid/content/ClipData;"),
        &[JValue::Object(&label), JValue::Object(&value)],
    )
}

/// `manager.setPrimaryClip(clip)`.
fn set_primary_clip(env: &mut Env, manager: &JObject, clip: &JObject) -> jni::errors::Result<()> {
    env.call_method(
        manager,
        jni_str!("setPrimaryClip"),
        jni_sig!("(Landroid/content/ClipData;)V"),
        &[JValue::Object(clip)],
    )?
    .v()
}

/// `activity.getSystemService(name)`.
fn system_service<'l>(
    env: &mut Env<'l>,
    activity: &JObject,
    name: &str,
) -> jni::errors::Result<JObject<'l>> {
    let name = env.new_string(name)?;
    object(
        env,
        activity,
        jni_str!("getSystemService"),
        jni_sig!("(Ljava/lang/String;)Ljava/lang/Object;"),
        &[JValue::Object(&name)],
    )
}

/// `activity.getSystemService(Context.CLIPBOARD_SERVICE)`.
fn clipboard_manager<'local>(
    env: &mut Env<'local>,
    activity: &JObject,
) -> jni::errors::Result<JObject<'local>> {
    system_service(env, activity, "clipboard")
}

/// `DevicePolicyManager.getCameraDisabled(null)`: a device administrator turned cameras off.
fn camera_disabled_by_policy(env: &mut Env, activity: &JObject) -> jni::errors::Result<bool> {
    let dpm = system_service(env, activity, "device_policy")?;
    if dpm.is_null() {
        return Ok(false);
    }
    env.call_method(
        &dpm,
        jni_str!("getCameraDisabled"),
        jni_sig!("(Landroid/content/ComponentName;)Z"),
        &[JValue::Object(&JObject::null())],
    )?
    .z()
}
