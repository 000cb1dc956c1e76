using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gauntlet.Governance.Log;
using Gauntlet.Governance.Registry;

namespace Gauntlet.Cli.Tests;

/// <summary><c>gauntlet registry</c> on a SQLite file: register → alias → tag → attach → card; errors; signed, retried webhooks.</summary>
public sealed class RegistryCommandTests : IDisposable
{
    private static readonly string Model = Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch_fmnist_cnn.onnx");
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-registry-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Db => Path.Combine(_dir, "reg.db");

    [Fact]
    public void RegisterAliasTagAttachCard_RoundTrip()
    {
        var (code, console, _, error) = CliRunner.Run("registry", "register", Model, "--name", "fmnist-cnn", "--dp-epsilon", "8", "--registry", Db);
        Assert.True(code == 0, error);
        Assert.Contains("registered fmnist-cnn@1", console);
        Assert.Equal(0, CliRunner.Run("registry", "alias", "fmnist-cnn@1", "champion", "--registry", Db).Code);
        Assert.Equal(0, CliRunner.Run("registry", "tag", "fmnist-cnn@champion", "owner=security-team", "--registry", Db).Code);
        var report = Path.Combine(_dir, "security_audit_report.json");
        File.WriteAllText(report, """{"schema_version":1,"scorecard":{"overall_score":64.2}}""");
        var attach = CliRunner.Run("registry", "attach", "fmnist-cnn@1", report, "--kind", "audit", "--registry", Db);
        Assert.Equal(0, attach.Code);
        Assert.Contains("score 64.2", attach.Console);

        var (showCode, _, json, _) = CliRunner.Run("registry", "show", "fmnist-cnn@champion", "--json", "-", "--registry", Db);
        Assert.Equal(0, showCode);
        using var card = JsonDocument.Parse(json);
        var root = card.RootElement;
        Assert.Equal("fmnist-cnn@1", root.GetProperty("reference").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Model))), root.GetProperty("sha256").GetString());
        Assert.Equal("security-team", root.GetProperty("tags").GetProperty("owner").GetString());
        Assert.Equal(64.2, root.GetProperty("results")[0].GetProperty("score").GetDouble());
        Assert.Equal(8, root.GetProperty("lineage").GetProperty("dp_epsilon").GetDouble());
        Assert.True(root.GetProperty("signature").GetProperty("inputs").GetArrayLength() > 0);

        var cardDir = Path.Combine(_dir, "card");
        Assert.Equal(0, CliRunner.Run("registry", "card", "fmnist-cnn@1", "--out", cardDir, "--registry", Db).Code);
        Assert.Contains("| audit | 64.2 |", File.ReadAllText(Path.Combine(cardDir, "model_card.md")));
        Assert.True(File.Exists(Path.Combine(cardDir, "model_card.json")));

        var list = CliRunner.Run("registry", "list", "--registry", Db);
        Assert.Contains("champion→1", list.Console);

        // Four events, all in the registry's log, which verifies.
        var log = Path.Combine(_dir, "reg.log");
        Assert.Equal(0, CliRunner.Run("log", "verify", "--log", log).Code);
        using var merkle = MerkleLog.Open(log);
        Assert.Equal(4, merkle.Size);
    }

    [Fact]
    public void BadInput_IsOneLine_Exit2()
    {
        Assert.Equal(0, CliRunner.Run("registry", "register", Model, "--name", "m", "--registry", Db).Code);
        foreach (var args in new[]
        {
            new[] { "registry", "show", "m@7", "--registry", Db },
            ["registry", "show", "other@1", "--registry", Db],
            ["registry", "alias", "m@3", "prod", "--registry", Db],
            ["registry", "tag", "m@1", "novalue", "--registry", Db],
            ["registry", "register", Path.Combine(_dir, "missing.onnx"), "--name", "m", "--registry", Db],
        })
        {
            var (code, _, _, error) = CliRunner.Run(args);
            Assert.True(code == CliApp.ExitUserError, $"{string.Join(' ', args)}: exit {code} {error}");
            Assert.Single(error.Trim().Split('\n'));
        }

        Assert.Contains("m@7: no such version", CliRunner.Run("registry", "show", "m@7", "--registry", Db).Err);
        var corrupt = Path.Combine(_dir, "corrupt.db");
        File.WriteAllText(corrupt, new string('x', 5000));
        var bad = CliRunner.Run("registry", "list", "--registry", corrupt);
        Assert.Equal(CliApp.ExitUserError, bad.Code);
        Assert.StartsWith($"error: registry {corrupt}: cannot be used", bad.Err);
    }

    [Fact]
    public async Task Webhooks_AreSigned_AndRetriedUntilAccepted()
    {
        using var listener = new HttpListener();
        var port = 20000 + Random.Shared.Next(20000);
        var url = $"http://127.0.0.1:{port}/hook/";
        listener.Prefixes.Add(url);
        listener.Start();
        var received = new List<(string Body, string Signature)>();
        var server = Task.Run(() =>
        {
            for (var i = 0; i < 2; i++)
            {
                var context = listener.GetContext();
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                received.Add((reader.ReadToEnd(), context.Request.Headers[WebhookDispatcher.SignatureHeader] ?? ""));
                context.Response.StatusCode = i == 0 ? 503 : 204; // the first try fails: it must be retried
                context.Response.Close();
            }
        });

        Assert.Equal(0, CliRunner.Run("registry", "webhook", url, "--secret", "s3cret", "--registry", Db).Code);
        var (code, console, _, error) = CliRunner.Run("registry", "register", Model, "--name", "hooked", "--registry", Db);
        Assert.True(code == 0, error);
        Assert.True(await Task.WhenAny(server, Task.Delay(TimeSpan.FromSeconds(20))) == server, "the webhook was not called twice");
        Assert.DoesNotContain("not delivered", console);
        Assert.Equal(received[0].Body, received[1].Body);
        Assert.Equal(WebhookDispatcher.Sign("s3cret", received[1].Body), received[1].Signature);
        using var body = JsonDocument.Parse(received[1].Body);
        Assert.Equal("version.registered", body.RootElement.GetProperty("kind").GetString());
        Assert.Equal("hooked@1", body.RootElement.GetProperty("subject").GetString());
    }
}
