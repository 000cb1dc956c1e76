namespace Gauntlet.Scanner.Code.Python;

/// <summary>The kinds of token <see cref="PyTokenizer"/> produces, after CPython's <c>tokenize</c> module.</summary>
internal enum PyTokenKind : byte
{
    /// <summary>An identifier or keyword (NFKC-normalised, as PEP 3131 requires).</summary>
    Name,

    /// <summary>A numeric literal.</summary>
    Number,

    /// <summary>A string or bytes literal with its prefix and quotes.</summary>
    String,

    /// <summary>An operator or delimiter.</summary>
    Op,

    /// <summary>A comment, from <c>#</c> to the end of the line.</summary>
    Comment,

    /// <summary>The end of a logical line.</summary>
    Newline,

    /// <summary>A line break that does not end a logical line (blank line, comment line, inside brackets).</summary>
    NonLogicalNewline,

    /// <summary>The indentation grew.</summary>
    Indent,

    /// <summary>The indentation shrank.</summary>
    Dedent,

    /// <summary>Text the tokenizer could not read (an unterminated string, a stray character, inconsistent dedent).</summary>
    Error,

    /// <summary>The end of the source.</summary>
    End,
}

/// <summary>Flags of a string token.</summary>
[Flags]
internal enum PyStringFlags : byte
{
    /// <summary>A plain string.</summary>
    None = 0,

    /// <summary>A raw string (<c>r</c> prefix).</summary>
    Raw = 1,

    /// <summary>A bytes literal (<c>b</c> prefix).</summary>
    Bytes = 2,

    /// <summary>A formatted string (<c>f</c> or <c>t</c> prefix).</summary>
    Formatted = 4,

    /// <summary>Triple-quoted.</summary>
    Triple = 8,

    /// <summary>A formatted string with at least one replacement field.</summary>
    Interpolated = 16,
}

/// <summary>One token: its kind, where it lies in the source, and its text.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Start">Offset of its first character in the source.</param>
/// <param name="Length">Its length in characters.</param>
/// <param name="Line">1-based line of its first character.</param>
/// <param name="Column">1-based column of its first character.</param>
/// <param name="EndLine">1-based line of its last character.</param>
/// <param name="Text">Its text (identifiers NFKC-normalised).</param>
/// <param name="Flags">For strings, the prefix and quote flags.</param>
/// <param name="Fields">For interpolated f-strings, the source ranges (start, length) of the replacement-field expressions.</param>
internal sealed record PyToken(PyTokenKind Kind, int Start, int Length, int Line, int Column, int EndLine, string Text, PyStringFlags Flags = PyStringFlags.None, IReadOnlyList<(int Start, int Length)>? Fields = null)
{
    /// <summary>Whether this is the operator <paramref name="op"/>.</summary>
    public bool IsOp(string op) => Kind == PyTokenKind.Op && Text == op;

    /// <summary>Whether this is the name or keyword <paramref name="name"/>.</summary>
    public bool IsName(string name) => Kind == PyTokenKind.Name && Text == name;
}
