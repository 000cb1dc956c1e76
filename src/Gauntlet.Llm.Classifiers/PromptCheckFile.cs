using System.Text.Json;

namespace Gauntlet.Llm.Classifiers;

/// <summary>
/// The files of <c>gauntlet prompt-check</c>: JSONL input, one <c>{"text": "..."}</c> object per
/// line, and the result document <c>{"schema_version", "results": [{"injection", "score", "reasons"}]}</c>
/// in input order.
/// </summary>
public static class PromptCheckFile
{
    /// <summary>The result document's schema version.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Reads the texts of a JSONL file. A final newline is allowed; any other empty line is an error.</summary>
    /// <param name="path">The .jsonl file.</param>
    /// <returns>The texts in file order.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A line is empty, not JSON, not an object, or has no string "text"; the message names the line (1-based).</exception>
    public static IReadOnlyList<string> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var content = Gauntlet.Core.IO.InputFile.ReadAllText(path, "--input");
        return Parse(content, path);
    }

    /// <summary>Parses JSONL content (see <see cref="Read"/>).</summary>
    /// <param name="content">The file's text.</param>
    /// <param name="source">The name used in error messages.</param>
    /// <returns>The texts in order.</returns>
    /// <exception cref="InvalidDataException">A line is empty or malformed; the message names the line.</exception>
    public static IReadOnlyList<string> Parse(string content, string source)
    {
        ArgumentNullException.ThrowIfNull(content);
        var lines = content.Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        var texts = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                throw new InvalidDataException($"{source} line {i + 1}: empty line; expected one {{\"text\": ...}} object per line");
            }

            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                {
                    throw new InvalidDataException($"{source} line {i + 1}: expected a JSON object with a string \"text\"");
                }

                texts.Add(text.GetString()!);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{source} line {i + 1}: not valid JSON ({e.Message.Split('.')[0]})", e);
            }
        }

        return texts;
    }

    /// <summary>The result document for <paramref name="results"/>, ready to serialise.</summary>
    /// <param name="results">The verdicts in input order.</param>
    /// <returns>The document.</returns>
    public static Dictionary<string, object> Document(IReadOnlyList<PromptCheckResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return new Dictionary<string, object>
        {
            ["schema_version"] = SchemaVersion,
            ["results"] = results.Select(r => new Dictionary<string, object>
            {
                ["injection"] = r.Injection,
                ["score"] = r.Score,
                ["reasons"] = r.Reasons,
            }).ToList(),
        };
    }
}
