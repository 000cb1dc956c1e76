using Gauntlet.Tensors;

namespace Gauntlet.Models.Tests;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-modelfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SaveThenLoad_RebuildsIdenticalModel()
    {
        var model = ModelZoo.Create("mlp", 1, 28, 28, 10, seed: 4);
        var path = Path.Combine(_dir, "m.gntp");
        ModelFile.Save(path, "mlp", model, new Shape(1, 28, 28), 10, [.. Enumerable.Range(0, 10).Select(i => $"c{i}")], 4);
        var loaded = ModelFile.Load(path);
        Assert.Equal("mlp", loaded.Architecture);
        Assert.Equal("c3", loaded.ClassNames[3]);
        var x = Tensor.RandU(new Rng(1), 0, 1, 2, 1, 28, 28);
        model.Eval();
        Assert.Equal(model.Forward(x).ToArray(), loaded.Network.Forward(x).ToArray());
    }

    [Fact]
    public void Load_MissingManifest_SaysWhatIsMissing()
    {
        var path = Path.Combine(_dir, "x.gntp");
        File.WriteAllBytes(path, [1]);
        var ex = Assert.Throws<FileNotFoundException>(() => ModelFile.Load(path));
        Assert.Contains("x.model.json", ex.Message);
    }

    [Fact]
    public void Load_ManifestWithUnknownArchitecture_IsInvalidData()
    {
        var model = ModelZoo.Create("mlp", 1, 28, 28, 10, seed: 4);
        var path = Path.Combine(_dir, "m.gntp");
        ModelFile.Save(path, "mlp", model, new Shape(1, 28, 28), 10, [.. Enumerable.Range(0, 10).Select(i => $"c{i}")], 4);
        File.WriteAllText(ModelFile.ManifestPath(path), File.ReadAllText(ModelFile.ManifestPath(path)).Replace("\"mlp\"", "\"vgg\"", StringComparison.Ordinal));
        var ex = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path));
        Assert.Contains("vgg", ex.Message);
    }
}
