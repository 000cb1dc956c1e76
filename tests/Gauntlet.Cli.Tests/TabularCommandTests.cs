using System.Globalization;
using System.Text.Json;
using Gauntlet.TestSupport;

namespace Gauntlet.Cli.Tests;

/// <summary>
/// CSV data in eval and audit with the scikit-learn pipelines of examples/tabular
/// (tools/tabular/make_credit_models.py): the tree model audits with white-box not applicable,
/// the linear one with white-box attacks, and user mistakes are one-line errors with exit 2.
/// </summary>
public sealed class TabularCommandTests : IDisposable
{
    private const string TinyPlan = """
        samples: 24
        batch: 24
        pgd_steps: 5
        apgd_steps: 5
        max_queries: 40
        noise_trials: 3
        threats:
          - name: linf
            norm: linf
            epsilons: [0.5]
            attacks: [gaussian-noise, square, fgsm, pgd, apgd-t]
        """;

    private static readonly string Folder = Path.Combine(RepoPaths.Root, "examples", "tabular");
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("gauntlet-tabular-cli-");

    public void Dispose() => _work.Delete(recursive: true);

    private static string Example(string name) => Path.Combine(Folder, name);

    private string Plan()
    {
        var path = Path.Combine(_work.FullName, "plan.yaml");
        File.WriteAllText(path, TinyPlan);
        return path;
    }

    [Fact]
    public void Eval_on_a_csv_gives_the_sklearn_pipelines_accuracy()
    {
        // The reference: scikit-learn's predicted labels against the table's labels.
        var truth = File.ReadAllLines(Example("credit_test.csv")).Skip(1).Select(l => l.Split(',')[^1]).ToArray();
        var predicted = File.ReadAllLines(Example("sklearn_probabilities.csv")).Skip(1).Select(l => l.Split(',')).Where(f => f[0] == "gb").Select(f => f[4]).ToArray();
        var expected = truth.Zip(predicted).Count(p => p.First == p.Second) / (double)truth.Length;

        var json = Path.Combine(_work.FullName, "eval.json");
        var (code, console, _, err) = CliRunner.Run("eval", Example("credit_gb.onnx"), "--data", Example("credit_test.csv"), "--label-column", "default", "--json", json);
        Assert.True(code == 0, err + console);
        Assert.Contains("on 200 rows", console, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(expected, doc.RootElement.GetProperty("accuracy").GetDouble(), 9);
        Assert.Equal(200, doc.RootElement.GetProperty("n").GetInt32());
    }

    [Theory]
    [InlineData("rf", false)]
    [InlineData("lr", true)]
    public void Audit_of_a_sklearn_pipeline_writes_five_reports(string model, bool whiteBox)
    {
        var output = Path.Combine(_work.FullName, model);
        var (code, console, _, err) = CliRunner.Run(
            "audit", Example($"credit_{model}.onnx"), "--data", Example("credit_test.csv"), "--label-column", "default",
            "--schema", Example("credit_schema.yaml"), "--protected", "sex", "--plan", Plan(), "--out", output, "--assessments", "evasion");
        Assert.True(code is 0 or 1, err + console);
        foreach (var file in new[] { "security_audit_report.json", "report.html", "summary.md", "report.sarif", "junit.xml" })
        {
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        }

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "security_audit_report.json")));
        Assert.Equal("complete", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(24, json.RootElement.GetProperty("data").GetProperty("samples").GetInt32());
        var categories = json.RootElement.GetProperty("scorecard").GetProperty("categories").EnumerateArray().ToList();
        var white = categories.Single(c => c.GetProperty("id").GetString()!.Contains("white", StringComparison.Ordinal));
        if (whiteBox)
        {
            Assert.Equal(JsonValueKind.Number, white.GetProperty("score").ValueKind);
        }
        else
        {
            Assert.Equal("not_applicable", white.GetProperty("status").GetString());
            Assert.Contains("no gradients", white.GetProperty("basis").GetString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--protected", "age_group", "--protected age_group: ")]
    [InlineData("--label-column", "nope", "")]
    public void Unknown_columns_are_one_line_errors(string option, string value, string prefix)
    {
        var (code, _, _, err) = CliRunner.Run("audit", Example("credit_lr.onnx"), "--data", Example("credit_test.csv"), option, value, "--plan", Plan(), "--out", Path.Combine(_work.FullName, "x"));
        Assert.Equal(2, code);
        var line = err.Trim();
        Assert.DoesNotContain('\n', line);
        Assert.Contains(prefix, line, StringComparison.Ordinal);
        Assert.Contains(value, line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_work.FullName, "x")));
    }

    [Fact]
    public void A_row_breaking_the_schema_is_named()
    {
        var schema = Path.Combine(_work.FullName, "strict.yaml");
        File.WriteAllText(schema, "features:\n  age: {type: integer, min: 30}\n");
        var (code, _, _, err) = CliRunner.Run("eval", Example("credit_lr.onnx"), "--data", Example("credit_test.csv"), "--label-column", "default", "--schema", schema);
        Assert.Equal(2, code);
        var firstYoung = File.ReadAllLines(Example("credit_test.csv")).Skip(1).Select((l, i) => (Age: int.Parse(l.Split(',')[0], CultureInfo.InvariantCulture), Row: i + 1)).First(t => t.Age < 30);
        Assert.Equal($"error: {Example("credit_test.csv")}: row {firstYoung.Row} breaks {schema}: age = {firstYoung.Age} is below its minimum 30.", err.Trim());
    }

    [Fact]
    public void Table_options_are_refused_for_image_data()
    {
        var (code, _, _, err) = CliRunner.Run("eval", "demo", "--data", "demo", "--label-column", "y");
        Assert.Equal(2, code);
        Assert.Equal("error: --label-column: only for --data a CSV table (.csv or .tsv); 'demo' is not one.", err.Trim());
    }
}
