using System.Text.Json;
using System.Text.Json.Nodes;
using Gauntlet.Core.IO;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Models;

/// <summary>A built-in architecture with its trained parameters, as loaded from disk.</summary>
/// <param name="Architecture">The <see cref="ModelZoo"/> name.</param>
/// <param name="Network">The network, parameters loaded.</param>
/// <param name="SampleShape">Shape of one input sample.</param>
/// <param name="ClassCount">Number of classes.</param>
/// <param name="ClassNames">Class names in label order.</param>
/// <param name="Path">The parameter file it came from.</param>
public sealed record LoadedModel(string Architecture, Sequential Network, Shape SampleShape, int ClassCount, IReadOnlyList<string> ClassNames, string Path);

/// <summary>
/// Saves and loads a <see cref="ModelZoo"/> model as two files: the parameters
/// (<c>NAME.gntp</c>, <see cref="ParameterFile"/>) and a manifest beside them
/// (<c>NAME.model.json</c>: architecture, sample shape, classes, seed) that says how to rebuild it.
/// </summary>
public static class ModelFile
{
    /// <summary>The manifest path for a parameter file.</summary>
    public static string ManifestPath(string parametersPath) => System.IO.Path.ChangeExtension(parametersPath, ".model.json");

    /// <summary>Writes parameters and manifest (each atomically).</summary>
    public static void Save(string path, string architecture, Module network, Shape sampleShape, int classCount, IReadOnlyList<string> classNames, int seed)
    {
        ParameterFile.Save(path, network.StateDict());
        var manifest = new JsonObject
        {
            ["schema_version"] = 1,
            ["architecture"] = architecture,
            ["sample_shape"] = new JsonArray([.. sampleShape.ToArray().Select(d => (JsonNode)d)]),
            ["class_count"] = classCount,
            ["class_names"] = new JsonArray([.. classNames.Select(n => (JsonNode)n)]),
            ["seed"] = seed,
            ["parameters"] = System.IO.Path.GetFileName(path),
        };
        AtomicFile.WriteAllText(ManifestPath(path), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Loads a model saved by <see cref="Save"/> (or by <c>gauntlet train --out</c>).</summary>
    /// <remarks>Both files are read through <see cref="InputFile"/>: regular files only, the manifest within <see cref="InputLimits.DocumentBytes"/> and nested at most <see cref="InputLimits.MaxNestingDepth"/> deep, the parameters within <see cref="InputLimits.InputBytes"/>.</remarks>
    /// <exception cref="FileNotFoundException">The parameter file or its manifest is missing.</exception>
    /// <exception cref="InvalidDataException">A path is a folder, not a regular file or too large; the manifest is malformed or does not match the parameters.</exception>
    public static LoadedModel Load(string path)
    {
        InputFile.Check(path, "model file");
        var manifestPath = ManifestPath(path);
        if (!File.Exists(manifestPath))
        {
            throw new FileNotFoundException($"{path}: the manifest {System.IO.Path.GetFileName(manifestPath)} that says how to rebuild the model is missing (gauntlet train --out writes both).", manifestPath);
        }

        JsonNode root;
        try
        {
            var text = InputFile.ReadAllText(manifestPath, "model manifest", InputLimits.DocumentBytes);
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = InputLimits.MaxNestingDepth }) ?? throw new InvalidDataException($"{manifestPath}: empty manifest.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{manifestPath}: not valid JSON ({ex.Message}).", ex);
        }

        string Field(string name) => root[name]?.ToString() ?? throw new InvalidDataException($"{manifestPath}: field '{name}' is missing.");
        var architecture = Field("architecture");
        int[] shape;
        int classes;
        try
        {
            shape = [.. root["sample_shape"]!.AsArray().Select(n => n!.GetValue<int>())];
            classes = root["class_count"]!.GetValue<int>();
        }
        catch (Exception ex) when (ex is NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{manifestPath}: 'sample_shape' must be an array of integers and 'class_count' an integer.", ex);
        }

        if (shape.Length != 3 || shape.Any(d => d <= 0) || classes < 2 || classes > InputLimits.MaxClasses)
        {
            throw new InvalidDataException($"{manifestPath}: sample_shape [{string.Join(", ", shape)}] and class_count {classes}; expected [C, H, W] with positive sizes and 2 to {InputLimits.MaxClasses} classes ({InputLimits.MaxClassesHowToRaise}).");
        }

        var names = root["class_names"]?.AsArray().Select(n => n!.ToString()).ToList() ?? [.. Enumerable.Range(0, classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        Sequential network;
        try
        {
            network = ModelZoo.Create(architecture, shape[0], shape[1], shape[2], classes, seed: 0);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{manifestPath}: {ex.Message}", ex);
        }

        network.LoadStateDict(ParameterFile.Load(path));
        network.Eval();
        return new LoadedModel(architecture, network, new Shape(shape), classes, names, path);
    }
}
