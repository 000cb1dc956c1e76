using System.Text.Json;
using Gauntlet.Cli.Tests.BadInput;
using Gauntlet.Data;

namespace Gauntlet.Cli.Tests;

public sealed class MembershipCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-membership-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Demo images [from, from + count) as .npy images and labels; returns the two paths.</summary>
    private (string Images, string Labels) Write(string name, int from, int count, int size = 28)
    {
        var demo = FashionMnist.LoadEmbeddedDemo().Select([.. Enumerable.Range(from, count)]);
        var pixels = size == 28 ? demo.Images.ToArray().Select(v => (byte)MathF.Round(v * 255f)).ToArray() : new byte[count * size * size];
        var images = Path.Combine(_dir, name + ".npy");
        var labels = Path.Combine(_dir, name + "-labels.npy");
        File.WriteAllBytes(images, HostileFiles.Npy("|u1", [count, size, size], pixels));
        File.WriteAllBytes(labels, HostileFiles.LabelsNpy([.. demo.Labels.Select(l => (long)l)]));
        return (images, labels);
    }

    private string[] Candidates()
    {
        var (m, ml) = Write("members", 0, 60);
        var (n, nl) = Write("nonmembers", 60, 60);
        return ["membership", "demo", "--members", m, "--members-labels", ml, "--nonmembers", n, "--nonmembers-labels", nl];
    }

    [Fact]
    public void LossThreshold_WritesTheMetricsJson()
    {
        var json = Path.Combine(_dir, "mia.json");
        var (code, console, _, error) = CliRunner.Run([.. Candidates(), "--json", json]);
        Assert.True(code == CliApp.ExitOk, error);
        Assert.Contains("loss-threshold", console);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("schema_version").GetInt32());
        Assert.Equal("loss-threshold", root.GetProperty("attack").GetString());
        Assert.Equal(60, root.GetProperty("members").GetInt32());
        foreach (var field in new[] { "auc", "tpr_at_0.1pct_fpr", "tpr_at_1pct_fpr", "balanced_accuracy" })
        {
            Assert.InRange(root.GetProperty(field).GetDouble(), 0.0, 1.0);
        }

        Assert.InRange(root.GetProperty("balanced_accuracy").GetDouble(), 0.5, 1.0);
        Assert.Equal(["loss-threshold", "confidence-threshold"], root.GetProperty("attacks").EnumerateArray().Select(a => a.GetProperty("attack").GetString()));
        Assert.Equal(0, root.GetProperty("seed").GetInt32());
    }

    [Fact]
    public void ShadowData_RunsLira_AndDrawsTheRocAsSvg()
    {
        var (s, sl) = Write("shadow", 120, 60);
        var json = Path.Combine(_dir, "lira.json");
        var svg = Path.Combine(_dir, "roc.svg");
        var (code, _, _, error) = CliRunner.Run([.. Candidates(), "--shadow-data", s, "--shadow-labels", sl, "--shadows", "2", "--shadow-epochs", "1", "--seed", "3", "--json", json, "--roc-svg", svg]);
        Assert.True(code == CliApp.ExitOk, error);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("lira-online", doc.RootElement.GetProperty("attack").GetString());
        Assert.Equal(2, doc.RootElement.GetProperty("params").GetProperty("shadows").GetInt32());
        Assert.Equal(3, doc.RootElement.GetProperty("seed").GetInt32());
        Assert.Equal(4, doc.RootElement.GetProperty("attacks").GetArrayLength());
        var text = File.ReadAllText(svg);
        Assert.StartsWith("<svg", text);
        Assert.Equal(4, text.Split("<polyline").Length - 1);
    }

    [Fact]
    public void MembersAndNonMembersOfDifferentShapes_AreOneLineExit2()
    {
        var (m, ml) = Write("members", 0, 10);
        var (n, nl) = Write("small", 10, 10, size: 20);
        var json = Path.Combine(_dir, "x.json");
        var (code, _, _, error) = CliRunner.Run("membership", "demo", "--members", m, "--members-labels", ml, "--nonmembers", n, "--nonmembers-labels", nl, "--json", json);
        Assert.Equal(CliApp.ExitUserError, code);
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.Equal("error: members are images of shape [1, 28, 28] but non-members [1, 20, 20]; both must have the same shape.", line);
        Assert.False(File.Exists(json));
    }

    [Fact]
    public void NoNonMembers_IsOneLineExit2()
    {
        var (m, ml) = Write("members", 0, 10);
        var empty = Path.Combine(_dir, "empty.npy");
        var emptyLabels = Path.Combine(_dir, "empty-labels.npy");
        File.WriteAllBytes(empty, HostileFiles.Npy("|u1", [0, 28, 28], []));
        File.WriteAllBytes(emptyLabels, HostileFiles.LabelsNpy());
        var (code, _, _, error) = CliRunner.Run("membership", "demo", "--members", m, "--members-labels", ml, "--nonmembers", empty, "--nonmembers-labels", emptyLabels);
        Assert.Equal(CliApp.ExitUserError, code);
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.DoesNotContain("System.", line);
    }

    [Fact]
    public void Lira_WithoutShadowData_IsOneLineExit2()
    {
        var (code, _, _, error) = CliRunner.Run([.. Candidates(), "--attack", "lira-offline"]);
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Equal("error: --attack lira-offline trains shadow models: give --shadow-data (images from the same distribution as the training set).", error.Trim());
    }

    [Fact]
    public void Audit_WithMembers_RunsThePrivacyModule()
    {
        var (m, ml) = Write("members", 0, 40);
        var (n, nl) = Write("nonmembers", 40, 40);
        var outDir = Path.Combine(_dir, "audit");
        var (code, _, _, error) = CliRunner.Run("audit", "demo", "--data", "demo", "--assessments", "privacy", "--members", m, "--members-labels", ml, "--nonmembers", n, "--nonmembers-labels", nl, "--out", outDir);
        Assert.True(code is CliApp.ExitOk or CliApp.ExitFindings, error);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "security_audit_report.json")));
        var privacy = doc.RootElement.GetProperty("scorecard").GetProperty("categories").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "privacy");
        Assert.Equal("assessed", privacy.GetProperty("status").GetString());
        Assert.InRange(privacy.GetProperty("score").GetDouble(), 0, 100);
    }

    [Fact]
    public void Audit_MembersWithoutNonMembers_IsOneLineExit2()
    {
        var (m, ml) = Write("members", 0, 10);
        var (code, _, _, error) = CliRunner.Run("audit", "demo", "--members", m, "--members-labels", ml, "--out", Path.Combine(_dir, "a"));
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Equal("error: --members and --nonmembers go together: membership inference needs images from inside and outside the training set.", error.Trim());
        Assert.False(Directory.Exists(Path.Combine(_dir, "a")));
    }

    [Fact]
    public void NpzMembersAndNonMembers_CarryTheirOwnLabels()
    {
        string Npz(string name, int from)
        {
            var demo = FashionMnist.LoadEmbeddedDemo().Select([.. Enumerable.Range(from, 30)]);
            var pixels = demo.Images.ToArray().Select(v => (byte)MathF.Round(v * 255f)).ToArray();
            var path = Path.Combine(_dir, name + ".npz");
            File.WriteAllBytes(path, HostileFiles.Npz(("x", HostileFiles.Npy("|u1", [30, 28, 28], pixels)), ("y", HostileFiles.LabelsNpy([.. demo.Labels.Select(l => (long)l)]))));
            return path;
        }

        var (code, _, json, error) = CliRunner.Run("membership", "demo", "--members", Npz("m", 0), "--nonmembers", Npz("n", 30), "--attack", "confidence-threshold", "--json", "-");
        Assert.True(code == CliApp.ExitOk, error);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("confidence-threshold", doc.RootElement.GetProperty("attack").GetString());
        Assert.Equal(30, doc.RootElement.GetProperty("nonmembers").GetInt32());
    }
}
