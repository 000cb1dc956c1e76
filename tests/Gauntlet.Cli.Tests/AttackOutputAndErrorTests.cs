using System.Text.Json;
using Gauntlet.Data;

namespace Gauntlet.Cli.Tests;

/// <summary><c>gauntlet attack</c>: saved examples, per-sample queries, the patch attack and one-line errors.</summary>
public sealed class AttackOutputAndErrorTests(TrainedDemoModel model) : IClassFixture<TrainedDemoModel>
{
    [Fact]
    public void Attack_SaveExamples_WritesCleanAdversarialAndPerturbationPngsWithAnIndex()
    {
        var folder = Path.Combine(model.Directory, "examples-fgsm");
        var json = Path.Combine(model.Directory, "examples-fgsm.json");
        var (code, _, _, error) = CliRunner.Run("attack", model.ModelPath, "--data", "demo", "--limit", "8", "--batch", "5", "--attack", "fgsm", "--eps", "0.1", "--save-examples", folder, "--examples", "6", "--json", json);
        Assert.True(code == 0, error);
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "index.json")));
        var entries = index.RootElement.GetProperty("examples").EnumerateArray().ToArray();
        Assert.Equal(6, entries.Length);
        Assert.Equal(Enumerable.Range(0, 6), entries.Select(e => e.GetProperty("index").GetInt32()));
        var labels = FashionMnist.LoadEmbeddedDemo().Take(6).Labels;
        foreach (var entry in entries)
        {
            Assert.Equal(labels[entry.GetProperty("index").GetInt32()], entry.GetProperty("label").GetInt32());
            Assert.True(entry.GetProperty("linf").GetSingle() <= 0.1f + 1e-6f);
            Assert.InRange(entry.GetProperty("adversarial_confidence").GetSingle(), 0f, 1f);
            foreach (var image in new[] { "clean", "adversarial", "perturbation" })
            {
                var png = PngDecoder.Decode(Path.Combine(folder, entry.GetProperty(image).GetString()!));
                Assert.Equal(28, png.Width);
                Assert.Equal(28, png.Height);
            }
        }

        Assert.Equal(18, Directory.GetFiles(folder, "*.png").Length);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp*"));

        // FGSM sends every image once, plus the clean and final predictions: three queries each.
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var root = report.RootElement;
        Assert.Equal(3.0, root.GetProperty("queries_per_sample").GetProperty("mean").GetDouble());
        Assert.Equal(3, root.GetProperty("queries_per_sample").GetProperty("max").GetInt64());
        var samples = root.GetProperty("samples").EnumerateArray().ToArray();
        Assert.Equal(8, samples.Length);
        Assert.Equal(root.GetProperty("queries").GetInt64(), samples.Sum(s => s.GetProperty("queries").GetInt64()));
    }

    [Fact]
    public void Attack_BlackBox_ReportsPerSampleQueriesThatDiffer()
    {
        var json = Path.Combine(model.Directory, "square-per-sample.json");
        var (code, _, _, error) = CliRunner.Run("attack", model.ModelPath, "--data", "demo", "--limit", "12", "--attack", "square", "--eps", "0.15", "--max-queries", "60", "--json", json);
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var queries = doc.RootElement.GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("queries").GetInt64()).ToArray();
        Assert.Equal(doc.RootElement.GetProperty("queries").GetInt64(), queries.Sum());
        Assert.All(queries, q => Assert.InRange(q, 2, 60));
        Assert.Equal(queries.Max(), doc.RootElement.GetProperty("queries_per_sample").GetProperty("max").GetInt64());
    }

    [Fact]
    public void Attack_Patch_TrainsOnHalfTheImagesAndScoresTheHeldOutHalf()
    {
        var folder = Path.Combine(model.Directory, "examples-patch");
        var json = Path.Combine(model.Directory, "patch.json");
        var (code, console, _, error) = CliRunner.Run("attack", model.ModelPath, "--data", "demo", "--limit", "60", "--attack", "patch", "--patch-size", "0.1", "--steps", "3", "--patch-target", "8", "--json", json, "--save-examples", folder, "--examples", "2");
        Assert.True(code == 0, error);
        Assert.Contains("patch success rate", console);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal("patch", root.GetProperty("attack").GetString());
        Assert.Equal(30, root.GetProperty("train_images").GetInt32());
        Assert.Equal(30, root.GetProperty("held_out").GetInt32());
        Assert.Equal(9, root.GetProperty("params").GetProperty("side").GetInt32());
        Assert.InRange(root.GetProperty("attack_success_rate").GetDouble(), 0, 1);
        var patch = PngDecoder.Decode(Path.Combine(folder, "patch.png"));
        Assert.Equal(9, patch.Width);
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "index.json")));
        Assert.Equal([30, 31], index.RootElement.GetProperty("examples").EnumerateArray().Select(e => e.GetProperty("index").GetInt32()));
    }

    public static TheoryData<string[], string> UserErrors => new()
    {
        { ["--eps=-0.1"], "--eps" },
        { ["--eps", "2"], "exceeds the width of the input domain" },
        { ["--norm", "l2", "--eps", "50"], "exceeds the L2 diameter" },
        { ["--attack", "rowhammer"], "rowhammer" },
        { ["--norm", "l1"], "l1" },
        { ["--attack", "cw", "--norm", "linf"], "l2 only" },
        { ["--attack", "mi-fgsm", "--norm", "l2"], "linf only" },
        { ["--attack", "deepfool", "--targeted"], "untargeted only" },
        { ["--attack", "salt-and-pepper", "--eps", "1.5"], "fraction of pixels" },
        { ["--attack", "patch", "--patch-size", "1.5"], "--patch-size" },
        { ["--attack", "patch", "--patch-target", "10"], "outside the model's 10 classes" },
        { ["--attack", "patch", "--targeted"], "--patch-target" },
        { ["--examples", "0"], "--examples" },
    };

    [Theory]
    [MemberData(nameof(UserErrors))]
    public void Attack_BadRequest_IsOneLineUserError(string[] options, string expected)
    {
        var (code, _, _, error) = CliRunner.Run(["attack", model.ModelPath, "--data", "demo", "--limit", "4", .. options]);
        Assert.Equal(CliApp.ExitUserError, code);
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
    }

    [Fact]
    public void Attack_TargetedOnOneClassModel_IsOneLineUserError()
    {
        var path = Path.Combine(model.Directory, "one-class.onnx");
        var network = new Gauntlet.Tensors.Nn.Sequential(new Gauntlet.Tensors.Nn.Flatten(), new Gauntlet.Tensors.Nn.Linear(784, 1, new Gauntlet.Tensors.Rng(0)));
        Gauntlet.Onnx.OnnxExporter.Save(network, [1, 28, 28], path);
        var (code, _, _, error) = CliRunner.Run("attack", path, "--data", "demo", "--limit", "4", "--targeted");
        Assert.Equal(CliApp.ExitUserError, code);
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("K ≥ 2", line);
    }
}
