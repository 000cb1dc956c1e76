using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Models.Tests;

public class ModuleClassifierTests
{
    private static ModuleClassifier Make(float[]? mean = null, float[]? std = null) =>
        new(ModelZoo.Create("mlp", 1, 4, 4, 3, seed: 2), new Shape(1, 4, 4), 3, mean: mean, std: std);

    [Fact]
    public void LossGradient_IsTakenInRawInputSpace_ThroughNormalisation()
    {
        var clf = Make([0.5f], [0.25f]);
        var x = Tensor.RandU(new Rng(1), 0f, 1f, 2, 1, 4, 4);
        var (g, logits) = clf.LossGradient(x, [0, 2], (z, y) => Losses.CrossEntropy(z, y, Reduction.Sum));
        Assert.Equal(x.Shape, g.Shape);
        Assert.Equal(new Shape(2, 3), logits.Shape);

        // Finite difference on one pixel in raw space.
        const float h = 1e-2f;
        var plus = x.Clone();
        plus[1, 0, 2, 3] += h;
        var minus = x.Clone();
        minus[1, 0, 2, 3] -= h;
        float Loss(Tensor t) => Losses.CrossEntropy(clf.Predict(t), [0, 2], Reduction.Sum).Item();
        var numeric = (Loss(plus) - Loss(minus)) / (2 * h);
        Assert.Equal(numeric, g[1, 0, 2, 3], 2);
        Assert.Equal(6, clf.QueryCount); // 2 for the gradient, 2 per finite-difference evaluation
    }

    [Fact]
    public void Predict_RecordsNoAutodiff_AndFreezesModel()
    {
        var clf = Make();
        var logits = clf.Predict(Tensor.Zeros(3, 1, 4, 4).RequireGrad());
        Assert.False(logits.RequiresGrad);
        Assert.True(GradMode.IsEnabled);
    }

    [Fact]
    public void Predict_RejectsWrongSampleShape_NamingShapes()
    {
        var ex = Assert.Throws<TensorShapeException>(() => Make().Predict(Tensor.Zeros(2, 1, 5, 5)));
        Assert.Contains("[2, 1, 5, 5]", ex.Message);
        Assert.Contains("[1, 4, 4]", ex.Message);
    }

    [Fact]
    public void Constructor_RejectsMeanStdForWrongChannelCount()
    {
        var ex = Assert.Throws<ArgumentException>(() => Make([0.1f, 0.2f, 0.3f], [1f, 1f, 1f]));
        Assert.Contains("3 means", ex.Message);
    }

    [Theory]
    [InlineData("0,1", 0f, 1f)]
    [InlineData("-1,1", -1f, 1f)]
    [InlineData("0,255", 0f, 255f)]
    public void InputRange_ParsesCommandLineForm(string text, float min, float max) =>
        Assert.Equal(new InputRange(min, max), InputRange.Parse(text));

    [Theory]
    [InlineData("1,0")]
    [InlineData("0")]
    [InlineData("a,b")]
    public void InputRange_RejectsMalformedText(string text) =>
        Assert.Contains(text, Assert.Throws<FormatException>(() => InputRange.Parse(text)).Message);
}
