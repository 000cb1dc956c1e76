using System.Text;
using System.Text.RegularExpressions;
using Spectre.Console.Testing;

namespace Gauntlet.Cli.Tests;

/// <summary>
/// Runs every command line in the README's bash blocks, in order, from a fresh folder holding
/// only what a clone ships for them (examples/), so the README can never show a command that
/// fails or a file that does not exist.
/// </summary>
[Collection(nameof(CurrentDirectoryCollection))]
public sealed partial class ReadmeCommandsTests
{
    /// <summary>What the README writes in front of a command; both run the same entry point.</summary>
    private static readonly string[] Prefixes = ["gauntlet ", "dotnet run --project src/Gauntlet.Cli -c Release -- "];

    /// <summary>
    /// Lines that are not Gauntlet commands and are checked elsewhere: the test command (this
    /// test is one of its tests), the tool install (ToolPackageTests packs and installs the tool)
    /// and the PATH hint. Any other line must run, so nothing unchecked slips into the README.
    /// </summary>
    private static readonly string[] NotRun =
    [
        "bash scripts/test.sh",
        "bash scripts/install-tool.sh",
        "export PATH=\"$PATH:$HOME/.dotnet/tools\"",
    ];

    [Fact]
    public void ReadmeCommands_RunAsWrittenFromAFreshFolder()
    {
        var commands = ReadmeCommands(File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")));

        // The first command is the main job, with nothing (no setup, no install) in front of it.
        Assert.Equal("dotnet run --project src/Gauntlet.Cli -c Release -- audit", commands[0].Line);
        Assert.True(commands.Count >= 10, $"only {commands.Count} README commands found");

        var work = Directory.CreateTempSubdirectory("gauntlet-readme-cli-");
        var previous = Environment.CurrentDirectory;
        try
        {
            CopyFolder(Path.Combine(RepoPaths.Root, "examples"), Path.Combine(work.FullName, "examples"));
            Environment.CurrentDirectory = work.FullName;
            var outputs = new Dictionary<string, string>();
            foreach (var (line, args, expected) in commands)
            {
                var console = new TestConsole { EmitAnsiSequences = false };
                console.Profile.Width = 120;
                var output = new StringWriter();
                var error = new StringWriter();
                var code = CliApp.Run(args, console, output, error);
                Assert.True(code == expected, $"README command exited {code}, the README says {expected}: {line}\n{error}\n{Tail(console.Output)}");
                outputs[line] = output.ToString();
            }

            // What the commands promise to write, where the README's later commands read it.
            foreach (var file in new[]
            {
                "gauntlet-audit/security_audit_report.json", "gauntlet-audit/report.sarif", "mlp.onnx", "mlp.train.json",
                "audit/security_audit_report.json", "audit/summary.md", "eval.json", "pgd.json", "pgd-examples/index.json",
                "mlp-adv.onnx", "scan.sarif",
            })
            {
                Assert.True(File.Exists(Path.Combine(work.FullName, file)), $"the README's commands did not write {file}");
            }

            var markdown = outputs.Single(o => o.Key.StartsWith("gauntlet report audit/", StringComparison.Ordinal)).Value;
            Assert.StartsWith("# ", markdown, StringComparison.Ordinal);
            Assert.Equal(File.ReadAllText(Path.Combine(work.FullName, "audit", "summary.md")), markdown);
            Assert.Equal(CliApp.Version, outputs["gauntlet --version"].Trim());
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public void ReadmeCommands_ParsesPrefixesCommentsQuotesAndStatedExitCodes()
    {
        var readme = "text\n```bash\n# a comment\ngauntlet scan 'a b' --fail-on high   # exits 1: a finding\n\n" +
            "dotnet run --project src/Gauntlet.Cli -c Release -- info\nbash scripts/test.sh\n```\n```csharp\ngauntlet not-bash\n```\n";
        var commands = ReadmeCommands(readme);
        Assert.Equal(2, commands.Count);
        Assert.Equal(["scan", "a b", "--fail-on", "high"], commands[0].Args);
        Assert.Equal(1, commands[0].ExpectedExit);
        Assert.Equal(["info"], commands[1].Args);
        Assert.Equal(0, commands[1].ExpectedExit);
    }

    [Fact]
    public void ReadmeCommands_RefusesALineThatNeitherRunsNorIsListed()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ReadmeCommands("```bash\nbash scripts/setup.sh && gauntlet info\n```\n"));
        Assert.Contains("bash scripts/setup.sh", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The Gauntlet commands of every ```bash block, in order, as (line, arguments, expected exit
    /// code); a trailing comment "exits N" states a non-zero exit code.
    /// </summary>
    private static List<(string Line, string[] Args, int ExpectedExit)> ReadmeCommands(string readme)
    {
        var commands = new List<(string, string[], int)>();
        foreach (Match block in BashBlock().Matches(readme))
        {
            foreach (var raw in block.Groups[1].Value.Split('\n'))
            {
                var comment = TrailingComment().Match(raw);
                var line = (comment.Success ? raw[..comment.Index] : raw).Trim();
                if (line.Length == 0 || line.StartsWith('#') || NotRun.Contains(line))
                {
                    continue;
                }

                var prefix = Prefixes.FirstOrDefault(p => line.StartsWith(p, StringComparison.Ordinal))
                    ?? (line is "gauntlet" ? "gauntlet" : null)
                    ?? throw new InvalidDataException($"README bash line is neither a Gauntlet command nor listed as not run: {line}");
                var exits = comment.Success ? ExitsComment().Match(comment.Value) : Match.Empty;
                commands.Add((line, SplitWords(line[prefix.Length..]), exits.Success ? int.Parse(exits.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0));
            }
        }

        return commands;
    }

    /// <summary>Splits a command line into words as a POSIX shell would for plain words and '…' or "…" quoting (no expansion).</summary>
    private static string[] SplitWords(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        foreach (var c in text)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else if (c is '$' or '`' or '|' or '&' or ';' or '<' or '>' or '*' or '?')
            {
                // The README's commands must mean the same in any shell and here: no expansion, pipes or redirection.
                throw new InvalidDataException($"README command uses shell syntax '{c}' this test does not interpret: {text}");
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return [.. words];
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : text[^2000..];

    [GeneratedRegex("```bash\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    [GeneratedRegex("\\s#\\s.*$")]
    private static partial Regex TrailingComment();

    [GeneratedRegex("\\bexits (\\d+)\\b")]
    private static partial Regex ExitsComment();
}

/// <summary>Tests that change the process's current directory run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(CurrentDirectoryCollection), DisableParallelization = true)]
public sealed class CurrentDirectoryCollection;
