using System.Globalization;
using Gauntlet.Reporting;

namespace Gauntlet.Poisoning.Reporting;

/// <summary>
/// The human-readable form of <see cref="RedTeamAudit"/> as a <see cref="ReportDocument"/>, rendered
/// by Gauntlet.Reporting's HTML and Markdown writers like the audit's reports: the verdict first,
/// then findings, Neural Cleanse's table with the recovered trigger, STRIP and the training-data
/// detectors.
/// </summary>
public static class RedTeamReport
{
    /// <summary>Builds the document; <paramref name="maskPng"/> and <paramref name="patternPng"/> are the recovered trigger's images, when there is one.</summary>
    public static ReportDocument Build(RedTeamAudit audit, byte[]? maskPng, byte[]? patternPng)
    {
        ArgumentNullException.ThrowIfNull(audit);
        var sections = new List<Section>
        {
            new()
            {
                Heading = "Findings",
                Id = "findings",
                Blocks = [new FindingList
                {
                    EmptyText = "No findings: no class needs an anomalously small trigger.",
                    Findings = [.. audit.Findings.Select(f => new ReportFinding
                    {
                        Severity = f.Severity,
                        Id = f.Id,
                        Title = f.Title,
                        Description = Inline.WithCodeSpans(f.Description),
                        Evidence = [.. f.Evidence.Select(e => new LabeledText(e.Key, F(e.Value)))],
                        Facts = [new LabeledText("Affected classes", string.Join(", ", f.AffectedClasses))],
                        Remediation = Inline.WithCodeSpans(f.Remediation),
                        References = [new ReferenceIds("OWASP ML", f.OwaspMl), new ReferenceIds("MITRE ATLAS", f.MitreAtlas)],
                    })],
                }],
            },
            NeuralCleanse(audit, maskPng, patternPng),
            Strip(audit),
            Training(audit),
        };
        return new ReportDocument
        {
            Title = "Gauntlet backdoor audit",
            Subtitle = [Inline.Code(audit.Model), $" · clean data {audit.CleanData}", audit.TrainData is null ? "" : $" · training data {audit.TrainData}", $" · seed {audit.Seed}"],
            Lead = [new Verdict
            {
                Score = null,
                Grade = null,
                Status = VerdictStatus.Complete,
                Summary = [Inline.Strong(audit.Verdict.Replace('_', ' ')), audit.SuspectedTargets.Count > 0 ? $": suspected target class(es) {string.Join(", ", audit.SuspectedTargets)}" : "", string.Create(CultureInfo.InvariantCulture, $" (anomaly index {audit.NeuralCleanse.AnomalyIndex:0.00}; a class is flagged above {audit.NeuralCleanse.Threshold:0})")],
            }],
            Sections = sections,
            Footer = [new Paragraph(string.Create(CultureInfo.InvariantCulture, $"gauntlet {audit.ToolVersion} · {audit.Seconds:0.0} s")) { Muted = true }],
        };
    }

    private static Section NeuralCleanse(RedTeamAudit audit, byte[]? maskPng, byte[]? patternPng)
    {
        var nc = audit.NeuralCleanse;
        var blocks = new List<Block>
        {
            new Paragraph(string.Create(CultureInfo.InvariantCulture, $"Per class, the smallest mask that sends clean images to it. Median L1 {nc.Median:0.00}, MAD (×1.4826) {nc.Mad:0.00}; a class below the median with anomaly index above {nc.Threshold:0} is flagged.")),
            new DataTable
            {
                Caption = "Reverse-engineered triggers per class",
                Columns = [new("class"), new("L1 norm", ColumnAlign.Right), new("anomaly index", ColumnAlign.Right), new("attack success", ColumnAlign.Right), new("bounding box"), new("flagged")],
                Rows = [.. nc.Classes.Select(c => (IReadOnlyList<TableCell>)[
                    c.Class.ToString(CultureInfo.InvariantCulture),
                    F(c.L1Norm),
                    F(c.AnomalyIndex),
                    c.AttackSuccessRate.ToString("P1", CultureInfo.InvariantCulture),
                    c.BoundingBox is { } b ? string.Create(CultureInfo.InvariantCulture, $"rows {b.Top}–{b.Bottom}, cols {b.Left}–{b.Right}") : "—",
                    new TableCell(c.Flagged ? "yes" : "no") { Tone = c.Flagged ? CellTone.Fail : CellTone.Pass }])],
            },
        };
        if (audit.RecoveredTrigger is { } t && maskPng is not null && patternPng is not null)
        {
            blocks.Add(new ImageStrips
            {
                Figures = [new ImageFigure
                {
                    Images =
                    [
                        new Thumbnail { PngBase64 = Convert.ToBase64String(maskPng), Alt = $"recovered mask for class {t.Target}", Label = "mask", FilePath = t.MaskPng },
                        new Thumbnail { PngBase64 = Convert.ToBase64String(patternPng), Alt = $"recovered pattern for class {t.Target}", Label = "pattern", FilePath = t.PatternPng },
                    ],
                    Caption = [string.Create(CultureInfo.InvariantCulture, $"Recovered trigger for class {t.Target}: L1 {t.L1Norm:0.0}, {t.Region ?? "no"} region, attack success {t.AttackSuccessRate:P1}")],
                }],
            });
        }

        return new Section { Heading = "Neural Cleanse", Id = "neural-cleanse", Blocks = blocks };
    }

