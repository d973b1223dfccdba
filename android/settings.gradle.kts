// Gradle packages the Rust library (built by cargo-ndk into app/src/main/jniLibs) with the
// manifest and resources into an APK or AAB. See README.md; ./build.sh runs both steps.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "Monban"
include(":app")
