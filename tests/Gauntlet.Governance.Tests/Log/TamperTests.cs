using System.Security.Cryptography;
using System.Text;
using Gauntlet.Governance.Log;

namespace Gauntlet.Governance.Tests.Log;

/// <summary>Signed tree heads and the verifier: a byte changed anywhere in the log's files, or a wrong key, is reported.</summary>
public sealed class TamperTests
{
    private static (TempFolder Dir, ECDsa Key, ECDsa Public) SignedLog(int entries)
    {
        var dir = new TempFolder();
        LogKeys.Generate(dir.File("key.pem"), dir.File("key.pub.pem"));
        var key = LogKeys.LoadPrivate(dir.File("key.pem"));
        var logPath = Path.Combine(dir.Path, "log");
        using (var log = MerkleLog.Open(logPath))
        {
            log.AppendMany(Enumerable.Range(0, entries / 2).Select(i => Encoding.UTF8.GetBytes($"event {i}")).ToList());
            log.Checkpoint(key, now: DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
            log.AppendMany(Enumerable.Range(entries / 2, entries - (entries / 2)).Select(i => Encoding.UTF8.GetBytes($"event {i}")).ToList());
            log.Checkpoint(key, now: DateTimeOffset.FromUnixTimeSeconds(1_800_000_100));
        }

        return (dir, key, LogKeys.LoadPublic(dir.File("key.pub.pem")));
    }

    [Fact]
    public void AnUntouchedLog_Verifies_WithOnlyThePublicKey()
    {
        var (dir, key, pub) = SignedLog(30);
        using (dir)
        using (key)
        using (pub)
        {
            var result = LogVerifier.Verify(Path.Combine(dir.Path, "log"), pub);
            Assert.True(result.Ok, string.Join("; ", result.Problems));
            Assert.Equal(30, result.Entries);
            Assert.Equal(2, result.CheckpointsVerified);
            Assert.True(result.SignaturesChecked);
        }
    }

    [Fact]
    public void AFlippedByte_AnywhereInAnyFile_IsDetected()
    {
        var (dir, key, pub) = SignedLog(37);
        using (dir)
        using (key)
        using (pub)
        {
            var log = Path.Combine(dir.Path, "log");
            var files = Directory.GetFiles(log).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            Assert.Contains(files, f => f.EndsWith("checkpoints.jsonl", StringComparison.Ordinal));
            var tried = 0;
            foreach (var file in files)
            {
                var original = File.ReadAllBytes(file);
                // Every byte of a small file; of a larger one the first and last 24 and ~40 spread
                // between them with a prime stride, so every field of the records is hit.
                var stride = original.Length <= 256 ? 1 : Math.Max(1, (original.Length / 40) | 1);
                for (var position = 0; position < original.Length; position++)
                {
                    if (position >= 24 && position < original.Length - 24 && position % stride != 0)
                    {
                        continue;
                    }

                    var changed = (byte[])original.Clone();
                    changed[position] ^= 0x01;
                    File.WriteAllBytes(file, changed);
                    var result = LogVerifier.Verify(log, pub);
                    Assert.False(result.Ok, $"flipping byte {position} of {Path.GetFileName(file)} went unnoticed");
                    tried++;
                }

                File.WriteAllBytes(file, original);
            }

            Assert.True(LogVerifier.Verify(log, pub).Ok);
            Assert.True(tried > 300, $"only {tried} positions tried");
            Console.WriteLine($"flipped {tried} bytes, each detected");
        }
    }

    [Fact]
    public void AnotherKey_FailsEveryCheckpoint()
    {
        var (dir, key, pub) = SignedLog(10);
        using (dir)
        using (key)
        using (pub)
        using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var result = LogVerifier.Verify(Path.Combine(dir.Path, "log"), other);
            Assert.False(result.Ok);
            Assert.Equal(0, result.CheckpointsVerified);
            Assert.All(result.Problems, p => Assert.Contains("signature does not verify", p, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void AHead_RoundTripsThroughJson_AndARewrittenSizeBreaksTheSignature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var head = SignedTreeHead.Sign(key, "test-log", 5, MerkleHash.Leaf("x"u8), DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var parsed = SignedTreeHead.Parse(head.ToJson());
        Assert.True(parsed.VerifySignature(key));
        Assert.Equal(head.RootHash, parsed.RootHash);
        Assert.False((parsed with { TreeSize = 6 }).VerifySignature(key));
    }

    [Fact]
    public void APublicKey_CannotSign_AndGarbageIsNoKey()
    {
        using var dir = new TempFolder();
        LogKeys.Generate(dir.File("k.pem"), dir.File("k.pub"));
        Assert.Throws<InvalidDataException>(() => LogKeys.LoadPrivate(dir.File("k.pub")));
        File.WriteAllText(dir.File("junk.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        Assert.Throws<InvalidDataException>(() => LogKeys.LoadPrivate(dir.File("junk.pem")));
        Assert.Throws<IOException>(() => LogKeys.Generate(dir.File("k.pem"), dir.File("k2.pub")));
    }
}
