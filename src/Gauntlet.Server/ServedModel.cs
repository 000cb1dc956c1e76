using System.Globalization;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Onnx;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Server;

/// <summary>A loaded model as the server sees it: a classifier with a name, a version and class names.</summary>
/// <param name="Name">The model's name in URLs and the log.</param>
/// <param name="Version">Its version (requests naming another version get 404).</param>
/// <param name="Classifier">The classifier (called from one thread at a time).</param>
/// <param name="ClassNames">One name per class.</param>
/// <param name="Sha256">Hex SHA-256 of the model's bytes.</param>
public sealed record ServedModel(string Name, string Version, IClassifier Classifier, IReadOnlyList<string> ClassNames, string Sha256)
{
    /// <summary>Values in one sample.</summary>
    public int SampleSize => Classifier.SampleShape.Size;

    /// <summary>The sample shape as an array.</summary>
    public int[] SampleShape => Classifier.SampleShape.Dims.ToArray();

    /// <summary>The embedded demo CNN (Fashion-MNIST, 1×28×28, 10 classes).</summary>
    public static ServedModel Demo()
    {
        var bytes = DemoModel.OnnxBytes();
        var network = new OnnxClassifier(OnnxModel.Parse(bytes, "embedded demo model"));
        return FromOnnx(network, "demo", "1", new Shape(1, 28, 28), FashionMnist.ClassNames, bytes);
    }

    /// <summary>
    /// Loads an ONNX model (its declared input shape without the batch dimension is the sample shape;
    /// one forward pass gives the class count) or a Gauntlet model file.
    /// </summary>
    /// <param name="path">The model file.</param>
    /// <param name="version">The version to serve it as (default: the first 12 hex digits of its SHA-256).</param>
    /// <exception cref="InvalidDataException">The file is not a model the server can serve.</exception>
    public static ServedModel Load(string path, string? version = null)
    {
        var bytes = File.ReadAllBytes(path);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var name = Path.GetFileNameWithoutExtension(path);
        if (path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            var network = new OnnxClassifier(OnnxModel.Parse(bytes, path));
            var declared = network.Input.Shape;
            if (declared is not { Count: > 1 } || declared.Skip(1).Any(d => d.Value is null))
            {
                throw new InvalidDataException($"{path}: input '{network.Input.Name}' has no fixed sample shape, so the server cannot check request shapes.");
            }

            var shape = new Shape([.. declared.Skip(1).Select(d => (int)d.Value!.Value)]);
            return FromOnnx(network, name, version ?? sha[..12], shape, null, bytes);
        }

        var loaded = ModelFile.Load(path);
        var classifier = new ModuleClassifier(loaded.Network, loaded.SampleShape, loaded.ClassCount);
        return new ServedModel(name, version ?? sha[..12], classifier, loaded.ClassNames, sha);
    }

    private static ServedModel FromOnnx(OnnxClassifier network, string name, string version, Shape shape, IReadOnlyList<string>? names, byte[] bytes)
    {
        var classes = network.ProbeClassCount(Tensor.Zeros(new Shape([1, .. shape.Dims])));
        var classNames = names is not null && names.Count == classes ? names : [.. Enumerable.Range(0, classes).Select(i => i.ToString(CultureInfo.InvariantCulture))];
        var classifier = new ModuleClassifier(new Sequential(network), shape, classes);
        return new ServedModel(name, version, classifier, classNames, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
    }
}
