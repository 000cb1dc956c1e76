using Gauntlet.Scanner.Code.Python;

namespace Gauntlet.Scanner.Tests.Code.Python;

public sealed class PyTokenizerTests
{
    private static List<(PyTokenKind Kind, string Text)> Kinds(string source) =>
        [.. PyTokenizer.Tokenize(source).Select(t => (t.Kind, t.Text))];

    [Fact]
    public void IndentationProducesIndentAndDedentPairs()
    {
        var tokens = PyTokenizer.Tokenize("def f(x):\n    if x:\n        return 1\n    return 2\ny = 3\n");
        Assert.Equal(2, tokens.Count(t => t.Kind == PyTokenKind.Indent));
        Assert.Equal(2, tokens.Count(t => t.Kind == PyTokenKind.Dedent));
        Assert.Equal(5, tokens.Count(t => t.Kind == PyTokenKind.Newline));
        Assert.Equal(PyTokenKind.End, tokens[^1].Kind);
    }

    [Fact]
    public void BracketsAndBackslashJoinLines()
    {
        var tokens = PyTokenizer.Tokenize("x = f(1,\n      2)\ny = 1 + \\\n    2\n");
        Assert.Equal(2, tokens.Count(t => t.Kind == PyTokenKind.Newline));
        Assert.DoesNotContain(tokens, t => t.Kind == PyTokenKind.Indent);
        var two = tokens.Last(t => t.Kind == PyTokenKind.Number);
        Assert.Equal(4, two.Line);
    }

    [Theory]
    [InlineData("'a'", (int)(PyStringFlags.None))]
    [InlineData("b'a'", (int)(PyStringFlags.Bytes))]
    [InlineData("Rb'a'", (int)(PyStringFlags.Raw | PyStringFlags.Bytes))]
    [InlineData("BR\"a\"", (int)(PyStringFlags.Raw | PyStringFlags.Bytes))]
    [InlineData("u'a'", (int)(PyStringFlags.None))]
    [InlineData("f'a'", (int)(PyStringFlags.Formatted))]
    [InlineData("rf'{x}'", (int)(PyStringFlags.Raw | PyStringFlags.Formatted | PyStringFlags.Interpolated))]
    [InlineData("'''a\nb'''", (int)(PyStringFlags.Triple))]
    [InlineData("f\"\"\"{x}\n\"\"\"", (int)(PyStringFlags.Formatted | PyStringFlags.Triple | PyStringFlags.Interpolated))]
    public void StringPrefixesAndQuotes(string literal, int flags)
    {
        var tokens = PyTokenizer.Tokenize("s = " + literal + "\n");
        var token = Assert.Single(tokens, t => t.Kind == PyTokenKind.String);
        Assert.Equal(literal, token.Text);
        Assert.Equal((PyStringFlags)flags, token.Flags);
    }

    [Fact]
    public void FStringFieldsMayNestQuotesAndEscapedBracesAreText()
    {
        var source = "s = f\"{d[\"k\"]!r:>10} {{literal}} {g(f'{y}')}\"\n";
        var token = Assert.Single(PyTokenizer.Tokenize(source), t => t.Kind == PyTokenKind.String);
        Assert.Equal(source[4..^1], token.Text);
        Assert.Equal(["d[\"k\"]", "g(f'{y}')"], token.Fields!.Select(f => source.Substring(f.Start, f.Length)));
    }

    [Fact]
    public void StringContentsAndCommentsAreNotCode()
    {
        var kinds = Kinds("x = 'eval(a)'  # exec(b)\n");
        Assert.DoesNotContain(kinds, k => k.Kind == PyTokenKind.Name && k.Text is "eval" or "exec");
        Assert.Contains((PyTokenKind.Comment, "# exec(b)"), kinds);
    }

    [Theory]
    [InlineData("0x_ff", "0x_ff")]
    [InlineData("1_000.5e-3j", "1_000.5e-3j")]
    [InlineData(".5", ".5")]
    [InlineData("0o17", "0o17")]
    [InlineData("0b1010", "0b1010")]
    [InlineData("1e10", "1e10")]
    public void NumberForms(string literal, string expected)
    {
        Assert.Contains((PyTokenKind.Number, expected), Kinds("n = " + literal + "\n"));
    }

    [Fact]
    public void UnicodeIdentifiersAreNfkcNormalised()
    {
        // PEP 3131: the fullwidth "ｅval" is the identifier eval.
        var kinds = Kinds("ｅval(x)\nπ = 3\n");
        Assert.Contains((PyTokenKind.Name, "eval"), kinds);
        Assert.Contains((PyTokenKind.Name, "π"), kinds);
    }

    [Fact]
    public void UnterminatedStringIsAnErrorTokenAndTokenizingGoesOn()
    {
        var tokens = PyTokenizer.Tokenize("a = 'oops\nb = eval(c)\n");
        Assert.Contains(tokens, t => t.Kind == PyTokenKind.Error && t.Line == 1);
        Assert.Contains(tokens, t => t.IsName("eval") && t.Line == 2);
    }

    [Fact]
    public void OperatorsAreLongestMatch()
    {
        var ops = Kinds("a **= b // c != d -> e := f ...\n").Where(k => k.Kind == PyTokenKind.Op).Select(k => k.Text);
        Assert.Equal(["**=", "//", "!=", "->", ":=", "..."], ops);
    }

    [Fact]
    public void CrLfAndTabsAreHandled()
    {
        var tokens = PyTokenizer.Tokenize("if x:\r\n\tcall()\r\n");
        Assert.Single(tokens, t => t.Kind == PyTokenKind.Indent);
        Assert.Equal(2, tokens.Single(t => t.IsName("call")).Line);
    }
}
