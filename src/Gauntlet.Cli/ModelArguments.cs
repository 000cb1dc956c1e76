using System.CommandLine;
using System.Globalization;
using Gauntlet.Data;
using Gauntlet.Models;

namespace Gauntlet.Cli;

/// <summary>The model and preprocessing options <c>eval</c> and <c>attack</c> share.</summary>
internal sealed class ModelArguments
{
    public Argument<string> Model { get; } = new("model") { Description = "A model saved by 'gauntlet train --out' (NAME.gntp with NAME.model.json beside it)." };

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
    public (LoadedModel Model, ModuleClassifier Classifier) Load(ParseResult parse, LabeledImages data)
    {
        var loaded = ModelFile.Load(parse.GetValue(Model)!);
        var sample = data.Images.Shape.Dims[1..].ToArray();
        if (!sample.SequenceEqual(loaded.SampleShape.ToArray()))
        {
            throw new UserInputException($"{data.Source}: images are [{string.Join(", ", sample)}] but the model {loaded.Path} expects [{string.Join(", ", loaded.SampleShape.ToArray())}].");
        }

        if (data.ClassCount > loaded.ClassCount)
        {
            throw new UserInputException($"{data.Source}: labels span {data.ClassCount} classes but the model has {loaded.ClassCount}.");
        }

        InputRange range;
        try
        {
            range = Gauntlet.Models.InputRange.Parse(parse.GetValue(InputRange)!);
        }
        catch (FormatException ex)
        {
            throw new UserInputException($"--input-range: {ex.Message}");
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

        var classifier = new ModuleClassifier(loaded.Network, loaded.SampleShape, loaded.ClassCount, range, ParseList(parse.GetValue(Mean), "--mean"), ParseList(parse.GetValue(Std), "--std"));
        return (loaded, classifier);
    }

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
