using System.Globalization;
using System.Text;

namespace Gauntlet.Scanner.Code.Python;

/// <summary>
/// A Python 3 tokenizer following the language reference's lexical analysis (and CPython's
/// <c>tokenize</c>): logical and physical lines, INDENT/DEDENT from an indentation stack (tabs to
/// multiples of 8), implicit line joining inside brackets, explicit joining with a backslash,
/// comments, identifiers with Unicode letters normalised to NFKC (PEP 3131, so <c>ｅval</c> is
/// <c>eval</c>), every string prefix (<c>r b u f t</c> and their pairs, any case), single and triple
/// quotes, f-string replacement fields (nested quotes included, as PEP 701 allows), and all numeric
/// literal forms. It never throws: text it cannot read becomes an <see cref="PyTokenKind.Error"/>
/// token and tokenizing goes on, so a broken file is still scanned. Linear in the source length.
/// </summary>
internal sealed class PyTokenizer
{
    private static readonly string[] Operators3 = ["**=", "//=", ">>=", "<<=", "...", "!=", "->"];
    private static readonly string[] Operators2 = ["**", "//", ">>", "<<", "<=", ">=", "==", "!=", "->", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", ":="];
    private const string Operators1 = "+-*/%@&|^~<>()[]{},:.;=!";

    // One string per single-character operator, so the most common tokens allocate no text.
    private static readonly string[] SingleOperators = [.. Enumerable.Range(0, 128).Select(c => ((char)c).ToString())];

    private readonly string source;
    private readonly List<PyToken> tokens = [];
    private readonly Stack<int> indents = new([0]);
    private int pos;
    private int line = 1;
    private int lineStart;
    private int depth;

    private PyTokenizer(string source) => this.source = source;

    /// <summary>Tokenizes <paramref name="source"/>; the last token is always <see cref="PyTokenKind.End"/>.</summary>
    public static List<PyToken> Tokenize(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var tokenizer = new PyTokenizer(source);
        tokenizer.Run();
        return tokenizer.tokens;
    }

    private void Run()
    {
        var atLineStart = true;
        var lastLogical = false;
        while (pos < source.Length)
        {
            if (atLineStart && depth == 0)
            {
                atLineStart = false;
                if (!Indentation())
                {
                    continue;
                }
            }

            var c = source[pos];
            if (c is ' ' or '\t' or '\f')
            {
                pos++;
                continue;
            }

            if (c is '\r' or '\n')
            {
                var start = pos;
                NewLineChars();
                if (depth == 0 && lastLogical)
                {
                    Add(PyTokenKind.Newline, start, 1, "\n");
                    lastLogical = false;
                }
                else
                {
                    Add(PyTokenKind.NonLogicalNewline, start, 1, "\n");
                }

                BeginLine();
                atLineStart = true;
                continue;
            }

            if (c == '\\' && pos + 1 < source.Length && source[pos + 1] is '\r' or '\n')
            {
                pos++;
                NewLineChars();
                BeginLine();
                continue;
            }

            if (c == '#')
            {
                var end = source.IndexOfAny(['\r', '\n'], pos);
                end = end < 0 ? source.Length : end;
                Add(PyTokenKind.Comment, pos, end - pos, source[pos..end]);
                pos = end;
                continue;
            }

            lastLogical = true;
            if (IsIdentifierStart(c))
            {
                ReadNameOrString();
                continue;
            }

            if (c is '"' or '\'')
            {
                ReadString(pos, pos, PyStringFlags.None);
                continue;
            }

            if (char.IsAsciiDigit(c) || (c == '.' && pos + 1 < source.Length && char.IsAsciiDigit(source[pos + 1])))
            {
                ReadNumber();
                continue;
            }

            ReadOperator();
        }

        if (lastLogical)
        {
            Add(PyTokenKind.Newline, pos, 0, string.Empty);
        }

        while (indents.Count > 1)
        {
            indents.Pop();
            Add(PyTokenKind.Dedent, pos, 0, string.Empty);
        }

        Add(PyTokenKind.End, pos, 0, string.Empty);
    }

    /// <summary>Reads the indentation of a new line; false when the line is blank or a comment (no INDENT/DEDENT).</summary>
    private bool Indentation()
    {
        var column = 0;
        var p = pos;
        while (p < source.Length)
        {
            var c = source[p];
            if (c == ' ')
            {
                column++;
            }
            else if (c == '\t')
            {
                column = (column / 8 + 1) * 8;
            }
            else if (c == '\f')
            {
                column = 0;
            }
            else
            {
                break;
            }

            p++;
        }

        pos = p;
        if (p >= source.Length || source[p] is '#' or '\r' or '\n' || (source[p] == '\\' && p + 1 < source.Length && source[p + 1] is '\r' or '\n'))
        {
            return p < source.Length;
        }

        if (column > indents.Peek())
        {
            indents.Push(column);
            Add(PyTokenKind.Indent, lineStart, p - lineStart, string.Empty);
        }
        else
        {
            while (column < indents.Peek())
            {
                indents.Pop();
                Add(PyTokenKind.Dedent, p, 0, string.Empty);
            }

            if (column != indents.Peek())
            {
                // IndentationError in CPython: reported, and the line taken at the nearest level.
                Add(PyTokenKind.Error, p, 0, "unindent does not match any outer indentation level");
            }
        }

        return true;
    }

    private void NewLineChars()
    {
        if (source[pos] == '\r' && pos + 1 < source.Length && source[pos + 1] == '\n')
        {
            pos += 2;
        }
        else
        {
            pos++;
        }
    }

    private void BeginLine()
    {
        line++;
        lineStart = pos;
    }

    private void ReadNameOrString()
    {
        var start = pos;
        var ascii = true;
        while (pos < source.Length && IsIdentifierPart(source[pos]))
        {
            ascii &= source[pos] < 128;
            pos++;
        }

        // A string prefix: up to two letters from r, b, u, f, t (any case) right before a quote.
        if (pos < source.Length && source[pos] is '"' or '\'' && pos - start <= 2 && ascii)
        {
            var prefix = source[start..pos].ToLowerInvariant();
            if (PrefixFlags(prefix) is { } flags)
            {
                ReadString(start, pos, flags);
                return;
            }
        }

        var text = source[start..pos];
        if (!ascii)
        {
            text = Nfkc(text);
        }

        Add(PyTokenKind.Name, start, pos - start, text);
    }

    /// <summary>
    /// NFKC as PEP 3131 applies it to identifiers. With invariant globalization the runtime cannot
    /// normalise, so the compatibility forms used to disguise names are folded here: fullwidth
    /// ASCII (U+FF01-FF5E) and the mathematical alphanumeric letters and digits (U+1D400-1D7FF).
    /// </summary>
    internal static string Nfkc(string text)
    {
        try
        {
            text = text.Normalize(NormalizationForm.FormKC);
        }
        catch (PlatformNotSupportedException)
        {
            // Folded below.
        }

        var folded = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is >= '\uFF01' and <= '\uFF5E')
            {
                folded.Append((char)(c - 0xFEE0));
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.ConvertToUtf32(c, text[i + 1]) is var cp and >= 0x1D400 and <= 0x1D7FF)
            {
                folded.Append(MathematicalFold(cp));
                i++;
            }
            else
            {
                folded.Append(c);
            }
        }

