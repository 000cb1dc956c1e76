using System.CommandLine;
using System.Globalization;
using Gauntlet.Core;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Poisoning.Generators;
using Gauntlet.Poisoning.Triggers;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet poison</c>: writes a poisoned copy of a training set and a manifest of what changed (docs/poisoning.md).</summary>
internal static class PoisonCommand
{
    /// <summary>The poisoned set's file name in --out.</summary>
    public const string DataFile = "poisoned.npz";

    /// <summary>The manifest's file name in --out.</summary>
    public const string ManifestFile = "manifest.json";

    private static readonly string[] Attacks = ["badnets", "blend", "label-flip", "clean-label"];

    public static Command Create(IAnsiConsole console)
    {
        var data = new Option<string>("--data") { Description = "The training set to poison (its training split for fashion-mnist and IDX folders): " + DataArguments.Description, Required = true };
        var labels = new Option<string?>("--labels") { Description = DataArguments.LabelsDescription };
        var attack = new Option<string>("--attack") { Description = "badnets (a patch trigger, Gu et al. 2017), blend (a blended random key, Chen et al. 2017), label-flip (see --flip), clean-label (PGD-hardened target-class images plus the patch, labels kept; Turner et al. 2019; needs --model).", Required = true };
        attack.AcceptOnlyFromAmong(Attacks);
        var target = NumericOption.Int("--target", "The target class the trigger (or targeted label flipping) sends samples to.", 0, min: 0);
        var rate = NumericOption.Float("--rate", "Share of the whole set to poison.", 0.05f, new RealRange(0, 1, MinExclusive: true, MaxExclusive: true));
        var seed = NumericOption.Int("--seed", "Seed of the sample choice, random patterns and PGD's start; recorded in the manifest.", 0, min: int.MinValue);
        var samples = NumericOption.OptionalInt("--samples", "Poison only the first N images (the rest are left out of the output).", min: 1, limit: RunLimits.MaxSamples);
        var position = new Option<string>("--position") { Description = "Where the patch goes (badnets, clean-label): bottom-right, bottom-left, top-right, top-left, center, or ROW,COL of its top-left pixel; corners are 1 pixel from the edges.", DefaultValueFactory = _ => "bottom-right" };
        var size = NumericOption.Int("--size", "Side of the square patch in pixels (badnets, clean-label).", 4, min: 1);
        var pattern = new Option<string>("--pattern") { Description = "The patch's fill: white, checkerboard or random (badnets, clean-label).", DefaultValueFactory = _ => "white" };
        pattern.AcceptOnlyFromAmong("white", "checkerboard", "random");
        var alpha = NumericOption.Float("--alpha", "Blend ratio α of the key (blend): x' = (1 − α)·x + α·key.", 0.2f, RealRange.Positive(1));
        var flip = new Option<string>("--flip") { Description = "label-flip: targeted (relabel samples of --source, or of every other class, as --target) or random (a uniform other class).", DefaultValueFactory = _ => "targeted" };
        flip.AcceptOnlyFromAmong("targeted", "random");
        var source = NumericOption.OptionalInt("--source", "label-flip targeted: flip only samples of this class.", min: 0);
        var model = new Option<string?>("--model") { Description = "clean-label: the surrogate model PGD attacks (.onnx or NAME.gntp)." };
        var epsilon = NumericOption.Float("--eps", "clean-label: L∞ budget of the PGD perturbation.", 0.1f, RealRange.Positive(1));
        var output = new Option<string>("--out") { Description = $"Folder for {DataFile} (images x, labels y) and {ManifestFile} (changed indices, original labels, trigger, seed). It must exist.", Required = true };
        var command = new Command("poison", "Poison a training set (BadNets, blended, label flipping, clean-label) for red-team exercises and for testing backdoor detectors.")
        {
            data, labels, attack, target, rate, seed, samples, position, size, pattern, alpha, flip, source, model, epsilon, output,
        };
        command.SetAction(parse =>
        {
            using var outputs = new CommandOutputs(parse, [.. CommandOutputs.DataInputs(parse.GetValue(data), parse.GetValue(labels)), .. CommandOutputs.ModelInputs(parse.GetValue(model))]);
            var folder = parse.GetValue(output)!;
            outputs.Folder("--out", folder, [DataFile, ManifestFile]);
            var name = parse.GetValue(attack)!;
            if (name == "clean-label" && parse.GetValue(model) is null)
            {
                throw new UserInputException("--attack clean-label makes target-class images hard with PGD against a surrogate: give --model.");
            }

            var set = Load(parse.GetValue(data)!, parse.GetValue(labels));
            if (parse.GetValue(samples) is { } n)
            {
                set = set.Take(n);
            }

            var (t, r, s) = (parse.GetValue(target), (double)parse.GetValue(rate), parse.GetValue(seed));
            if (t >= set.ClassCount && !(name == "label-flip" && parse.GetValue(flip) == "random"))
            {
                throw new UserInputException($"--target {t} is out of range: {set.Source} has {set.ClassCount} classes (0..{set.ClassCount - 1}).");
            }

            var (h, w) = (set.Images.Dim(2), set.Images.Dim(3));
            PatchTrigger Patch() => PatchTrigger.At(parse.GetValue(position)!, parse.GetValue(size), h, w, Enum.Parse<PatchPattern>(parse.GetValue(pattern)!, ignoreCase: true), s);
            ITrigger? trigger = null;
            PoisonedSet poisoned;
            switch (name)
            {
                case "badnets":
                    trigger = Patch();
                    poisoned = Poisoner.Trigger(set, trigger, name, t, r, s);
                    break;
                case "blend":
                    trigger = new BlendTrigger(parse.GetValue(alpha), s);
                    poisoned = Poisoner.Trigger(set, trigger, name, t, r, s);
                    break;
                case "label-flip":
                    poisoned = parse.GetValue(flip) == "random" ? Poisoner.RandomLabelFlip(set, r, s) : Poisoner.TargetedLabelFlip(set, t, parse.GetValue(source), r, s);
                    break;
                default:
                    trigger = Patch();
                    var modelPath = parse.GetValue(model)!;
                    var surrogate = LoadSurrogate(modelPath, set);
                    poisoned = Poisoner.CleanLabel(set, surrogate, trigger, t, r, parse.GetValue(epsilon), s);
                    break;
            }

            outputs.Write(Path.Combine(folder, DataFile), stream => NpzWriter.Write(stream, poisoned.Data));
            outputs.WriteJsonFile(Path.Combine(folder, ManifestFile), Manifest(poisoned, trigger, set, name == "label-flip" ? parse.GetValue(flip) : null, r, s));
            outputs.Commit();
            console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"gauntlet poison {name}: {poisoned.Indices.Length:N0} of {set.Count:N0} samples changed ({poisoned.Rate:P2}){(poisoned.Target is { } tt ? $", target class {tt}" : "")}; wrote {Path.Combine(folder, DataFile)} and {ManifestFile}")));
            return CliApp.ExitOk;
        });
        return command;
    }

    private static LabeledImages Load(string data, string? labels)
    {
        try
        {
            return DataSource.Load(data, labels, train: true, Console.Error.WriteLine).Images
                ?? throw new UserInputException($"{data}: a table of features; poisoning needs images ([N, C, H, W]).");
        }
        catch (ArgumentException ex)
        {
            throw new UserInputException(ex.Message, ex);
        }
    }

    private static IClassifier LoadSurrogate(string path, LabeledImages set)
    {
        var loaded = path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || path == DemoModel.Name
            ? null
            : ModelFile.Load(path);
        if (loaded is null)
        {
            var onnx = path == DemoModel.Name
                ? new Gauntlet.Onnx.OnnxClassifier(Gauntlet.Onnx.OnnxModel.Parse(DemoModel.OnnxBytes(), "embedded demo model"))
                : Gauntlet.Onnx.OnnxClassifier.Load(path);
            var classes = onnx.ProbeClassCount(set.Take(1).Images);
            return new ModuleClassifier(onnx, new Gauntlet.Tensors.Shape(set.Images.Shape.Dims[1..].ToArray()), classes);
        }

        var sample = set.Images.Shape.Dims[1..].ToArray();
        if (!sample.SequenceEqual(loaded.SampleShape.ToArray()))
        {
            throw new UserInputException($"{set.Source}: images are [{string.Join(", ", sample)}] but the model {path} expects [{string.Join(", ", loaded.SampleShape.ToArray())}].");
        }

        return new ModuleClassifier(loaded.Network, loaded.SampleShape, loaded.ClassCount);
    }

    private static object Manifest(PoisonedSet poisoned, ITrigger? trigger, LabeledImages set, string? flipMode, double rate, int seed) => new
    {
        schema_version = 1,
        tool = "gauntlet",
        tool_version = CliApp.Version,
        attack = poisoned.Attack,
        target = poisoned.Target,
        rate,
        seed,
        source = set.Source,
        count = set.Count,
        poisoned_count = poisoned.Indices.Length,
        trigger = trigger switch
        {
            PatchTrigger p => (object)new { kind = "patch", row = p.Row, column = p.Column, size = p.Size, pattern = p.Pattern.ToString().ToLowerInvariant(), seed = p.Seed, description = p.Describe() },
            BlendTrigger b => new { kind = "blend", alpha = b.Alpha, seed = b.Seed, description = b.Describe() },
            _ => null,
        },
        flip = flipMode,
        indices = poisoned.Indices,
        original_labels = poisoned.OriginalLabels,
        new_labels = poisoned.NewLabels,
    };
}
