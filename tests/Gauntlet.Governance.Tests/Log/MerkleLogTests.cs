using System.Security.Cryptography;
using System.Text;
using Gauntlet.Governance.Log;

namespace Gauntlet.Governance.Tests.Log;

public sealed class MerkleLogTests
{
    private static byte[] Entry(int i) => Encoding.UTF8.GetBytes($"entry {i}: " + new string('x', i % 37));

    // RFC 6962 MTH straight from its definition, over the entries in memory: the reference.
    private static byte[] ReferenceRoot(IReadOnlyList<byte[]> entries, int start, int count)
    {
        if (count == 0)
        {
            return SHA256.HashData(Array.Empty<byte>());
        }

        if (count == 1)
        {
            return MerkleHash.Leaf(entries[start]);
        }

        var k = 1;
        while (k * 2 < count)
        {
            k *= 2;
        }

        return MerkleHash.Node(ReferenceRoot(entries, start, k), ReferenceRoot(entries, start + k, count - k));
    }

    [Fact]
    public void EveryRootAndProof_UpTo40Entries_VerifiesAgainstTheReference()
    {
        using var dir = new TempFolder();
        using var log = MerkleLog.Open(dir.Path);
        var entries = Enumerable.Range(0, 40).Select(Entry).ToList();
        for (var n = 1; n <= entries.Count; n++)
        {
            log.Append(entries[n - 1]);
            Assert.Equal(ReferenceRoot(entries, 0, n), log.Root());
        }

        for (var n = 1; n <= entries.Count; n++)
        {
            var root = ReferenceRoot(entries, 0, n);
            for (var i = 0; i < n; i++)
            {
                var proof = log.ProveInclusion(i, n);
                Assert.Equal(root, proof.RootHash);
                Assert.True(proof.Verify(), $"inclusion {i} in {n}");
                Assert.False(MerkleVerifier.VerifyInclusion(i, n, MerkleHash.Leaf(Entry(i + 1000)), proof.AuditPath, root));
            }

            for (var m = 1; m <= n; m++)
            {
                var proof = log.ProveConsistency(m, n);
                Assert.Equal(ReferenceRoot(entries, 0, m), proof.FirstRoot);
                Assert.True(proof.Verify(), $"consistency {m} -> {n}");
                if (m < n)
                {
                    Assert.False(MerkleVerifier.VerifyConsistency(m, n, ReferenceRoot(entries, 1, m), root, proof.Proof));
                }
            }
        }
    }

    [Fact]
    public void Reopening_KeepsEntriesRootAndProofs()
    {
        using var dir = new TempFolder();
        byte[] root;
        using (var log = MerkleLog.Open(dir.Path))
        {
            log.AppendMany(Enumerable.Range(0, 13).Select(Entry).ToList());
            root = log.Root();
        }

        using (var log = MerkleLog.Open(dir.Path))
        {
            Assert.Equal(13, log.Size);
            Assert.Equal(root, log.Root());
            Assert.Equal(Entry(7), log.ReadEntry(7));
            log.Append(Entry(13));
            Assert.Equal(ReferenceRoot(Enumerable.Range(0, 14).Select(Entry).ToList(), 0, 14), log.Root());
            Assert.Equal(0, log.RepairedTailBytes);
        }
    }

    [Theory]
    [InlineData(1)]    // a torn length prefix
    [InlineData(7)]    // a prefix and part of the bytes
    [InlineData(40)]   // bytes and part of the hash
    public void TornTail_IsCutOffOnOpen_AndTheLogVerifies(int tornBytes)
    {
        using var dir = new TempFolder();
        using (var log = MerkleLog.Open(dir.Path))
        {
            log.AppendMany(Enumerable.Range(0, 9).Select(Entry).ToList());
        }

        // What a crash mid-append leaves: the start of a 10th record, no cache updates.
        var record = new byte[4 + 20 + 32];
        record[0] = 20;
        using (var stream = new FileStream(dir.File("entries.glog"), FileMode.Append))
        {
            stream.Write(record, 0, tornBytes);
        }

        Assert.False(LogVerifier.Verify(dir.Path, null).Ok);
        using (var log = MerkleLog.Open(dir.Path))
        {
            Assert.Equal(9, log.Size);
            Assert.Equal(tornBytes, log.RepairedTailBytes);
            log.Append(Entry(9));
        }

        var check = LogVerifier.Verify(dir.Path, null);
        Assert.True(check.Ok, string.Join("; ", check.Problems));
        Assert.Equal(10, check.Entries);
    }

    [Fact]
    public void LostCaches_AreRebuiltFromTheEntries()
    {
        using var dir = new TempFolder();
        byte[] root;
        using (var log = MerkleLog.Open(dir.Path))
        {
            log.AppendMany(Enumerable.Range(0, 21).Select(Entry).ToList());
            root = log.Root();
        }

        // A crash after the entries' fsync and before the caches': the caches lag behind.
        File.Delete(dir.File("level-02.hash"));
        using (var offsets = new FileStream(dir.File("entries.offsets"), FileMode.Open))
        {
            offsets.SetLength(5 * 8);
        }

        using (var level0 = new FileStream(dir.File("level-00.hash"), FileMode.Open))
        {
            level0.SetLength(3 * 32);
        }

        using (var log = MerkleLog.Open(dir.Path))
        {
            Assert.Equal(21, log.Size);
            Assert.Equal(root, log.Root());
        }

        var check = LogVerifier.Verify(dir.Path, null);
        Assert.True(check.Ok, string.Join("; ", check.Problems));
    }

    [Fact]
    public void ConcurrentWriters_LoseAndDuplicateNothing()
    {
        using var dir = new TempFolder();
        const int writers = 4, each = 10;
        Parallel.For(0, writers, new ParallelOptions { MaxDegreeOfParallelism = writers }, w =>
        {
            for (var i = 0; i < each; i++)
            {
                using var log = MerkleLog.Open(dir.Path); // each append takes and drops the lock
                log.Append(Encoding.UTF8.GetBytes($"writer {w} entry {i}"));
            }
        });

        using var reopened = MerkleLog.Open(dir.Path);
        var all = Enumerable.Range(0, (int)reopened.Size).Select(i => Encoding.UTF8.GetString(reopened.ReadEntry(i))).ToList();
        Assert.Equal(writers * each, all.Count);
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.True(LogVerifier.Verify(dir.Path, null).Ok);
    }

    [Fact]
    public void AFolderThatIsAFile_IsRefused()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("f"), "x");
        Assert.Throws<InvalidDataException>(() => MerkleLog.Open(dir.File("f")));
        File.WriteAllText(dir.File("entries.glog"), "not a log at all");
        Assert.Throws<InvalidDataException>(() => MerkleLog.Open(dir.Path));
    }
}
