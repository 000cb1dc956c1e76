using System.Diagnostics;
using System.Text.Json;
using Gauntlet.Governance.Log;

namespace Gauntlet.Cli.Tests;

/// <summary><c>gauntlet log</c>: append, prove (RFC 6962 JSON), consistency, checkpoint, verify; and a crash mid-append (the CLI killed in a loop).</summary>
public sealed class LogCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-logcmd-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Log => Path.Combine(_dir, "log");

    private string Entry(int i)
    {
        var path = Path.Combine(_dir, $"e{i}.txt");
        File.WriteAllText(path, $"decision {i}");
        return path;
    }

    [Fact]
    public void AppendProveConsistencyCheckpointVerify_RoundTrip()
    {
        for (var i = 0; i < 7; i++)
        {
            var (code, console, _, error) = CliRunner.Run("log", "append", Entry(i), "--log", Log);
            Assert.True(code == 0, error);
            Assert.Contains($"appended entry {i}", console);
        }

        var key = Path.Combine(_dir, "k.pem");
        var pub = Path.Combine(_dir, "k.pub");
        Assert.Equal(0, CliRunner.Run("log", "keygen", "--private", key, "--public", pub).Code);
        Assert.Equal(0, CliRunner.Run("log", "checkpoint", "--key", key, "--log", Log).Code);

        var proofPath = Path.Combine(_dir, "proof.json");
        Assert.Equal(0, CliRunner.Run("log", "prove", "--index", "3", "--json", proofPath, "--log", Log).Code);
        using var proof = JsonDocument.Parse(File.ReadAllText(proofPath));
        var p = proof.RootElement;
        Assert.Equal(7, p.GetProperty("tree_size").GetInt64());
        Assert.Equal(3, p.GetProperty("leaf_index").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(MerkleHash.Leaf("decision 3"u8)), p.GetProperty("leaf_hash").GetString());
        var path = p.GetProperty("audit_path").EnumerateArray().Select(h => Convert.FromHexString(h.GetString()!)).ToList();
        Assert.Equal(3, path.Count);
        Assert.True(MerkleVerifier.VerifyInclusion(3, 7, Convert.FromHexString(p.GetProperty("leaf_hash").GetString()!), path, Convert.FromHexString(p.GetProperty("root_hash").GetString()!)));

        var (cCode, _, cOut, _) = CliRunner.Run("log", "consistency", "--from", "2", "--to", "7", "--json", "-", "--log", Log);
        Assert.Equal(0, cCode);
        using var consistency = JsonDocument.Parse(cOut);
        Assert.Equal(p.GetProperty("root_hash").GetString(), consistency.RootElement.GetProperty("second_root").GetString());

        var verified = CliRunner.Run("log", "verify", "--public-key", pub, "--log", Log);
        Assert.Equal(0, verified.Code);
        Assert.Contains("7 entries", verified.Console);
        Assert.Contains("1 checkpoints verified", verified.Console);

        // A changed byte in an entry: exit 1, the entry named.
        var entries = Path.Combine(Log, "entries.glog");
        var bytes = File.ReadAllBytes(entries);
        bytes[14] ^= 0x20;
        File.WriteAllBytes(entries, bytes);
        var tampered = CliRunner.Run("log", "verify", "--public-key", pub, "--log", Log);
        Assert.Equal(CliApp.ExitFindings, tampered.Code);
        Assert.Contains("entry 0", tampered.Console);

        // A wrong key: exit 1 (restore the entry first).
        bytes[14] ^= 0x20;
        File.WriteAllBytes(entries, bytes);
        var other = Path.Combine(_dir, "other.pem");
        Assert.Equal(0, CliRunner.Run("log", "keygen", "--private", other, "--public", other + ".pub").Code);
        var wrongKey = CliRunner.Run("log", "verify", "--public-key", other + ".pub", "--log", Log);
        Assert.Equal(CliApp.ExitFindings, wrongKey.Code);
        Assert.Contains("signature does not verify", wrongKey.Console);
    }

    [Theory]
    [InlineData("log", "prove", "--index", "5")]
    [InlineData("log", "consistency", "--from", "3", "--to", "2")]
    [InlineData("log", "verify")]
    [InlineData("log", "append", "/nonexistent/file")]
    [InlineData("log", "checkpoint", "--key", "/nonexistent/key.pem")]
    public void BadInput_IsOneLine_Exit2(params string[] args)
    {
        CliRunner.Run("log", "append", Entry(0), "--log", Log);
        CliRunner.Run("log", "append", Entry(1), "--log", Log);
        var (code, _, _, error) = CliRunner.Run([.. args, "--log", args[1] == "verify" ? Path.Combine(_dir, "none") : Log]);
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith("error: ", error);
    }

    /// <summary>
    /// A crash mid-append, for real, in a child process. Rounds 0–2 run <c>gauntlet log append</c>
    /// with GAUNTLET_LOG_CRASH_AFTER_BYTES set, so the child writes part of its record and SIGKILLs
    /// itself (a torn tail every time, at a different byte); round 3 runs the CLI in a shell loop and
    /// kills the process tree as soon as the entry file grows. After each, the log must open (cutting
    /// the torn tail), verify, and hold only whole entries; a later append must land after them.
    /// </summary>
    [Fact]
    public void KilledMidAppend_TheLogRecovers_AndHoldsOnlyWholeEntries()
    {
        var gauntlet = Path.Combine(AppContext.BaseDirectory, "gauntlet.dll");
        var big = Path.Combine(_dir, "big.bin");
        var payload = new byte[1 << 20];
        new Random(7).NextBytes(payload);
        File.WriteAllBytes(big, payload);
        Assert.Equal(0, CliRunner.Run("log", "append", Entry(0), "--log", Log).Code);
        var entries = Path.Combine(Log, "entries.glog");
        long torn = 0;
        foreach (var cut in new[] { 2, 1000, (1 << 20) + 10 })
        {
            var start = new ProcessStartInfo("dotnet", [gauntlet, "log", "append", big, "--log", Log]) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["GAUNTLET_LOG_CRASH_AFTER_BYTES"] = cut.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var before = new FileInfo(entries).Length;
            using (var process = Process.Start(start)!)
            {
                process.WaitForExit();
                Assert.NotEqual(0, process.ExitCode); // killed, not finished
            }

            Assert.Equal(before + cut, new FileInfo(entries).Length); // the torn record is on disk
            Assert.False(LogVerifier.Verify(Log, null).Ok);           // and the verifier sees it
            torn += Recover(payload);
        }

        var loop = new ProcessStartInfo("bash", ["-c", $"while true; do dotnet '{gauntlet}' log append '{big}' --log '{Log}' >/dev/null 2>&1; done"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        var baseline = new FileInfo(entries).Length;
        using (var process = Process.Start(loop)!)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(20) && new FileInfo(entries).Length <= baseline)
            {
                Thread.Sleep(1);
            }

            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        Assert.Equal(2 + 1000 + (1 << 20) + 10, torn); // each injected tail was cut, whole and only it
        Recover(payload); // the killed loop: whatever it left, the log is whole
        Assert.Equal(0, CliRunner.Run("log", "append", Entry(1), "--log", Log).Code);
        using var final = MerkleLog.Open(Log);
        Assert.Equal("decision 1"u8.ToArray(), final.ReadEntry(final.Size - 1));
        Assert.True(LogVerifier.Verify(Log, null).Ok);
    }

    // Opens the log (repairing it), checks every entry is whole, verifies; returns the bytes cut.
    private long Recover(byte[] payload)
    {
        long cut;
        using (var log = MerkleLog.Open(Log))
        {
            cut = log.RepairedTailBytes;
            Assert.Equal("decision 0"u8.ToArray(), log.ReadEntry(0));
            for (var i = 1; i < log.Size; i++)
            {
                Assert.True(payload.AsSpan().SequenceEqual(log.ReadEntry(i)), $"entry {i} is not a whole copy");
            }
        }

        var check = LogVerifier.Verify(Log, null);
        Assert.True(check.Ok, string.Join("; ", check.Problems));
        return cut;
    }
}
