using System.Text.Json;
using System.Text.Json.Nodes;
using Gauntlet.Defenses.Adaptive;
using Gauntlet.Defenses.Reporting;
using Gauntlet.Defenses.Training;
using Gauntlet.TestSupport;

namespace Gauntlet.Defenses.Tests.Reporting;

public sealed class DefenseReportTests
{
    private static List<string> Validate(string json)
    {
        using var document = JsonDocument.Parse(json);
        return new JsonSchemaValidator(Path.Combine(RepoPaths.Root, "docs")).Validate("defense_report.schema.json", document.RootElement);
    }

    // Figures of the shape the evaluation produces: a masked quantiser, a training defense, the detector.
    private static DefenseReport Sample()
    {
        var report = new DefenseReport
        {
            ToolVersion = "0.1.0",
            Model = new ArtifactReference("model.onnx", new string('a', 64)),
            Data = new DataReference("demo", 100),
            Seed = 7,
            Evaluation = new EvaluationSettings("linf", [0.1f], ["pgd", "apgd-ce"], 20, 8),
            InputDefenses =
            [
                new InputDefenseEvaluation("jpeg", "quality 75", false, false, 1, 0.86, 0.84, 3.2, [new ThreatResult("linf", 0.1f, 0.02, 0.71, 0.05, 0.05)], ["pgd", "apgd-ce"], 4.5),
            ],
            TrainingDefenses =
            [
                new TrainingDefenseResult("pgd-at", new ArtifactReference("robust.gntp", new string('b', 64)), 640, new Dictionary<string, object?> { ["method"] = "pgd-at", ["epsilon"] = 0.1 }, 0.86, 0.76, 1.0, [new TrainingThreatResult("linf", 0.1f, 0.02, 0.62)]),
            ],
            Detector = new DetectorResult("bit-depth (4 bits), median (2×2 window)", 0.05, 0.3, 0.04, 0.8, 0.9, "pgd-linf", 0.1f, 50, 40),
        };
        return report with { Findings = DefenseFindings.For(report) };
    }

    [Fact]
    public void Report_ValidatesAgainstTheDocumentedSchema()
    {
        Assert.Empty(Validate(DefenseReportJson.Serialize(Sample())));
        Assert.Empty(Validate(DefenseReportJson.Serialize(Sample() with { InputDefenses = [], TrainingDefenses = [], Detector = null, Findings = [] })));
    }

    [Fact]
    public void Schema_RejectsUnknownKeysBadFractionsAndMissingFields()
    {
        var json = JsonNode.Parse(DefenseReportJson.Serialize(Sample()))!;
        json["surprise"] = 1;
        json["input_defenses"]![0]!["threats"]![0]!["plain"] = 1.5;
        json["findings"]![0]!.AsObject().Remove("severity");

        var errors = Validate(json.ToJsonString());

        Assert.Contains(errors, e => e.StartsWith("$.surprise", StringComparison.Ordinal) || e.Contains("surprise", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("plain", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("severity", StringComparison.Ordinal));
    }

    [Fact]
    public void Findings_FlagMaskingFirst_AndStateTheWorseFigure()
    {
        var findings = Sample().Findings;
        Assert.Equal("defense.gradient-masking", findings[0].Id);
        Assert.Equal("high", findings[0].Severity);
        Assert.Contains("adaptive (BPDA) 5.0 %", findings[0].Detail);
        Assert.Contains(findings, f => f is { Id: "defense.no-protection", Defense: "jpeg" });
        Assert.Contains(findings, f => f is { Id: "defense.protection", Defense: "pgd-at" });
        Assert.Contains(findings, f => f is { Id: "defense.clean-cost", Defense: "pgd-at" });
    }

    [Fact]
    public void Documents_FollowTheAuditsForm()
    {
        var markdown = DefenseReportDocument.Markdown(Sample());
        var headings = markdown.Split('\n').Where(l => l.StartsWith("## ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["## Challenge", "## Approach", "## Result", "## Key findings"], headings);
        Assert.Contains("71.0 %", markdown);
        var html = DefenseReportDocument.Html(Sample());
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }
}
