using System.CommandLine;
using System.Globalization;
using Gauntlet.Core.IO;
using Gauntlet.Data;
using Gauntlet.Models;

namespace Gauntlet.Cli;

/// <summary>The model and preprocessing options <c>eval</c> and <c>attack</c> share.</summary>
internal sealed class ModelArguments
{
    private const string ModelDescription = "An ONNX model (.onnx; exported by PyTorch, tf2onnx, skl2onnx or gauntlet train), a Gauntlet model (NAME.gntp with NAME.model.json beside it), or 'demo' for the embedded Fashion-MNIST CNN.";

    /// <summary>Creates the arguments; with <paramref name="modelOptional"/> the model may be left out and defaults to the embedded demo.</summary>
    public ModelArguments(bool modelOptional = false)
    {
        Model = modelOptional
            ? new Argument<string>("model") { Description = ModelDescription, Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => DemoModel.Name }
            : new Argument<string>("model") { Description = ModelDescription };
        NumericOption.ValidateList(Mean, positive: false);
        NumericOption.ValidateList(Std, positive: true);
    }

    public Argument<string> Model { get; }

    public Option<string> InputRange { get; } = new("--input-range") { Description = "The input domain as min,max; attacks clip to it.", DefaultValueFactory = _ => "0,1" };

    public Option<string?> Mean { get; } = new("--mean") { Description = "Per-channel means (comma-separated) subtracted inside the model wrapper, so attacks work in pixel space." };

    public Option<string?> Std { get; } = new("--std") { Description = "Per-channel standard deviations (comma-separated) dividing inside the model wrapper." };

    public void AddTo(Command command)
    {
        command.Arguments.Add(Model);
        command.Options.Add(InputRange);
        command.Options.Add(Mean);
        command.Options.Add(Std);
    }

    /// <summary>Loads the model and wraps it as a classifier, checking the data fits it.</summary>
    public (LoadedModel Model, ModuleClassifier Classifier) Load(ParseResult parse, LabeledImages data) => Load(parse, data, parse.GetValue(Model)!);

    /// <summary>Loads another model file (a defended counterpart) with the same preprocessing options and checks.</summary>
    public (LoadedModel Model, ModuleClassifier Classifier) Load(ParseResult parse, LabeledImages data, string path)
    {
        if (path != DemoModel.Name)
        {
            // A folder, FIFO or device is named as such, not reported as "not found" or opened.
            InputFile.Check(path, "model file");
        }

        RequireImages(data);
        var loaded = path == DemoModel.Name || path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? LoadOnnx(path, data) : ModelFile.Load(path);
        var range = CheckDataFitsModel(parse, data, loaded);
        var hasGradients = loaded.Network.Children().Select(c => c.Value).OfType<Gauntlet.Onnx.OnnxTabularModel>().FirstOrDefault() is not { } tabular || tabular.Classifier.HasGradients;
        var classifier = new ModuleClassifier(loaded.Network, loaded.SampleShape, loaded.ClassCount, range, ParseList(parse.GetValue(Mean), "--mean"), ParseList(parse.GetValue(Std), "--std"))
        {
            HasGradients = hasGradients,
        };
        return (loaded, classifier);
    }

    /// <summary>
    /// Checks that more data (for example an audit's members and non-members) fits a model already
    /// loaded, as <see cref="Load(ParseResult, LabeledImages)"/> checks its own data: images present, shape, labels within the
    /// model's classes, values within --input-range.
    /// </summary>
    public void CheckFits(ParseResult parse, LabeledImages data, LoadedModel loaded)
    {
        RequireImages(data);
        CheckDataFitsModel(parse, data, loaded);
    }

    private static void RequireImages(LabeledImages data)
    {
        if (data.Count == 0)
        {
            throw new UserInputException($"{data.Source}: the data set holds no images; expected at least one.");
        }
    }

    // Shape, labels and value range of the data against the model; returns the declared input range.
    private InputRange CheckDataFitsModel(ParseResult parse, LabeledImages data, LoadedModel loaded)
    {
        var sample = data.Images.Shape.Dims[1..].ToArray();
        if (!sample.SequenceEqual(loaded.SampleShape.ToArray()))
        {
            throw new UserInputException($"{data.Source}: images are [{string.Join(", ", sample)}] but the model {loaded.Path} expects [{string.Join(", ", loaded.SampleShape.ToArray())}].");
        }

        CheckLabels(data, loaded);

        InputRange range;
        try
        {
            range = Gauntlet.Models.InputRange.Parse(parse.GetValue(InputRange)!);
        }
        catch (FormatException ex)
        {
            throw new UserInputException($"--input-range: {ex.Message}");
        }

        // A table's columns have their own scales (an income, an age): unless --input-range is given,
        // the range spans the data, and per-feature bounds come from --schema.
        if (loaded.Architecture == TabularArchitecture && parse.GetResult(InputRange) is not { Implicit: false })
        {
            var values = data.Images.ReadOnlySpan;
            var (lo, hi) = (float.PositiveInfinity, float.NegativeInfinity);
            foreach (var v in values)
            {
                (lo, hi) = float.IsFinite(v) ? (Math.Min(lo, v), Math.Max(hi, v)) : (lo, hi);
            }

            range = new InputRange(lo, hi > lo ? hi : lo + 1);
        }

        var images = data.Images.ReadOnlySpan;
        for (var i = 0; i < images.Length; i++)
        {
            if (!float.IsFinite(images[i]) || images[i] < range.Min || images[i] > range.Max)
            {
                var per = images.Length / data.Count;
                throw new UserInputException($"{data.Source}: image {i / per} has value {images[i]} outside the declared input range [{range.Min}, {range.Max}] (set --input-range).");
            }
        }

        return range;
    }

