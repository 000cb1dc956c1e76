using System.Text.Json;
using Gauntlet.Data;

namespace Gauntlet.Cli.Tests;

/// <summary><c>gauntlet poison</c> and <c>gauntlet backdoor</c> on the embedded demo data and model, with few optimisation steps.</summary>
public sealed class PoisonAndBackdoorCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-poison-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Poison_BadNets_WritesTheSetAndAManifestOfTheChangedSamples()
    {
        var (code, console, _, error) = CliRunner.Run("poison", "--data", "demo", "--attack", "badnets", "--target", "0", "--rate", "0.05", "--seed", "3", "--out", _dir);

        Assert.True(code == CliApp.ExitOk, error);
        Assert.Contains("50 of 1,000 samples changed", console);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "manifest.json")));
        var root = manifest.RootElement;
        Assert.Equal("badnets", root.GetProperty("attack").GetString());
        Assert.Equal(3, root.GetProperty("seed").GetInt32());
        Assert.Equal(23, root.GetProperty("trigger").GetProperty("row").GetInt32());
        var indices = root.GetProperty("indices").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var original = root.GetProperty("original_labels").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(50, indices.Length);
        var demo = FashionMnist.LoadEmbeddedDemo();
        var poisoned = Dataset.Load(Path.Combine(_dir, "poisoned.npz"));
        Assert.Equal(indices.Select(i => demo.Labels[i]), original);
        Assert.All(indices, i => Assert.Equal(0, poisoned.Labels[i]));
        Assert.All(indices, i => Assert.Equal(1f, poisoned.Images.ToArray()[(i * 784) + (25 * 28) + 25]));
    }

    [Theory]
    [InlineData("--target", "10", "--target 10 is out of range")]
    [InlineData("--position", "30,30", "does not fit 28×28 images")]
    public void Poison_BadInput_OneLineExit2(string option, string value, string expected)
    {
        var (code, _, _, error) = CliRunner.Run("poison", "--data", "demo", "--attack", "badnets", option, value, "--out", _dir);

        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Backdoor_OnTheDemoModel_WritesRedTeamAuditJsonAndReports()
    {
        var json = Path.Combine(_dir, "rt.json");
        var (code, console, _, error) = CliRunner.Run("backdoor", "demo", "--data", "demo", "--train", "demo", "--samples", "60", "--steps", "4", "--strip-overlays", "2", "--seed", "2", "--json", json, "--out", _dir);

        Assert.True(code == CliApp.ExitOk, error);
        Assert.Contains("verdict:", console);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal(2, root.GetProperty("seed").GetInt32());
        Assert.Equal(10, root.GetProperty("neural_cleanse").GetProperty("classes").GetArrayLength());
        Assert.Contains(root.GetProperty("verdict").GetString(), new[] { "backdoored", "suspicious", "no_backdoor_found" });
        Assert.Equal(0.01, root.GetProperty("strip").GetProperty("target_frr").GetDouble(), 9);
        Assert.Equal(File.ReadAllText(json), File.ReadAllText(Path.Combine(_dir, "red_team_audit.json")));
        Assert.Contains("Neural Cleanse", File.ReadAllText(Path.Combine(_dir, "report.html")));
        Assert.Contains("# Gauntlet backdoor audit", File.ReadAllText(Path.Combine(_dir, "summary.md")));
    }

    [Fact]
    public void Backdoor_OnAnOnnxModelWithTrain_RunsTheTrainingDataDetectorsOnItsLastGemmInput()
    {
        // The embedded demo model is an ONNX graph (cnn-small exported by gauntlet train): its
        // penultimate activations are the input of its last Gemm, 128 values per image.
        var json = Path.Combine(_dir, "rt.json");
        var (code, _, _, error) = CliRunner.Run("backdoor", "demo", "--data", "demo", "--train", "demo", "--samples", "40", "--steps", "2", "--strip-overlays", "2", "--seed", "2", "--json", json);

        Assert.True(code == CliApp.ExitOk, error);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal(JsonValueKind.Null, root.GetProperty("training_detectors_skipped").ValueKind);
        var clusters = root.GetProperty("activation_clustering").EnumerateArray().ToList();
        var spectral = root.GetProperty("spectral_signatures").EnumerateArray().ToList();
        var demo = FashionMnist.LoadEmbeddedDemo();
        Assert.Equal(10, clusters.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(c => demo.Labels.Count(l => l == c)), clusters.Select(c => c.GetProperty("count").GetInt32()));
        // Spectral signatures removes round(1.5 · 0.05 · n) of each class.
        Assert.Equal(spectral.Sum(c => (int)Math.Round(1.5 * 0.05 * c.GetProperty("count").GetInt32())), spectral.Sum(c => c.GetProperty("removed").GetInt32()));
        Assert.Equal(10, root.GetProperty("activation_clustering_rule").GetProperty("dimensions").GetInt32());
        Assert.True(root.GetProperty("suspect_training_sample_count").GetInt32() >= spectral.Sum(c => c.GetProperty("removed").GetInt32()));
    }

    [Fact]
    public void Backdoor_RedTeamAuditJson_ValidatesAgainstTheDocumentedSchema_AndTheSchemaRejectsBadDocuments()
    {
        // A Gauntlet model with a trigger Neural Cleanse can recover in a few steps is not needed
        // for the shape: the schema covers recovered_trigger null and present (the latter is
        // checked on a planted copy of a class's figures below).
        var json = Path.Combine(_dir, "rt.json");
        var (code, _, _, error) = CliRunner.Run("backdoor", "demo", "--data", "demo", "--train", "demo", "--samples", "40", "--steps", "2", "--strip-overlays", "2", "--seed", "4", "--json", json);
        Assert.True(code == CliApp.ExitOk, error);
        var validator = new JsonSchemaValidator(Path.Combine(RepoPaths.Root, "docs"));
        List<string> Validate(string text)
        {
            using var d = JsonDocument.Parse(text);
            return validator.Validate("red_team_audit.schema.json", d.RootElement);
        }

        var text = File.ReadAllText(json);
        Assert.Empty(Validate(text));

        // A recovered trigger as the scan writes it for a flagged class validates too.
        var node = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        var first = node["neural_cleanse"]!["classes"]![0]!;
        node["recovered_trigger"] = new System.Text.Json.Nodes.JsonObject
        {
            ["target"] = 0, ["l1_norm"] = first["l1_norm"]!.GetValue<double>(), ["bounding_box"] = first["bounding_box"]?.DeepClone(),
            ["region"] = "bottom-right", ["attack_success_rate"] = 0.97, ["height"] = 28, ["width"] = 28,
            ["mask"] = new System.Text.Json.Nodes.JsonArray(0.5, 1.0), ["pattern"] = new System.Text.Json.Nodes.JsonArray(0.25, 0.75),
            ["mask_png"] = "trigger_mask.png", ["pattern_png"] = "trigger_pattern.png",
        };
        Assert.Empty(Validate(node.ToJsonString()));

        node["verdict"] = "maybe";
        node["neural_cleanse"]!["classes"]![1]!["surprise"] = 1;
        node["strip"]!.AsObject().Remove("frr");
        node["findings"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["id"] = "GA-X", ["severity"] = "severe" });
        var errors = Validate(node.ToJsonString());
        Assert.Contains(errors, e => e.StartsWith("$.verdict:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("$.neural_cleanse.classes[1].surprise:", StringComparison.Ordinal));
        Assert.Contains("$.strip: missing required 'frr'", errors);
        Assert.Contains(errors, e => e.StartsWith("$.findings[0].severity:", StringComparison.Ordinal));
    }

    [Fact]
    public void Backdoor_CleanSetWithOneClass_OneLineExit2()
    {
        var demo = FashionMnist.LoadEmbeddedDemo();
        Assert.True(CliRunner.Run("poison", "--data", "demo", "--attack", "label-flip", "--flip", "random", "--rate", "0.01", "--out", _dir).Code == CliApp.ExitOk);
        var oneClass = demo.Select([.. Enumerable.Range(0, demo.Count).Where(i => demo.Labels[i] == 3)]);
        var path = Path.Combine(_dir, "one-class.npz");
        using (var stream = File.Create(path))
        {
            NpzWriter.Write(stream, oneClass);
        }

        var (code, _, _, error) = CliRunner.Run("backdoor", "demo", "--data", path, "--out", _dir);

        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Contains("at least 2", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Backdoor_ImagesThatDoNotFitTheModel_OneLineExit2()
    {
        var small = new LabeledImages(Gauntlet.Tensors.Tensor.Zeros(4, 1, 14, 14), [0, 1, 0, 1], 2, "small");
        var path = Path.Combine(_dir, "small.npz");
        using (var stream = File.Create(path))
        {
            NpzWriter.Write(stream, small);
        }

        var (code, _, _, error) = CliRunner.Run("backdoor", "demo", "--data", path, "--out", _dir);

        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Contains("[1, 14, 14]", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Backdoor_KnownTriggerWithATargetOutOfRange_OneLineExit2()
    {
        var manifest = Path.Combine(_dir, "manifest.json");
        File.WriteAllText(manifest, """{ "target": 12, "trigger": { "kind": "patch", "row": 23, "column": 23, "size": 4, "pattern": "white", "seed": 0 } }""");

        var (code, _, _, error) = CliRunner.Run("backdoor", "demo", "--data", "demo", "--known-trigger", manifest, "--out", _dir);

        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Contains("target class 12 is out of range", error);
        Assert.Single(error.Trim().Split('\n'));
    }
}
