namespace Gauntlet.Reporting.Tests.Model;

public sealed class InlineTests
{
    [Fact]
    public void WithCodeSpans_SplitsBacktickPairs_AndLeavesAnUnpairedBacktickAsText()
    {
        Assert.Equal(
            [Inline.Text("run "), Inline.Code("gauntlet scan"), Inline.Text(" then "), Inline.Code("x"), Inline.Text(" and ` alone")],
            Inline.WithCodeSpans("run `gauntlet scan` then `x` and ` alone"));
        Assert.Equal([Inline.Code("a")], Inline.WithCodeSpans("`a`"));
        Assert.Empty(Inline.WithCodeSpans(string.Empty));
    }

    [Fact]
    public void Strings_ConvertToPlainText()
    {
        Inline run = "x";

        Assert.Equal(new Inline(InlineKind.Text, "x"), run);
        Assert.Equal(InlineKind.Break, Inline.Break.Kind);
    }
}
