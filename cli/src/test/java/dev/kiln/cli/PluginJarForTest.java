package dev.kiln.cli;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Builds a plugin jar while a test runs: Java sources given as strings are compiled in memory
 * against the jars of the distribution's {@code lib/} (what a plugin sees at run time) and written
 * to a jar with service files and resources.
 *
 * <p>A trimmed copy of core's test helper {@code dev.kiln.plugin.TestPluginJars}, which lives in
 * core's test sources and so is not visible here.
 */
final class PluginJarForTest {

    private static final Pattern PACKAGE =
            Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern PUBLIC_TYPE =
            Pattern.compile(
                    "public\\s+(?:(?:final|abstract|static)\\s+)*"
                            + "(?:class|interface|enum|record)\\s+(\\w+)");

    private final String fileName;
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, List<String>> services = new LinkedHashMap<>();
    private final Map<String, String> resources = new LinkedHashMap<>();

    private PluginJarForTest(String fileName) {
        this.fileName = fileName;
    }

    /**
     * @param fileName the jar's file name, e.g. {@code greeter.jar}
     * @return a builder of that jar
     */
    static PluginJarForTest jar(String fileName) {
        return new PluginJarForTest(fileName);
    }

    /**
     * Adds one compilation unit with one public top-level type.
     *
     * @param source the Java source
     * @return this builder
     */
    PluginJarForTest java(String source) {
        sources.put(publicTypeName(source), source);
        return this;
    }

    /**
     * Lists implementations in {@code META-INF/services/<serviceName>}.
     *
     * @param serviceName the extension point's interface, e.g. {@code dev.kiln.train.Hook}
     * @param classNames the implementations' binary names
     * @return this builder
     */
    PluginJarForTest service(String serviceName, String... classNames) {
        services.computeIfAbsent(serviceName, k -> new ArrayList<>()).addAll(List.of(classNames));
        return this;
    }

    /**
     * Adds a text resource, such as {@code reference.conf}.
     *
     * @param path the path inside the jar
     * @param text the content
     * @return this builder
     */
    PluginJarForTest resource(String path, String text) {
        resources.put(path, text);
        return this;
    }

    /**
     * Compiles the sources and writes the jar.
     *
     * @param dir the folder to write into; created if missing
     * @return the jar
     * @throws AssertionError if the sources do not compile, with the compiler's messages
     */
    Path writeTo(Path dir) {
        Map<String, byte[]> entries = new TreeMap<>();
        compile().forEach((cls, bytes) -> entries.put(cls.replace('.', '/') + ".class", bytes));
        services.forEach(
                (service, impls) ->
                        entries.put(
                                "META-INF/services/" + service,
                                (String.join("\n", impls) + "\n").getBytes(StandardCharsets.UTF_8)));
        resources.forEach((path, text) -> entries.put(path, text.getBytes(StandardCharsets.UTF_8)));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(fileName);
            try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(file), manifest)) {
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    jar.putNextEntry(new JarEntry(e.getKey()));
                    jar.write(e.getValue());
                    jar.closeEntry();
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, byte[]> compile() {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("tests need a JDK: no system Java compiler");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<JavaFileObject> units =
                sources.entrySet().stream()
                        .map(e -> (JavaFileObject) new SourceInMemory(e.getKey(), e.getValue()))
                        .toList();
        List<String> options =
                List.of("-classpath", distributionClassPath(), "-proc:none", "-encoding", "UTF-8");
        try (ClassesInMemory files =
                new ClassesInMemory(
                        javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8))) {
            if (!javac.getTask(null, files, diagnostics, options, null, units).call()) {
                throw new AssertionError(
                        "test plugin "
                                + fileName
                                + " does not compile:\n"
                                + diagnostics.getDiagnostics().stream()
                                        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                                        .map(Object::toString)
                                        .collect(Collectors.joining("\n")));
            }
            return files.classes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return every jar of the distribution's {@code lib/}, as a class path */
    private static String distributionClassPath() {
        try (Stream<Path> jars = Files.list(KilnProcess.dist().resolve("lib"))) {
            return jars.filter(p -> p.toString().endsWith(".jar"))
                    .map(Path::toString)
                    .sorted()
                    .collect(Collectors.joining(File.pathSeparator));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String publicTypeName(String source) {
        Matcher type = PUBLIC_TYPE.matcher(source);
        if (!type.find()) {
            throw new IllegalArgumentException("no public top-level type in:\n" + source);
        }
        Matcher pkg = PACKAGE.matcher(source);
        return pkg.find() ? pkg.group(1) + "." + type.group(1) : type.group(1);
    }

    /** A source file held in a string. */
    private static final class SourceInMemory extends SimpleJavaFileObject {

        private final String code;

        SourceInMemory(String className, String code) {
            super(URI.create("string:///" + className.replace('.', '/') + ".java"), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }

    /** A file manager that keeps the compiled classes in memory, by binary name. */
    private static final class ClassesInMemory
            extends ForwardingJavaFileManager<StandardJavaFileManager> {

        private final Map<String, ByteArrayOutputStream> classes = new TreeMap<>();

        ClassesInMemory(StandardJavaFileManager files) {
            super(files);
        }

        @Override
        public JavaFileObject getJavaFileForOutput(
                JavaFileManager.Location location,
                String className,
                JavaFileObject.Kind kind,
                FileObject sibling) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            classes.put(className, out);
            return new SimpleJavaFileObject(
                    URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
                @Override
                public OutputStream openOutputStream() {
                    return out;
                }
            };
        }

        Map<String, byte[]> classes() {
            Map<String, byte[]> bytes = new TreeMap<>();
            classes.forEach((name, out) -> bytes.put(name, out.toByteArray()));
            return bytes;
        }
    }
}
