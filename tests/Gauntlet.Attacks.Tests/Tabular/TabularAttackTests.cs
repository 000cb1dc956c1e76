using Gauntlet.Attacks.Registry;
using Gauntlet.Attacks.Tabular;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Onnx;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;
using Gauntlet.TestSupport;

namespace Gauntlet.Attacks.Tests.Tabular;

/// <summary>
/// The constrained tabular attacks on the scikit-learn credit pipelines (examples/tabular): every
/// adversarial record satisfies the schema (immutable sex, age only up, integer steps, categorical
/// codes, bounds), and the attacks do break some records.
/// </summary>
public sealed class TabularAttackTests
{
    private static readonly string Folder = Path.Combine(RepoPaths.Root, "examples", "tabular");

    private static (ModuleClassifier Classifier, LabeledImages Records, TabularSchema Schema) Setup(string model, int rows)
    {
        var table = CsvTable.Load(Path.Combine(Folder, "credit_test.csv"), "default");
        var schema = TabularSchema.Load(Path.Combine(Folder, "credit_schema.yaml"), table.FeatureNames);
        var onnx = OnnxClassifier.Load(Path.Combine(Folder, $"credit_{model}.onnx"));
        var records = table.ToRecords().Take(rows);
        var classifier = new ModuleClassifier(new Sequential(new OnnxTabularModel(onnx)), new Shape(1, 1, 8), 2, new InputRange(0, 1e6f))
        {
            HasGradients = onnx.HasGradients,
        };
        return (classifier, records, schema);
    }

    private static int CheckRecords(AttackResult result, LabeledImages records, TabularSchema schema)
    {
        var clean = records.Images.ToArray();
        var adversarial = result.Adversarial.ToArray();
        var broken = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var violation = schema.Violation(adversarial.AsSpan(i * 8, 8), clean.AsSpan(i * 8, 8));
            Assert.True(violation is null, $"record {i}: {violation}");
            if (result.Success[i] && result.OriginalPrediction[i] == records.Labels[i])
            {
                Assert.NotEqual(records.Labels[i], result.AdversarialPrediction[i]);
                broken++;
            }
        }

        return broken;
    }

    [Fact]
    public void LowProFool_on_the_linear_pipeline_gives_valid_records()
    {
        var (classifier, records, schema) = Setup("lr", 20);
        var result = new LowProFool(steps: 40, stepSize: 0.1f, schema: schema).Run(classifier, records.Images, AttackGoal.Untargeted(records.Labels), seed: 1);
        var broken = CheckRecords(result, records, schema);
        Assert.True(broken >= 3, $"only {broken} of {records.Count} records broken");
    }

    [Theory]
    [InlineData("rf")]
    [InlineData("gb")]
    public void Boundary_attack_on_tree_pipelines_gives_valid_records(string model)
    {
        var (classifier, records, schema) = Setup(model, 12);
        Assert.False(classifier.HasGradients);
        var result = new TabularBoundary(maxQueries: 40, schema: schema).Run(classifier, records.Images, AttackGoal.Untargeted(records.Labels), seed: 2);
        var broken = CheckRecords(result, records, schema);
        Assert.True(broken >= 2, $"only {broken} of {records.Count} records broken");
    }

    [Fact]
    public void LowProFool_refuses_a_model_without_gradients()
    {
        var (classifier, records, schema) = Setup("rf", 2);
        var e = Assert.Throws<InvalidOperationException>(() => new LowProFool(schema: schema).Run(classifier, records.Images, AttackGoal.Untargeted(records.Labels)));
        Assert.Contains("needs input gradients", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_attacks_are_registered_and_not_auditable_epsilon_attacks()
    {
        Assert.Same(LowProFool.Descriptor, AttackRegistry.Find("lowprofool"));
        Assert.Same(TabularBoundary.Descriptor, AttackRegistry.Find("tabular-boundary"));
        Assert.False(LowProFool.Descriptor.IsNormBounded);
        Assert.IsType<TabularBoundary>(TabularBoundary.Descriptor.Create(new AttackSettings { MaxQueries = 50 }));
    }
}
