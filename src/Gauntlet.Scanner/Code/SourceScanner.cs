using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gauntlet.Scanner.Code.Python;
using Gauntlet.Scanner.Code.Secrets;

namespace Gauntlet.Scanner.Code;

/// <summary>The findings of a source file and how many inline suppressions removed.</summary>
/// <param name="Findings">What was found.</param>
/// <param name="Suppressed">Findings dropped by <c># gauntlet: ignore</c> comments.</param>
/// <param name="Skipped">Why the file was not analysed at all, or null when it was.</param>
internal sealed record SourceResult(List<Finding> Findings, int Suppressed, string? Skipped);

/// <summary>
/// Scans Python sources, notebooks and config/text files: decodes the bytes (UTF-8, BOM and PEP
/// 263 latin-1 cookies honoured; invalid UTF-8 replaced and reported), refuses binary content,
/// parses Python with <see cref="PyParser"/>, applies <see cref="PythonRules"/> and
/// <see cref="SecretDetector"/>, honours <c># gauntlet: ignore</c> / <c># gauntlet: ignore[RULE,...]</c>
/// on the lines of a finding, and gives every finding a line, column and fingerprint.
/// </summary>
internal static partial class SourceScanner
{
    /// <summary>Scans the bytes of a routed file.</summary>
    public static SourceResult Scan(byte[] bytes, SourceRoute route, string location, ScanOptions options)
    {
        var code = options.Categories.Contains(ScanCategory.Code);
        var secrets = options.Categories.Contains(ScanCategory.Secrets);
        var nul = Array.IndexOf(bytes, (byte)0, 0, Math.Min(bytes.Length, 1 << 20));
        if (nul >= 0 && route != SourceRoute.Text)
        {
            var why = $"binary content (a NUL byte at offset {nul}) in a file named like {(route == SourceRoute.Python ? "Python source" : "a notebook")}; Python and Jupyter refuse it, so it was not analysed as code";
            return new SourceResult([new Finding("scan.not-analysed", Severity.Medium, why, location)], 0, why);
        }

        if (nul >= 0)
        {
            var why = $"binary content (a NUL byte at offset {nul}); not scanned for secrets";
            return new SourceResult([new Finding("scan.not-analysed", Severity.Info, why, location)], 0, why);
        }

        var problems = new List<Finding>();
        var text = Decode(bytes, location, problems);
        var result = route switch
        {
            SourceRoute.Python => Python(text, location, code, secrets, null),
            SourceRoute.Notebook => Notebook(text, location, code, secrets),
            _ => secrets ? Text(text, location, null) : new SourceResult([], 0, null),
        };
        result.Findings.InsertRange(0, problems);
        return result;
    }

    private static string Decode(byte[] bytes, string location, List<Finding> problems)
    {
        var span = bytes.AsSpan();
        if (span.StartsWith("\xEF\xBB\xBF"u8))
        {
            span = span[3..];
        }

        var head = Encoding.ASCII.GetString(span[..Math.Min(span.Length, 200)]);
        if (CodingCookie().Match(head) is { Success: true } cookie && cookie.Groups[1].Value.ToLowerInvariant() is "latin-1" or "latin1" or "iso-8859-1" or "iso8859-1" or "l1")
        {
            return Encoding.Latin1.GetString(span);
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(span);
        }
        catch (DecoderFallbackException ex)
        {
            var at = ex.Index >= 0 ? $" at byte {ex.Index}" : string.Empty;
            problems.Add(new Finding("code.parse-problem", Severity.Info, $"invalid UTF-8{at}; decoded with replacement characters and scanned (Python itself would refuse the file)", location) { Line = 1 });
            return Encoding.UTF8.GetString(span);
        }
    }

    /// <summary>Longest line the code rules parse (1 MiB of characters): longer lines are generated or minified code.</summary>
    public const int MaxCodeLineLength = 1 << 20;

