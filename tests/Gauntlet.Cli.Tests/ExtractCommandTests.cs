using System.Text.Json;
using Gauntlet.Cli.Tests.BadInput;
using Gauntlet.Data;

namespace Gauntlet.Cli.Tests;

public sealed class ExtractCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-extract-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void LabelOnlyExtraction_WritesTheFiguresAndAnOnnxCopy()
    {
        var json = Path.Combine(_dir, "x.json");
        var copy = Path.Combine(_dir, "copy.onnx");
        var (code, console, _, error) = CliRunner.Run("extract", "demo", "--query-data", "demo", "--budget", "300", "--arch", "mlp", "--epochs", "3", "--seed", "2", "--transfer-samples", "60", "--json", json, "--out", copy);
        Assert.True(code == CliApp.ExitOk, error);
        Assert.Contains("fidelity", console);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal(300, root.GetProperty("queries_used").GetInt32());
        Assert.Equal(200, root.GetProperty("held_out").GetInt32());
        Assert.Equal(2, root.GetProperty("seed").GetInt32());
        Assert.Equal("labels", root.GetProperty("params").GetProperty("mode").GetString());
        Assert.InRange(root.GetProperty("fidelity").GetDouble(), 0.5, 1.0);
        Assert.InRange(root.GetProperty("transfer").GetProperty("transfer_rate").GetDouble(), 0.0, 1.0);
        Assert.True(root.GetProperty("transfer").GetProperty("candidates").GetInt32() > 0);

        // The copy loads back and scores what the JSON says on the held-out images (the last 200 demo images).
        var (evalCode, _, evalJson, evalError) = CliRunner.Run("eval", copy, "--data", "demo", "--json", "-");
        Assert.True(evalCode == CliApp.ExitOk, evalError);
        Assert.Contains("accuracy", evalJson);
    }

    [Fact]
    public void ADefendedApi_IsNamedInTheJson_AndCostsNoAccuracyWhenItKeepsTheLabel()
    {
        var (code, _, json, error) = CliRunner.Run("extract", "demo", "--query-data", "demo", "--budget", "100", "--arch", "mlp", "--epochs", "1", "--mode", "probabilities", "--defense", "topk:1", "--transfer-eps", "0", "--json", "-");
        Assert.True(code == CliApp.ExitOk, error);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("topk:1", doc.RootElement.GetProperty("defense").GetString());
        Assert.Equal(doc.RootElement.GetProperty("victim_accuracy").GetDouble(), doc.RootElement.GetProperty("api_accuracy").GetDouble());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("transfer").ValueKind);
    }

    [Theory]
    [InlineData("0", "--budget")]
    [InlineData("801", "--budget 801: the query data hold 800 image(s) to send")]
    public void ABadBudget_IsOneLineExit2(string budget, string expected)
    {
        var json = Path.Combine(_dir, "x.json");
        var (code, _, _, error) = CliRunner.Run("extract", "demo", "--query-data", "demo", "--budget", budget, "--json", json);
        Assert.Equal(CliApp.ExitUserError, code);
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
        Assert.False(File.Exists(json));
    }

    [Fact]
    public void QueryDataTheVictimAnswersWithOneClassOnly_IsOneLineExit2()
    {
        // Ten copies of one blank image: the demo model answers the same class to each.
        var images = Path.Combine(_dir, "blank.npy");
        var labels = Path.Combine(_dir, "blank-labels.npy");
        File.WriteAllBytes(images, HostileFiles.Npy("|u1", [10, 28, 28], new byte[10 * 28 * 28]));
        File.WriteAllBytes(labels, HostileFiles.LabelsNpy([.. Enumerable.Repeat(0L, 10)]));
        var (code, _, _, error) = CliRunner.Run("extract", "demo", "--query-data", images, "--query-labels", labels, "--budget", "8", "--arch", "mlp", "--epochs", "1");
        Assert.Equal(CliApp.ExitUserError, code);
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.Matches("^error: the victim answered class [0-9] to all 8 queries", line);
    }

    [Fact]
    public void AnUnknownDefense_IsOneLineExit2()
    {
        var (code, _, _, error) = CliRunner.Run("extract", "demo", "--query-data", "demo", "--budget", "10", "--defense", "blur:2");
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Equal("error: unknown defence 'blur:2'; expected one of round:DECIMALS (0-15), topk:K, label-only, noise:SIGMA (0-1].", error.Trim());
    }

    [Fact]
    public void MembershipBehindADefence_RecordsIt()
    {
        var (code, _, json, error) = CliRunner.Run("membership", "demo", "--members", "demo", "--nonmembers", "demo", "--samples", "50", "--defense", "label-only", "--json", "-");
        Assert.True(code == CliApp.ExitOk, error);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("label-only", doc.RootElement.GetProperty("defense").GetString());
        Assert.Equal(50, doc.RootElement.GetProperty("members").GetInt32());
        // Identical members and non-members: any attack is at chance.
        Assert.Equal(0.5, doc.RootElement.GetProperty("auc").GetDouble(), 1e-9);
    }

    [Fact]
    public void ShadowAttack_RunsFromTheCommandLine()
    {
        var demo = FashionMnist.LoadEmbeddedDemo();
        string Npz(string name, int from, int count)
        {
            var part = demo.Select([.. Enumerable.Range(from, count)]);
            var pixels = part.Images.ToArray().Select(v => (byte)MathF.Round(v * 255f)).ToArray();
            var path = Path.Combine(_dir, name + ".npz");
            File.WriteAllBytes(path, HostileFiles.Npz(("x", HostileFiles.Npy("|u1", [count, 28, 28], pixels)), ("y", HostileFiles.LabelsNpy([.. part.Labels.Select(l => (long)l)]))));
            return path;
        }

        var (code, _, json, error) = CliRunner.Run("membership", "demo", "--members", Npz("m", 0, 40), "--nonmembers", Npz("n", 40, 40), "--shadow-data", Npz("s", 80, 80), "--attack", "shadow", "--shadows", "1", "--shadow-epochs", "1", "--json", "-");
        Assert.True(code == CliApp.ExitOk, error);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("shadow", doc.RootElement.GetProperty("attack").GetString());
        Assert.Equal(1, doc.RootElement.GetProperty("params").GetProperty("shadows").GetInt32());
        Assert.InRange(doc.RootElement.GetProperty("auc").GetDouble(), 0.0, 1.0);
    }
}
