using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Gauntlet.Scanner.Tests;

public sealed class ContainerTests
{
    [Fact]
    public void BadCrcZip_IsReadLikePyTorch_AndReported()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Fixtures.CorpusRoot, "malicious/zip/torch_zip_bad_crc.pt"));
        var report = ModelScanner.ScanBytes(bytes, "model.pt");
        Assert.Contains(report.Findings, f => f.RuleId == "zip.anomaly" && f.Message.Contains("CRC", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.Severity == Severity.Critical);
    }

    [Fact]
    public void EncryptedFlag_IsIgnoredForReading_ButReported()
    {
        var path = Path.Combine(Fixtures.CorpusRoot, "malicious/zip/torch_zip_flag_bits.pt");
        // Python's zipfile refuses an entry flagged as encrypted; PyTorch reads it anyway, and so must the scanner.
        var report = ModelScanner.ScanFile(path, "x.pt");
        Assert.Contains(report.Findings, f => f.RuleId == "zip.anomaly" && f.Message.Contains("encrypted", StringComparison.Ordinal));
        Assert.Equal(Severity.Critical, report.MaxSeverity);
    }

    [Fact]
    public void ZipBomb_IsNotExpanded()
    {
        var report = ModelScanner.ScanFile(Path.Combine(Fixtures.CorpusRoot, "malicious/archives/zip_bomb.zip"), "bomb.zip");
        Assert.Contains(report.Findings, f => f.RuleId == "archive.bomb");
    }

    [Fact]
    public void DeclaredSizeThatLies_IsCutOffAtTheLimit()
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = archive.CreateEntry("big.pkl", CompressionLevel.SmallestSize).Open();
            entry.Write(new byte[8 << 20]);
        }

        var report = ModelScanner.ScanBytes(buffer.ToArray(), "lying.zip", new ScanOptions { MaxEntryBytes = 1 << 20, MaxCompressionRatio = 1e9 });
        Assert.Contains(report.Findings, f => f.RuleId == "archive.bomb");
    }

    [Theory]
    [InlineData("*.pt", "models/a.pt", true)]
    [InlineData("*.pt", "models/a.pth", false)]
    [InlineData("models/*.pt", "models/a.pt", true)]
    [InlineData("models/*.pt", "models/sub/a.pt", false)]
    [InlineData("models/**/*.pt", "models/sub/deeper/a.pt", true)]
    [InlineData("**/cache/**", "x/cache/y/z.bin", true)]
    [InlineData("model?.bin", "model1.bin", true)]
    public void Glob_MatchesLikeGitignore(string pattern, string path, bool expected)
    {
        Assert.Equal(expected, new GlobPattern(pattern).IsMatch(path));
    }

    [Fact]
    public void ScannerAssembly_ReferencesNoDeserialiser()
    {
        // No code path deserialises an object: the assembly must not even reference a deserialiser.
        using var file = File.OpenRead(typeof(ModelScanner).Assembly.Location);
        using var pe = new PEReader(file);
        var metadata = pe.GetMetadataReader();
        var forbiddenTypes = new[] { "BinaryFormatter", "XmlSerializer", "DataContractSerializer", "NetDataContractSerializer", "SoapFormatter", "LosFormatter", "ObjectStateFormatter", "JsonSerializer", "Activator" };
        var typeNames = metadata.TypeReferences.Select(h => metadata.GetString(metadata.GetTypeReference(h).Name)).ToList();
        Assert.DoesNotContain(typeNames, forbiddenTypes.Contains);
        var memberNames = metadata.MemberReferences.Select(h => metadata.GetString(metadata.GetMemberReference(h).Name)).ToList();
        Assert.DoesNotContain(memberNames, n => n is "Deserialize" or "DeserializeAsync" or "CreateInstance" or "Load" or "LoadFrom" or "InvokeMember");
    }
}
