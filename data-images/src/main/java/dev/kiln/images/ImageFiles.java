package dev.kiln.images;

import dev.kiln.data.DataFormatException;
import dev.kiln.data.image.HostImage;
import dev.kiln.data.image.ImageShape;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads image files with the JDK's ImageIO (PNG, JPEG, BMP, GIF) into {@link HostImage}s with
 * values in [0, 1].
 *
 * <p>A stored value v of b bits becomes {@code v / (2^b - 1)} in float. With one channel, a grey
 * image's stored values are used as they are, and a colour image is
 * turned grey with ITU-R 601 luma ({@code 0.299 R + 0.587 G + 0.114 B}, as PIL's {@code
 * convert("L")}). With three channels, a grey image's value is repeated in R, G and B. An alpha
 * channel is dropped; a palette image is looked up. A file that cannot be decoded is a {@link
 * DataFormatException} naming it.
 */
public final class ImageFiles {

    /** The file name extensions read as images, lower case. */
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    /** Each thread's image reader per file name extension. */
    private static final ThreadLocal<Map<String, ImageReader>> READERS =
            ThreadLocal.withInitial(HashMap::new);

    private ImageFiles() {}

    /**
     * Tells whether a file's name has one of the {@link #EXTENSIONS}, in any case.
     *
     * @param file a file
     * @return true for {@code a.PNG}, false for {@code notes.txt}
     */
    public static boolean hasImageName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Reads an image's height and width from its header, without decoding its pixels.
     *
     * @param file the image file
     * @param channels the channels the image will be read with
     * @return its shape
     * @throws DataFormatException if the file is not an image ImageIO can read
     */
    public static ImageShape readShape(Path file, int channels) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new DataFormatException(file, "cannot be opened");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw notAnImage(file);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new ImageShape(channels, reader.getHeight(0), reader.getWidth(0));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataFormatException known) {
                throw known;
            }
            throw new DataFormatException(file, "cannot be read as an image: " + reason(e));
        }
    }

    /**
     * Decodes an image.
     *
     * @param file the image file
     * @param channels 1 (grey) or 3 (RGB)
     * @return its pixels, channel by channel, in [0, 1]
     * @throws DataFormatException if the file cannot be decoded
     */
    public static HostImage decode(Path file, int channels) {
        BufferedImage image;
        try {
            image = read(file);
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException(file, "cannot be decoded as an image: " + reason(e));
        }
        if (image == null) {
            throw notAnImage(file);
        }
        return toHostImage(image, channels);
    }

    /**
     * Decodes with this thread's reader for the file's extension, made once per thread: finding a
     * reader costs as much as decoding a small image. A file whose content is in another format
     * than its name says is decoded by whichever reader ImageIO finds for it.
     */
    private static BufferedImage read(Path file) throws IOException {
        String name = file.getFileName().toString();
        String suffix = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        ImageReader reader =
                READERS.get()
                        .computeIfAbsent(
                                suffix,
                                s -> {
                                    Iterator<ImageReader> found =
                                            ImageIO.getImageReadersBySuffix(s);
                                    return found.hasNext() ? found.next() : null;
                                });
        if (reader != null) {
            try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
                if (reader.getOriginatingProvider().canDecodeInput(in)) {
                    reader.setInput(in, true, true);
                    try {
                        return reader.read(0);
                    } finally {
                        reader.setInput(null);
                    }
                }
            }
        }
        return ImageIO.read(file.toFile());
    }

    /**
     * Converts a decoded image.
     *
     * @param image the image
     * @param channels 1 (grey) or 3 (RGB)
     * @return its pixels, channel by channel, in [0, 1]
     */
    static HostImage toHostImage(BufferedImage image, int channels) {
        int height = image.getHeight();
        int width = image.getWidth();
        HostImage out = HostImage.zeros(new ImageShape(channels, height, width));
        float[] pixels = out.pixels();
        int plane = height * width;
        Raster raster = image.getRaster();
        boolean grey =
                raster.getNumBands() == 1 && !(image.getColorModel() instanceof IndexColorModel);
        if (grey) {
            float max = (1 << image.getColorModel().getComponentSize(0)) - 1;
            int[] row = new int[width];
            for (int y = 0; y < height; y++) {
                raster.getSamples(0, y, width, 1, 0, row);
                for (int x = 0; x < width; x++) {
                    float v = row[x] / max;
                    for (int c = 0; c < channels; c++) {
                        pixels[c * plane + y * width + x] = v;
                    }
                }
            }
            return out;
        }
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            int r = (p >>> 16) & 0xFF;
            int g = (p >>> 8) & 0xFF;
            int b = p & 0xFF;
            if (channels == 1) {
                pixels[i] = (0.299f * r + 0.587f * g + 0.114f * b) / 255f;
            } else {
                pixels[i] = r / 255f;
                pixels[plane + i] = g / 255f;
                pixels[2 * plane + i] = b / 255f;
            }
        }
        return out;
    }

    private static DataFormatException notAnImage(Path file) {
        return new DataFormatException(
                file, "is not an image in a format ImageIO reads (PNG, JPEG, BMP, GIF)");
    }

    private static String reason(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
