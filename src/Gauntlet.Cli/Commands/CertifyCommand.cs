using System.CommandLine;
using System.Globalization;
using Gauntlet.Core;
using Gauntlet.Defenses.Certification;
using Gauntlet.Reporting;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet certify</c>: randomized-smoothing certification (Cohen et al. 2019) of a model over a data set (docs/certification.md).</summary>
internal static class CertifyCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var model = new ModelArguments();
        var data = new Option<string>("--data") { Description = DataArguments.Description + " The test split is used.", DefaultValueFactory = _ => "fashion-mnist" };
        var labels = new Option<string?>("--labels") { Description = DataArguments.LabelsDescription };
        var sigma = NumericOption.OptionalDouble("--sigma", "σ, the standard deviation of the Gaussian noise, in input units (default 0.25); certify with the σ the model was trained with.", RealRange.Positive(1e6));
        var n0 = NumericOption.Int("--n0", "Noise draws that pick the top class ĉA.", 100, min: 1, limit: RunLimits.MaxQueriesPerSample);
        var n = NumericOption.Int("--n", "Noise draws that bound the probability pA of ĉA; at least --n0 (Cohen et al. used 100,000).", 10_000, min: 1, limit: RunLimits.MaxQueriesPerSample);
        var alpha = NumericOption.OptionalDouble("--alpha", "α, the probability that a certificate is wrong (default 0.001).", new RealRange(0, 1, MinExclusive: true, MaxExclusive: true));
        var batch = NumericOption.Int("--batch", "Noisy copies of one image per forward pass.", 1000, min: 1, limit: RunLimits.MaxBatch);
        var samples = NumericOption.OptionalInt("--samples", "Certify only the first N images (default 100; alias --limit).", min: 1, limit: RunLimits.MaxSamples);
        samples.Aliases.Add("--limit");
        samples.DefaultValueFactory = _ => 100;
        var seed = NumericOption.Int("--seed", "Seed of the noise; image i draws from the i-th stream of it, so results do not depend on --batch.", 0, min: int.MinValue);
        var json = new Option<string?>("--json") { Description = "Write certified_accuracy (radius → fraction), abstain_rate, every sample's label, prediction, radius and counts, the parameters and the seed as JSON; '-' writes it to standard output." };
        var svg = new Option<string?>("--svg") { Description = "Write the certified-accuracy-against-radius curve as an SVG file." };
        var noLimits = NumericOption.NoLimits();
        var command = new Command("certify", "Certify a model's predictions with randomized smoothing (Cohen et al. 2019): certified accuracy against L2 radius, abstentions, and each image's radius.")
        {
            data, labels, sigma, n0, n, alpha, batch, samples, seed, json, svg, noLimits,
        };
        model.AddTo(command);
        command.SetAction(parse =>
        {
            var parameters = new SmoothingParameters(parse.GetValue(sigma) ?? 0.25, parse.GetValue(n0), parse.GetValue(n), parse.GetValue(alpha) ?? 0.001, parse.GetValue(batch));
            try
            {
                parameters.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new UserInputException(ex.Message);
            }

            using var outputs = new CommandOutputs(parse, [.. CommandOutputs.ModelInputs(parse.GetValue(model.Model)), .. CommandOutputs.DataInputs(parse.GetValue(data), parse.GetValue(labels))]);
            outputs.File("--json", parse.GetValue(json));
            outputs.File("--svg", parse.GetValue(svg), allowStandardOutput: false);
            var ui = outputs.ConsoleFor(console);

            var set = DataArguments.LoadEvaluation(parse.GetValue(data)!, parse.GetValue(samples), parse.GetValue(labels));
            var (loaded, classifier) = model.Load(parse, set);
            if (RunLimits.BatchProblem(parameters.BatchSize, classifier.SampleShape.Size, NumericOption.LimitsLifted(parse), RunLimits.CliSwitch) is { } problem)
            {
                throw new UserInputException($"--batch: {problem}.");
            }

            // Progress goes to standard error, one line per image, so a long run can be followed and piped output stays clean.
            var error = parse.InvocationConfiguration.Error;
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"certify: {set.Count} images, σ {parameters.Sigma}, n0 {parameters.N0}, n {parameters.N}, α {parameters.Alpha}, batch {parameters.BatchSize}, seed {parse.GetValue(seed)}"));
            var run = CertificationRun.Certify(classifier, set, parameters, parse.GetValue(seed), new SynchronousProgress<CertificationProgress>(p =>
                error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"certify: {p.Done}/{p.Total} label {p.Last.Label} → {(p.Last.Certificate.Abstained ? "abstain" : p.Last.Prediction.ToString(CultureInfo.InvariantCulture))}, radius {p.Last.Radius:0.000} ({p.Last.Seconds:0.0} s)"))));

            var table = new Table().AddColumns("L2 radius", "certified accuracy");
            foreach (var r in run.Radii)
            {
                table.AddRow(R(r), run.AccuracyAt(r).ToString("0.000", CultureInfo.InvariantCulture));
            }

            ui.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"randomized smoothing on {loaded.Path}: {set.Count} images of {set.Source}, σ {parameters.Sigma}, n0 {parameters.N0}, n {parameters.N}, α {parameters.Alpha}")));
            ui.Write(table);
            ui.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"abstained on {run.AbstainRate:P1}; largest certifiable radius {parameters.MaxRadius:0.000}; {run.Seconds:0.0} s"));

            if (parse.GetValue(json) is not null)
            {
                outputs.WriteJson("--json", Document(run, loaded.Path, set.Source));
            }

            if (parse.GetValue(svg) is not null)
            {
                outputs.WriteText("--svg", SvgDocument.Render(Chart(run)));
            }

            outputs.Commit();
            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>The radius as the JSON keys and the table write it: two decimals, invariant.</summary>
    private static string R(double radius) => radius.ToString("0.00", CultureInfo.InvariantCulture);

    private static Dictionary<string, object?> Document(CertificationRun run, string modelPath, string dataSource) => new()
    {
        ["schema_version"] = 1,
        ["tool_version"] = CliApp.Version,
        ["model"] = modelPath,
        ["data"] = dataSource,
        ["method"] = "randomized-smoothing (Cohen et al. 2019, CERTIFY)",
        ["params"] = new Dictionary<string, object>
        {
            ["sigma"] = run.Parameters.Sigma,
            ["n0"] = run.Parameters.N0,
            ["n"] = run.Parameters.N,
            ["alpha"] = run.Parameters.Alpha,
            ["batch"] = run.Parameters.BatchSize,
        },
        ["seed"] = run.Seed,
        ["samples_certified"] = run.Samples.Count,
        ["certified_accuracy"] = run.Radii.ToDictionary(R, run.AccuracyAt),
        ["abstain_rate"] = run.AbstainRate,
        ["max_certifiable_radius"] = run.Parameters.MaxRadius,
        ["seconds"] = run.Seconds,
        ["samples"] = run.Samples.Select(s => new Dictionary<string, object>
        {
            ["index"] = s.Index,
            ["label"] = s.Label,
            ["prediction"] = s.Prediction,
            ["radius"] = s.Radius,
            ["correct"] = s.Correct,
            ["abstained"] = s.Certificate.Abstained,
            ["guess"] = s.Certificate.Guess,
            ["count_a"] = s.Certificate.CountA,
            ["p_a_lower"] = s.Certificate.PALower,
            ["seconds"] = s.Seconds,
        }).ToArray(),
    };

    // The curve r ↦ certified accuracy, a step function: 200 unmarked points shape it, the table's radii are marked.
    private static LineChart Chart(CertificationRun run)
    {
        var radii = run.Radii;
        var end = radii[^1];
        var xs = Enumerable.Range(0, 201).Select(i => end * i / 200).Concat(radii).Distinct().Order();
        var points = xs.Select(x => radii.Contains(x)
            ? new ChartPoint(x, run.AccuracyAt(x), R(x), run.AccuracyAt(x).ToString("0.000", CultureInfo.InvariantCulture))
            : new ChartPoint(x, run.AccuracyAt(x))).ToList();
        var p = run.Parameters;
        return new LineChart
        {
            Title = "Certified accuracy against L2 radius (randomized smoothing)",
            Description = string.Create(CultureInfo.InvariantCulture, $"The share of {run.Samples.Count} images certified correct at each L2 radius or more, σ {p.Sigma}, n {p.N}, α {p.Alpha}; abstained on {run.AbstainRate:P1}."),
            XAxis = new ChartAxis { Title = "L2 radius", Symbol = "r", Min = 0, Max = end, Ticks = [.. radii.Select(r => new ChartTick(r, R(r)))] },
            YAxis = new ChartAxis { Title = "certified accuracy", Min = 0, Max = 1, Ticks = [.. Enumerable.Range(0, 6).Select(i => new ChartTick(i / 5.0, (i / 5.0).ToString("0.0", CultureInfo.InvariantCulture)))] },
            Series = [new ChartSeries { Label = string.Create(CultureInfo.InvariantCulture, $"σ = {p.Sigma}"), Points = points }],
        };
    }
}
