using System.Text;

namespace Gauntlet.Scanner.Code.Python;

/// <summary>
/// A small parser over <see cref="PyTokenizer"/>'s tokens that yields what the code rules need:
/// import bindings (with aliases), call sites with resolved dotted callee names and classified
/// arguments, simple assignments (so a name bound to <c>yaml.SafeLoader</c> or to <c>False</c> is
/// followed into the calls that use it), dotted references and function definitions with their
/// parameters. Statements are split on logical lines and brackets are matched, so calls that span
/// lines, nested calls and calls after <c>if x:</c> on one line are all found. Name resolution is
/// flow-insensitive within a module, in source order: the binding seen last before a use wins.
/// </summary>
internal sealed class PyParser
{
    private static readonly HashSet<string> Keywords =
    [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else",
        "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
        "return", "try", "while", "with", "yield",
    ];

    // Conventional aliases, used only when the module never binds the name (a notebook cell or snippet without its imports).
    private static readonly Dictionary<string, string> Conventional = new(StringComparer.Ordinal)
    {
        ["np"] = "numpy", ["pd"] = "pandas", ["tf"] = "tensorflow",
    };

    private static readonly (string From, string To)[] Canonical =
    [
        ("cPickle", "pickle"), ("_pickle", "pickle"), ("pickle5", "pickle"), ("cloudpickle.cloudpickle", "cloudpickle"),
        ("tensorflow.keras", "keras"), ("tensorflow.python.keras", "keras"), ("tf_keras", "keras"),
        ("sklearn.externals.joblib", "joblib"), ("torch.serialization", "torch"), ("builtins", string.Empty), ("__builtins__", string.Empty),
        ("numpy.lib.npyio", "numpy"), ("pandas.io.pickle", "pandas"),
    ];

    private readonly IReadOnlyList<PyToken> tokens;
    private readonly PyModule module;
    private readonly Dictionary<string, string> aliases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PyValue> constants = new(StringComparer.Ordinal);
    private readonly List<(int BodyDepth, PyFunction Function)> scopes = [];
    private readonly List<string> decorators = [];

    private PyParser(List<PyToken> tokens)
    {
        this.tokens = tokens;
        module = new PyModule { Tokens = tokens };
    }

    /// <summary>Tokenizes and parses <paramref name="source"/>.</summary>
    public static PyModule Parse(string source)
    {
        var parser = new PyParser(PyTokenizer.Tokenize(source));
        parser.Run();
        return parser.module;
    }

    private PyFunction? Current => scopes.Count == 0 ? null : scopes[^1].Function;

