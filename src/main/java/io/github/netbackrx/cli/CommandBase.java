package io.github.netbackrx.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * What every command shares: {@code -h}/{@code -V}, the version, the layout of the help (headings,
 * width, options in declaration order in the synopsis too, so a new option is one annotated field) and the way to the top-level {@link Main} (standard input,
 * whether the output is a terminal, the log level). picocli reads the {@code @Command} attributes
 * of a superclass as defaults, so each command states only its name, texts and exit statuses.
 */
@Command(
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        sortSynopsis = false,
        usageHelpAutoWidth = true,
        headerHeading = "%n",
        descriptionHeading = "%n",
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status:%n")
abstract class CommandBase {

    @ParentCommand
    private Main main;

    /** @return the top-level command this one runs under */
    final Main main() {
        return main;
    }
}
