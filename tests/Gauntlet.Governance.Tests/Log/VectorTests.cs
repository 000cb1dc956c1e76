using System.Text.Json;
using System.Text.RegularExpressions;
using Gauntlet.Governance.Log;

namespace Gauntlet.Governance.Tests.Log;

/// <summary>
/// The RFC 6962 vectors of the transparency-dev Merkle library (Fixtures/merkle, Apache-2.0): every
/// inclusion and consistency probe, the roots of trees of size 0..8, and the happy-path proofs
/// compared with the proofs this log generates for the same leaves.
/// </summary>
public sealed partial class VectorTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Fixtures", "merkle");

    public static TheoryData<string> InclusionProbes() => Probes("inclusion");

    public static TheoryData<string> ConsistencyProbes() => Probes("consistency");

    [Fact]
    public void TheVectorSetIsComplete()
    {
        Assert.Equal(98, InclusionProbes().Count);
        Assert.Equal(98, ConsistencyProbes().Count);
        Assert.Equal(8, LeafInputs().Count);
        Assert.Equal(9, RootHashes().Count);
    }

    [Theory]
    [MemberData(nameof(InclusionProbes))]
    public void InclusionProbe(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, file)));
        var p = doc.RootElement;
        var ok = MerkleVerifier.VerifyInclusion(
            AsLong(p, "leafIdx"), AsLong(p, "treeSize"), B64(p, "leafHash"), Hashes(p, "proof"), B64(p, "root"));
        Assert.Equal(!p.GetProperty("wantErr").GetBoolean(), ok);
    }

    [Theory]
    [MemberData(nameof(ConsistencyProbes))]
    public void ConsistencyProbe(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, file)));
        var p = doc.RootElement;
        var ok = MerkleVerifier.VerifyConsistency(
            AsLong(p, "size1"), AsLong(p, "size2"), B64(p, "root1"), B64(p, "root2"), Hashes(p, "proof"));
        Assert.Equal(!p.GetProperty("wantErr").GetBoolean(), ok);
    }

    [Fact]
    public void RootsOfTreesOfSize0To8_MatchTheVectors()
    {
        var dir = Directory.CreateTempSubdirectory("gauntlet-vectors-");
        try
        {
            using var log = MerkleLog.Open(dir.FullName);
            var roots = RootHashes();
            Assert.Equal(roots[0], Convert.ToHexStringLower(log.Root()));
            var leaves = LeafInputs();
            for (var i = 0; i < leaves.Count; i++)
            {
                log.Append(leaves[i]);
                Assert.Equal(roots[i + 1], Convert.ToHexStringLower(log.Root()));
            }
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void GeneratedProofs_EqualTheHappyPathProofs()
    {
        var dir = Directory.CreateTempSubdirectory("gauntlet-vectors-");
        try
        {
            using var log = MerkleLog.Open(dir.FullName);
            log.AppendMany(LeafInputs());
            var compared = 0;
            foreach (var file in Directory.GetFiles(Path.Combine(Root, "testdata"), "happy-path.json", SearchOption.AllDirectories))
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(file));
                var p = doc.RootElement;
                var expected = Hashes(p, "proof").Select(Convert.ToHexStringLower).ToList();
                List<string> actual;
                if (p.TryGetProperty("leafIdx", out var index))
                {
                    var proof = log.ProveInclusion(index.GetInt64(), p.GetProperty("treeSize").GetInt64());
                    Assert.Equal(Convert.ToHexStringLower(B64(p, "root")), Convert.ToHexStringLower(proof.RootHash));
                    actual = proof.AuditPath.Select(Convert.ToHexStringLower).ToList();
                }
                else
                {
                    var proof = log.ProveConsistency(p.GetProperty("size1").GetInt64(), p.GetProperty("size2").GetInt64());
                    actual = proof.Proof.Select(Convert.ToHexStringLower).ToList();
                }

                Assert.Equal(expected, actual);
                compared++;
            }

            Assert.True(compared >= 8, $"only {compared} happy paths found");
        }
        finally
        {
            dir.Delete(true);
        }
    }

    private static TheoryData<string> Probes(string kind)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Root, "testdata", kind), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Root, file));
        }

        return data;
    }

    // The vectors hold uint64 values (2^64-1 for "index minus one"); the API takes long, and the
    // same 64 bits read as a negative number, which it refuses.
    private static long AsLong(JsonElement e, string name) => unchecked((long)e.GetProperty(name).GetUInt64());

    private static byte[] B64(JsonElement e, string name) => Convert.FromBase64String(e.GetProperty(name).GetString() ?? "");

    private static List<byte[]> Hashes(JsonElement e, string name) =>
        e.GetProperty(name).ValueKind == JsonValueKind.Array ? [.. e.GetProperty(name).EnumerateArray().Select(h => Convert.FromBase64String(h.GetString() ?? ""))] : [];

    private static string Constants => File.ReadAllText(Path.Combine(Root, "testonly", "constants.go"));

    // The hd("...") literals of one Go function body in constants.go.
    private static List<string> HexLiterals(string function)
    {
        var body = Regex.Match(Constants, "func " + function + @"\(\)[^{]*\{(.*?)\n\}", RegexOptions.Singleline).Groups[1].Value;
        return [.. HexLiteral().Matches(body).Select(m => m.Groups[1].Value)];
    }

    private static List<byte[]> LeafInputs() => [.. HexLiterals("LeafInputs").Select(Convert.FromHexString)];

    private static List<string> RootHashes() => ["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", .. HexLiterals("RootHashes")];

    [GeneratedRegex("hd\\(\"([0-9a-f]*)\"\\)")]
    private static partial Regex HexLiteral();
}