    /// <summary>Every label must name one of the model's outputs; the first that does not is named with its sample index.</summary>
    private static void CheckLabels(LabeledImages data, LoadedModel model)
    {
        var k = model.ClassCount;
        for (var i = 0; i < data.Labels.Length; i++)
        {
            if (data.Labels[i] >= k)
            {
                var source = data.LabelSource == data.Source ? data.Source : $"--labels {data.LabelSource}";
                throw new UserInputException($"{source}: sample {i} has label {data.Labels[i]} but the model {model.Path} has {k} classes (0..{k - 1}).");
            }
        }
    }

    /// <summary>The architecture name of an ONNX model run on table rows (<see cref="Gauntlet.Onnx.OnnxTabularModel"/>).</summary>
    public const string TabularArchitecture = "onnx-tabular";

    // ONNX graphs declare the input shape (often with a symbolic batch) but not the class count:
    // one forward pass on the first image yields K.
    private static LoadedModel LoadOnnx(string path, LabeledImages data)
    {
        Gauntlet.Onnx.OnnxClassifier network;
        if (path == DemoModel.Name)
        {
            network = new Gauntlet.Onnx.OnnxClassifier(Gauntlet.Onnx.OnnxModel.Parse(DemoModel.OnnxBytes(), "embedded demo model"));
        }
        else if (!File.Exists(path))
        {
            throw new FileNotFoundException($"model file not found: {path}", path);
        }
        else
        {
            network = Gauntlet.Onnx.OnnxClassifier.Load(path);
        }

        var declared = network.Input.Shape;
        var sample = data.Images.Shape.Dims[1..].ToArray();

        // Table rows arrive as [N, 1, 1, F] records; a graph over [N, F] features runs them flattened.
        if (declared is { Count: 2 } && sample is [1, 1, var width])
        {
            if (declared[1].Value is { } f && f != width)
            {
                throw new UserInputException($"{data.Source}: rows have {width} feature columns but {path} declares input '{network.Input.Name}' with {f}.");
            }

            var tabular = new Gauntlet.Onnx.OnnxTabularModel(network);
            var count = tabular.Forward(data.Take(1).Images) is { Rank: 2 } probe && probe.Dim(1) >= 2 ? probe.Dim(1)
                : throw new UserInputException($"{path}: the model's scores for one row are not [1, K] with K ≥ 2 classes.");
            var classNames = data.ClassCount == count ? data.ClassNames : [.. Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture))];
            return new LoadedModel(TabularArchitecture, new Gauntlet.Tensors.Nn.Sequential(tabular), new Gauntlet.Tensors.Shape(sample), count, classNames, path);
        }

        if (declared is { Count: > 1 })
        {
            var dims = declared.Skip(1).ToArray();
            if (dims.Length != sample.Length || dims.Where((d, i) => d.Value is { } v && v != sample[i]).Any())
            {
                throw new UserInputException($"{data.Source}: images are [{string.Join(", ", sample)}] but {path} declares input '{network.Input.Name}' as [{string.Join(", ", declared.Select(d => d.Value?.ToString(CultureInfo.InvariantCulture) ?? d.Param ?? "?"))}].");
            }
        }

        var classes = network.ProbeClassCount(data.Take(1).Images);
        var names = data.ClassCount == classes ? data.ClassNames : [.. Enumerable.Range(0, classes).Select(i => i.ToString(CultureInfo.InvariantCulture))];
        var wrapper = new Gauntlet.Tensors.Nn.Sequential(network);
        return new LoadedModel("onnx", wrapper, new Gauntlet.Tensors.Shape(sample), classes, names, path);
    }

    /// <summary>The parsed --mean and --std (both null when not given), for code that runs parts of the network itself.</summary>
    public (float[]? Mean, float[]? Std) Normalisation(ParseResult parse) =>
        (ParseList(parse.GetValue(Mean), "--mean"), ParseList(parse.GetValue(Std), "--std"));

    private static float[]? ParseList(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }

        var parts = text.Split(',');
        var values = new float[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
            {
                throw new UserInputException($"{option}: '{parts[i]}' is not a number (expected comma-separated values, one per channel).");
            }
        }

        return values;
    }
}
