package dev.kiln.testkit;

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
 * Builds real plugin jars while a test runs: Java sources given as strings are compiled in memory
 * against the test class path (so they see Kiln, Guice, Typesafe Config, …) and written to a jar
 * together with service files and resources.
 *
 * <pre>{@code
 * Path jar = PluginJars.jar("hello.jar")
 *         .java("""
 *             package com.acme;
 *             @dev.kiln.spi.KilnExtension(name = "hello")
 *             public class Hello implements dev.kiln.train.Hook {}
 *             """)
 *         .service(Hook.class, "com.acme.Hello")
 *         .resource("reference.conf", "kiln.hello { period = 10 }")
 *         .writeTo(pluginsDir);
 * }</pre>
 */
public final class PluginJars {

    private static final Pattern PACKAGE =
            Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern PUBLIC_TYPE =
            Pattern.compile(
                    "public\\s+(?:(?:final|abstract|sealed|non-sealed|static)\\s+)*"
                            + "(?:class|interface|enum|record|@interface)\\s+(\\w+)");

    private PluginJars() {}

    /**
     * @param fileName the jar's file name, e.g. {@code my-plugin.jar}
     * @return a builder of that jar
     */
    public static Builder jar(String fileName) {
        return new Builder(fileName);
    }

    /**
     * Writes a file named like a jar that is not a zip.
     *
     * @param dir the folder to write into; created if missing
     * @param fileName the file's name, e.g. {@code broken.jar}
     * @return the file
     */
    public static Path corruptJar(Path dir, String fileName) {
        return write(dir.resolve(fileName), "this is not a zip".getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes a text file.
     *
     * @param file the file; its folder is created if missing
     * @param text the content
     * @return the file
     */
    public static Path textFile(Path file, String text) {
        return write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** One jar to build: its sources, service files and resources. */
    public static final class Builder {

        private final String fileName;
        private final Map<String, String> sources = new LinkedHashMap<>();
        private final Map<String, List<String>> services = new LinkedHashMap<>();
        private final Map<String, byte[]> resources = new LinkedHashMap<>();
        private final List<Path> classPath = new ArrayList<>();

        private Builder(String fileName) {
            this.fileName = fileName;
        }

        /**
         * Adds one compilation unit; its file name comes from its package and public type.
         *
         * @param source the source of a Java file with one public top-level type
         * @return this builder
         */
        public Builder java(String source) {
            sources.put(publicTypeName(source), source);
            return this;
        }

        /**
         * Lists implementations in {@code META-INF/services/<service's name>}.
         *
         * @param service the service interface, e.g. {@code Hook.class}
         * @param classNames the implementations' binary names
         * @return this builder
         */
        public Builder service(Class<?> service, String... classNames) {
            return service(service.getName(), classNames);
        }

        /**
         * Lists implementations in {@code META-INF/services/<serviceName>}.
         *
         * @param serviceName the service interface's binary name
         * @param classNames the implementations' binary names
         * @return this builder
         */
        public Builder service(String serviceName, String... classNames) {
            services.computeIfAbsent(serviceName, k -> new ArrayList<>())
                    .addAll(List.of(classNames));
            return this;
        }

        /**
         * Adds a text resource, such as {@code reference.conf}.
         *
         * @param path the path inside the jar
         * @param text the content, written as UTF-8
         * @return this builder
         */
        public Builder resource(String path, String text) {
            return resource(path, text.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Adds a binary resource, e.g. a copy of a class file.
         *
         * @param path the path inside the jar
         * @param bytes the content
         * @return this builder
         */
        public Builder resource(String path, byte[] bytes) {
            resources.put(path, bytes.clone());
            return this;
        }

        /**
         * Compiles against more jars than the test class path, e.g. a library jar of the same
         * plugin folder. They are not copied into this jar.
         *
         * @param jars jars to compile against
         * @return this builder
         */
        public Builder classPath(Path... jars) {
            classPath.addAll(List.of(jars));
            return this;
        }

        /**
         * Compiles the sources and writes the jar.
         *
         * @param dir the folder to write into; created if missing
         * @return the jar
         * @throws AssertionError if the sources do not compile, with the compiler's messages
         */
        public Path writeTo(Path dir) {
            Map<String, byte[]> entries = new TreeMap<>();
            compile().forEach((cls, bytes) -> entries.put(cls.replace('.', '/') + ".class", bytes));
            services.forEach(
                    (service, impls) ->
                            entries.put(
                                    "META-INF/services/" + service,
                                    (String.join("\n", impls) + "\n")
                                            .getBytes(StandardCharsets.UTF_8)));
            entries.putAll(resources);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    jar.putNextEntry(new JarEntry(e.getKey()));
                    jar.write(e.getValue());
                    jar.closeEntry();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return write(dir.resolve(fileName), bytes.toByteArray());
        }

        private Map<String, byte[]> compile() {
            if (sources.isEmpty()) {
                return Map.of();
            }
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            if (javac == null) {
                throw new IllegalStateException("tests need a JDK: no system Java compiler");
            }
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            List<JavaFileObject> units =
                    sources.entrySet().stream()
                            .map(e -> (JavaFileObject) new SourceInMemory(e.getKey(), e.getValue()))
                            .toList();
            String cp =
                    System.getProperty("java.class.path")
                            + classPath.stream()
                                    .map(p -> File.pathSeparator + p)
                                    .collect(Collectors.joining());
            List<String> options = List.of("-classpath", cp, "-proc:none", "-encoding", "UTF-8");
            try (ClassesInMemory files =
                    new ClassesInMemory(
                            javac.getStandardFileManager(
                                    diagnostics, null, StandardCharsets.UTF_8))) {
                boolean ok = javac.getTask(null, files, diagnostics, options, null, units).call();
                if (!ok) {
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
    }

    private static String publicTypeName(String source) {
        Matcher type = PUBLIC_TYPE.matcher(source);
        if (!type.find()) {
            throw new IllegalArgumentException("no public top-level type in:\n" + source);
        }
        Matcher pkg = PACKAGE.matcher(source);
        return pkg.find() ? pkg.group(1) + "." + type.group(1) : type.group(1);
    }

    private static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
