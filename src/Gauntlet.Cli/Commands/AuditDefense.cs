using System.CommandLine;
using System.Globalization;
using Gauntlet.Audit;
using Gauntlet.Audit.Reporting;
using Gauntlet.Data;
using Gauntlet.Defenses.Adaptive;
using Gauntlet.Defenses.InputTransforms;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary>
/// <c>gauntlet audit --defense NAME</c>: audits the model behind an input defense and states the
/// protection gained against the undefended model under the same plan. The defended model's
/// white-box attacks get BPDA gradients with EOT (the adaptive attack; a plain one would overstate
/// the defense), and the audit's gradient-masking checks run on it as on any model.
/// </summary>
internal static class AuditDefense
{
    /// <summary>Draws per gradient for a randomised defense.</summary>
    public const int EotSamples = 8;

    public static Option<string?> Option()
    {
        var option = new Option<string?>("--defense")
        {
            Description = $"Audit the model behind an input defense ({string.Join(", ", InputDefenses.Names)}; see docs/defenses.md), attacked adaptively (BPDA, EOT×{EotSamples} for randomised ones), after auditing it undefended with the same plan; prints the protection gained. The report is the defended model's.",
        };
        option.AcceptOnlyFromAmong([.. InputDefenses.Names]);
        return option;
    }

    /// <summary>Audits the undefended subject with the same plan, writing nothing.</summary>
    public static AuditReport Baseline(IAnsiConsole console, AuditSubject subject, LabeledImages set, AuditPlan plan, IReadOnlyList<string> artifacts, Gauntlet.Privacy.Membership.MembershipData? membership)
    {
        console.MarkupLine("auditing the undefended model first (same plan, no files written)");
        return new SecurityAudit(subject, set, plan) { Artifacts = artifacts, Membership = membership }.Run();
    }

    /// <summary>The subject behind the defense, with BPDA/EOT gradients.</summary>
    public static AuditSubject Defended(AuditSubject subject, string name, int seed)
    {
        try
        {
            return subject with
            {
                Classifier = new DefendedClassifier(subject.Classifier, InputDefenses.Create(name), DefenseGradient.Bpda, EotSamples, seed),
                Format = $"{subject.Format} behind {name} (BPDA/EOT)",
            };
        }
        catch (ArgumentException ex)
        {
            throw new UserInputException($"--defense {name}: {ex.Message}");
        }
    }

    public static void PrintGain(IAnsiConsole console, string name, AuditReport undefended, AuditReport defended)
    {
        static string S(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
        var before = undefended.Scorecard.OverallScore;
        var after = defended.Scorecard.OverallScore;
        var gain = after - before;
        console.MarkupLine(Markup.Escape($"protection gained by {name}: overall score {S(before)} → {S(after)} ({(gain >= 0 ? "+" : "")}{S(gain)}); clean accuracy {undefended.CleanAccuracy.ToString("P1", CultureInfo.InvariantCulture)} → {defended.CleanAccuracy.ToString("P1", CultureInfo.InvariantCulture)}"));
        foreach (var category in defended.Scorecard.Categories)
        {
            var was = undefended.Scorecard.Categories.FirstOrDefault(c => c.Id == category.Id)?.Score;
            if (category.Score is { } now && was is { } then && Math.Abs(now - then) >= 0.05)
            {
                console.MarkupLine(Markup.Escape($"  {category.Name}: {S(then)} → {S(now)}"));
            }
        }
    }
}
