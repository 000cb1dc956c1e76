using System.Diagnostics;
using CsCheck;
using Spectre.Console.Testing;
using Xunit.Abstractions;

namespace Gauntlet.Cli.Tests.BadInput;

/// <summary>
/// Fuzzes the CLI's option parser in-process: random command lines drawn from every command name,
/// every option name and a pool of hostile values. No case may end in an internal error (exit 3)
/// or print a stack trace, and each must end quickly.
/// </summary>
/// <remarks>
/// Cases stay cheap by construction: every command that could start real work (train, eval,
/// attack, audit, certify, bench) gets a final argument that makes it fail once parsing has passed (a
/// missing --data folder, --repeats 0), and options that write files (--out, --json, --output,
/// --save-examples, --export, --svg) are left out of the draw; they belong to the output checks.
/// </remarks>
public sealed class OptionParserFuzz(ITestOutputHelper output) : IDisposable
{
    /// <summary>The fixed seed (CsCheck's seed format), so a failure reproduces.</summary>
    public const string Seed = "0N0XIzNsQ0O2";

    /// <summary>How many command lines are tried.</summary>
    public const int Cases = 2_000;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly string[] Writers = ["--out", "--json", "--output", "--save-examples", "--export", "--svg"];

    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void RandomCommandLines_NeverCrash_NeverShowAStackTrace_AndEndQuickly()
    {
        var input = Path.Combine(_dir, "input.bin");
        File.WriteAllBytes(input, [0x80, 0x02, 0x63, 0x6f, 0x73, 0x0a]);
        var missing = Path.Combine(_dir, "missing");
        var root = CliApp.BuildRootCommand(new TestConsole());
        string[] commands = [.. root.Subcommands.Select(c => c.Name), "frobnicate", "--version", "--help"];
        string[] options = [.. root.Subcommands.SelectMany(c => c.Options).Select(o => o.Name).Where(n => !Writers.Contains(n)).Distinct(), "--help", "--nonsense", "-x"];
        string[] values =
        [
            "0", "1", "-1", "2", "3", "16", "0.5", "1.5", "-0", "1e12", "1e30", "1e-45", "2147483648", "-2147483649", "1000000000", "99999999999999999999",
            "NaN", "nan", "Infinity", "-Infinity", "inf", "-inf", "∞", "abc", "", " ", "-", "--", "0x10", "1_000", "1,5", "0,0", "1,NaN", "+5",
            "demo", "pgd", "fgsm", "patch", "square", "linf", "l2", "l1", "true", "false", "critical",
            "/nonexistent/model.onnx", missing, input, "démo", "数据", "🙂", "a\tb", "../../etc/passwd", new string('9', 400),
        ];

        var argv = Gen.Select(
            Gen.OneOf(commands),
            Gen.OneOf(values).Array[0, 2],
            Gen.Select(Gen.OneOf(options), Gen.OneOf(values).Array[0, 1], (o, v) => v.Prepend(o).ToArray()).Array[0, 5],
            (command, positional, pairs) => Guard(command, [command, .. positional, .. pairs.SelectMany(p => p)], missing));

        // One draw of the whole corpus from the fixed seed: the same 2,000 command lines every run.
        var corpus = argv.Array[Cases].Single(_ => true, Seed);
        var count = 0;
        var codes = new int[4];
        foreach (var args in corpus)
        {
            var clock = Stopwatch.StartNew();
            var (code, _, _, error) = CliRunner.Run(args);
            clock.Stop();
            count++;
            var shown = string.Join(' ', args.Select(a => $"'{a}'"));
            Assert.True(code is >= 0 and <= 2, $"case {count}: {shown}: exit {code}: {error}");
            Assert.DoesNotContain("   at ", error);
            Assert.DoesNotContain("internal error", error);
            Assert.True(clock.Elapsed < Bound, $"case {count}: {shown}: {clock.Elapsed.TotalSeconds:F1} s");
            codes[code]++;
        }

        output.WriteLine($"option parser: {count} cases (exit 0: {codes[0]}, 1: {codes[1]}, 2: {codes[2]}), 0 internal errors, 0 stack traces, seed {Seed}");
        Assert.True(count >= Cases);
        Assert.True(codes[2] > count / 2, "most random command lines should be refused");
    }

    // The last argument that keeps a command from starting real work once parsing has passed.
    private static string[] Guard(string command, string[] args, string missing) => command switch
    {
        "train" or "eval" or "attack" or "audit" or "certify" or "federated" or "federated-client" or "explain" or "fairness" => [.. args, "--data", missing],
        "bench" => [.. args, "--repeats", "0"],
        "llm-scan" => [.. args, "--target", missing],
        "llm-target" or "guard" or "serve" => [.. args, "--listen", "not-an-address"],
        "demo" => [.. args, "--seed", "not-a-number"],
        _ => args,
    };
}