        return folded.ToString();
    }

    private static char MathematicalFold(int codePoint)
    {
        if (codePoint >= 0x1D7CE)
        {
            return (char)('0' + ((codePoint - 0x1D7CE) % 10));
        }

        if (codePoint > 0x1D6A3)
        {
            return '?';
        }

        // 13 alphabets of 52 letters (A-Z, a-z) from U+1D400; the few reserved holes fold the same way.
        var index = (codePoint - 0x1D400) % 52;
        return index < 26 ? (char)('A' + index) : (char)('a' + index - 26);
    }

    private static PyStringFlags? PrefixFlags(string prefix) => prefix switch
    {
        "r" => PyStringFlags.Raw,
        "u" => PyStringFlags.None,
        "b" => PyStringFlags.Bytes,
        "f" or "t" => PyStringFlags.Formatted,
        "rb" or "br" => PyStringFlags.Raw | PyStringFlags.Bytes,
        "rf" or "fr" or "rt" or "tr" => PyStringFlags.Raw | PyStringFlags.Formatted,
        _ => null,
    };

    /// <summary>Reads a string literal whose prefix starts at <paramref name="start"/> and quote at <paramref name="quoteAt"/>.</summary>
    private void ReadString(int start, int quoteAt, PyStringFlags flags)
    {
        var startLine = line;
        var startColumn = start - lineStart + 1;
        List<(int, int)>? fields = null;
        var (end, ok) = SkipString(quoteAt, flags, ref fields, out var triple);
        pos = end;
        if (triple)
        {
            flags |= PyStringFlags.Triple;
        }

        if (fields is { Count: > 0 })
        {
            flags |= PyStringFlags.Interpolated;
        }

        var kind = ok ? PyTokenKind.String : PyTokenKind.Error;
        tokens.Add(new PyToken(kind, start, end - start, startLine, startColumn, line, ok ? source[start..end] : "unterminated string literal", flags, fields));
    }

    /// <summary>
    /// Skips a string body from its opening quote; returns the offset after it and whether it was
    /// terminated. Counts the lines it spans. For f-strings, replacement fields are skipped as
    /// expressions (with their own nested strings and brackets) and their ranges collected.
    /// </summary>
    private (int End, bool Ok) SkipString(int quoteAt, PyStringFlags flags, ref List<(int, int)>? fields, out bool triple)
    {
        var quote = source[quoteAt];
        triple = quoteAt + 2 < source.Length && source[quoteAt + 1] == quote && source[quoteAt + 2] == quote;
        var p = quoteAt + (triple ? 3 : 1);
        var formatted = flags.HasFlag(PyStringFlags.Formatted);
        while (p < source.Length)
        {
            var c = source[p];
            if (c == '\\')
            {
                if (p + 1 < source.Length && source[p + 1] is '\r' or '\n')
                {
                    p++;
                    p = LineBreak(p);
                    continue;
                }

                p += 2;
                continue;
            }

            if (c == quote && (!triple || (p + 2 < source.Length && source[p + 1] == quote && source[p + 2] == quote)))
            {
                return (p + (triple ? 3 : 1), true);
            }

            if (c is '\r' or '\n')
            {
                if (!triple)
                {
                    return (p, false);
                }

                p = LineBreak(p);
                continue;
            }

            if (formatted && c == '{')
            {
                if (p + 1 < source.Length && source[p + 1] == '{')
                {
                    p += 2;
                    continue;
                }

                var fieldStart = p + 1;
                p = SkipField(fieldStart, ref fields);
                (fields ??= []).Add((fieldStart, Math.Max(0, FieldExpressionEnd(fieldStart, p) - fieldStart)));
                continue;
            }

            p++;
        }

        return (p, false);
    }

    /// <summary>Skips an f-string replacement field from after its '{'; returns the offset after its '}'.</summary>
    private int SkipField(int p, ref List<(int, int)>? fields)
    {
        var nesting = 0;
        while (p < source.Length)
        {
            var c = source[p];
            if (c is '"' or '\'')
            {
                var prefixStart = p;
                while (prefixStart > 0 && char.IsAsciiLetter(source[prefixStart - 1]) && p - prefixStart < 2)
                {
                    prefixStart--;
                }

                var flags = PrefixFlags(source[prefixStart..p].ToLowerInvariant()) ?? PyStringFlags.None;
                List<(int, int)>? nested = null;
                var (end, _) = SkipString(p, flags, ref nested, out _);
                p = end;
                continue;
            }

            if (c is '(' or '[' or '{')
            {
                nesting++;
            }
            else if (c is ')' or ']')
            {
                nesting = Math.Max(0, nesting - 1);
            }
            else if (c == '}')
            {
                if (nesting == 0)
                {
                    return p + 1;
                }

                nesting--;
            }
            else if (c is '\r' or '\n')
            {
                p = LineBreak(p);
                continue;
            }

            p++;
        }

        return p;
    }

    /// <summary>Where a field's expression ends: before a top-level '!' conversion, ':' format spec or '=' self-documenting marker.</summary>
    private int FieldExpressionEnd(int start, int afterBrace)
    {
        var end = Math.Min(afterBrace - 1, source.Length);
        var nesting = 0;
        for (var p = start; p < end; p++)
        {
            var c = source[p];
            if (c is '(' or '[' or '{')
            {
                nesting++;
            }
            else if (c is ')' or ']' or '}')
            {
                nesting--;
            }
            else if (nesting == 0 && c is ':' or '!' && !(c == '!' && p + 1 < end && source[p + 1] == '='))
            {
                return p;
            }
        }

        return end;
    }

    private int LineBreak(int p)
    {
        p += source[p] == '\r' && p + 1 < source.Length && source[p + 1] == '\n' ? 2 : 1;
        line++;
        lineStart = p;
        return p;
    }

    private void ReadNumber()
    {
        var start = pos;
        if (source[pos] == '0' && pos + 1 < source.Length && source[pos + 1] is 'x' or 'X' or 'o' or 'O' or 'b' or 'B')
        {
            pos += 2;
            while (pos < source.Length && (char.IsAsciiHexDigit(source[pos]) || source[pos] == '_'))
            {
                pos++;
            }
        }
        else
        {
            Digits();
            if (pos < source.Length && source[pos] == '.')
            {
                pos++;
                Digits();
            }

            if (pos < source.Length && source[pos] is 'e' or 'E')
            {
                var save = pos;
                pos++;
                if (pos < source.Length && source[pos] is '+' or '-')
                {
                    pos++;
                }

                if (pos < source.Length && char.IsAsciiDigit(source[pos]))
                {
                    Digits();
                }
                else
                {
                    pos = save;
                }
            }

            if (pos < source.Length && source[pos] is 'j' or 'J')
            {
                pos++;
            }
        }

        Add(PyTokenKind.Number, start, pos - start, source[start..pos]);
    }

    private void Digits()
    {
        while (pos < source.Length && (char.IsAsciiDigit(source[pos]) || source[pos] == '_'))
        {
            pos++;
        }
    }

    private void ReadOperator()
    {
        var start = pos;
        var next = pos + 1 < source.Length ? source[pos + 1] : '\0';

        // Most operators are one character that no longer operator starts with: no string comparisons.
        if (source[pos] is '(' or ')' or '[' or ']' or '{' or '}' or ',' or ';' or '~' || (source[pos] is ':' && next != '=') || (source[pos] is '.' && next != '.') || (source[pos] is '=' && next != '='))
        {
            ReadSingleOperator(start);
            return;
        }

        foreach (var op in Operators3)
        {
            if (op.Length == 3 && string.CompareOrdinal(source, pos, op, 0, 3) == 0)
            {
                pos += 3;
                Add(PyTokenKind.Op, start, 3, op);
                return;
            }
        }

        foreach (var op in Operators2)
        {
            if (string.CompareOrdinal(source, pos, op, 0, 2) == 0)
            {
                pos += 2;
                Add(PyTokenKind.Op, start, 2, op);
                return;
            }
        }

        ReadSingleOperator(start);
    }

    private void ReadSingleOperator(int start)
    {
        var c = source[pos];
        pos++;
        if (Operators1.Contains(c, StringComparison.Ordinal))
        {
            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                depth = Math.Max(0, depth - 1);
            }

            Add(PyTokenKind.Op, start, 1, SingleOperators[c]);
            return;
        }

        Add(PyTokenKind.Error, start, 1, c.ToString());
    }

    private void Add(PyTokenKind kind, int start, int length, string text) =>
        tokens.Add(new PyToken(kind, start, length, line, start - lineStart + 1, line, text));

    private static bool IsIdentifierStart(char c) =>
        char.IsAsciiLetter(c) || c == '_' || (c >= 128 && (char.IsLetter(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.LetterNumber || char.IsSurrogate(c)));

    private static bool IsIdentifierPart(char c) =>
        char.IsAsciiLetterOrDigit(c) || c == '_' || (c >= 128 && (char.IsLetterOrDigit(c) || char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.LetterNumber or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.ConnectorPunctuation));
}
