using System.Globalization;
using Gauntlet.Audit.Reporting;
using Gauntlet.Core;
using Gauntlet.Scanner;

namespace Gauntlet.Audit.Assessments;

/// <summary>
/// Supply chain: scans the model file and every <c>--artifacts</c> file or folder with the artifact
/// scanner (statically; nothing is loaded) and scores the worst finding. Each scanner rule that
/// fired at low severity or above becomes one finding per file. The category bounds the overall
/// score instead of averaging into it: a clean scan shows the absence of known-bad patterns, not
/// a strength to reward, while a file that runs code when loaded must not hide behind good evasion
/// numbers. So its weight is 0 and its score is a cap on the overall score.
/// </summary>
public sealed class SupplyChainAssessment : IAssessment
{
    /// <summary>The module's id in plans and reports.</summary>
    public const string ModuleId = "supply_chain";

    /// <summary>Weight of the supply-chain category in the overall mean: none, it caps the score instead.</summary>
    public const double Weight = 0;

    /// <summary>OWASP ML Top 10 (2023): AI supply chain attacks.</summary>
    public const string OwaspSupplyChain = "ML06:2023";

    /// <summary>MITRE ATLAS: ML Supply Chain Compromise — Model.</summary>
    public const string AtlasSupplyChainModel = "AML.T0010.003";

    /// <summary>MITRE ATLAS: User Execution — Unsafe ML Artifacts.</summary>
    public const string AtlasUnsafeArtifacts = "AML.T0011.000";

    private static readonly ScoreCategory Category = new(ModuleId, "Supply chain (model files)", Weight);

    /// <inheritdoc/>
    public string Id => ModuleId;

    /// <inheritdoc/>
    public string Name => "Supply chain (artifact scan)";

    /// <inheritdoc/>
    public IReadOnlyList<ScoreCategory> Categories { get; } = [Category];

    /// <summary>The category score of a file's worst finding: none or info 100, low 90, medium 60, high 25, critical 0.</summary>
    public static double ScoreOf(Severity? worst) => worst switch
    {
        null or Severity.Info => 100,
        Severity.Low => 90,
        Severity.Medium => 60,
        Severity.High => 25,
        _ => 0,
    };

    /// <inheritdoc/>
    public Applicability AppliesTo(AuditContext context) =>
        ModelFile(context.Subject) is null && context.Subject.ModelBytes is null && context.Artifacts.Count == 0
            ? Applicability.No("the model is known only in memory and no --artifacts were given: there is no file to scan")
            : Applicability.Yes;

    /// <inheritdoc/>
    public double EstimateWork(AuditContext context) => 1 + context.Artifacts.Count;

    /// <inheritdoc/>
    public AssessmentResult Run(AuditContext context)
    {
        var scanned = new List<ArtifactReport>();
        if (ModelFile(context.Subject) is { } file)
        {
            scanned.Add(ModelScanner.ScanFile(file, file));
        }
        else if (context.Subject.ModelBytes is { } bytes)
        {
            // Format detection weighs the extension, so an extension-less name ("demo") gets the subject's format.
            var name = Path.HasExtension(context.Subject.Path) || context.Subject.Format != "onnx" ? context.Subject.Path : context.Subject.Path + ".onnx";
            scanned.Add(ModelScanner.ScanBytes(bytes, name));
        }

        context.Advance("supply chain: model file", 1);
        foreach (var path in context.Artifacts)
        {
            if (context.ShouldStop())
            {
                break;
            }

            var report = ModelScanner.Scan(path);
            // Folder scans report paths relative to the folder; prefix them so findings point at real files.
            scanned.AddRange(report.Artifacts.Select(a => Directory.Exists(path)
                ? new ArtifactReport(a.Path, Path.Combine(path, a.RelativePath), a.Format, a.SizeBytes, a.Sha256, a.Analysed, a.Error, a.Findings)
                : a));
            context.Advance($"supply chain: {path}", 1);
        }

        var worst = scanned.Select(a => a.MaxSeverity).Max();
        var score = scanned.Count == 0 ? 100 : scanned.Min(a => ScoreOf(a.MaxSeverity));
        var basis = string.Create(CultureInfo.InvariantCulture,
            $"{scanned.Count} file(s) scanned; worst finding: {(worst is { } w ? w.ToName() : "none")}; score = the lowest per-file score (none/info 100, low 90, medium 60, high 25, critical 0); it caps the overall score.");
        return new AssessmentResult
        {
            Categories = [new CategoryScore { Id = Category.Id, Name = Category.Name, Status = "assessed", Score = score, Weight = Category.Weight, Basis = basis }],
            Findings = [.. scanned.SelectMany(ToFindings)],
            Artifacts = [.. scanned.Select(a => new ScannedArtifact
            {
                Path = a.RelativePath,
                Format = a.Format.ToString(),
                Sha256 = a.Sha256,
                MaxSeverity = a.MaxSeverity?.ToName(),
                Findings = a.Findings.Count,
            })],
            Cap = score < 100
                ? new ScoreCap(score, string.Create(CultureInfo.InvariantCulture, $"the supply-chain score is {score:0.#}: {(worst == Severity.Critical ? "a scanned file runs code when it is loaded" : $"the worst scanned file has a {worst?.ToName()} finding")}"))
                : null,
        };
    }

    // The model's own file when it exists on disk.
    private static string? ModelFile(AuditSubject subject) => File.Exists(subject.Path) ? subject.Path : null;

    private static IEnumerable<AuditFinding> ToFindings(ArtifactReport artifact) =>
        artifact.Findings
            .Where(f => f.Severity >= Severity.Low)
            .GroupBy(f => f.RuleId)
            .Select(group =>
            {
                var rule = ScanRules.Get(group.Key);
                var severity = group.Max(f => f.Severity);
                var first = group.First(f => f.Severity == severity);
                var locations = group.Select(f => f.Location).Distinct().Take(5).ToList();
                return new AuditFinding
                {
                    Id = "GA-SUPPLY-" + group.Key.ToUpperInvariant().Replace('.', '-'),
                    Title = $"{rule.Title} in {artifact.RelativePath}",
                    Severity = severity,
                    Category = ModuleId,
                    Threat = null,
                    Description = string.Create(CultureInfo.InvariantCulture,
                        $"{rule.Description} {first.Message} ({group.Count()} occurrence(s); at {string.Join(", ", locations)}{(group.Count() > locations.Count ? ", …" : "")})."),
                    Evidence = new Dictionary<string, double> { ["occurrences"] = group.Count() },
                    AffectedClasses = [],
                    Remediation = severity >= Severity.High
                        ? "Do not load this file. Obtain the model from a trusted source in a format that cannot run code (safetensors, ONNX without custom domains), verify its hash, and scan again with `gauntlet scan`."
                        : "Review the finding with `gauntlet scan` and prefer formats that carry no code (safetensors, ONNX).",
                    OwaspMl = [OwaspSupplyChain],
                    MitreAtlas = severity >= Severity.High ? [AtlasSupplyChainModel, AtlasUnsafeArtifacts] : [AtlasSupplyChainModel],
                };
            });
}
