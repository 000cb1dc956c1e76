using Gauntlet.Tensors;

namespace Gauntlet.Data.Tests;

public sealed class DataValidatorTests
{
    private static LabeledImages Set(float[] values, int[] labels, int classes = 10) =>
        new(Tensor.FromArray(values, labels.Length, 1, 1, values.Length / labels.Length), labels, classes, "unit-set");

    [Fact]
    public void Validate_CleanData_Passes()
    {
        DataValidator.Validate(Set([0f, 1f, 0.5f, 0.25f], [0, 9]), 10, (0f, 1f), new Shape(1, 1, 2));
        DataValidator.Validate(Set([0f, 1f], [0, 9]), 10, (0f, 1f), new Shape(1, 1, 1, 1));
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "infinite")]
    [InlineData(1.5f, "outside the declared input range [0, 1]")]
    public void Validate_BadValue_NamesSourceImageAndExpectation(float bad, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => DataValidator.Validate(Set([0f, 0f, 0f, bad], [0, 1]), 10, (0f, 1f)));
        Assert.Contains("unit-set", ex.Message);
        Assert.Contains("image 1", ex.Message);
        Assert.Contains("element 1", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Validate_LabelOutsideModelClasses_NamesIndex()
    {
        var ex = Assert.Throws<InvalidDataException>(() => DataValidator.Validate(Set([0f, 0f], [1, 7]), 5, (0f, 1f)));
        Assert.Contains("label 7 at index 1", ex.Message);
        Assert.Contains("5 classes", ex.Message);
    }

    [Fact]
    public void Validate_ShapeMismatch_SaysBoth()
    {
        var ex = Assert.Throws<InvalidDataException>(() => DataValidator.Validate(Set([0f, 0f], [1, 2]), 10, (0f, 1f), new Shape(3, 28, 28)));
        Assert.Contains("[1, 1, 1]", ex.Message);
        Assert.Contains("[3, 28, 28]", ex.Message);
    }
}
