using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using Spectre.Console;

namespace Gauntlet.Cli;

/// <summary>
/// Builds the <c>gauntlet</c> command tree and runs it, turning user mistakes into one clear
/// line on standard error and a non-zero exit code instead of a stack trace.
/// </summary>
public static class CliApp
{
    /// <summary>Exit code for success.</summary>
    public const int ExitOk = 0;

    /// <summary>Exit code when a gate (findings, thresholds) failed.</summary>
    public const int ExitFindings = 1;

    /// <summary>Exit code for a user error: bad arguments, unreadable or malformed input.</summary>
    public const int ExitUserError = 2;

    /// <summary>Exit code for an internal error (a bug in Gauntlet).</summary>
    public const int ExitInternalError = 3;

    /// <summary>The informational version of the tool, as printed by <c>--version</c>.</summary>
    public static string Version =>
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>Creates the root command with every subcommand registered.</summary>
    /// <param name="console">Console the commands write to (a test console in tests).</param>
    public static RootCommand BuildRootCommand(IAnsiConsole console)
    {
        var root = new RootCommand("Gauntlet: attack, defend and audit machine-learning models, in managed .NET.");
        foreach (var command in CommandRegistry.Create(console))
        {
            root.Subcommands.Add(command);
        }

        // The built-in --version prints the entry assembly's version (the test host's under tests).
        foreach (var option in root.Options.OfType<VersionOption>())
        {
            option.Action = new PrintVersionAction();
        }

        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the chosen command.</summary>
    /// <returns>The process exit code.</returns>
    public static int Run(string[] args, IAnsiConsole console, TextWriter? output = null, TextWriter? error = null)
    {
        var root = BuildRootCommand(console);
        var configuration = new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
        };
        var errorWriter = configuration.Error;
        try
        {
            // A bare `gauntlet` shows what it can do rather than an error.
            var parsed = root.Parse(args.Length == 0 ? ["--help"] : args);
            if (parsed.Errors.Count > 0)
            {
                // One line, like every other user error: the parser's messages can span lines (a list of allowed values).
                var messages = parsed.Errors.Select(e => string.Join(' ', e.Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.'));
                errorWriter.WriteLine($"error: {string.Join("; ", messages)} (see --help)");
                return ExitUserError;
            }

            return parsed.Invoke(configuration);
        }
        catch (Exception ex) when (IsUserError(ex))
        {
            errorWriter.WriteLine($"error: {UserMessage(ex)}");
            return ExitUserError;
        }
        catch (OperationCanceledException)
        {
            errorWriter.WriteLine("error: cancelled");
            return ExitUserError;
        }
        catch (Exception ex)
        {
            errorWriter.WriteLine($"internal error: {ex.GetType().Name}: {ex.Message}");
            if (Environment.GetEnvironmentVariable("GAUNTLET_DEBUG") == "1")
            {
                errorWriter.WriteLine(ex.ToString());
            }
            else
            {
                errorWriter.WriteLine("(set GAUNTLET_DEBUG=1 for the stack trace; please report this)");
            }

            return ExitInternalError;
        }
    }

    /// <summary>Exceptions that describe a problem with the user's input rather than a bug.</summary>
    internal static bool IsUserError(Exception ex) => ex switch
    {
        UserInputException => true,
        FileNotFoundException or DirectoryNotFoundException => true,
        InvalidDataException => true,
        UnauthorizedAccessException => true,
        ArgumentException => true,
        FormatException => true,
        NotSupportedException => true,
        _ => false,
    };

    /// <summary>
    /// The message of a user error as one line, without the " (Parameter 'x')" that
    /// <see cref="ArgumentException"/> appends: the parameter is a C# name the user never typed.
    /// </summary>
    internal static string UserMessage(Exception ex)
    {
        var message = ex.Message;
        if (ex is ArgumentException { ParamName: { } name })
        {
            var suffix = $" (Parameter '{name}')";
            var at = message.LastIndexOf(suffix, StringComparison.Ordinal);
            if (at >= 0)
            {
                message = message.Remove(at, suffix.Length);
            }
        }

        return string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private sealed class PrintVersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return ExitOk;
        }
    }
}
