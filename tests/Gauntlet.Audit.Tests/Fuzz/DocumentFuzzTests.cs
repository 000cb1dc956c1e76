using System.Text;
using Gauntlet.Audit.Reporting;
using Gauntlet.Data.Tests.Fuzz;
using Xunit.Abstractions;

namespace Gauntlet.Audit.Tests.Fuzz;

/// <summary>The plan reader and the report reader on random and mutated documents: only <see cref="InvalidDataException"/> may escape.</summary>
public sealed class DocumentFuzzTests(ITestOutputHelper output)
{
    private const string Plan = """
        samples: 50
        seed: 7
        threats:
          - name: small-linf
            norm: linf
            epsilons: [0.02, 0.04]
            attacks: [fgsm, pgd]
        thresholds:
          min_score: 40
          min_robust_accuracy:
            - { threat: small-linf, epsilon: 0.04, value: 0.5 }
        """;

    [Fact]
    public void PlanYaml_RandomAndMutatedText_OnlyInvalidData()
    {
        Assert.Equal(50, AuditPlanReader.Parse(Plan, "valid.yaml").Samples);
        var cases = ReaderFuzz.Run(output, "plan yaml", Encoding.UTF8.GetBytes(Plan), b => AuditPlanReader.Parse(Encoding.UTF8.GetString(b), "fuzz.yaml"), typeof(InvalidDataException));
        Assert.Equal(ReaderFuzz.Cases, cases);
    }

    [Fact]
    public void ReportJson_RandomAndMutatedText_OnlyInvalidData()
    {
        var report = ReportJson.Serialize(DemoAudit.Report);
        Assert.NotNull(ReportJson.Deserialize(report, "valid.json"));
        var cases = ReaderFuzz.Run(output, "report json", Encoding.UTF8.GetBytes(report), b => ReportJson.Deserialize(Encoding.UTF8.GetString(b), "fuzz.json"), typeof(InvalidDataException));
        Assert.Equal(ReaderFuzz.Cases, cases);
    }
}
