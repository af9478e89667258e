package dev.kiln.core.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import dev.kiln.spi.Settings;
import dev.kiln.spi.SettingsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses device names ({@code cpu}, {@code gpu}, {@code gpu:1}) into DJL devices, checked against
 * what an engine can actually see.
 */
public final class Devices {

    /** The accepted spellings, for error messages. */
    public static final String VALID_FORMS = "cpu, gpu, gpu:<index>";

    private static final Pattern SYNTAX = Pattern.compile("(cpu|gpu)(?::(\\d{1,4}))?");

    private Devices() {}

    /**
     * Parses a device name and checks that the engine has that device.
     *
     * @param spec {@code cpu}, {@code gpu} (the first GPU) or {@code gpu:N}; case and surrounding
     *     spaces are ignored
     * @param engine the engine that will run on the device
     * @return the device
     * @throws IllegalArgumentException if the syntax is wrong or the engine lacks that GPU
     */
    public static Device parse(String spec, Engine engine) {
        Device device = parseSyntax(spec);
        if (device.isGpu()) {
            int gpus = engine.getGpuCount();
            if (device.getDeviceId() >= gpus) {
                throw new IllegalArgumentException(
                        "device \""
                                + spec.trim()
                                + "\" is not available: engine "
                                + engine.getEngineName()
                                + " sees "
                                + gpus
                                + (gpus == 1 ? " GPU" : " GPUs")
                                + "; available devices: "
                                + String.join(", ", available(engine)));
            }
        }
        return device;
    }

    /**
     * Parses a list of device names, such as {@code kiln.devices}, and checks that the engine has
     * each device.
     *
     * @param config the config holding the list
     * @param path the list's path
     * @param engine the engine that will run on the devices
     * @return the devices, in order
     * @throws SettingsException naming the element's file and line when its syntax is wrong or
     *     the engine lacks that GPU
     */
    public static List<Device> parseAll(Config config, String path, Engine engine) {
        List<? extends ConfigValue> elements = config.getList(path);
        List<Device> devices = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            ConfigValue element = elements.get(i);
            try {
                devices.add(parse(String.valueOf(element.unwrapped()), engine));
            } catch (IllegalArgumentException e) {
                throw new SettingsException(
                        Settings.location(element.origin()), path + "[" + i + "]", e.getMessage());
            }
        }
        return devices;
    }

    /**
     * The devices of one of several processes on one host: every GPU of {@code devices} moved on
     * by {@code localRank x devices.size()}, so that the processes of {@code kiln train --nproc N}
     * each train on GPUs of their own ({@code gpu:0} gives {@code gpu:r} to local rank r; {@code
     * [gpu:0, gpu:1]} gives rank 1 {@code [gpu:2, gpu:3]}). CPUs stay as they are. Whether the
     * engine has the GPUs is for {@link #requireAvailable} to check.
     *
     * @param devices the devices the config names, in order
     * @param localRank the process's rank among those on its host, at least 0
     * @return the devices of that process
     */
    public static List<Device> forLocalRank(List<Device> devices, int localRank) {
        List<Device> moved = new ArrayList<>(devices.size());
        for (Device device : devices) {
            moved.add(
                    device.isGpu()
                            ? Device.gpu(device.getDeviceId() + localRank * devices.size())
                            : device);
        }
        return moved;
    }

    /**
     * Checks that the engine has every device.
     *
     * @param devices the devices
     * @param engine the engine that will run on them
     * @param why what asks for them, for the message
     * @throws IllegalArgumentException naming the first missing device, why it was asked for and
     *     what the engine has
     */
    public static void requireAvailable(List<Device> devices, Engine engine, String why) {
        for (Device device : devices) {
            try {
                parse(device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu", engine);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(why + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Parses a device name without checking that it exists.
     *
     * @param spec {@code cpu}, {@code gpu} or {@code gpu:N}
     * @return the device
     * @throws IllegalArgumentException if the syntax is wrong
     */
    public static Device parseSyntax(String spec) {
        String text = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches() || ("cpu".equals(m.group(1)) && m.group(2) != null)) {
            throw new IllegalArgumentException(
                    "invalid device \"" + spec + "\"; expected one of: " + VALID_FORMS);
        }
        if ("cpu".equals(m.group(1))) {
            return Device.cpu();
        }
        return Device.gpu(m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
    }

    /**
     * Lists the devices an engine can use, as names {@link #parse} accepts.
     *
     * @param engine the engine
     * @return {@code cpu} followed by {@code gpu:0 .. gpu:N-1}
     */
    public static List<String> available(Engine engine) {
        List<String> names = new ArrayList<>();
        names.add("cpu");
        for (int i = 0; i < engine.getGpuCount(); i++) {
            names.add("gpu:" + i);
        }
        return names;
    }
}
