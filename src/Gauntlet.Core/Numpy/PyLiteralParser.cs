using System.Globalization;
using System.Text;

namespace Gauntlet.Core.Numpy;

/// <summary>A Python tuple literal (kept distinct from a list).</summary>
internal sealed record PyTuple(List<object?> Items);

/// <summary>
/// A parser for the subset of Python literals a <c>.npy</c> header uses: dicts, tuples, lists,
/// quoted strings, integers (with the Python 2 <c>L</c> suffix), <c>True</c>, <c>False</c> and
/// <c>None</c>, with trailing commas and whitespace. Throws <see cref="FormatException"/> with the
/// offset on anything else.
/// </summary>
internal sealed class PyLiteralParser(string text)
{
    private const int MaxDepth = 32;
    private int _pos;

    public object? ParseTopLevel()
    {
        var value = ParseValue(0);
        SkipSpace();
        if (_pos != text.Length)
        {
            throw new FormatException($"unexpected '{text[_pos]}' at offset {_pos} after the literal.");
        }

        return value;
    }

    private object? ParseValue(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"literal nested deeper than {MaxDepth} levels.");
        }

        SkipSpace();
        if (_pos >= text.Length)
        {
            throw new FormatException("unexpected end of the header.");
        }

        var c = text[_pos];
        switch (c)
        {
            case '{':
                return ParseDict(depth);
            case '(':
                var (items, sawComma) = ParseSequence(')', depth);
                if (items.Count == 1 && !sawComma)
                {
                    return items[0]; // a parenthesised value, not a tuple
                }

                return new PyTuple(items);
            case '[':
                return ParseSequence(']', depth).Items;
            case '\'':
            case '"':
                return ParseString();
            default:
                if (c == '-' || char.IsAsciiDigit(c))
                {
                    return ParseInteger();
                }

                var start = _pos;
                while (_pos < text.Length && char.IsAsciiLetter(text[_pos]))
                {
                    _pos++;
                }

                return text[start.._pos] switch
                {
                    "True" => true,
                    "False" => false,
                    "None" => null,
                    var word when word.Length > 0 => throw new FormatException($"unknown name '{word}' at offset {start}."),
                    _ => throw new FormatException($"unexpected '{c}' at offset {start}."),
                };
        }
    }

    private Dictionary<string, object?> ParseDict(int depth)
    {
        _pos++; // '{'
        var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (true)
        {
            SkipSpace();
            if (Peek() == '}')
            {
                _pos++;
                return dict;
            }

            var keyAt = _pos;
            if (ParseValue(depth + 1) is not string key)
            {
                throw new FormatException($"dict key at offset {keyAt} is not a string.");
            }

            SkipSpace();
            Expect(':');
            if (!dict.TryAdd(key, ParseValue(depth + 1)))
            {
                throw new FormatException($"duplicate dict key '{key}'.");
            }

            SkipSpace();
            if (Peek() == ',')
            {
                _pos++;
            }
            else if (Peek() != '}')
            {
                throw new FormatException($"expected ',' or '}}' at offset {_pos}.");
            }
        }
    }

    private (List<object?> Items, bool SawComma) ParseSequence(char close, int depth)
    {
        _pos++; // opener
        var items = new List<object?>();
        var sawComma = false;
        while (true)
        {
            SkipSpace();
            if (Peek() == close)
            {
                _pos++;
                return (items, sawComma);
            }

            items.Add(ParseValue(depth + 1));
            SkipSpace();
            if (Peek() == ',')
            {
                _pos++;
                sawComma = true;
            }
            else if (Peek() != close)
            {
                throw new FormatException($"expected ',' or '{close}' at offset {_pos}.");
            }
        }
    }

    private string ParseString()
    {
        var quote = text[_pos++];
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= text.Length)
            {
                throw new FormatException("unterminated string.");
            }

            var c = text[_pos++];
            if (c == quote)
            {
                return sb.ToString();
            }

            if (c == '\\')
            {
                if (_pos >= text.Length)
                {
                    throw new FormatException("unterminated string escape.");
                }

                var e = text[_pos++];
                sb.Append(e switch
                {
                    'n' => '\n',
                    't' => '\t',
                    '\\' or '\'' or '"' => e,
                    _ => throw new FormatException($"unsupported string escape '\\{e}' at offset {_pos - 2}."),
                });
            }
            else
            {
                sb.Append(c);
            }
        }
    }

    private long ParseInteger()
    {
        var start = _pos;
        if (text[_pos] == '-')
        {
            _pos++;
        }

        while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
        {
            _pos++;
        }

        var digits = text[start.._pos];
        if (_pos < text.Length && text[_pos] is 'L' or 'l')
        {
            _pos++; // Python 2 long suffix, as in files written by numpy under Python 2
        }

        if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException($"integer '{digits}' at offset {start} is not a valid 64-bit integer.");
        }

        return value;
    }

    private void SkipSpace()
    {
        while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
        {
            _pos++;
        }
    }

    private char Peek()
    {
        if (_pos >= text.Length)
        {
            throw new FormatException("unexpected end of the header.");
        }

        return text[_pos];
    }

    private void Expect(char c)
    {
        if (Peek() != c)
        {
            throw new FormatException($"expected '{c}' at offset {_pos}, found '{text[_pos]}'.");
        }

        _pos++;
    }
}
