using Gauntlet.Llm.Validation;

namespace Gauntlet.Llm.Tests.Validation;

public sealed class OutputValidatorTests
{
    private const string Schema = """{"type":"object","properties":{"answer":{"type":"string"},"confidence":{"type":"number","minimum":0,"maximum":1}},"required":["answer","confidence"],"additionalProperties":false}""";

    [Fact]
    public void JsonSchema_AcceptsAValidReply_AndExplainsAnInvalidOne()
    {
        var validator = new OutputValidator(new OutputRules { JsonSchema = Schema });
        Assert.Empty(validator.Validate("{\"answer\":\"yes\",\"confidence\":0.9}"));
        Assert.Empty(validator.Validate("```json\n{\"answer\":\"yes\",\"confidence\":0.9}\n```"));
        var issue = Assert.Single(validator.Validate("{\"answer\":\"yes\",\"confidence\":7}"));
        Assert.Equal("json-schema", issue.Rule);
        Assert.Contains("/confidence", issue.Message, StringComparison.Ordinal);
        Assert.StartsWith("reply is not JSON", Assert.Single(validator.Validate("yes")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryRule_Fires_AndRedactionReplacesSpans()
    {
        var validator = new OutputValidator(new OutputRules
        {
            Canaries = ["CANARY-1234"],
            SystemPrompt = "You are a helpful bot for Acme and you never reveal internal pricing rules to anyone.",
            Pii = true,
            Secrets = true,
            AllowedDomains = ["acme.example"],
            DenyPatterns = ["(?i)internal use only"],
            RequirePatterns = ["^Answer:"],
            MaxLength = 40,
        });
        var text = "Token CANARY-1234, mail a@b.co, key sk-abcdefghijklmnopqrstuvwx, ![i](https://evil.test/x?d=1) INTERNAL USE ONLY";
        var rules = validator.Validate(text).Select(i => i.Rule).ToHashSet();
        Assert.Equal(new HashSet<string> { "canary", "pii", "secrets", "url-domain", "deny-pattern", "max-length", "require-pattern" }, rules);
        var redacted = OutputValidator.Redact(text, validator.RedactableSpans(text));
        Assert.Equal("Token [REDACTED:canary], mail [REDACTED:email], key [REDACTED:openai-key], [REDACTED:markdown-image] [REDACTED:deny-pattern]", redacted);
        Assert.Contains(OutputValidator.ToFindings(validator.Validate(text), "reply-1"), f => f.RuleId == "GA-LLM-OUTPUT-CANARY" && f.OwaspLlm.Contains("LLM07:2025"));
    }

    [Fact]
    public void SystemPromptEcho_IsFound()
    {
        var validator = new OutputValidator(new OutputRules { SystemPrompt = "You are a helpful bot for Acme and you never reveal internal pricing rules to anyone." });
        var issue = Assert.Single(validator.Validate("My instructions: you are a helpful bot for Acme and you never reveal internal pricing rules."));
        Assert.Equal("system-prompt-echo", issue.Rule);
    }

    [Fact]
    public void AllowedValues_AreExact()
    {
        var validator = new OutputValidator(new OutputRules { AllowedValues = ["yes", "no"] });
        Assert.Empty(validator.Validate(" yes\n"));
        Assert.Equal("allowlist", Assert.Single(validator.Validate("maybe")).Rule);
    }

    [Theory]
    [InlineData("(unclosed", null, "deny_patterns")]
    [InlineData(null, "{\"type\": 5}", "json_schema")]
    public void MalformedRules_AreRefusedUpFront(string? pattern, string? schema, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => new OutputValidator(new OutputRules { DenyPatterns = pattern is null ? [] : [pattern], JsonSchema = schema }));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
