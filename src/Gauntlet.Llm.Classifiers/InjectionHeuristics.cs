using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Gauntlet.Llm.Classifiers;

/// <summary>One heuristic finding: why, and how sure (0..1; 0.5 and above flags the text on its own).</summary>
/// <param name="Reason">A one-line, human-readable reason.</param>
/// <param name="Score">The heuristic's confidence that the text is an injection.</param>
/// <param name="Decoded">Text a decoder recovered (hidden tag characters, base64, hex, rot13), to re-scan; else null.</param>
public sealed record HeuristicHit(string Reason, double Score, string? Decoded = null);

/// <summary>
/// Rules that are more precise than the embedding classifier on what they cover: invisible
/// Unicode (tag characters, zero-width characters, bidirectional overrides), known instruction
/// override phrases, and encoded payloads (base64, hex, rot13), which are decoded and scanned again.
/// </summary>
public static partial class InjectionHeuristics
{
    /// <summary>Score given to a known override phrase.</summary>
    public const double PhraseScore = 0.95;

    private static readonly (string Name, Regex Pattern)[] Phrases =
    [
        ("instruction override", Rx(@"\b(ignore|disregard|forget|override|bypass|skip)\b[\s\w,']{0,30}?\b(previous|prior|above|earlier|preceding|initial|original|system|all|any|your)\b[\s\w']{0,20}?\b(instructions?|prompts?|rules|directions|directives|guidelines|context|commands)\b")),
        ("new instructions marker", Rx(@"(^|\n)\s*(#+\s*)?(new|updated|real|actual)\s+(system\s+)?(instructions?|prompt)\s*:")),
        ("role-tag injection", Rx(@"(<\|?\s*/?\s*(system|im_start|im_end)\s*\|?>|\[/?(system|INST)\])")),
        ("DAN / do-anything-now persona", Rx(@"\b(do anything now|you are (now )?(DAN|STAN|DUDE)\b|act as (a |an )?(DAN|STAN|DUDE)\b)")),
        ("unrestricted-mode request", Rx(@"\b(developer|god|jailbreak|jailbroken|unrestricted|unfiltered|uncensored|evil)\s+mode\b")),
        ("system-prompt extraction", Rx(@"\b(reveal|print|show|repeat|output|display|leak|tell me|give me)\b[\s\w']{0,20}?\b(system prompt|system message|initial (instructions|prompt)|hidden (instructions|prompt)|original (instructions|prompt)|(instructions|prompt) (you were given|above))")),
        ("restriction removal", Rx(@"\b(no|without|free (from|of)|not bound by|ignore|ignoring|don't have)\s+(any\s+|all\s+|your\s+)?(ethical|moral|content|safety|openai)\s+(restrictions|filters|guidelines|policies|limitations|safeguards|rules|constraints)\b")),
    ];

    private static readonly Regex Base64Run = new(@"[A-Za-z0-9+/_-]{16,}={0,2}", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, TimeSpan.FromSeconds(1));
    private static readonly Regex HexRun = new(@"(?:(?:\\x|0x)?[0-9A-Fa-f]{2}[\s,]?){12,}", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, TimeSpan.FromSeconds(1));

    /// <summary>The heuristic findings for <paramref name="text"/>, decoders' findings included.</summary>
    /// <param name="text">The text (a prompt, a document, a tool result).</param>
    /// <returns>The findings, strongest first.</returns>
    public static IReadOnlyList<HeuristicHit> Scan(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hits = new List<HeuristicHit>();
        ScanInto(text, hits, depth: 0);
        return [.. hits.OrderByDescending(h => h.Score)];
    }

    /// <summary>The known override phrases found in <paramref name="text"/> (NFKC-normalised, invisible characters removed).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The names of the phrase families matched.</returns>
    public static IReadOnlyList<string> OverridePhrases(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var clean = StripInvisible(text.Normalize(NormalizationForm.FormKC));
        return [.. Phrases.Where(p => p.Pattern.IsMatch(clean)).Select(p => p.Name)];
    }

    /// <summary>ROT13 of the ASCII letters of <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The rotated text.</returns>
    public static string Rot13(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            chars[i] = c switch
            {
                >= 'a' and <= 'z' => (char)('a' + ((c - 'a' + 13) % 26)),
                >= 'A' and <= 'Z' => (char)('A' + ((c - 'A' + 13) % 26)),
                _ => c,
            };
        }

