using Gauntlet.Data.Tests.Fuzz;
using Xunit.Abstractions;

namespace Gauntlet.Onnx.Tests.Fuzz;

/// <summary>The ONNX parser on random and mutated model bytes: only <see cref="InvalidDataException"/> (its documented failure) may escape.</summary>
public sealed class OnnxParserFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Parse_RandomAndMutatedModelBytes_OnlyInvalidData()
    {
        var valid = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch", "resnet_mini.onnx"));
        var cases = ReaderFuzz.Run(output, "onnx", valid, b => OnnxModel.Parse(b, "fuzz.onnx"), typeof(InvalidDataException));
        Assert.Equal(ReaderFuzz.Cases, cases);
    }
}
