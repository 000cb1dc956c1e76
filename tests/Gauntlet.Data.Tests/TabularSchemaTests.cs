using Gauntlet.TestSupport;

namespace Gauntlet.Data.Tests;

public sealed class TabularSchemaTests
{
    private static readonly string[] Columns = ["age", "income", "debt_ratio", "sex", "rent", "own", "mortgage"];

    private const string Yaml = """
        features:
          age: {type: integer, min: 18, max: 100, direction: increase}
          income: {type: numeric, min: 0}
          debt_ratio: {min: 0, max: 1.5, step: 0.01}
          sex: {type: categorical, values: [0, 1], immutable: true}
        one_hot:
          - [rent, own, mortgage]
        """;

    private static TabularSchema Schema() => TabularSchema.Parse(Yaml, "s.yaml", Columns);

    [Fact]
    public void Parses_kinds_bounds_and_one_hot_groups()
    {
        var s = Schema();
        Assert.Equal(FeatureKind.Integer, s.Features[0].Kind);
        Assert.Equal(1f, s.Features[0].Step);
        Assert.Equal(1, s.Features[0].Direction);
        Assert.True(s.Features[3].Immutable);
        Assert.Equal([0f, 1f], s.Features[3].Values!);
        Assert.Equal(0.01f, s.Features[2].Step);
        Assert.Equal([4, 5, 6], Assert.Single(s.OneHotGroups));
        Assert.Equal(FeatureKind.Categorical, s.Features[5].Kind);
    }

    [Theory]
    [InlineData(new[] { 40f, 50000, 0.2f, 1, 0, 1, 0 }, null)]
    [InlineData(new[] { 17f, 50000, 0.2f, 1, 0, 1, 0 }, "age = 17 is below its minimum 18")]
    [InlineData(new[] { 40.5f, 50000, 0.2f, 1, 0, 1, 0 }, "age = 40.5 is not on its step 1")]
    [InlineData(new[] { 40f, 50000, 0.205f, 1, 0, 1, 0 }, "debt_ratio = 0.205 is not on its step 0.01")]
    [InlineData(new[] { 40f, 50000, 0.2f, 2, 0, 1, 0 }, "sex = 2 is not one of its codes 0, 1")]
    [InlineData(new[] { 40f, 50000, 0.2f, 1, 1, 1, 0 }, "one-hot group rent/own/mortgage has 2 columns set; expected exactly one")]
    public void Violation_names_the_first_broken_constraint(float[] record, string? expected) =>
        Assert.Equal(expected, Schema().Violation(record));

    [Fact]
    public void Violation_against_the_original_checks_immutable_and_direction()
    {
        var s = Schema();
        float[] original = [40, 50000, 0.2f, 1, 0, 1, 0];
        Assert.Equal("sex = 0 changed from 1 but is immutable", s.Violation([40, 50000, 0.2f, 0, 0, 1, 0], original));
        Assert.Equal("age = 39 moved from 40 against its direction (increase only)", s.Violation([39, 50000, 0.2f, 1, 0, 1, 0], original));
        Assert.Null(s.Violation([41, 48000, 0.25f, 1, 1, 0, 0], original));
    }

    [Fact]
    public void Project_makes_any_perturbation_valid()
    {
        var s = Schema();
        float[] original = [40, 50000, 0.2f, 1, 0, 1, 0];
        var rng = new Random(7);
        for (var trial = 0; trial < 200; trial++)
        {
            var candidate = original.Select(v => v + (float)((rng.NextDouble() - 0.5) * 3 * Math.Max(1, Math.Abs(v) * 0.1))).ToArray();
            s.Project(candidate, original);
            Assert.Null(s.Violation(candidate, original));
        }

        float[] wild = [10, -5, 9, 0, 0.2f, 0.3f, 0.9f];
        s.Project(wild, original);
        Assert.Equal([40f, 0, 1.5f, 1, 0, 0, 1], wild);
    }

    [Theory]
    [InlineData("features:\n  agee: {type: integer}", "s.yaml: features.agee: no feature column 'agee' in the table (columns: age, income, debt_ratio, sex, rent, own, mortgage).")]
    [InlineData("features:\n  age: {type: text}", "s.yaml: features.age.type: 'text' is not numeric, integer or categorical.")]
    [InlineData("features:\n  age: {min: 5, max: 1}", "s.yaml: features.age: min 5 is above max 1.")]
    [InlineData("features:\n  sex: {type: categorical}", "s.yaml: features.sex.values: a categorical feature needs its list of codes.")]
    [InlineData("features:\n  age: {colour: red}", "s.yaml: features.age.colour: unknown key (expected type, min, max, step, immutable, direction, values).")]
    [InlineData("one_hot:\n  - [rent]", "s.yaml: one_hot[0]: expected a list of at least two column names.")]
    [InlineData("featurez: {}", "s.yaml: featurez: unknown key (expected features, one_hot).")]
    [InlineData("features: [", null)]
    public void Bad_schemas_give_one_line_errors(string yaml, string? expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => TabularSchema.Parse(yaml, "s.yaml", Columns));
        Assert.DoesNotContain('\n', e.Message);
        if (expected is not null)
        {
            Assert.Equal(expected, e.Message);
        }
        else
        {
            Assert.StartsWith("s.yaml: not valid YAML", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_credit_example_schema_fits_its_test_table()
    {
        var folder = Path.Combine(RepoPaths.Root, "examples", "tabular");
        var table = CsvTable.Load(Path.Combine(folder, "credit_test.csv"), "default");
        var schema = TabularSchema.Load(Path.Combine(folder, "credit_schema.yaml"), table.FeatureNames);
        var f = table.Features.Dim(1);
        for (var r = 0; r < table.Count; r++)
        {
            Assert.Null(schema.Violation(table.Features.ReadOnlySpan.Slice(r * f, f)));
        }

        var records = table.ToRecords();
        Assert.Equal([200, 1, 1, 8], records.Images.Shape.ToArray());
        Assert.Equal(table.Column("sex"), Enumerable.Range(0, 200).Select(r => table.Features.ReadOnlySpan[(r * f) + 5]).ToArray());
    }
}
