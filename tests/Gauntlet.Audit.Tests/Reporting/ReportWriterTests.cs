using System.Text;
using Gauntlet.Audit.Reporting;

namespace Gauntlet.Audit.Tests.Reporting;

public sealed class ReportWriterTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "gauntlet-reports-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void WriteAll_CreatesTheFolder_AndWritesTheFiveFiles_WithNoTemporariesLeft()
    {
        var report = SampleReports.Small();
        var target = Path.Combine(directory, "nested", "out");

        var paths = report.WriteAll(target);

        Assert.Equal(
            ["security_audit_report.json", "report.html", "summary.md", "report.sarif", "junit.xml"],
            paths.Select(Path.GetFileName));
        Assert.Equal(paths.Order(StringComparer.Ordinal), Directory.GetFiles(target).Order(StringComparer.Ordinal));
        Assert.Equal(ReportJson.Serialize(report), File.ReadAllText(paths[0], Encoding.UTF8));
        Assert.Equal(HtmlReport.Render(report), File.ReadAllText(paths[1], Encoding.UTF8));
        Assert.Equal(MarkdownReport.Render(report), File.ReadAllText(paths[2], Encoding.UTF8));
        Assert.Equal(SarifReport.Render(report), File.ReadAllText(paths[3], Encoding.UTF8));
        Assert.Equal(JUnitReport.Render(report), File.ReadAllText(paths[4], Encoding.UTF8));
        Assert.NotEqual(0xEF, File.ReadAllBytes(paths[1])[0]);
    }

    [Fact]
    public void WriteAll_OverwritesAnEarlierReport()
    {
        SampleReports.Small().WriteAll(directory);
        var paths = SampleReports.Partial().WriteAll(directory);

        Assert.Equal("partial", ReportJson.Load(directory).Status);
        Assert.Contains("Status: partial", File.ReadAllText(paths[1]), StringComparison.Ordinal);
        Assert.Equal(5, Directory.GetFiles(directory).Length);
    }

    [Fact]
    public void WriteAll_WhenARenameFails_WritesNoneOfTheFiles_AndLeavesNoTemporary()
    {
        Directory.CreateDirectory(Path.Combine(directory, "report.html"));

        var error = Assert.Throws<Gauntlet.Core.IO.OutputWriteException>(() => SampleReports.Small().WriteAll(directory));

        Assert.Equal($"cannot write {Path.Combine(directory, "report.html")}: it is a folder", error.Message);
        Assert.Equal([Path.Combine(directory, "report.html")], Directory.GetFileSystemEntries(directory));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(directory, "report.html")));
    }

    [Fact]
    public void WriteAll_WhenARenameFails_KeepsTheEarlierReportIntact()
    {
        SampleReports.Small().WriteAll(directory);
        var before = Directory.GetFiles(directory).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        File.Delete(Path.Combine(directory, "summary.md"));
        Directory.CreateDirectory(Path.Combine(directory, "summary.md"));

        Assert.ThrowsAny<IOException>(() => SampleReports.Partial().WriteAll(directory));

        Assert.Equal("complete", ReportJson.Load(directory).Status);
        var after = Directory.GetFiles(directory).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        Assert.Equal(before.Where((_, i) => i != 4), after); // summary.md (last by name) is a folder now
        Assert.Equal(5, Directory.GetFileSystemEntries(directory).Length);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("html")]
    [InlineData("md")]
    [InlineData("sarif")]
    [InlineData("junit")]
    public void Render_IsDeterministic_AndNeverEmbedsTheRenderingTime(string format)
    {
        var first = ReportWriter.Render(SampleReports.WithFailingThreshold(), format);
        var second = ReportWriter.Render(SampleReports.WithFailingThreshold(), format);

        Assert.Equal(first, second);
        Assert.DoesNotContain(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), first, StringComparison.Ordinal);
        Assert.Contains("2026-01-02T03:04:05Z", first, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("json", "{")]
    [InlineData("html", "<!DOCTYPE html>")]
    [InlineData("MD", "# Security audit")]
    [InlineData("sarif", "{")]
    [InlineData("junit", "<?xml")]
    public void Render_ByFormatName(string format, string start) =>
        Assert.StartsWith(start, ReportWriter.Render(SampleReports.Small(), format), StringComparison.Ordinal);

    [Fact]
    public void Render_UnknownFormat_ThrowsListingTheValidOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => ReportWriter.Render(SampleReports.Small(), "pdf"));

        Assert.StartsWith("unknown report format 'pdf'; valid formats: json, html, md, sarif, junit", error.Message, StringComparison.Ordinal);
    }
}
