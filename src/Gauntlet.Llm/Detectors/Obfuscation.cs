using System.Text;
using System.Text.RegularExpressions;

namespace Gauntlet.Llm.Detectors;

/// <summary>
/// The text tricks probes use and scanners undo: invisible Unicode (tag characters U+E0000–E007F,
/// zero-width and bidirectional controls), homoglyphs (Cyrillic and Greek look-alikes of Latin
/// letters), leetspeak, ROT13 and base64. Each function is pure and total.
/// </summary>
public static partial class Obfuscation
{
    private static readonly Dictionary<char, char> Homoglyphs = new()
    {
        ['а'] = 'a', ['е'] = 'e', ['о'] = 'o', ['р'] = 'p', ['с'] = 'c', ['у'] = 'y', ['х'] = 'x', ['і'] = 'i', ['ј'] = 'j', ['ѕ'] = 's', ['ԁ'] = 'd', ['ɡ'] = 'g', ['һ'] = 'h',
        ['А'] = 'A', ['В'] = 'B', ['Е'] = 'E', ['К'] = 'K', ['М'] = 'M', ['Н'] = 'H', ['О'] = 'O', ['Р'] = 'P', ['С'] = 'C', ['Т'] = 'T', ['Х'] = 'X', ['І'] = 'I',
        ['α'] = 'a', ['ο'] = 'o', ['ν'] = 'v', ['ι'] = 'i', ['Α'] = 'A', ['Β'] = 'B', ['Ε'] = 'E', ['Ι'] = 'I', ['Κ'] = 'K', ['Ο'] = 'O', ['Τ'] = 'T',
    };

    private static readonly Dictionary<char, char> Leet = new()
    {
        ['0'] = 'o', ['1'] = 'i', ['3'] = 'e', ['4'] = 'a', ['5'] = 's', ['7'] = 't', ['@'] = 'a', ['$'] = 's', ['!'] = 'i', ['|'] = 'l',
    };

    /// <summary>Whether a character is invisible when rendered: a tag character, a zero-width or joiner character, a bidirectional control, or a BOM inside text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="index">The position (of a high surrogate for a tag character).</param>
    /// <returns>True when invisible.</returns>
    public static bool IsInvisibleAt(string text, int index)
    {
        ArgumentNullException.ThrowIfNull(text);
        var c = text[index];
        if (char.IsHighSurrogate(c) && index + 1 < text.Length)
        {
            var cp = char.ConvertToUtf32(c, text[index + 1]);
            return cp is >= 0xE0000 and <= 0xE007F;
        }

        return c is '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\u2061' or '\u2062' or '\u2063' or '\u2064' or '\uFEFF' or '\u180E'
            or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u00AD';
    }

    /// <summary>How many invisible characters (<see cref="IsInvisibleAt"/>) the text holds.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The count.</returns>
    public static int CountInvisible(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (IsInvisibleAt(text, i))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The ASCII text hidden in Unicode tag characters (U+E0020–E007E map to ASCII 0x20–0x7E), or an empty string.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The hidden text.</returns>
    public static string DecodeTags(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hidden = new StringBuilder();
        for (var i = 0; i + 1 < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && char.IsLowSurrogate(text[i + 1]))
            {
                var cp = char.ConvertToUtf32(text[i], text[i + 1]);
                if (cp is >= 0xE0020 and <= 0xE007E)
                {
                    hidden.Append((char)(cp - 0xE0000));
                }

                i++;
            }
        }

        return hidden.ToString();
    }

    /// <summary>Hides ASCII text in Unicode tag characters (the inverse of <see cref="DecodeTags"/>); other characters are dropped.</summary>
    /// <param name="text">The text.</param>
    /// <returns>Invisible text.</returns>
    public static string EncodeTags(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Concat(text.Where(c => c is >= ' ' and <= '~').Select(c => char.ConvertFromUtf32(0xE0000 + c)));
    }

    /// <summary>The text with every invisible character removed.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The visible text.</returns>
    public static string StripInvisible(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (IsInvisibleAt(text, i))
            {
                if (char.IsHighSurrogate(text[i]))
                {
                    i++;
                }

                continue;
            }

            builder.Append(text[i]);
        }