    private void Run()
    {
        var depth = 0;
        var statement = new List<int>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            switch (token.Kind)
            {
                case PyTokenKind.Comment:
                    module.Comments[token.Line] = token.Text;
                    break;
                case PyTokenKind.Indent:
                    depth++;
                    break;
                case PyTokenKind.Dedent:
                    depth--;
                    break;
                case PyTokenKind.NonLogicalNewline:
                    break;
                case PyTokenKind.Error:
                    module.Errors.Add((token.Text, token.Line));
                    if (token.Length > 0)
                    {
                        statement.Add(i);
                    }

                    break;
                case PyTokenKind.Op when token.Text == ";":
                case PyTokenKind.Newline:
                case PyTokenKind.End:
                    if (statement.Count > 0)
                    {
                        while (scopes.Count > 0 && scopes[^1].BodyDepth > depth)
                        {
                            scopes.RemoveAt(scopes.Count - 1);
                        }

                        Statement(statement, depth);
                        statement.Clear();
                    }

                    break;
                default:
                    statement.Add(i);
                    break;
            }
        }
    }

    private PyToken T(List<int> s, int k) => tokens[s[k]];

    private void Statement(List<int> s, int depth)
    {
        var first = T(s, 0);
        var start = 0;
        if (first.IsName("async") && s.Count > 1)
        {
            start = 1;
            first = T(s, 1);
        }

        if (first.IsName("import"))
        {
            Import(s, start + 1);
            return;
        }

        if (first.IsName("from"))
        {
            FromImport(s, start + 1);
            return;
        }

        if (first.IsOp("@"))
        {
            var (name, _) = Dotted(s, start + 1);
            if (name is not null)
            {
                decorators.Add(Resolve(name));
            }

            Expressions(s, start + 1, s.Count);
            return;
        }

        if (first.IsName("def") && start + 1 < s.Count && T(s, start + 1).Kind == PyTokenKind.Name)
        {
            var name = T(s, start + 1).Text;
            var parameters = new List<string>();
            var open = start + 2;
            var close = open < s.Count && T(s, open).IsOp("(") ? Match(s, open) : open;
            if (close > open)
            {
                foreach (var (a, b) in Split(s, open + 1, close))
                {
                    var k = a;
                    while (k < b && T(s, k).Kind == PyTokenKind.Op && T(s, k).Text is "*" or "**" or "/")
                    {
                        k++;
                    }

                    if (k < b && T(s, k).Kind == PyTokenKind.Name && T(s, k).Text is not ("self" or "cls"))
                    {
                        parameters.Add(T(s, k).Text);
                    }
                }
            }

            var function = new PyFunction(name, parameters, [.. decorators], first.Line);
            decorators.Clear();
            module.Functions.Add(function);
            Bind(name, "<local>." + name);
            Expressions(s, start + 2, Math.Min(close + 1, s.Count)); // default values, in the enclosing scope
            scopes.Add((depth + 1, function));
            Expressions(s, Math.Min(close + 1, s.Count), s.Count);
            return;
        }

        if (first.IsName("class") && start + 1 < s.Count && T(s, start + 1).Kind == PyTokenKind.Name)
        {
            decorators.Clear();
            Bind(T(s, start + 1).Text, "<local>." + T(s, start + 1).Text);
            Expressions(s, start + 2, s.Count);
            return;
        }

        Assignment(s);
        Expressions(s, 0, s.Count);
    }

    private void Import(List<int> s, int k)
    {
        foreach (var (a, b) in Split(s, k, s.Count))
        {
            var (name, next) = Dotted(s, a);
            if (name is null)
            {
                continue;
            }

            if (next + 1 < b && T(s, next).IsName("as") && T(s, next + 1).Kind == PyTokenKind.Name)
            {
                AddImport(T(s, next + 1).Text, name, T(s, a).Line);
            }
            else
            {
                var top = name.Split('.')[0];
                AddImport(top, top, T(s, a).Line);
            }
        }
    }

    private void FromImport(List<int> s, int k)
    {
        var fromModule = new StringBuilder();
        while (k < s.Count && (T(s, k).IsOp(".") || T(s, k).IsOp("...")))
        {
            fromModule.Append(T(s, k).Text);
            k++;
        }

        var (name, next) = Dotted(s, k);
        fromModule.Append(name);
        if (next >= s.Count || !T(s, next).IsName("import"))
        {
            return;
        }

        var from = fromModule.ToString();
        var a0 = next + 1;
        var b0 = s.Count;
        if (a0 < s.Count && T(s, a0).IsOp("("))
        {
            b0 = Match(s, a0);
            a0++;
        }

        foreach (var (a, b) in Split(s, a0, b0))
        {
            if (a >= b || T(s, a).Kind != PyTokenKind.Name)
            {
                continue;
            }

            var imported = T(s, a).Text;
            var binding = a + 2 < b && T(s, a + 1).IsName("as") ? T(s, a + 2).Text : imported;
            AddImport(binding, from.EndsWith('.') ? from + imported : from + "." + imported, T(s, a).Line);
        }
    }

    private void AddImport(string binding, string target, int line)
    {
        var canonical = Canonicalise(target);
        module.Imports.Add(new PyImport(binding, canonical, line));
        Bind(binding, canonical);
    }

    private void Bind(string name, string target)
    {
        aliases[name] = target;
        constants.Remove(name);
    }

    private void Assignment(List<int> s)
    {
        var equals = -1;
        var lastEquals = -1;
        var nesting = 0;
        for (var k = 0; k < s.Count; k++)
        {
            var t = T(s, k);
            if (t.Kind != PyTokenKind.Op)
            {
                continue;
            }

            if (t.Text is "(" or "[" or "{")
            {
                nesting++;
            }
            else if (t.Text is ")" or "]" or "}")
            {
                nesting--;
            }
            else if (nesting == 0 && t.Text == "=")
            {
                lastEquals = k;
                if (equals < 0)
                {
                    equals = k;
                }
            }
        }

        if (equals <= 0)
        {
            return;
        }

        var (target, next) = Dotted(s, 0);
        if (target is null || (next != equals && !T(s, next).IsOp(":")))
        {
            return;
        }

        var value = Classify(s, lastEquals + 1, s.Count);
        module.Assignments.Add(new PyAssignment(target, value, T(s, 0).Line, T(s, 0).Column, Current));
        if (target.Contains('.', StringComparison.Ordinal))
        {
            return;
        }

        switch (value.Kind)
        {
            case PyValueKind.Reference:
                aliases[target] = value.Name!;
                constants.Remove(target);
                break;
            case PyValueKind.Literal or PyValueKind.LiteralSequence:
                constants[target] = value;
                aliases.Remove(target);
                break;
            default:
                constants.Remove(target);
                aliases[target] = "<local>." + target;
                break;
        }
    }

    /// <summary>Finds the calls and dotted references in statement tokens [<paramref name="from"/>, <paramref name="to"/>).</summary>
    private void Expressions(List<int> s, int from, int to)
    {
        for (var k = from; k < to; k++)
        {
            var t = T(s, k);
            if (t.Kind != PyTokenKind.Name || Keywords.Contains(t.Text) || (k > 0 && T(s, k - 1).IsOp(".")))
            {
                continue;
            }

            var (name, next) = Dotted(s, k);
            if (name is null)
            {
                continue;
            }

            if (next < to && T(s, next).IsOp("("))
            {
                var close = Match(s, next);
                Call(s, name, k, next, close);
            }
            else if (name.Contains('.', StringComparison.Ordinal) && !(next < to && T(s, next).IsOp("=") && k > 0 && (T(s, k - 1).IsOp("(") || T(s, k - 1).IsOp(","))))
            {
                // Dotted names only (ssl.CERT_NONE): a plain name is a variable, which no rule needs as a reference.
                module.References.Add(new PyReference(Resolve(name), t.Line, t.Column));
            }

            k = next - 1;
        }

        // Methods called on computed objects: x().load(...), "a".join(...), obj[0].run(...).
        for (var k = Math.Max(from, 2); k < to; k++)
        {
            if (T(s, k).IsOp("(") && T(s, k - 1).Kind == PyTokenKind.Name && T(s, k - 2).IsOp(".") && k >= 3 && T(s, k - 3) is { } before
                && (before.Kind is PyTokenKind.String || before.IsOp(")") || before.IsOp("]")))
            {
                Call(s, "?." + T(s, k - 1).Text, k - 1, k, Match(s, k));
            }
        }
    }

    private void Call(List<int> s, string name, int nameAt, int open, int close)
    {
        var arguments = new List<PyArgument>();
        foreach (var (a, b) in Split(s, open + 1, close))
        {
            if (a >= b)
            {
                continue;
            }

            if (T(s, a).Kind == PyTokenKind.Op && T(s, a).Text is "*" or "**")
            {
                arguments.Add(new PyArgument(null, Classify(s, a + 1, b), Unpacked: true));
            }
            else if (a + 1 < b && T(s, a).Kind == PyTokenKind.Name && T(s, a + 1).IsOp("="))
            {
                arguments.Add(new PyArgument(T(s, a).Text, Classify(s, a + 2, b), Unpacked: false));
            }
            else
            {
                arguments.Add(new PyArgument(null, Classify(s, a, b), Unpacked: false));
            }
        }

        var t = T(s, nameAt);
        var resolved = name.StartsWith("?.", StringComparison.Ordinal) ? name : Resolve(name);
        module.Calls.Add(new PyCall(name, resolved, arguments, t.Line, t.Column, close < s.Count ? T(s, close).Line : T(s, s.Count - 1).EndLine, Current));
    }

    /// <summary>Classifies the value in statement tokens [<paramref name="a"/>, <paramref name="b"/>).</summary>
    private PyValue Classify(List<int> s, int a, int b)
    {
        var first = a < s.Count ? s[a] : tokens.Count - 1;
        var end = b > a && b - 1 < s.Count ? s[b - 1] + 1 : first;
        if (a >= b)
        {
            return new PyValue(PyValueKind.Computed, null, false, null, first, end);
        }

        while (b - a >= 2 && T(s, a).IsOp("(") && Match(s, a) == b - 1)
        {
            a++;
            b--;
        }

        var allStrings = true;
        var interpolated = false;
        for (var k = a; k < b; k++)
        {
            allStrings &= T(s, k).Kind == PyTokenKind.String;
            interpolated |= T(s, k).Flags.HasFlag(PyStringFlags.Interpolated);
        }

        if (allStrings)
        {
            return interpolated
                ? new PyValue(PyValueKind.Interpolated, null, true, null, first, end)
                : new PyValue(PyValueKind.Literal, string.Concat(Enumerable.Range(a, b - a).Select(k => StringValue(T(s, k)))), true, null, first, end);
        }

        if (b - a == 1 && T(s, a).Kind == PyTokenKind.Number)
        {
            return new PyValue(PyValueKind.Literal, T(s, a).Text, false, null, first, end);
        }

        if (b - a == 2 && T(s, a).IsOp("-") && T(s, a + 1).Kind == PyTokenKind.Number)
        {
            return new PyValue(PyValueKind.Literal, "-" + T(s, a + 1).Text, false, null, first, end);
        }

        if (b - a == 1 && T(s, a).Kind == PyTokenKind.Name && T(s, a).Text is "True" or "False" or "None")
        {
            return new PyValue(PyValueKind.Literal, T(s, a).Text, false, null, first, end);
        }

        var (name, next) = Dotted(s, a);
        if (name is not null && next == b && !Keywords.Contains(T(s, a).Text))
        {
            if (!name.Contains('.', StringComparison.Ordinal) && constants.TryGetValue(name, out var constant))
            {
                return constant with { First = first, End = end };
            }

            return new PyValue(PyValueKind.Reference, null, false, Resolve(name), first, end);
        }

        if (T(s, a).Kind == PyTokenKind.Op && T(s, a).Text is "[" or "(" && Match(s, a) == b - 1)
        {
            var items = Split(s, a + 1, b - 1).Where(r => r.Item1 < r.Item2).Select(r => Classify(s, r.Item1, r.Item2)).ToList();
            return items.All(v => v.IsConstant)
                ? new PyValue(PyValueKind.LiteralSequence, null, false, null, first, end)
                : new PyValue(PyValueKind.Computed, null, false, null, first, end);
        }

        // A string built from data: "..." + x, "..." % x, "...".format(x), " ".join(x), or a name bound to a string with + or %.
        var nesting = 0;
        var hasString = false;
        var hasJoin = false;
        for (var k = a; k < b; k++)
        {
            var t = T(s, k);
            if (t.Kind == PyTokenKind.Op && t.Text is "(" or "[" or "{")
            {
                nesting++;
            }
            else if (t.Kind == PyTokenKind.Op && t.Text is ")" or "]" or "}")
            {
                nesting--;
            }
            else if (nesting == 0 && t.Kind == PyTokenKind.String)
            {
                hasString = true;
                if (k + 2 < b && T(s, k + 1).IsOp(".") && T(s, k + 2).Kind == PyTokenKind.Name && T(s, k + 2).Text is "format" or "join" or "replace" or "format_map")
                {
                    hasJoin = true;
                }
            }
            else if (nesting == 0 && t.Kind == PyTokenKind.Name && constants.TryGetValue(t.Text, out var c) && c.IsString)
            {
                hasString = true;
            }
        }

        var hasOperator = Enumerable.Range(a, b - a).Any(k => T(s, k).Kind == PyTokenKind.Op && T(s, k).Text is "+" or "%");
        return (hasString && hasOperator) || hasJoin || interpolated
            ? new PyValue(PyValueKind.Interpolated, null, true, null, first, end)
            : new PyValue(PyValueKind.Computed, null, false, null, first, end);
    }

    /// <summary>The value of a string literal token: prefix and quotes removed, common escapes decoded unless raw.</summary>
    internal static string StringValue(PyToken token)
    {
        var text = token.Text;
        var p = 0;
        while (p < text.Length && text[p] is not ('"' or '\''))
        {
            p++;
        }

        var quoteLength = token.Flags.HasFlag(PyStringFlags.Triple) ? 3 : 1;
        if (text.Length - p < 2 * quoteLength)
        {
            return string.Empty;
        }

        var body = text.Substring(p + quoteLength, text.Length - p - (2 * quoteLength));
        if (token.Flags.HasFlag(PyStringFlags.Raw) || !body.Contains('\\', StringComparison.Ordinal))
        {
            return body;
        }

        var result = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] != '\\' || i + 1 >= body.Length)
            {
                result.Append(body[i]);
                continue;
            }

            var e = body[++i];
            result.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => e });
            if (e is not ('n' or 't' or 'r' or '0' or '\\' or '\'' or '"'))
            {
                result.Insert(result.Length - 1, '\\');
            }
        }

        return result.ToString();
    }

    /// <summary>Reads a dotted name Name(.Name)* at statement position <paramref name="k"/>; null when none.</summary>
    private (string? Name, int Next) Dotted(List<int> s, int k)
    {
        if (k >= s.Count || T(s, k).Kind != PyTokenKind.Name)
        {
            return (null, k);
        }

        if (!(k + 2 < s.Count && T(s, k + 1).IsOp(".") && T(s, k + 2).Kind == PyTokenKind.Name))
        {
            return (T(s, k).Text, k + 1); // the common case, a plain name: no builder
        }

        var name = new StringBuilder(T(s, k).Text);
        k++;
        while (k + 1 < s.Count && T(s, k).IsOp(".") && T(s, k + 1).Kind == PyTokenKind.Name)
        {
            name.Append('.').Append(T(s, k + 1).Text);
            k += 2;
        }

        return (name.ToString(), k);
    }

    /// <summary>The index of the bracket closing the one at <paramref name="open"/>, or the statement's end.</summary>
    private int Match(List<int> s, int open)
    {
        var nesting = 0;
        for (var k = open; k < s.Count; k++)
        {
            var t = T(s, k);
            if (t.Kind != PyTokenKind.Op)
            {
                continue;
            }

            if (t.Text is "(" or "[" or "{")
            {
                nesting++;
            }
            else if (t.Text is ")" or "]" or "}" && --nesting == 0)
            {
                return k;
            }
        }

        return s.Count;
    }

    /// <summary>Splits [<paramref name="a"/>, <paramref name="b"/>) on top-level commas.</summary>
    private List<(int, int)> Split(List<int> s, int a, int b)
    {
        var parts = new List<(int, int)>();
        var nesting = 0;
        var start = a;
        b = Math.Min(b, s.Count);
        for (var k = a; k < b; k++)
        {
            var t = T(s, k);
            if (t.Kind != PyTokenKind.Op)
            {
                continue;
            }

            if (t.Text is "(" or "[" or "{")
            {
                nesting++;
            }
            else if (t.Text is ")" or "]" or "}")
            {
                nesting--;
            }
            else if (t.Text == "," && nesting == 0)
            {
                parts.Add((start, k));
                start = k + 1;
            }
        }

        if (start < b)
        {
            parts.Add((start, b));
        }

        return parts;
    }

    /// <summary>Resolves a dotted name through the module's bindings to its canonical dotted name.</summary>
    private string Resolve(string dotted)
    {
        var dot = dotted.IndexOf('.', StringComparison.Ordinal);
        var head = dot < 0 ? dotted : dotted[..dot];
        var rest = dot < 0 ? string.Empty : dotted[dot..];
        if (aliases.TryGetValue(head, out var target))
        {
            return Canonicalise(target + rest);
        }

        return Conventional.TryGetValue(head, out var conventional) ? Canonicalise(conventional + rest) : Canonicalise(dotted);
    }

    private static string Canonicalise(string name)
    {
        foreach (var (from, to) in Canonical)
        {
            if (name == from)
            {
                return to.Length == 0 ? name : to;
            }

            if (name.StartsWith(from, StringComparison.Ordinal) && name.Length > from.Length && name[from.Length] == '.')
            {
                return to.Length == 0 ? name[(from.Length + 1)..] : to + name[from.Length..];
            }
        }

        return name;
    }
}
