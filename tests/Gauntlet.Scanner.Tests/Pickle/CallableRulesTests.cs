using Gauntlet.Scanner.Pickle;

namespace Gauntlet.Scanner.Tests;

public sealed class CallableRulesTests
{
    [Theory]
    [InlineData("torch.storage", "_load_from_bytes", Severity.Critical)]
    [InlineData("torch", "compile", Severity.Critical)]
    [InlineData("_interpreters", "run_string", Severity.Critical)]
    [InlineData("_interpreters", "exec", Severity.Critical)]
    [InlineData("pydoc", "pipepager", Severity.Critical)]
    [InlineData("pydoc", "locate", Severity.Critical)]
    [InlineData("venv", "create", Severity.Critical)]
    [InlineData("venv", "EnvBuilder", Severity.Critical)]
    [InlineData("code", "InteractiveInterpreter", Severity.Critical)]
    [InlineData("code", "interact", Severity.Critical)]
    [InlineData("runpy", "run_path", Severity.Critical)]
    [InlineData("runpy", "_run_module_code", Severity.Critical)]
    [InlineData("importlib", "import_module", Severity.Critical)]
    [InlineData("importlib.machinery", "SourceFileLoader", Severity.Critical)]
    [InlineData("torch._inductor.codecache", "PyCodeCache", Severity.Critical)]
    [InlineData("torch.hub", "load_state_dict_from_url", Severity.Critical)]
    [InlineData("torch.serialization", "load", Severity.Critical)]
    [InlineData("torch.jit", "load", Severity.High)]
    [InlineData("multiprocessing", "Process", Severity.High)]
    public void CodeLoadingCallables_AreHighOrCritical(string module, string name, Severity expected)
    {
        var verdict = CallableClassifier.Classify(module, name);

        Assert.Equal(expected, verdict.Severity);
        Assert.Equal("pickle.dangerous-callable", verdict.RuleId);
        Assert.True(verdict.Severity >= Severity.High);
    }

    [Theory]
    [InlineData("__future__", "annotations")]
    [InlineData("__future__", "division")]
    [InlineData("collections.abc", "Mapping")]
    [InlineData("_collections_abc", "Iterable")]
    [InlineData("builtins", "len")]
    [InlineData("__builtin__", "len")]
    [InlineData("builtins", "sorted")]
    [InlineData("builtins", "ValueError")]
    public void HarmlessNames_AreNotFindings(string module, string name)
    {
        var verdict = CallableClassifier.Classify(module, name);

        Assert.True(verdict.IsHarmless);
        Assert.Equal(Severity.Info, verdict.Severity);
    }

    [Fact]
    public void AttributeWalk_FromAHarmlessModule_IsStillDynamic()
    {
        Assert.Equal("pickle.dynamic-callable", CallableClassifier.Classify("collections.abc", "Mapping.__subclasses__").RuleId);
    }

    [Fact]
    public void HarmlessImport_LeavesNoFinding_WhileAllowedOnesAreListed()
    {
        var harmless = ModelScanner.ScanFile(Path.Combine(Fixtures.CorpusRoot, "benign/callables/builtins_len.pkl"), "len.pkl");
        Assert.Empty(harmless.Findings);

        var allowed = ModelScanner.ScanBytes(Latin1("\u0080\u0002ccollections\nOrderedDict\n)R."), "od.pkl");
        var finding = Assert.Single(allowed.Findings);
        Assert.Equal("pickle.allowed-callable", finding.RuleId);
    }

    [Fact]
    public void EveryRow_HasAReason_AndNoSafeRowLiesUnderADangerousModule()
    {
        var rules = CallableRules.Table;
        Assert.True(rules.Rows.Count > 250);
        Assert.All(rules.Rows, r => Assert.True(r.Reason.Length >= 8, r.Pattern));
        foreach (var row in rules.Rows.Where(r => r.Verdict != CallableRuleVerdict.Dangerous))
        {
            var module = row.IsModule ? row.Pattern[..^2] : row.Pattern[..row.Pattern.LastIndexOf('.')];
            Assert.True(rules.DangerousModule(module) is null, $"{row.Pattern} is {row.Verdict} under a dangerous module");
        }
    }

    [Theory]
    [InlineData("os.system\tcritical", "line 1: want 'pattern<TAB>verdict<TAB>reason'")]
    [InlineData("os.system\tfatal\truns commands", "line 1: unknown verdict 'fatal'")]
    [InlineData("os.system\tcritical\truns\nos.system\thigh\truns", "'os.system' appears twice")]
    public void MalformedTable_IsRefused(string text, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => CallableRules.Parse(text));
        Assert.EndsWith(message, error.Message, StringComparison.Ordinal);
    }

    private static byte[] Latin1(string text) => System.Text.Encoding.Latin1.GetBytes(text);
}