        return new string(chars);
    }

    private static void ScanInto(string text, List<HeuristicHit> hits, int depth)
    {
        var prefix = depth == 0 ? "" : "decoded payload: ";

        // Unicode tag characters (U+E0000–U+E007F) are invisible and spell ASCII: decode them.
        var tags = new StringBuilder();
        var zeroWidth = 0;
        var bidi = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var cp = char.ConvertToUtf32(text[i], text[i + 1]);
                if (cp is >= 0xE0000 and <= 0xE007F)
                {
                    if (cp is >= 0xE0020 and <= 0xE007E)
                    {
                        tags.Append((char)(cp - 0xE0000));
                    }
                }

                i++;
                continue;
            }

            var c = text[i];
            if (c is '\u200B' or '\u200C' or '\u2060' or '\u180E' || (c == '\uFEFF' && i > 0) || (c == '\u200D' && !NextToEmoji(text, i)))
            {
                zeroWidth++;
            }
            else if (c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'))
            {
                bidi++;
            }
        }

        if (tags.Length > 0)
        {
            var hidden = tags.ToString();
            hits.Add(new HeuristicHit($"{prefix}invisible Unicode tag characters ({hidden.Length}) spelling hidden text \"{Clip(hidden)}\"", 0.99, hidden));
        }

        if (bidi > 0)
        {
            hits.Add(new HeuristicHit($"{prefix}bidirectional override/isolate characters ({bidi}) that reorder what is displayed", 0.9));
        }

        if (zeroWidth > 0)
        {
            var revealed = OverridePhrases(text).Except(Phrases.Where(p => p.Pattern.IsMatch(text.Normalize(NormalizationForm.FormKC))).Select(p => p.Name)).ToList();
            hits.Add(revealed.Count > 0
                ? new HeuristicHit($"{prefix}zero-width characters ({zeroWidth}) hiding an override phrase ({string.Join(", ", revealed)})", 0.99)
                : new HeuristicHit($"{prefix}zero-width characters ({zeroWidth})", zeroWidth >= 3 ? 0.75 : 0.3));
        }

        foreach (var name in OverridePhrases(text))
        {
            hits.Add(new HeuristicHit($"{prefix}known override phrase ({name})", PhraseScore));
        }

        if (depth > 0)
        {
            return;
        }

        foreach (var hidden in hits.Where(h => h.Decoded is not null).Select(h => h.Decoded!).ToList())
        {
            ScanInto(hidden, hits, depth + 1);
        }

        // Encoded payloads: decode, then scan again.
        foreach (Match m in Base64Run.Matches(text))
        {
            if (TryBase64(m.Value) is { } decoded)
            {
                hits.Add(new HeuristicHit($"base64-encoded text ({m.Value.Length} chars) decoding to \"{Clip(decoded)}\"", 0.6, decoded));
                ScanInto(decoded, hits, depth + 1);
            }
        }

        foreach (Match m in HexRun.Matches(text))
        {
            if (TryHex(m.Value) is { } decoded)
            {
                hits.Add(new HeuristicHit($"hex-encoded text ({m.Value.Length} chars) decoding to \"{Clip(decoded)}\"", 0.6, decoded));
                ScanInto(decoded, hits, depth + 1);
            }
        }

        var rot = Rot13(text);
        var rotPhrases = OverridePhrases(rot).Except(OverridePhrases(text)).ToList();
        if (rotPhrases.Count > 0)
        {
            hits.Add(new HeuristicHit($"rot13-encoded override phrase ({string.Join(", ", rotPhrases)})", 0.97, rot));
        }
    }

    private static string? TryBase64(string run)
    {
        var s = run.Replace('-', '+').Replace('_', '/').TrimEnd('=');
        if (s.Length % 4 == 1 || !s.Any(char.IsDigit) && !s.Any(char.IsUpper))
        {
            return null;
        }

        s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
        var buffer = new byte[s.Length];
        return Convert.TryFromBase64String(s, buffer, out var n) ? Printable(buffer.AsSpan(0, n)) : null;
    }

    private static string? TryHex(string run)
    {
        var digits = new string([.. run.Replace("\\x", "", StringComparison.OrdinalIgnoreCase).Replace("0x", "", StringComparison.OrdinalIgnoreCase).Where(char.IsAsciiHexDigit)]);
        if (digits.Length % 2 == 1)
        {
            digits = digits[..^1];
        }

        try
        {
            return Printable(Convert.FromHexString(digits));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The bytes as UTF-8 when they read as text (mostly letters and spaces), else null.</summary>
    private static string? Printable(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8)
        {
            return null;
        }

        string s;
        try
        {
            s = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        var letters = s.Count(c => char.IsLetter(c) || c == ' ');
        var control = s.Count(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));
        return control == 0 && letters >= 0.7 * s.Length && s.Contains(' ', StringComparison.Ordinal) ? s : null;
    }

    private static bool NextToEmoji(string text, int i) =>
        (i > 0 && (char.IsLowSurrogate(text[i - 1]) || text[i - 1] == '\uFE0F' || char.GetUnicodeCategory(text[i - 1]) == UnicodeCategory.OtherSymbol)) ||
        (i + 1 < text.Length && (char.IsHighSurrogate(text[i + 1]) || char.GetUnicodeCategory(text[i + 1]) == UnicodeCategory.OtherSymbol));

    private static string StripInvisible(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\u180E' or '\uFEFF' or '\u00AD' || c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'))
            {
                continue;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    private static string Clip(string s)
    {
        var one = s.ReplaceLineEndings(" ");
        return one.Length <= 60 ? one : one[..57] + "...";
    }

    private static Regex Rx(string pattern) =>
        new(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline | RegexOptions.NonBacktracking, TimeSpan.FromSeconds(1));
}