    private static Section Strip(RedTeamAudit audit)
    {
        var s = audit.Strip;
        return new Section
        {
            Heading = "STRIP",
            Id = "strip",
            Blocks =
            [
                new KeyValueTable
                {
                    Caption = "STRIP at the calibrated boundary",
                    Rows =
                    [
                        new("overlays per input", s.Overlays.ToString(CultureInfo.InvariantCulture)),
                        new("target FRR", s.TargetFrr.ToString("P1", CultureInfo.InvariantCulture)),
                        new("entropy boundary (bits)", F(s.Boundary)),
                        new("FRR on held-out clean images", $"{s.Frr.ToString("P1", CultureInfo.InvariantCulture)} of {s.HeldOutCount}"),
                        new("FAR on triggered images", s.Far is { } far ? $"{far.ToString("P1", CultureInfo.InvariantCulture)} of {s.TriggeredCount} ({audit.StripTrigger} trigger)" : "not measured (no trigger known or recovered)"),
                        new("mean entropy clean / triggered", $"{F(s.CleanEntropyMean)} / {(s.TriggeredEntropyMean is { } m ? F(m) : "—")}"),
                    ],
                },
            ],
        };
    }

    private static Section Training(RedTeamAudit audit)
    {
        if (audit.ActivationClustering is null || audit.SpectralSignatures is null)
        {
            return new Section { Heading = "Training data", Id = "training", Blocks = [new Paragraph($"Not run: {audit.TrainingDetectorsSkipped}.") { Muted = true }] };
        }

        var spectral = audit.SpectralSignatures.ToDictionary(c => c.Label);
        return new Section
        {
            Heading = "Training data",
            Id = "training",
            Blocks =
            [
                new Paragraph(string.Create(CultureInfo.InvariantCulture, $"Activation clustering (PCA to 10, 2-means) and spectral signatures (ε {audit.SpectralEpsilon:0.###}, removing 1.5·ε·n per class) on penultimate activations. {audit.SuspectTrainingSampleCount} suspect samples in all.")),
                new DataTable
                {
                    Caption = "Training-data detectors per class",
                    Columns = [new("class"), new("samples", ColumnAlign.Right), new("small cluster", ColumnAlign.Right), new("relative size", ColumnAlign.Right), new("silhouette", ColumnAlign.Right), new("AC flagged"), new("spectral removed", ColumnAlign.Right)],
                    Rows = [.. audit.ActivationClustering.Select(c => (IReadOnlyList<TableCell>)[
                        c.Label.ToString(CultureInfo.InvariantCulture),
                        c.Count.ToString(CultureInfo.InvariantCulture),
                        c.SmallClusterSize.ToString(CultureInfo.InvariantCulture),
                        F(c.RelativeSize),
                        F(c.Silhouette),
                        new TableCell(c.Flagged ? "yes" : "no") { Tone = c.Flagged ? CellTone.Fail : CellTone.Pass },
                        spectral.TryGetValue(c.Label, out var sc) ? sc.Removed.ToString(CultureInfo.InvariantCulture) : "—"])],
                },
            ],
        };
    }

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
