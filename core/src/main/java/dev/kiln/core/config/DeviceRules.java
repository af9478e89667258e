package dev.kiln.core.config;

import ai.djl.Device;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.kiln.core.runtime.Devices;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks on {@code kiln.devices} that need no engine: a list of device names, none of them a
 * GPU named twice ({@code cpu} may repeat: CPU replicas share the host), that agrees with an
 * explicit {@code kiln.device} and splits {@code kiln.solver.batch-size} into equal slices (with
 * {@code accumulate-steps}, each slice into equal micro-batches). Whether the engine has the GPUs
 * is checked when the run builds its engine.
 */
final class DeviceRules {

    static final String DEVICES = "kiln.devices";
    private static final String DEVICE = "kiln.device";
    private static final String BATCH = "kiln.solver.batch-size";
    private static final String ACCUMULATE = "kiln.solver.accumulate-steps";

    private final KilnConfig kiln;
    private final Config config;
    private final ProblemList problems;

    DeviceRules(KilnConfig kiln, ProblemList problems) {
        this.kiln = kiln;
        this.config = kiln.config();
        this.problems = problems;
    }

    void check() {
        if (!config.hasPath(DEVICES) || problems.reported(DEVICES)) {
            return;
        }
        ConfigValue value = config.getValue(DEVICES);
        if (value.valueType() != ConfigValueType.LIST) {
            problems.add(
                    DEVICES,
                    value,
                    "expected a list of devices, such as [cpu, cpu] or [\"gpu:0\", \"gpu:1\"], but"
                            + " got "
                            + ValueTypes.describe(value));
            return;
        }
        List<? extends ConfigValue> elements = config.getList(DEVICES);
        if (elements.isEmpty()) {
            problems.add(
                    DEVICES,
                    value,
                    "must name at least one device; null (the default) trains on kiln.device");
            return;
        }
        Map<Device, Integer> seen = new LinkedHashMap<>();
        Device first = null;
        boolean valid = true;
        for (int i = 0; i < elements.size(); i++) {
            ConfigValue element = elements.get(i);
            String path = DEVICES + "[" + i + "]";
            Device device = parse(path, element);
            if (device == null) {
                valid = false;
                continue;
            }
            first = i == 0 ? device : first;
            Integer earlier = seen.putIfAbsent(device, i);
            if (earlier != null && device.isGpu()) {
                problems.add(
                        path,
                        element,
                        "names "
                                + name(device)
                                + " a second time (also "
                                + DEVICES
                                + "["
                                + earlier
                                + "]); a GPU holds one replica, only cpu may repeat");
                valid = false;
            }
        }
        if (!valid) {
            return;
        }
        sameAsDevice(value, first);
        dividesBatch(value, elements.size());
    }

    /** An explicit {@code kiln.device} must be the first of {@code kiln.devices}, which holds the model. */
    private void sameAsDevice(ConfigValue devices, Device first) {
        if (problems.reported(DEVICE) || !kiln.isExplicit(DEVICE)) {
            return;
        }
        Device device;
        try {
            device = Devices.parseSyntax(config.getString(DEVICE));
        } catch (IllegalArgumentException | ConfigException e) {
            return;
        }
        if (!device.equals(first)) {
            ConfigValue set = config.getValue(DEVICE);
            problems.add(
                    DEVICES,
                    devices,
                    "starts with "
                            + name(first)
                            + " but kiln.device is "
                            + name(device)
                            + " (at "
                            + Origins.describe(set.origin())
                            + "); the first of kiln.devices holds the model, so leave kiln.device"
                            + " unset or make it the first of kiln.devices");
        }
    }

    private void dividesBatch(ConfigValue devices, int workers) {
        if (problems.reported(BATCH) || problems.reported(ACCUMULATE)) {
            return;
        }
        long batch;
        long steps;
        try {
            batch = config.getLong(BATCH);
            steps = config.getLong(ACCUMULATE);
        } catch (ConfigException e) {
            return;
        }
        if (batch < 1 || steps < 1 || batch % steps != 0) {
            return; // reported at those keys
        }
        long slices = workers * steps;
        if (batch % slices != 0) {
            problems.add(
                    DEVICES,
                    devices,
                    workers
                            + " devices"
                            + (steps > 1 ? " x accumulate-steps " + steps + " = " + slices : "")
                            + " must divide "
                            + BATCH
                            + " ("
                            + batch
                            + ") into equal slices (the batch is the global one, split over the"
                            + " devices)");
        }
    }

    private Device parse(String path, ConfigValue element) {
        if (element.valueType() != ConfigValueType.STRING) {
            problems.add(
                    path,
                    element,
                    "expected a device name ("
                            + Devices.VALID_FORMS
                            + ") but got "
                            + ValueTypes.describe(element));
            return null;
        }
        String spec = (String) element.unwrapped();
        try {
            return Devices.parseSyntax(spec);
        } catch (IllegalArgumentException e) {
            problems.add(path, element, e.getMessage());
            return null;
        }
    }

    private static String name(Device device) {
        return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
    }
}
