using Gauntlet.Server.Dashboard;
using Microsoft.Playwright;

namespace Gauntlet.Server.Tests.Dashboard;

/// <summary>
/// The dashboard in headless Chromium (Debian's /usr/bin/chromium through Playwright; no browser is
/// ever downloaded): each page renders, every navigation link leads to its page, the log page's
/// proof check of a logged decision succeeds, and a screenshot of each page is saved under the test
/// output folder (screenshots/).
/// </summary>
public sealed class BrowserTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    [SkippableFact]
    public async Task Pages_RenderInChromium_LinksWork_ProofChecks_AndAreScreenshotted()
    {
        Skip.IfNot(File.Exists(Chromium), "Debian's chromium is not installed (bash scripts/setup.sh installs it)");
        var (status, body) = await fixture.Post("/v1/predict", ServerFixture.JsonContent(ServerFixture.Json(fixture.Image(20), fixture.Image(21))));
        Assert.Equal(200, status);
        var index = body!["predictions"]![1]!["decision"]!["log_index"]!.GetValue<long>();
        fixture.Server.EvaluateDrift();

        var shots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(shots);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(120_000); // the shared test machine can be very slow
        foreach (var (path, title) in DashboardPages.Pages)
        {
            var response = await page.GotoAsync(fixture.Server.Url + path);
            Assert.Equal(200, response!.Status);
            Assert.Equal(title, await page.Locator("h1").InnerTextAsync());
            Assert.Equal($"{title} · Gauntlet", await page.TitleAsync());
            var file = Path.Combine(shots, (path == "/dashboard" ? "overview" : path["/dashboard/".Length..]) + ".png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
            Assert.True(new FileInfo(file).Length > 1000, file);
        }

        // Each navigation link, clicked from the page before it, leads to its page.
        await page.GotoAsync(fixture.Server.Url + "/dashboard/monitoring");
        foreach (var (target, targetTitle) in DashboardPages.Pages)
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = targetTitle, Exact = true }).ClickAsync();
            await page.WaitForURLAsync(fixture.Server.Url + target);
            Assert.Equal(targetTitle, await page.Locator("h1").InnerTextAsync());
        }

        // The proof check: enter the decision's index, submit, read the server's verdict.
        await page.GotoAsync(fixture.Server.Url + "/dashboard/log");
        await page.GetByLabel("Decision log index").FillAsync(index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify inclusion proof" }).ClickAsync();
        await page.WaitForURLAsync($"**/dashboard/log?index={index}");
        Assert.StartsWith($"Verified: entry {index} is included", await page.Locator("#verdict").InnerTextAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "log-proof.png"), FullPage = true });
    }
}
