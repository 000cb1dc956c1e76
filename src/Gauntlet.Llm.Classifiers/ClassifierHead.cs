using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Llm.Classifiers;

/// <summary>One dense layer of a head: <c>y = W·x + b</c>, then the activation.</summary>
/// <param name="In">Input width.</param>
/// <param name="Out">Output width.</param>
/// <param name="Weight">Row-major <c>[Out, In]</c> weights.</param>
/// <param name="Bias">The <c>Out</c> biases.</param>
/// <param name="Activation">"relu" or "none".</param>
public sealed record HeadLayer(int In, int Out, float[] Weight, float[] Bias, string Activation);

/// <summary>
/// A small classifier on <see cref="MiniLmEncoder"/> embeddings: dense layers ending in two logits
/// (negative, positive), trained with Gauntlet's <see cref="Trainer"/> and stored as JSON (the
/// committed heads are resources of this assembly, <see cref="LoadEmbedded"/>). The JSON also
/// records how the head was trained and what it scored on held-out data, so the file is its own
/// model card.
/// </summary>
public sealed class ClassifierHead
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Creates a head from its layers.</summary>
    /// <param name="name">The head's name (e.g. "prompt-injection").</param>
    /// <param name="layers">The layers, first to last; the last has two outputs.</param>
    /// <param name="threshold">Positive when the positive-class probability is at least this.</param>
    /// <exception cref="InvalidDataException">The layers do not chain from <see cref="MiniLmEncoder.Dimension"/> to 2, or a weight array has the wrong length.</exception>
    public ClassifierHead(string name, IReadOnlyList<HeadLayer> layers, double threshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(layers);
        Name = name;
        Layers = layers;
        Threshold = threshold;
        Validate();
    }

    /// <summary>The head's name.</summary>
    public string Name { get; }

    /// <summary>The layers.</summary>
    public IReadOnlyList<HeadLayer> Layers { get; }

    /// <summary>The decision threshold on the positive-class probability.</summary>
    public double Threshold { get; }

    /// <summary>Free-form training and evaluation figures recorded with the head (for the model card).</summary>
    public Dictionary<string, JsonElement> Info { get; init; } = [];

    /// <summary>Loads one of the heads committed as resources of this assembly.</summary>
    /// <param name="name">"prompt-injection" or "jailbroken-response".</param>
    /// <returns>The head.</returns>
    /// <exception cref="ArgumentException">No head has that name.</exception>
    public static ClassifierHead LoadEmbedded(string name)
    {
        using var s = typeof(ClassifierHead).Assembly.GetManifestResourceStream($"Gauntlet.Llm.Classifiers.Heads.{name}.json")
            ?? throw new ArgumentException($"no embedded classifier head named '{name}'.", nameof(name));
        return Read(s, name);
    }

    /// <summary>Reads a head from its JSON.</summary>
    /// <param name="json">The JSON stream.</param>
    /// <param name="source">A name for error messages.</param>
    /// <returns>The head.</returns>
    /// <exception cref="InvalidDataException">The JSON is not a valid head.</exception>
    public static ClassifierHead Read(Stream json, string source)
    {
        HeadFile? file;
        try
        {
            file = JsonSerializer.Deserialize<HeadFile>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a classifier head ({e.Message}).", e);
        }

        if (file is null || file.Layers is null || file.Name is null)
        {
            throw new InvalidDataException($"{source}: not a classifier head (name or layers missing).");
        }

        return new ClassifierHead(file.Name, file.Layers, file.Threshold) { Info = file.Info ?? [] };
    }

    /// <summary>Writes the head as JSON, atomically.</summary>
    /// <param name="path">The file.</param>
    public void Save(string path) =>
        Gauntlet.Core.IO.AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(new HeadFile { SchemaVersion = 1, Name = Name, Threshold = Threshold, Layers = [.. Layers], Info = Info }, Json));

    /// <summary>The positive-class probability for one embedding.</summary>
    /// <param name="embedding">A <see cref="MiniLmEncoder.Dimension"/>-wide embedding.</param>
    /// <returns>A probability in [0, 1].</returns>
    /// <exception cref="ArgumentException">The embedding has the wrong width.</exception>
    public double Probability(ReadOnlySpan<float> embedding)
    {
        if (embedding.Length != Layers[0].In)
        {
            throw new ArgumentException($"head '{Name}': embedding of width {embedding.Length}, expected {Layers[0].In}.", nameof(embedding));
        }

        var x = embedding.ToArray();
        foreach (var layer in Layers)
        {
            var y = new float[layer.Out];
            for (var o = 0; o < layer.Out; o++)
            {
                var acc = (double)layer.Bias[o];
                var row = layer.Weight.AsSpan(o * layer.In, layer.In);
                for (var i = 0; i < layer.In; i++)
                {
                    acc += row[i] * (double)x[i];
                }

                y[o] = layer.Activation == "relu" ? (float)Math.Max(acc, 0) : (float)acc;
            }

            x = y;
        }

        // Softmax over two logits = the logistic of their difference.
        return 1.0 / (1.0 + Math.Exp(x[0] - (double)x[1]));
    }

    /// <summary>
    /// Trains a head with one hidden ReLU layer of <paramref name="hidden"/> units (0: a linear
    /// head) with Gauntlet's <see cref="Trainer"/> on cross-entropy.
    /// </summary>
    /// <param name="name">The head's name.</param>
    /// <param name="embeddings">Training embeddings.</param>
    /// <param name="labels">0 (negative) or 1 (positive) per embedding.</param>
    /// <param name="hidden">Hidden units, or 0.</param>
    /// <param name="options">Trainer settings (the seed also initialises the weights).</param>
    /// <param name="threshold">The decision threshold recorded with the head.</param>
    /// <returns>The trained head.</returns>
    /// <exception cref="ArgumentException">Counts differ or the set is empty.</exception>
    public static ClassifierHead Train(string name, IReadOnlyList<float[]> embeddings, IReadOnlyList<int> labels, int hidden, TrainingOptions options, double threshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        if (embeddings.Count == 0 || embeddings.Count != labels.Count)
        {
            throw new ArgumentException($"head '{name}': {embeddings.Count} embeddings and {labels.Count} labels.", nameof(labels));
        }

        var d = embeddings[0].Length;
        var data = new float[embeddings.Count * d];
        for (var i = 0; i < embeddings.Count; i++)
        {
            embeddings[i].CopyTo(data, i * d);
        }

        var set = new LabeledImages(Tensor.FromArray(data, [embeddings.Count, d, 1, 1]), [.. labels], 2, name);
        var rng = new Rng(options.Seed + 1L);
        var model = hidden > 0
            ? new Sequential(new Flatten(), new Linear(d, hidden, rng), new Relu(), new Linear(hidden, 2, rng))
            : new Sequential(new Flatten(), new Linear(d, 2, rng));
        Trainer.Fit(model, set, null, options);
        model.Eval();
        var layers = model.Layers.OfType<Linear>().ToList();
        var result = new List<HeadLayer>();
        for (var k = 0; k < layers.Count; k++)
        {
            var l = layers[k];
            result.Add(new HeadLayer(l.InFeatures, l.OutFeatures, l.Weight.ToArray(), l.Bias!.ToArray(), k < layers.Count - 1 ? "relu" : "none"));
        }

        return new ClassifierHead(name, result, threshold);
    }

    private void Validate()
    {
        var width = MiniLmEncoder.Dimension;
        foreach (var (l, k) in Layers.Select((l, k) => (l, k)))
        {
            if (l.In != width || l.Weight is null || l.Bias is null || l.Weight.Length != l.In * l.Out || l.Bias.Length != l.Out || l.Activation is not ("relu" or "none"))
            {
                throw new InvalidDataException($"head '{Name}': layer {k} ({l.In}→{l.Out}, {l.Activation}) does not fit (expected input width {width.ToString(CultureInfo.InvariantCulture)}, weights [out, in], activation relu or none).");
            }

            width = l.Out;
        }

        if (Layers.Count == 0 || width != 2)
        {
            throw new InvalidDataException($"head '{Name}': the last layer must give 2 logits.");
        }
    }

    private sealed class HeadFile
    {
        public int SchemaVersion { get; set; }

        public string? Name { get; set; }

        public double Threshold { get; set; } = 0.5;

        public List<HeadLayer>? Layers { get; set; }

        public Dictionary<string, JsonElement>? Info { get; set; }
    }
}
