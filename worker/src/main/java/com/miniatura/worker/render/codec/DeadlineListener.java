package com.miniatura.worker.render.codec;

import com.miniatura.worker.render.Deadline;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadProgressListener;

/** Aborts the decoder at its next progress report once the deadline has passed. */
public final class DeadlineListener implements IIOReadProgressListener {
    private final Deadline deadline;
    public boolean aborted;

    public DeadlineListener(Deadline deadline) {
        this.deadline = deadline;
    }

    @Override
    public void imageProgress(ImageReader source, float percentageDone) {
        if (!aborted && deadline.expired()) {
            aborted = true;
            source.abort();
        }
    }

    @Override
    public void imageStarted(ImageReader source, int imageIndex) {
        imageProgress(source, 0);
    }

    @Override
    public void imageComplete(ImageReader source) {}

    @Override
    public void readAborted(ImageReader source) {}

    @Override
    public void sequenceStarted(ImageReader source, int minIndex) {}

    @Override
    public void sequenceComplete(ImageReader source) {}

    @Override
    public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) {}

    @Override
    public void thumbnailProgress(ImageReader source, float percentageDone) {}

    @Override
    public void thumbnailComplete(ImageReader source) {}
}
