using Gauntlet.Llm.Guard.Proxy;

namespace Gauntlet.Llm.Guard.Tests.Proxy;

public sealed class GuardPolicyTests
{
    [Fact]
    public void ExamplePolicy_Loads()
    {
        var policy = GuardPolicy.Load(GuardFixture.PolicyPath);
        Assert.Equal(GuardAction.Block, policy.InputAction);
        Assert.Equal(GuardAction.Redact, policy.OutputAction);
        Assert.Equal(256, policy.StreamWindow);
        Assert.StartsWith("You are HelpBot", policy.Output.SystemPrompt, StringComparison.Ordinal);
        Assert.Equal(["GAUNTLET-CANARY-7Q2X9"], policy.Output.Canaries);
    }

    [Theory]
    [InlineData("input:\n  action: [block\n", "line")]
    [InlineData("input:\n  action: explode\n", "input.action must be block, flag or off, not 'explode'")]
    [InlineData("output:\n  action: shred\n", "output.action must be block, redact, flag or off")]
    [InlineData("output:\n  deny_patterns: ['([a-z']\n", "deny_patterns: '([a-z' is not a valid regular expression")]
    [InlineData("output:\n  json_schema: '{\"type\": 12}'\n", "json_schema is not a valid JSON Schema")]
    [InlineData("input:\n  threshold: 7\n", "input.threshold must be between 0 and 1")]
    [InlineData("inptu:\n  action: block\n", "line 1")]
    [InlineData("stream:\n  mode: trickle\n", "stream.mode must be window or buffer")]
    public void MalformedPolicy_IsOneLineNamingTheProblem(string yaml, string expected)
    {
        var ex = Assert.Throws<GuardPolicyException>(() => GuardPolicy.Parse(yaml, "p.yaml"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("policy p.yaml", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void MissingPolicyFile_IsAPolicyError()
    {
        var ex = Assert.Throws<GuardPolicyException>(() => GuardPolicy.Load("/nonexistent/policy.yaml"));
        Assert.Contains("cannot read it", ex.Message, StringComparison.Ordinal);
    }
}
