using Gauntlet.Data;
using Gauntlet.Governance.Registry;

namespace Gauntlet.Server.Tests.Dashboard;

/// <summary>With a registry, the registry, reports and compliance pages show its models, versions, aliases, attached reports and policy status.</summary>
public sealed class RegistryDashboardTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-dash-registry-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task RegistryReportsAndCompliancePages_ShowTheRegistry()
    {
        var db = Path.Combine(_dir, "registry.db");
        var model = Path.Combine(_dir, "demo-cnn.onnx");
        File.WriteAllBytes(model, DemoModel.OnnxBytes());
        var report = Path.Combine(_dir, "scan.json");
        File.WriteAllText(report, """{"score": 97, "findings": []}""");
        using (var registry = ModelRegistry.Open(db))
        {
            registry.Webhooks = null;
            var version = registry.Register(new RegisterRequest { Name = "fashion-cnn", ArtifactPath = model, Description = "the demo CNN" });
            registry.SetAlias(version.Reference, "production");
            registry.Attach(version.Reference, "scan", report);
        }

        await using var server = await GauntletServer.StartAsync(new ServerOptions
        {
            Model = ServedModel.Demo(),
            LogFolder = Path.Combine(_dir, "decisions"),
            Registry = db,
            FeatureSqueezing = false,
            Prada = false,
        });
        using var client = new HttpClient { BaseAddress = new Uri(server.Url) };
        var registryPage = await client.GetStringAsync("/dashboard/registry");
        Assert.Contains("fashion-cnn", registryPage);
        Assert.Contains("the demo CNN", registryPage);
        Assert.Contains("production → 1", registryPage);
        Assert.Contains("fashion-cnn@1: attached reports", registryPage);
        Assert.Contains("<td>scan</td>", registryPage);
        Assert.Contains("fashion-cnn@1 scan", await client.GetStringAsync("/dashboard/reports"));
        var compliance = await client.GetStringAsync("/dashboard/compliance");
        foreach (var policy in Gauntlet.Governance.Compliance.PolicyLoader.BuiltIn)
        {
            Assert.Contains($"<td>{policy}</td>", compliance);
        }

        Assert.Matches("<span class=\"(ok|bad)\">(passes|fails)</span>", compliance);
    }
}
