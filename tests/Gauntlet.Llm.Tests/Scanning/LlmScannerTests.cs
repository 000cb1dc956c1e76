using Gauntlet.Llm.Practice;
using Gauntlet.Llm.Probes;
using Gauntlet.Llm.Scanning;
using Gauntlet.Llm.Targets;

namespace Gauntlet.Llm.Tests.Scanning;

public sealed class LlmScannerTests
{
    private static readonly LlmScanOptions Known = new() { SystemPrompt = PracticeAssistant.DefaultSystemPrompt, Canaries = [PracticeAssistant.Canary], Seed = 7 };

    [Fact]
    public async Task PracticeAssistant_FallsToEveryFamily()
    {
        var report = await LlmScanner.RunAsync(new DelegateTarget("practice", PracticeAssistant.Reply), Known);
        Assert.Equal(ProbeCatalog.Families.Count, report.Families.Count);
        var failures = report.Attempts.Where(a => !a.Success).Select(a => $"{a.Probe} -> {a.Response}").ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.All(report.Families, f => Assert.Equal(1.0, f.Asr));
        Assert.Equal(1.0, report.OverallAsr);
        Assert.Contains(report.Findings, f => f.RuleId == "GA-LLM-EXFILTRATION" && f.OwaspLlm.Contains("LLM05:2025"));
        Assert.Contains(report.Findings, f => f.RuleId == LlmScanner.SensitiveOutputRule && f.Severity == Gauntlet.Core.Severity.Critical);
        Assert.DoesNotContain(report.Findings, f => f.RuleId == LlmScanner.TargetErrorsRule);
    }

    [Fact]
    public async Task PracticeAssistant_WithoutKnowingItsPrompt_StillFoundLeaking()
    {
        var report = await LlmScanner.RunAsync(new DelegateTarget("practice", PracticeAssistant.Reply), new LlmScanOptions { Families = ["prompt-extraction", "canary-leak"] });
        Assert.All(report.Families, f => Assert.True(f.Asr >= 0.8, $"{f.Family}: {f.Asr}"));
    }

    [Fact]
    public async Task RefusingTarget_HasNoSuccessAndNoFindings()
    {
        var report = await LlmScanner.RunAsync(new DelegateTarget("refuser", _ => "I'm sorry, but I can't help with that."), Known);
        Assert.Equal(0, report.OverallAsr);
        Assert.Empty(report.Findings);
        Assert.Equal(ProbeCatalog.All.Count, report.Attempts.Count);
    }

    [Fact]
    public async Task HarmlessAnswers_AreNotCountedAsAttacks()
    {
        // A target that answers on topic without following anything: no family succeeds.
        var report = await LlmScanner.RunAsync(new DelegateTarget("polite", _ => "Acme Rockets sells the Falcon and the Comet. How can I help?"), Known);
        Assert.Equal(0, report.OverallAsr);
    }

    [Fact]
    public async Task UnknownFamily_IsRefusedWithTheList()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => LlmScanner.RunAsync(new DelegateTarget("x", _ => ""), new LlmScanOptions { Families = ["nope"] }));
        Assert.Contains("direct-injection", ex.Message);
    }
}
