using Spectre.Console.Testing;

namespace Gauntlet.Cli.Tests;

/// <summary>Runs the CLI in-process against a captured console, as every command test does.</summary>
internal static class CliRunner
{
    /// <summary>Runs <paramref name="args"/>; returns the exit code, the console text, standard output and standard error.</summary>
    public static (int Code, string Console, string Out, string Err) Run(params string[] args) => RunWithWidth(200, args);

    /// <summary>As <see cref="Run"/>, with the console <paramref name="width"/> tables wrap at.</summary>
    public static (int Code, string Console, string Out, string Err) RunWithWidth(int width, params string[] args)
    {
        var console = new TestConsole { EmitAnsiSequences = false };
        console.Profile.Width = width;
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliApp.Run(args, console, output, error);
        return (code, console.Output, output.ToString(), error.ToString());
    }
}
