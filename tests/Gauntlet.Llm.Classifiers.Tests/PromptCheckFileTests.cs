namespace Gauntlet.Llm.Classifiers.Tests;

public sealed class PromptCheckFileTests
{
    [Fact]
    public void Parse_ReadsTextsInOrder_AndAllowsAFinalNewline()
    {
        var texts = PromptCheckFile.Parse("{\"text\": \"a\"}\n{\"text\": \"b\", \"id\": 2}\r\n{\"text\": \"\"}\n", "in.jsonl");
        Assert.Equal(["a", "b", ""], texts);
    }

    [Theory]
    [InlineData("{\"text\": \"a\"}\n\n{\"text\": \"b\"}", "in.jsonl line 2: empty line")]
    [InlineData("{\"text\": \"a\"}\n{\"text\": 5}", "in.jsonl line 2: expected a JSON object with a string \"text\"")]
    [InlineData("[1, 2]", "in.jsonl line 1: expected a JSON object")]
    [InlineData("{\"text\": \"a\"}\n{\"text\": \"b\"}\n{oops", "in.jsonl line 3: not valid JSON")]
    public void Parse_NamesTheBadLine(string content, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => PromptCheckFile.Parse(content, "in.jsonl"));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Document_HasTheSchema()
    {
        var doc = PromptCheckFile.Document([new PromptCheckResult(true, 0.97, ["known override phrase (instruction override)"]), new PromptCheckResult(false, 0.02, [])]);
        Assert.Equal(1, doc["schema_version"]);
        var results = Assert.IsType<List<Dictionary<string, object>>>(doc["results"]);
        Assert.Equal(2, results.Count);
        Assert.Equal(true, results[0]["injection"]);
        Assert.Equal(0.02, results[1]["score"]);
    }
}