        return builder.ToString();
    }

    /// <summary>Cyrillic and Greek look-alikes replaced by their Latin letters.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The folded text.</returns>
    public static string FoldHomoglyphs(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Concat(text.Select(c => Homoglyphs.TryGetValue(c, out var latin) ? latin : c));
    }

    /// <summary>Latin letters replaced by Cyrillic look-alikes where one exists (for probes).</summary>
    /// <param name="text">The text.</param>
    /// <returns>Text that looks the same.</returns>
    public static string ToHomoglyphs(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var reverse = new Dictionary<char, char>();
        foreach (var (glyph, latin) in Homoglyphs.Where(h => h.Key is >= '\u0400' and <= '\u04FF'))
        {
            reverse.TryAdd(latin, glyph);
        }

        return string.Concat(text.Select(c => reverse.TryGetValue(c, out var glyph) ? glyph : c));
    }

    /// <summary>Whether a word mixes Latin letters with Cyrillic or Greek ones (a homoglyph tell).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The number of such words.</returns>
    public static int CountMixedScriptWords(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return WordPattern().Matches(text).Count(m =>
            m.Value.Any(char.IsAsciiLetter) && m.Value.Any(c => c is (>= '\u0370' and <= '\u03FF') or (>= '\u0400' and <= '\u04FF')));
    }

    /// <summary>Leetspeak digits and symbols read as letters, lower-cased (<c>1gn0r3</c> → <c>ignore</c>).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The folded text.</returns>
    public static string FoldLeet(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Concat(text.ToLowerInvariant().Select(c => Leet.TryGetValue(c, out var letter) ? letter : c));
    }

    /// <summary>Leetspeak spelling of the text (for probes).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The leetspeak.</returns>
    public static string ToLeet(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Concat(text.Select(c => char.ToLowerInvariant(c) switch { 'a' => '4', 'e' => '3', 'i' => '1', 'o' => '0', 's' => '5', 't' => '7', _ => c }));
    }

    /// <summary>ROT13 of the ASCII letters (its own inverse).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The rotated text.</returns>
    public static string Rot13(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Concat(text.Select(c => c switch
        {
            >= 'a' and <= 'z' => (char)('a' + ((c - 'a' + 13) % 26)),
            >= 'A' and <= 'Z' => (char)('A' + ((c - 'A' + 13) % 26)),
            _ => c,
        }));
    }

    /// <summary>Inserts a zero-width space between the characters of each word (for probes).</summary>
    /// <param name="text">The text.</param>
    /// <returns>Text that looks the same.</returns>
    public static string InterleaveZeroWidth(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Join(' ', text.Split(' ').Select(w => string.Join('\u200B', w.ToCharArray())));
    }

    /// <summary>The base64 runs (24+ characters) that decode to mostly printable UTF-8 text, decoded.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The decoded texts, in order.</returns>
    public static IReadOnlyList<string> DecodeBase64Runs(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var decoded = new List<string>();
        foreach (Match m in Base64Run().Matches(text))
        {
            var value = m.Value;
            var padded = value.Length % 4 == 0 ? value : value + new string('=', 4 - (value.Length % 4));
            var buffer = new byte[padded.Length];
            if (!Convert.TryFromBase64String(padded, buffer, out var written))
            {
                continue;
            }

            string candidate;
            try
            {
                candidate = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, written);
            }
            catch (DecoderFallbackException)
            {
                continue;
            }

            var printable = candidate.Count(c => !char.IsControl(c) || c is '\n' or '\r' or '\t');
            if (candidate.Length > 0 && printable >= 0.95 * candidate.Length && candidate.Count(char.IsLetter) >= candidate.Length / 2)
            {
                decoded.Add(candidate);
            }
        }

        return decoded;
    }

    [GeneratedRegex(@"[A-Za-z0-9+/]{24,}={0,2}")]
    private static partial Regex Base64Run();

    [GeneratedRegex(@"\w+")]
    private static partial Regex WordPattern();
}
