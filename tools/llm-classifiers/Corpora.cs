using System.Text.Json;

namespace Gauntlet.Tools.LlmClassifiers;

/// <summary>One labelled text and the source it came from (the unit of the train/held-out split).</summary>
internal sealed record Sample(string Text, int Label, string Source);

/// <summary>Readers for the files in ../shared/corpora (see its MANIFEST.md). No text leaves this process except as embeddings.</summary>
internal static class Corpora
{
    public static List<string> JsonList(string path) =>
        [.. JsonDocument.Parse(File.ReadAllText(path)).RootElement.EnumerateArray().Select(e => e.GetString()!).Where(s => !string.IsNullOrWhiteSpace(s))];

    public static List<string> Payloads(string path) =>
        [.. JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("payloads").EnumerateArray().Select(e => e.GetString()!).Where(s => !string.IsNullOrWhiteSpace(s))];

    public static List<string> SyspromptExtraction(string path) =>
        [.. JsonDocument.Parse(File.ReadAllText(path)).RootElement.EnumerateObject().SelectMany(p => p.Value.EnumerateArray().Select(e => e.GetString()!))];

    public static List<string> Lines(string path) => [.. File.ReadAllLines(path).Where(l => !string.IsNullOrWhiteSpace(l))];

    /// <summary>Self-instruct tasks: the instruction, joined with the first instance's input when it has one.</summary>
    public static List<string> SelfInstructPrompts(string path) =>
        [.. File.ReadLines(path).Where(l => l.Trim().Length > 0).Select(l =>
        {
            var e = JsonDocument.Parse(l).RootElement;
            var instruction = e.GetProperty("instruction").GetString()!;
            var input = e.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("input").GetString()).FirstOrDefault();
            return string.IsNullOrWhiteSpace(input) ? instruction : instruction + "\n" + input;
        })];

    /// <summary>Self-instruct reference outputs (benign assistant responses).</summary>
    public static List<string> SelfInstructOutputs(string path) =>
        [.. File.ReadLines(path).Where(l => l.Trim().Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("output").GetString()).FirstOrDefault())
            .Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!)];

    /// <summary>One JailbreakBench artifact: (prompt, response, jailbroken) for every behaviour that has a prompt.</summary>
    public static List<(string Prompt, string Response, bool Jailbroken)> JailbreakBench(string path)
    {
        var root = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        return [.. root.GetProperty("jailbreaks").EnumerateArray()
            .Where(j => j.GetProperty("prompt").ValueKind == JsonValueKind.String && j.GetProperty("response").ValueKind == JsonValueKind.String)
            .Select(j => (j.GetProperty("prompt").GetString()!, j.GetProperty("response").GetString()!, j.GetProperty("jailbroken").GetBoolean()))];
    }

    /// <summary>JailbreakBench artifact files of one attack method (test-artifact excluded).</summary>
    public static string[] JbbFiles(string corpora, string method) =>
        [.. Directory.GetFiles(Path.Combine(corpora, "jailbreakbench", "attack-artifacts", method), "*.json", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) != Path.GetFileName(Path.Combine(corpora, "jailbreakbench", "attack-artifacts", method)))
            .Order(StringComparer.Ordinal)];
}