    /// <summary>Scans Python source. <paramref name="map"/> maps a line to a (location, line) for notebooks.</summary>
    private static SourceResult Python(string source, string location, bool code, bool secrets, Func<int, (string Location, int Line)>? map)
    {
        var lines = SplitLines(source);
        var longest = lines.Count == 0 ? -1 : lines.FindIndex(l => l.Length > MaxCodeLineLength);
        var problems = new List<Finding>();
        if (code && longest >= 0)
        {
            // Bounded work per file: a hostile or generated multi-megabyte line is not tokenized, and the report says so.
            var where = map is null ? (location, longest + 1) : map(longest + 1);
            problems.Add(new Finding("scan.not-analysed", Severity.Low,
                $"line {where.Item2} is {lines[longest].Length:N0} characters long, over the {MaxCodeLineLength:N0}-character line limit (generated or minified code); code rules not run{(secrets ? ", secrets scanned" : string.Empty)}",
                where.Item1) { Line = where.Item2 });
            code = false;
        }

        var module = code ? PyParser.Parse(source) : new PyModule { Tokens = [] };
        var hits = new List<CodeHit>();
        if (code)
        {
            hits.AddRange(PythonRules.Check(module));
            if (module.Errors.Count > 0)
            {
                var (message, line) = module.Errors[0];
                var more = module.Errors.Count > 1 ? $" (and {module.Errors.Count - 1} more)" : string.Empty;
                hits.Add(new CodeHit("code.parse-problem", Severity.Info, $"tokenizer: {message} on line {line}{more}; the rest of the file was still scanned", line, 1, line));
            }
        }

        if (secrets && SecretDetector.Candidates(source) is { } active)
        {
            for (var i = 0; i < lines.Count; i++)
            {
                foreach (var match in SecretDetector.Scan(lines[i], highEntropy: false, active))
                {
                    hits.Add(new CodeHit(match.RuleId, match.Severity, $"{match.What} '{match.Masked}'", i + 1, match.Column, i + 1));
                }
            }
        }

        var findings = new List<Finding>();
        var suppressed = 0;
        var seen = new HashSet<(string, int, int, string)>();
        foreach (var hit in hits.OrderBy(h => h.Line).ThenBy(h => h.Column))
        {
            if (!seen.Add((hit.RuleId, hit.Line, hit.Column, hit.Message)))
            {
                continue;
            }

            if (Suppressed(hit.RuleId, hit.Line, hit.EndLine, l => module.Comments.GetValueOrDefault(l) ?? CommentOf(lines, l)))
            {
                suppressed++;
                continue;
            }

            var (where, line) = map is null ? (location, hit.Line) : map(hit.Line);
            findings.Add(new Finding(hit.RuleId, hit.Severity, hit.Message, where)
            {
                Line = line,
                Column = hit.Column,
                Fingerprint = Fingerprint(lines, hit.Line, hit.EndLine),
            });
        }

        findings.InsertRange(0, problems);
        return new SourceResult(findings, suppressed, null);
    }

    /// <summary>The text from a suppression marker to the end of the line, when the parser did not run.</summary>
    private static string? CommentOf(List<string> lines, int line)
    {
        if (line < 1 || line > lines.Count)
        {
            return null;
        }

        var text = lines[line - 1];
        var at = text.LastIndexOf("# gauntlet:", StringComparison.Ordinal);
        return at < 0 ? null : text[at..];
    }

