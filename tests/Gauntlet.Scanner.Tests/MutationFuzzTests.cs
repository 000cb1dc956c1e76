using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Gauntlet.Scanner.Tests;

public sealed class MutationFuzzTests(ITestOutputHelper output)
{
    private const int Mutations = 12000;
    private static readonly TimeSpan SlowestAllowed = TimeSpan.FromSeconds(5);

    [Fact]
    public void Fuzz_TruncationsAndBitFlipsOfTheCorpus_ProduceOnlyFindings()
    {
        var random = new Random(20240807);
        var seeds = Fixtures.Manifest
            .Where(e => new FileInfo(e.FullPath).Length <= 256 * 1024)
            .Select(e => (e.Path, Bytes: File.ReadAllBytes(e.FullPath)))
            .ToList();
        var options = new ScanOptions { MaxEntryBytes = 64L << 20, MaxInMemoryBytes = 32L << 20, MaxTotalDecompressedBytes = 256L << 20 };
        var slowest = TimeSpan.Zero;
        var slowestName = string.Empty;
        var findings = 0;
        var errors = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Mutations; i++)
        {
            var (path, original) = seeds[random.Next(seeds.Count)];
            var (mutant, how) = Mutate(original, random);
            var started = clock.Elapsed;
            ArtifactReport report;
            try
            {
                report = ModelScanner.ScanBytes(mutant, path, options);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"mutation {i} of {path} ({how}) crashed the scanner", ex);
            }

            var took = clock.Elapsed - started;
            if (took > slowest)
            {
                slowest = took;
                slowestName = $"{path} ({how})";
            }

            findings += report.Findings.Count;
            errors += report.Error is null ? 0 : 1;
        }

        var peak = Process.GetCurrentProcess().PeakWorkingSet64;
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{Mutations} mutations of {seeds.Count} files in {clock.Elapsed.TotalSeconds:F1}s: {findings} findings, {errors} reported as unparseable; slowest {slowest.TotalMilliseconds:F0} ms ({slowestName}); peak working set {peak >> 20} MiB");
        output.WriteLine(summary);
        Console.WriteLine(summary);
        Assert.True(slowest < SlowestAllowed, summary);
        Assert.True(peak < 2L << 30, summary);
    }

    private static (byte[] Bytes, string How) Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0:
                var length = random.Next(bytes.Length);
                return (bytes[..length], $"truncated to {length}");
            case 1:
                var flips = 1 + random.Next(8);
                for (var f = 0; f < flips; f++)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return (bytes, $"{flips} bit flips");
            case 2:
                var at = random.Next(bytes.Length);
                var value = (byte)(random.Next(2) == 0 ? 0xFF : random.Next(256));
                for (var k = at; k < Math.Min(bytes.Length, at + 1 + random.Next(8)); k++)
                {
                    bytes[k] = value;
                }

                return (bytes, $"bytes overwritten at {at}");
            default:
                var from = random.Next(bytes.Length);
                var count = random.Next(1, Math.Max(2, bytes.Length - from));
                var cut = bytes[..from].Concat(bytes[Math.Min(bytes.Length, from + count)..]).ToArray();
                return (cut.Length == 0 ? bytes : cut, $"{count} bytes cut at {from}");
        }
    }
}
