package io.github.netbackrx.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/**
 * The version: the {@code Implementation-Version} of the jar's manifest (the runnable jar and the
 * library jar both carry it), else — when the classes run from a build directory, as in the tests —
 * {@code version.properties}, written by the build.
 */
final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() throws IOException {
        return new String[] {"netback-rx " + version()};
    }

    /** @return the version, e.g. {@code 0.1.0} */
    static String version() throws IOException {
        String manifest = VersionProvider.class.getPackage().getImplementationVersion();
        if (manifest != null) {
            return manifest;
        }
        Properties properties = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        }
        return properties.getProperty("version", "(unknown version)");
    }
}
