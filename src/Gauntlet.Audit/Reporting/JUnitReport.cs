using System.Text;
using System.Xml;
using System.Xml.Linq;
using Gauntlet.Core.Text;

namespace Gauntlet.Audit.Reporting;

/// <summary>
/// Renders <c>junit.xml</c>: the audit as JUnit test results, for CI test tabs.
/// </summary>
/// <remarks>
/// One <c>&lt;testsuite&gt;</c> per threat with a test case per (budget, attack), named e.g.
/// <c>linf ε=0.03 pgd-linf</c> with class name <c>gauntlet.audit.linf</c> and the attack's wall time.
/// A case fails (type <c>robustness</c>) when the plan sets a minimum robust accuracy for that threat
/// and budget and the measured value is below it: the point's white-box robust accuracy for
/// white-box attacks, the attack's <c>robust_after</c> otherwise. Then a <c>gates</c> suite (one case
/// per CI gate, failing when not passed) and a <c>checks</c> suite (one case per evaluation check,
/// failing when not passed). Every suite carries the seed and hashes as properties. The output
/// depends on the report alone.
/// </remarks>
public static class JUnitReport
{
    /// <summary>The file name inside an output folder.</summary>
    public const string FileName = "junit.xml";

    private sealed record Case(string Name, string ClassName, double Seconds, string? FailureType, string? FailureMessage, string? Detail);

    /// <summary>Renders <paramref name="report"/> as JUnit XML.</summary>
    /// <param name="report">The audit report.</param>
    /// <returns>The XML document, UTF-8 declared, indented.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is null.</exception>
    public static string Render(AuditReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var suites = new List<(string Name, List<Case> Cases)>();
        foreach (var threat in report.Threats)
        {
            suites.Add((threat.Name, ThreatCases(report, threat)));
        }

        suites.Add(("gates", report.Gates.Select(g => new Case(
            "gate " + g.Name,
            "gauntlet.audit.gates",
            0,
            g.Passed ? null : "gate",
            g.Passed ? null : $"{g.Name}: {ReportText.Number(g.Actual, 4)} is below the threshold {ReportText.Number(g.Threshold, 4)}",
            null)).ToList()));
        suites.Add(("checks", report.Checks.Select(c => new Case(
            "check " + c.Id + (c.Threat is null ? string.Empty : " (" + c.Threat + ")"),
            "gauntlet.audit.checks",
            0,
            c.Passed ? null : "check",
            c.Passed ? null : c.Name + ": " + c.Detail,
            c.Detail)).ToList()));

        var root = new XElement("testsuites",
            new XAttribute("name", XmlSafeText.Clean("gauntlet audit " + report.Model.Path)),
            new XAttribute("tests", suites.Sum(s => s.Cases.Count)),
            new XAttribute("failures", suites.Sum(s => s.Cases.Count(c => c.FailureType is not null))),
            new XAttribute("errors", 0),
            new XAttribute("time", Seconds(suites.Sum(s => s.Cases.Sum(c => c.Seconds)))));

        var id = 0;
        foreach (var (name, cases) in suites)
        {
            var suite = new XElement("testsuite",
                new XAttribute("name", XmlSafeText.Clean(name)),
                new XAttribute("id", id++),
                new XAttribute("tests", cases.Count),
                new XAttribute("failures", cases.Count(c => c.FailureType is not null)),
                new XAttribute("errors", 0),
                new XAttribute("skipped", 0),
                new XAttribute("time", Seconds(cases.Sum(c => c.Seconds))),
                new XAttribute("timestamp", XmlSafeText.Clean(report.Reproducibility.StartedAt)),
                Properties(report));
            foreach (var c in cases)
            {
                var element = new XElement("testcase", new XAttribute("name", XmlSafeText.Clean(c.Name)), new XAttribute("classname", XmlSafeText.Clean(c.ClassName)), new XAttribute("time", Seconds(c.Seconds)));
                if (c.FailureType is not null)
                {
                    element.Add(new XElement("failure", new XAttribute("message", XmlSafeText.Clean(c.FailureMessage!)), new XAttribute("type", c.FailureType), XmlSafeText.Clean(c.FailureMessage!)));
                }
                else if (c.Detail is not null)
                {
                    element.Add(new XElement("system-out", XmlSafeText.Clean(c.Detail)));
                }

                suite.Add(element);
            }

            root.Add(suite);
        }

        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), NewLineChars = "\n" };
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, settings))
        {
            new XDocument(new XDeclaration("1.0", "UTF-8", null), root).Save(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static List<Case> ThreatCases(AuditReport report, ThreatResult threat)
    {
        var cases = new List<Case>();
        var className = "gauntlet.audit." + threat.Name;
        foreach (var point in threat.Points)
        {
            var threshold = report.Reproducibility.Plan.Thresholds.MinRobustAccuracy
                .FirstOrDefault(t => t.Threat == threat.Name && SameBudget(t.Epsilon, point.Epsilon));
            foreach (var attack in point.Attacks)
            {
                var name = $"{threat.Name} ε={ReportText.Epsilon(point.Epsilon)} {attack.Attack}";
                var whiteBox = attack.Category == "white_box";
                var measured = whiteBox ? point.RobustAccuracy.WhiteBox : attack.RobustAfter;
                string? message = null;
                if (threshold is not null && measured < threshold.Value)
                {
                    message = $"{(whiteBox ? "white-box robust accuracy" : ReportText.CategoryName(attack.Category) + " robust accuracy after " + attack.Attack)} "
                        + $"{ReportText.Percent(measured)} is below the minimum {ReportText.Percent(threshold.Value)} for {threat.Name} at ε = {ReportText.Epsilon(point.Epsilon)}";
                }

                var detail = $"attacked {attack.Attacked}, broken {attack.Broken}, robust after {ReportText.Percent(attack.RobustAfter)}, "
                    + $"median L2 {ReportText.Number(attack.MedianL2, 4)}, median L∞ {ReportText.Number(attack.MedianLinf, 4)}, {ReportText.Number(attack.QueriesPerSample, 1)} queries/sample";
                cases.Add(new Case(name, className, attack.Seconds, message is null ? null : "robustness", message, detail));
            }
        }

        return cases;
    }

    /// <summary>Budgets are floats read from the same plan; allow for a float/double round trip.</summary>
    private static bool SameBudget(float a, float b) => Math.Abs(a - b) <= 1e-6f * Math.Max(1f, Math.Max(Math.Abs(a), Math.Abs(b)));

    private static XElement Properties(AuditReport report)
    {
        var r = report.Reproducibility;
        return new XElement("properties",
            Property("seed", ReportText.Integer(r.Seed)),
            Property("model_sha256", r.ModelSha256),
            Property("data_sha256", r.DataSha256),
            Property("tool_version", r.ToolVersion),
            Property("status", report.Status),
            Property("overall_score", ReportText.Number(report.Scorecard.OverallScore, 1)),
            Property("grade", report.Scorecard.Grade ?? "incomplete"));
    }

    private static XElement Property(string name, string value) => new("property", new XAttribute("name", name), new XAttribute("value", XmlSafeText.Clean(value)));

    private static string Seconds(double seconds) => ReportText.Number(seconds, 3);
}
