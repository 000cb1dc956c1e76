using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gauntlet.Onnx;

namespace Gauntlet.Governance.Registry;

/// <summary>One file of a model version: its path relative to the artifact, SHA-256 and size.</summary>
/// <param name="Path">Relative path (forward slashes).</param>
/// <param name="Sha256">Hex SHA-256 of the bytes.</param>
/// <param name="SizeBytes">Size in bytes.</param>
public sealed record ArtifactFile(string Path, string Sha256, long SizeBytes);

/// <summary>What the registry records about an artifact before storing it.</summary>
/// <param name="Format">onnx, gauntlet, pytorch, safetensors, keras, pickle, folder or unknown.</param>
/// <param name="Framework">The producer (ONNX producer_name and version) or what the user gave.</param>
/// <param name="Sha256">The file's SHA-256, or for a folder SHA-256 over its sorted "path sha256" lines.</param>
/// <param name="SizeBytes">Total bytes.</param>
/// <param name="Files">Every file with its hash.</param>
/// <param name="Signature">The inputs and outputs (name, element type, shape) read from the model, or an empty object.</param>
public sealed record ArtifactInfo(string Format, string Framework, string Sha256, long SizeBytes, IReadOnlyList<ArtifactFile> Files, JsonObject Signature);

/// <summary>
/// Hashes a model artifact (a file, a Gauntlet model with its manifest, or a folder) and reads its
/// input/output signature: from the ONNX graph (Gauntlet.Onnx's parser, no execution) or the
/// Gauntlet manifest.
/// </summary>
public static class ArtifactInspector
{
    /// <summary>Inspects the artifact at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">Nothing is there.</exception>
    /// <exception cref="InvalidDataException">An ONNX file does not parse.</exception>
    public static ArtifactInfo Inspect(string path, string? framework = null)
    {
        if (Directory.Exists(path))
        {
            var files = Directory.GetFiles(path, "*", SearchOption.AllDirectories)
                .Select(f => Hash(f, System.IO.Path.GetRelativePath(path, f).Replace('\\', '/')))
                .OrderBy(f => f.Path, StringComparer.Ordinal)
                .ToList();
            var onnx = files.FirstOrDefault(f => f.Path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase));
            var signature = onnx is null ? new JsonObject() : OnnxSignature(System.IO.Path.Combine(path, onnx.Path), out _);
            var combined = SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(files.Select(f => $"{f.Path} {f.Sha256}\n"))));
            return new ArtifactInfo("folder", framework ?? "unknown", Convert.ToHexStringLower(combined), files.Sum(f => f.SizeBytes), files, signature);
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no model file or folder there", path);
        }

        var main = Hash(path, System.IO.Path.GetFileName(path));
        var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".onnx")
        {
            var signature = OnnxSignature(path, out var producer);
            return new ArtifactInfo("onnx", framework ?? producer, main.Sha256, main.SizeBytes, [main], signature);
        }

        var manifest = System.IO.Path.ChangeExtension(path, ".model.json");
        if (File.Exists(manifest) && manifest != path)
        {
            var manifestFile = Hash(manifest, System.IO.Path.GetFileName(manifest));
            var json = JsonNode.Parse(File.ReadAllText(manifest))?.AsObject() ?? [];
            var signature = new JsonObject
            {
                ["inputs"] = new JsonArray(new JsonObject { ["name"] = "x", ["type"] = "float", ["shape"] = json["sample_shape"]?.DeepClone() }),
                ["outputs"] = new JsonArray(new JsonObject { ["name"] = "logits", ["type"] = "float", ["classes"] = json["class_count"]?.DeepClone() }),
                ["architecture"] = json["architecture"]?.DeepClone(),
            };
            var files = new[] { main, manifestFile };
            var combined = SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(files.Select(f => $"{f.Path} {f.Sha256}\n"))));
            return new ArtifactInfo("gauntlet", framework ?? "gauntlet", Convert.ToHexStringLower(combined), files.Sum(f => f.SizeBytes), files, signature);
        }

        var format = extension switch
        {
            ".pt" or ".pth" => "pytorch",
            ".safetensors" => "safetensors",
            ".h5" or ".keras" => "keras",
            ".pkl" or ".pickle" or ".joblib" => "pickle",
            _ => "unknown",
        };
        return new ArtifactInfo(format, framework ?? "unknown", main.Sha256, main.SizeBytes, [main], []);
    }

    /// <summary>SHA-256 and size of one file.</summary>
    public static ArtifactFile Hash(string path, string name)
    {
        using var stream = File.OpenRead(path);
        return new ArtifactFile(name, Convert.ToHexStringLower(SHA256.HashData(stream)), stream.Length);
    }

    private static JsonObject OnnxSignature(string path, out string producer)
    {
        var model = OnnxModel.Load(path);
        producer = string.IsNullOrEmpty(model.ProducerName) ? "onnx" : $"{model.ProducerName} {model.ProducerVersion}".Trim();
        static JsonArray Values(IEnumerable<OnnxValueInfo> values) => new([.. values.Select(v => (JsonNode)new JsonObject
        {
            ["name"] = v.Name,
            ["type"] = v.ElementType.ToString().ToLowerInvariant(),
            ["shape"] = v.ShapeText,
        })]);
        return new JsonObject
        {
            ["inputs"] = Values(model.Graph.RuntimeInputs),
            ["outputs"] = Values(model.Graph.Outputs),
            ["opset"] = model.DefaultOpset,
            ["ir_version"] = model.IrVersion,
        };
    }
}
