using System.Text.Json;

namespace Gauntlet.Scanner.Tests;

/// <summary>The committed corpus (tools/scanner-corpus/make_corpus.py) and the official schemas in ../shared/schemas.</summary>
internal static class Fixtures
{
    public static string CorpusRoot => Path.Combine(AppContext.BaseDirectory, "Fixtures", "corpus");

    public static IReadOnlyList<CorpusEntry> Manifest { get; } = LoadManifest();

    public static string SchemaDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "schemas");
                if (File.Exists(Path.Combine(candidate, "sarif-schema-2.1.0.json")))
                {
                    return candidate;
                }
            }

            throw new DirectoryNotFoundException("../shared/schemas not found above " + AppContext.BaseDirectory);
        }
    }

    private static List<CorpusEntry> LoadManifest()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(CorpusRoot, "manifest.json")));
        return document.RootElement.GetProperty("files").EnumerateArray().Select(e => new CorpusEntry(
            e.GetProperty("path").GetString()!,
            e.GetProperty("benign").GetBoolean(),
            SeverityNames.Parse(e.GetProperty("severity").GetString()!),
            e.GetProperty("rule").ValueKind == JsonValueKind.String ? e.GetProperty("rule").GetString() : null,
            e.GetProperty("note").GetString()!)).ToList();
    }
}

internal sealed record CorpusEntry(string Path, bool Benign, Severity Severity, string? Rule, string Note)
{
    public string FullPath => System.IO.Path.Combine(Fixtures.CorpusRoot, Path);
}
