using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Gauntlet.Cli.Tests;

/// <summary>
/// Packs the CLI as a .NET tool and installs it from that package, as scripts/install-tool.sh
/// does (into a temporary --tool-path instead of the user's ~/.dotnet/tools), then runs the
/// installed <c>gauntlet</c>.
/// </summary>
public sealed class ToolPackageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-tool-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void PackedTool_InstallsAndRunsAsGauntlet()
    {
        var feed = Path.Combine(_dir, "feed");
        var tools = Path.Combine(_dir, "tools");

        // The configuration this test assembly was built in; the CLI beside it was built in the
        // same one, so --no-build packs those binaries rather than rebuilding under running tests.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        Dotnet("pack", Path.Combine(RepoPaths.Root, "src", "Gauntlet.Cli", "Gauntlet.Cli.csproj"), "-c", configuration, "--no-build", "-o", feed, "--nologo");
        var package = Assert.Single(Directory.GetFiles(feed, "*.nupkg"));
        Assert.Equal($"Gauntlet.Cli.{CliApp.Version}.nupkg", Path.GetFileName(package));

        // Only the local feed: the install must not depend on nuget.org or on a cached package.
        var config = Path.Combine(_dir, "nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources><clear /><add key="local" value="{feed}" /></packageSources>
            </configuration>
            """);
        Dotnet("tool", "install", "--tool-path", tools, "--configfile", config, "--version", CliApp.Version, "Gauntlet.Cli");

        var gauntlet = Path.Combine(tools, OperatingSystem.IsWindows() ? "gauntlet.exe" : "gauntlet");
        Assert.True(File.Exists(gauntlet), "dotnet tool install did not create the gauntlet command");
        Assert.Equal(CliApp.Version, Run(gauntlet, "--version").Trim());
        var info = Run(gauntlet, "info");
        Assert.Matches($@"gauntlet\s*│\s*{Regex.Escape(CliApp.Version)}\s", info);
        Assert.Contains("runtime", info, StringComparison.Ordinal);
    }

    private string Dotnet(params string[] args) =>
        Run(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet", args);

    /// <summary>Runs <paramref name="file"/> in the temp folder; returns standard output, failing the test on a non-zero exit or after 3 minutes.</summary>
    private string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The tool's launcher finds the runtime through DOTNET_ROOT wherever .NET is installed:
        // the runtime folder is DOTNET_ROOT/shared/Microsoft.NETCore.App/VERSION.
        start.Environment["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish in 3 minutes");
        }

        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{output.Result}\n{error.Result}");
        return output.Result;
    }
}
