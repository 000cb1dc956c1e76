using System.Text.Json;

namespace Gauntlet.Scanner.Tests;

/// <summary>The committed corpus (tools/scanner-corpus/make_corpus.py) and the official schemas in tests/Shared/Schemas.</summary>
internal static class Fixtures
{
    public static string CorpusRoot => Path.Combine(AppContext.BaseDirectory, "Fixtures", "corpus");

    public static IReadOnlyList<CorpusEntry> Manifest { get; } = LoadManifest();

    public static string SchemaDirectory => RepoPaths.SchemaDirectory;

    private static List<CorpusEntry> LoadManifest()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(CorpusRoot, "manifest.json")));
        return document.RootElement.GetProperty("files").EnumerateArray().Select(e => new CorpusEntry(
            e.GetProperty("path").GetString()!,
            e.GetProperty("benign").GetBoolean(),
            SeverityNames.Parse(e.GetProperty("severity").GetString()!),
            e.GetProperty("rule").ValueKind == JsonValueKind.String ? e.GetProperty("rule").GetString() : null,
            e.GetProperty("note").GetString()!,
            e.TryGetProperty("code_execution", out var code) && code.GetBoolean())).ToList();
    }
}

internal sealed record CorpusEntry(string Path, bool Benign, Severity Severity, string? Rule, string Note, bool CodeExecution)
{
    public string FullPath => System.IO.Path.Combine(Fixtures.CorpusRoot, Path);
}
