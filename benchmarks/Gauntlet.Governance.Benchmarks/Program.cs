using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gauntlet.Governance.Log;

// The tamper-evident log at scale (docs/governance.md, "Measured"):
//   dotnet run -c Release --project benchmarks/Gauntlet.Governance.Benchmarks -- [entries] [folder]
// appends `entries` (default 1,000,000) ~120-byte JSON events in fsynced batches of 1,000, then
// times single fsynced appends, inclusion and consistency proofs (generate, verify) and a full verify.
var count = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var folder = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "gauntlet-log-bench");
if (Directory.Exists(folder))
{
    Directory.Delete(folder, true);
}

static byte[] Event(long i) => Encoding.UTF8.GetBytes(
    $"{{\"event\":\"decision\",\"model\":\"fashion-mlp@3\",\"seq\":{i},\"input_sha256\":\"{i:x16}{i * 7919:x16}\",\"label\":{i % 10}}}");

var clock = Stopwatch.StartNew();
long payload = 0;
using (var log = MerkleLog.Open(folder))
{
    const int Batch = 1000;
    for (long i = 0; i < count; i += Batch)
    {
        var batch = new List<byte[]>(Batch);
        for (var j = i; j < Math.Min(count, i + Batch); j++)
        {
            batch.Add(Event(j));
            payload += batch[^1].Length;
        }

        log.AppendMany(batch);
    }
}

var appendSeconds = clock.Elapsed.TotalSeconds;
var disk = Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length);
Console.WriteLine(FormattableString.Invariant($"append {count:N0} entries (batches of 1,000, fsync per batch): {appendSeconds:F1} s, {count / appendSeconds:N0} entries/s"));
Console.WriteLine(FormattableString.Invariant($"disk: {disk / (double)count:F1} bytes/entry ({payload / (double)count:F1} bytes of payload), {disk / 1048576.0:F1} MiB in all"));

using (var log = MerkleLog.Open(folder))
{
    clock.Restart();
    const int Singles = 200;
    for (var i = 0; i < Singles; i++)
    {
        log.Append(Event(count + i));
    }

    Console.WriteLine(FormattableString.Invariant($"single appends (fsync each): {Singles / clock.Elapsed.TotalSeconds:N0} entries/s"));

    var random = new Random(1);
    const int Proofs = 20_000;
    var proofs = new InclusionProof[Proofs];
    clock.Restart();
    for (var i = 0; i < Proofs; i++)
    {
        proofs[i] = log.ProveInclusion(random.NextInt64(log.Size));
    }

    Console.WriteLine(FormattableString.Invariant($"inclusion proofs generated: {Proofs / clock.Elapsed.TotalSeconds:N0}/s (path length {proofs[0].AuditPath.Count})"));
    clock.Restart();
    var ok = proofs.Count(p => p.Verify());
    Console.WriteLine(FormattableString.Invariant($"inclusion proofs verified: {Proofs / clock.Elapsed.TotalSeconds:N0}/s ({ok} of {Proofs} valid)"));

    var consistency = new ConsistencyProof[Proofs];
    clock.Restart();
    for (var i = 0; i < Proofs; i++)
    {
        var first = 1 + random.NextInt64(log.Size - 1);
        consistency[i] = log.ProveConsistency(first, log.Size);
    }

    Console.WriteLine(FormattableString.Invariant($"consistency proofs generated: {Proofs / clock.Elapsed.TotalSeconds:N0}/s"));
    clock.Restart();
    ok = consistency.Count(p => p.Verify());
    Console.WriteLine(FormattableString.Invariant($"consistency proofs verified: {Proofs / clock.Elapsed.TotalSeconds:N0}/s ({ok} of {Proofs} valid)"));
}

clock.Restart();
var result = LogVerifier.Verify(folder, null);
Console.WriteLine(FormattableString.Invariant($"full verify of {result.Entries:N0} entries: {clock.Elapsed.TotalSeconds:F1} s, ok={result.Ok}"));
Directory.Delete(folder, true);