    /// <summary>Scans a notebook: the code cells as one module (cells share a namespace), outputs for secrets.</summary>
    private static SourceResult Notebook(string text, string location, bool code, bool secrets)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 256, AllowTrailingCommas = false });
        }
        catch (JsonException ex)
        {
            var why = $"notebook is not valid JSON ({ex.Message.Split('.')[0]}); its cells were not analysed as code{(secrets ? ", the raw text was scanned for secrets" : string.Empty)}";
            var result = secrets ? Text(text, location, null) : new SourceResult([], 0, null);
            result.Findings.Insert(0, new Finding("scan.not-analysed", Severity.Medium, why, location));
            return result with { Skipped = why };
        }

        using (document)
        {
            var cells = Cells(document.RootElement);
            if (cells is null)
            {
                const string why = "JSON without a 'cells' list (nbformat 4) or 'worksheets' (nbformat 3); not a notebook, not analysed as code";
                var result = secrets ? Text(text, location, null) : new SourceResult([], 0, null);
                result.Findings.Insert(0, new Finding("scan.not-analysed", Severity.Medium, why, location));
                return result with { Skipped = why };
            }

            var source = new StringBuilder();
            var lineMap = new List<(int Cell, int Line)>();
            var findings = new List<Finding>();
            var suppressed = 0;
            for (var c = 0; c < cells.Count; c++)
            {
                var cell = cells[c];
                if (cell.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var type = cell.TryGetProperty("cell_type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : "code";
                var cellText = JoinText(cell.TryGetProperty("source", out var s) ? s : cell.TryGetProperty("input", out var i) ? i : default);
                var cellLines = SplitLines(cellText);
                if (type == "code")
                {
                    for (var l = 0; l < cellLines.Count; l++)
                    {
                        // IPython magics and shell escapes are not Python: kept as blank lines so line numbers hold.
                        var trimmed = cellLines[l].TrimStart();
                        source.Append(trimmed.StartsWith('%') || trimmed.StartsWith('!') ? string.Empty : cellLines[l]).Append('\n');
                        lineMap.Add((c, l + 1));
                    }
                }
                else if (secrets)
                {
                    var markdown = Text(cellText, $"{location}!cell[{c}]", null);
                    findings.AddRange(markdown.Findings);
                    suppressed += markdown.Suppressed;
                }

                if (secrets && cell.TryGetProperty("outputs", out var outputs) && outputs.ValueKind == JsonValueKind.Array)
                {
                    var o = 0;
                    foreach (var output in outputs.EnumerateArray())
                    {
                        var outputText = OutputText(output);
                        if (outputText.Length > 0)
                        {
                            var scanned = Text(outputText, $"{location}!cell[{c}]!output[{o}]", null);
                            findings.AddRange(scanned.Findings);
                            suppressed += scanned.Suppressed;
                        }

                        o++;
                    }
                }
            }

            var python = Python(source.ToString(), location, code, secrets, line =>
                line - 1 < lineMap.Count ? ($"{location}!cell[{lineMap[line - 1].Cell}]", lineMap[line - 1].Line) : (location, line));
            findings.InsertRange(0, python.Findings);
            return new SourceResult(findings, suppressed + python.Suppressed, null);
        }
    }

    private static List<JsonElement>? Cells(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (root.TryGetProperty("cells", out var cells) && cells.ValueKind == JsonValueKind.Array)
        {
            return [.. cells.EnumerateArray()];
        }

        if (root.TryGetProperty("worksheets", out var sheets) && sheets.ValueKind == JsonValueKind.Array)
        {
            return [.. sheets.EnumerateArray().Where(w => w.ValueKind == JsonValueKind.Object && w.TryGetProperty("cells", out var x) && x.ValueKind == JsonValueKind.Array)
                .SelectMany(w => w.GetProperty("cells").EnumerateArray())];
        }

        return null;
    }

    /// <summary>A notebook string field: a string or a list of strings (joined as they are, each keeping its own newline).</summary>
    private static string JoinText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Array => string.Concat(value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
        JsonValueKind.Undefined or JsonValueKind.Null => string.Empty,
        _ => value.GetRawText(),
    };

    /// <summary>The text of an output: stream text, text-like MIME data, error tracebacks.</summary>
    private static string OutputText(JsonElement output)
    {
        if (output.ValueKind != JsonValueKind.Object)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        if (output.TryGetProperty("text", out var stream))
        {
            text.Append(JoinText(stream)).Append('\n');
        }

        if (output.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in data.EnumerateObject())
            {
                if (property.Name.StartsWith("text/", StringComparison.Ordinal) || property.Name.Contains("json", StringComparison.Ordinal))
                {
                    text.Append(JoinText(property.Value)).Append('\n');
                }
            }
        }

        if (output.TryGetProperty("traceback", out var traceback))
        {
            text.Append(string.Join('\n', traceback.ValueKind == JsonValueKind.Array ? traceback.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : string.Empty) : [])).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Scans config or text for secrets, line by line (high-entropy values included).</summary>
    private static SourceResult Text(string text, string location, Func<int, int>? map)
    {
        var findings = new List<Finding>();
        var suppressed = 0;
        var number = 0;
        if (SecretDetector.Candidates(text) is not { } active)
        {
            return new SourceResult(findings, suppressed, null);
        }

        foreach (var line in LinesOf(text))
        {
            number++;
            var matches = SecretDetector.Scan(line, highEntropy: true, active);
            if (matches.Count == 0)
            {
                continue;
            }

            var comment = line.Contains("gauntlet:", StringComparison.Ordinal) ? line[line.IndexOf("gauntlet:", StringComparison.Ordinal)..] : null;
            foreach (var match in matches)
            {
                if (comment is not null && Suppressed(match.RuleId, 1, 1, _ => "# " + comment))
                {
                    suppressed++;
                    continue;
                }

                findings.Add(new Finding(match.RuleId, match.Severity, $"{match.What} '{match.Masked}'", location)
                {
                    Line = map?.Invoke(number) ?? number,
                    Column = match.Column,
                    Fingerprint = Hash(Normalise(line)),
                });
            }
        }

        return new SourceResult(findings, suppressed, null);
    }

    /// <summary>Whether a comment on one of the lines [<paramref name="first"/>, <paramref name="last"/>] suppresses <paramref name="rule"/>.</summary>
    internal static bool Suppressed(string rule, int first, int last, Func<int, string?> comment)
    {
        for (var line = first; line <= Math.Max(first, last); line++)
        {
            if (comment(line) is not { } text || Suppression().Match(text) is not { Success: true } match)
            {
                continue;
            }

            if (!match.Groups["rules"].Success)
            {
                return true;
            }

            if (match.Groups["rules"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Contains(rule, StringComparer.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static List<string> SplitLines(string text) => [.. LinesOf(text)];

    private static IEnumerable<string> LinesOf(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || text[i] == '\r')
            {
                yield return text[start..i];
                if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            yield return text[start..];
        }
    }

    private static string Fingerprint(List<string> lines, int first, int last)
    {
        var snippet = new StringBuilder();
        for (var line = first; line <= Math.Max(first, last) && line - 1 < lines.Count && snippet.Length < 4096; line++)
        {
            if (line >= 1)
            {
                snippet.Append(lines[line - 1]).Append(' ');
            }
        }

        return Hash(Normalise(snippet.ToString()));
    }

    /// <summary>The snippet with runs of whitespace collapsed to one space and trimmed, at most 4 KiB.</summary>
    internal static string Normalise(string snippet)
    {
        var text = Whitespace().Replace(snippet.Length > 4096 ? snippet[..4096] : snippet, " ").Trim();
        return text;
    }

    /// <summary>Lower-case hex SHA-256 of the text, first 16 bytes.</summary>
    internal static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16)).ToLowerInvariant();

    [GeneratedRegex("""#\s*gauntlet:\s*ignore(?:\[(?<rules>[^\]]*)\])?""")]
    private static partial Regex Suppression();

    [GeneratedRegex("""^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)""", RegexOptions.Multiline)]
    private static partial Regex CodingCookie();

    [GeneratedRegex("""\s+""")]
    private static partial Regex Whitespace();
}
