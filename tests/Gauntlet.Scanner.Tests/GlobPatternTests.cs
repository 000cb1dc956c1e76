using System.Diagnostics;
using CsCheck;
using Xunit.Abstractions;

namespace Gauntlet.Scanner.Tests;

public sealed class GlobPatternTests(ITestOutputHelper output)
{
    private const int FuzzCases = 10_000;
    private static readonly TimeSpan SlowestMatchAllowed = TimeSpan.FromMilliseconds(250);

    [Theory]
    [InlineData("*.{pt,pkl}", "models/a.pkl", true)]
    [InlineData("*.{pt,pkl}", "models/a.pth", false)]
    [InlineData("**/*.{p{t,th},bin}", "x/y/a.pth", true)]
    [InlineData("model[0-9].bin", "model7.bin", true)]
    [InlineData("model[0-9].bin", "modelx.bin", false)]
    [InlineData("model[!0-9].bin", "modelx.bin", true)]
    [InlineData("model[!0-9].bin", "model7.bin", false)]
    [InlineData("a[!x]b/*", "a/b/c", false)] // a set never matches the separator
    [InlineData("[[]x].pkl", "[x].pkl", true)] // a literal '[' is a one-character set
    [InlineData("[]]", "]", true)] // ']' first in a set is literal
    [InlineData("**/**/**/*.pt", "a.pt", true)]
    [InlineData("**/**/**/*.pt", "a/b/c/d.pt", true)]
    [InlineData("{a,b},c", "a,c", true)] // a comma outside braces is literal
    public void IsMatch_SetsAndAlternatives(string pattern, string path, bool expected)
    {
        Assert.Equal(expected, new GlobPattern(pattern).IsMatch(path));
    }

    [Theory]
    [InlineData("[", "unclosed '['")]
    [InlineData("*.[pt", "unclosed '['")]
    [InlineData("{a,b", "unbalanced '{'")]
    [InlineData("a}", "unbalanced '}'")]
    [InlineData("{a,{b}", "unbalanced '{'")]
    [InlineData("[z-a]", "reversed range 'z-a'")]
    public void Constructor_InvalidPattern_ThrowsFormatExceptionNamingIt(string pattern, string problem)
    {
        var ex = Assert.Throws<FormatException>(() => new GlobPattern(pattern));
        Assert.StartsWith($"invalid glob '{pattern}': {problem}", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Constructor_OverlongPattern_Throws()
    {
        var ex = Assert.Throws<FormatException>(() => new GlobPattern(new string('a', GlobPattern.MaxLength + 1)));
        Assert.Contains("longer than 1024", ex.Message);
    }

    [Fact]
    public void IsMatch_NestedGlobstars_StayLinear()
    {
        // A backtracking matcher needs time exponential in the number of ** segments here.
        var pattern = new GlobPattern(string.Concat(Enumerable.Repeat("**/*a*/", 60)) + "x");
        var path = string.Join('/', Enumerable.Repeat("aaaaaaaaaa", 400));
        var clock = Stopwatch.StartNew();
        Assert.False(pattern.IsMatch(path));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Fuzz_RandomPatterns_CompileOrThrowFormatException_AndMatchingNeverThrowsOrStalls()
    {
        var patterns = Gen.String[Gen.Char["*?[]{}!^,-/\\ab.0z"], 1, 40];
        var paths = Gen.String[Gen.Char["ab./[]{},-0z"], 0, 80];
        var compiled = 0;
        var rejected = 0;
        var cases = 0;
        var slowest = TimeSpan.Zero;
        Gen.Select(patterns, paths).Sample((pattern, path) =>
        {
            cases++;
            GlobPattern glob;
            try
            {
                glob = new GlobPattern(pattern);
                compiled++;
            }
            catch (FormatException ex)
            {
                Assert.StartsWith("invalid glob '", ex.Message);
                rejected++;
                return;
            }
            catch (ArgumentException) when (string.IsNullOrWhiteSpace(pattern))
            {
                rejected++;
                return;
            }

            var clock = Stopwatch.StartNew();
            glob.IsMatch(path);
            glob.IsMatch(pattern.Replace('*', 'a').Replace('?', 'b'));
            if (clock.Elapsed > slowest)
            {
                slowest = clock.Elapsed;
            }
        }, iter: FuzzCases, threads: 1, seed: "0N0XIzNsQ0O2");

        output.WriteLine($"glob fuzz: {cases} cases, {compiled} compiled, {rejected} rejected with FormatException, 0 crashes; slowest match pair {slowest.TotalMilliseconds:F2} ms");
        Assert.Equal(FuzzCases, cases);
        Assert.True(compiled > FuzzCases / 10 && rejected > FuzzCases / 10, $"{compiled} compiled, {rejected} rejected: the generator no longer covers both");
        Assert.True(slowest < SlowestMatchAllowed, $"slowest match {slowest}");
    }
}
