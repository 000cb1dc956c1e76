using System.Security.Cryptography;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Onnx;
using Gauntlet.Tensors;

namespace Gauntlet.Audit;

/// <summary>The model under audit and how the report names it: its path, file hash and format.</summary>
/// <param name="Classifier">What the attacks see.</param>
/// <param name="Path">The model file as given, <c>demo</c>, or a description for in-memory models.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the model file, or of nothing known (<c>unknown</c>).</param>
/// <param name="Format"><c>onnx</c> or a Gauntlet architecture name.</param>
public sealed record AuditSubject(IClassifier Classifier, string Path, string Sha256, string Format)
{
    /// <summary>The model file's bytes when it has no file on disk (the embedded demo), so the supply-chain module can scan it; null otherwise.</summary>
    public byte[]? ModelBytes { get; init; }

    /// <summary>
    /// Wraps a loaded ONNX model as a classifier over <paramref name="data"/>'s samples. ONNX graphs
    /// declare their input but not the class count, so one forward pass on the first sample finds it.
    /// </summary>
    /// <param name="model">The ONNX model.</param>
    /// <param name="data">Data shaped like the model's input.</param>
    /// <param name="range">The input domain (default [0, 1]).</param>
    /// <exception cref="InvalidDataException">The model's output for one sample is not <c>[1, K]</c> with K ≥ 2.</exception>
    public static AuditSubject FromOnnx(OnnxClassifier model, LabeledImages data, InputRange? range = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var classes = model.ProbeClassCount(data.Take(1).Images);
        var path = model.Session.Model.Path;
        var classifier = new ModuleClassifier(new Gauntlet.Tensors.Nn.Sequential(model), new Shape(data.Images.Shape.Dims[1..].ToArray()), classes, range ?? InputRange.Unit);
        return new AuditSubject(classifier, path ?? "in-memory ONNX model", path is not null && File.Exists(path) ? HashFile(path) : "unknown", "onnx");
    }

    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Lower-case hex SHA-256 of bytes.</summary>
    public static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
