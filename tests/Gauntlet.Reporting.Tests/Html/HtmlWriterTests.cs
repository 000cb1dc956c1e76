using System.Text.RegularExpressions;

namespace Gauntlet.Reporting.Tests.Html;

public sealed partial class HtmlWriterTests
{
    [GeneratedRegex("<h([1-6])[ >]")]
    private static partial Regex Heading();

    [GeneratedRegex("""(?:src|href|xlink:href)\s*=\s*["']?\s*(?:https?:|//|file:)""", RegexOptions.IgnoreCase)]
    private static partial Regex RemoteReference();

    [Fact]
    public void EveryBlockType_IsCoveredBySampleAndRenders()
    {
        var blockTypes = typeof(Block).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Block)) && !t.IsAbstract).Select(t => t.Name).Order().ToList();
        var sampled = SampleDocuments.EveryBlock().Select(b => b.GetType().Name).Order().ToList();

        Assert.Equal(blockTypes, sampled);
        var html = HtmlWriter.Render(SampleDocuments.Everything());
        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", html, StringComparison.Ordinal);
        Assert.EndsWith("</main>\n<footer>\n<p><em>Reproduce:</em> seed 7</p>\n</footer>\n</body>\n</html>\n", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Headings_FollowSectionDepth_WithFindingTitlesOneLevelBelowTheirSection()
    {
        var document = new ReportDocument
        {
            Title = "T",
            Sections =
            [
                new Section
                {
                    Heading = "A",
                    Subsections = [new Section { Heading = "A.1", Blocks = [new FindingList { Findings = [SampleDocuments.Finding()] }] }],
                },
                new Section { Heading = "B", Blocks = [new FindingList { Findings = [SampleDocuments.Finding()] }] },
            ],
        };

        var html = HtmlWriter.Render(document);

        Assert.Equal([1, 2, 3, 4, 2, 3], Heading().Matches(html).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains("<section>\n<h3>A.1</h3>\n<article class=\"finding sev-high\">\n<span class=\"badge sev-high\">high</span> <code>GA-net</code>\n<h4>Title net</h4>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void HostileStrings_AreEscapedEverywhere_AndIdsThatAreNotTokensAreDropped()
    {
        var document = SampleDocuments.Everything(SampleDocuments.Hostile) with { Language = "en\" onload=\"x" };
        var section = document.Sections[0] with { Id = "x\" onclick=\"y" };

        var html = HtmlWriter.Render(document with { Sections = [section] });

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick", html, StringComparison.Ordinal);
        Assert.DoesNotContain("onload", html, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("<section>\n<h2>All &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; | `tick` *b* [l](javascript:x)\n- item</h2>", html, StringComparison.Ordinal);
        const string escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;";
        Assert.Contains("<title>Report " + escaped, html, StringComparison.Ordinal);
        Assert.Contains("<caption>Table " + escaped, html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">Key " + escaped, html, StringComparison.Ordinal);
        Assert.Contains("alt=\"clean " + escaped, html, StringComparison.Ordinal);
        Assert.Contains("<summary>Plan " + escaped, html, StringComparison.Ordinal);
        Assert.Contains("<text x=\"172\" y=\"33\" text-anchor=\"end\">" + escaped, html, StringComparison.Ordinal);
    }

    [Fact]
    public void DataTable_HasCaptionColumnHeadersAndToneOrAlignmentClasses()
    {
        var html = HtmlWriter.Render(new ReportDocument { Title = "T", Sections = [new Section { Heading = "S", Blocks = [SampleDocuments.EveryBlock()[4]] }] });

        Assert.Contains(
            "<table>\n<caption>Table net</caption>\n<thead><tr><th scope=\"col\">Name net</th><th scope=\"col\" class=\"num\">Value</th><th scope=\"col\" class=\"center\">Result</th></tr></thead>\n"
            + "<tbody>\n<tr><td>net</td><td class=\"num\">1.5</td><td class=\"fail\">FAILED</td></tr>\n<tr><td><code>net</code></td><td class=\"num\">2</td><td class=\"pass\">passed</td></tr>\n</tbody>\n</table>\n",
            html,
            StringComparison.Ordinal);
    }

    [Fact]
    public void CompleteVerdict_ShowsScoreGradeStatusSummaryAndBreakdownWithBars()
    {
        var html = HtmlWriter.Render(new ReportDocument { Title = "T", Lead = [SampleDocuments.Verdict()] });

        Assert.Contains(
            "<section id=\"scorecard\">\n<div class=\"score\">\n<div class=\"value\">42.5</div>\n<div class=\"outof\">overall score / 100</div>\n<div class=\"grade grade-D\">D</div>\n"
            + "<div class=\"status status-complete\">Status: complete</div>\n<div class=\"summary\">CI gates <strong>failed</strong></div>\n</div>\n<div class=\"categories\">\n<table>\n"
            + "<caption class=\"sr-only\">Score by category</caption>\n",
            html,
            StringComparison.Ordinal);
        Assert.Contains("<tr><td>White-box</td><td class=\"num\">35 <span class=\"bar\" aria-hidden=\"true\" style=\"width:21px\"></span></td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td>Privacy</td><td class=\"na\">not assessed</td></tr>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(VerdictStatus.Partial, "partial", "Partial: ")]
    [InlineData(VerdictStatus.Incomplete, "incomplete", "Incomplete: ")]
    public void UnfinishedVerdict_ShowsIncompleteInsteadOfTheGrade(VerdictStatus status, string name, string prefix)
    {
        var html = HtmlWriter.Render(new ReportDocument { Title = "T", Lead = [SampleDocuments.Verdict(status, "time budget spent")] });

        Assert.Contains(
            "<div class=\"outof\">overall score / 100</div>\n<div class=\"ungraded\">incomplete</div>\n<div class=\"status status-" + name + "\">Status: " + name + "</div>\n"
            + "<div class=\"partial\">" + prefix + "time budget spent</div>\n",
            html,
            StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"grade", html, StringComparison.Ordinal);
        Assert.DoesNotContain(">D<", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Findings_RenderInGivenOrder_WithEvidenceFactsRemediationAndIdLine()
    {
        var low = SampleDocuments.Finding("b") with { Severity = "low" };
        var odd = SampleDocuments.Finding("c") with { Severity = "bogus\"" };
        var html = HtmlWriter.Render(new ReportDocument { Title = "T", Sections = [new Section { Heading = "F", Blocks = [new FindingList { Findings = [SampleDocuments.Finding("a"), low, odd] }] }] });

        Assert.True(html.IndexOf("<code>GA-a</code>", StringComparison.Ordinal) < html.IndexOf("<code>GA-b</code>", StringComparison.Ordinal));
        Assert.Contains("<article class=\"finding sev-info\">\n<span class=\"badge sev-info\">bogus&quot;</span>", html, StringComparison.Ordinal);
        Assert.Contains(
            "<h3>Title a</h3>\n<p>Observed on <code>a</code>.</p>\n<table class=\"evidence\">\n<caption class=\"sr-only\">Evidence</caption>\n"
            + "<thead><tr><th scope=\"col\">epsilon</th><th scope=\"col\">robust a</th></tr></thead>\n<tbody><tr><td class=\"num\">0.01</td><td class=\"num\">0.6</td></tr></tbody>\n</table>\n"
            + "<p><strong>Affected classes:</strong> a</p>\n<p><strong>Remediation:</strong> Train adversarially: <code>gauntlet train a</code></p>\n"
            + "<p class=\"ids\">Category a · OWASP ML: ML01:2023 · MITRE ATLAS: —</p>\n</article>\n",
            html,
            StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyFindingList_SaysSo()
    {
        var html = HtmlWriter.Render(new ReportDocument { Title = "T", Sections = [new Section { Heading = "F", Blocks = [new FindingList { Findings = [] }] }] });

        Assert.Contains("<h2>F</h2>\n<p>No findings.</p>\n</section>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Images_AreDataUrisWithAltText_AndNonBase64DataIsDropped()
    {
        var strip = new ImageStrips
        {
            Figures =
            [
                new ImageFigure
                {
                    Images = [new Thumbnail { PngBase64 = SampleDocuments.TinyPng, Alt = "clean", Label = "clean" }, new Thumbnail { PngBase64 = "AAAA\" onerror=\"x", Alt = "bad", Label = "bad" }],
                    Caption = ["#3", Inline.Break, "pgd"],
                },
            ],
            ThumbnailSize = 64,
        };

        var html = HtmlWriter.Render(new ReportDocument { Title = "T", Sections = [new Section { Heading = "E", Blocks = [strip] }] });

        Assert.Contains(
            "<div class=\"examples\">\n<figure class=\"example\">\n<div class=\"imgs\"><div><img src=\"data:image/png;base64," + SampleDocuments.TinyPng + "\" alt=\"clean\" width=\"64\" height=\"64\">clean</div>"
            + "<div><img src=\"data:image/png;base64,\" alt=\"bad\" width=\"64\" height=\"64\">bad</div></div>\n<figcaption>#3<br>pgd</figcaption>\n</figure>\n</div>\n",
            html,
            StringComparison.Ordinal);
    }

    [Fact]
    public void FoldableAndReproductionBlocks_UseDetailsAndCodeValues()
    {
        var blocks = SampleDocuments.EveryBlock();
        var html = HtmlWriter.Render(new ReportDocument { Title = "T", Sections = [new Section { Heading = "R", Blocks = [blocks[3], blocks[6]] }] });

        Assert.Contains("<details>\n<summary>Plan net</summary>\n<pre>{\n  &quot;name&quot;: &quot;net&quot;\n}</pre>\n</details>\n", html, StringComparison.Ordinal);
        Assert.Contains(
            "<table class=\"kv\">\n<caption class=\"sr-only\">Reproducibility</caption>\n<tbody>\n<tr><th scope=\"row\">Seed</th><td><code>7</code></td></tr>\n"
            + "<tr><th scope=\"row\">Model net</th><td><code>net</code></td></tr>\n</tbody>\n</table>\n<pre class=\"commands\" aria-label=\"Commands\">gauntlet audit net --seed 7</pre>\n",
            html,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Page_IsSelfContained_AndTheSameDocumentGivesTheSameBytes()
    {
        var html = HtmlWriter.Render(SampleDocuments.Everything());

        Assert.DoesNotMatch(RemoteReference(), html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("@media print", html, StringComparison.Ordinal);
        Assert.Equal(html, HtmlWriter.Render(SampleDocuments.Everything()));

        if (Environment.GetEnvironmentVariable("GAUNTLET_TEST_ARTIFACTS") is { Length: > 0 } keep)
        {
            // For looking at every block type by eye: GAUNTLET_TEST_ARTIFACTS=/tmp/x dotnet test ...
            Directory.CreateDirectory(keep);
            File.WriteAllText(Path.Combine(keep, "every-block.html"), html);
        }
    }
}
