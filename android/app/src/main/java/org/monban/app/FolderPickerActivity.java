package org.monban.app;

import android.app.Activity;
import android.content.ActivityNotFoundException;
import android.content.Intent;
import android.net.Uri;
import android.os.Bundle;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The folder for automatic backups, through the Storage Access Framework.
 *
 * <p>Monban runs in a NativeActivity, which gets no activity results; this activity asks for
 * a folder ({@link Intent#ACTION_OPEN_DOCUMENT_TREE}), keeps read and write access to it
 * across restarts ({@code takePersistableUriPermission}), leaves the tree's URI in
 * {@code files/backup-folder.picked} for the Rust side ({@code src/platform/android/saf.rs},
 * which reads it when Monban resumes) and finishes. Cancelled, or a folder whose provider
 * gives no lasting write access: the file is empty.
 */
public final class FolderPickerActivity extends Activity {
    private static final int PICK = 1;
    private static final String ANSWER = "backup-folder.picked";
    private static final int ACCESS =
            Intent.FLAG_GRANT_READ_URI_PERMISSION | Intent.FLAG_GRANT_WRITE_URI_PERMISSION;

    @Override
    protected void onCreate(Bundle saved) {
        super.onCreate(saved);
        if (saved != null) {
            // Recreated while the picker shows: its result still comes to this activity.
            return;
        }
        try {
            startActivityForResult(new Intent(Intent.ACTION_OPEN_DOCUMENT_TREE), PICK);
        } catch (ActivityNotFoundException e) {
            answer("");
            finish();
        }
    }

    @Override
    protected void onActivityResult(int request, int result, Intent data) {
        super.onActivityResult(request, result, data);
        if (request != PICK) {
            return;
        }
        String uri = "";
        Uri tree = data == null ? null : data.getData();
        if (result == RESULT_OK && tree != null && (data.getFlags() & ACCESS) == ACCESS) {
            try {
                getContentResolver().takePersistableUriPermission(tree, ACCESS);
                uri = tree.toString();
            } catch (SecurityException e) {
                // No lasting permission offered: not a folder automatic backups can use.
            }
        }
        answer(uri);
        finish();
    }

    /** Writes the answer whole (a temporary file renamed): never half of it is read. */
    private void answer(String uri) {
        File dir = getFilesDir();
        File tmp = new File(dir, ANSWER + ".tmp");
        try (FileOutputStream out = new FileOutputStream(tmp)) {
            out.write(uri.getBytes(StandardCharsets.UTF_8));
            out.getFD().sync();
        } catch (IOException e) {
            return;
        }
        if (!tmp.renameTo(new File(dir, ANSWER))) {
            tmp.delete();
        }
    }
}
