using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gauntlet.Scanner;
using nietras.SeparatedValues;

/// <summary>
/// The PII pass over a generated CSV (default 1 GiB in a temp folder, deleted afterwards) with
/// sampling off, against two references measured in the same run: the raw read of the file, and a
/// Sep parse that touches every cell without the detectors.
/// </summary>
internal static class PiiBenchmark
{
    public static void Run(string[] args)
    {
        var sizeMiB = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1024;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        var folder = Directory.CreateTempSubdirectory("gauntlet-pii-bench-");
        var path = Path.Combine(folder.FullName, "customers.csv");
        try
        {
            var clock = Stopwatch.StartNew();
            var rows = Write(path, (long)sizeMiB << 20);
            var bytes = new FileInfo(path).Length;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"csv: {bytes / 1e6:F0} MB, {rows:N0} rows x 10 columns (ids, names, e-mails, phones, cards, IPs, dates, amounts, text), written in {clock.Elapsed.TotalSeconds:F1} s"));
            var read = Best(runs, () => RawRead(path));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reference, raw read      : best of {runs} {read:F2} s = {bytes / 1e6 / read:F0} MB/s"));
            var parse = Best(runs, () => SepParse(path));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reference, Sep parse     : best of {runs} {parse:F2} s = {bytes / 1e6 / parse:F0} MB/s"));
            var options = new ScanOptions { Sampling = false, ComputeHashes = false };
            ArtifactReport? report = null;
            var pii = Best(runs, () => report = ModelScanner.ScanFile(path, "customers.csv", options));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PII pass, --no-sampling  : best of {runs} {pii:F2} s = {bytes / 1e6 / pii:F0} MB/s ({pii / read:F1}x the raw read); {report!.Inventory!.Rows:N0} rows, {report.Findings.Count} findings: {string.Join(", ", report.Findings.Select(f => $"{f.RuleId}@{f.Column}"))}"));
            var sampled = Best(runs, () => report = ModelScanner.ScanFile(path, "customers.csv", options with { Sampling = true }));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PII pass, sampled (64 MiB): best of {runs} {sampled:F2} s; {report!.Inventory!.Rows:N0} rows read"));
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a")}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static double Best(int runs, Action action)
    {
        var best = double.MaxValue;
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }

        return best;
    }

    private static void RawRead(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        long lines = 0;
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            lines += buffer.AsSpan(0, n).Count((byte)'\n');
        }

        GC.KeepAlive(lines);
    }

    private static void SepParse(string path)
    {
        using var reader = Sep.Reader(o => o with { Unescape = true, DisableColCountCheck = true }).FromFile(path);
        long chars = 0;
        foreach (var row in reader)
        {
            for (var i = 0; i < row.ColCount; i++)
            {
                chars += row[i].Span.Length;
            }
        }

        GC.KeepAlive(chars);
    }

    private static long Write(string path, long target)
    {
        string[] first = ["Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken"];
        string[] last = ["Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson"];
        string[] cards = ["4111 1111 1111 1111", "5555 5555 5555 4444", "", "", ""];
        string[] notes = ["", "renewal", "call back next week", "paid in full, thanks", "address changed"];
        var random = new Random(1);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("id,name,email,phone,card,ip,signup_date,amount,score,note\n");
        long rows = 0;
        var line = new StringBuilder(200);
        while (writer.BaseStream.Length < target)
        {
            for (var k = 0; k < 10_000; k++)
            {
                line.Clear();
                var f = first[random.Next(first.Length)];
                var l = last[random.Next(last.Length)];
                line.Append(rows).Append(',').Append(f).Append(' ').Append(l).Append(',')
                    .Append(f.ToLowerInvariant()).Append('.').Append(l.ToLowerInvariant()).Append(random.Next(1000)).Append("@example.com,")
                    .Append('(').Append(random.Next(201, 990)).Append(") ").Append(random.Next(200, 999)).Append('-').Append(random.Next(1000, 9999)).Append(',')
                    .Append(cards[random.Next(cards.Length)]).Append(',')
                    .Append(random.Next(1, 255)).Append('.').Append(random.Next(0, 255)).Append('.').Append(random.Next(0, 255)).Append('.').Append(random.Next(1, 255)).Append(',')
                    .Append("2026-").Append(random.Next(1, 13).ToString("00", CultureInfo.InvariantCulture)).Append('-').Append(random.Next(1, 29).ToString("00", CultureInfo.InvariantCulture)).Append(',')
                    .Append((random.NextDouble() * 1000).ToString("F2", CultureInfo.InvariantCulture)).Append(',')
                    .Append(random.NextDouble().ToString("F5", CultureInfo.InvariantCulture)).Append(',')
                    .Append(notes[random.Next(notes.Length)]).Append('\n');
                writer.Write(line);
                rows++;
            }

            writer.Flush();
        }

        return rows;
    }
}
