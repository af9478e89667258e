package dev.kiln.images.transform;

import dev.kiln.data.image.HostImage;
import dev.kiln.data.image.ImageShape;
import dev.kiln.data.image.ImageTransform;
import java.util.SplittableRandom;

/**
 * Cuts a window of random area and aspect out of an image and resizes it bilinearly to a fixed
 * size, as torchvision's {@code RandomResizedCrop}; see {@link RandomResizedCropProvider} for the
 * exact draws.
 */
final class RandomResizedCrop implements ImageTransform {

    /** Attempts at a window that fits before falling back to the centre. */
    static final int ATTEMPTS = 10;

    /** Values each image takes from its generator: two per attempt, then row and column. */
    static final int DRAWS = 2 * ATTEMPTS + 2;

    private final int height;
    private final int width;
    private final double minScale;
    private final double maxScale;
    private final double minRatio;
    private final double maxRatio;

    /**
     * @param height the rows of every result
     * @param width its columns
     * @param scale the window's area as a fraction of the image's: [min, max]
     * @param ratio the window's width over its height: [min, max]
     */
    RandomResizedCrop(int height, int width, double[] scale, double[] ratio) {
        this.height = height;
        this.width = width;
        this.minScale = scale[0];
        this.maxScale = scale[1];
        this.minRatio = ratio[0];
        this.maxRatio = ratio[1];
    }

    @Override
    public ImageShape outputShape(ImageShape input) {
        return new ImageShape(input.channels(), height, width);
    }

    @Override
    public HostImage apply(HostImage image, SplittableRandom random) {
        int[] window = window(image.shape().height(), image.shape().width(), random);
        return Pixels.resample(image, window[0], window[1], window[2], window[3], height, width);
    }

    /**
     * Picks the window, drawing exactly {@link #DRAWS} values whatever happens.
     *
     * @param imageHeight the image's rows
     * @param imageWidth its columns
     * @param random the generator
     * @return top, left, height, width of the window
     */
    int[] window(int imageHeight, int imageWidth, SplittableRandom random) {
        double area = (double) imageHeight * imageWidth;
        double logMin = Math.log(minRatio);
        double logMax = Math.log(maxRatio);
        int h = 0;
        int w = 0;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double scale = minScale + (maxScale - minScale) * random.nextDouble();
            double ratio = Math.exp(logMin + (logMax - logMin) * random.nextDouble());
            if (h > 0) {
                continue; // found already: the draws are still taken, so their count is fixed
            }
            double target = area * scale;
            int tryWidth = (int) Math.rint(Math.sqrt(target * ratio));
            int tryHeight = (int) Math.rint(Math.sqrt(target / ratio));
            if (tryWidth > 0
                    && tryWidth <= imageWidth
                    && tryHeight > 0
                    && tryHeight <= imageHeight) {
                h = tryHeight;
                w = tryWidth;
            }
        }
        // the row and the column are drawn also when no attempt fitted, so their count is fixed
        double row = random.nextDouble();
        double column = random.nextDouble();
        if (h > 0) {
            // as torchvision's randint(0, H - h + 1): uniform over the places the window fits
            int top = (int) Pixels.index(row, imageHeight - h + 1);
            int left = (int) Pixels.index(column, imageWidth - w + 1);
            return new int[] {top, left, h, w};
        }
        return centre(imageHeight, imageWidth);
    }

    /** torchvision's fallback: the whole image, cut to the nearest ratio in range, centred. */
    private int[] centre(int imageHeight, int imageWidth) {
        double inRatio = (double) imageWidth / imageHeight;
        int h = imageHeight;
        int w = imageWidth;
        if (inRatio < minRatio) {
            h = clamp((int) Math.rint(imageWidth / minRatio), imageHeight);
        } else if (inRatio > maxRatio) {
            w = clamp((int) Math.rint(imageHeight * maxRatio), imageWidth);
        }
        return new int[] {(imageHeight - h) / 2, (imageWidth - w) / 2, h, w};
    }

    private static int clamp(int value, int max) {
        return Math.max(1, Math.min(max, value));
    }

    @Override
    public boolean isRandom() {
        return true;
    }

    @Override
    public String toString() {
        return "random-resized-crop("
                + TransformSettings.extent(height, width)
                + ", scale ["
                + minScale
                + ", "
                + maxScale
                + "], ratio ["
                + minRatio
                + ", "
                + maxRatio
                + "])";
    }
}
