using System.Text.RegularExpressions;

namespace Gauntlet.Server.Tests.Dashboard;

/// <summary>Every dashboard page renders, every link on it resolves, and the log page verifies a logged decision's proof.</summary>
public sealed partial class DashboardTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [GeneratedRegex("href=\"(/[^\"]*)\"")]
    private static partial Regex Href();

    [Fact]
    public async Task EveryPageRenders_AndItsLinksResolve()
    {
        await fixture.Post("/v1/predict", ServerFixture.JsonContent(ServerFixture.Json(fixture.Image(10))));
        foreach (var (path, title) in Server.Dashboard.DashboardPages.Pages)
        {
            using var response = await fixture.Client.GetAsync(path);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.StartsWith("text/html", response.Content.Headers.ContentType!.ToString());
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains($"<h1>{title}</h1>", html);
            Assert.Contains("<html lang=\"en\">", html);
            Assert.DoesNotContain("http://", html.Replace("http://127.0.0.1", string.Empty, StringComparison.Ordinal));
            foreach (var link in Href().Matches(html).Select(m => m.Groups[1].Value).Distinct())
            {
                using var target = await fixture.Client.GetAsync(link);
                Assert.True(target.IsSuccessStatusCode, $"{path} links to {link}: {(int)target.StatusCode}");
            }
        }
    }

    [Fact]
    public async Task LogPage_VerifiesTheProofOfALoggedDecision()
    {
        var (_, body) = await fixture.Post("/v1/predict", ServerFixture.JsonContent(ServerFixture.Json(fixture.Image(11))));
        var index = body!["predictions"]![0]!["decision"]!["log_index"]!.GetValue<long>();
        var id = body["predictions"]![0]!["decision"]!["id"]!.GetValue<string>();
        var html = await fixture.Client.GetStringAsync($"/dashboard/log?index={index}");
        Assert.Contains($"Verified: entry {index} is included", html);
        Assert.Contains(id, html);
        var bad = await fixture.Client.GetStringAsync("/dashboard/log?index=99999999");
        Assert.Contains("is not an index in this log", bad);
    }
}
