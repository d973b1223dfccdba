// The APK/AAB around libmonban_android.so. The main activity is the platform's
// NativeActivity; the one Java class, src/main/java/org/monban/app/FolderPickerActivity.java,
// picks the automatic backups' folder (Storage Access Framework). No library dependencies, so
// the merged manifest is exactly app/src/main/AndroidManifest.xml (no INTERNET permission).
plugins {
    id("com.android.application")
}

// Release signing from the environment (never from files in the repository):
// MONBAN_KEYSTORE, MONBAN_KEYSTORE_PASSWORD, MONBAN_KEY_ALIAS, MONBAN_KEY_PASSWORD.
val releaseKeystore: String? = System.getenv("MONBAN_KEYSTORE")

android {
    namespace = "org.monban.app"
    compileSdk = 35
    // Keep in step with android/build.sh (the NDK used by cargo-ndk).

    defaultConfig {
        applicationId = "org.monban.app"
        // Slint's Android backend needs API 26 (Android 8.0).
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        ndk {
            // Must match the ABIs build.sh gives cargo-ndk (MONBAN_ABIS).
            abiFilters += listOf("arm64-v8a", "x86_64")
        }
    }

    signingConfigs {
        if (releaseKeystore != null) {
            create("release") {
                storeFile = file(releaseKeystore)
                storePassword = System.getenv("MONBAN_KEYSTORE_PASSWORD")
                keyAlias = System.getenv("MONBAN_KEY_ALIAS") ?: "monban"
                keyPassword = System.getenv("MONBAN_KEY_PASSWORD") ?: System.getenv("MONBAN_KEYSTORE_PASSWORD")
            }
        }
    }

    buildTypes {
        getByName("release") {
            isMinifyEnabled = false
            if (releaseKeystore != null) {
                signingConfig = signingConfigs.getByName("release")
            }
        }
    }

    packaging {
        jniLibs {
            // Store the .so uncompressed and page-aligned (loaded in place, smaller install).
            useLegacyPackaging = false
        }
    }
}
