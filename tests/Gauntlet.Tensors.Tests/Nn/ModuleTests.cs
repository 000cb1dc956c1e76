using Gauntlet.Tensors.Nn;
using O = Gauntlet.Tensors.Ops;

namespace Gauntlet.Tensors.Tests.Nn;

public sealed class ModuleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-nn-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class Affine : Module
    {
        public Affine(int n, Rng rng)
        {
            W = RegisterParameter("w", Init.XavierUniform(Tensor.Zeros(n, n), rng));
            Steps = RegisterBuffer("steps", Tensor.Zeros(1));
        }

        public Tensor W { get; }

        public Tensor Steps { get; }

        public override Tensor Forward(Tensor input) => O.MatMul(input, W);
    }

    [Fact]
    public void Sequential_NamesParametersAndBuffersWithDottedPaths()
    {
        var model = new Sequential(new Affine(3, new Rng(1)), new Sequential(new Affine(3, new Rng(2))));
        Assert.Equal(["0.w", "1.0.w"], model.NamedParameters().Select(p => p.Name));
        Assert.Equal(["0.steps", "1.0.steps"], model.NamedBuffers().Select(p => p.Name));
        Assert.Equal(18, model.ParameterCount());
        Assert.All(model.Parameters(), p => Assert.True(p.RequiresGrad));
    }

    [Fact]
    public void TrainAndEval_PropagateToChildren()
    {
        var inner = new Affine(2, new Rng(1));
        var model = new Sequential(inner);
        model.Eval();
        Assert.False(inner.IsTraining);
        model.Train();
        Assert.True(inner.IsTraining);
    }

    [Fact]
    public void SetRequiresGrad_FreezesParameters_SoOnlyInputGradientsFlow()
    {
        var model = new Affine(2, new Rng(3));
        model.SetRequiresGrad(false);
        var x = Tensor.Ones(1, 2).RequireGrad();
        O.Sum(model.Forward(x)).Backward();
        Assert.NotNull(x.Grad);
        Assert.Null(model.W.Grad);
    }

    [Fact]
    public void Initialisation_IsReproducibleFromSeed_AndWithinBounds()
    {
        var a = Init.KaimingUniform(Tensor.Zeros(64, 32, 3, 3), new Rng(42));
        var b = Init.KaimingUniform(Tensor.Zeros(64, 32, 3, 3), new Rng(42));
        Assert.Equal(a.ToArray(), b.ToArray());
        var bound = MathF.Sqrt(2f) * MathF.Sqrt(3f / (32 * 9));
        Assert.All(a.ToArray(), v => Assert.InRange(v, -bound, bound));
        var normal = Init.KaimingNormal(Tensor.Zeros(256, 512), new Rng(1));
        var std = Math.Sqrt(normal.ToArray().Select(v => (double)v * v).Average());
        Assert.InRange(std / Math.Sqrt(2.0 / 512), 0.98, 1.02);
        var xavier = Init.XavierNormal(Tensor.Zeros(300, 200), new Rng(2));
        Assert.InRange(Math.Sqrt(xavier.ToArray().Select(v => (double)v * v).Average()) / Math.Sqrt(2.0 / 500), 0.98, 1.02);
    }

    [Fact]
    public void Init_ThrowsForRankOneWeights()
    {
        var ex = Assert.Throws<ArgumentException>(() => Init.XavierUniform(Tensor.Zeros(5), new Rng(1)));
        Assert.Contains("[5]", ex.Message);
    }

    [Fact]
    public void ParameterFile_RoundTripsStateDict()
    {
        var model = new Sequential(new Affine(4, new Rng(1)), new Affine(4, new Rng(2)));
        ((Affine)model.Layers[0]).Steps.Span[0] = 7f;
        var path = Path.Combine(_dir, "m.gntp");
        ParameterFile.Save(path, model.StateDict());
        var copy = new Sequential(new Affine(4, new Rng(9)), new Affine(4, new Rng(9)));
        copy.LoadStateDict(ParameterFile.Load(path));
        foreach (var (name, value) in model.StateDict())
        {
            Assert.Equal(value.ToArray(), copy.StateDict()[name].ToArray());
        }

        Assert.Empty(Directory.GetFiles(_dir, "*.tmp-*"));
    }

    [Fact]
    public void ParameterFile_Truncated_GivesCleanError()
    {
        var path = Path.Combine(_dir, "t.gntp");
        ParameterFile.Save(path, new Affine(8, new Rng(1)).StateDict());
        var bytes = File.ReadAllBytes(path);
        for (var cut = 1; cut < bytes.Length; cut += 37)
        {
            File.WriteAllBytes(path, bytes[..cut]);
            var ex = Assert.Throws<InvalidDataException>(() => ParameterFile.Load(path));
            Assert.Contains("t.gntp", ex.Message);
        }
    }

    [Fact]
    public void ParameterFile_RejectsForeignFile()
    {
        var path = Path.Combine(_dir, "x.bin");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5, 6, 7, 8]);
        var ex = Assert.Throws<InvalidDataException>(() => ParameterFile.Load(path));
        Assert.Contains("not a Gauntlet parameter file", ex.Message);
    }

    [Fact]
    public void LoadStateDict_NamesMissingAndMismatchedEntries()
    {
        var model = new Affine(2, new Rng(1));
        var ex = Assert.Throws<InvalidDataException>(() => model.LoadStateDict(new Dictionary<string, Tensor> { ["w"] = Tensor.Zeros(2, 2) }));
        Assert.Contains("missing [steps]", ex.Message);
        var shape = Assert.Throws<InvalidDataException>(() => model.LoadStateDict(new Dictionary<string, Tensor> { ["w"] = Tensor.Zeros(3, 2), ["steps"] = Tensor.Zeros(1) }));
        Assert.Contains("'w' has shape [3, 2]", shape.Message);
    }
}
