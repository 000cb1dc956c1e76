namespace Gauntlet.Scanner.Code.Python;

/// <summary>How an argument or assigned value is known statically.</summary>
internal enum PyValueKind
{
    /// <summary>A string, bytes, number, <c>True</c>, <c>False</c> or <c>None</c> literal (implicitly concatenated strings included).</summary>
    Literal,

    /// <summary>A list or tuple whose items are all literals.</summary>
    LiteralSequence,

    /// <summary>A (dotted) name that is not bound to a literal: its resolved dotted name is in <see cref="PyValue.Name"/>.</summary>
    Reference,

    /// <summary>A string built from data: an f-string with fields, <c>+</c> or <c>%</c> on a string, or <c>str.format</c>.</summary>
    Interpolated,

    /// <summary>Anything else: a call result, an expression, a subscript.</summary>
    Computed,
}

/// <summary>A value as the parser understood it.</summary>
/// <param name="Kind">How it is known.</param>
/// <param name="Literal">For literals: the value (strings without quotes; <c>True</c>, <c>False</c>, <c>None</c> and numbers as written).</param>
/// <param name="IsString">For literals: whether it is a string or bytes literal.</param>
/// <param name="Name">For references: the resolved dotted name.</param>
/// <param name="First">Index of the value's first token.</param>
/// <param name="End">Index after the value's last token.</param>
internal sealed record PyValue(PyValueKind Kind, string? Literal, bool IsString, string? Name, int First, int End)
{
    /// <summary>Whether this is the literal <c>True</c>.</summary>
    public bool IsTrue => Kind == PyValueKind.Literal && !IsString && Literal == "True";

    /// <summary>Whether this is the literal <c>False</c>.</summary>
    public bool IsFalse => Kind == PyValueKind.Literal && !IsString && Literal == "False";

    /// <summary>Whether the value is a literal or a sequence of literals (no data flows into it).</summary>
    public bool IsConstant => Kind is PyValueKind.Literal or PyValueKind.LiteralSequence;
}

/// <summary>An argument of a call: positional (<see cref="Keyword"/> null), keyword, or <c>*</c>/<c>**</c> unpacking.</summary>
/// <param name="Keyword">The keyword, or null.</param>
/// <param name="Value">The value.</param>
/// <param name="Unpacked">True for <c>*args</c> and <c>**kwargs</c>.</param>
internal sealed record PyArgument(string? Keyword, PyValue Value, bool Unpacked);

/// <summary>A call site.</summary>
/// <param name="Callee">The callee as written (dotted), <c>?.name</c> when called on a computed object.</param>
/// <param name="Resolved">The callee with import aliases and assignments resolved (<c>pk.loads</c> → <c>pickle.loads</c>).</param>
/// <param name="Arguments">The arguments in order.</param>
/// <param name="Line">1-based line of the callee.</param>
/// <param name="Column">1-based column of the callee.</param>
/// <param name="EndLine">Line of the closing parenthesis.</param>
/// <param name="Function">The innermost enclosing function, or null at module level.</param>
internal sealed record PyCall(string Callee, string Resolved, IReadOnlyList<PyArgument> Arguments, int Line, int Column, int EndLine, PyFunction? Function)
{
    /// <summary>The keyword argument <paramref name="name"/>, or null.</summary>
    public PyArgument? Keyword(string name) => Arguments.FirstOrDefault(a => a.Keyword == name);

    /// <summary>The positional argument at <paramref name="index"/>, else the keyword <paramref name="name"/>, or null.</summary>
    public PyArgument? Argument(int index, string? name = null)
    {
        var positional = Arguments.Where(a => a.Keyword is null && !a.Unpacked).ToList();
        return index < positional.Count ? positional[index] : name is null ? null : Keyword(name);
    }
}

/// <summary>An import binding: <c>import a.b as c</c> binds <c>c</c> to <c>a.b</c>; <c>from a import b</c> binds <c>b</c> to <c>a.b</c>.</summary>
/// <param name="Binding">The local name.</param>
/// <param name="Target">The dotted name it stands for.</param>
/// <param name="Line">1-based line.</param>
internal sealed record PyImport(string Binding, string Target, int Line);

/// <summary>A simple assignment <c>target = value</c> (a name or attribute target, or an annotated one).</summary>
/// <param name="Target">The target as written (dotted).</param>
/// <param name="Value">The value.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Function">The enclosing function, or null.</param>
internal sealed record PyAssignment(string Target, PyValue Value, int Line, int Column, PyFunction? Function);

/// <summary>A dotted name used in an expression (not called), resolved: <c>ssl.CERT_NONE</c>.</summary>
/// <param name="Resolved">The resolved dotted name.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
internal sealed record PyReference(string Resolved, int Line, int Column);

/// <summary>A function definition: its name, parameters (without <c>self</c>/<c>cls</c>) and decorators.</summary>
/// <param name="Name">The function name.</param>
/// <param name="Parameters">Parameter names.</param>
/// <param name="Decorators">Resolved dotted names of the decorators (calls included by their callee).</param>
/// <param name="Line">1-based line of <c>def</c>.</param>
internal sealed record PyFunction(string Name, IReadOnlyList<string> Parameters, IReadOnlyList<string> Decorators, int Line);

/// <summary>What <see cref="PyParser"/> learned from a module.</summary>
internal sealed class PyModule
{
    /// <summary>The tokens.</summary>
    public required IReadOnlyList<PyToken> Tokens { get; init; }

    /// <summary>The import bindings, in order.</summary>
    public List<PyImport> Imports { get; } = [];

    /// <summary>The call sites, in source order.</summary>
    public List<PyCall> Calls { get; } = [];

    /// <summary>The simple assignments, in order.</summary>
    public List<PyAssignment> Assignments { get; } = [];

    /// <summary>Dotted names used as values.</summary>
    public List<PyReference> References { get; } = [];

    /// <summary>The function definitions.</summary>
    public List<PyFunction> Functions { get; } = [];

    /// <summary>Comments by line.</summary>
    public Dictionary<int, string> Comments { get; } = [];

    /// <summary>Tokenizer errors (message, line), for the report.</summary>
    public List<(string Message, int Line)> Errors { get; } = [];

    /// <summary>For each call, argument and reference, the names used inside a token range (f-string fields included).</summary>
    public IEnumerable<string> NamesIn(int first, int end)
    {
        for (var i = first; i < end && i < Tokens.Count; i++)
        {
            var token = Tokens[i];
            if (token.Kind == PyTokenKind.Name)
            {
                yield return token.Text;
            }
        }
    }
}
